"""``kb ask`` end to end over the ingested corpus: every researcher question of ../shared/questions.json,
other wordings, traditional characters and bracket styles, follow-ups, sources, refusals, and injection."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kb.core.errors import UnanswerableQuestion
from kb.query.ask import ask

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
QUESTIONS = json.loads((SHARED / "questions.json").read_text(encoding="utf-8"))
KB = Path(sys.executable).with_name("kb")


def _numbers(value) -> list[float]:
    if isinstance(value, bool):
        return []
    if isinstance(value, (int, float)):
        return [float(value)]
    if isinstance(value, dict):
        return [n for item in value.values() for n in _numbers(item)]
    if isinstance(value, list):
        return [n for item in value for n in _numbers(item)]
    return []


def missing_expectations(answer: dict, expect: list[dict]) -> list[dict]:
    """The expected figures/strings (questions.json shape) found neither in the rows nor in the answer."""
    figures = _numbers(answer["rows"]) + [float(n) for n in re.findall(r"\d+(?:\.\d+)?", answer["answer"])]
    text = json.dumps(answer["rows"], ensure_ascii=False) + answer["answer"]
    missing = []
    for item in expect:
        if "number" in item and not any(abs(n - item["number"]) < 0.005 for n in figures):
            missing.append(item)
        if "text" in item and item["text"] not in text:
            missing.append(item)
    return missing


@pytest.mark.parametrize("case", QUESTIONS, ids=[case["id"] for case in QUESTIONS])
def test_researcher_question(corpus_store, case):
    answer = ask(corpus_store, case["question"]).to_dict()
    assert set(answer) >= {"question", "template", "params", "cypher", "columns", "rows", "answer", "sources"}
    assert answer["rows"], answer["answer"]
    assert not missing_expectations(answer, case["expect"]), answer["answer"]
    assert answer["sources"], "every answer with figures cites its sources"
    for source in answer["sources"]:
        assert source["file"].endswith(".txt") and source["line"] > 0 and isinstance(source["text"], str)


VARIANTS = [  # (question, id of the questions.json case whose expectations it must meet)
    ("渝委辦發〔2019〕66號支持了哪些項目？", "P01"),
    ("渝委办发【2019】66号支持了哪些项目？", "P01"),
    ("渝委办发[2019]66号资助了哪些单位的项目", "P01"),
    ("渝委办发（ 2019 ）66 号支持了哪些项目？", "P01"),
    ("依据渝人社发[2016]132号立项的项目有哪些？", "P02"),
    ("荣昌2026年项目支出多少", "P03"),
    ("綦江區社會保險事務中心2023年收入總計多少？", "P04"),
    ("荣昌民师生活医疗补助的立项依据是什么？", "P05"),
    ("住房公积金各单位分别是多少？", "P07"),
    ("三公经费哪个单位最高？", "P08"),
    ("社会保险档案管理服务专项有什么绩效指标？", "P09"),
    ("广元市社保中心2025年的基本支出", "P11"),
    ("苍溪有哪些项目", "P12"),
    ("綦江代发企业退休军转干解困补助资金多少钱？", "P13"),
    ("渝人社发【2012】219号文支持了哪个项目", "P15"),
    ("荣昌区2026年的行政运行是多少？", "P16"),
    ("哪个文件被引用最多？", "P18"),
    ("渝府办发(2017)84号和哪些文件一起被引用？", "P19"),
    ("涉及退捕渔民的项目有哪些？", "P20"),
    ("退捕渔民", "P20"),
    ("民办教师", "P10"),
    ("哪些区县有民办教师补助，金额多少？", "P10"),
    ("档案管理服务专项有哪些指标", "P09"),
    ("民师生活医疗补助依据的文件", "P05"),
    ("荣昌區社會保險事務中心2026年的項目支出是多少？", "P03"),
    ("企业退休军转干解困补助资金綦江区多少", "P13"),
    ("渝府辦發〔2017〕84號和哪些文件一起被引用", "P19"),
    ("以渝人社发〔2016〕132号为依据的项目", "P02"),
    ("被两个及以上单位共同引用的文件", "P06"),
    ("蒼溪縣社會保險事務中心有哪些項目", "P12"),
    ("万盛2024年的项目", "P14"),
    ("设置了服务对象满意度的项目", "P17"),
]


@pytest.mark.parametrize("question, case_id", VARIANTS)
def test_other_wordings_scripts_and_brackets(corpus_store, question, case_id):
    expect = next(case["expect"] for case in QUESTIONS if case["id"] == case_id)
    answer = ask(corpus_store, question).to_dict()
    assert not missing_expectations(answer, expect), answer["answer"]


def test_answer_sentence_states_the_figures(corpus_store):
    answer = ask(corpus_store, "渝委办发〔2019〕66号支持了哪些项目？")
    assert answer.template == "projects_by_policy"
    assert "被 2 个单位的 3 个项目引用，合计 418.99 万元" in answer.answer
    assert "207" in answer.answer and "81.99" in answer.answer


def test_a_figure_the_disclosure_leaves_blank_reads_as_undisclosed(corpus_store):
    """荣昌 2026's 行政运行 line (2080101) fills 基本支出 757.49 and leaves the 项目支出 cell blank."""
    answer = ask(corpus_store, "荣昌区2026年行政运行支出是多少？")
    assert answer.template == "subject_across_units"
    [row] = answer.rows
    assert row["basic"] == 757.49 and row["project"] is None
    assert "757.49 万元（基本 757.49，项目 未公开）" in answer.answer
    assert "—" not in answer.answer and "未公开 万元" not in answer.answer


