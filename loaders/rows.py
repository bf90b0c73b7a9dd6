"""Table reconstruction: normalised text lines -> rows of cells, for every layout in the corpus.

Layouts (see GLOSSARY.md "Document quirks"):
- ``cells``: one cell per line, each starting with a tab, rows separated by blank lines (corpus 000);
- ``tabs``: one row per line, cells separated by tabs (001, 002);
- ``markdown``: tab rows with markdown/HTML remnants and ``|---|`` rows (003, 004).

Every layout ends as ``Row`` records: the cells of one table row (blank cells kept as ""), with the
line number of the row's first line, so every figure can be traced to its line.

In every layout the markup left over from conversion is removed from each cell: HTML tags (``<b>``,
``<p>``, ``<br>``), markdown emphasis (``**``) and heading marks (``## 单位收支总表``); ``|---|`` rule
rows are dropped and ``| a | b |`` pipe rows are split on their pipes. Blank lines (page breaks)
end nothing: a table simply continues on the next non-blank row, and rows broken over a page are
left for the table readers to join (they know which columns continue).

Rows keep their cells exactly where they were printed, including rows shifted by a lost or extra
blank cell (001 line 269, 004 lines 608-618): each table reader re-aligns on what it knows —
subject tables read amounts relative to the code/name cell (loaders/subjects.py), 收支总表 reads
label/amount pairs (loaders/summary.py), indicator tables align on the 指标性质 sign
(loaders/indicators.py). A generic shift here would guess where those readers know.
"""

from __future__ import annotations

import functools
import operator
import re
from dataclasses import dataclass, field
from itertools import repeat

_RULE_ROW = re.compile(r"^[\s|:\-–—]+$")
_HTML_TAG = re.compile(r"</?(?:b|strong|p|br|span|div|i|em|u|font|td|tr|th)\b[^>]*>", re.IGNORECASE)
_EMPHASIS = re.compile(r"\*\*|__")
_HEADING = re.compile(r"^#{1,6}\s*")
_SPACES = re.compile(r" {2,}")


@functools.lru_cache(maxsize=65536)
def clean_markup(cell: str) -> str:
    """A cell without HTML tags, markdown emphasis or a leading heading mark, spaces collapsed.

    Example:
        >>> clean_markup("<b>收 入 总 计</b>"), clean_markup("## **五、“三公”经费**")
        ('收 入 总 计', '五、“三公”经费')
    """
    if "<" in cell:
        cell = _HTML_TAG.sub(" ", cell)
    if "*" in cell or "_" in cell:
        cell = _EMPHASIS.sub("", cell)
    if cell.startswith("#"):
        cell = _HEADING.sub("", cell)
    return _SPACES.sub(" ", cell).strip() if "  " in cell else cell.strip()


_AMOUNT_TOKEN = r"(?:-?\d[\d,]*(?:\.\d+)?%?|单位不需填列|—|－|-|/)"
# "一、“三公”经费合计 21.63 21.63": a label, then only amounts, separated by spaces (a table flattened to text)
_SPACED_ROW = re.compile(r"^(?P<label>[^\d\s|][^\t|]{0,40}?[\u4e00-\u9fff）)\]】”])\s+(?P<rest>" + _AMOUNT_TOKEN +
                         r"(?:\s+" + _AMOUNT_TOKEN + r")*)$")

# what makes a tab row more than its cells split on tabs: markup, pipes, double spaces, or whitespace other
# than a tab at a cell's edge (``clean_markup`` would remove it); a blank or rule line (only tabs, blanks, dashes)
_NOT_PLAIN = re.compile(r"[<*_#|]|  |[^\S\t](?:\t|$)|(?:^|\t)[^\S\t]|^[\s:\-–—]*$")
# ``_NOT_PLAIN`` but a rule line, over a whole document's joined lines: where it finds nothing, a tab line is plain
# unless it is a rule or blank line (``_RULE_CHARS`` only)
_NOT_PLAIN_ANYWHERE = re.compile(r"[<*_#|]|  |[^\S\t\n](?:\t|$)|(?:^|\t)[^\S\t\n]", re.MULTILINE)
_WHITESPACE = "".join(chr(code) for code in range(0x3000 + 1) if chr(code).isspace())  # ``\s`` (none is above U+3000)
_RULE_CHARS = _WHITESPACE + ":-–—"  # ``[\s:\-–—]``
_NUMBERING = re.compile(r"^(?:附表|附件|表|第|图|页)")
_SENTENCE_MARK = re.compile(r"[，。；]")
_PAGE_NUMBER = re.compile(r"\d{1,3}")


