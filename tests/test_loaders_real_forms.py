"""Loaders on the forms real disclosures take beyond the five corpus layouts (issue 12).

Each file in tests/data/loaders_dev/ is written for one such form (see its README for the real pages
it follows); the tests assert the figures, names, years, kinds and 文号 read from it. The real-document
set itself (tests/data/real) is scored by tests/test_real_documents.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kb.checks.rules import check_extraction
from kb.core.doc_no import find_doc_nos
from kb.core.normalize import normalize_text
from loaders import parse_file
from loaders.coverage import coverage, report_line
from loaders.table_titles import classify_title

DEV = Path(__file__).resolve().parent / "data" / "loaders_dev"
REPO = Path(__file__).resolve().parents[1]


def test_a_three_public_table_in_yuan_flattened_to_space_separated_rows():
    extraction = parse_file(DEV / "three_public_yuan.txt")
    assert extraction.totals.three_public == 25.0  # "一、支出合计   250000" under "单位:元"
    assert extraction.unit.name in ("台创园", "岳阳县台创园") and extraction.unit.year == 2017
    assert extraction.unit.kind == "预算"
    assert any(note.startswith("[read.amount_unit]") and "以元列示金额，已折算为万元" in note for note in extraction.notes)


def test_a_table_printed_one_cell_per_line_with_pipes():
    extraction = parse_file(DEV / "three_public_cells.txt")
    assert extraction.totals.three_public == 4432.0
    assert extraction.unit.year == 2021  # the table title's year, not 2020 of "与2020年预算基本持平"
    assert extraction.unit.name is None  # 区本级 names no unit


def test_a_final_account_narrative():
    extraction = parse_file(DEV / "final_account_narrative.txt")
    totals = extraction.totals
    # 收、支总计 9,685.55 states both totals; 本年收入合计 9,578.17 is the current year's income only
    assert (totals.income_total, totals.expense_total, totals.carryover) == (9685.55, 9685.55, 107.38)
    assert (extraction.unit.name, extraction.unit.year, extraction.unit.kind) == ("北京市朝阳区某某局", 2022, "决算")
    line = extraction.lines[totals.lines["income_total"] - 1]
    assert "9,685.55" in line


def test_amounts_in_yuan_and_wrapped_sentences():
    extraction = parse_file(DEV / "yuan_narrative.txt")
    assert extraction.totals.basic_expense == 247.626058  # 2476260.58 元
    assert extraction.totals.project_expense == 46.95  # 469500 元, not the 0元 of the page's first line
    assert extraction.totals.expense_total is None  # 对个人和家庭补助支出预算 13980 元 is no total
    assert extraction.unit.year == 2024 and extraction.unit.kind == "预算"


def test_a_self_evaluation_form_one_label_per_line():
    extraction = parse_file(DEV / "self_evaluation_form.txt")
    assert [(p.name, p.amount) for p in extraction.projects] == [("办公楼暖通改造经费", 43.2)]
    assert extraction.unit.name == "廊坊市某某工程学校"  # 实施单位, not 主管部门
    assert extraction.unit.year == 2019 and extraction.unit.kind is None  # a self-evaluation has no kind


def test_a_funding_notice():
    extraction = parse_file(DEV / "funding_notice.txt")
    unit = extraction.unit
    assert (unit.name, unit.year, unit.kind) == ("天津市某某区财政局", 2022, "通知")  # the lead issuer
    assert [d.doc_no for d in extraction.policy_docs] == ["津某财建〔2022〕88号", "津发改批复(投资)〔2022〕19号",
                                                          "津财建〔2021〕7号"]
    # one project, funded 根据 the two cited 文号 (not the notice's own); 中央资金/市级资金 are its split
    assert [(p.name, p.amount, p.basis_refs) for p in extraction.projects] == [
        ("老旧小区改造项目", 500.0, ["津发改批复(投资)〔2022〕19号", "津财建〔2021〕7号"])]


def test_mirror_site_pinyin_and_a_bracketed_unit_code():
    assert normalize_text("部門預(yù)算") == "部门预算"
    assert normalize_text("项目(a)名称") == "项目(a)名称"  # a bracketed word without tone is kept
    extraction = parse_file(DEV / "mirror_pinyin.txt")
    assert (extraction.unit.name, extraction.unit.code) == ("武汉市青山区教育局", "015001")
    assert (extraction.totals.income_total, extraction.totals.general_public_budget) == (12345.67, 11000.0)
    assert extraction.unit.confidence["name"] >= 0.8 and extraction.unit.lines["name"] == 1


def test_inner_bracket_doc_no_keeps_its_issuer():
    assert [m.doc_no for m in find_doc_nos("根据津发改批复(投资)〔2022〕19号和渝府发〔2006〕2号")] == [
        "津发改批复(投资)〔2022〕19号", "渝府发〔2006〕2号"]


def test_a_document_with_only_a_doc_no_is_ingested_with_a_note(tmp_path):
    path = tmp_path / "paragraph.txt"
    path.write_text("重点开展绩效目标运行跟踪，落实《关于全面实施预算绩效管理的通知》(涪陵委〔2020〕34号)文件精神。",
                    encoding="utf-8")
    extraction = parse_file(path)  # not refused
    assert [d.doc_no for d in extraction.policy_docs] == ["涪陵委〔2020〕34号"]
    found = coverage(extraction)
    assert (found["unit"], found["doc_nos"], found["projects"]) == (False, 1, 0)
    assert any(note.startswith("[document.incomplete]") and "单位" in note for note in extraction.notes)
    assert report_line("paragraph.txt", extraction) == "paragraph.txt：单位 无，年度 无，类型 无，总额 0 项，项目 0 个，文号 1 个"
    incomplete = [f for f in check_extraction(extraction) if f.kind == "incomplete"]
    assert len(incomplete) == 1 and "单位" in incomplete[0].message


@pytest.mark.parametrize("title, kind", [
    ("2016年市国资委财政拨款“三公”经费预算表", "three_public"),
    ("收入支出决算总表", "summary"),
    ("一般公共预算财政拨款基本支出决算明细表", "basic_economic"),
    ("部门收支总体情况表", "summary"),
    ("项目支出绩效自评表", "project_performance"),
    ("表二：收入决算表", "income"),  # numbering is ignored
    ("人大代表", None),  # ends in 表 but names no table
    ("备注：本表无数据。", None),
])
def test_one_recogniser_of_table_titles(title, kind):
    assert classify_title(title) == kind


def test_kb_ingest_report_prints_one_line_per_document(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("funding_notice.txt", "three_public_yuan.txt"):
        (folder / name).write_bytes((DEV / name).read_bytes())
    result = subprocess.run([sys.executable, "-m", "kb.cli", "ingest", str(folder), "--db", str(tmp_path / "db"),
                             "--report"], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if "：单位" in line]
    assert lines == ["funding_notice.txt：单位 天津市某某区财政局，年度 2022，类型 通知，总额 0 项，项目 1 个，文号 3 个",
                     "three_public_yuan.txt：单位 " + parse_file(DEV / "three_public_yuan.txt").unit.name
                     + "，年度 2017，类型 预算，总额 1 项，项目 0 个，文号 0 个"]


def test_a_final_account_table_dumped_one_cell_per_line_with_row_numbers():
    extraction = parse_file(DEV / "final_account_cells.txt")
    assert extraction.totals.general_public_budget == 440.55  # not the 行次 "1" printed between label and figure
    assert (extraction.unit.name, extraction.unit.year, extraction.unit.kind) == ("南漳县某某服务中心", 2019, "决算")
    assert extraction.totals.lines["general_public_budget"] == 27  # the label's line


def test_a_notice_without_title_is_signed_by_its_unit(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text("各有关企业:\n现将2021年农业发展专项资金下拨给你们,有关事项通知如下:\n一、本次下拨资金共86.5万元。\n"
                    "中山市农业农村局\n2021年9月3日\n", encoding="utf-8")
    unit = parse_file(path).unit
    assert (unit.name, unit.year, unit.kind) == ("中山市农业农村局", 2021, "通知")
    assert unit.sources["name"] == "signature" and unit.lines["name"] == 4


@pytest.mark.parametrize("title, expected", [
    ("某某市某某局关于2021年度部门决算的说明", ("某某市某某局", 2021, "决算")),
    ("某某市某某局2021年预算公开情况说明", ("某某市某某局", 2021, "预算")),
    ("2021年某某县人民医院决算公开表.xlsx", ("某某县人民医院", 2021, "决算")),
])
def test_title_wordings(tmp_path, title, expected):
    path = tmp_path / "title.txt"
    path.write_text(title + "\n一、收入合计100万元。\n", encoding="utf-8")
    unit = parse_file(path).unit
    assert (unit.name, unit.year, unit.kind) == expected


REAL = Path(__file__).resolve().parent / "data" / "real"


def test_a_document_without_title_or_field_is_named_by_the_unit_it_mentions_most():
    """r082 (dev) prints its unit only in a part heading, r094 (dev) only in a flattened PDF line."""
    archive = parse_file(REAL / "r082.txt")  # "汨罗市档案馆部门(单位)概况"; 市档案局 is another body
    assert archive.unit.name == "汨罗市档案馆" and archive.unit.kind == "决算"
    assert archive.unit.sources["name"].startswith("most mentioned name")
    bureau = parse_file(REAL / "r094.txt")  # "2021 年 10 月 辛集市农业农村局 2020 年度决算公开文本"
    assert bureau.unit.name == "辛集市农业农村局" and bureau.unit.year == 2020


def test_mentions_count_place_prefixed_names_and_prefer_the_full_name():
    from loaders.unit_mentions import mentions, most_mentioned

    lines = ["禄丰市黑井中心卫生院2023年度部门决算", "禄丰市黑井中心卫生院贯彻执行党和国家关于卫生健康工作的法律法规",
             "(二)民政和社区事务办公室", "协助市档案局研究制定规划"]
    counts = mentions(lines)
    assert counts["禄丰市黑井中心卫生院"] == 2 and "禄丰市黑井中心" not in counts  # only ever inside the longer name
    assert "民政和社区事务办公室" not in counts  # 民政和社区 is no place
    assert most_mentioned(lines) == ("禄丰市黑井中心卫生院", 2)
    assert most_mentioned(["协助市档案局研究制定规划"]) == ("协助市档案局", 1)  # the only name mentioned
    assert most_mentioned(["丰都县水利局", "丰都县财政局"]) is None  # two names once each: too weak


def test_mentions_skip_quoted_titles_and_split_a_joint_signature():
    from loaders.unit_mentions import mentions, most_mentioned, signed_name

    text = (REAL / "r113.txt").read_text(encoding="utf-8").splitlines()  # dev: a notice body run into one line
    counts = mentions(text)
    assert counts["温州市财政局"] == 1 and counts["温州市农业农村局"] == 1  # "…明细表.doc温州市财政局温州市农业农村局2023年…"
    assert not any(name.startswith("浙江省") for name in counts)  # the issuers of the 《notices》 it cites
    assert most_mentioned(text) is None  # two names once each: neither is named by frequency
    assert signed_name(text) == "温州市财政局"  # the lead signer, glued to the date 2023年4月14日
    assert parse_file(REAL / "r113.txt").unit.name == "温州市财政局"


def test_signatures_joint_on_one_line_and_wrapped_over_two_give_the_lead_issuer():
    real = Path(__file__).resolve().parent / "data" / "real"
    # "邵阳市北塔区财政局         邵阳市北塔区农业农村水利局" over "20191227": the first of the joint issuers
    assert parse_file(real / "r178.txt").unit.name == "邵阳市北塔区财政局"
    # "泽库县乡村振兴领导小组" / "办公室(代)" at the end of the notice: one name wrapped over two lines
    assert parse_file(real / "r179.txt").unit.name == "泽库县乡村振兴领导小组办公室"
    # "织金县扶贫开发领导小组" over its date: a 领导小组 is a unit
    assert parse_file(real / "r177.txt").unit.name == "织金县扶贫开发领导小组"
