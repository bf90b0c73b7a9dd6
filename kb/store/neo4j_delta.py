"""Incremental writes on Neo4j: a ``GraphDelta`` as ``UNWIND $rows … MERGE`` batches in one transaction.

``Neo4jDeltaMixin`` gives ``kb.store.neo4j_store.Neo4jStore`` the two engine methods of the store
interface that the delta needs (``_apply_delta``, ``_read_meta``); ``meta_statements`` writes the
metadata inside the transaction that replaces the whole graph. Nodes are matched by their key (each key
has a uniqueness constraint); a relationship by its type and endpoints. Neo4j stores no nulls: a
property map is written without its None values, and ``SET n = map`` drops a property that became None.
The metadata lives on ``(:KbMeta {name, value})`` nodes, outside the schema's labels.
"""

from __future__ import annotations

from collections.abc import Iterator

from kb.core.schema import NODE_TABLES
from kb.store.base import GraphDelta

BATCH = 5000
META_LABEL = "KbMeta"
READ_META = f"MATCH (m:{META_LABEL}) RETURN m.name AS name, m.value AS value"
WRITE_META = f"UNWIND $rows AS row MERGE (m:{META_LABEL} {{name: row.name}}) SET m.value = row.value"


def _present(values: dict) -> dict:
    return {name: value for name, value in values.items() if value is not None}


def _batches(rows: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _match_pair(rel_type: str, source_label: str, target_label: str) -> str:
    source_key, target_key = NODE_TABLES[source_label].key, NODE_TABLES[target_label].key
    return (f"UNWIND $rows AS row MATCH (a:{source_label} {{{source_key}: row.source}}) "
            f"MATCH (b:{target_label} {{{target_key}: row.target}}) ")


def meta_statements(meta: dict[str, str]) -> Iterator[tuple[str, dict]]:
    """The statement setting the store's metadata (``schema_version``, ``generation``)."""
    if meta:
        yield WRITE_META, {"rows": [{"name": name, "value": value} for name, value in meta.items()]}


def delta_statements(delta: GraphDelta) -> Iterator[tuple[str, dict]]:
    """(cypher, parameters) pairs that write ``delta`` when run in order in one transaction.

    Order: removed relationships, removed nodes (DETACH), changed and added nodes (MERGE on the key, then
    ``SET n = properties``), added and changed relationships (MERGE on type and endpoints, then
    ``SET r = properties``), the metadata. Batches of ``BATCH`` rows.

    Example:
        >>> delta = GraphDelta(removed_nodes={"Finding": ["finding:1"]})
        >>> [cypher.split(" MATCH")[0] for cypher, _ in delta_statements(delta)]
        ['UNWIND $rows AS key']
    """
    for (rel_type, source_label, target_label), pairs in delta.removed_relationships.items():
        source_key, target_key = NODE_TABLES[source_label].key, NODE_TABLES[target_label].key
        cypher = (f"UNWIND $rows AS row MATCH (a:{source_label} {{{source_key}: row.source}})-[r:{rel_type}]->"
                  f"(b:{target_label} {{{target_key}: row.target}}) DELETE r")
        for batch in _batches([{"source": source, "target": target} for source, target in pairs]):
            yield cypher, {"rows": batch}
    for label, keys in delta.removed_nodes.items():
        cypher = f"UNWIND $rows AS key MATCH (n:{label} {{{NODE_TABLES[label].key}: key}}) DETACH DELETE n"
        for batch in _batches(keys):
            yield cypher, {"rows": batch}
    for group in (delta.changed_nodes, delta.added_nodes):
        for label, rows in group.items():
            key = NODE_TABLES[label].key
            cypher = f"UNWIND $rows AS row MERGE (n:{label} {{{key}: row.key}}) SET n = row.properties"
            for batch in _batches([{"key": row[key], "properties": _present(row)} for row in rows]):
                yield cypher, {"rows": batch}
    for group in (delta.added_relationships, delta.changed_relationships):
        for (rel_type, source_label, target_label), rows in group.items():
            cypher = _match_pair(rel_type, source_label, target_label) + \
                f"MERGE (a)-[r:{rel_type}]->(b) SET r = row.properties"
            for batch in _batches([{"source": source, "target": target, "properties": _present(properties)}
                                   for source, target, properties in rows]):
                yield cypher, {"rows": batch}
    yield from meta_statements(delta.meta)


class Neo4jDeltaMixin:
    """``_apply_delta`` and ``_read_meta`` for a store with ``_session(mode)`` and ``_neo4j`` (the driver
    module), as ``kb.store.neo4j_store.Neo4jStore`` has."""

    def _apply_delta(self, delta: GraphDelta) -> None:
        with self._session(self._neo4j.WRITE_ACCESS) as session, session.begin_transaction() as tx:
            for cypher, params in delta_statements(delta):
                tx.run(cypher, params).consume()
            tx.commit()

    def _read_meta(self) -> dict[str, str]:
        return {row["name"]: row["value"] for row in self._read(READ_META, {})}
