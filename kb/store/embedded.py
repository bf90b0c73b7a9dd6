"""The embedded engine: LadybugDB (``pip install ladybug``, the maintained successor of Kùzu) on disk.

Layout of the database folder (``--db``, default ``./kb-data``):
- ``graph.lbdb``: the LadybugDB database holding the graph (schema created on first use);
- ``documents/``: the parsed documents the graph is built from (``kb.store.archive``).

Every change is made on a private copy and swapped in: writing the whole graph builds a new database
beside the current one (``graph.lbdb.building-<pid>``), bulk-loaded with ``COPY <table> FROM <data
frame>``; a delta (``apply_delta``) or a single write query (``write``) copies ``graph.lbdb`` to that
name, changes the copy (``UNWIND $rows … CREATE / SET / DELETE`` by key, ``COPY`` for a large group of
added rows), checkpoints it and closes it. The copy
is then renamed over ``graph.lbdb``. The rename is atomic, so a process killed at any moment leaves
either the old graph or the new one, never a WAL beside the live file, and readers never see half a
graph. Reads go through a read-only connection, so several processes (the app, ``kb ask``) read while
an ingest writes; a reader notices a graph swapped in by another process (the inode changed) and
reconnects. The ``KbMeta`` table holds the store's metadata (schema version, generation).
"""

from __future__ import annotations

import csv
import logging
import math
import os
import shutil
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from kb.core.errors import StoreUnavailable
from kb.store.base import GraphDelta, Store, new_meta
from kb.core.schema import BOOLEAN, DOUBLE, INT64, NODE_TABLES, REL_TABLES, STRING, STRING_LIST

if TYPE_CHECKING:  # networkx loads only where a graph is written
    import networkx as nx

log = logging.getLogger("kb.store")

GRAPH_FILE = "graph.lbdb"
BATCH = 5000
"""Rows per ``UNWIND $rows`` statement; a larger group of added rows is bulk-loaded with ``COPY``."""
META_TABLE = "KbMeta"
META_DDL = f"CREATE NODE TABLE IF NOT EXISTS {META_TABLE}(name STRING, value STRING, PRIMARY KEY (name))"
SET_META = f"MERGE (m:{META_TABLE} {{name: $name}}) SET m.value = $value"


def schema_statements() -> list[str]:
    """The DDL creating every node and relationship table of ``kb.core.schema``.

    Example:
        >>> schema_statements()[0][:50]
        'CREATE NODE TABLE IF NOT EXISTS Unit(unit_id STRIN'
    """
    statements = []
    for table in NODE_TABLES.values():
        columns = ", ".join(f"{name} {type_name}" for name, type_name in table.properties.items())
        statements.append(f"CREATE NODE TABLE IF NOT EXISTS {table.label}({columns}, PRIMARY KEY ({table.key}))")
    for table in REL_TABLES.values():
        parts = [f"FROM {source} TO {target}" for source, target in table.endpoints]
        parts += [f"{name} {type_name}" for name, type_name in table.properties.items()]
        statements.append(f"CREATE REL TABLE IF NOT EXISTS {table.type}({', '.join(parts)})")
    return statements


def _frame(columns: dict[str, list], types: dict[str, str]) -> "pd.DataFrame":
    """A pyarrow-backed data frame with the stored types, so nulls stay nulls (never NaN or 0).

    pandas and pyarrow are imported here, on the write path only: reading (``kb ask``) never loads them.
    """
    import pandas as pd
    import pyarrow as pa

    arrow_types = {DOUBLE: pa.float64(), INT64: pa.int64(), BOOLEAN: pa.bool_(), STRING_LIST: pa.list_(pa.string())}
    arrays = {name: pa.array(values, type=arrow_types.get(types[name], pa.string()))
              for name, values in columns.items()}
    return pa.table(arrays).to_pandas(types_mapper=pd.ArrowDtype)


def _node_frame(label: str, rows: list[dict]) -> pd.DataFrame:
    properties = NODE_TABLES[label].properties
    return _frame({name: [row.get(name) for row in rows] for name in properties}, properties)


def _relationship_frame(rel_type: str, rows: list[tuple[str, str, dict]]) -> pd.DataFrame:
    properties = REL_TABLES[rel_type].properties
    columns = {"from": [row[0] for row in rows], "to": [row[1] for row in rows]}
    columns.update({name: [row[2].get(name) for row in rows] for name in properties})
    return _frame(columns, {"from": "STRING", "to": "STRING", **properties})


def _copy_nodes(connection, label: str, rows: list[dict]) -> None:
    frame = _node_frame(label, rows)  # noqa: F841 - read by name in the COPY statement
    connection.execute(f"COPY {label} FROM frame")