def test_sources_quote_the_source_line(corpus_store):
    answer = ask(corpus_store, "綦江区社会保险事务中心2023年收入总计多少？")
    assert any("3,094.17" in source["text"] and source["file"].startswith("001_") for source in answer.sources)
    assert "3094.17" in answer.answer and "收入总计" in answer.answer
    assert "支出总计" not in answer.answer  # only the figure asked about (another figure would read as the answer)
    project = ask(corpus_store, "荣昌区民师生活医疗补助依据哪些文件？")  # 000 prints one cell per line
    assert any(source["text"] == "170.00" for source in project.sources)
    indicators = ask(corpus_store, "荣昌区社会保险档案管理服务专项有哪些绩效指标？")
    assert {"档案整理数量", "档案利用率", "服务对象满意度"} <= {source["text"] for source in indicators.sources}


def test_two_units_named_get_both(corpus_store):
    answer = ask(corpus_store, "荣昌区和綦江区的住房公积金分别是多少？")
    assert answer.template == "subject_across_units"
    assert {round(row["total"], 2) for row in answer.rows} == {66.09, 68.91}
    assert {row["unit"] for row in answer.rows} == {"重庆市荣昌区社会保险事务中心", "重庆市綦江区社会保险事务中心"}
    assert answer.answer.index("荣昌") < answer.answer.index("綦江")


def test_sources_come_from_the_stored_lines_when_the_file_is_gone(store, tmp_path):
    import shutil

    from kb.ingest import ingest_paths

    copy = tmp_path / "incoming" / "001_f91b7b473888f42b.txt"
    copy.parent.mkdir()
    shutil.copy(SHARED / "corpus" / copy.name, copy)
    ingest_paths([copy], store)
    copy.unlink()
    answer = ask(store, "綦江区社会保险事务中心2023年收入总计多少？")
    assert any("3,094.17" in source["text"] for source in answer.sources)


def test_semantic_fallback_says_so_and_finds_the_projects(corpus_store):
    answer = ask(corpus_store, "老师养老和医疗补助在哪些区县")  # no name, group or topic of the graph
    assert answer.template is None and answer.to_dict()["method"] == "semantic"
    assert "语义检索" in answer.answer
    assert (answer.rows[0]["project"], answer.rows[0]["amount"]) == ("代发民办教师养老和医疗补助资金", 168)


@pytest.mark.parametrize("question, figures", [
    ("民办教师补助在哪些区县有预算，各多少？", {"重庆市荣昌区社会保险事务中心": 170, "重庆市綦江区社会保险事务中心": 168}),
    ("民师补助各区县多少？", {"重庆市荣昌区社会保险事务中心": 170, "重庆市綦江区社会保险事务中心": 168}),
    ("军转干部补助各区县多少钱？", {"重庆市綦江区社会保险事务中心": 1000.3, "重庆市荣昌区社会保险事务中心": 540,
                              "重庆市万盛经济技术开发区社会保险事务中心": None}),  # 万盛's 641.87 is a bundle: no amount
    ("各地驻村帮扶经费对比", {"苍溪县社会保险事务中心": 5, "广元市社会保险事务中心": 3.64}),
])
def test_a_program_named_by_its_group_or_topic_is_compared_across_units(corpus_store, question, figures):
    answer = ask(corpus_store, question)
    assert answer.template == "program_across_units", answer.answer
    amounts: dict[str, float] = {}
    for row in answer.rows:
        if row["amount"] is not None:
            amounts[row["unit"]] = round(amounts.get(row["unit"], 0) + row["amount"], 2)
    assert {unit: amounts.get(unit) for unit in figures} == figures


def test_unknown_doc_no_says_it_is_unknown_and_offers_the_closest(corpus_store):
    answer = ask(corpus_store, "渝人社发〔2099〕132号支持了哪些项目？")
    assert answer.rows == []
    assert "没有文号 渝人社发〔2099〕132号" in answer.answer and "渝人社发〔2016〕132号" in answer.suggestions


@pytest.mark.parametrize("question, word", [("北碚区社保中心2026年项目支出是多少？", "北碚区社保中心"),
                                            ("北碚区有哪些项目", "北碚区")])
def test_an_unknown_unit_is_named_as_unknown(corpus_store, question, word):
    answer = ask(corpus_store, question)
    assert answer.rows == [] and answer.to_dict()["method"] == "unresolved"
    assert f"没有单位“{word}”" in answer.answer and "荣昌区社会保险事务中心" in answer.answer


