"""Readers added for project RECALL on unseen layouts (issue 12, recall2 branch), on real training documents.

Each layout below was proposed by no reader before: a table flattened onto one line or with its header spread over
several lines (loaders/project_flat_tables.py), numbered items whose money phrase follows the name's sentence
(loaders/project_lists.py), approvals and procurement notices whose form prints 总投资/预算金额(元) (loaders/project_forms.py)
and approvals naming their project in one sentence and its investment in a later one (loaders/project_sentences.py).
Only training splits (dev) are read here.
"""

from __future__ import annotations

from loaders import parse_file
from loaders.project_flat_tables import flat_table_entries
from loaders.project_forms import form_entries
from loaders.project_lists import listed_entries
from loaders.project_sentences import paired_entries
from tests.real_scoring import DATA


def _projects(document: str) -> list[tuple[str, float | None]]:
    return [(project.name, project.amount) for project in parse_file(DATA / f"{document}.txt").projects]


def test_a_header_spread_over_several_lines_heads_the_rows_below():
    # r196 岳阳县: "序号 | 乡镇 (单位名称) |" / "村名 | 项目 名称 |" / … / "中央 | 省级 | 市级 | 县级", then one row per line
    extraction = parse_file(DATA / "r196.txt")
    entries = flat_table_entries(extraction.lines)
    assert [(e.name, e.amount, e.first_line) for e in entries[:2]] == [
        ("柏祥村黄升组中间塘清污加固护砌", 20.0, 16), ("狮山片道路维修", 10.0, 17)]
    assert entries[2].amount is None  # the third row is cut off before its figure
    assert [(p.name, p.amount) for p in extraction.projects] == [("柏祥村黄升组中间塘清污加固护砌", 20.0),
                                                                 ("狮山片道路维修", 10.0)]


def test_a_table_flattened_onto_one_line_is_cut_into_rows_at_its_sequence_numbers():
    # r194 平阳县: "…计划表(第一批) 序号 | 项目名称 | 单位名称 | 项目建 设地址 | … | 1 | 104西过境… | … | 902 | 730 | …"
    extraction = parse_file(DATA / "r194.txt")
    entries = flat_table_entries(extraction.lines)
    assert [(e.name, e.amount) for e in entries] == [("104西过境官岙邸村段沿线风貌整治提升", 902.0), ("官岙邸村西岸精品民宿群", None)]
    assert ("104西过境官岙邸村段沿线风貌整治提升", 902.0) in _projects("r194")


def test_numbered_items_take_the_money_phrase_after_their_name():
    # r423 友谊县: "1、友谊县2025年小额信贷贷款贴息项目。拟安排资金3万元,…"
    listed = [(e.name, e.amount) for e in listed_entries(parse_file(DATA / "r423.txt").stream.rows)]
    assert len(listed) == 7
    assert listed[:2] == [("友谊县2025年小额信贷贷款贴息项目", 3.0), ("友谊县农旅融合项目", 1500.0)]
    assert ("友谊县2025年春季学期雨露计划助学补助项目", 1.5) in listed
    # r184: "(一)安排产业发展项目资金14343.83万元。其中…" holds a figure: an allocation, not an item's name
    assert not any("万元" in e.name for e in listed_entries(parse_file(DATA / "r184.txt").stream.rows))


def test_approval_and_procurement_forms_read_their_investment_and_budget():
    # r406: "一、项目名称:杨陵区义务教育学校提升改造工程。" … "项目匡算总投资约603万元"
    assert [(e.name, e.amount) for e in form_entries(parse_file(DATA / "r406.txt").stream.rows)] == [
        ("杨陵区义务教育学校提升改造工程", 603.0)]
    # r420: "采购项目名称:清远海事局钢质趸船采购项目" … "预算金额(元):2,240,000.00"
    assert [(e.name, e.amount) for e in form_entries(parse_file(DATA / "r420.txt").stream.rows)] == [
        ("清远海事局钢质趸船采购项目", 224.0)]
    # r422: "项目名称:吉安县新时代文明实践站建设项目(项目代码:…)" … "项目估算总投资199万******"
    assert [(e.name, e.amount) for e in form_entries(parse_file(DATA / "r422.txt").stream.rows)] == [
        ("吉安县新时代文明实践站建设项目", 199.0)]


def test_an_investment_pointing_back_pairs_with_the_project_the_approval_names():
    # r432: "原则同意东木镇小石河小流域治理项目立项。" … two sentences later "项目估算总投资310万元"
    paired = {e.name: (e.amount, e.pairing) for e in paired_entries(parse_file(DATA / "r432.txt").stream.rows)}
    amount, pairing = paired["东木镇小石河小流域治理项目"]
    assert amount == 310.0 and "pair_next_sentence=far" in pairing
    # r426: "…关于连南瑶族自治县三排镇食用菌循环经济示范园区建设项目…": the name opens at the county, not after 经
    names = [e.name for e in paired_entries(parse_file(DATA / "r426.txt").stream.rows)]
    assert names == ["连南瑶族自治县三排镇食用菌循环经济示范园区建设项目"]