def _copy_relationships(connection, key: tuple[str, str, str], rows: list[tuple[str, str, dict]],
                        folder: Path | None = None) -> None:
    """Bulk-load relationships of one (type, source label, target label) group: from a CSV file written in
    ``folder`` when every value has a plain text form (no pandas and pyarrow to import: 0.65 s of CPU, most of
    an incremental ingest's write), else from a data frame."""
    rel_type, source_label, target_label = key
    usable = folder is not None and "'" not in Path(folder).as_posix()  # the path is quoted in the statement
    lines = _csv_lines(REL_TABLES[rel_type].properties, rows) if usable else None
    if lines is not None:
        path = Path(folder) / f".copy-{rel_type}-{os.getpid()}-{threading.get_ident()}.csv"
        try:
            with open(path, "w", encoding="utf-8", newline="") as stream:
                csv.writer(stream).writerows(lines)
            connection.execute(f"COPY {rel_type} FROM '{path.as_posix()}' (header=false, from='{source_label}', "
                               f"to='{target_label}')")
        finally:
            path.unlink(missing_ok=True)
        return
    frame = _relationship_frame(rel_type, rows)  # noqa: F841 - read by name in the COPY statement
    connection.execute(f"COPY {rel_type} FROM frame (from='{source_label}', to='{target_label}')")


def _csv_lines(properties: dict[str, str], rows: list[tuple[str, str, dict]]) -> list[list[str]] | None:
    """CSV fields of relationship ``rows`` (source key, target key, then ``properties`` in order), or None
    when a value has no unambiguous CSV form: an empty string (an empty field reads as null), a line break,
    a list, a boolean, a non-finite number, or a property type other than STRING, DOUBLE and INT64.
    A None is an empty field (null); a float is written by ``repr`` (read back exactly)."""
    if any(type_name not in (STRING, DOUBLE, INT64) for type_name in properties.values()):
        return None
    names = list(properties)
    lines = []
    for source, target, data in rows:
        fields = [source, target]
        for value in (data.get(name) for name in names):
            if value is None:
                fields.append("")
            elif isinstance(value, bool) or not isinstance(value, (str, int, float)):
                return None
            elif isinstance(value, float):
                if not math.isfinite(value):
                    return None
                fields.append(repr(value))
            elif isinstance(value, int):
                fields.append(str(value))
            elif not value or "\n" in value or "\r" in value:
                return None
            else:
                fields.append(value)
        if not source or not target or any(char in key for key in (source, target) for char in "\r\n"):
            return None
        lines.append(fields)
    return lines


def _load(connection, graph: nx.MultiDiGraph, folder: Path | None = None) -> None:
    """Bulk-load ``graph`` into an empty database: one COPY per node table and per relationship pair
    (``folder``: where a COPY's CSV file may be written, see ``_copy_relationships``)."""
    rows_by_label: dict[str, list[dict]] = {label: [] for label in NODE_TABLES}
    for _, data in graph.nodes(data=True):
        rows_by_label[data["label"]].append(data)
    for label, rows in rows_by_label.items():
        if rows:
            _copy_nodes(connection, label, rows)
    edges: dict[tuple[str, str, str], list[tuple[str, str, dict]]] = {}
    for source, target, data in graph.edges(data=True):
        source_node, target_node = graph.nodes[source], graph.nodes[target]
        key = (data["type"], source_node["label"], target_node["label"])
        edges.setdefault(key, []).append((source_node[NODE_TABLES[key[1]].key],
                                          target_node[NODE_TABLES[key[2]].key], data))
    for key, rows in edges.items():
        _copy_relationships(connection, key, rows, folder)


def _cast(name: str, type_name: str, row: str = "row") -> str:
    """``CAST(row.name AS TYPE)``: a parameter list of maps gets its types from its values, so a column that
    is None (or []) in every row would otherwise come out as STRING."""
    return f"CAST({row}.{name} AS {type_name})"


