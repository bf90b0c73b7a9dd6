"""The unit that signs a disclosure: its name on a line of its own right before the date, or wrapped over two
lines ("泽库县乡村振兴领导小组" / "办公室(代)").
"""

from __future__ import annotations

import re

from loaders.rows import Row
from loaders.unit_names import Candidate, DATE_LINE, PLACE_START, UNIT_SUFFIX, compact, first_unit, good_name, strip_name


def split_signature(rows: list[Row], found: dict[str, list[Candidate]]) -> set[int]:
    """A signature wrapped over two lines ("泽库县乡村振兴领导小组" / "办公室(代)"), then a date or the end.

    The second line is short and closes with a unit head (办公室, 委员会 …); the first holds no head of its own
    at its end, or the two together make the longer name a unit prints (…领导小组 + 办公室).

    Returns:
        The lines of the second halves read (their own one-line reading is only the end of the name).
    """
    tails: set[int] = set()
    text_rows = [row for row in rows if not row.is_table and len(row.cells) == 1]
    for index in range(max(0, len(text_rows) - 8), len(text_rows) - 1):
        first, second = text_rows[index], text_rows[index + 1]
        tail = strip_name(compact(second.cells[0]))
        following = text_rows[index + 2].cells[0].strip() if index + 2 < len(text_rows) else ""
        if len(tail) > 12 or not UNIT_SUFFIX.search(tail) or PLACE_START.match(tail) \
                or not (not following or DATE_LINE.match(following)):
            continue  # a second line naming its own place is a unit of its own, not the end of the first
        name = strip_name(compact(first.cells[0]) + tail)
        if good_name(name, head_required=True) and PLACE_START.match(name):
            found["name"].append(Candidate(name, 0.7, first.line, "signature over two lines"))
            tails.add(second.line)
    return tails



_STAMP = re.compile(r"\s*(?:[（(](?:代|盖章|印)[)）]|代章|（?章）?)$")
_MAX_SIGNATURE_LINES = 3


def _signature_names(text: str) -> list[str]:
    """The unit names a signature line consists of ("浔阳乡村振兴局        浔阳区财政局" -> both; "…局代章" -> the
    局), or [] when the line holds anything else."""
    text = _STAMP.sub("", text.strip())
    if not text or len(text) > 60 or ":" in text or "：" in text:  # a labelled line (通讯地址:…) signs nothing
        return []
    parts = [strip_name(compact(part)) for part in re.split(r"\s{2,}|[、,，]", text) if part.strip()]
    if len(parts) == 1:
        parts = [strip_name(compact(first_unit(text)))]
    return parts if all(good_name(part, head_required=True) for part in parts) else []


def read_signatures(rows: list[Row], found: dict[str, list[Candidate]]) -> None:
    """Add a "signature" name candidate (0.7) for the lead issuer of each signature: the block of lines (up to three)
    right before a date line that consist of unit names only; the topmost line's first name leads (a joint
    signature "浔阳乡村振兴局  浔阳区财政局" / "浔阳区农业农村水利局代章" / "2024124"); and the two-line signatures
    of ``split_signature`` (whose second half gives no candidate of its own).

    Args:
        rows: the document's rows; found: the candidates by field, extended in place.
    """
    tails = split_signature(rows, found)
    for index in range(1, len(rows)):
        after = rows[index]
        if after.is_table or not DATE_LINE.match(after.cells[0].strip()):
            continue
        lead = None
        for row in rows[index - 1:max(-1, index - 1 - _MAX_SIGNATURE_LINES):-1]:
            names = _signature_names(row.cells[0]) if not row.is_table and len(row.cells) == 1 else []
            if not names:
                break
            lead = (names[0], row.line)
        if lead is not None and lead[1] not in tails:
            found["name"].append(Candidate(lead[0], 0.7, lead[1], "signature"))
