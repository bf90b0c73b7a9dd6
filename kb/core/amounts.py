"""Amounts as printed in disclosures: the one amount parser of the project.

Every figure budget-kb stores is in 万元; a table printed in 元 or 千元 is scaled by the loader that reads
its unit line, with :func:`to_wan_yuan`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
import re

_AMOUNT = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


@functools.lru_cache(maxsize=131072)
def parse_amount(cell: str | None) -> float | None:
    """Read an amount cell in 万元 as printed: thousands separators removed, blank -> None.

    Args:
        cell: the cell text, e.g. "2,235.58", "", "—", "#####".

    Returns:
        The number (e.g. 2235.58), or None for a blank or unreadable cell (never 0 for blank).

    Example:
        >>> parse_amount("2,235.58"), parse_amount(""), parse_amount("#####")
        (2235.58, None, None)
    """
    if cell is None:
        return None
    text = cell.strip().replace(" ", "")
    if not text or not _AMOUNT.match(text):
        return None
    return float(text.replace(",", ""))


_NO_AMOUNT = frozenset({None})


def has_amount(cells: Iterable[str]) -> bool:
    """True when at least one of ``cells`` is an amount (``parse_amount`` is not None).

    The same as ``any(parse_amount(cell) is not None for cell in cells)``, run in C (``map`` over the cached
    parser; ``frozenset.issuperset`` stops at the first amount): every row of a parse is asked this.

    Example:
        >>> has_amount(["合计", "", "1,345.51"]), has_amount(["项目", "预算数"])
        (True, False)
    """
    return not _NO_AMOUNT.issuperset(map(parse_amount, cells))


_UNIT_FACTORS = {"元": 0.0001, "千元": 0.1, "万元": 1.0, "亿元": 10000.0}


def to_wan_yuan(value: float | None, unit: str = "万元") -> float | None:
    """Convert an amount printed in ``unit`` (元, 千元, 万元 or 亿元) to 万元, rounded to 6 decimals.

    Raises:
        KeyError: for a unit outside those four.

    Example:
        >>> to_wan_yuan(15232600, "元"), to_wan_yuan(3.5, "亿元")
        (1523.26, 35000.0)
    """
    if value is None:
        return None
    return round(value * _UNIT_FACTORS[unit], 6)
