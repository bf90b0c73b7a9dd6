"""Table reconstruction: normalised text lines -> rows of cells, for every layout in the corpus.

Layouts (see GLOSSARY.md "Document quirks"):
- ``cells``: one cell per line, each starting with a tab, rows separated by blank lines (corpus 000);
- ``tabs``: one row per line, cells separated by tabs (001, 002);
- ``markdown``: tab rows with markdown/HTML remnants and ``|---|`` rows (003, 004).

Every layout ends as ``Row`` records: the cells of one table row (blank cells kept as ""), with the
line number of the row's first line, so every figure can be traced to its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_RULE_ROW = re.compile(r"^[\s|:\-–—]+$")


@dataclass
class Row:
    """One row of a table, or one line of running text (a row with a single cell).

    Attributes:
        cells: cell texts in order; a blank cell is "" (never dropped: columns keep their place).
        line: 1-based line number of the first source line of the row.
        end_line: 1-based line number of the last source line of the row.
    """

    cells: list[str]
    line: int
    end_line: int = 0
    is_table: bool = field(default=False)

    @property
    def text(self) -> str:
        """The row's cells joined by tabs (what a reader sees)."""
        return "\t".join(self.cells)


def detect_layout(lines: list[str]) -> str:
    """Guess the layout of a document: "cells", "markdown" or "tabs".

    A document where most tab-holding lines hold exactly one leading tab and nothing else tab-separated
    is "cells"; one with markdown rule rows or headings is "markdown"; otherwise "tabs".
    """
    tab_lines = [line for line in lines if "\t" in line]
    if not tab_lines:
        return "tabs"
    single_leading = sum(1 for line in tab_lines if line.startswith("\t") and line.count("\t") == 1)
    if single_leading > 0.6 * len(tab_lines):
        return "cells"
    markdown = sum(1 for line in lines if _RULE_ROW.match(line) and "-" in line) + sum(
        1 for line in lines if line.startswith("#"))
    return "markdown" if markdown >= 2 else "tabs"


def rebuild_rows(lines: list[str], layout: str | None = None) -> list[Row]:
    """Rebuild table rows from normalised lines.

    Args:
        lines: normalised text lines (index 0 is line 1).
        layout: "cells", "tabs" or "markdown"; detected when None.

    Returns:
        Rows in document order. Text lines become single-cell rows with ``is_table=False``; blank
        lines are dropped; markdown rule rows are dropped.
    """
    layout = layout or detect_layout(lines)
    rows: list[Row] = []
    if layout == "cells":
        pending: list[str] = []
        start = 0
        for number, line in enumerate(lines, start=1):
            if line.startswith("\t"):
                if not pending:
                    start = number
                pending.append(line[1:])
                continue
            if pending:
                rows.append(Row(pending, start, number - 1, is_table=True))
                pending = []
            if line.strip():
                rows.append(Row([line.strip()], number, number))
        if pending:
            rows.append(Row(pending, start, len(lines), is_table=True))
        return rows
    for number, line in enumerate(lines, start=1):
        if not line.strip() or (_RULE_ROW.match(line) and "-" in line):
            continue
        text = line.strip("|") if layout == "markdown" else line
        cells = [cell.strip() for cell in re.split(r"\t|\s\|\s", text)] if layout == "markdown" else line.split("\t")
        rows.append(Row(cells, number, number, is_table=len(cells) > 1))
    return rows
