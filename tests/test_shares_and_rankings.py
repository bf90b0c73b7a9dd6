"""Shares, differences, 文件 ranked by what they support, totals across units and absent years (issue 11, third
round), asked of the five corpus documents in a real embedded store. Figures read from the documents: 荣昌
基本支出 1,060.61 of 支出总计 2,235.58 万元 (000, 表二 and 收支总表); 渝人社发〔2012〕219号 the 立项依据 of 綦江's
代发企业退休军转干解困补助资金 1,000.3 万元 (001); 苍溪 24,107.98 and 广元 1,183.38 万元 支出总计 (003, 004)."""

from __future__ import annotations

import pytest

from kb.query.arithmetic import asks_difference_only, share_parts
from kb.query.ask import ask
from kb.query.conversation import Conversation
from kb.store import open_store


@pytest.fixture(scope="module")
def store(make_corpus_folder):
    with open_store(make_corpus_folder("shares"), "embedded") as opened:
        yield opened


def test_share_questions_split_at_zhan():
    assert share_parts("荣昌区基本支出占支出总计的比例是多少") == ("荣昌区基本支出", "支出总计")
    assert share_parts("廣元市社保中心基本支出佔比") == ("广元市社保中心基本支出", "支出总计")  # traditional, 占比 alone
    assert share_parts("占支出总计的比例呢") == ("", "支出总计")
    assert share_parts("荣昌区有哪些项目") is None
    assert asks_difference_only("差多少？") and not asks_difference_only("荣昌差多少项目")


def test_a_share_of_two_budget_figures_and_of_all_units(store):
    answer = ask(store, "荣昌区基本支出占支出总计的比例是多少")
    assert answer.rows[0]["share_percent"] == 47.44 and answer.rows[0]["denominator"] == 2235.58
    over_all = ask(store, "苍溪县支出总计占所有单位的百分之几")
    assert over_all.rows[0]["denominator"] == 32103.45 and over_all.rows[0]["share_percent"] == 75.09


def test_a_share_follow_up_keeps_the_denominator(store):
    chat = Conversation(store)
    chat.ask("荣昌区基本支出多少")
    assert chat.ask("占支出总计的比例呢").rows[0]["share_percent"] == 47.44
    assert chat.ask("那广元呢").rows[0]["share_percent"] == 92.15  # 1,090.44 / 1,183.38


def test_a_share_of_an_absent_unit_gives_no_figure(store):
    answer = ask(store, "南充市社保中心的基本支出占比")
    assert "没有" in answer.answer and not answer.rows


def test_differences_between_two_units(store):
    assert "22924.6 万元" in ask(store, "苍溪比广元的支出总计多多少").answer
    chat = Conversation(store)
    chat.ask("荣昌和广元谁的三公经费多")
    assert "0.6 万元" in chat.ask("差多少").answer  # 广元 1.5 − 荣昌 0.9


def test_policies_ranked_by_money_and_by_projects(store):
    money = ask(store, "哪个文件支持的资金最多")
    assert money.template == "policy_support" and money.rows[0]["doc_no"] == "渝人社发〔2012〕219号"
    assert money.rows[0]["amount"] == 1000.3
    projects = ask(store, "綦江哪个文件支持的项目最多")
    assert {row["doc_no"] for row in projects.rows} == {"渝农发〔2014〕295号", "渝财社〔2013〕312号"}
    assert all(row["project_count"] == 3 for row in projects.rows)
    issuer = ask(store, "重庆市财政局的文件里哪个支持的钱最多")
    assert issuer.rows[0]["doc_no"] == "渝财社〔2013〕312号" and issuer.rows[0]["amount"] == 210.0  # 168 + 33 + 9


def test_totals_across_units_and_a_province(store):
    everything = ask(store, "全部项目一共多少钱")
    assert "52 个项目" in everything.answer and "12088.59 万元" in everything.answer
    assert "7.9 万元" in ask(store, "重庆的三个单位三公经费一共多少").answer  # 0.9 + 3.5 + 3.5


def test_a_year_no_budget_covers_is_absent_with_the_years_held(store):
    answer = ask(store, "2021年项目最少的单位")
    assert answer.error["code"] == "Q_NO_YEAR_IN_STORE" and not answer.rows
    assert "2023 年" in answer.answer and "2026 年" in answer.answer
