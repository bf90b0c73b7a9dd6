"""parse_file on the real corpus: unit, totals and subjects against gold (000-002) and hand-read figures (003, 004).

Gold files: ../shared/gold/<stem>.json (EXTRACTION_SCHEMA.md). Unit and totals must match exactly;
functional and economic subject lines (code, name, total, basic, project) need F1 >= 0.97 each.
For 003 (苍溪县, 2023) and 004 (广元市, 2025) there is no gold: the expected figures below were read
from the documents by hand (line numbers cited).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loaders import parse_file

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"
GOLD = SHARED / "gold"
GOLD_STEMS = ["000_7c3d463bfeea7d61", "001_f91b7b473888f42b", "002_e9a684c38e2f8a64"]
UNIT_FIELDS = ("name", "code", "region", "province", "year", "kind")
TOTAL_FIELDS = ("income_total", "expense_total", "general_public_budget", "basic_expense", "project_expense",
                "carryover", "three_public")


@pytest.fixture(scope="module")
def parsed() -> dict:
    return {path.stem: parse_file(path) for path in sorted(CORPUS.glob("*.txt"))}


def _gold(stem: str) -> dict:
    return json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))


def _f1(expected: set, got: set) -> float:
    if not expected and not got:
        return 1.0
    true_positive = len(expected & got)
    if true_positive == 0:
        return 0.0
    precision, recall = true_positive / len(got), true_positive / len(expected)
    return 2 * precision * recall / (precision + recall)


def _function_keys(records) -> set:
    return {(r["code"], r["name"], r["total"], r["basic"], r["project"]) for r in records}


def _economic_keys(records) -> set:
    return {(r["code"], r["name"], r["total"]) for r in records}


@pytest.mark.parametrize("stem", GOLD_STEMS)
def test_unit_matches_gold(parsed, stem):
    gold, unit = _gold(stem)["unit"], parsed[stem].unit
    assert {f: getattr(unit, f) for f in UNIT_FIELDS} == {f: gold[f] for f in UNIT_FIELDS}


@pytest.mark.parametrize("stem", GOLD_STEMS)
def test_totals_match_gold(parsed, stem):
    gold, totals = _gold(stem)["totals"], parsed[stem].totals
    assert {f: getattr(totals, f) for f in TOTAL_FIELDS} == {f: gold[f] for f in TOTAL_FIELDS}
    for field in TOTAL_FIELDS:  # provenance: the source line (or, for 000's one-cell-per-line rows, the row) holds it
        value = getattr(totals, field)
        if value is not None:
            start = totals.lines[field] - 1
            row_text = " ".join(parsed[stem].lines[start:start + 12]).replace(",", "")
            assert f"{value:.2f}" in row_text or f"{value:g}" in row_text, (field, value, row_text[:200])


@pytest.mark.parametrize("stem", GOLD_STEMS)
def test_function_subjects_f1(parsed, stem):
    schema = parsed[stem].schema_dict()
    expected, got = _function_keys(_gold(stem)["function_subjects"]), _function_keys(schema["function_subjects"])
    assert _f1(expected, got) >= 0.97, sorted(expected ^ got)


@pytest.mark.parametrize("stem", GOLD_STEMS)
def test_economic_subjects_f1(parsed, stem):
    schema = parsed[stem].schema_dict()
    expected, got = _economic_keys(_gold(stem)["economic_subjects"]), _economic_keys(schema["economic_subjects"])
    assert _f1(expected, got) >= 0.97, sorted(expected ^ got)


def test_subject_lines_carry_their_source_line(parsed):
    extraction = parsed["000_7c3d463bfeea7d61"]
    pension = next(s for s in extraction.function_subjects if s.code == "2080505")
    assert "2080505" in extraction.lines[pension.line - 1]
    wage = next(s for s in extraction.economic_subjects if s.code == "30101")
    assert "30101" in extraction.lines[wage.line - 1]


def test_000_self_contradictions_are_recorded(parsed):
    text = "\n".join(parsed["000_7c3d463bfeea7d61"].discrepancies)
    assert "2,123.04" in text and "2,235.58" in text  # 表一 vs 表六 totals
    assert "1,174.97" in text and "1,174.96" in text  # 表八 合计 项目支出 vs its lines
    assert "114.00" in text  # 上年结转 of 表一, absent from 表六


def test_001_function_subjects_come_from_the_general_budget_table(parsed):
    extraction = parsed["001_f91b7b473888f42b"]
    assert len(extraction.function_subjects) == 20  # the 支出总表 carries only the 208 line
    assert any(note.startswith("[totals.no_total_row]") and "没有合计行" in note for note in extraction.notes)
    blank = next(s for s in extraction.economic_subjects if s.code == "30107")
    assert blank.name == "绩效工资" and blank.total is None  # a blank cell is None, never 0


def test_002_subject_name_disagreement_is_recorded(parsed):
    text = "\n".join(parsed["002_e9a684c38e2f8a64"].discrepancies)
    assert "人力资源和社会保险管理事务" in text and "人力资源和社会保障管理事务" in text


def test_003_cangxi_split_codes_and_figures(parsed):
    """003: 苍溪县 2023 (markdown layout, 类/款/项 in three columns, unit-code column, <b> remnants)."""
    extraction = parsed["003_964a15e45ca13e4e"]
    assert (extraction.unit.name, extraction.unit.code, extraction.unit.year, extraction.unit.kind) == (
        "苍溪县社会保险事务中心", "316002", 2023, "预算")
    assert (extraction.unit.region, extraction.unit.province) == ("四川省广元市苍溪县", "四川省")
    totals = extraction.totals
    # 单位收支总表 lines 149-151: 本年收入合计 17,742.62, 上年结转 6,365.36, 收入总计 = 支出总计 24,107.98
    assert (totals.income_total, totals.expense_total, totals.general_public_budget, totals.carryover) == (
        24107.98, 24107.98, 17742.62, 6365.36)
    # 单位支出总表 合计 (line 174) 16,182.05 / 7,925.93; 三公 表 合计 2.89 (line 353)
    assert (totals.basic_expense, totals.project_expense, totals.three_public) == (16182.05, 7925.93, 2.89)
    functions = {s.code: s for s in extraction.function_subjects}
    assert len(functions) == 14
    assert (functions["2080107"].name, functions["2080107"].total, functions["2080107"].basic,
            functions["2080107"].project) == ("社会保险业务管理事务", 98.2, 10.0, 88.2)
    assert functions["2130599"].name == "其他巩固脱贫攻坚成果衔接乡村振兴支出"
    assert round(sum(s.total for s in functions.values()), 2) == 24107.98
    economics = {s.code: s for s in extraction.economic_subjects}
    assert len(economics) == 32
    assert (economics["3010303"].name, economics["3010303"].total) == ("基础绩效奖", 10649.53)
    assert (economics["303"].name, economics["303"].total) == ("对个人和家庭的补助", 5055.82)


def test_004_guangyuan_page_breaks_and_figures(parsed):
    """004: 广元市 2025 (rows broken over page breaks, code and name in one cell, a rule row)."""
    extraction = parsed["004_db523993c574d7b7"]
    assert (extraction.unit.name, extraction.unit.code, extraction.unit.year) == ("广元市社会保险事务中心", "342601", 2025)
    assert (extraction.unit.region, extraction.unit.province) == ("四川省广元市", "四川省")
    totals = extraction.totals
    # 部门收支总表 lines 236-238; 部门支出总表 合计 line 264; 三公 line 468
    assert (totals.income_total, totals.expense_total, totals.general_public_budget, totals.carryover) == (
        1183.38, 1183.38, 1183.38, None)
    assert (totals.basic_expense, totals.project_expense, totals.three_public) == (1090.44, 92.94, 1.5)
    functions = {s.code: s for s in extraction.function_subjects}
    assert list(functions) == ["2080109", "2080501", "2080505", "2089999", "2101101", "2210201"]
    assert (functions["2210201"].name, functions["2210201"].total) == ("住房公积金", 80.19)  # after a page break
    assert (functions["2080109"].basic, functions["2080109"].project) == (882.51, 92.94)
    economics = {s.code: s for s in extraction.economic_subjects}
    assert len(economics) == 38
    assert (economics["30101"].name, economics["30101"].total) == ("基本工资", 233.9)  # "30101 基本工资" in one cell
    assert (economics["301030501"].name, economics["301030501"].total) == ("公务员年度考核奖", 44.8)
    assert (economics["30113"].name, economics["30113"].total) == ("住房公积金", 80.19)
    # 部门收支总表 社会保障和就业支出 1,072.86 (line 213) vs 975.45 + 2.09 + 94.15 + 1.18 = 1,072.87
    assert any("1,072.86" in d and "1,072.87" in d for d in extraction.discrepancies)


@pytest.mark.parametrize("stem", ["000_7c3d463bfeea7d61", "002_e9a684c38e2f8a64", "003_964a15e45ca13e4e",
                                  "004_db523993c574d7b7"])
def test_narrative_only_disclosure_gives_totals_from_sentences(parsed, tmp_path, stem):
    """The same disclosure with every table row removed: unit and totals now come from the 情况说明 sentences."""
    text = (CORPUS / f"{stem}.txt").read_text(encoding="utf-8")
    narrative = tmp_path / f"{stem}_narrative.txt"
    narrative.write_text("\n".join(line for line in text.split("\n") if "\t" not in line), encoding="utf-8")
    extraction = parse_file(narrative)
    assert extraction.function_subjects == [] and extraction.economic_subjects == []
    full = parsed[stem]
    assert (extraction.unit.name, extraction.unit.year, extraction.unit.region) == (
        full.unit.name, full.unit.year, full.unit.region)
    expected = {field: getattr(full.totals, field) for field in TOTAL_FIELDS}
    assert {field: getattr(extraction.totals, field) for field in TOTAL_FIELDS} == expected
    assert any(note.startswith("[totals.sources]") and "情况说明正文" in note for note in extraction.notes)
    for field in TOTAL_FIELDS:  # each figure traced to the sentence that states it
        value = getattr(extraction.totals, field)
        if value is not None:
            printed = f"{value:.2f}".rstrip("0").rstrip(".")
            assert printed in extraction.lines[extraction.totals.lines[field] - 1].replace(",", "")


@pytest.mark.parametrize("text, expected", [
    ("2024年重庆市江北区社会保险事务中心部门预算\n一、收入预算：2024年收入合计100.5万元。",
     ("重庆市江北区社会保险事务中心", None, "重庆市江北区", "重庆市", 2024, "预算", 100.5)),
    ("成都市武侯区财政局2023年度部门决算\n部门编码：301001\n本年收入合计 88.8 万元",
     ("成都市武侯区财政局", "301001", "四川省成都市武侯区", "四川省", 2023, "决算", 88.8)),
    ("剑阁县人力资源和社会保障局\n2025 年部门预算\n2025 年收入预算 1,234.56 万元，其中：一般公共预算拨款收入 1,000 万元。",
     ("剑阁县人力资源和社会保障局", None, "四川省广元市剑阁县", "四川省", 2025, "预算", 1234.56)),
    ("中共重庆市荣昌区委组织部2026年部门预算\n2026年收入合计35.2万元",
     ("中共重庆市荣昌区委组织部", None, "重庆市荣昌区", "重庆市", 2026, "预算", 35.2)),
    ("重庆市綦江区人力资源和社会保障局（本级）2024年部门预算情况说明\n2024年收入预算 5,120.00 万元",
     ("重庆市綦江区人力资源和社会保障局", None, "重庆市綦江区", "重庆市", 2024, "预算", 5120.0)),  # scope mark dropped
])
def test_title_forms_and_other_districts(tmp_path, text, expected):
    """Unit identity from the title in the forms other districts print it, with the narrative total."""
    path = tmp_path / "disclosure.txt"
    path.write_text(text, encoding="utf-8")
    extraction = parse_file(path)
    unit = extraction.unit
    assert (unit.name, unit.code, unit.region, unit.province, unit.year, unit.kind,
            extraction.totals.income_total) == expected


@pytest.mark.parametrize("sentence, field, value", [
    ("2024年收入预算总额为1,234.56万元，比上年增加12.5万元。", "income_total", 1234.56),
    ("本年收入合计 88.80 万元。", "income_total", 88.8),
    ("部门预算收入 300.00 万元，其中一般公共预算拨款收入 280 万元。", "income_total", 300.0),
    ("部门预算收入 300.00 万元，其中一般公共预算拨款收入 280 万元。", "general_public_budget", 280.0),
    ("2023年支出预算总额 305.5 万元，其中：基本支出 200.5 万元；项目支出 105 万元。", "expense_total", 305.5),
    ("2023年支出预算总额 305.5 万元，其中：基本支出 200.5 万元；项目支出 105 万元。", "project_expense", 105.0),
    ("收入包括上年结转结余 42.1 万元。", "carryover", 42.1),
    ("2025年‘三公’经费预算数为 1.5 万元，与上年持平。", "three_public", 1.5),
    ("2026年“三公”经费预算0.9万元，比2025年减少0.1万元。", "three_public", 0.9),
    ("2025 年 收 入 合 计 1,183.38 万 元 。", "income_total", 1183.38),  # a justified PDF line
    ("2023年收入、支出预算总计均为1523.26万。", "expense_total", 1523.26),  # one figure for both, 万 for 万元
    ("2022年度收、支总计各是4125.49,4143.91万元。", "expense_total", 4143.91),  # respectively
    ("本年收入合计15,232,600.00元。", "income_total", 1523.26),  # 元 scaled to 万元
])
def test_narrative_phrasings(sentence, field, value):
    from loaders.narrative import narrative_figures
    from loaders.rows import Row

    figures = narrative_figures([Row([sentence], 7)])
    assert figures[field].value == value and figures[field].line == 7


# A 决算 disclosure in the standard 公开01表/03表/07表 layout: 行次 and 栏次 columns, 年初结转和结余, 总计 rows,
# and a "三公" table printing 预算数 and 决算数 side by side.
FINAL_ACCOUNT = """重庆市大足区社会保险事务中心2023年度部门决算

