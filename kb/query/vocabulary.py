"""What a question can name, read from the graph: units and their aliases, projects, 文号, issuers,
subjects, indicators, programs and the files behind them.

The router matches questions against this vocabulary (never against a hand-written list of names), so a
newly ingested unit or project is understood at once. One ``Vocabulary`` is built per store and kept until
the store's node count changes.

Comparison happens on ``kb.core.normalize.match_key`` forms (no spaces, lower case, simplified).
"""

from __future__ import annotations

import os
import pickle
import re
import threading
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.core.errors import KBError, StoreQueryFailed
from kb.core.normalize import match_key
from kb.core.places import PLACE, strip_place_suffix
from kb.query.templates import run_internal

# Short forms of a unit's kind of body, longest first: 社会保险事务中心 is also called 社保中心 ...
_BODY_SHORT_FORMS = {"社会保险事务中心": ("社保中心", "社保事务中心", "社会保险中心")}
_PROVINCE = re.compile(r"^(重庆市|四川省|[\u4e00-\u9fff]{2,3}省)")


@dataclass(frozen=True)
class Unit:
    """A unit as stored: full name, region and every alias (match keys) that names it."""

    name: str
    region: str | None
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class ProjectName:
    """A project name with the unit running it and its year."""

    name: str
    unit: str
    year: int | None


@dataclass
class Vocabulary:
    """Names known to the graph, as match keys mapped to stored values.

    Attributes:
        units: full unit names -> ``Unit``.
        unit_aliases: alias match key -> full unit names it may mean (usually one).
        projects: project records (name, unit, year).
        doc_nos: canonical 文号 known to the graph.
        issuers: issuer code -> issuer name (or "").
        subjects: subject match key (code or name) -> list of (scheme, code, name).
        indicators: indicator names (as stored).
        programs: program names (as stored).
        program_keywords: keyword match key (Program.keywords: 民办教师, 民师, 军转干 …) -> program names.
        documents: Document.file -> Document.path (to read a source line).
        titles: 文号 -> the titles printed with it (PolicyDocument.title, .titles).
        indicator_levels: indicator types (Indicator.level1 / level2 ending in 指标: 时效指标, 满意度指标 …).
        fingerprint: (node count, graph file size) the vocabulary was read at (see ``fingerprint``).
    """

    units: dict[str, Unit] = field(default_factory=dict)
    unit_aliases: dict[str, list[str]] = field(default_factory=dict)
    projects: list[ProjectName] = field(default_factory=list)
    doc_nos: set[str] = field(default_factory=set)
    issuers: dict[str, str] = field(default_factory=dict)
    subjects: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    indicators: list[str] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    program_keywords: dict[str, list[str]] = field(default_factory=dict)
    documents: dict[str, str] = field(default_factory=dict)
    titles: dict[str, list[str]] = field(default_factory=dict)
    indicator_levels: list[str] = field(default_factory=list)
    fingerprint: tuple[int, int] = (-1, -1)
    cache: dict = field(default_factory=dict, repr=False)  # derived data (masked examples, search index)

    def project_names(self) -> list[str]:
        """Distinct project names, in graph order."""
        return list(dict.fromkeys(project.name for project in self.projects))

    def subject_names(self) -> list[str]:
        """Distinct subject names."""
        return sorted({name for entries in self.subjects.values() for _, _, name in entries})


