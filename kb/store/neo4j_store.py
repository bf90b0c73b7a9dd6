"""The Neo4j engine: a Neo4j 5 server over Bolt with the official ``neo4j`` driver.

Configuration (environment): ``NEO4J_URI`` (e.g. bolt://localhost:7687, required), ``NEO4J_USER``
(default neo4j), ``NEO4J_PASSWORD``, ``NEO4J_DATABASE`` (default: the server's default database).
Install with ``pip install 'budget-kb[neo4j]'``. Start a server with the official image::

    docker run -p7687:7687 -e NEO4J_AUTH=neo4j/budget-kb-secret neo4j:5

On open, a uniqueness constraint is created on every key (``Unit.unit_id``, ``PolicyDocument.doc_no``, …).
Writing the graph runs in one write transaction: every node of the schema's labels is deleted, then nodes
and relationships are created in UNWIND batches, so other sessions see the old graph or the new one.
Reads run in read transactions. The parsed documents stay in the local database folder (``--db``).
"""

from __future__ import annotations

import os
from pathlib import Path

import networkx as nx

from kb.core.errors import StoreUnavailable
from kb.store.base import Store
from kb.store.neo4j_delta import Neo4jDeltaMixin, meta_statements
from kb.core.schema import NODE_TABLES, REL_TABLES

BATCH = 5000

DELETE_CYPHER = "MATCH (n) WHERE any(label IN labels(n) WHERE label IN $labels) DETACH DELETE n"


def constraint_statements() -> list[str]:
    """One uniqueness constraint per node key, e.g. ``unit_id_key`` on ``Unit.unit_id``."""
    return [f"CREATE CONSTRAINT {table.key}_key IF NOT EXISTS FOR (n:{table.label}) REQUIRE n.{table.key} IS UNIQUE"
            for table in NODE_TABLES.values()]


def create_nodes_cypher(label: str) -> str:
    """Create a batch of ``label`` nodes from ``$rows`` (a list of property maps without nulls)."""
    return f"UNWIND $rows AS row CREATE (n:{NODE_TABLES[label].label}) SET n = row"


def create_relationships_cypher(rel_type: str, source_label: str, target_label: str) -> str:
    """Create a batch of relationships from ``$rows``: ``{"source": key, "target": key, "properties": map}``."""
    source_key, target_key = NODE_TABLES[source_label].key, NODE_TABLES[target_label].key
    return (f"UNWIND $rows AS row MATCH (a:{source_label} {{{source_key}: row.source}}) "
            f"MATCH (b:{target_label} {{{target_key}: row.target}}) "
            f"CREATE (a)-[r:{REL_TABLES[rel_type].type}]->(b) SET r = row.properties")


def _batches(rows: list, size: int = BATCH):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _present(values: dict) -> dict:
    """Neo4j stores no nulls: leave them out (a read of a missing property gives null)."""
    return {name: value for name, value in values.items() if value is not None}


class Neo4jStore(Neo4jDeltaMixin, Store):
    """The graph in a Neo4j database.

    Args:
        folder: the local database folder (parsed documents, linking decisions).

    Raises:
        StoreUnavailable: the driver is not installed, NEO4J_URI is unset, or the server is unreachable or
            refuses the credentials.
    """

    backend = "neo4j"

    def __init__(self, folder: Path):
        super().__init__(folder)
        try:
            import neo4j
        except ImportError as error:
            raise StoreUnavailable("neo4j 后端需要驱动程序：pip install 'budget-kb[neo4j]'") from error
        uri = os.environ.get("NEO4J_URI")
        if not uri:
            raise StoreUnavailable("neo4j 后端需要设置 NEO4J_URI（例如 bolt://localhost:7687）、NEO4J_USER "
                                   "和 NEO4J_PASSWORD")
        self._neo4j = neo4j
        self.database = os.environ.get("NEO4J_DATABASE") or None
        self.location = f"Neo4j {uri}" + (f" database {self.database}" if self.database else "")
        auth = (os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", ""))
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._driver = neo4j.GraphDatabase.driver(uri, auth=auth)
            self._driver.verify_connectivity()
            with self._driver.session(database=self.database) as session:
                for statement in constraint_statements():
                    session.run(statement).consume()
        except (OSError, neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, ValueError) as error:
            raise StoreUnavailable(f"无法连接 {self.location}：{error}") from error

    def _session(self, mode: str):
        return self._driver.session(database=self.database, default_access_mode=mode)

    def _read(self, cypher: str, params: dict) -> list[dict]:
        with self._session(self._neo4j.READ_ACCESS) as session:
            return session.execute_read(lambda tx: [record.data() for record in tx.run(cypher, params)])

    def _write(self, cypher: str, params: dict) -> list[dict]:
        with self._session(self._neo4j.WRITE_ACCESS) as session:
            return session.execute_write(lambda tx: [record.data() for record in tx.run(cypher, params)])

    def _replace_graph(self, graph: nx.MultiDiGraph, meta: dict[str, str]) -> None:
        nodes: dict[str, list[dict]] = {label: [] for label in NODE_TABLES}
        for _, data in graph.nodes(data=True):
            nodes[data["label"]].append(_present({name: data.get(name) for name in NODE_TABLES[data["label"]].properties}))
        edges: dict[tuple[str, str, str], list[dict]] = {}
        for source, target, data in graph.edges(data=True):
            source_node, target_node = graph.nodes[source], graph.nodes[target]
            key = (data["type"], source_node["label"], target_node["label"])
            edges.setdefault(key, []).append({
                "source": source_node[NODE_TABLES[key[1]].key], "target": target_node[NODE_TABLES[key[2]].key],
                "properties": _present({name: data.get(name) for name in REL_TABLES[key[0]].properties})})
        with self._session(self._neo4j.WRITE_ACCESS) as session, session.begin_transaction() as tx:
            tx.run(DELETE_CYPHER, {"labels": list(NODE_TABLES)}).consume()
            for label, rows in nodes.items():
                for batch in _batches(rows):
                    tx.run(create_nodes_cypher(label), {"rows": batch}).consume()
            for (rel_type, source_label, target_label), rows in edges.items():
                cypher = create_relationships_cypher(rel_type, source_label, target_label)
                for batch in _batches(rows):
                    tx.run(cypher, {"rows": batch}).consume()
            for cypher, params in meta_statements(meta):
                tx.run(cypher, params).consume()
            tx.commit()

    def _close(self) -> None:
        self._driver.close()
