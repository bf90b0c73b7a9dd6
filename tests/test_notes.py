"""Extraction notes come from one catalogue (loaders.notes): every note a parse gives carries a known code and a
Chinese message, on the five corpus documents and the real disclosures; ``kb parse --json`` keeps notes a list
of strings (EXTRACTION_SCHEMA.md)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from loaders import parse_file
from loaders.notes import NOTES, note, note_code, note_message, source_label

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"  # as tests/conftest.py finds it
REAL = ROOT / "tests" / "data" / "real"
_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def _all_notes(extraction) -> list[str]:
    return list(extraction.notes) + [text for project in extraction.projects for text in project.notes]


def _corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.txt"))


@pytest.mark.parametrize("path", [*_corpus_files(), REAL / "r001.txt", REAL / "r113.txt", REAL / "r141.txt",
                                  REAL / "r168.txt"], ids=lambda path: path.name)
def test_every_note_has_a_catalogue_code_and_a_chinese_message(path):
    notes = _all_notes(parse_file(path))
    assert notes
    for text in notes:
        assert note_code(text) in NOTES, text
        message = note_message(text)
        assert re.search(r"[\u4e00-\u9fff]", message) and not _LATIN_WORD.search(message), text


def test_the_corpus_notes_name_their_sources_in_chinese():
    corpus = _corpus_files()
    assert corpus, "corpus not found"
    notes = _all_notes(parse_file(corpus[0]))
    unit_notes = [text for text in notes if note_code(text) == "unit.source"]
    assert any(note_message(text).startswith("单位名称“") for text in unit_notes)
    assert any(note_code(text) == "references.title_only" and "《社会保险业务档案管理规范》" in text for text in notes)


def test_note_codes_and_messages():
    text = note("projects.amount_in_yuan", label="本次应拨付", value="617000")
    assert text == "[projects.amount_in_yuan] 本次应拨付617000以元列示，已折算为万元。"
    assert (note_code(text), note_code("no code here"), note_message("no code here")) == (
        "projects.amount_in_yuan", None, "no code here")
    assert source_label("most mentioned name (3 times)") == "提及最多的名称（3次）"
    with pytest.raises(KeyError):
        note("projects.unknown")


def test_kb_parse_json_keeps_notes_a_list_of_coded_strings(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "kb.cli", "parse", str(REAL / "r168.txt"), "--json"],
                            capture_output=True, text=True, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    notes = json.loads(result.stdout)["notes"]
    assert isinstance(notes, list) and all(isinstance(text, str) and note_code(text) in NOTES for text in notes)
    assert any(text.startswith("[unit.source] 单位名称“湄洲岛国家旅游度假区财政金融局”取自落款") for text in notes)


def test_legacy_gold_notes_keep_their_code():
    legacy = "Non-文号 references (notes only): 国家标准《社会保险业务档案管理规范》; 17号文."
    assert note_code(legacy) == "references.title_only"
    assert note_message(legacy) == "国家标准《社会保险业务档案管理规范》; 17号文."
