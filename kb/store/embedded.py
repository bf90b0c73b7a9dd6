"""The embedded engine: LadybugDB (``pip install ladybug``, the maintained successor of Kùzu) on disk.

Layout of the database folder (``--db``, default ``./kb-data``):
- ``graph.lbdb``: the LadybugDB database holding the graph (schema created on first use);
- ``documents/``: the parsed documents the graph is built from (``kb.store.archive``).

Writing the graph builds a complete new database beside the current one (``graph.lbdb.building-<pid>``),
bulk-loaded with ``COPY <table> FROM <data frame>`` (one statement per table, not a query per row),
closes it and renames it over ``graph.lbdb``. The rename is atomic, so a process killed at any moment
leaves either the old graph or the new one, and readers never see half a graph. Reads go through a
read-only connection, so several processes (the app, ``kb ask``) can read while an ingest writes; a
reader notices a graph swapped in by another process (the file's inode changed) and reconnects.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import networkx as nx
import pandas as pd
import pyarrow as pa

from kb.core.errors import StoreUnavailable
from kb.store.base import Store
from kb.core.schema import BOOLEAN, DOUBLE, INT64, NODE_TABLES, REL_TABLES, STRING_LIST

log = logging.getLogger("kb.store")

GRAPH_FILE = "graph.lbdb"
_ARROW_TYPES = {DOUBLE: pa.float64(), INT64: pa.int64(), BOOLEAN: pa.bool_(), STRING_LIST: pa.list_(pa.string())}


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


def _frame(columns: dict[str, list], types: dict[str, str]) -> pd.DataFrame:
    """A pyarrow-backed data frame with the stored types, so nulls stay nulls (never NaN or 0)."""
    arrays = {name: pa.array(values, type=_ARROW_TYPES.get(types[name], pa.string()))
              for name, values in columns.items()}
    return pa.table(arrays).to_pandas(types_mapper=pd.ArrowDtype)


def _load(connection, graph: nx.MultiDiGraph) -> None:
    """Bulk-load ``graph`` into an empty database: one COPY per node table and per relationship pair."""
    rows_by_label: dict[str, list[dict]] = {label: [] for label in NODE_TABLES}
    for _, data in graph.nodes(data=True):
        rows_by_label[data["label"]].append(data)
    for label, rows in rows_by_label.items():
        if not rows:
            continue
        properties = NODE_TABLES[label].properties
        frame = _frame({name: [row.get(name) for row in rows] for name in properties}, properties)
        connection.execute(f"COPY {label} FROM frame")

    edges: dict[tuple[str, str, str], list[tuple[str, str, dict]]] = {}
    for source, target, data in graph.edges(data=True):
        source_node, target_node = graph.nodes[source], graph.nodes[target]
        key = (data["type"], source_node["label"], target_node["label"])
        edges.setdefault(key, []).append((source_node[NODE_TABLES[key[1]].key],
                                          target_node[NODE_TABLES[key[2]].key], data))
    for (rel_type, source_label, target_label), rows in edges.items():
        properties = REL_TABLES[rel_type].properties
        columns = {"from": [row[0] for row in rows], "to": [row[1] for row in rows]}
        columns.update({name: [row[2].get(name) for row in rows] for name in properties})
        frame = _frame(columns, {"from": "STRING", "to": "STRING", **properties})
        connection.execute(f"COPY {rel_type} FROM frame (from='{source_label}', to='{target_label}')")


class EmbeddedStore(Store):
    """The graph in a LadybugDB database file under ``folder``.

    Args:
        folder: the database folder (``--db``); created with an empty schema if missing.

    Raises:
        StoreUnavailable: the folder cannot be created, or the database file cannot be opened (another
            version's format, a damaged file).
    """

    backend = "embedded"

    def __init__(self, folder: Path):
        super().__init__(folder)
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
            raise StoreUnavailable(f"无法创建数据库文件夹 {self.folder}：{error}") from error
        self._remove_abandoned_builds()
        if not self.path.exists():
            self._replace_graph(nx.MultiDiGraph())
        self._connect()

    def _remove_abandoned_builds(self) -> None:
        """Delete half-built databases left by an ingest that was killed (their process is gone)."""
        for leftover in self.folder.glob(f"{GRAPH_FILE}.building-*"):
            pid = leftover.name.rsplit("-", 1)[-1].split(".")[0]
            if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
                leftover.unlink(missing_ok=True)

    def _connect(self) -> None:
        with self._lock:
            try:
                self._inode = self.path.stat().st_ino
                self._database = self._ladybug.Database(str(self.path), read_only=True)
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

    def _write(self, cypher: str, params: dict) -> list[dict]:
        with self._lock:
            self._disconnect()
            database = self._ladybug.Database(str(self.path))
            try:
                connection = self._ladybug.Connection(database)
                rows = self._rows(connection.execute(cypher, params))
                connection.close()
            finally:
                database.close()
                self._connect()
            return rows

    def _replace_graph(self, graph: nx.MultiDiGraph) -> None:
        building = self.folder / f"{GRAPH_FILE}.building-{os.getpid()}"
        for stale in (building, building.with_name(building.name + ".wal")):
            stale.unlink(missing_ok=True)
        database = self._ladybug.Database(str(building))
        try:
            connection = self._ladybug.Connection(database)
            for statement in schema_statements():
                connection.execute(statement)
            _load(connection, graph)
            connection.execute("CHECKPOINT")
            connection.close()
        except BaseException:
            database.close()
            building.unlink(missing_ok=True)
            raise
        database.close()
        with self._lock:
            self._disconnect()
            os.replace(building, self.path)
            _fsync_folder(self.folder)

    def _close(self) -> None:
        self._disconnect()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable (a crash right after it must not bring the old file back)."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
