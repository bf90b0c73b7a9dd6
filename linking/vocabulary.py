"""The data files linking reads: the issuer registry and the beneficiary-group and topic vocabularies.

All three live in ``linking/data/`` (shipped with the package) as UTF-8 CSV:

- ``issuers.csv`` (issuer_code, name, level): 发文机关代字 -> issuing body and its level (市级, 区县级, 省级),
  for every issuer code cited in the corpus;
- ``beneficiary_groups.csv`` (group, aliases, program_name): who a project pays (军转干部, 民办教师, 放映员 …);
  projects for different groups are never one program;
- ``program_topics.csv`` (topic, aliases, program_name): what an administrative project funds (档案管理,
  信息化建设, 驻村帮扶 …).

Aliases are ``|``-separated and compared on ``kb.core.normalize.match_key`` forms, so 村（社区）干部 and
村(社区)干部 are one alias.
"""

from __future__ import annotations

import csv
import functools
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from kb.core.records import Issuer
from kb.core.normalize import match_key

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Term:
    """One vocabulary entry: a beneficiary group or a topic.

    Attributes:
        kind: "group" (beneficiary group) or "topic".
        name: the entry's name, e.g. 军转干部.
        aliases: match keys that signal it in a project name, longest first, e.g. ("军转干部", "军转干").
        program_name: the name a program of such projects gets, e.g. 企业军转干部生活补助.
    """

    kind: str
    name: str
    aliases: tuple[str, ...]
    program_name: str


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return [{key: (value or "").strip() for key, value in row.items()} for row in csv.DictReader(handle)]


def _terms(file_name: str, kind: str, name_column: str) -> tuple[Term, ...]:
    terms = []
    for row in _read_csv(file_name):
        aliases = {match_key(alias) for alias in row["aliases"].split("|") if alias.strip()}
        aliases.add(match_key(row[name_column]))
        terms.append(Term(kind, row[name_column], tuple(sorted(aliases, key=lambda alias: (-len(alias), alias))),
                          row["program_name"] or row[name_column]))
    return tuple(terms)


@functools.lru_cache(maxsize=1)
def beneficiary_groups() -> tuple[Term, ...]:
    """The beneficiary groups of ``data/beneficiary_groups.csv``, in file order."""
    return _terms("beneficiary_groups.csv", "group", "group")


@functools.lru_cache(maxsize=1)
def program_topics() -> tuple[Term, ...]:
    """The topics of ``data/program_topics.csv``, in file order."""
    return _terms("program_topics.csv", "topic", "topic")


def find_terms(text: str | None, terms: tuple[Term, ...]) -> list[Term]:
    """The vocabulary entries whose aliases occur in ``text`` (compared on match keys), in vocabulary order.

    Example:
        >>> [term.name for term in find_terms("代发企业退休军转干解困补助资金", beneficiary_groups())]
        ['军转干部']
    """
    key = match_key(text)
    if not key:
        return []
    return [term for term in terms if any(alias in key for alias in term.aliases)]


@functools.lru_cache(maxsize=1)
def issuer_registry() -> dict[str, Issuer]:
    """``data/issuers.csv`` as issuer_code -> Issuer (name and level of the issuing body)."""
    return {row["issuer_code"]: Issuer(issuer_code=row["issuer_code"], name=row["name"] or None,
                                       level=row["level"] or None)
            for row in _read_csv("issuers.csv")}


def issuer_for(issuer_code: str) -> Issuer:
    """The Issuer of ``issuer_code``: the registry's entry, else an unnamed issuer with a guessed level.

    An unknown code gets the level most registry codes with the same first character have (渝… -> 市级),
    or None when no registry code starts with that character; its name stays None (never invented).

    Example:
        >>> issuer_for("渝人社发").name, issuer_for("渝未知发").level
        ('重庆市人力资源和社会保障局', '市级')
    """
    registry = issuer_registry()
    if issuer_code in registry:
        return registry[issuer_code]
    levels = Counter(issuer.level for code, issuer in registry.items() if code[:1] == issuer_code[:1] and issuer.level)
    return Issuer(issuer_code=issuer_code, name=None, level=levels.most_common(1)[0][0] if levels else None)
