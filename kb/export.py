"""Graph exports: ``kb export --format graphml|gexf|json|csv --out PATH``.

- graphml / gexf (Gephi, yEd, networkx): one file. These formats hold neither lists nor nulls, so a list
  property is written as JSON text (``["荣昌", "荣昌区"]``) and a null property is left out.
- json: networkx node-link JSON (``networkx.node_link_graph(data, edges="edges")`` reads it back), lists
  and nulls kept.
- csv: a folder in the ``neo4j-admin database import full`` header format: ``nodes_<Label>.csv`` with
  ``<key>:ID(<Label>)``, ``:LABEL`` and typed property columns; ``relationships_<TYPE>.csv`` with
  ``:START_ID(<Label>)``, ``:END_ID(<Label>)``, ``:TYPE``; plus ``import.sh`` running that command.

Every export reads the stored graph (``Store.to_networkx``), so it shows what queries see.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx

from kb.core.errors import KBError
from kb.core.schema import BOOLEAN, DOUBLE, INT64, NODE_TABLES, REL_TABLES, STRING_LIST

FORMATS = ("graphml", "gexf", "json", "csv")
_CSV_TYPES = {DOUBLE: "double", INT64: "long", BOOLEAN: "boolean", STRING_LIST: "string[]"}


class UnknownExportFormat(KBError):
    """``kb export --format`` named a format other than graphml, gexf, json or csv."""


def _flat(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy without lists (JSON text instead) or nulls (left out), as GraphML and GEXF require."""

    def flatten(values: dict) -> dict:
        return {name: json.dumps(value, ensure_ascii=False) if isinstance(value, list) else value
                for name, value in values.items() if value is not None}

    flat = nx.MultiDiGraph()
    flat.add_nodes_from((node, flatten(data)) for node, data in graph.nodes(data=True))
    flat.add_edges_from((source, target, key, flatten(data)) for source, target, key, data
                        in graph.edges(keys=True, data=True))
    return flat


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):  # neo4j-admin splits arrays on ';'
        return ";".join(str(item).replace(";", "；") for item in value)
    return value


def _header(name: str, type_name: str) -> str:
    return f"{name}:{_CSV_TYPES[type_name]}" if type_name in _CSV_TYPES else name


def _write_csv(graph: nx.MultiDiGraph, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    node_files, relationship_files = [], []
    for label, table in NODE_TABLES.items():
        nodes = [data for _, data in graph.nodes(data=True) if data["label"] == label]
        if not nodes:
            continue
        others = [name for name in table.properties if name != table.key]
        path = folder / f"nodes_{label}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([f"{table.key}:ID({label})", ":LABEL",
                             *(_header(name, table.properties[name]) for name in others)])
            for data in nodes:
                writer.writerow([data[table.key], label, *(_csv_value(data.get(name)) for name in others)])
        node_files.append(path.name)
    for rel_type, table in REL_TABLES.items():
        for source_label, target_label in table.endpoints:
            edges = [(graph.nodes[source], graph.nodes[target], data)
                     for source, target, data in graph.edges(data=True)
                     if data["type"] == rel_type and graph.nodes[source]["label"] == source_label
                     and graph.nodes[target]["label"] == target_label]
            if not edges:
                continue
            suffix = f"_{source_label}_{target_label}" if len(table.endpoints) > 1 else ""
            path = folder / f"relationships_{rel_type}{suffix}.csv"
            source_key, target_key = NODE_TABLES[source_label].key, NODE_TABLES[target_label].key
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow([f":START_ID({source_label})", f":END_ID({target_label})", ":TYPE",
                                 *(_header(name, type_name) for name, type_name in table.properties.items())])
                for source, target, data in edges:
                    writer.writerow([source[source_key], target[target_key], rel_type,
                                     *(_csv_value(data.get(name)) for name in table.properties)])
            relationship_files.append(path.name)
    arguments = [f"  --nodes={name} \\" for name in node_files]
    arguments += [f"  --relationships={name} \\" for name in relationship_files]
    script = folder / "import.sh"
    script.write_text("\n".join([
        "#!/usr/bin/env bash",
        "# Load this export into Neo4j 5 with its offline bulk importer (stop the server first; this replaces",
        "# the database). Usage: ./import.sh [database]   (default: neo4j); then start Neo4j again.",
        'set -euo pipefail',
        'cd "$(dirname "$0")"',
        'neo4j-admin database import full "${1:-neo4j}" --overwrite-destination --multiline-fields=true \\',
        *arguments,
        "  --array-delimiter=';'",
        "",
    ]), encoding="utf-8")
    script.chmod(0o755)
    return folder


def export_graph(store, fmt: str, out: Path) -> Path:
    """Write the stored graph for Gephi, networkx or neo4j-admin.

    Args:
        store: an open ``kb.store`` Store (read with ``to_networkx``).
        fmt: "graphml", "gexf", "json" or "csv".
        out: the file to write (graphml, gexf, json) or the folder to fill (csv).

    Returns:
        The path written (the folder for csv).

    Raises:
        UnknownExportFormat: ``fmt`` is none of the four.
        KBError: ``out`` cannot be written (the OS reason in one line).

    Example:
        >>> export_graph(store, "graphml", Path("kb.graphml"))  # doctest: +SKIP
        PosixPath('kb.graphml')
    """
    if fmt not in FORMATS:
        raise UnknownExportFormat(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    graph = store.to_networkx()
    out = Path(out)
    try:
        if fmt == "csv":
            return _write_csv(graph, out)
        out.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "graphml":
            nx.write_graphml(_flat(graph), out, encoding="utf-8")
        elif fmt == "gexf":
            nx.write_gexf(_flat(graph), out, encoding="utf-8")
        else:
            data = nx.node_link_data(graph, edges="edges")
            out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    except OSError as error:
        raise KBError(f"cannot write {out}: {error.strerror or error}") from error
    return out
