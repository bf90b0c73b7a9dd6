"""Policy references (文号) of a document and of each project block, built on ``kb.core.doc_no``.

Two views of the same 文号 (see EXTRACTION_SCHEMA.md "Canonical 文号"):

- the document's ``policy_docs``: every distinct canonical 文号, in order of first appearance, with the
  《titles》 printed right before a bracketed 文号 and every printed form (``raw_forms``);
- a project's references: ``basis_refs`` (canonical 文号 in its 立项依据 text only) and ``all_refs``
  (anywhere in its block, in order of first appearance), each cited with role basis or mention.

References that have no year-number form (a 《title》 printed alone, "17号文") are not 文号: they are
returned as free-text notes for the project's ``notes``.
"""

from __future__ import annotations

import bisect
import functools
import re
import threading
from dataclasses import dataclass, field

from kb.core.records import PolicyReference
from kb.core.doc_no import DocNoMatch, attached_titles, find_doc_nos
from loaders.notes import note

_TITLE = re.compile(r"《([^《》]{2,120})》")
_NUMBER_WITHOUT_YEAR = re.compile(r"(?<![\d〕】\]］)）])(\d{1,4})号文(?!件)")


@dataclass
class BlockReferences:
    """The 文号 cited in one project block.

    Attributes:
        basis_refs: canonical 文号 found in the 立项依据 text, in order, without repeats.
        all_refs: canonical 文号 found anywhere in the block, in order of first appearance.
        ref_lines: canonical 文号 -> 1-based source line of its first citation in the block.
        notes: free-text notes on references that are not 文号 (titles alone, numbers without year).
    """

    basis_refs: list[str] = field(default_factory=list)
    all_refs: list[str] = field(default_factory=list)
    ref_lines: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _distinct(values: list[str]) -> list[str]:
    """``values`` without repeats, first appearance kept."""
    return list(dict.fromkeys(values))


_NO_MATCHES: tuple = ()


def line_doc_nos(line: str) -> tuple[DocNoMatch, ...]:
    """``find_doc_nos(line)`` for one document line, computed once per distinct line (the document and
    each project block read the same lines); a line without 号 holds none and is not searched."""
    return _line_doc_nos(line) if "号" in line else _NO_MATCHES


@functools.lru_cache(maxsize=16384)
def _line_doc_nos(line: str) -> tuple[DocNoMatch, ...]:
    return tuple(find_doc_nos(line))


def document_policy_docs(lines: list[str]) -> list[PolicyReference]:
    """Every distinct 文号 of a document, in order of first appearance.

    Args:
        lines: the document's normalised text lines (index 0 is line 1), as in ``Extraction.lines``.

    Returns:
        One ``PolicyReference`` per canonical 文号 with its titles (《》 printed right before or around
        a printed form, without 《》), its printed forms and the lines citing it, each without repeats.

    Example:
        >>> [p.doc_no for p in document_policy_docs(["根据渝府发（2006）2号", "渝府发〔2006〕2号"])]
        ['渝府发〔2006〕2号']
    """
    found: dict[str, PolicyReference] = {}
    for number in _lines_with_number_mark(lines):
        for match in line_doc_nos(lines[number - 1]):
            reference = found.setdefault(match.doc_no, PolicyReference(doc_no=match.doc_no))
            if match.title and match.title not in reference.titles:
                reference.titles.append(match.title)
            if match.raw not in reference.raw_forms:
                reference.raw_forms.append(match.raw)
            if number not in reference.lines:
                reference.lines.append(number)
    return list(found.values())


def non_doc_no_references(text: str) -> list[str]:
    """References in ``text`` that are not 文号: 《titles》 with no 文号 attached, numbers with no year.

    A 《title》 counts as attached when a 文号 is printed inside it or right after it (within a
    bracket), as ``find_doc_nos`` attaches titles.

    Args:
        text: normalised text of one field or block.

    Returns:
        Printed forms such as "《社会保险业务档案管理规范》" or "17号文", in order, without repeats.

    Example:
        >>> non_doc_no_references("国家标准《社会保险业务档案管理规范》和渝人社发【2016】132号")
        ['《社会保险业务档案管理规范》']
    """
    if "《" not in text and "号文" not in text:  # neither a title nor a number without a year
        return []
    titles = [title.group(1).strip() for title in _TITLE.finditer(text)]
    titles = [inner for inner in titles if not line_doc_nos(inner)]  # a title holding a 文号 is one
    numbers = list(_NUMBER_WITHOUT_YEAR.finditer(text))
    if not titles and not numbers:
        return []
    if numbers:
        matches = find_doc_nos(text)
        attached = {match.title for match in matches if match.title}
        spans = [(match.start, match.end) for match in matches]
    else:  # only the titles a 文号 follows are needed: found without searching the whole text
        attached, spans = attached_titles(text), []
    found: list[str] = [f"《{inner}》" for inner in titles if inner not in attached]
    for number in numbers:
        if not any(start <= number.start() < end for start, end in spans):
            found.append(number.group(0))
    return _distinct(found)


_MARKED = threading.local()  # per thread: the last document's lines and the numbers of its lines holding 号


def _lines_with_number_mark(lines: list[str]) -> list[int]:
    """1-based numbers of the lines holding 号 (only they can hold a 文号), found once per document: every
    project block of a document looks up its own range in them."""
    memo = getattr(_MARKED, "memo", None)
    if memo is None or memo[0] is not lines or memo[1] != len(lines):
        memo = _MARKED.memo = (lines, len(lines), [number for number, line in enumerate(lines, start=1) if "号" in line])
    return memo[2]


def block_references(lines: list[str], first_line: int, last_line: int, basis_text: str | None) -> BlockReferences:
    """The 文号 of one project block (lines ``first_line``..``last_line``, 1-based, inclusive).

    Args:
        lines: the document's normalised text lines (index 0 is line 1).
        first_line: first source line of the block.
        last_line: last source line of the block.
        basis_text: the block's 立项依据 text (None when the block has none).

    Returns:
        ``BlockReferences`` with basis_refs, all_refs, ref_lines and notes on non-文号 references.

    Example:
        >>> block_references(["项目概述 据渝人社[2017]225号文件", "立项依据 渝委办发【2003】167号"], 1, 2,
        ...                  "渝委办发【2003】167号").all_refs
        ['渝人社〔2017〕225号', '渝委办发〔2003〕167号']
    """
    result = BlockReferences()
    first, last = max(first_line, 1), min(last_line, len(lines))
    numbers = _lines_with_number_mark(lines)
    for number in numbers[bisect.bisect_left(numbers, first):bisect.bisect_right(numbers, last)]:
        for match in line_doc_nos(lines[number - 1]):
            result.ref_lines.setdefault(match.doc_no, number)
            result.all_refs.append(match.doc_no)
    result.all_refs = _distinct(result.all_refs)
    if basis_text:
        result.basis_refs = _distinct([match.doc_no for match in line_doc_nos(basis_text)])
    others = non_doc_no_references("\n".join(lines[first - 1:last])) if last >= first else []
    if others:
        result.notes.append(note("references.title_only", references="；".join(others)))
    return result
