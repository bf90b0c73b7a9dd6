"""The project readers for layouts outside the corpus (issue 12), on real dev texts of tests/data/real.

Each test reads one real disclosure of the dev or fresh split (the real3 branch's tuning set; never a holdout
or unseen3 one) and asserts the
projects, amounts (万元) and 文号 printed in it; the last one reads a loaders_dev example of a project
table in 元 (tests/data/loaders_dev/README.md).
"""

from __future__ import annotations

from pathlib import Path

from loaders import parse_file
from loaders.project_narrative import is_funding_phrase

REAL = Path(__file__).resolve().parent / "data" / "real"
DEV = Path(__file__).resolve().parent / "data" / "loaders_dev"


def _projects(name: str) -> list[tuple[str, float | None]]:
    return [(project.name, project.amount) for project in parse_file(REAL / name).projects]


def test_an_ocr_self_evaluation_form_run_together_gives_its_project_and_glued_amount():
    # "项目名称初中公用经费主管部门…年度资金总额…64.864.864.8100%": 64.8 in three budget columns, then 100%
    assert _projects("r046.txt") == [("初中公用经费", 64.8)]


def test_a_funding_figure_in_a_self_evaluation_report_is_no_project():
    assert _projects("r112.txt") == []  # "实际到位资金334.67万元"


def test_a_numbered_list_with_amounts_on_the_next_line():
    projects = _projects("r143.txt")
    assert len(projects) == 6 and projects[0] == ("西卜沙乡三个村游牧民定居点人饮巩固提升工程", 500.0)
    assert round(sum(amount for _, amount in projects), 2) == 1259.0  # "项目总投资为1259万元"
    assert ("泽库县农村牧区小口机井工程(二期)", 208.0) in projects


def test_allocations_by_purpose_are_no_projects_and_the_notice_is_a_notice():
    extraction = parse_file(REAL / "r145.txt")
    assert extraction.projects == []  # "产业发展安排资金172.8万元", "下达我市…补助资金318万元"
    assert extraction.unit.kind == "通知" and extraction.unit.name == "楚雄市乡村振兴局"
    assert [doc.doc_no for doc in extraction.policy_docs] == ["楚财农〔2022〕82号"]


def test_doc_nos_with_small_form_brackets_and_a_split_issuer():
    extraction = parse_file(REAL / "r142.txt")
    assert {doc.doc_no for doc in extraction.policy_docs} == {"邵北财农绩〔2023〕1号", "财办农〔2019〕68号"}


def test_funding_phrases_and_project_names():
    assert all(map(is_funding_phrase, ["实际到位资金", "市级配套资金", "其中：中央资金", "结转结余资金", "产业发展安排资金"]))
    assert not any(map(is_funding_phrase, ["科技活动交流经费", "镇域内基础设施建设项目", "社保服务专项"]))


def test_a_project_table_found_by_its_header_in_yuan():
    extraction = parse_file(DEV / "project_allocation_table.txt")
    # 补助资金 under 单位：元: 1,200,000.00 元 = 120 万元; the 中央资金 row and 合计 are no projects
    assert [(p.name, p.amount) for p in extraction.projects] == [("东沟村人饮巩固提升工程", 120.0),
                                                                ("西山村饲料加工基地扩建项目", 85.0)]
    assert extraction.projects[0].basis_refs == ["青财农字〔2023〕505号"]
    assert extraction.unit.kind == "通知" and extraction.unit.year == 2023


def test_projects_named_after_a_verb_and_a_cited_doc_no_with_its_verb_cut_off():
    # "现收回原奉节财农〔2024〕98号下达永乐镇…项目资金200万元、企业科技创新能力提升项目资金100万元"
    extraction = parse_file(REAL / "r134.txt")
    assert [(p.name, p.amount) for p in extraction.projects] == [
        ("永乐镇大坝村产业帮扶车间及配套设施项目", 200.0), ("企业科技创新能力提升项目", 100.0)]
    assert "奉节财农〔2024〕98号" in {doc.doc_no for doc in extraction.policy_docs}


def test_a_leading_year_of_an_enumerated_project_belongs_to_its_name():
    # "(二)2022年凤泉区耿黄镇东张门村标准化厂房项目144万元(省级资金144万元)": the bracket is its funding split
    assert _projects("r128.txt") == [("2022年凤泉区大块镇新旺现代牧场建设项目", 43.0),
                                     ("2022年凤泉区耿黄镇东张门村标准化厂房项目", 144.0)]


def test_a_form_run_together_drops_the_fund_note_and_reads_the_total_after_empty_columns():
    # "项目名称2022年…推广项目(2022年少数民族发展资金项目)主管部门…项目资金(万元)年初预算数全年执行数年度资金总额:38.75万元"
    assert _projects("r129.txt") == [("2022年原州区健康饮茶“送茶入户”边销茶推广项目", 38.75)]


def test_a_list_of_projects_after_fenbie_shi_and_the_fund_a_notice_allocates():
    projects = _projects("r130.txt")  # "分别是科技活动交流经费5万元,科技项目评审及系统维护费18万元,…"
    assert projects[:2] == [("科技活动交流经费", 5.0), ("科技项目评审及系统维护费", 18.0)] and len(projects) == 6
    assert _projects("r131.txt") == []  # "现将2022年度大中型水库移民后期扶持资金25149万元下达给你们": the title's fund


def test_a_table_printed_one_cell_per_line_with_a_short_row_and_subtotals():
    # 序号 / 村名 / 项目名称 / 建设内容 / 资金金额, then 16 rows; "16 / 小额信贷贴息 / 12" has no village or content
    projects = _projects("r178.txt")
    assert len(projects) == 16 and projects[0] == ("水果基地", 20.0) and projects[-1] == ("小额信贷贴息", 12.0)
    assert ("葡萄基地", 10.0) in projects  # "10(其中,灾情因素6万元)"
    assert round(sum(amount for _, amount in projects), 2) == 408.0  # the table's 合计


def test_a_pipe_table_one_cell_per_line_with_amounts_in_their_cells():
    assert _projects("r175.txt") == [("彰北办事处周家营村2018年度财政扶贫建设人行道地面硬化项目", 20.0),
                                     ("北关区彰北办事处屈王度村2018年度财政扶贫建设饮水工程项目", 20.0),
                                     ("柏庄镇后林都道路建设项目", 73.5)]
    assert _projects("r177.txt") == []  # a header cut before its money column is no project block


def test_an_enumerated_project_with_its_size_after_a_description_and_a_funding_source_that_is_no_project():
    extraction = parse_file(REAL / "r176.txt")  # "资金规模:206.7万元。" then "资金来源:少数民族发展项目资金173万元。"
    assert [(p.name, p.amount) for p in extraction.projects][:2] == [("兴仁镇川裕村渠道改造项目", 206.7),
                                                                      ("香山乡米粮川村水利配套设施项目", 154.16)]
    assert extraction.unit.kind == "通知"  # "特制定如下资金使用计划"