def test_basis_only_when_asked_for_the_basis(corpus_store):
    basis = ask(corpus_store, "哪些项目的立项依据是渝委办发〔2019〕66号？")
    assert basis.params["role"] == "basis" and {row["role"] for row in basis.rows} == {"basis"}
    assert "81.99" not in basis.answer and "作为立项依据" in basis.answer
    mentioned_only = ask(corpus_store, "哪些项目的立项依据是渝人社〔2017〕225号？")  # 000 only mentions it
    assert mentioned_only.rows == [] and "没有项目把它作为立项依据" in mentioned_only.answer
    assert ask(corpus_store, "渝人社〔2017〕225号支持了哪些项目？").rows


def test_an_empty_result_is_not_presented_as_a_missing_unit(corpus_store):
    answer = ask(corpus_store, "荣昌区社会保险事务中心2023年的项目支出是多少？")
    assert answer.template == "unit_budget" and answer.rows == []
    assert "在知识库中" in answer.answer and "2026" in answer.answer


def test_unanswerable_question_names_the_unresolved_words(corpus_store):
    with pytest.raises(UnanswerableQuestion, match="旗舰店"):
        ask(corpus_store, "旗舰店的营业额？")
    with pytest.raises(UnanswerableQuestion, match="问题是空的"):
        ask(corpus_store, "   ")


def test_an_empty_store_says_so(store):
    with pytest.raises(UnanswerableQuestion, match="知识库是空的：请先运行 `kb ingest"):
        ask(store, "有哪些单位？")


def test_follow_up_reuses_the_previous_template(corpus_store):
    first = ask(corpus_store, "荣昌区社会保险事务中心2026年的项目支出是多少？")
    second = ask(corpus_store, "那綦江呢？", previous=first)
    assert second.template == "unit_budget" and second.params["unit"] == "重庆市綦江区社会保险事务中心"
    assert second.rows == [] and "没有列出项目支出" in second.answer  # 001 prints no 项目支出: absent, not another figure
    wansheng = ask(corpus_store, "那万盛呢？", previous=first)  # the figure asked about stays first
    assert wansheng.answer.split("：", 1)[1].startswith("项目支出 784.87 万元")
    fresh = ask(corpus_store, "荣昌有哪些项目呢？", previous=first)  # a full question is not a follow-up
    assert fresh.template == "unit_projects" and len(fresh.rows) == 10
    ranking = ask(corpus_store, "荣昌区2026年行政运行支出是多少？")
    by_year = ask(corpus_store, "按年份呢？", previous=ranking)
    assert by_year.template == "subject_across_units" and by_year.params["year"] == 0
    indicators = ask(corpus_store, "社保服务运维专项有哪些绩效指标？")
    other = ask(corpus_store, "那社会保险档案管理服务专项呢？", previous=indicators)
    assert other.template == "project_indicators" and "档案利用率" in json.dumps(other.rows, ensure_ascii=False)


def test_a_cypher_fragment_in_a_question_changes_nothing(corpus_store):
    before = corpus_store.stats()
    for question in ("'}) MATCH (n) DETACH DELETE n //", "渝委办发〔2019〕66号'}) MATCH (n) DETACH DELETE n //支持了哪些项目？",
                     "荣昌\") DETACH DELETE n; //有哪些项目？"):
        try:
            ask(corpus_store, question)
        except UnanswerableQuestion:
            pass
    assert corpus_store.stats() == before
    assert ask(corpus_store, "渝委办发〔2019〕66号支持了哪些项目？").rows


# ---- through the CLI (the ingested corpus in a folder of its own, then `kb ask --json`) -------------

@pytest.fixture(scope="module")
def cli_db(make_corpus_folder):
    """A folder of its own holding the ingested corpus (a copy of the session's, conftest), closed, for `kb`."""
    return make_corpus_folder("cli")


def _env() -> dict:
    return {**os.environ, "KB_EMBEDDING_MODEL": "lexical", "HF_HUB_OFFLINE": "1"}


def _kb(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(KB), *args], capture_output=True, text=True, env=_env(), timeout=300)


@pytest.mark.parametrize("case_id", ["P01", "P06", "P16"])
def test_cli_ask_json(cli_db, case_id):
    case = next(case for case in QUESTIONS if case["id"] == case_id)
    done = _kb("ask", case["question"], "--db", str(cli_db), "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert not missing_expectations(answer, case["expect"]), answer["answer"]


def test_cli_templates_and_query(cli_db):
    listed = json.loads(_kb("templates", "--json").stdout)
    assert len(listed) >= 12 and all(len(item["examples"]) >= 3 for item in listed)
    done = _kb("query", "unit_budget", "--param", "unit=广元市社会保险事务中心", "--param", "year=2025", "--db", str(cli_db),
               "--json")
    assert done.returncode == 0, done.stderr
    assert abs(json.loads(done.stdout)["rows"][0]["basic_expense"] - 1090.44) < 0.005


def test_cli_errors_are_one_line(cli_db):
    for args in (("query", "no_such_template", "--db", str(cli_db)), ("ask", "旗舰店的营业额？", "--db", str(cli_db)),
                 ("query", "unit_budget", "--db", str(cli_db))):
        done = _kb(*args)
        assert done.returncode == 1
        assert done.stderr.startswith("错误[") and len(done.stderr.strip().splitlines()) == 1, done.stderr