def _batches(rows: list, size: int = BATCH):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _apply(connection, delta: GraphDelta, folder: Path | None = None) -> None:
    """Write ``delta`` through ``connection``: ``UNWIND $rows`` statements, or ``COPY`` for large groups
    (``folder``: where a COPY's CSV file may be written, see ``_copy_relationships``)."""
    for (rel_type, source_label, target_label), pairs in delta.removed_relationships.items():
        source_key, target_key = NODE_TABLES[source_label].key, NODE_TABLES[target_label].key
        cypher = (f"UNWIND $rows AS row MATCH (a:{source_label} {{{source_key}: row.source}})-[r:{rel_type}]->"
                  f"(b:{target_label} {{{target_key}: row.target}}) DELETE r")
        for batch in _batches([{"source": source, "target": target} for source, target in pairs]):
            connection.execute(cypher, {"rows": batch})
    for label, keys in delta.removed_nodes.items():
        cypher = f"UNWIND $rows AS key MATCH (n:{label} {{{NODE_TABLES[label].key}: key}}) DETACH DELETE n"
        for batch in _batches(keys):
            connection.execute(cypher, {"rows": batch})
    for label, rows in delta.changed_nodes.items():
        table = NODE_TABLES[label]
        assignments = ", ".join(f"n.{name} = {_cast(name, type_name)}" for name, type_name in table.properties.items()
                                if name != table.key)
        if assignments:
            cypher = f"UNWIND $rows AS row MATCH (n:{label} {{{table.key}: row.{table.key}}}) SET {assignments}"
            for batch in _batches(rows):
                connection.execute(cypher, {"rows": batch})
    for label, rows in delta.added_nodes.items():
        if len(rows) > BATCH:
            _copy_nodes(connection, label, rows)
            continue
        properties = ", ".join(f"{name}: {_cast(name, type_name)}"
                               for name, type_name in NODE_TABLES[label].properties.items())
        connection.execute(f"UNWIND $rows AS row CREATE (n:{label} {{{properties}}})", {"rows": rows})
    for (rel_type, source_label, target_label), rows in delta.replaced_relationships.items():
        connection.execute(f"MATCH (:{source_label})-[r:{rel_type}]->(:{target_label}) DELETE r")
        if rows:
            _copy_relationships(connection, (rel_type, source_label, target_label), rows, folder)
    for group, verb in ((delta.added_relationships, "CREATE"), (delta.changed_relationships, "SET")):
        for key, rows in group.items():
            rel_type, source_label, target_label = key
            properties = REL_TABLES[rel_type].properties
            if verb == "CREATE" and len(rows) > BATCH:
                _copy_relationships(connection, key, rows, folder)
                continue
            if verb == "SET" and not properties:
                continue
            source_key, target_key = NODE_TABLES[source_label].key, NODE_TABLES[target_label].key
            if verb == "CREATE":
                values = ", ".join(f"{name}: {_cast(name, type_name)}" for name, type_name in properties.items())
                values = f" {{{values}}}" if values else ""
                cypher = (f"UNWIND $rows AS row MATCH (a:{source_label} {{{source_key}: row.source__}}), "
                          f"(b:{target_label} {{{target_key}: row.target__}}) CREATE (a)-[r:{rel_type}{values}]->(b)")
            else:
                values = ", ".join(f"r.{name} = {_cast(name, type_name)}" for name, type_name in properties.items())
                cypher = (f"UNWIND $rows AS row MATCH (a:{source_label} {{{source_key}: row.source__}})-[r:{rel_type}]->"
                          f"(b:{target_label} {{{target_key}: row.target__}}) SET {values}")
            for batch in _batches([{**properties_of, "source__": source, "target__": target}
                                   for source, target, properties_of in rows]):
                connection.execute(cypher, {"rows": batch})
    for name, value in delta.meta.items():
        connection.execute(SET_META, {"name": name, "value": value})


