"""Hypothesis properties of the edge normalisation: idempotence, 文号 canonical form, amounts, t2s."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kb.core.doc_no import canonicalize, find_doc_nos, split_doc_no
from kb.core.amounts import parse_amount
from kb.core.normalize import match_key, normalize_text, to_simplified

# Text like a disclosure's: CJK, digits (half and full width), odd spaces, tabs, punctuation.
_ALPHABET = st.sampled_from(
    list("社会保险事务中心荣昌區綦江縣服務鎮對總預算支出收入項目經費０１２３４５６７８９0123456789")
    + ["\u2002", "\u3000", "\u00a0", " ", "\t", "％", "＝", "，", "．", "（", "）", "《", "》", "A", "ｂ"]
)
_TEXT = st.text(_ALPHABET, max_size=60)
_ISSUERS = st.sampled_from(["渝人社发", "渝委办发", "渝 人社发", "綦委组", "荣人社文", "渝财社", "广人社发"])
_BRACKETS = st.sampled_from(["〔〕", "【】", "[]", "［］", "()", "（）"])


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_normalising_twice_equals_once(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_match_key_is_idempotent_and_spaceless(text):
    key = match_key(text)
    assert match_key(key) == key
    assert " " not in key and "\t" not in key


@settings(deadline=None)  # no timing in tests: the first call loads OpenCC
@given(_ISSUERS, st.integers(1990, 2030), st.integers(1, 9999), _BRACKETS, st.sampled_from(["号", "号文"]))
def test_doc_no_canonical_form_is_idempotent(issuer, year, number, brackets, suffix):
    printed = f"根据{issuer}{brackets[0]}{year}{brackets[1]}{number}{suffix}件精神" if suffix == "号" else \
        f"根据{issuer}{brackets[0]}{year}{brackets[1]}{number}{suffix}"
    canonical = canonicalize(normalize_text(printed))
    assert canonical == f"{issuer.replace(' ', '')}〔{year}〕{number}号"
    assert canonicalize(canonical) == canonical
    assert split_doc_no(canonical) == (issuer.replace(" ", ""), year, number)


@settings(deadline=None)  # no timing in tests: the first call loads OpenCC
@given(_ISSUERS, st.integers(1990, 2030), st.integers(1, 999))
def test_full_width_digits_in_a_doc_no_read_the_same(issuer, year, number):
    full_width = str.maketrans("0123456789", "０１２３４５６７８９")
    printed = f"{issuer}〔{year}〕{number}号".translate(full_width)
    assert [m.doc_no for m in find_doc_nos(normalize_text(printed))] == [canonicalize(f"{issuer}〔{year}〕{number}号")]


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False, allow_infinity=False))
def test_amounts_round_trip_with_and_without_thousands_separators(value):
    plain = f"{value:.2f}"
    grouped = f"{value:,.2f}"
    assert parse_amount(plain) == float(plain)
    assert parse_amount(grouped) == float(plain)
    assert parse_amount(f" {grouped} ") == float(plain)


@settings(deadline=None)  # no timing in tests: the first call loads OpenCC
@given(st.sampled_from(["", " ", "—", "#####", "-", "无"]))
def test_blank_or_unreadable_amounts_are_none_never_zero(cell):
    assert parse_amount(cell) is None


@settings(deadline=None)  # no timing in tests: the first call loads OpenCC
@given(st.sampled_from([("社會保險服務", "社会保险服务"), ("鎮（街道）", "镇（街道）"), ("項目經費", "项目经费"),
                        ("財政撥款", "财政拨款"), ("綦江區", "綦江区")]))
def test_traditional_characters_become_simplified(pair):
    traditional, simplified = pair
    assert to_simplified(traditional) == simplified
    assert normalize_text(traditional) == simplified
    assert to_simplified(simplified) == simplified


def test_traditional_characters_in_a_corpus_file_are_simplified():
    """002 prints 服務 and 鎮 in places; after reading, neither traditional form is left."""
    from pathlib import Path

    from loaders.read import read_source

    path = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "002_e9a684c38e2f8a64.txt"
    raw = path.read_text(encoding="utf-8")
    assert "服務" in raw or "鎮" in raw
    text = "\n".join(read_source(path).lines)
    assert "服務" not in text and "鎮" not in text


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=1000, max_value=10_000_000, places=2, allow_nan=False, allow_infinity=False))
def test_full_width_amounts_read_as_half_width(value):
    """An amount typed in full width, thousands separator ， included, reads as the same number."""
    full_width = str.maketrans("0123456789,.", "０１２３４５６７８９，．")
    printed = f"{value:,.2f}".translate(full_width)
    assert parse_amount(normalize_text(printed)) == float(f"{value:.2f}")


def test_full_width_comma_in_prose_is_kept():
    assert normalize_text("收入２３５万元，支出１２万元") == "收入235万元，支出12万元"
