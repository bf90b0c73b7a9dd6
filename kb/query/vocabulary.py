"""What a question can name, read from the graph: units and their aliases, projects, 文号, issuers,
subjects, indicators, programs and the files behind them.

The router matches questions against this vocabulary (never against a hand-written list of names), so a
newly ingested unit or project is understood at once. One ``Vocabulary`` is built per store and kept until
the store's node count changes.

Comparison happens on ``kb.core.normalize.match_key`` forms (no spaces, lower case, simplified).
"""

from __future__ import annotations

import re
import threading
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.core.errors import KBError, StoreQueryFailed
from kb.core.normalize import match_key
from kb.core.places import PLACE, strip_place_suffix

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
        fingerprint: the node count the vocabulary was read at.
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
    fingerprint: int = -1
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


def _node_count(store: Any) -> int:
    rows = store.read("MATCH (n) RETURN count(n) AS n", {}, name="vocabulary fingerprint")
    return int(rows[0]["n"]) if rows else 0


def vocabulary(store: Any) -> Vocabulary:
    """The vocabulary of ``store``, read once and re-read when the graph's node count changes.

    Raises:
        StoreQueryFailed: from the store, when a read fails.
    """
    count = _node_count(store)
    with _lock:
        try:
            cached = _cache.get(store)
        except TypeError:
            cached = None
    if cached is not None and cached.fingerprint == count:
        return cached
    fresh = read_vocabulary(store)
    fresh.fingerprint = count
    with _lock:
        try:
            _cache[store] = fresh
        except TypeError:
            pass
    return fresh


def read_vocabulary(store: Any) -> Vocabulary:
    """Read every name the router may match from ``store`` (a handful of small queries).

    Returns:
        A filled ``Vocabulary``.
    """
    vocab = Vocabulary()
    read = store.read
    for row in read("MATCH (u:Unit) RETURN u.name AS name, u.region AS region, u.aliases AS aliases ORDER BY name", {},
                    name="vocabulary units"):
        if not row["name"]:
            continue
        aliases = tuple(derive_aliases(row["name"], row["region"], row["aliases"]))
        vocab.units[row["name"]] = Unit(row["name"], row["region"], aliases)
        for alias in aliases:
            vocab.unit_aliases.setdefault(alias, [])
            if row["name"] not in vocab.unit_aliases[alias]:
                vocab.unit_aliases[alias].append(row["name"])
    for row in read("MATCH (u:Unit)-[:RUNS]->(p:Project) RETURN p.name AS name, u.name AS unit, p.year AS year "
                    "ORDER BY unit, year, name", {},
                    name="vocabulary projects"):
        if row["name"]:
            vocab.projects.append(ProjectName(row["name"], row["unit"], row["year"]))
    for row in read("MATCH (d:PolicyDocument) RETURN d.doc_no AS doc_no, d.issuer_code AS issuer_code ORDER BY doc_no", {},
                    name="vocabulary policy documents"):
        vocab.doc_nos.add(row["doc_no"])
        if row["issuer_code"]:
            vocab.issuers.setdefault(row["issuer_code"], "")
    for row in read("MATCH (i:Issuer) RETURN i.issuer_code AS issuer_code, i.name AS name ORDER BY issuer_code", {},
                    name="vocabulary issuers"):
        vocab.issuers[row["issuer_code"]] = row["name"] or ""
    for row in read("MATCH (s:Subject) RETURN s.scheme AS scheme, s.code AS code, s.name AS name ORDER BY scheme, code", {},
                    name="vocabulary subjects"):
        entry = (row["scheme"], row["code"], row["name"])
        for key in {match_key(row["code"]), match_key(row["name"])}:
            if key and entry not in vocab.subjects.setdefault(key, []):
                vocab.subjects[key].append(entry)
    vocab.indicators = sorted({row["name"] for row in read("MATCH (i:Indicator) RETURN i.name AS name", {},
                                                           name="vocabulary indicators") if row["name"]})
    try:
        programs = read("MATCH (g:Program) RETURN g.name AS name, g.keywords AS keywords ORDER BY name", {},
                        name="vocabulary programs")
    except StoreQueryFailed:  # a store built before Program.keywords existed: names only until re-ingested
        programs = read("MATCH (g:Program) RETURN g.name AS name, [] AS keywords ORDER BY name", {},
                        name="vocabulary program names")
    for row in programs:
        if not row["name"]:
            continue
        if row["name"] not in vocab.programs:
            vocab.programs.append(row["name"])
        for keyword in row["keywords"] or []:
            names = vocab.program_keywords.setdefault(match_key(keyword), [])
            if row["name"] not in names:
                names.append(row["name"])
    for row in read("MATCH (d:Document) RETURN d.file AS file, d.path AS path ORDER BY file", {}, name="vocabulary documents"):
        if row["file"]:
            vocab.documents[row["file"]] = row["path"] or ""
    return vocab


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
