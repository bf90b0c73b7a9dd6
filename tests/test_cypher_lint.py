"""Neo4j's own Cypher linter (tools/lint_cypher.mjs, npm @neo4j-cypher/language-support) over every
cypher/*.cypher template and over the Cypher the stores themselves run on Neo4j, given the graph's labels,
types and property keys and each query's parameters. Errors fail; warnings are printed. One node run
lints everything (the linter takes seconds to load)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kb.query.templates import CYPHER_DIR, internal_registry, load_registry
from kb.store.neo4j_store import statements as neo4j_statements
from kb.core.schema import (NODE_TABLES, REL_TABLES, count_cypher, node_export_cypher,
                             relationship_export_cypher)

REPO = Path(__file__).resolve().parents[1]
LINTER = REPO / "tools" / "lint_cypher.mjs"
SAMPLES = {"str": "", "int": 0, "float": 0.0}
BROKEN = {  # what Neo4j rejects, and a word of the linter's message
    "typo.cypher": ("MATCH (u:Unit) RETRN u.name", "Invalid input 'RETRN'"),
    "undeclared.cypher": ("MATCH (u:Unit) WHERE u.name = $unit RETURN $year AS year", "Parameter $year is not defined"),
    "types.cypher": ("MATCH (u:Unit) RETURN toLower(1) AS name", "Type mismatch"),
}


def _schema() -> dict:
    keys = {name for table in NODE_TABLES.values() for name in table.properties}
    keys |= {name for table in REL_TABLES.values() for name in table.properties}
    return {"labels": sorted(NODE_TABLES), "relationshipTypes": sorted(REL_TABLES), "propertyKeys": sorted(keys)}


def _store_statements() -> dict[str, tuple[str, dict]]:
    """Every statement the Neo4j engine and the store base run, with sample parameters."""
    statements = dict(neo4j_statements())
    for label in NODE_TABLES:
        statements[f"count_{label}"] = (count_cypher(label=label), {})
        statements[f"export_{label}"] = (node_export_cypher(label), {})
    for rel_type, table in REL_TABLES.items():
        statements[f"count_{rel_type}"] = (count_cypher(rel_type=rel_type), {})
        for source, target in table.endpoints:
            statements[f"export_{rel_type}_{source}"] = (relationship_export_cypher(rel_type, source, target), {})
    return statements


@pytest.fixture(scope="module")
def linted(tmp_path_factory) -> dict[str, list[dict]]:
    """Lint templates, store statements and BROKEN in one node run: {file name: [diagnostic, ...]}."""
    assert shutil.which("node"), "node is needed: make node-deps"
    assert (REPO / "node_modules" / "@neo4j-cypher" / "language-support").is_dir(), "run npm install (make node-deps)"
    folder = tmp_path_factory.mktemp("lint")
    templates = {template.path.name: template for template in load_registry()}
    assert templates and set(templates) == {path.name for path in CYPHER_DIR.glob("*.cypher")}
    files = [{"path": str(CYPHER_DIR / name), "parameters": {p.name: SAMPLES[p.kind] for p in template.parameters}}
             for name, template in sorted(templates.items())]
    files += [{"path": str(template.path), "parameters": {p.name: SAMPLES[p.kind] for p in template.parameters}}
              for template in internal_registry()]  # the queries kb.query runs for itself (cypher/internal/)
    extra = {f"store_{name}.cypher": query for name, query in _store_statements().items()}
    extra |= {name: (query, {"unit": ""}) for name, (query, _) in BROKEN.items()}
    for name, (query, parameters) in extra.items():
        (folder / name).write_text(query, encoding="utf-8")
        files.append({"path": str(folder / name), "parameters": parameters})
    job = folder / "job.json"
    job.write_text(json.dumps({"schema": _schema(), "files": files}, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(["node", str(LINTER), "--job", str(job)], cwd=REPO, capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr
    results: dict[str, list[dict]] = {Path(entry["path"]).name: [] for entry in files}
    for line in done.stdout.splitlines():
        diagnostic = json.loads(line)
        results[Path(diagnostic["file"]).name].append(diagnostic)
    return results


def _report(linted: dict[str, list[dict]], names) -> list[dict]:
    errors = []
    for name in names:
        for diagnostic in linted[name]:
            print(f"{name}:{diagnostic['line']}:{diagnostic['column']} {diagnostic['severity']}: "
                  f"{diagnostic['message']}")
            if diagnostic["severity"] == "error":
                errors.append(diagnostic)
    return errors


def test_every_template_passes_neo4js_linter(linted):
    names = sorted(path.name for path in CYPHER_DIR.glob("*.cypher"))
    assert names
    assert _report(linted, names) == []


def test_every_internal_query_passes_neo4js_linter(linted):
    names = sorted(path.name for path in (CYPHER_DIR / "internal").glob("*.cypher"))
    assert len(names) >= 10 and set(names) <= set(linted)
    assert _report(linted, names) == []


def test_the_stores_own_cypher_passes_neo4js_linter(linted):
    names = [name for name in linted if name.startswith("store_")]
    assert len(names) >= len(NODE_TABLES) * 3 + len(REL_TABLES)
    assert _report(linted, names) == []


def test_the_linter_reports_what_neo4j_rejects(linted):
    for name, (_, message) in BROKEN.items():
        assert any(d["severity"] == "error" and message in d["message"] for d in linted[name]), (name, linted[name])
