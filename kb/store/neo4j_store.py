"""The Neo4j engine: a Neo4j 5 server over Bolt with the official ``neo4j`` driver.

Configuration (environment): ``NEO4J_URI`` (e.g. bolt://localhost:7687, required), ``NEO4J_USER``
(default neo4j), ``NEO4J_PASSWORD``, ``NEO4J_DATABASE`` (default: the server's default database).
Install with ``pip install 'budget-kb[neo4j]'``. ``make neo4j`` starts a local Neo4j 5.26 Community server
(tools/neo4j, from Maven Central) on bolt://localhost:7687 with user neo4j / budget-kb-secret.

Schema, once: on open, the engine lists the server's constraints and indexes and creates only those
missing: a uniqueness constraint per node key (``Unit.unit_id``, ``PolicyDocument.doc_no``, …) and the
full-text index ``kb_names`` (Neo4j's own, CJK analyzer) on the ``name``/``title`` of the named labels,
used by ``search_names``.

Writes suit a server: a new graph is compared by key with the stored one and only the difference is sent
(``kb.store.delta.graph_delta``), as ``UNWIND $rows`` batches of MERGE-by-key (nodes and relationships added or
changed) and DELETE-by-key (gone), in one transaction, so readers see the graph before or after.
Re-ingesting unchanged files writes nothing. Reads run in read transactions. The parsed documents stay
in the local database folder (``--db``).
"""

from __future__ import annotations

import os
from pathlib import Path

import networkx as nx

from kb.core.errors import StoreUnavailable
from kb.core.schema import NODE_TABLES, REL_TABLES
from kb.store.base import Store
from kb.store.delta import GraphDelta, graph_delta, index_graph

BATCH = 2000
META_LABEL = "KbStoreMeta"
FULLTEXT_INDEX = "kb_names"
NAMED_LABELS = tuple(label for label, table in NODE_TABLES.items()
                     if "name" in table.properties or "title" in table.properties)


# ---- the Cypher this engine runs (labels and keys come from kb.core.schema, values from $parameters) ----

def constraint_statements() -> dict[str, str]:
    """One uniqueness constraint per node key, by name, e.g. ``unit_id_key`` on ``Unit.unit_id``."""
    return {f"{table.key}_key": f"CREATE CONSTRAINT {table.key}_key IF NOT EXISTS FOR (n:{table.label}) "
                                f"REQUIRE n.{table.key} IS UNIQUE"
            for table in NODE_TABLES.values()}


def fulltext_statement() -> str:
    """The full-text index on the names and titles of the named labels (CJK bigram analyzer)."""
    return (f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS FOR (n:{'|'.join(NAMED_LABELS)}) "
            "ON EACH [n.name, n.title] OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}")


def merge_nodes_cypher(label: str) -> str:
    """MERGE a batch of ``label`` nodes by key from ``$rows`` (property maps without nulls); every property
    is overwritten (``SET n = row`` also removes properties the row no longer has)."""
    key = NODE_TABLES[label].key
    return f"UNWIND $rows AS row MERGE (n:{label} {{{key}: row.{key}}}) SET n = row"


def delete_nodes_cypher(label: str) -> str:
    """Delete the ``label`` nodes whose keys are in ``$keys``, with their relationships."""
    return f"UNWIND $keys AS key MATCH (n:{label} {{{NODE_TABLES[label].key}: key}}) DETACH DELETE n"


def merge_relationships_cypher(rel_type: str, source_label: str, target_label: str) -> str:
    """MERGE a batch of relationships from ``$rows`` (``{"source": key, "target": key, "properties": map}``):
    one relationship of a type per pair of nodes, its properties overwritten."""
    source_key, target_key = NODE_TABLES[source_label].key, NODE_TABLES[target_label].key
    return (f"UNWIND $rows AS row MATCH (a:{source_label} {{{source_key}: row.source}}) "
            f"MATCH (b:{target_label} {{{target_key}: row.target}}) "
            f"MERGE (a)-[r:{REL_TABLES[rel_type].type}]->(b) SET r = row.properties")


def delete_group_cypher(rel_type: str, source_label: str, target_label: str) -> str:
    """Delete every relationship of a type between two labels (a group the delta writes whole)."""
    return f"MATCH (:{source_label})-[r:{REL_TABLES[rel_type].type}]->(:{target_label}) DELETE r"


