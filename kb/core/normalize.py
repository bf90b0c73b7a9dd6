"""Chinese text normalisation, applied once at the edge (when a file is read or a question asked).

What it does, and nothing more (printed punctuation such as （）《》“” is kept as printed, because the
schema asks for names as printed):
- traditional -> simplified characters (OpenCC t2s), only on lines that hold a traditional character;
- full-width digits, Latin letters, ％, ＝, ＋, －, ．, ，between digits -> half-width;
- the ideographic space and the odd Unicode spaces (U+2000..U+200B, NBSP, U+3000) -> nothing at the
  start/end of a cell, one ASCII space inside text;
- mirror-site noise: pinyin annotations inserted after characters (``預(yù)算`` -> ``预算``, tone marks
  or tone digits required, so a bracketed Latin word stays) and HTML entities (``&nbsp;``, ``&amp;``);
- ``match_key`` gives the stronger form used only for comparing names (no spaces, NFKC, lower case).
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata

_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)}  # ０-９
_FULLWIDTH.update({code: code - 0xFEE0 for code in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FULLWIDTH.update({code: code - 0xFEE0 for code in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FULLWIDTH.update({ord("％"): "%", ord("＝"): "=", ord("＋"): "+", ord("－"): "-", ord("．"): "."})
_ODD_SPACE_CHARS = "\u00a0" + "".join(chr(code) for code in range(0x2000, 0x200C)) + "\u3000\ufeff"
_ODD_SPACES = re.compile("[" + _ODD_SPACE_CHARS + "]+")
_RUNS_OF_SPACE = re.compile(r"[ \t]{2,}")
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
# "預(yù)算", "预（yu4）算": a pinyin syllable (or two) in brackets right after a Chinese character
_PINYIN_NOTE = re.compile(r"(?<=[\u3400-\u9fff])\s?[(（]\s*(?P<syllable>[a-z" + _TONED + r"]{1,7}[1-5]?"
                          r"(?:\s[a-z" + _TONED + r"]{1,7}[1-5]?)?)\s*[)）]")
# the same, for many lines joined by "\n": no match runs over a line break
_PINYIN_NOTE_LINES = re.compile(_PINYIN_NOTE.pattern.replace(r"\s", r"[^\S\n]"))
# what every pinyin annotation starts with: a bracket and a Latin letter (searched for before the slower pattern)
_PINYIN_HINT = re.compile(r"[(（][^\S\n]*[a-z" + _TONED + r"]")
_FULLWIDTH_ANY = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_FULLWIDTH)) + "]")
_SPACE_RUN = re.compile(r" {2,}")
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6});")
_FULLWIDTH_THOUSANDS = re.compile(r"(?<=\d)，(?=\d{3}(?!\d))")  # "２，２３５．５８" -> "2,235.58"


@functools.lru_cache(maxsize=1)
def _traditional_chars() -> frozenset[str]:
    """Single characters OpenCC's t2s dictionaries (TSCharacters.txt, TSPhrases.txt) map to another character.

    Read from the dictionary files OpenCC ships (milliseconds); probing every CJK character through the
    converter instead took over a second on each process start (every ``kb ask``).
    """
    import os

    import opencc

    chars: set[str] = set()
    folder = os.path.join(os.path.dirname(opencc.__file__), "dictionary")
    for name in ("TSCharacters.txt", "TSPhrases.txt"):
        try:
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                for line in handle:
                    parts = line.rstrip("\n").split("\t")
                    if len(parts) >= 2 and len(parts[0]) == 1 and parts[1].split(" ")[0] != parts[0]:
                        chars.add(parts[0])
        except OSError:
            continue
    if not chars:  # another OpenCC build without the text dictionaries: probe the CJK block once
        converter = opencc.OpenCC("t2s")
        for code in range(0x4E00, 0xA000):
            ch = chr(code)
            if converter.convert(ch) != ch:
                chars.add(ch)
    return frozenset(chars)


@functools.lru_cache(maxsize=1)
def _traditional_pattern() -> re.Pattern[str]:
    """One character class of every traditional character of the Basic Multilingual Plane, plus every character
    beyond it (a class holding a few hundred scattered astral characters makes ``re`` test each character
    slowly: 1 µs per character instead of 10 ns); an astral hit is confirmed by ``_has_traditional``."""
    bmp = "".join(re.escape(ch) for ch in sorted(_traditional_chars()) if ord(ch) <= 0xFFFF)
    return re.compile("[" + bmp + "\U00010000-\U0010FFFF]")


# Characters tested one by one (a set lookup each) before the character class is compiled (≈ 0.15 s CPU once):
# a question never reaches it; a document being read does, after its first pages, and then scans faster.
SET_LOOKUP_BUDGET = 200_000
_looked_up = [0]


def _has_traditional(text: str) -> bool:
    """True when ``text`` holds a character OpenCC t2s maps to another one.

    Until ``SET_LOOKUP_BUDGET`` characters have been tested in this process, each character is looked up in the
    set of traditional characters; after that (an ingest reading many lines) the compiled character class scans.
    """
    if _looked_up[0] < SET_LOOKUP_BUDGET:
        _looked_up[0] += len(text)
        chars = _traditional_chars()
        return any(ch in chars for ch in text)
    found = _traditional_pattern().search(text)
    while found is not None:
        if found.group(0) in _traditional_chars():
            return True
        found = _traditional_pattern().search(text, found.end())
    return False


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Convert traditional characters to simplified (OpenCC t2s); a simplified text comes back unchanged.

    Example:
        >>> to_simplified("社會保險服務")
        '社会保险服务'
    """
    if not _has_traditional(text):
        return text
    return _t2s().convert(text)


