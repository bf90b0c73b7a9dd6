"""The question engine's new parts on the real corpus: gazetteer (文号 spellings, titles, issuers, homophones),
question frame (operations, indicator types, existence), conversations (Conversation, kb chat --jsonl) and
the Chinese message catalogue. Figures are those printed in ../shared/corpus."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kb.query.ask import ask
from kb.query.conversation import Conversation
from kb.query.frame import read_frame
from kb.query.name_forms import issuer_forms, title_forms
from kb.query.intent import MODEL_FILE, classify
from kb.query.messages import MESSAGES, render
from kb.query.vocabulary import vocabulary
from corpus_units import CANGXI, QIJIANG, RONGCHANG

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("question, doc_no", [
    ("渝农发2014年295号文", "渝农发〔2014〕295号"), ("渝人社发 2012 219号", "渝人社发〔2012〕219号"),
    ("渝府办发2017年第84号文支持哪些项目", "渝府办发〔2017〕84号"), ("渝人社发（2021）第9号涉及哪个项目", "渝人社发〔2021〕9号"),
    ("关于妥善解决国有企业职教幼教退休教师待遇问题的通知支持了哪些项目", "渝国资发〔2011〕9号"),
    ("《重庆市人力资源市场条例》涉及哪些项目", "《重庆市人力资源市场条例》"),
])
def test_a_doc_no_in_any_spelling_or_by_its_title(vocab, question, doc_no):
    frame = read_frame(question, vocab)
    assert frame.mentions.doc_nos == [doc_no] and frame.template == "projects_by_policy"


@pytest.mark.parametrize("question, unit, typed", [
    ("仓溪县有哪些项目", CANGXI, "仓溪县"), ("棋江区的三公经费", QIJIANG, "棋江区"), ("容昌区的三公经费", RONGCHANG, "容昌区"),
])
def test_homophone_typos_of_units_are_read_and_said(corpus_store, vocab, question, unit, typed):
    assert read_frame(question, vocab).mentions.units == [unit]
    answer = ask(corpus_store, question)
    assert f"理解“{typed}”" in answer.answer and answer.fuzzy[0]["typed"] == typed


def test_issuer_by_full_name_covers_all_its_codes(corpus_store):
    answer = ask(corpus_store, "重庆市人力资源和社会保障局发了哪些被引用的文件")
    assert {"渝人社发〔2012〕219号", "渝人社〔2017〕225号"} <= {row["doc_no"] for row in answer.rows}
    assert "重庆市人社局" in issuer_forms("重庆市人力资源和社会保障局")
    assert "下达补助资金" in title_forms("重庆市财政局关于下达补助资金的通知")


@pytest.mark.parametrize("question, figure, word", [
    ("三公经费最少的单位", 0.9, "荣昌"), ("广元有几个项目", 7, "共 7 个项目"), ("綦江所有项目加起来多少钱", 2109.89, "合计"),
    ("苍溪金额最大的项目", 5000, "最大"), ("基本支出最多的是哪个单位", 16182.05, "苍溪"),
])
def test_operations_need_no_template_of_their_own(corpus_store, question, figure, word):
    answer = ask(corpus_store, question)
    assert word in answer.answer and str(figure).rstrip("0").rstrip(".") in answer.answer, answer.answer
    if "最少" in question:
        assert "最多的是" not in answer.answer


def test_amount_bounds_filter_the_rows(corpus_store):
    answer = ask(corpus_store, "綦江超过100万元的项目有几个")
    assert "共 5 个项目" in answer.answer and all(row["amount"] > 100 for row in answer.rows)


def test_indicator_type_and_unit_filter(corpus_store):
    answer = ask(corpus_store, "荣昌哪些项目设了时效指标")
    projects = {row["project"] for row in answer.rows}
    assert answer.template == "projects_by_indicator_type" and "荣昌区民师生活医疗补助" in projects
    assert {row["unit"] for row in answer.rows} == {RONGCHANG}


def test_absent_unit_gives_no_other_units_figures(corpus_store):
    answer = ask(corpus_store, "成都市社保中心的三公经费")
    assert answer.rows == [] and "没有单位“成都市社保中心”" in answer.answer
    assert not re.search(r"\d", answer.answer) and answer.to_dict()["error"]["code"] == "Q_UNKNOWN_UNIT"


def test_a_unit_without_such_projects_says_where_they_are(corpus_store):
    answer = ask(corpus_store, "荣昌有没有乡村医生补助")
    assert answer.rows == [] and "荣昌区社会保险事务中心没有" in answer.answer
    assert "綦江区社会保险事务中心（代发乡村医生享受养老和医疗补助资金）" in answer.answer


def test_an_absent_figure_is_said_to_be_absent(corpus_store):
    answer = ask(corpus_store, "荣昌区的上年结转是多少")
    assert answer.rows == [] and "没有列出上年结转" in answer.answer and "2235.58" not in answer.answer


def test_shared_citations_of_two_units(corpus_store):
    answer = ask(corpus_store, "綦江区和荣昌区共同引用了哪些文件？")
    assert {row["doc_no"] for row in answer.rows} >= {"渝国资发〔2011〕9号", "渝教人〔2013〕13号"}
    assert "共同引用的文件有 4 个" in answer.answer and "85 万元" in answer.answer
    none = ask(corpus_store, "荣昌和万盛共同引用了哪些文件")
    assert none.rows == [] and "没有共同引用的文件" in none.answer


def test_a_conversation_keeps_the_frame_and_the_rows(corpus_store):
    chat = Conversation(corpus_store)
    first = chat.ask("綦江有哪些项目？")
    assert first.template == "unit_projects" and len(first.rows) == 17
    biggest = chat.ask("其中金额最大的是哪个？")
    assert [row["project"] for row in biggest.rows] == ["代发企业退休军转干解困补助资金"]
    basis = chat.ask("它的依据文件是什么？")
    assert basis.template == "policies_of_project" and "渝人社发〔2012〕219号" in basis.answer
    total = chat.ask("这些项目一共多少钱？")  # "这些": the listing, not the one picked
    assert "2109.89" in total.answer


def test_a_follow_up_changes_the_measure_or_the_unit(corpus_store):
    chat = Conversation(corpus_store)
    assert "0.9" in chat.ask("荣昌区的三公经费是多少？").answer
    measure = chat.ask("项目支出呢？")
    assert measure.params["unit"] == RONGCHANG and "1174.97" in measure.answer and "0.9 万元" not in measure.answer
    other = chat.ask("那万盛呢？")
    assert "784.87" in other.answer and "1174.97" not in other.answer


def test_a_question_that_cannot_be_answered_gives_an_error_and_the_chat_goes_on(corpus_store):
    chat = Conversation(corpus_store)
    failed = chat.ask("旗舰店的营业额？")
    assert failed.error["code"] == "Q_NO_ANSWER" and "旗舰店" in failed.error["message"]
    assert chat.ask("荣昌有几个项目").answer.startswith("共 10 个项目")


def test_kb_chat_jsonl_keeps_the_conversation(corpus_store, tmp_path):
    db = Path(corpus_store.folder)
    lines = "荣昌区有哪些项目？\n其中金额最大的是哪个？\n它的绩效指标有哪些？\n旗舰店的营业额？\n"
    env = {**os.environ, "KB_EMBEDDING_MODEL": "lexical", "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "kb.cli", "chat", "--jsonl", "--db", str(db)], input=lines,
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(answers) == 4 and all(set(a) >= {"question", "template", "rows", "answer", "error"} for a in answers)
    assert answers[1]["rows"][0]["project"] == "荣昌区企业军转干部生活补助及医疗补助"
    assert "军转干部满意度" in answers[2]["answer"] and answers[2]["error"] is None
    assert answers[3]["error"]["code"] == "Q_NO_ANSWER"


def test_every_question_message_is_chinese():
    for code, template in MESSAGES.items():
        assert re.search(r"[\u4e00-\u9fff]", template), code
        assert not re.search(r"\b(cannot|error|unknown|the)\b", template, re.IGNORECASE), code
    assert render("Q_EMPTY_QUESTION") == "问题是空的：请输入一个问题。"


def test_the_shipped_classifier_matches_its_paraphrases():
    from kb.query import paraphrases

    model = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert model["fingerprint"] == paraphrases.fingerprint(), "retrain: python -m kb.query.intent"
    prediction = classify("Ⓤ有几个项目？")
    assert (prediction.intent, prediction.operation) == ("unit_projects", "count")
    assert classify("其中金额最小的是哪个？").operation == "min"


def test_the_index_is_cached_beside_the_graph(corpus_store):
    vocabulary(corpus_store)
    assert (Path(corpus_store.folder) / "query-index.pkl").exists()