def derive_aliases(name: str, region: str | None, stored: list[str] | None = None) -> list[str]:
    """Aliases of a unit: the stored ones plus the forms people type (荣昌, 荣昌区, 荣昌区社保中心 ...).

    Args:
        name: full unit name, e.g. 重庆市荣昌区社会保险事务中心.
        region: e.g. 重庆市荣昌区 or 四川省广元市苍溪县 (may be None).
        stored: ``Unit.aliases`` as built with the graph.

    Returns:
        Distinct match keys, longest first.

    Example:
        >>> "荣昌" in derive_aliases("重庆市荣昌区社会保险事务中心", "重庆市荣昌区")
        True
    """
    forms = {name, *(stored or [])}
    place = _last_place(region or "") or _last_place(name)
    body = name
    without_province = _PROVINCE.sub("", name)
    forms.add(without_province)
    if place and place in name:
        body = name[name.index(place) + len(place):]
    short_places = {place} if place else set()
    if place:
        core = strip_place_suffix(place)
        if len(core) >= 2:
            short_places.add(core)
        if place.endswith("经济技术开发区"):
            short_places.add(core + "经开区")
    bodies = {body, *_BODY_SHORT_FORMS.get(body, ())}
    for short_place in short_places:
        forms.add(short_place)
        for short_body in bodies:
            if short_body:
                forms.add(short_place + short_body)
    keys = {match_key(form) for form in forms if form and len(form) >= 2}
    return sorted(keys, key=lambda key: (-len(key), key))


def _last_place(text: str) -> str:
    """The innermost place name of a region (苍溪县 from 四川省广元市苍溪县, 荣昌区 from 重庆市荣昌区)."""
    text = _PROVINCE.sub("", text)
    places = PLACE.findall(text)
    return places[-1] if places else ""


_cache: "weakref.WeakKeyDictionary[Any, Vocabulary]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()
CACHE_FILE = "query-index.pkl"  # beside the graph in the --db folder: vocabulary + gazetteer, keyed by fingerprint


