"""The one parsing pass: a document's normalised lines become a typed stream of rows, once.

``Stream.from_lines(lines, layout)`` rebuilds the rows (``loaders.rows.rebuild_rows``), rebuilds the tables
printed one cell or one label per line (``loaders.structure.refine_rows``), splits the rows into table
sections (``loaders.sections.find_sections``), rewrites tables printed in 元/千元/亿元 in 万元
(``scale_to_wan_yuan``) and types every row once:

| kind | what | read by |
|---|---|---|
| ``title`` | a table's title row (``loaders.table_titles``) | sections, projects, project tables, checks |
| ``header`` | a table row without a figure (column labels; an indicator header carries its columns) | subjects, indicators, project tables |
| ``data`` | a table row with at least one figure (cells kept where printed) | summary, subjects, projects, indicators |
| ``text`` | a line of running text (one cell) | unit, narrative, project narrative |

Each ``Item`` also carries what several readers asked of the same row: its only filled cell, its field
labels (``label_values``), its indicator header columns, whether it anchors a project block and the title
of the table it sits in. The stream is kept on the extraction (``Extraction.stream``), so ``kb check``
reads the same rows and tables instead of rebuilding them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.core.amounts import has_amount
from loaders.indicators import IndicatorColumns, indicator_columns
from loaders.project_fields import is_title, label_values, title_text
from loaders.rows import Row, rebuild_rows
from loaders.sections import Section, find_sections, scale_to_wan_yuan
from loaders.structure import refine_rows

TITLE, HEADER, DATA, TEXT = "title", "header", "data", "text"
_DIGIT = re.compile(r"\d")  # every figure holds a digit


def only_filled(cells: list[str]) -> int:
    """Where a row's filled cells are: the index of its only filled cell, -1 when none is filled, -2 when two
    or more are (one scan, shared by the section splitter and the typing of items)."""
    if len(cells) == 1:
        return 0 if cells[0].strip() else -1
    found = -1
    for index, cell in enumerate(cells):
        if cell and not cell.isspace():  # filled (``cell.strip()`` non-empty)
            if found >= 0:
                return -2
            found = index
    return found


@dataclass(slots=True)
class Item:
    """One typed row of the stream.

    Attributes:
        kind: "title", "header", "data" or "text" (see the module docstring).
        row: the row (cells in 万元 once scaled; ``row.line`` is its 1-based first line).
        index: its position in ``Stream.rows``.
        labels: its (field, label, value) triples (``loaders.project_fields.label_values``).
        indicator: its indicator header columns, or None when it is no indicator header.
        table_title: the title of the table it sits in (the last title row at or above it), or None.
        text: the row's cells joined by tabs.
        wide: True when at least two of its cells are filled.
    """

    kind: str
    row: Row
    index: int
    indicator: IndicatorColumns | None = None
    table_title: str | None = None
    text: str = ""
    wide: bool = False
    _labels: tuple | None = None

    @property
    def is_title(self) -> bool:
        """True for a table title row (``loaders.project_fields.is_title``)."""
        return self.kind == TITLE

    @property
    def labels(self) -> tuple:
        """The row's (field, label, value) triples (``loaders.project_fields.label_values``), read once."""
        if self._labels is None:
            self._labels = tuple(label_values(self.row.cells))
        return self._labels

    @property
    def anchors_block(self) -> bool:
        """True for a row printing a project name label with its value (a project block's anchor).

        Every name label (项目名称, 专项资金名称 …) holds 名, so a row without it is not read for labels.
        """
        return self.indicator is None and "名" in self.text and any(
            name == "name" and value for name, _, value in self.labels)


@dataclass
class Stream:
    """A document's rows, typed once; every reader of the parse reads it.

    Attributes:
        printed: the rows as printed (``rebuild_rows``; figures as printed, 元 tables not scaled): what the
            consistency checks read.
        rows: the rows with one-cell tables and label/value forms rebuilt and 元 tables scaled to 万元.
        items: one ``Item`` per row of ``rows``.
        sections: the table sections of ``rows`` (``loaders.sections.Section``).
        notes: notes of the pass (tables scaled from 元 to 万元).
    """

    printed: list[Row]
    rows: list[Row]
    items: list[Item]
    sections: list[Section]
    notes: list[str] = field(default_factory=list)

    @classmethod
    def from_lines(cls, lines: list[str], layout: str | None = None) -> "Stream":
        """Build the stream of a document's normalised lines (``layout`` detected when None)."""
        return cls.from_rows(rebuild_rows(lines, layout))

    @classmethod
    def from_rows(cls, first_rows: list[Row]) -> "Stream":
        """Build the stream from ``rebuild_rows`` output (the rows as printed)."""
        printed_cells = [row.cells for row in first_rows]
        rows = refine_rows(first_rows)
        filled = [only_filled(row.cells) for row in rows]  # each row scanned once for its filled cells
        sections = find_sections(rows, [row.cells[0] if where == 0 else None for row, where in zip(rows, filled)])
        notes = scale_to_wan_yuan(sections)
        printed = [row if row.cells is cells else Row(cells, row.line, row.end_line, row.is_table, row.cell_line)
                   for row, cells in zip(first_rows, printed_cells)]
        items: list[Item] = []
        append = items.append
        title: str | None = None
        digit = _DIGIT.search
        for index, row in enumerate(rows):
            cells = row.cells
            where = filled[index]
            text = cells[0] if len(cells) == 1 else "\t".join(cells)
            # every indicator header names its indicator column (三级指标, 指标名称 …): a cell holding 标
            header = indicator_columns(cells, row.line) if "标" in text else None
            if where >= 0 and is_title((cells[where],)):  # a title is a row's only filled cell
                title = title_text((cells[where],))
                kind = TITLE
            elif not row.is_table and len(cells) == 1:
                kind = TEXT
            elif digit(text) and has_amount(cells):
                kind = DATA
            else:
                kind = HEADER
            append(Item(kind, row, index, header, title, text, where == -2))
        return cls(printed, rows, items, sections, notes)

    def __getstate__(self) -> dict:
        """A stream sent to another process (``kb.isolation`` returns extractions from its workers) keeps its
        printed rows and notes only: what the consistency checks read; its typed items are the parse's own.

        The rows travel as plain tuples (cells, line, end_line, is_table, cell_line): a slotted dataclass is
        pickled field by field in Python, which made unpickling an extraction cost about 2.7 ms, most of a
        worker's answer; rebuilding the rows from tuples costs a tenth of that."""
        return {"printed": [(row.cells, row.line, row.end_line, row.is_table, row.cell_line) for row in self.printed],
                "notes": self.notes}

    def __setstate__(self, state: dict) -> None:
        self.printed = [row if isinstance(row, Row) else Row(*row) for row in state["printed"]]
        self.notes = state["notes"]
        self.rows, self.items, self.sections = [], [], []

    @property
    def titles(self) -> list[str | None]:
        """For each row, the title of the table it sits in (``loaders.project_fields.row_titles``)."""
        return [item.table_title for item in self.items]

    def text_rows(self) -> list[Row]:
        """The rows read as running text: text lines, titles and table rows with at most one filled cell."""
        return [item.row for item in self.items if not (item.row.is_table and item.wide)]

    def has_table_figure(self) -> bool:
        """True when a table row prints at least one figure."""
        return any(item.kind == DATA and item.row.is_table for item in self.items)