收入支出决算总表
公开01表
部门：重庆市大足区社会保险事务中心
金额单位：万元
收入			支出		
项目	行次	金额	项目	行次	金额
栏次		1	栏次		2
一、一般公共预算财政拨款收入	1	1,500.25	一、一般公共服务支出	32	
二、政府性基金预算财政拨款收入	2		八、社会保障和就业支出	39	1,400.10
三、国有资本经营预算财政拨款收入	3		十、卫生健康支出	41	60.15
六、其他收入	6	20.00	二十、住房保障支出	51	50.00
本年收入合计	30	1,520.25	本年支出合计	63	1,510.25
年初结转和结余	31	10.00	年末结转和结余	64	20.00
总计	32	1,530.25	总计	65	1,530.25

支出决算表
公开03表
部门：重庆市大足区社会保险事务中心
金额单位：万元
项目		本年支出合计	基本支出	项目支出
科目编码	科目名称			
栏次		1	2	3
合计		1,510.25	1,210.25	300.00
208	社会保障和就业支出	1,400.10	1,100.10	300.00
2080101	行政运行	1,100.10	1,100.10	
2080199	其他人力资源和社会保障管理事务支出	300.00		300.00
210	卫生健康支出	60.15	60.15	
2101101	行政单位医疗	60.15	60.15	
221	住房保障支出	50.00	50.00	
2210201	住房公积金	50.00	50.00	

