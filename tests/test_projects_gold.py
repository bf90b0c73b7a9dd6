"""Projects, per-project 文号 and indicators of the real corpus, through ``loaders.parse_file``.

000, 001 and 002 are compared with the hand-checked gold (../shared/gold) by F1; 003 and 004 have no
gold, so the figures asserted for them were read from the documents by hand (line numbers in comments).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

import loaders
from kb.core.normalize import match_key

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"
GOLD = SHARED / "gold"
GOLD_STEMS = ["000_7c3d463bfeea7d61", "001_f91b7b473888f42b", "002_e9a684c38e2f8a64"]


def f1(found: Counter, expected: Counter) -> float:
    """F1 of two multisets (1.0 when both are empty)."""
    if not found and not expected:
        return 1.0
    hits = sum((found & expected).values())
    if not hits:
        return 0.0
    precision, recall = hits / sum(found.values()), hits / sum(expected.values())
    return 2 * precision * recall / (precision + recall)


@pytest.fixture(scope="module")
def parsed() -> dict[str, object]:
    """Every corpus file parsed once through the real pipeline."""
    return {path.stem: loaders.parse_file(path) for path in sorted(CORPUS.glob("*.txt"))}


@pytest.fixture(scope="module")
def gold() -> dict[str, dict]:
    return {stem: json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8")) for stem in GOLD_STEMS}


def _projects(projects) -> Counter:
    return Counter((match_key(p["name"]), p["amount"]) for p in projects)


def _refs(projects) -> Counter:
    return Counter((match_key(p["name"]), role, ref) for p in projects
                   for role in ("basis_refs", "all_refs") for ref in p[role])


def _indicators(projects) -> Counter:
    return Counter((match_key(p["name"]), i["name"], i["op"], i["value"], i["unit"], i["weight"], i["core"])
                   for p in projects for i in p["indicators"])


def _as_dicts(extraction) -> list[dict]:
    return extraction.schema_dict()["projects"]


def test_projects_refs_and_indicators_match_gold(parsed, gold, capsys):
    found = {stem: _as_dicts(parsed[stem]) for stem in GOLD_STEMS}
    scores = {}
    for name, key in (("projects", _projects), ("文号 per project", _refs), ("indicators", _indicators)):
        scores[name] = f1(sum((key(found[s]) for s in GOLD_STEMS), Counter()),
                          sum((key(gold[s]["projects"]) for s in GOLD_STEMS), Counter()))
    with capsys.disabled():
        print("\nF1 over corpus 000-002: " + ", ".join(f"{name} {score:.4f}" for name, score in scores.items()))
    assert scores["projects"] >= 0.98, scores
    assert scores["文号 per project"] >= 0.97, scores
    assert scores["indicators"] >= 0.95, scores


@pytest.mark.parametrize("stem", GOLD_STEMS)
def test_each_document_matches_gold_projects(parsed, gold, stem):
    found, expected = _as_dicts(parsed[stem]), gold[stem]["projects"]
    assert [(p["code"], p["name"], p["amount"], p["category"]) for p in found] == \
        [(p["code"], p["name"], p["amount"], p["category"]) for p in expected]
    assert [(p["basis_refs"], p["all_refs"]) for p in found] == [(p["basis_refs"], p["all_refs"]) for p in expected]


def test_indicators_only_differ_from_gold_by_002_last_row(parsed, gold):
    """002's last table row (line 459, the file's last line, no trailing newline) is missing from the gold."""
    for stem in GOLD_STEMS:
        extra = _indicators(_as_dicts(parsed[stem])) - _indicators(gold[stem]["projects"])
        missing = _indicators(gold[stem]["projects"]) - _indicators(_as_dicts(parsed[stem]))
        assert not missing, (stem, missing)
        if stem.startswith("002"):
            assert list(extra) == [("社保服务运维专项", "服务质量", "定性", "提升", None, 5, False)]
        else:
            assert not extra, (stem, extra)


@pytest.mark.parametrize("stem", GOLD_STEMS)
def test_unit_indicators_and_policy_docs_match_gold(parsed, gold, stem):
    extraction = parsed[stem]
    keys = ("level1", "level2", "name", "op", "value", "unit", "weight", "core")
    assert [tuple(getattr(i, k) for k in keys) for i in extraction.unit_indicators] == \
        [tuple(i[k] for k in keys) for i in gold[stem]["unit_indicators"]]
    assert [(p.doc_no, p.titles, p.raw_forms) for p in extraction.policy_docs] == \
        [(p["doc_no"], p["titles"], p["raw_forms"]) for p in gold[stem]["policy_docs"]]


def test_shifted_indicator_rows_are_realigned(parsed):
    by_name = {p.name: p for p in parsed["001_f91b7b473888f42b"].projects}
    satisfaction = by_name["代发企业退休军转干解困补助资金"].indicators[-1]  # line 269, shifted left
    assert (satisfaction.level1, satisfaction.level2, satisfaction.name, satisfaction.op, satisfaction.value,
            satisfaction.unit, satisfaction.weight, satisfaction.line) == \
        ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥", "90", "%", 20, 269)
    by_name = {p.name: p for p in parsed["002_e9a684c38e2f8a64"].projects}
    last = by_name["社保惠民服务专项"].indicators[-1]  # 补助到位时间, shifted left
    assert (last.name, last.op, last.value, last.unit, last.weight, last.core) == \
        ("补助到位时间", "定性", "每月20日前", None, 15, False)
    continued = by_name["社保惠民服务专项"].indicators[1]
    assert continued.level1 is None and continued.core is True


def test_self_contradiction_reported_with_both_figures(parsed):
    discrepancies = parsed["001_f91b7b473888f42b"].discrepancies
    hits = [d for d in discrepancies if "代发企业退休军转干解困补助资金" in d]
    assert len(hits) == 1 and "1000万元" in hits[0] and "1,000.30" in hits[0]


def test_004_projects_and_90_indicators(parsed):
    extraction = parsed["004_db523993c574d7b7"]
    projects = {p.name: p for p in extraction.projects}
    assert len(extraction.projects) == 7
    assert sum(len(p.indicators) for p in extraction.projects) == 90
    # 项目支出预算表 lines 448-455 (类款项 208 01 09) and the performance table (lines 520-618)
    assert projects["社会保险信息网络建设维护费"].amount == 7.0
    assert projects["离退休人员社会化管理服务工作专项经费"].amount == 36.8
    assert projects["乡村振兴经费"].amount == 3.64
    assert {p.subject_code for p in extraction.projects} == {"2080109"}
    # names broken over a page: "社会保险委托稽核" + "和基金管理专项经费" (lines 595/597)
    audit = projects["社会保险委托稽核和基金管理专项经费"]
    assert (audit.amount, len(audit.indicators)) == (5.0, 13)
    last = audit.indicators[-1]  # line 608: shifted three cells right, weight cut off
    assert (last.level1, last.level2, last.name, last.op, last.value, last.weight) == \
        ("满意度指标", "满意度指标", "参保对象满意度", "≥", "98", None)
    village = projects["乡村振兴经费"].indicators  # lines 612-618 shifted one cell left
    assert [(i.name, i.value, i.weight) for i in village[-2:]] == [("带动贫困人员增收", "优", 20), ("人民群众满意度指标", "95", 10)]
    assert projects["社会保险信息网络建设维护费"].indicators[0].direction == "正向指标"


def test_003_project_lines_and_foreign_performance_table(parsed):
    extraction = parsed["003_964a15e45ca13e4e"]
    projects = extraction.projects
    assert len(projects) == 16  # 一般公共预算项目支出预算表, lines 322-342
    assert len({p.name for p in projects}) == 11
    amounts = {(p.name, p.subject_code): p.amount for p in projects}
    assert amounts[("县社保事务中心职业年金虚账做实资金", "2080506")] == 1112.52
    assert amounts[("县社保事务中心退休人员和养老保险关系转移等人员职业年金虚账做实县级配套（2023）", "2080508")] == 5000.0
    assert amounts[("县社保事务中心档案整理工作经费", "2080107")] == 5.0
    assert amounts[("县社保事务中心档案整理工作经费", "2080109")] == 7.16
    assert round(sum(p.amount for p in projects), 2) == 7925.93  # the table's 合计 (line 320)
    # the OCR'd performance table (lines 400-488) names 苏州市… and 奇台县…: reported, attached nowhere
    assert all(not p.indicators for p in projects)
    foreign = [d for d in extraction.discrepancies if "another unit" in d]
    assert any("苏州市社会保险事务中心" in d for d in foreign)
    assert any("奇台县社会保险事务中心" in d for d in foreign)


def test_project_sums_checked_against_printed_totals(parsed, tmp_path):
    # 000: 表八 prints 项目支出 1,174.97 while the 10 projects of 表十一 sum to 1,174.96 (gold discrepancies)
    rongchang, guangyuan = parsed["000_7c3d463bfeea7d61"], parsed["004_db523993c574d7b7"]
    assert any("1,174.97" in d and "10 projects sum to 1,174.96" in d for d in rongchang.discrepancies)
    assert not any("projects sum" in d or "project lines sum" in d for d in guangyuan.discrepancies)
    # 003's 项目支出预算表 adds up (合计 7,925.93); change one line and the table's own 合计 no longer does
    text = (CORPUS / "003_964a15e45ca13e4e.txt").read_text(encoding="utf-8").splitlines()
    assert "县社保事务中心档案整理工作经费\t5.00" in text[321]
    text[321] = text[321].replace("\t5.00", "\t6.00")
    altered = tmp_path / "003_altered.txt"
    altered.write_text("\n".join(text), encoding="utf-8")
    discrepancies = loaders.parse_file(altered).discrepancies
    assert any("合计 printed 7,925.93" in d and "16 project lines sum to 7,926.93" in d for d in discrepancies)


def test_blocks_found_by_labels_without_per_block_titles(parsed, tmp_path):
    """Blocks are recognised by their labels: 001 with every block title but the first removed reads alike."""
    lines = (CORPUS / "001_f91b7b473888f42b.txt").read_text(encoding="utf-8").splitlines()
    titles = [i for i, line in enumerate(lines) if line.strip() == "2023年财政资金项目支出绩效目标表"]
    assert len(titles) == 17
    kept = [line for i, line in enumerate(lines) if i not in titles[1:]]
    variant = tmp_path / "001_one_title.txt"
    variant.write_text("\n".join(kept), encoding="utf-8")
    expected = [(p.code, p.name, p.amount, p.basis_refs, p.all_refs, len(p.indicators))
                for p in parsed["001_f91b7b473888f42b"].projects]
    found = [(p.code, p.name, p.amount, p.basis_refs, p.all_refs, len(p.indicators))
             for p in loaders.parse_file(variant).projects]
    assert found == expected


def test_indicator_unit_disagreement_reported(parsed):
    """002: 服务人次 ≥ 27 is in 万人次 in the 整体绩效目标表 but in 人次 in 社保服务运维专项 (gold discrepancy)."""
    hits = [d for d in parsed["002_e9a684c38e2f8a64"].discrepancies if d.startswith("Indicator '服务人次'")]
    assert len(hits) == 1 and "'万人次'" in hits[0] and "'人次'" in hits[0]
    for stem in ("000_7c3d463bfeea7d61", "001_f91b7b473888f42b", "004_db523993c574d7b7"):
        assert not any(d.startswith("Indicator '") for d in parsed[stem].discrepancies)


def test_label_value_lines_in_running_text(tmp_path):
    """A document printing "项目名称：…" / "当年预算：…万元" as text lines (no table) is read by its labels."""
    document = tmp_path / "labels.txt"
    document.write_text(
        "某县社会保险事务中心2025年项目支出绩效目标\n"
        "项目名称：城乡居民养老保险宣传专项\n当年预算：12.50万元\n项目分类：一般性项目\n"
        "立项依据：根据《关于做好城乡居民养老保险工作的通知》（川人社发〔2021〕15号）文件精神\n"
        "当年绩效目标：完成宣传20次。\n"
        "项目名称：社保档案数字化专项\n当年预算：30万元\n立项依据：川人社办〔2022〕8号\n", encoding="utf-8")
    extraction = loaders.parse_file(document)
    assert [(p.name, p.amount, p.category, p.basis_refs, p.line) for p in extraction.projects] == [
        ("城乡居民养老保险宣传专项", 12.5, "一般性项目", ["川人社发〔2021〕15号"], 2),
        ("社保档案数字化专项", 30.0, None, ["川人社办〔2022〕8号"], 7)]
    assert extraction.policy_docs[0].titles == ["关于做好城乡居民养老保险工作的通知"]


def test_performance_block_merged_into_its_budget_line(tmp_path):
    """A 项目支出预算表 line and the 绩效目标表 block of the same project make one project; amounts compared."""
    document = tmp_path / "merge.txt"
    document.write_text(
        "项目支出预算表\n科目编码\t项目名称\t金额\n"
        "2080107\t50015322T000000092262-荣昌区企业军转干部生活补助及医疗补助\t540.00\n"
        "2080199\t社保档案专项\t50.00\n\n2026年项目支出绩效目标表\n"
        "项目名称\t50015322T000000092262-荣昌区企业军转干部生活补助及医疗补助\n当年预算（万元）\t545.00\n"
        "立项依据\t渝委办发【2003】167号\n"
        "绩效指标\t一级指标\t二级指标\t三级指标\t指标性质\t指标值\t计量单位\t权重\n"
        "\t产出指标\t时效指标\t按时足额发放率\t≥\t99\t%\t40\n", encoding="utf-8")
    extraction = loaders.parse_file(document)
    found = [(p.code, p.name, p.amount, p.subject_code, p.basis_refs, len(p.indicators)) for p in extraction.projects]
    assert found == [
        ("50015322T000000092262", "荣昌区企业军转干部生活补助及医疗补助", 540.0, "2080107", ["渝委办发〔2003〕167号"], 1),
        (None, "社保档案专项", 50.0, "2080199", [], 0)]
    assert any("540.0" in d and "545.0" in d for d in extraction.discrepancies)


def test_indicator_rows_read_alike_whatever_their_shift():
    """A row of 001's indicator table (line 202) shifted by -1..3 cells still reads as the same indicator."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from loaders.indicators import indicator_columns, read_indicator

    header = ["当年绩效指标", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重"]
    row = ["", "产出指标", "数量指标", "每月发放人数", "≥", "10", "人数", "20"]
    columns = indicator_columns(header)
    expected = read_indicator(row, columns, 202, None)
    assert (expected.level1, expected.name, expected.op, expected.value, expected.unit, expected.weight) == \
        ("产出指标", "每月发放人数", "≥", "10", "人数", 20)

    @settings(max_examples=25, deadline=None)
    @given(shift=st.integers(min_value=-1, max_value=3), trailing=st.integers(min_value=0, max_value=3))
    def check(shift: int, trailing: int) -> None:
        shifted = (row[1:] if shift < 0 else [""] * shift + row) + [""] * trailing
        assert read_indicator(shifted, columns, 202, None) == expected

    check()


def test_budget_list_with_code_and_category_columns(tmp_path):
    """A 项目支出预算表 printing 项目编码 and 项目类别 columns gives them to its projects; 合计 is no project."""
    document = tmp_path / "list.txt"
    document.write_text(
        "2025年项目支出预算表\n单位名称\t项目编码\t项目名称\t项目类别\t合计\t一般公共预算\n"
        "某中心\tX001\t社保档案专项\t一般项目\t50.00\t50.00\n某中心\tX002\t社保宣传专项\t重点专项\t20.5\t20.5\n"
        "合计\t\t\t\t71.50\t71.50\n", encoding="utf-8")
    extraction = loaders.parse_file(document)
    assert [(p.code, p.name, p.amount, p.category) for p in extraction.projects] == [
        ("X001", "社保档案专项", 50.0, "一般项目"), ("X002", "社保宣传专项", 20.5, "重点专项")]
    assert any("合计 printed 71.50" in d and "sum to 70.50" in d for d in extraction.discrepancies)
