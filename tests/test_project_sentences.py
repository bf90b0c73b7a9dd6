"""The sentence reader pairing a project name with an amount printed apart (loaders/project_sentences.py, RECALL).

Real documents of tests/data/real (training splits only) whose project was never proposed before this reader: the
amount in the next sentence (r185), several clauses later and in 元 (r155), after a phrase pointing back (r162).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from loaders import parse_file
from loaders.project_filter import JUDGED_EVERYWHERE, READERS
from loaders.project_sentences import NAME_HEADS, NOT_HEADS, paired_entries
from tests.real_scoring import DATA


def _paired(document: str) -> dict[str, tuple[float, tuple[str, ...], int]]:
    extraction = parse_file(DATA / f"{document}.txt")
    return {entry.name: (entry.amount, entry.pairing, entry.first_line) for entry in paired_entries(extraction.stream.rows)}


def test_an_amount_in_the_next_sentence_pairs_with_the_name_before():
    # r185: "…船山区老池镇2023年中央财政以工代赈项目实施方案…已批复…。该项目总投资450万元,拟争取…400万元"
    paired = _paired("r185")
    amount, pairing, line = paired["船山区老池镇2023年中央财政以工代赈项目"]
    assert amount == 450.0 and "pair_next_sentence=far" in pairing and "pair_verb=invest" in pairing  # 该项目 points back
    assert "船山区老池镇2023年中央财政以工代赈项目" in parse_file(DATA / "r185.txt").lines[line - 1]
    assert not any(name.startswith("该") for name in paired)  # 该项目 points back, it is no name


def test_an_amount_in_yuan_several_clauses_on():
    # r155: "2024年鄞州区姜山镇高标准农田改造提升项目(一)已完成…,现根据…申请,本次应拨付617000元"
    amount, pairing, _ = _paired("r155")["2024年鄞州区姜山镇高标准农田改造提升项目(一)"]
    assert amount == 61.7 and "pair_unit=元" in pairing and "pair_verb=allocate" in pairing
    assert "pair_next_sentence=False" in pairing


def test_a_reference_to_a_class_of_projects_is_skipped():
    # r162: "径山镇小古城村省级休闲乡村项目已完成…,拟按该类项目奖补标准下达奖补资金200万元"
    paired = _paired("r162")
    assert [(name, amount) for name, (amount, _, _) in paired.items()] == [("径山镇小古城村省级休闲乡村项目", 200.0)]


def test_descriptions_and_sums_of_projects_are_no_names():
    # r143: "…改善生产生活条件的项目,投资1259万元" describes six projects; r205: "…物业用房”等8个项目" sums them
    assert not any(name.endswith("的项目") or "个项目" in name and "等" in name
                   for document in ("r143", "r205") for name in _paired(document))
    assert _paired("r143")["泽库县和日镇司玛村人畜饮水安全工程"][0] == 230.0  # 和 inside a place name cuts nothing


def test_the_filter_judges_the_sentence_reader_in_notices_and_elsewhere():
    assert [reader for reader, _ in READERS][-1] == "sentence" and JUDGED_EVERYWHERE == ("sentence",)
    extraction = parse_file(DATA / "r185.txt")  # a notice where only the sentence reader proposes: the filter keeps it
    assert extraction.unit.kind == "通知"
    assert [(p.name, p.amount) for p in extraction.projects] == [("船山区老池镇2023年中央财政以工代赈项目", 450.0)]
    budget = parse_file(DATA / "r002.txt")  # a 决算 whose sentence candidate the filter rejects, and says so
    note = next(note for note in budget.notes if note.startswith("[projects.filter_rejected]"))
    assert budget.unit.kind == "决算" and budget.projects == []
    assert "“老旧小区基础配套项目(三期)”（6567.06万元" in note and "分句配对" in note


def test_the_head_words_hold_the_endings_of_the_training_names():
    spec = importlib.util.spec_from_file_location("bench_project_filter",
                                                  Path(__file__).resolve().parents[1] / "bench" / "project_filter.py")
    trainer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(trainer)
    heads = trainer.name_heads()
    assert heads[0] == "项目" and set(heads) - set(NOT_HEADS) <= set(NAME_HEADS) and {"工程", "经费", "基地"} <= set(heads)
    assert not set(NOT_HEADS) & set(NAME_HEADS)
