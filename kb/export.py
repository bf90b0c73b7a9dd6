"""Graph exports: ``kb export --format graphml|gexf|json|csv --out PATH``.

- graphml / gexf (Gephi, yEd, networkx): one file. These formats hold neither lists nor nulls, so a list
  property is written as JSON text (``["荣昌", "荣昌区"]``) and a null property is left out. GEXF reserves
  an edge's ``type`` for directed/undirected, so there the relationship type is the edge attribute
  ``rel_type`` (``networkx.read_gexf`` gives it back).
- json: networkx node-link JSON (``networkx.node_link_graph(data, edges="edges")`` reads it back), lists
  and nulls kept.
- csv: a folder in the ``neo4j-admin database import full`` header format: ``nodes_<Label>.csv`` with
  ``<key>:ID(<Label>)``, ``:LABEL`` and typed property columns; ``relationships_<TYPE>.csv`` with
  ``:START_ID(<Label>)``, ``:END_ID(<Label>)``, ``:TYPE``; plus ``import.sh`` running that command.

Every export reads the stored graph (``Store.to_networkx``), so it shows what queries see. Content
cannot break an export: characters XML 1.0 cannot hold (NUL and other C0 controls except tab and line
breaks, lone surrogates, U+FFFE/U+FFFF) are removed from every text (node ids included) in GraphML, GEXF
and CSV, and lone surrogates become U+FFFD in JSON (which escapes controls itself). Each file is written
under a temporary name beside its target and renamed into place (the CSV folder as a whole), so a
failed export leaves the previous file, never a truncated one.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import networkx as nx

from kb.core.errors import KBError
from kb.core.messages import os_error_reason
from kb.core.schema import BOOLEAN, DOUBLE, INT64, NODE_TABLES, REL_TABLES, STRING_LIST

FORMATS = ("graphml", "gexf", "json", "csv")
_CSV_TYPES = {DOUBLE: "double", INT64: "long", BOOLEAN: "boolean", STRING_LIST: "string[]"}


class UnknownExportFormat(KBError):
    """``kb export --format`` named a format other than graphml, gexf, json or csv."""

    code = "E_UNKNOWN_EXPORT_FORMAT"


class ExportNotWritten(KBError):
    """The export could not be written (the OS reason in one line); the previous file is untouched."""

    code = "E_EXPORT_WRITE"


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def xml_text(value: object) -> object:
    """``value`` with the characters XML 1.0 cannot hold removed (strings only; other values unchanged).

    Example:
        >>> xml_text("收入\x00总计\x1b")
        '收入总计'
    """
    return _NOT_XML.sub("", value) if isinstance(value, str) else value


def _json_text(value: object) -> object:
    """Lone surrogates (not encodable as UTF-8) replaced by U+FFFD, in strings and lists of strings."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_json_text(item) for item in value]
    return value


def _flat(graph: nx.MultiDiGraph, edge_type_name: str = "type") -> nx.MultiDiGraph:
    """A copy for GraphML/GEXF: lists as JSON text, nulls left out, XML-invalid characters removed (ids too),
    and the relationship type under ``edge_type_name``."""

    def flatten(values: dict) -> dict:
        return {xml_text(name): xml_text(json.dumps(value, ensure_ascii=False) if isinstance(value, list) else value)
                for name, value in values.items() if value is not None}

    flat = nx.MultiDiGraph()
    flat.add_nodes_from((xml_text(node), flatten(data)) for node, data in graph.nodes(data=True))
    for source, target, key, data in graph.edges(keys=True, data=True):
        values = flatten(data)
        if edge_type_name != "type" and "type" in values:
            values[edge_type_name] = values.pop("type")
        flat.add_edge(xml_text(source), xml_text(target), key=xml_text(key), **values)
    return flat


def _atomic(out: Path, write: Callable[[Path], None]) -> None:
    """Run ``write(temporary)`` on a temporary name beside ``out``, then rename it over ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    os.close(descriptor)
    temporary = Path(name)
    try:
        write(temporary)
        umask = os.umask(0)
        os.umask(umask)
        temporary.chmod(0o666 & ~umask)  # mkstemp makes it private; an export is an ordinary file
        os.replace(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):  # neo4j-admin splits arrays on ';'
        return ";".join(str(xml_text(item)).replace(";", "；") for item in value)
    return xml_text(value)


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
                writer.writerow([_csv_value(data[table.key]), label, *(_csv_value(data.get(name)) for name in others)])
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
                    writer.writerow([_csv_value(source[source_key]), _csv_value(target[target_key]), rel_type,
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
        ExportNotWritten: ``out`` cannot be written (the OS reason in one line); a file already at ``out``
            is left as it was.

    Example:
        >>> export_graph(store, "graphml", Path("kb.graphml"))  # doctest: +SKIP
        PosixPath('kb.graphml')
    """
    if fmt not in FORMATS:
        raise UnknownExportFormat(fmt=str(fmt)[:40], allowed="、".join(FORMATS))
    graph = store.to_networkx()
    out = Path(out)
    try:
        if fmt == "csv":
            return _replace_folder(out, lambda folder: _write_csv(graph, folder))
        if fmt == "graphml":
            _atomic(out, lambda path: nx.write_graphml(_flat(graph), path, encoding="utf-8"))
        elif fmt == "gexf":
            _atomic(out, lambda path: nx.write_gexf(_flat(graph, "rel_type"), path, encoding="utf-8"))
        else:
            data = nx.node_link_data(graph, edges="edges")
            for item in (*data["nodes"], *data["edges"]):
                item.update({name: _json_text(value) for name, value in item.items()})
            text = json.dumps(data, ensure_ascii=False, indent=1)
            _atomic(out, lambda path: path.write_text(text, encoding="utf-8"))
    except OSError as error:
        raise ExportNotWritten(path=out, reason=os_error_reason(error)) from error
    return out


def _replace_folder(out: Path, write: Callable[[Path], Path]) -> Path:
    """Fill a new folder beside ``out`` with ``write(folder)``, then swap it in for ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent))
    try:
        write(building)
        if out.exists():
            old = out.with_name(f".{out.name}.old-{os.getpid()}")
            os.replace(out, old)
            os.replace(building, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(building, out)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return out
