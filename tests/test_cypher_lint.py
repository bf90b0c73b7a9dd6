"""Every cypher/*.cypher template passes Neo4j's own Cypher linter (tools/lint_cypher.mjs, npm
@neo4j-cypher/language-support), given the graph's labels, types and property keys and the template's
declared parameters. Errors fail the test; warnings (e.g. a property the schema does not know) are printed."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from kb.query.templates import CYPHER_DIR, load_registry
from kb.store.schema import NODE_TABLES, REL_TABLES

REPO = Path(__file__).resolve().parents[1]
LINTER = REPO / "tools" / "lint_cypher.mjs"
SAMPLES = {"str": "", "int": 0, "float": 0.0}


def _schema() -> dict:
    keys = {name for table in NODE_TABLES.values() for name in table.properties}
    keys |= {name for table in REL_TABLES.values() for name in table.properties}
    return {"labels": sorted(NODE_TABLES), "relationshipTypes": sorted(REL_TABLES), "propertyKeys": sorted(keys)}


def _lint(files: list[dict], tmp_path: Path) -> tuple[int, list[dict]]:
    assert shutil.which("node"), "node is needed: make node-deps"
    assert (REPO / "node_modules" / "@neo4j-cypher" / "language-support").is_dir(), "run npm install (make node-deps)"
    job = tmp_path / "job.json"
    job.write_text(json.dumps({"schema": _schema(), "files": files}, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(["node", str(LINTER), "--job", str(job)], cwd=REPO, capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def test_every_template_passes_neo4js_linter(tmp_path):
    templates = {template.path.name: template for template in load_registry()}
    files = sorted(CYPHER_DIR.glob("*.cypher"))
    assert files and set(templates) == {path.name for path in files}
    jobs = [{"path": str(path), "parameters": {parameter.name: SAMPLES[parameter.kind]
                                               for parameter in templates[path.name].parameters}}
            for path in files]
    code, diagnostics = _lint(jobs, tmp_path)
    for diagnostic in diagnostics:
        print(f"{Path(diagnostic['file']).name}:{diagnostic['line']}:{diagnostic['column']} "
              f"{diagnostic['severity']}: {diagnostic['message']}")
    errors = [diagnostic for diagnostic in diagnostics if diagnostic["severity"] == "error"]
    assert errors == [] and code == 0


BROKEN = {  # what Neo4j rejects, and a word of the linter's message
    "typo.cypher": ("MATCH (u:Unit) RETRN u.name", "Invalid input 'RETRN'"),
    "undeclared.cypher": ("MATCH (u:Unit) WHERE u.name = $unit RETURN $year AS year", "Parameter $year is not defined"),
    "types.cypher": ("MATCH (u:Unit) RETURN toLower(1) AS name", "Type mismatch"),
}


def test_the_linter_reports_what_neo4j_rejects(tmp_path):
    for name, (query, _) in BROKEN.items():
        (tmp_path / name).write_text(query, encoding="utf-8")
    code, diagnostics = _lint([{"path": str(tmp_path / name), "parameters": {"unit": ""}} for name in BROKEN],
                              tmp_path)
    assert code == 1
    for name, (_, message) in BROKEN.items():
        assert any(Path(d["file"]).name == name and d["severity"] == "error" and message in d["message"]
                   for d in diagnostics), (name, diagnostics)