一般公共预算财政拨款“三公”经费支出决算表
公开07表
金额单位：万元
预算数				决算数			
合计	因公出国（境）费	公务用车购置及运行费	公务接待费	合计	因公出国（境）费	公务用车购置及运行费	公务接待费
1	2	3	4	5	6	7	8
3.00		2.50	0.50	2.80		2.40	0.40
"""


def test_final_account_tables(tmp_path):
    path = tmp_path / "final_account.txt"
    path.write_text(FINAL_ACCOUNT, encoding="utf-8")
    extraction = parse_file(path)
    assert (extraction.unit.kind, extraction.unit.year, extraction.unit.region) == ("决算", 2023, "重庆市大足区")
    totals = extraction.totals
    assert (totals.income_total, totals.expense_total, totals.general_public_budget, totals.carryover) == (
        1530.25, 1530.25, 1500.25, 10.0)  # amounts after the 行次 column, 总计 rows, 年初结转和结余
    assert (totals.basic_expense, totals.project_expense) == (1210.25, 300.0)  # 栏次 row not taken as labels
    assert totals.three_public == 2.8  # the 决算数 合计, not the 预算数 3.00 nor the 栏次 "1"
    assert [(s.code, s.total, s.basic, s.project) for s in extraction.function_subjects][:3] == [
        ("208", 1400.1, 1100.1, 300.0), ("2080101", 1100.1, 1100.1, None), ("2080199", 300.0, None, 300.0)]


@pytest.mark.parametrize("module", ["loaders.read", "loaders.rows", "loaders.sections", "loaders.subjects",
                                    "loaders.unit", "loaders.notes", "loaders.kind_model", "loaders.narrative",
                                    "loaders.pdf_fonts", "kb.core.normalize", "kb.core.places"])
def test_docstring_examples_hold(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


@pytest.mark.parametrize("stem, kinds", [
    ("000_7c3d463bfeea7d61", {"fiscal_summary", "general_expense", "basic_economic", "three_public", "fund_expense",
                              "summary", "income", "expense", "procurement", "unit_performance",
                              "project_performance"}),
    ("001_f91b7b473888f42b", {"fiscal_summary", "general_expense", "basic_economic", "three_public", "fund_expense",
                              "summary", "income", "expense", "unit_performance", "project_performance"}),
    ("002_e9a684c38e2f8a64", {"summary", "expense", "fiscal_summary", "general_expense", "basic_economic",
                              "project_expense", "three_public", "fund_expense", "capital_expense", "unit_performance",
                              "project_performance"}),
    ("003_964a15e45ca13e4e", {"summary", "income", "expense", "fiscal_summary", "general_expense", "basic_economic",
                              "project_expense", "three_public", "fund_expense", "fund_three_public", "capital_expense",
                              "project_performance"}),
    ("004_db523993c574d7b7", {"summary", "income", "expense", "fiscal_summary", "fiscal_economic", "general_expense",
                              "basic_economic", "project_expense", "three_public", "fund_expense", "fund_three_public",
                              "capital_expense", "project_performance"}),
])
def test_sections_recognised_by_title(stem, kinds):
    """Every table of the standard set a document prints is found by its title (table numbers vary by district)."""
    from loaders.read import read_source
    from loaders.rows import rebuild_rows
    from loaders.sections import find_sections

    source = read_source(CORPUS / f"{stem}.txt")
    sections = [section for section in find_sections(rebuild_rows(source.lines, source.layout)) if section.table_rows]
    assert kinds <= {section.kind for section in sections}
    assert len([s for s in sections if s.kind == "other"]) <= 1  # 002's 目录 table is the only untyped one


def test_rows_rebuilt_in_every_layout():
    """One row of each corpus layout, traced to its first line."""
    from loaders.read import read_source
    from loaders.rows import rebuild_rows

    cells_layout = read_source(CORPUS / "000_7c3d463bfeea7d61.txt")  # one cell per line
    row = next(r for r in rebuild_rows(cells_layout.lines, cells_layout.layout) if r.line == 1264)
    assert (cells_layout.layout, row.cells, row.end_line) == ("cells", ["205", "教育支出", "4.93", "4.93", ""], 1268)
    markdown = read_source(CORPUS / "003_964a15e45ca13e4e.txt")  # <b> remnants, ## headings
    rows = rebuild_rows(markdown.lines, markdown.layout)
    assert next(r for r in rows if r.line == 149).cells == ["本 年 收 入 合 计", "17,742.62", "本 年 支 出 合 计", "24,107.98"]
    assert next(r for r in rows if r.line == 113).cells == ["单位收支总表"]
    tabs = read_source(CORPUS / "004_db523993c574d7b7.txt")  # a |---| rule row and page-break blank lines
    rows = rebuild_rows(tabs.lines, tabs.layout)
    assert not any(r.line == 274 for r in rows)  # "-----\t----\t…" dropped
    assert next(r for r in rows if r.line == 273).cells[:5] == ["221", "02", "01", "342601", "住房公积金"]
    pipes = rebuild_rows(["| 科目编码 | 科目名称 | 合计 |", "|---|---|---|", "| 208 | 社会保障和就业支出 | **1,396.07** |"])
    assert [r.cells for r in pipes] == [["科目编码", "科目名称", "合计"], ["208", "社会保障和就业支出", "1,396.07"]]


@pytest.mark.parametrize("title, kind", [
    ("表一：部门收支总表", "summary"), ("附件1：一般公共预算支出预算表", "general_expense"),
    ("表3-1、一般公共预算基本支出表", "basic_economic"), ("收入支出决算总表", "summary"),
    ("财政拨款收入支出决算总表", "fiscal_summary"), ("支出决算表", "expense"),
    ("## 一般公共预算“三公”经费支出预算表", "three_public"), ("政府性基金预算“三公”经费支出预算表", "fund_three_public"),
    ("重庆市綦江区社会保险事务中心一般公共预算财政拨款基本支出预", "basic_economic"),  # truncated title (001)
    ("公开01表", None), ("附表 5", None), ("备注：本表无数据。", None), ("四、“三公”经费情况说明", None),
    ("- 一、单位收支总表", None), ("2026年无使用政府性基金预算拨款安排的支出", None),
])
def test_title_kinds(title, kind):
    from loaders.sections import title_kind

    assert title_kind(title) == kind
