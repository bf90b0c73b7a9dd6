"""文号 of a document and of each project block (loaders/references.py), on real corpus text.

Also checks that a document printed in traditional characters, or naming its projects only in running
text, gives the same projects and 文号 (the hidden documents include both).
"""

from __future__ import annotations

import json
from pathlib import Path

import opencc
import pytest

import loaders
from kb.core.normalize import normalize_text
from loaders.references import block_references, document_policy_docs, non_doc_no_references

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS_000 = SHARED / "corpus" / "000_7c3d463bfeea7d61.txt"
CORPUS_001 = SHARED / "corpus" / "001_f91b7b473888f42b.txt"


def _lines(path: Path) -> list[str]:
    return [normalize_text(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def lines_000() -> list[str]:
    return _lines(CORPUS_000)


@pytest.fixture(scope="module")
def parsed_000():
    return loaders.parse_file(CORPUS_000)


def test_document_policy_docs_match_gold_for_000_and_001():
    for path in (CORPUS_000, CORPUS_001):
        gold = json.loads((SHARED / "gold" / f"{path.stem}.json").read_text(encoding="utf-8"))["policy_docs"]
        found = document_policy_docs(_lines(path))
        assert [(p.doc_no, p.titles, p.raw_forms) for p in found] == \
            [(p["doc_no"], p["titles"], p["raw_forms"]) for p in gold]
    assert len(found) == 25


def test_policy_doc_lines_point_at_the_printed_form(lines_000):
    by_doc_no = {p.doc_no: p for p in document_policy_docs(lines_000)}
    reference = by_doc_no["渝人社发〔2020〕126号"]
    assert reference.raw_forms == ["渝人社发【2020】126号", "渝 人社发【2020】126号"]
    assert all("126号" in lines_000[line - 1] for line in reference.lines)


def test_basis_refs_are_only_those_of_li_xiang_yi_ju(parsed_000, lines_000):
    project = next(p for p in parsed_000.projects if p.name == "荣昌区企业军转干部生活补助及医疗补助")
    assert project.basis_refs == ["渝委办发〔2003〕167号"]
    assert project.all_refs == ["渝人社〔2017〕225号", "渝委办发〔2003〕167号"]
    mention_line = project.ref_lines["渝人社〔2017〕225号"]  # first printed in 项目概述, before 立项依据
    assert "渝人社[2017]225号" in lines_000[mention_line - 1]
    assert project.ref_lines["渝委办发〔2003〕167号"] > mention_line


def test_distinct_prefixes_and_trailing_wen(parsed_000):
    project = next(p for p in parsed_000.projects if p.name == "荣昌区民师生活医疗补助")
    assert project.basis_refs == ["渝社险发〔2013〕43号", "渝教文〔2013〕13号"]  # printed 渝教文【2013】13号文
    assert "渝教人〔2013〕13号" in project.all_refs and "渝教人〔2013〕13号" not in project.basis_refs


def test_references_without_year_go_to_notes_only(parsed_000):
    by_name = {p.name: p for p in parsed_000.projects}
    archive = by_name["社会保险档案管理服务专项"]
    assert any("《社会保险业务档案管理规范》" in note and "《重庆市人力资源市场条例》" in note for note in archive.notes)
    assert "《社会保险业务档案管理规范》" not in {d.doc_no for d in parsed_000.policy_docs}
    seventeen = by_name["荣昌区17号文、离休建工生活医疗补助"]
    assert any("17号文" in note for note in seventeen.notes)
    assert all("17号" not in ref for ref in seventeen.all_refs)


def test_non_doc_no_references_keep_attached_titles_out():
    text = "根据《关于妥善解决国有企业职教幼教退休教师待遇问题的通知》（渝国资发〔2011〕9号）及国家标准《社会保险业务档案管理规范》"
    assert non_doc_no_references(text) == ["《社会保险业务档案管理规范》"]


def test_block_references_follow_line_range(lines_000, parsed_000):
    project = next(p for p in parsed_000.projects if p.name == "社保管理和服务专项")
    first = project.line
    references = block_references(lines_000, first, first + 40, project.basis_text)
    assert references.all_refs[0] == "渝委办发〔2003〕22号"  # cited in 项目概述 only
    assert references.basis_refs == project.basis_refs
    assert "渝委办发〔2003〕22号" not in references.basis_refs


def test_traditional_characters_give_the_same_projects_and_refs(tmp_path):
    traditional = tmp_path / "001_traditional.txt"
    traditional.write_text(opencc.OpenCC("s2t").convert(CORPUS_001.read_text(encoding="utf-8")), encoding="utf-8")
    assert "項目名稱" in traditional.read_text(encoding="utf-8")
    simplified, converted = loaders.parse_file(CORPUS_001), loaders.parse_file(traditional)
    assert [(p.name, p.amount, p.basis_refs, p.all_refs, len(p.indicators)) for p in converted.projects] == \
        [(p.name, p.amount, p.basis_refs, p.all_refs, len(p.indicators)) for p in simplified.projects]
    assert [p.doc_no for p in converted.policy_docs] == [p.doc_no for p in simplified.policy_docs]


def test_narrative_only_document(tmp_path):
    narrative = tmp_path / "narrative.txt"
    narrative.write_text(
        "重庆市某区社会保险事务中心2025年部门预算情况说明\n"
        "2025年收入预算1200.50万元，其中基本支出800.00万元，项目支出400.50万元。\n"
        "（一）退休人员社会化管理服务专项预算150.00万元，主要用于退休人员社会化管理服务。\n"
        "（二）社保经办信息化建设项目250.50万元，根据渝人社发【2020】126号文件安排。\n"
        "三、“三公”经费0.90万元。\n", encoding="utf-8")
    extraction = loaders.parse_file(narrative)
    assert [(p.name, p.amount, p.all_refs) for p in extraction.projects] == [
        ("退休人员社会化管理服务专项", 150.0, []), ("社保经办信息化建设项目", 250.5, ["渝人社发〔2020〕126号"])]
    assert [p.doc_no for p in extraction.policy_docs] == ["渝人社发〔2020〕126号"]


def test_anchored_doc_no_search_finds_what_a_whole_line_search_finds():
    """``kb.core.doc_no`` searches for a 文号 only near each 〔year〕number号 anchor, starting at most an issuer
    prefix's length before the bracket: on every line of the corpus and the real documents holding 号, it finds
    exactly the matches of the pattern searched over the whole line."""
    from kb.core.doc_no import DOC_NO_PATTERN, _matches
    from kb.core.normalize import normalize_lines

    files = sorted((Path(__file__).parent / "data" / "real").glob("*.txt")) + sorted((SHARED / "corpus").glob("*.txt"))
    found = 0
    for path in files:
        for line in normalize_lines(path.read_text(encoding="utf-8", errors="replace").split("\n")):
            if "号" in line:
                expected = [match.span() for match in DOC_NO_PATTERN.finditer(line)]
                assert [match.span() for match in _matches(line)] == expected, line
                found += len(expected)
    assert found >= 200  # 219 文号 printed in these files when this test was written