def _cache_version() -> str:
    """A hash of the code that builds the cached index (this module and the gazetteer's): a changed builder
    invalidates every cache file."""
    import hashlib

    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in ("vocabulary.py", "gazetteer.py", "name_forms.py", "pinyin_table.py", "index_rows.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


def fingerprint(store: Any) -> tuple[int, int]:
    """The graph's generation: (node count, the graph file's size in bytes or 0). An ingest adds or replaces
    nodes, and rewrites the embedded store's file. Counting nodes takes milliseconds; relationships would
    take a tenth of a second on 60,000 of them.

    Raises:
        StoreQueryFailed: from the store.
    """
    rows = run_internal(store, "graph_fingerprint")
    path = getattr(store, "path", None)
    try:
        size = Path(path).stat().st_size if path else 0
    except OSError:
        size = 0
    return (int(rows[0]["nodes"]) if rows else 0, size)


def vocabulary(store: Any, incremental: bool = False) -> Vocabulary:
    """The vocabulary of ``store`` (with its gazetteer in ``cache["gazetteer"]``), read once per graph
    generation: kept in memory per store, and on disk in ``<db>/query-index.pkl`` so a new process loads it
    in milliseconds instead of reading the graph and building the automata again.

    Args:
        store: the open store.
        incremental: when the kept file is stale, update the kept vocabulary rows from the documents changed
            since (``kb.query.index_rows.update_rows``, which reads their kept parts: networkx and linking are
            imported) and keep them; else (a question) read the rows from the store alone, keeping nothing but
            the vocabulary. Both give the same vocabulary.

    Raises:
        StoreQueryFailed: from the store, when a read fails.
    """
    count = fingerprint(store)
    with _lock:
        try:
            cached = _cache.get(store)
        except TypeError:
            cached = None
    if cached is not None and cached.fingerprint == count:
        return cached
    fresh = _load_from_disk(store, count)
    if fresh is None:
        fresh = _build(store, count, incremental)
        _save_to_disk(store, fresh)
    with _lock:
        try:
            _cache[store] = fresh
        except TypeError:
            pass
    return fresh


def _build(store: Any, count: tuple[int, int], incremental: bool) -> Vocabulary:
    """The vocabulary and gazetteer of ``store`` from its rows: updated from the documents changed since the
    rows were kept (``incremental``, ``kb.query.index_rows.update_rows``; the rows are kept again), else read
    whole from the store; either way with the memo of the pure steps kept with the rows."""
    from kb.query.gazetteer import Gazetteer
    from kb.query.index_rows import load_rows, read_rows, save_rows, update_rows

    if incremental:
        rows = update_rows(store, save=False)
    else:
        kept = load_rows(store)
        rows = read_rows(store, published=[])
        rows.memo = kept.memo if kept is not None else {}
    fresh = vocabulary_from_rows(rows, rows.memo.setdefault("aliases", {}))
    fresh.fingerprint = count
    fresh.cache["gazetteer"] = Gazetteer.build(fresh, rows.memo)
    if incremental:
        save_rows(store, rows)
    return fresh


def index_is_current(store: Any, count: tuple[int, int] | None = None) -> bool:
    """True when ``<db>/query-index.pkl`` is of this builder and of the store's graph generation ``count``
    (``fingerprint``, read when None); only the file's small header is read.

    Raises:
        StoreQueryFailed: from the store (reading the fingerprint).
    """
    path = _cache_path(store)
    if path is None or not path.exists():
        return False
    count = fingerprint(store) if count is None else count
    try:
        with path.open("rb") as handle:
            version, stored_count = pickle.load(handle)
    except Exception:  # damaged or foreign: not current
        return False
    return version == _cache_version() and tuple(stored_count) == tuple(count)


def _cache_path(store: Any) -> Path | None:
    folder = getattr(store, "folder", None)
    return Path(folder) / CACHE_FILE if folder else None


def _load_from_disk(store: Any, count: tuple[int, int]) -> Vocabulary | None:
    path = _cache_path(store)
    if path is None or not path.exists():
        return None
    try:
        with path.open("rb") as handle:
            version, stored_count = pickle.load(handle)  # the header first: a stale file is not read further
            if version != _cache_version() or tuple(stored_count) != tuple(count):
                return None
            vocab, gazetteer = pickle.load(handle)
    except Exception:  # a damaged or foreign cache file is rebuilt, never trusted
        return None
    vocab.cache = {"gazetteer": gazetteer}
    return vocab


def _save_to_disk(store: Any, vocab: Vocabulary) -> None:
    path = _cache_path(store)
    if path is None:
        return
    cache, vocab.cache = vocab.cache, {}
    try:
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        with temporary.open("wb") as handle:
            pickle.dump((_cache_version(), vocab.fingerprint), handle)
            pickle.dump((vocab, cache["gazetteer"]), handle)
        os.replace(temporary, path)
    except OSError:  # a read-only folder: the index is rebuilt per process
        pass
    finally:
        vocab.cache = cache


def read_vocabulary(store: Any) -> Vocabulary:
    """Read every name the router may match from ``store`` (a from-scratch read of the vocabulary rows,
    ``kb.query.index_rows.read_rows``).

    Returns:
        A filled ``Vocabulary``.

    Raises:
        StoreQueryFailed: from the store.
    """
    from kb.query.index_rows import read_rows

    return vocabulary_from_rows(read_rows(store, published=[]))


def vocabulary_from_rows(rows: Any, aliases: dict | None = None) -> Vocabulary:
    """The vocabulary of the graph whose rows are ``rows`` (``kb.query.index_rows.VocabularyRows``): a pure
    function of them, so rows updated per changed document give the vocabulary a full read gives.

    Args:
        rows: the vocabulary rows (units, projects with the units running them, 文件, issuers, subjects,
            indicators, programs, documents).
        aliases: a memo of ``derive_aliases`` by (name, region, stored aliases), read and extended (kept
            with the question index so an update derives only new units' aliases).

    Returns:
        A filled ``Vocabulary``; every list in a stable order (units by name, projects by unit, year, name,
        文件 by 文号, subjects by scheme and code, programs by name).
    """
    aliases = {} if aliases is None else aliases
    nodes = rows.nodes
    vocab = Vocabulary()
    for row in _ordered(nodes, "Unit", lambda row: (row["name"] or "", row["region"] or "")):
        if not row["name"]:
            continue
        memo = (row["name"], row["region"], tuple(row["aliases"] or ()))
        if memo not in aliases:
            aliases[memo] = tuple(derive_aliases(row["name"], row["region"], row["aliases"]))
        vocab.units[row["name"]] = Unit(row["name"], row["region"], aliases[memo])
        for alias in aliases[memo]:
            vocab.unit_aliases.setdefault(alias, [])
            if row["name"] not in vocab.unit_aliases[alias]:
                vocab.unit_aliases[alias].append(row["name"])
    for row in sorted(rows.project_rows(), key=lambda row: (row["unit"] or "", row["year"] is None, row["year"] or 0,
                                                            row["name"] or "")):
        if row["name"]:
            vocab.projects.append(ProjectName(row["name"], row["unit"], row["year"]))
    for row in _ordered(nodes, "PolicyDocument", lambda row: row["doc_no"]):
        vocab.doc_nos.add(row["doc_no"])
        titles = [title for title in [row["title"], *(row["titles"] or [])] if title]
        if titles:
            vocab.titles[row["doc_no"]] = list(dict.fromkeys(titles))
        if row["issuer_code"]:
            vocab.issuers.setdefault(row["issuer_code"], "")
    for row in _ordered(nodes, "Issuer", lambda row: row["issuer_code"]):
        vocab.issuers[row["issuer_code"]] = row["name"] or ""
    for row in _ordered(nodes, "Subject", lambda row: (row["scheme"] or "", row["code"] or "")):
        entry = (row["scheme"], row["code"], row["name"])
        for key in sorted({match_key(row["code"]), match_key(row["name"])}):
            if key and entry not in vocab.subjects.setdefault(key, []):
                vocab.subjects[key].append(entry)
    indicator_rows = list(nodes.get("Indicator", {}).values())
    vocab.indicators = sorted({row["name"] for row in indicator_rows if row["name"]})
    vocab.indicator_levels = sorted({level for row in indicator_rows for level in (row["level1"], row["level2"])
                                     if level and level.endswith("指标")})
    for row in _ordered(nodes, "Program", lambda row: row["name"] or ""):
        if not row["name"]:
            continue
        if row["name"] not in vocab.programs:
            vocab.programs.append(row["name"])
        for keyword in row["keywords"] or []:
            names = vocab.program_keywords.setdefault(match_key(keyword), [])
            if row["name"] not in names:
                names.append(row["name"])
    for row in _ordered(nodes, "Document", lambda row: (row["file"] or "", row["path"] or "")):
        if row["file"]:
            vocab.documents[row["file"]] = row["path"] or ""
    return vocab


def _ordered(nodes: dict, label: str, order: Any) -> list[dict]:
    """The rows of ``label`` sorted by ``order(row)``, ties by node key (the same order however they were read)."""
    return [row for _, row in sorted(nodes.get(label, {}).items(), key=lambda item: (order(item[1]), item[0]))]


def source_line(vocab: Vocabulary, file: str | None, line: int | None, store: Any = None) -> str:
    """The text of ``line`` (1-based) of a stored document; "" when unknown.

    Read from the document lines the store keeps with its parsed records (``store.archive.lines(file)``)
    when ``store`` is given, else from the file at ``Document.path`` on disk.
    """
    if not file or not line:
        return ""
    lines = _stored_lines(store, vocab, file) if store is not None else None
    if not lines:
        lines = _file_lines(vocab.documents.get(file) or "")
    if 0 < int(line) <= len(lines):
        return lines[int(line) - 1].strip()
    return ""


def _stored_lines(store: Any, vocab: Vocabulary, file: str) -> list[str]:
    """One document's lines as the store keeps them with its parsed record (``store.archive.lines``), cached."""
    stored = vocab.cache.setdefault("document lines", {})
    if file not in stored:
        archive = getattr(store, "archive", None)
        stored[file] = archive.lines(file) if hasattr(archive, "lines") else []
    return stored[file]


_lines_cache: dict[tuple[str, float], list[str]] = {}


def _file_lines(path: str) -> list[str]:
    """The normalised lines of a stored document (``loaders.read.read_source``), cached by path and
    modification time; [] when the file is gone or unreadable."""
    if not path:
        return []
    try:
        key = (path, Path(path).stat().st_mtime)
    except OSError:
        return []
    if key not in _lines_cache:
        from loaders.read import read_source

        try:
            _lines_cache[key] = list(read_source(Path(path)).lines)
        except (KBError, OSError):  # a damaged file: the answer still gives file and line
            _lines_cache[key] = []
    return _lines_cache[key]
