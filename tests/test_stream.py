"""The one parsing pass (loaders/stream.py) on the real corpus, and the whole-text fast paths it relies on.

Values are read from corpus 001 (重庆市綦江区社会保险事务中心, 2024 budget): its first table title on line 3,
its first indicator header on line 179 and its first project block anchored on line 192.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from kb.core import doc_no
from kb.core.normalize import normalize_lines, normalize_text
from loaders import parse_file
from loaders.read import _LINE_BREAK, decode_text
from loaders.stream import DATA, HEADER, TEXT, TITLE, Stream

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
DOC_001 = CORPUS / "001_f91b7b473888f42b.txt"


@pytest.fixture(scope="module")
def extraction():
    return parse_file(DOC_001)


def test_rows_are_typed_once_and_kept_on_the_extraction(extraction):
    stream = extraction.stream
    assert isinstance(stream, Stream) and len(stream.items) == len(stream.rows)
    kinds = {item.kind for item in stream.items}
    assert kinds == {TITLE, HEADER, DATA, TEXT}
    first_title = next(item for item in stream.items if item.kind == TITLE)
    assert (first_title.row.line, first_title.text) == (3, "重庆市綦江区社会保险事务中心财政拨款收支总表")
    assert (stream.sections[0].kind, stream.sections[0].line) == ("fiscal_summary", 3)
    # every row after a title knows the table it sits in
    assert all(item.table_title == first_title.text for item in stream.items[first_title.index:first_title.index + 5])
    data = next(item for item in stream.items if item.kind == DATA)
    assert any(cell.replace(",", "").replace(".", "").isdigit() for cell in data.row.cells)


def test_indicator_headers_and_project_anchors_are_read_from_the_stream(extraction):
    stream = extraction.stream
    header = next(item for item in stream.items if item.indicator is not None)
    assert header.row.line == 179
    assert header.indicator.positions == {"level1": 1, "level2": 2, "name": 3, "op": 4, "value": 5, "unit": 6,
                                          "weight": 7}
    anchor = next(item for item in stream.items if item.anchors_block)
    assert anchor.row.line == 192
    assert ("name", "项目名称", "代发建国初期参加革命工作退休干部生活补助资金") in anchor.labels
    assert extraction.projects[0].name == "代发建国初期参加革命工作退休干部生活补助资金"


def test_a_stream_sent_to_another_process_keeps_the_printed_rows(extraction):
    copy = pickle.loads(pickle.dumps(extraction))
    assert [row.cells for row in copy.table_rows] == [row.cells for row in extraction.table_rows]
    assert copy.stream.items == [] and copy.table_rows[0].line == extraction.table_rows[0].line


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda path: path.stem[:3])
def test_whole_text_normalisation_equals_line_by_line(path):
    text, _ = decode_text(path.read_bytes())
    lines = _LINE_BREAK.split(text)
    assert normalize_lines(lines) == [normalize_text(line) for line in lines]
    assert normalize_lines(["２０８０１０１\t服務 ", "a&amp;b", "  x  y ", "部門預(yù)算"]) == \
        ["2080101\t服务", "a&b", "x y", "部门预算"]


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda path: path.stem[:3])
def test_doc_no_search_around_anchors_equals_the_full_scan(path):
    text = "\n".join(parse_file(path).lines)
    full = [(m.start(), m.end()) for m in doc_no.DOC_NO_PATTERN.finditer(text)]
    windowed = [(m.start(), m.end()) for m in doc_no._matches(text)]
    assert windowed == full


def test_corpus_000_doc_nos_are_found():
    assert len(doc_no._matches("\n".join(parse_file(CORPUS / "000_7c3d463bfeea7d61.txt").lines))) >= 5


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda path: path.stem[:3])
def test_attached_titles_equal_those_of_the_full_search(path):
    text = "\n".join(parse_file(path).lines)
    assert doc_no.attached_titles(text) == {match.title for match in doc_no.find_doc_nos(text) if match.title}