def _split_cells(line: str) -> list[str]:
    """Cells of one row line.

    Pipe rows ``| a | b |`` and HTML tables flattened without the leading pipe (``a | b |``) split on pipes;
    a label followed only by space-separated amounts (``二、会议费 7.59 7.59``) splits on the spaces;
    other lines split on tabs.
    """
    stripped = line.strip()
    if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3:
        return [clean_markup(cell) for cell in stripped[1:-1].split("|")]
    if "\t" not in line and "|" in stripped and (stripped.endswith("|") or stripped.count(" | ") >= 2):
        return [clean_markup(cell) for cell in stripped.strip("|").split("|")]
    if "\t" not in line and " " in stripped and not _SENTENCE_MARK.search(stripped):
        spaced = _SPACED_ROW.match(stripped)
        figures = spaced.group("rest").split() if spaced else []
        if spaced and not _NUMBERING.match(spaced.group("label")) and not (
                len(figures) == 1 and _PAGE_NUMBER.fullmatch(figures[0])):  # "附表 1", a page number
            return [clean_markup(spaced.group("label"))] + figures
    return [clean_markup(cell) for cell in line.split("\t")]


@dataclass(slots=True)
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
    cell_line: bool = field(default=False)  # one cell of a table printed alone on its line ("合计 |")

    @property
    def text(self) -> str:
        """The row's cells joined by tabs (what a reader sees)."""
        return "\t".join(self.cells)


_RULE_LINE_CHARS = _WHITESPACE + "|:-–—"  # what a markdown rule row is made of (``[\s|:\-–—]``)


def detect_layout(lines: list[str]) -> str:
    """Guess the layout of a document: "cells", "markdown" or "tabs".

    A document where most tab-holding lines hold exactly one leading tab and nothing else tab-separated
    is "cells"; one with markdown rule rows or headings is "markdown"; otherwise "tabs".

    The lines are counted by string methods mapped over them (in C, no regular expression tried at every
    character).
    """
    tab_lines = sum(map(operator.contains, lines, repeat("\t")))
    if not tab_lines:
        return "tabs"
    leading = sum(map(str.startswith, lines, repeat("\t")))
    if leading > 0.6 * tab_lines:  # (lines with one leading tab are among these: count them only when it can matter)
        single_leading = sum(map(operator.and_, map(str.startswith, lines, repeat("\t")),
                                 map(operator.eq, map(str.count, lines, repeat("\t")), repeat(1))))
        if single_leading > 0.6 * tab_lines:
            return "cells"
    markdown = sum(map(str.startswith, lines, repeat("#")))  # heading lines
    if markdown < 2:  # rule rows: a dash and nothing but blanks, pipes, colons and dashes
        markdown += sum(1 for line in lines if "-" in line and not line.strip(_RULE_LINE_CHARS))
    return "markdown" if markdown >= 2 else "tabs"


def _has_markup(lines: list[str]) -> bool:
    """True when a line may hold what ``clean_markup`` removes besides edge whitespace: an HTML tag (<), markdown
    emphasis (* or _), a heading mark (#) or a run of spaces (one substring test per mark over the whole text)."""
    text = "\n".join(lines)
    return "<" in text or "*" in text or "_" in text or "#" in text or "  " in text


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
        # a document without markup characters or double spaces: ``clean_markup`` of each line is its ``strip``
        clean = str.strip if not _has_markup(lines) else clean_markup
        pending: list[str] = []
        start = 0
        for number, line in enumerate(lines, start=1):
            if line[:1] == "\t":
                if not pending:
                    start = number
                pending.append(clean(line[1:]))
                continue
            if pending:
                rows.append(Row(pending, start, number - 1, is_table=True))
                pending = []
            text = clean(line)
            if text:
                rows.append(Row([text], number, number))
        if pending:
            rows.append(Row(pending, start, len(lines), is_table=True))
        return rows
    append, not_plain = rows.append, _NOT_PLAIN.search
    # evidence computed once: in a document where no line holds markup, a double space or whitespace at a cell's
    # edge, a tab line is plain unless it is a rule or blank line (a ``str.strip`` instead of a search per line)
    text = "\n".join(lines)
    plain = text.count("\n") == max(len(lines) - 1, 0) and not _NOT_PLAIN_ANYWHERE.search(text)
    for number, line in enumerate(lines, start=1):
        if "\t" in line and (line.strip(_RULE_CHARS) if plain else not not_plain(line)):  # a plain tab row: its
            # cells need no cleaning
            append(Row(line.split("\t"), number, number, True))
            continue
        if not line.strip() or (_RULE_ROW.match(line) and "-" in line):
            continue
        cells = _split_cells(line)
        if len(cells) == 1 and not cells[0]:
            continue
        rows.append(Row(cells, number, number, is_table=len(cells) > 1, cell_line=line.rstrip().endswith("|")))
    return rows
