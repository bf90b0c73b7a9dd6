"""The project readers for layouts outside the corpus (issue 12), on real dev texts of tests/data/real.

Each test reads one real disclosure of the dev split (never a holdout or fresh one) and asserts the
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