def _drop_pinyin(match: re.Match) -> str:
    """Nothing for a toned pinyin annotation; the text unchanged for a plain bracketed word such as (a)."""
    syllable = match.group("syllable")
    return "" if any(ch in _TONED for ch in syllable) or syllable[-1] in "12345" else match.group(0)


def normalize_text(text: str) -> str:
    r"""Normalise one line or cell of disclosure text (see the module docstring for the rules).

    Args:
        text: raw text as decoded from the file (may hold tabs: they separate cells and are kept).

    Returns:
        The normalised text; tabs kept, other whitespace trimmed per cell and collapsed inside.

    Example:
        >>> normalize_text("\u2002\u2002２０８０１０１\t服務\u3000對象 ")
        '2080101\t服务 对象'
        >>> normalize_text("部門預(yù)算&nbsp;公开")
        '部门预算 公开'
    """
    text = to_simplified(text.translate(_FULLWIDTH))
    if "(" in text or "（" in text:
        text = _PINYIN_NOTE.sub(_drop_pinyin, text)
    if "&" in text:
        text = _ENTITY.sub(lambda match: html.unescape(match.group(0)), text)
    if "，" in text:
        text = _FULLWIDTH_THOUSANDS.sub(",", text)
    text = _ODD_SPACES.sub(" ", text)
    if " " not in text:
        return text
    if "\t" not in text:
        return _RUNS_OF_SPACE.sub(" ", text).strip(" ")
    cells = [_RUNS_OF_SPACE.sub(" ", cell).strip(" ") for cell in text.split("\t")]
    return "\t".join(cells)


def normalize_lines(lines: list[str]) -> list[str]:
    r"""``normalize_text`` of every line, computed over the lines joined (one regular-expression pass per rule over
    the whole text instead of one per line; the result is identical, line for line).

    Lines holding an HTML entity (its unescaping may give a line break) or a line break are normalised alone.

    Args:
        lines: raw lines as split from the decoded file (no line breaks inside).

    Returns:
        The normalised lines, as many as given.

    Example:
        >>> normalize_lines(["２０８０１０１\t服務 ", "a&amp;b", "  x  y "])
        ['2080101\t服务', 'a&b', 'x y']
    """
    if not lines:
        return []
    text = "\n".join(lines)
    special: list[int] = []
    if "&" in text or "\r" in text or text.count("\n") != max(len(lines) - 1, 0):
        special = [index for index, line in enumerate(lines) if "&" in line or "\n" in line or "\r" in line]
        batch = list(lines)
        for index in special:
            batch[index] = ""
        text = "\n".join(batch)
    if _FULLWIDTH_ANY.search(text):
        text = text.translate(_FULLWIDTH)
    if _has_traditional(text):
        text = "\n".join(to_simplified(line) for line in text.split("\n"))
    if ("(" in text or "（" in text) and _PINYIN_HINT.search(text):
        text = _PINYIN_NOTE_LINES.sub(_drop_pinyin, text)
    if "，" in text:
        text = _FULLWIDTH_THOUSANDS.sub(",", text)
    if any(space in text for space in _ODD_SPACE_CHARS):  # a substring test per character: faster than one search
        text = _ODD_SPACES.sub(" ", text)
    if " " in text:  # runs of spaces made one, then the space at either edge of a cell or line dropped
        if "  " in text:
            text = _SPACE_RUN.sub(" ", text)
        text = text.replace(" \t", "\t").replace("\t ", "\t").replace(" \n", "\n")
        text = text.replace("\n ", "\n").strip(" ")
    result = text.split("\n")
    for index in special:
        result[index] = normalize_text(lines[index])
    return result


def match_key(text: str | None) -> str:
    """A comparison key for names: normalised, NFKC, no whitespace, lower case, no quotes.

    Used to compare unit, project, subject and title names; never printed.

    Example:
        >>> match_key(" 荣昌区 社會保險（事务）中心 ")
        '荣昌区社会保险(事务)中心'
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", normalize_text(text))
    return re.sub(r"[\s\"'“”‘’]+", "", text).lower()
