"""``kb export --format csv`` from a live Neo4j 5 server, loaded by Neo4j's own neo4j-admin into a new database
that a second server serves: the counts match. A module of its own (split from test_store_neo4j.py): the second
server's start makes it the longest Neo4j test, and under pytest-xdist ``--dist loadfile`` a module is the unit
a worker takes, so the two halves can run on different workers.

``make test`` starts the first server (tools/neo4j, on free ports) and sets NEO4J_URI; see tests/neo4j_support.py.
"""

from __future__ import annotations

import os
import subprocess
import sys

from kb.ingest import ingest_paths
from neo4j_support import MARKS, REPO
from ports import free_ports
from store_contract import CORPUS

pytestmark = MARKS
SERVER = [sys.executable, str(REPO / "tools" / "neo4j" / "local_neo4j.py")]


def test_csv_export_loads_with_neo4j_admin_import_and_counts_match(neo4j_store, tmp_path):
    """`kb export --format csv` from Neo4j, its import.sh run with Neo4j's own neo4j-admin into a new
    database folder, a second server started on it: every label and type has the count `kb stats` gives."""
    import neo4j

    ingest_paths([CORPUS], neo4j_store)
    expected = neo4j_store.stats()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    export = subprocess.run([sys.executable, "-m", "kb.cli", "export", "--format", "csv", "--out",
                             str(tmp_path / "csv"), "--db", str(neo4j_store.folder), "--backend", "neo4j"],
                            env=env, capture_output=True, text=True, timeout=300)
    assert export.returncode == 0, export.stderr
    home = tmp_path / "imported"
    shim = tmp_path / "bin" / "neo4j-admin"  # import.sh calls neo4j-admin: Neo4j's admin tool in `home`
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec {sys.executable} {REPO}/tools/neo4j/local_neo4j.py admin --home {home} -- "$@"\n')
    shim.chmod(0o755)
    imported = subprocess.run(["bash", str(tmp_path / "csv" / "import.sh")], capture_output=True, text=True,
                              env={**env, "PATH": f"{shim.parent}:{os.environ['PATH']}"}, timeout=600)
    assert imported.returncode == 0, imported.stdout[-3000:] + imported.stderr[-3000:]
    assert "IMPORT DONE" in imported.stdout + imported.stderr

    bolt, http = free_ports(2)  # distinct: two probes one after the other could return the same port
    ports = ["--home", str(home), "--bolt-port", str(bolt), "--http-port", str(http), "--heap", "512m",
             "--pagecache", "64m"]
    started = subprocess.run([*SERVER, "start", *ports, "--timeout", "500"],  # 20-70 s here; more on a loaded CI
                             capture_output=True, text=True, timeout=600)
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        with neo4j.GraphDatabase.driver(f"bolt://127.0.0.1:{bolt}", auth=("neo4j", "budget-kb-secret")) as driver:
            def count(cypher: str) -> int:
                return driver.execute_query(cypher, database_="neo4j").records[0]["n"]

            nodes = {label: count(f"MATCH (n:{label}) RETURN count(n) AS n") for label in expected["nodes"]}
            relationships = {rel_type: count(f"MATCH ()-[r:{rel_type}]->() RETURN count(r) AS n")
                             for rel_type in expected["relationships"]}
            rongchang = driver.execute_query("MATCH (u:Unit {name: $name}) RETURN u.aliases AS aliases",
                                             {"name": "重庆市荣昌区社会保险事务中心"}, database_="neo4j").records
    finally:
        subprocess.run([*SERVER, "stop", *ports], capture_output=True, timeout=200)
    assert nodes == expected["nodes"] and relationships == expected["relationships"]
    assert expected["nodes"]["Project"] == 52 and expected["nodes"]["Unit"] == 5
    assert {"荣昌", "荣昌区"} <= set(rongchang[0]["aliases"])  # a string[] column came through as a list
