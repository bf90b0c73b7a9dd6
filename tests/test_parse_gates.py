"""Reader gates (loaders.evidence, issue 10 parse5): a gated reader is skipped only where it could not have changed
the parse. Checked on every real document (tests/data/real) and the corpus: each gated fallback project reader
returns what the reader returns ungated, and the unit read with its gates chooses the same candidates as without."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.evidence import Evidence, Needs, evidence_of, gated, settled
from loaders.project_filter import READERS
from loaders.read import read_source
from loaders.stream import Stream
from loaders.unit import best_candidate, unit_candidates
from loaders.unit_names import Candidate
from store_contract import CORPUS

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = sorted((ROOT / "tests" / "data" / "real").glob("*.txt")) + sorted(CORPUS.glob("*.txt"))


@pytest.fixture(scope="module")
def parsed():
    """(path, normalised lines, stream) of every real and corpus document."""
    result = []
    for path in DOCUMENTS:
        source = read_source(path)
        result.append((path, source.lines, Stream.from_lines(source.lines, source.layout)))
    return result


def test_the_document_set_is_there():
    assert len(DOCUMENTS) >= 340 and len(list(CORPUS.glob("*.txt"))) == 5  # the real documents and the corpus


def test_evidence_finds_the_gate_words_of_a_real_notice():
    source = read_source(ROOT / "tests" / "data" / "real" / "r002.txt")  # a notice: amounts in 元, no form
    evidence = evidence_of(source.lines)
    text = "\n".join(source.lines)
    assert "元" in text and "项目名称" not in text
    assert evidence.words == {word for word in ("目", "名", "元", "万") if word in text}
    assert evidence_of(source.lines) is evidence  # once per document
    marked = read_source(ROOT / "tests" / "data" / "real" / "r001.txt")  # HTML remnants: 项目名称 cannot be ruled out
    assert "项目名称" not in "\n".join(marked.lines) and "项目名称" in evidence_of(marked.lines).words
    assert "项目名称" in Evidence.of_text("项目**名称**\t100").words  # markup may join it in a row


def test_needs_refuses_an_unknown_word_and_allows_without_evidence():
    with pytest.raises(KeyError):
        Needs("三公")
    assert Needs("元").allows(None)
    assert not Needs("项目名称").allows(Evidence.of_text("项目\t金额\t100万元"))
    assert Needs("项目名称", "元").allows(Evidence.of_text("项目\t金额\t100万元"))


def test_gated_fallback_readers_return_what_the_readers_return(parsed):
    skipped = 0
    for path, lines, stream in parsed:
        evidence = evidence_of(lines)
        for name, read in READERS:
            ungated = read.__wrapped__ if hasattr(read, "__wrapped__") else None
            assert ungated is not None, f"reader {name} is not gated"
            expected = ungated(stream.rows, lines)
            if not read.needs.allows(evidence):
                skipped += 1
                assert expected == [], f"{path.name}: gate of {name} would drop {expected[:1]}"
            assert read(stream.rows, lines) == expected
    assert skipped >= 150  # the gates do spare work: about 40 % of the real documents print no 元, most no 项目名称


def test_the_unit_gates_change_no_chosen_candidate(parsed):
    skipped_body = 0
    for path, _lines, stream in parsed:
        every = unit_candidates(stream.rows, stream.sections, path.name)
        some = unit_candidates(stream.rows, stream.sections, path.name, gated=True)
        for field in every:
            assert best_candidate(some[field]) == best_candidate(every[field]), (path.name, field)
        skipped_body += sum(map(len, some.values())) < sum(map(len, every.values()))
    assert skipped_body >= 30  # titles settle name, year and kind in many real documents


def test_settled_needs_one_value_above_the_next_readers_confidence():
    found = {"name": [Candidate("甲局", 0.9, 1, "title"), Candidate("乙局", 0.8, 2, "form field")],
             "year": [Candidate(2023, 0.9, 1, "title")], "kind": [Candidate("预算", 0.7, None, "form title")]}
    assert settled(found, ("name", "year"), 0.7)
    assert not settled(found, ("name", "year", "kind"), 0.7)  # the kind is held at 0.7 only: a tie is possible
    found["name"].append(Candidate("丙局", 0.9, 3, "title"))
    assert not settled(found, ("name",), 0.7)  # two values at 0.9: votes from later readers break the tie
    assert not settled({"name": []}, ("name",), 0.1)


def test_a_gated_reader_keeps_its_gate():
    reader = gated(Needs("元"), lambda rows, lines: ["x"])
    assert reader.needs == Needs("元")
    assert reader([], ["收入 100 元"]) == ["x"] and reader([], ["无金额"]) == []
    assert reader([], []) == ["x"]  # rows handed without their lines: nothing to gate on


def test_layouts_of_the_corpus_and_of_edge_lines():
    from loaders.rows import detect_layout

    layouts = {path.name[:3]: read_source(path).layout for path in sorted(CORPUS.glob("*.txt"))}
    assert layouts == {"000": "cells", "001": "tabs", "002": "tabs", "003": "markdown", "004": "tabs"}
    assert detect_layout(["标题", "\t项目", "\t金额", "\t合计\t1"]) == "cells"  # 2 of 3 tab lines: one leading tab
    assert detect_layout(["\ta\tb", "\tc", "\td\te"]) == "tabs"  # 1 of 3
    assert detect_layout(["a\tb", "|---|---|", "# 标题"]) == "markdown"  # a rule row and a heading
    assert detect_layout(["a\tb", "| : |", "# 标题"]) == "tabs"  # a rule row holds a dash
    assert detect_layout(["a\tb", "\u3000—-\u3000", "#x"]) == "markdown"  # any whitespace in a rule row
    assert detect_layout(["无表格", "文字"]) == "tabs"
