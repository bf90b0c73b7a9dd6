"""The unit that signs a disclosure: its name on a line of its own right before the date, or wrapped over two
lines ("泽库县乡村振兴领导小组" / "办公室(代)").
"""

from __future__ import annotations

from loaders.rows import Row
from loaders.unit_names import Candidate, DATE_LINE, PLACE_START, UNIT_SUFFIX, compact, first_unit, good_name, strip_name


def split_signature(rows: list[Row], found: dict[str, list[Candidate]]) -> None:
    """A signature wrapped over two lines ("泽库县乡村振兴领导小组" / "办公室(代)"), then a date or the end.

    The second line is short and closes with a unit head (办公室, 委员会 …); the first holds no head of its own
    at its end, or the two together make the longer name a unit prints (…领导小组 + 办公室).
    """
    text_rows = [row for row in rows if not row.is_table and len(row.cells) == 1]
    for index in range(max(0, len(text_rows) - 8), len(text_rows) - 1):
        first, second = text_rows[index], text_rows[index + 1]
        tail = strip_name(compact(second.cells[0]))
        following = text_rows[index + 2].cells[0].strip() if index + 2 < len(text_rows) else ""
        if len(tail) > 8 or not UNIT_SUFFIX.search(tail) or PLACE_START.match(tail) \
                or not (not following or DATE_LINE.match(following)):
            continue  # a second line naming its own place is a unit of its own, not the end of the first
        name = strip_name(compact(first.cells[0]) + tail)
        if good_name(name, head_required=True) and PLACE_START.match(name):
            found["name"].append(Candidate(name, 0.7, first.line, "signature over two lines"))



def read_signatures(rows: list[Row], found: dict[str, list[Candidate]]) -> None:
    """Add a "signature" name candidate (0.7) for every text line followed by a date line, the lead issuer of a
    joint signature, and the two-line signatures of ``split_signature``.

    Args:
        rows: the document's rows; found: the candidates by field, extended in place.
    """
    for row, after in zip(rows, rows[1:]):  # a signature: the issuing unit's name, then the date, on lines of their own
        if not row.is_table and len(row.cells) == 1 and not after.is_table and DATE_LINE.match(after.cells[0].strip()):
            name = strip_name(compact(first_unit(row.cells[0].strip())))  # a joint signature: the lead issuer
            if good_name(name, head_required=True):
                found["name"].append(Candidate(name, 0.7, row.line, "signature"))
    split_signature(rows, found)
