"""Projects of one disclosure: blocks, project lines, indicators and 文号, merged into ``Extraction``.

Entry point ``extract_projects(extraction, stream)``, called by ``loaders.pipeline.parse_file`` after the
unit and totals are read. It reads, in any layout (recognised by field labels, never by line numbers):

- label blocks of 项目支出绩效目标表 (000, 001, 002): 项目名称 / 当年预算 / 项目分类 / 项目概述 / 立项依据 /
  当年绩效目标 cells, then an indicator table;
- wide performance tables and 项目支出预算表 lines (003, 004), see ``loaders.project_tables``;
- the unit-level 整体绩效目标表 indicators (``unit_indicators``);
- every 文号 of the document (``policy_docs``) and of each block (``basis_refs``/``all_refs``).

A performance entry is merged into the 项目支出预算表 line of the same project (same name, or a close
name with the same amount). A block printed under another unit's name is reported, not attached, and a
table mixing other units' blocks (003's OCR'd table) is reported whole. Figures a block contradicts
(a 项目概况 amount against 当年预算) go to ``discrepancies`` with both figures.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from kb.core.records import Extraction, Project
from loaders.indicators import read_indicator_rows
from loaders.notes import note
from kb.core.normalize import match_key
from loaders.project_filter import fallback_entries, rejected_note
from loaders.project_forms import amount_after
from loaders.project_header_tables import is_column_name, is_project_table_header
from loaders.project_narrative import clean_project_name
from loaders.project_fields import amount_in_yuan, category_from_title, clean_text, read_amount, split_code
from loaders.project_tables import Entry, budget_list_entries, wide_performance_entries
from kb.core.doc_no import find_doc_nos
from loaders.references import block_references, document_policy_docs
from loaders.stream import Item, Stream

_LEADING_FIELDS = {"unit", "department", "code", "other"}
_MENTIONED_AMOUNT = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*万元")
_CLOSE_NAME = 85  # rapidfuzz ratio (0-100) above which two names with the same amount are one project


def _block_spans(items: list[Item], used: set[int]) -> list[tuple[int, int, int]]:
    """(first row, anchor row, last row) of each label block, in order."""
    anchors = [i for i, item in enumerate(items) if i not in used and item.row.cells and item.anchors_block
               and not is_project_table_header(item.row.cells)]
    spans: list[tuple[int, int, int]] = []
    for number, anchor in enumerate(anchors):
        start = anchor
        floor = anchors[number - 1] if number else -1
        while start - 1 > floor and items[start - 1].row.is_table and not items[start - 1].is_title:
            fields = {field for field, _, _ in items[start - 1].labels}
            if not fields or not fields <= _LEADING_FIELDS:
                break
            start -= 1
        spans.append([start, anchor, len(items) - 1])
    for number, span in enumerate(spans):
        limit = spans[number + 1][0] - 1 if number + 1 < len(spans) else len(items) - 1
        seen_indicators = False
        for index in range(span[1] + 1, limit + 1):
            item = items[index]
            ends = item.is_title or index in used or (seen_indicators and not item.row.is_table) \
                or ("明" in item.text and any(field == "end" for field, _, _ in item.labels))  # 其他说明
            if ends:
                limit = index - 1
                break
            seen_indicators = seen_indicators or item.indicator is not None
        span[2] = limit
    return [tuple(span) for span in spans]


def _read_block(items: list[Item], span: tuple[int, int, int], title: str | None) -> Entry:
    """Read the fields and indicators of one label block."""
    first, _, last = span
    values: dict[str, str] = {}
    labels: dict[str, str] = {}
    funding: list[str] = []
    header_at = None
    for index in range(first, last + 1):
        if items[index].indicator:
            header_at = index
            break
        if labels.get("amount") and not items[index].labels and len(items[index].row.cells) == 1 \
                and read_amount(values["amount"]) is None and read_amount(items[index].text) is not None:
            values["amount"] = items[index].text  # a money label printed one cell per line, its figure on the next
        for field, label, value in items[index].labels:
            if field == "funding":
                funding.append(f"{label} {value}" if value else f"{label}（空白）")
            elif field not in values or (not values[field] and value) or (
                    field == "amount" and read_amount(values[field]) is None and read_amount(value) is not None):
                values[field], labels[field] = value, label
    code, name = split_code(values.get("name", ""))
    name = clean_project_name(name)
    entry = Entry(name=name, source_table=title, first_line=items[first].row.line,
                  last_line=items[last].row.end_line or items[last].row.line,
                  code=values.get("code") or code, category=values.get("category") or category_from_title(title),
                  overview=clean_text(values.get("overview")), basis=clean_text(values.get("basis")),
                  goal=clean_text(values.get("goal")), unit=values.get("unit") or None,
                  amount_label=labels.get("amount"))
    entry.amount = read_amount(values.get("amount"))
    if entry.amount is None and first == last:  # one line: a form run together, its money field in the text
        entry.amount, amount_note = amount_after(" ".join(items[index].text for index in range(first, last + 1)))
        entry.notes += [amount_note] if amount_note else []
    if entry.amount is not None and amount_in_yuan(labels.get("amount", "")):
        entry.notes.append(note("projects.amount_in_yuan", label=labels["amount"], value=values["amount"]))
        entry.amount = round(entry.amount / 10000, 6)
    if not values.get("category") and entry.category:
        entry.notes.append(note("projects.category_from_title", title=title))
    if funding:
        entry.notes.append(note("projects.funding", funding="；".join(funding)))
    if header_at is not None:
        columns = items[header_at].indicator
        entry.indicators = read_indicator_rows([item.row for item in items[header_at + 1:last + 1]], columns)
    return entry


def _span(entry: Entry) -> tuple[int, int]:
    """The lines of the table (wide tables) or block an entry was read from."""
    if entry.table_first_line:
        return entry.table_first_line, entry.table_last_line
    return entry.first_line, entry.last_line


class _UnitCheck:
    """Tells whether the unit printed with an entry is another unit than the document's.

    A unit is this document's when it matches ``extraction.unit.name`` or is named anywhere outside the
    table or block that prints it (003's 苏州市/奇台县 units appear nowhere else in the document).
    """

    def __init__(self, extraction: Extraction) -> None:
        self.unit_key = match_key(extraction.unit.name)
        self.lines = extraction.lines
        self._outside: dict[tuple[int, int], str] = {}

    def foreign(self, entry: Entry) -> bool:
        """True when ``entry`` names a unit that is not the document's."""
        if not entry.unit:
            return False
        key = match_key(split_code(entry.unit)[1])
        if len(key) < 4 or (self.unit_key and (key in self.unit_key or self.unit_key in key)):
            return False
        span = _span(entry)
        if span not in self._outside:
            first, last = span
            self._outside[span] = match_key("".join(
                line for number, line in enumerate(self.lines, start=1) if not first <= number <= last))
        return key not in self._outside[span]


def _screen_units(entries: list[Entry], extraction: Extraction) -> list[Entry]:
    """Drop (and report) blocks of another unit; a wide table mixing units is reported whole."""
    check = _UnitCheck(extraction)
    foreign = [check.foreign(entry) for entry in entries]
    bad_spans = {_span(entry) for entry, is_foreign in zip(entries, foreign) if is_foreign}
    kept: list[Entry] = []
    for entry, is_foreign in zip(entries, foreign):
        if _span(entry) not in bad_spans:
            kept.append(entry)
            continue
        where = f"{entry.source_table or 'performance table'} line {entry.first_line}"
        if is_foreign:
            extraction.discrepancies.append(
                f"{where}: block '{entry.name}' ({entry.amount} 万元, {len(entry.indicators)} indicators) is printed "
                f"under another unit, '{entry.unit}', not {extraction.unit.name or 'this document’s unit'}; "
                "reported, not attached to any project.")
        else:
            extraction.notes.append(note("projects.foreign_block", where=f"{entry.source_table or '绩效表'}第{entry.first_line}行",
                                         name=entry.name, amount=entry.amount))
    return kept


def _match(entry: Entry, lines: list[Entry], taken: set[int]) -> int | None:
    """Index of the 项目支出预算表 line ``entry`` describes, or None."""
    key = match_key(entry.name)
    best: tuple[float, int] | None = None
    for index, line in enumerate(lines):
        if index in taken:
            continue
        same_amount = entry.amount is not None and line.amount == entry.amount
        score = 100.0 if match_key(line.name) == key else fuzz.ratio(match_key(line.name), key)
        if score == 100 or (score >= _CLOSE_NAME and same_amount):
            rank = score + (1 if same_amount else 0)
            if best is None or rank > best[0]:
                best = (rank, index)
    return best[1] if best else None


def _merge(performance: list[Entry], budget_lines: list[Entry], extraction: Extraction) -> list[Entry]:
    """Attach performance entries to their 项目支出预算表 lines; keep the others as projects of their own."""
    taken: set[int] = set()
    alone: list[Entry] = []
    for entry in performance:
        index = _match(entry, budget_lines, taken)
        if index is None:
            alone.append(entry)
            continue
        taken.add(index)
        line = budget_lines[index]
        if entry.amount is not None and line.amount is not None and entry.amount != line.amount:
            extraction.discrepancies.append(
                f"Project '{line.name}': {line.source_table} line {line.first_line} prints {line.amount:,.2f} 万元, "
                f"{entry.source_table} line {entry.first_line} prints {entry.amount:,.2f} 万元.")
        if match_key(entry.name) != match_key(line.name):
            line.notes.append(note("projects.name_as_printed", table=entry.source_table, line=entry.first_line,
                                   name=entry.name))
        for name in ("code", "category", "overview", "basis", "goal", "unit"):
            if getattr(line, name) is None:
                setattr(line, name, getattr(entry, name))
        line.indicators = entry.indicators
        line.notes.extend(entry.notes)
        line.notes.append(note("projects.indicators_from", table=entry.source_table, first=entry.first_line,
                               last=entry.last_line))
        line.spans = [(line.first_line, line.last_line), (entry.first_line, entry.last_line)]
    return sorted(budget_lines + alone, key=lambda e: e.first_line)


def _contradictions(entry: Entry) -> list[str]:
    """Amounts the block's own text gives for the project that disagree with its printed amount."""
    if entry.amount is None or not entry.overview:
        return []
    mentioned = [read_amount(m.group(1)) for m in _MENTIONED_AMOUNT.finditer(entry.overview)]
    mentioned = [value for value in mentioned if value is not None]
    if not mentioned or entry.amount in mentioned:
        return []
    closest = min(mentioned, key=lambda value: abs(value - entry.amount))
    if abs(closest - entry.amount) > 0.05 * entry.amount:
        return []
    return [f"Project '{entry.name}': 项目概况/概述 says {closest:g}万元 while "
            f"{entry.amount_label or '当年预算'} prints {entry.amount:,.2f} (amount taken from the table)."]


def _to_project(entry: Entry, extraction: Extraction) -> Project:
    """Build the ``Project`` record of one (merged) entry, with its 文号 and notes."""
    references = None
    for first, last in entry.spans or [(entry.first_line, entry.last_line)]:
        found = block_references(extraction.lines, first, last, entry.basis)
        if references is None:
            references = found
            continue
        references.all_refs = list(dict.fromkeys(references.all_refs + found.all_refs))
        references.ref_lines = {**found.ref_lines, **references.ref_lines}
        references.notes = list(dict.fromkeys(references.notes + found.notes))
    extraction.discrepancies.extend(_contradictions(entry))
    return Project(
        code=entry.code, name=entry.name, amount=entry.amount, category=entry.category,
        basis_refs=references.basis_refs, all_refs=references.all_refs, subject_code=entry.subject_code,
        notes=entry.notes + references.notes, indicators=entry.indicators, overview=entry.overview,
        basis_text=entry.basis, goal=entry.goal, source_table=entry.source_table, line=entry.first_line,
        ref_lines=references.ref_lines,
    )


def _unit_indicators(items: list[Item], titles: list[str | None], used: set[int], extraction: Extraction) -> None:
    """Indicator tables outside every project block: 整体绩效目标表 rows go to ``unit_indicators``."""
    rows = [item.row for item in items]
    for index, row in enumerate(rows):
        if index in used:
            continue
        columns = items[index].indicator
        if columns is None:
            continue
        end = index + 1
        while end < len(rows) and end not in used and rows[end].is_table and not items[end].is_title \
                and not items[end].indicator \
                and not any(field in {"name", "end"} for field, _, _ in items[end].labels):
            end += 1
        indicators = read_indicator_rows(rows[index + 1:end], columns)
        title = titles[index] or ""
        if "整体" in title or ("项目" not in title and ("部门" in title or "单位" in title)):
            extraction.unit_indicators.extend(indicators)
        elif indicators:
            extraction.notes.append(note("projects.unattached_indicators", line=row.line, title=title,
                                         count=len(indicators)))


def _check_project_total(extraction: Extraction) -> None:
    """Report when the projects' amounts do not add up to the printed 项目支出 total (both in 万元)."""
    printed, amounts = extraction.totals.project_expense, [p.amount for p in extraction.projects]
    if printed is None or not amounts or None in amounts:
        return
    listed = round(sum(amounts), 2)
    if abs(listed - printed) > 0.005:
        where = extraction.totals.lines.get("project_expense")
        extraction.discrepancies.append(
            f"项目支出 total printed {printed:,.2f}{f' (line {where})' if where else ''}, but the {len(amounts)} "
            f"projects sum to {listed:,.2f}.")


def _check_indicator_units(extraction: Extraction) -> None:
    """Report an indicator printed with the same name, sign and value but another 计量单位 in two tables."""
    seen: dict[tuple[str, str | None, str | None], tuple[str | None, str, int | None]] = {}
    tables = [("整体绩效目标表", extraction.unit_indicators)] + [(p.name, p.indicators) for p in extraction.projects]
    reported: set[tuple] = set()
    for owner, indicators in tables:
        for indicator in indicators:
            key = (indicator.name, indicator.op, indicator.value)
            if key not in seen:
                seen[key] = (indicator.unit, owner, indicator.line)
                continue
            unit, first_owner, first_line = seen[key]
            if unit != indicator.unit and key not in reported:
                reported.add(key)
                extraction.discrepancies.append(
                    f"Indicator '{indicator.name}' ({indicator.op} {indicator.value}): 计量单位 '{unit}' in "
                    f"{first_owner} (line {first_line}) but '{indicator.unit}' in {owner} (line {indicator.line}).")


_BASIS_CLAUSE = re.compile(r"(?:根据|依据|按照|依照)[^。；]*")


def _notice_basis(extraction: Extraction) -> None:
    """A funding notice funds its projects 根据 the 文号 it cites there: those are every project's basis.

    The notice's own 文号 (printed alone on a line of the head, or in its metadata) is not a basis.
    """
    own = {match.doc_no for line in extraction.lines[:15] for match in find_doc_nos(line)
           if len(line.strip()) <= len(match.raw) + 12}
    basis: list[str] = []
    for line in extraction.lines:
        for clause in _BASIS_CLAUSE.findall(line):
            basis.extend(m.doc_no for m in find_doc_nos(clause) if m.doc_no not in own)
    basis = list(dict.fromkeys(basis))
    if not basis:
        return
    for project in extraction.projects:
        if not project.basis_refs:
            project.basis_refs = basis
            project.all_refs = list(dict.fromkeys(project.all_refs + basis))
            project.notes.append(note("projects.notice_basis", basis="、".join(basis)))


def extract_projects(extraction: Extraction, stream: Stream | list) -> None:
    """Fill ``projects``, ``unit_indicators`` and ``policy_docs`` of ``extraction`` from its rows.

    Args:
        extraction: the document's extraction; ``lines`` (normalised text) and ``unit`` already read.
        stream: the document's typed stream (``loaders.stream.Stream``), or its ``rebuild_rows`` output.

    Returns:
        None. Appends to ``extraction.projects`` (amounts in 万元), ``unit_indicators``, ``policy_docs``,
        ``discrepancies`` and ``notes``.

    Example:
        >>> from loaders.rows import rebuild_rows
        >>> lines = ["项目名称\\t5001T01-示例项目", "当年预算（万元）\\t12.50", "立项依据\\t渝府发〔2006〕2号"]
        >>> extraction = Extraction(file="x.txt", lines=lines)
        >>> extract_projects(extraction, rebuild_rows(lines, "tabs"))
        >>> [(p.code, p.name, p.amount, p.basis_refs) for p in extraction.projects]
        [('5001T01', '示例项目', 12.5, ['渝府发〔2006〕2号'])]
    """
    if not isinstance(stream, Stream):
        stream = Stream.from_rows(stream)
    budget_lines, performance, used = structured_entries(extraction, stream)
    if not performance and not budget_lines:
        performance, rejected = fallback_entries(stream.rows, extraction.lines, extraction.unit.kind)
        extraction.notes.extend([rejected_note(rejected)] if rejected else [])
    merged = _merge(performance, budget_lines, extraction)
    extraction.projects.extend(_to_project(entry, extraction) for entry in merged)
    _check_project_total(extraction)
    _unit_indicators(stream.items, stream.titles, used, extraction)
    _check_indicator_units(extraction)
    extraction.policy_docs.extend(document_policy_docs(extraction.lines))
    if extraction.unit.kind == "通知":
        _notice_basis(extraction)
    if not extraction.projects:
        extraction.notes.append(note("projects.none_found"))


def structured_entries(extraction: Extraction, stream: Stream) -> tuple[list[Entry], list[Entry], set[int]]:
    """The projects printed in project structures: 项目支出预算表 lines, performance tables and label blocks.

    Args:
        extraction: the document's extraction (``lines`` and ``unit`` read); its ``discrepancies`` and ``notes``
            receive what the tables contradict and the blocks printed under another unit.
        stream: the document's typed stream.

    Returns:
        (项目支出预算表 entries, performance entries (wide tables and blocks of this unit), indexes of the items used).
        When both lists are empty the document has no project structure and ``extract_projects`` falls back to
        ``loaders.project_filter.fallback_entries``.
    """
    items, titles = stream.items, stream.titles
    budget_lines, used, budget_discrepancies = budget_list_entries(items, titles)
    extraction.discrepancies.extend(budget_discrepancies)
    wide, wide_used = wide_performance_entries(items, titles)
    used |= wide_used
    spans = _block_spans(items, used)
    blocks = [_read_block(items, span, titles[span[1]]) for span in spans]
    for first, _, last in spans:
        used.update(range(first, last + 1))
    # a 项目名称 label whose "value" is the next column name is the header of a table printed one cell per line
    blocks = [block for block in blocks if block.amount is not None or not (
        is_column_name(block.name) or (block.first_line >= 2 and is_column_name(extraction.lines[block.first_line - 2])))]
    performance = _screen_units(sorted(blocks + wide, key=lambda e: e.first_line), extraction)
    for entry in performance:
        if entry.amount is None:
            entry.notes.append(note("projects.no_amount"))
    return budget_lines, performance, used