def delete_relationships_cypher(rel_type: str, source_label: str, target_label: str) -> str:
    """Delete the relationships named in ``$rows`` (``{"source": key, "target": key}``)."""
    source_key, target_key = NODE_TABLES[source_label].key, NODE_TABLES[target_label].key
    return (f"UNWIND $rows AS row MATCH (a:{source_label} {{{source_key}: row.source}})"
            f"-[r:{REL_TABLES[rel_type].type}]->(b:{target_label} {{{target_key}: row.target}}) DELETE r")


WRITE_META_CYPHER = f"MERGE (m:{META_LABEL} {{name: 'budget-kb'}}) SET m += $meta"
READ_META_CYPHER = f"MATCH (m:{META_LABEL} {{name: 'budget-kb'}}) RETURN properties(m) AS meta"
SEARCH_NAMES_CYPHER = (f"CALL db.index.fulltext.queryNodes('{FULLTEXT_INDEX}', $text, {{limit: $limit}}) "
                       "YIELD node, score WHERE $label = '' OR $label IN labels(node) "
                       "RETURN labels(node)[0] AS label, coalesce(node.name, node.title) AS name, score "
                       "ORDER BY score DESC, name")


def statements() -> dict[str, tuple[str, dict]]:
    """Every statement this engine runs, by name, with sample parameters (for Neo4j's linter)."""
    found = {name: (cypher, {}) for name, cypher in constraint_statements().items()}
    found["fulltext"] = (fulltext_statement(), {})
    found["write_meta"] = (WRITE_META_CYPHER, {"meta": {}})
    found["read_meta"] = (READ_META_CYPHER, {})
    found["search_names"] = (SEARCH_NAMES_CYPHER, {"text": "", "limit": 1, "label": ""})
    for label in NODE_TABLES:
        found[f"merge_{label}"] = (merge_nodes_cypher(label), {"rows": []})
        found[f"delete_{label}"] = (delete_nodes_cypher(label), {"keys": []})
    for rel_type, table in REL_TABLES.items():
        for source, target in table.endpoints:
            found[f"merge_{rel_type}_{source}"] = (merge_relationships_cypher(rel_type, source, target), {"rows": []})
            found[f"delete_{rel_type}_{source}"] = (delete_relationships_cypher(rel_type, source, target),
                                                    {"rows": []})
            found[f"delete_group_{rel_type}_{source}"] = (delete_group_cypher(rel_type, source, target), {})
    return found


def _unreachable_reason(neo4j, error: Exception) -> str:
    """Why the server could not be used, in Chinese (the driver's own message is English)."""
    if isinstance(error, neo4j.exceptions.AuthError):
        return "用户名或密码不对（NEO4J_USER、NEO4J_PASSWORD）"
    if isinstance(error, (neo4j.exceptions.ServiceUnavailable, OSError)):
        return "服务器没有响应，请确认它已启动（make neo4j 启动本地服务器）"
    if isinstance(error, (ValueError, neo4j.exceptions.ConfigurationError)):
        return "NEO4J_URI 的格式不对（应如 bolt://localhost:7687）"
    return f"服务器拒绝了请求（{type(error).__name__}）"


def _batches(rows: list, size: int = BATCH):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _present(values: dict) -> dict:
    """Neo4j stores no nulls: leave them out (a read of a missing property gives null)."""
    return {name: value for name, value in values.items() if value is not None}


