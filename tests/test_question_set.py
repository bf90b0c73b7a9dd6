"""The question development set of issue 11 (tests/data/questions), run against the corpus store.

Questions and conversations are written from the five corpus documents (figures read from them), not from
the templates' example lines; one quarter is held out by a rule fixed before any run (every 4th id). The
pass rates are asserted just under the figures measured (dev and held-out floors apart), so the test fails on a
regression. The fresh set (tests/data/questions/fresh) was written later, before the engine was tuned to it,
and is scored the same way. Issue 11 asks for ≥ 97 % on the dev set, ≥ 95 % of unseen questions and ≥ 90 % of
conversation turns, and no figure ever for what the store does not hold (a hard check below).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from question_scoring import (absent_items, answer_passes, load_conversations, load_questions, run_conversations,
                              run_questions, store_amounts, summary)

from kb.store import open_store

REPO = Path(__file__).resolve().parents[1]

# Pass-rate floors, measured on the qacc branch (issue 11, second round), just under each figure:
# first set: questions dev 266/267 = 99.6 %, holdout 87/88 = 98.9 %; turns dev 104/104, holdout 34/34;
# fresh set (written before any tuning; untouched engine: questions 84/87 = 96.6 % and 80/86 = 93.0 %, turns
# 34/35 and 30/31): questions fresh-dev 87/87, fresh-holdout 86/86; turns fresh-dev 35/35, fresh-holdout 31/31.
# A floor lets one more item fail than measured (e.g. 0.97 for 34 turns). Earlier floors: 0.98 / 0.94, 0.99 / 0.91.
FLOORS = {("questions", "dev"): 0.99, ("questions", "holdout"): 0.98,
          ("turns", "dev"): 0.99, ("turns", "holdout"): 0.97,
          ("questions", "fresh-dev"): 0.98, ("questions", "fresh-holdout"): 0.98,
          ("turns", "fresh-dev"): 0.97, ("turns", "fresh-holdout"): 0.96,
          # fresh2 (shares, comparisons, top-N, 文件 rankings, totals across units; written before any change):
          # main untouched: questions dev 42/64, holdout 43/63, turns 15/22, 15/21; after the q3 branch (tuned on
          # fresh2-dev only; holdout scored twice, midway 56/63 and 17/21, and at the end): questions dev 64/64,
          # holdout 59/63; turns dev 22/22, holdout 17/21.
          ("questions", "fresh2-dev"): 0.98, ("questions", "fresh2-holdout"): 0.92,
          ("turns", "fresh2-dev"): 0.95, ("turns", "fresh2-holdout"): 0.76}
CATEGORIES = {"unit_totals", "unit_projects", "project_detail", "doc_no", "doc_no_forms", "brackets",
              "doc_no_topic", "title", "issuer", "co_citation", "typo", "ranking", "indicator_type",
              "subject", "program", "year", "traditional", "absent"}


@pytest.fixture(scope="module")
def question_db(make_corpus_folder) -> Path:
    """The five corpus documents ingested once into an embedded store; the store is closed again, so the
    CLI tests below can open the same folder from a child process."""
    return make_corpus_folder("question-set")


SPLITS = ("dev", "holdout", "fresh-dev", "fresh-holdout", "fresh2-dev", "fresh2-holdout")


@pytest.fixture(scope="module")
def results(question_db) -> dict:
    """Every split of both sets (the first set and fresh/), questions and conversations, scored in-process
    (store closed afterwards)."""
    with open_store(question_db, "embedded") as store:
        questions = {split: run_questions(store, split) for split in SPLITS}
        turns = {split: run_conversations(store, split) for split in SPLITS}
    line = summary(questions, turns)
    print("\n" + line)
    for split in SPLITS:
        counts = sorted(questions[split].by_category.items())
        print(f"{split} by category:", {name: f"{passed}/{total}" for name, (passed, total) in counts})
    return {"questions": questions, "turns": turns, "line": line}


def test_the_set_has_the_size_and_coverage_issue_11_asks_for():
    questions, conversations = load_questions(), load_conversations()
    assert len(questions) >= 260 and len(conversations) >= 40
    assert len({item["id"] for item in questions}) == len(questions)
    assert len({item["question"] for item in questions}) == len(questions)
    assert {item["category"] for item in questions} == CATEGORIES
    for category in CATEGORIES:  # every category many times, in both splits
        items = [item for item in questions if item["category"] == category]
        assert len(items) >= 10 and {item["split"] for item in items} == {"dev", "holdout"}, category
    for item in questions:  # the hold-out rule, fixed before any run: every 4th id
        assert item["split"] == ("holdout" if int(item["id"][1:]) % 4 == 0 else "dev"), item["id"]
        assert item["expect"] or item["absent"], item["id"]
    for conversation in conversations:
        assert 2 <= len(conversation["turns"]) <= 4, conversation["id"]
        assert conversation["split"] == ("holdout" if int(conversation["id"][1:]) % 4 == 0 else "dev")
    holdout = sum(item["split"] == "holdout" for item in questions) / len(questions)
    assert 0.2 <= holdout <= 0.3


def test_the_fresh_set_has_the_size_and_split_it_was_written_with():
    questions, conversations = load_questions("fresh"), load_conversations("fresh")
    assert len(questions) >= 120 and len(conversations) >= 20
    assert len({item["id"] for item in questions}) == len(questions)
    assert len({item["question"] for item in questions}) == len(questions)
    same = {item["question"] for item in questions} & {item["question"] for item in load_questions()}
    assert len(same) <= 3, same  # written apart; three short wordings coincide (蒼溪縣的三公經費 …)
    for item in questions + conversations:  # the split rule, fixed before any run: odd ids dev, even held out
        assert item["split"] == ("fresh-holdout" if int(item["id"][2:]) % 2 == 0 else "fresh-dev"), item["id"]
    for item in questions:
        assert item["expect"] or item["absent"], item["id"]
    assert {item["category"] for item in questions} >= CATEGORIES
    assert all(2 <= len(conversation["turns"]) <= 4 for conversation in conversations)
    assert len(absent_items("fresh-dev")) >= 8 and len(absent_items("fresh-holdout")) >= 8


def test_the_fresh2_set_has_the_size_kinds_and_split_it_was_written_with():
    questions, conversations = load_questions("fresh2"), load_conversations("fresh2")
    assert len(questions) >= 100 and len(conversations) >= 15
    assert len({item["id"] for item in questions}) == len(questions)
    earlier = {item["question"] for item in load_questions() + load_questions("fresh")}
    assert not {item["question"] for item in questions} & earlier  # written apart from both earlier sets
    for item in questions + conversations:  # the split rule, fixed before any run: odd ids dev, even held out
        assert item["split"] == ("fresh2-holdout" if int(item["id"][2:]) % 2 == 0 else "fresh2-dev"), item["id"]
    for kind in ("share", "compare", "top_n", "policy_ranking", "cross_total", "indicator", "subject", "typo",
                 "traditional", "absent"):  # the kinds this set adds or varies, in both halves
        assert {item["split"] for item in questions if item["category"] == kind} == {"fresh2-dev", "fresh2-holdout"}
    assert len(absent_items("fresh2-dev")) >= 6 and len(absent_items("fresh2-holdout")) >= 6


def test_scoring_reads_numbers_texts_and_absence():
    item = {"expect": [{"number": 1174.97}, {"text": "荣昌区退捕渔民养老保险补贴"}],
            "forbid": [{"number": 784.87}]}
    answer = {"answer": "荣昌区社会保险事务中心 2026 年项目支出 1,174.97 万元。",
              "rows": [{"project": "榮昌區退捕漁民養老保險補貼", "amount": "17.00", "line": 784.87}]}
    assert answer_passes(answer, item) == (True, "")  # "1,174.97" read as a number; a line number is no figure
    wrong_unit = {"answer": "784.87 万元；1174.97", "rows": answer["rows"]}
    assert answer_passes(wrong_unit, item)[1] == "forbidden number 784.87"
    no_project = {"answer": "1174.970", "rows": []}
    assert answer_passes(no_project, item)[1] == "missing text “荣昌区退捕渔民养老保险补贴”"
    lowest = {"expect": [{"text": "荣昌"}, {"text": ["最少", "最低", "最小"]}]}
    assert answer_passes({"answer": "“三公”经费最低的是荣昌区社会保险事务中心，0.9 万元。"}, lowest)[0]
    assert not answer_passes({"answer": "“三公”经费最多的是万盛……荣昌 0.9 万元。"}, lowest)[0]
    absent = {"expect": [{"text": "綦江"}], "absent": True, "allow": [{"number": 281}]}
    amounts = {281.0, 540.0, 0.9}
    says_where = {"answer": "荣昌没有乡村医生补助；綦江有 281 万元。", "rows": []}
    assert answer_passes(says_where, absent, amounts)[0]
    assert not answer_passes({"answer": "荣昌没有；綦江 281，荣昌 540。", "rows": []}, absent, amounts)[0]
    assert not answer_passes({"answer": "綦江 281 万元。", "rows": []}, absent, amounts)[0]
    assert not answer_passes({"error": "cannot answer", "rows": []}, {"absent": True}, amounts)[0]


def test_store_amounts_hold_the_corpus_figures(question_db):
    with open_store(question_db, "embedded") as store:
        amounts = store_amounts(store)
    assert {2235.58, 1174.97, 540.0, 1000.3, 24107.98, 0.9, 211.99} <= amounts


def test_question_pass_rates_do_not_fall_below_the_baseline(results):
    for split in SPLITS:
        result = results["questions"][split]
        assert result.total > 0
        assert result.rate >= FLOORS[("questions", split)], (results["line"], result.failures[:20])


def test_conversation_turn_pass_rates_do_not_fall_below_the_baseline(results):
    for split in SPLITS:
        result = results["turns"][split]
        assert result.total > 0
        assert result.rate >= FLOORS[("turns", split)], (results["line"], result.failures[:20])


def test_no_figure_is_ever_given_for_what_the_store_does_not_hold(results):
    """A hard check over every absent item of both sets, dev and held out (questions and conversation turns): the
    answer to a unit, year, 文件 or figure the store does not hold never states an amount the store holds
    (another unit's or 文件's figure), and it says the thing is absent."""
    assert len(absent_items()) >= 40
    failures = [failure for split in SPLITS for result in (results["questions"][split], results["turns"][split])
                for failure in result.failures]
    leaks = [failure for failure in failures if failure[2].startswith("gives the store figure")]
    assert not leaks, leaks
    absent_ids = {item["id"] for split in SPLITS for item in load_questions(split) if item["absent"]}
    absent_ids |= {f"{conversation['id']}.{number}" for split in SPLITS for conversation in load_conversations(split)
                   for number, turn in enumerate(conversation["turns"], 1) if turn["absent"]}
    unsaid = [failure for failure in failures if failure[0] in absent_ids]
    assert not unsaid, unsaid


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def _kb(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kb.cli", *args], capture_output=True, text=True, env=_env(),
                          timeout=900, cwd=REPO)


def test_ten_dev_questions_through_kb_ask_json(question_db, results):
    """Ten dev questions the in-process run answers right give the same verdict through `kb ask --json`."""
    right = {item_id for item_id, *_ in results["questions"]["dev"].failures}
    chosen = [item for item in load_questions("dev") if item["id"] not in right][::7][:10]
    assert len(chosen) == 10
    with open_store(question_db, "embedded") as store:
        amounts = store_amounts(store)
    for item in chosen:
        done = _kb("ask", item["question"], "--json", "--db", str(question_db))
        assert done.returncode == 0, done.stderr
        answer = json.loads(done.stdout)
        assert answer_passes(answer, item, amounts) == (True, ""), (item, answer["answer"])


def test_one_conversation_through_kb_chat_jsonl(question_db):
    """One dev conversation through `kb chat --jsonl` (one question per input line, one JSON answer per line)."""
    conversation = load_conversations("dev")[0]
    with open_store(question_db, "embedded") as store:
        amounts = store_amounts(store)
    done = subprocess.run([sys.executable, "-m", "kb.cli", "chat", "--jsonl", "--db", str(question_db)],
                          input="".join(turn["question"] + "\n" for turn in conversation["turns"]),
                          capture_output=True, text=True, env=_env(), timeout=900, cwd=REPO)
    assert done.returncode == 0, done.stderr
    answers = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert len(answers) == len(conversation["turns"])
    for turn, answer in zip(conversation["turns"], answers):
        assert answer_passes(answer, turn, amounts) == (True, ""), (turn["question"], answer.get("answer"))
