"""Pinyin syllables per Chinese character, from pypinyin's single-character table: the gazetteer's homophone
codes (``kb.query.gazetteer.Gazetteer.pinyin_code``) compare these ids, so 社宝 finds 社保.
"""

from __future__ import annotations

import functools
import importlib.machinery
import importlib.util
import unicodedata
from array import array
from pathlib import Path

CJK_FIRST, CJK_LAST = 0x3400, 0x9FFF


@functools.lru_cache(maxsize=1)
def _pinyin_dict() -> dict[int, str]:
    """pypinyin's single-character table (code point -> readings), loaded from its data module alone: importing
    the ``pypinyin`` package would also load its phrase dictionary and segmenter (about 1 s), unused here."""
    spec = importlib.util.find_spec("pypinyin")
    module_path = Path(list(spec.submodule_search_locations)[0]) / "pinyin_dict.py" if spec else None
    if module_path is None or not module_path.exists():
        from pypinyin.pinyin_dict import pinyin_dict

        return pinyin_dict
    loader = importlib.machinery.SourceFileLoader("_kb_pinyin_dict", str(module_path))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module.pinyin_dict


@functools.lru_cache(maxsize=1)
def syllable_tables() -> tuple[array, array]:
    """Syllable ids per CJK code point (0x3400–0x9FFF), from pypinyin's single-character table (tones dropped;
    ids start at 1): the first reading, and the second one where a character has another (0 otherwise).
    Computed once per process (the table is a constant); callers keep them read-only."""
    pinyin_dict = _pinyin_dict()
    ids: dict[str, int] = {}
    first = array("H", [0]) * (CJK_LAST - CJK_FIRST + 1)
    second = array("H", [0]) * (CJK_LAST - CJK_FIRST + 1)
    for point, readings in pinyin_dict.items():
        if CJK_FIRST <= point <= CJK_LAST:
            plain = list(dict.fromkeys(
                "".join(c for c in unicodedata.normalize("NFD", reading) if not unicodedata.combining(c))
                .replace("ü", "v") for reading in readings.split(",")))
            first[point - CJK_FIRST] = ids.setdefault(plain[0], len(ids) + 1)
            if len(plain) > 1:
                second[point - CJK_FIRST] = ids.setdefault(plain[1], len(ids) + 1)
    return first, second


__all__ = ["CJK_FIRST", "CJK_LAST", "syllable_tables"]