class Neo4jStore(Store):
    """The graph in a Neo4j database.

    Args:
        folder: the local database folder (parsed documents, linking decisions).

    Raises:
        StoreUnavailable: the driver is not installed, NEO4J_URI is unset, or the server is unreachable or
            refuses the credentials.
    """

    backend = "neo4j"

    def __init__(self, folder: Path, **options):
        super().__init__(folder, **options)
        try:
            import neo4j
        except ImportError as error:
            raise StoreUnavailable("neo4j 后端需要驱动，请安装：pip install 'budget-kb[neo4j]'") from error
        uri = os.environ.get("NEO4J_URI")
        if not uri:
            raise StoreUnavailable("neo4j 后端需要环境变量 NEO4J_URI（如 bolt://localhost:7687）、NEO4J_USER "
                                   "和 NEO4J_PASSWORD")
        self._neo4j = neo4j
        self.database = os.environ.get("NEO4J_DATABASE") or None
        self.location = f"Neo4j {uri}" + (f"（数据库 {self.database}）" if self.database else "")
        auth = (os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", ""))
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._driver = neo4j.GraphDatabase.driver(uri, auth=auth)
            self._driver.verify_connectivity()
            self._create_schema()
        except (OSError, neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, ValueError) as error:
            raise StoreUnavailable(f"无法连接 {self.location}：{_unreachable_reason(neo4j, error)}") from error

    def _create_schema(self) -> None:
        """Create the constraints and the full-text index that do not exist yet, and wait until they are online."""
        with self._session(self._neo4j.WRITE_ACCESS) as session:
            existing = {record["name"] for record in session.run("SHOW CONSTRAINTS YIELD name RETURN name")}
            existing |= {record["name"] for record in session.run("SHOW INDEXES YIELD name RETURN name")}
            wanted = {**constraint_statements(), FULLTEXT_INDEX: fulltext_statement()}
            missing = [cypher for name, cypher in wanted.items() if name not in existing]
            for cypher in missing:
                session.run(cypher).consume()
            if missing:
                session.run("CALL db.awaitIndexes(300)").consume()

    def _session(self, mode: str):
        return self._driver.session(database=self.database, default_access_mode=mode)

    def _read(self, cypher: str, params: dict) -> list[dict]:
        with self._session(self._neo4j.READ_ACCESS) as session:
            return session.execute_read(lambda tx: [record.data() for record in tx.run(cypher, params)])

    def _write(self, cypher: str, params: dict) -> list[dict]:
        with self._session(self._neo4j.WRITE_ACCESS) as session:
            return session.execute_write(lambda tx: [record.data() for record in tx.run(cypher, params)])

    def _replace_graph(self, graph: nx.MultiDiGraph, meta: dict[str, str] | None = None) -> None:
        """Make the stored graph ``graph`` by writing only its difference from what is stored."""
        delta = graph_delta(index_graph(self.to_networkx()), graph)
        delta.meta = dict(meta or {})
        self._apply_delta(delta)

    def _apply_delta(self, delta: GraphDelta) -> None:
        """Write a ``kb.store.delta.GraphDelta`` in one transaction.

        Order: relationships removed, nodes removed (with their relationships), nodes changed and added
        (MERGE by key), the groups written whole deleted, relationships added, changed and of the groups written
        whole (MERGE by endpoints); then the metadata.
        """
        with self._session(self._neo4j.WRITE_ACCESS) as session, session.begin_transaction() as tx:
            for (rel_type, source, target), pairs in delta.removed_relationships.items():
                rows = [{"source": source_key, "target": target_key} for source_key, target_key in pairs]
                for batch in _batches(rows):
                    tx.run(delete_relationships_cypher(rel_type, source, target), {"rows": batch}).consume()
            for label, keys in delta.removed_nodes.items():
                for batch in _batches(list(keys)):
                    tx.run(delete_nodes_cypher(label), {"keys": batch}).consume()
            for group in (delta.changed_nodes, delta.added_nodes):
                for label, rows in group.items():
                    for batch in _batches([_present(row) for row in rows]):
                        tx.run(merge_nodes_cypher(label), {"rows": batch}).consume()
            for rel_type, source, target in delta.replaced_relationships:
                tx.run(delete_group_cypher(rel_type, source, target)).consume()
            for group in (delta.added_relationships, delta.changed_relationships, delta.replaced_relationships):
                for (rel_type, source, target), triples in group.items():
                    rows = [{"source": source_key, "target": target_key, "properties": _present(properties)}
                            for source_key, target_key, properties in triples]
                    for batch in _batches(rows):
                        tx.run(merge_relationships_cypher(rel_type, source, target), {"rows": batch}).consume()
            if delta.meta:
                tx.run(WRITE_META_CYPHER, {"meta": dict(delta.meta)}).consume()
            tx.commit()

    def _read_meta(self) -> dict[str, str]:
        """The stored metadata (``schema_version``, ``generation``); {} before any was written."""
        rows = self._read(READ_META_CYPHER, {})
        return {name: str(value) for name, value in rows[0]["meta"].items() if name != "name"} if rows else {}

    def search_names(self, text: str, label: str = "", limit: int = 10) -> list[dict]:
        """Nodes whose name (or a policy document's title) matches ``text`` in the full-text index ``kb_names``.

        Args:
            text: words of a name, e.g. "社会保险 事务" (Lucene query syntax; reserved characters are escaped).
            label: only nodes of this label ("" = every named label).
            limit: at most this many rows.

        Returns:
            ``[{"label": "Unit", "name": "重庆市荣昌区社会保险事务中心", "score": 3.2}, …]``, best first.

        Raises:
            StoreQueryFailed: the index query failed.
        """
        escaped = "".join(f"\\{char}" if char in '+-&|!(){}[]^"~*?:\\/' else char for char in text)
        return self.read(SEARCH_NAMES_CYPHER, {"text": escaped, "limit": limit, "label": label}, "search names")

    def _close(self) -> None:
        self._driver.close()