class EmbeddedStore(Store):
    """The graph in a LadybugDB database file under ``folder``.

    Args:
        folder: the database folder (``--db``); created with an empty schema if missing.

    Raises:
        StoreUnavailable: the folder cannot be created, or the database file cannot be opened (another
            version's format, a damaged file).
    """

    backend = "embedded"

    def __init__(self, folder: Path, wait_seconds: float | None = None):
        super().__init__(folder, wait_seconds)
        import ladybug

        self._ladybug = ladybug
        self.path = self.folder / GRAPH_FILE
        self.location = f"LadybugDB {self.path}"
        self._lock = threading.RLock()
        self._database = self._connection = None
        self._inode = -1
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreUnavailable(f"无法创建数据库目录 {self.folder}：{error}") from error
        if not self.path.exists():
            with self.writer():
                if not self.path.exists():
                    import networkx as nx

                    self._replace_graph(nx.MultiDiGraph(), new_meta())
        self._connect()

    # ---- crash recovery ----------------------------------------------------------------------------
    def _recover_files(self) -> list[str]:
        """Clear a dead writer's half-built databases and a WAL left beside the live file (called under the
        writer lock, so no live writer owns them)."""
        notices = super()._recover_files()
        leftovers = [*self.folder.glob(f"{GRAPH_FILE}.building-*"), *self.folder.glob(".copy-*.csv")]
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)
        if leftovers:
            notices.append(f"已清除上次中断的写入留下的 {len(leftovers)} 个临时图数据库文件")
        wal = self.path.with_name(GRAPH_FILE + ".wal")
        if wal.exists():  # an older budget-kb wrote in place and was killed: roll its committed work forward
            self._disconnect()
            try:
                database = self._ladybug.Database(str(self.path))
                database.close()
                notices.append("已恢复上次中断的写入（重放了图数据库的预写日志）")
            except RuntimeError:
                notices.append("已丢弃上次中断的写入留下的无法重放的预写日志")
            wal.unlink(missing_ok=True)
            self._connect()
        return notices

    # ---- connections -------------------------------------------------------------------------------
    def _connect(self) -> None:
        with self._lock:
            try:
                self._inode = self.path.stat().st_ino
                self._database = self._ladybug.Database(str(self.path), read_only=True,
                                                        buffer_pool_size=_buffer_pool(self.path, READ_POOL))
                self._connection = self._ladybug.Connection(self._database)
            except (OSError, RuntimeError) as error:
                raise StoreUnavailable(f"无法打开图数据库 {self.path}：{error}") from error

    def _current(self) -> None:
        """Reconnect when another process has swapped a new graph in since this store connected."""
        try:
            swapped = self.path.stat().st_ino != self._inode
        except OSError:
            swapped = False
        if self._connection is None or swapped:
            self._disconnect()
            self._connect()

    def _disconnect(self) -> None:
        with self._lock:
            if self._database is not None:
                self._connection.close()
                self._database.close()
            self._database = self._connection = None

    @staticmethod
    def _rows(result) -> list[dict]:
        results = result if isinstance(result, list) else [result]
        last = results[-1]
        columns = last.get_column_names()
        rows = []
        while last.has_next():
            rows.append(dict(zip(columns, last.get_next())))
        return rows

    def _read(self, cypher: str, params: dict) -> list[dict]:
        with self._lock:
            self._current()
            return self._rows(self._connection.execute(cypher, params))

    def _read_meta(self) -> dict[str, str]:
        with self._lock:
            self._current()
            try:
                result = self._connection.execute(f"MATCH (m:{META_TABLE}) RETURN m.name AS name, m.value AS value")
            except RuntimeError:  # no KbMeta table: a store written before schema version 2
                return {}
            return {row["name"]: row["value"] for row in self._rows(result)}

    # ---- writing: on a private copy, swapped in ------------------------------------------------------
    def _building(self) -> Path:
        building = self.folder / f"{GRAPH_FILE}.building-{os.getpid()}-{threading.get_ident()}"
        for stale in (building, building.with_name(building.name + ".wal")):
            stale.unlink(missing_ok=True)
        return building

    def _swap(self, change, start_from_current: bool) -> list[dict]:
        """Run ``change(connection)`` on a copy of the graph (or on an empty one) and swap the copy in."""
        building = self._building()
        if start_from_current:
            shutil.copyfile(self.path, building)
        # a change to a copy gets a pool sized by the file; a whole graph loaded anew, the engine's default
        pool = _buffer_pool(building, WRITE_POOL) if start_from_current else 0
        database = self._ladybug.Database(str(building), buffer_pool_size=pool)
        try:
            connection = self._ladybug.Connection(database)
            if not start_from_current:
                for statement in [*schema_statements(), META_DDL]:
                    connection.execute(statement)
            connection.execute(META_DDL)  # a store of schema 1 gets the table on its first change
            rows = change(connection)  # on a private copy: the rename below is the commit
            connection.execute("CHECKPOINT")
            connection.close()
        except BaseException:
            database.close()
            for leftover in (building, building.with_name(building.name + ".wal")):
                leftover.unlink(missing_ok=True)
            raise
        database.close()
        with self._lock:
            self._disconnect()
            os.replace(building, self.path)
            _fsync_folder(self.folder)
        return rows or []

    def _write(self, cypher: str, params: dict) -> list[dict]:
        return self._swap(lambda connection: self._rows(connection.execute(cypher, params)), True)

    def _replace_graph(self, graph: nx.MultiDiGraph, meta: dict[str, str]) -> None:
        self._swap(lambda connection: _load(connection, graph, self.folder)
                   or _apply(connection, GraphDelta(meta=meta), self.folder), False)

    def _apply_delta(self, delta: GraphDelta) -> None:
        self._swap(lambda connection: _apply(connection, delta, self.folder), True)

    def _close(self) -> None:
        self._disconnect()


READ_POOL = 4 * 1024 * 1024 * 1024
WRITE_POOL = 4 * 1024 * 1024 * 1024
POOL_PER_FILE_BYTE = 32
"""LadybugDB's buffer pool: at least ``READ_POOL`` (reading) or ``WRITE_POOL`` (changing a copy) bytes, and
``POOL_PER_FILE_BYTE`` times the database file. Its default, 80 % of the machine's memory, costs 0.1 s of CPU
and 0.4 s of wall time to set up at every open (measured on a 23.5 GB machine), three opens per ingest; 256 MB
was too little for the question index's passages query on 10,000 synthetic documents (a 50 MB file)."""


def _buffer_pool(path: Path, least: int) -> int:
    """The buffer pool size for the database file ``path`` (bytes; see ``READ_POOL``)."""
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    return max(least, POOL_PER_FILE_BYTE * size)


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable (a crash right after it must not bring the old file back)."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
