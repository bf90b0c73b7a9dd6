"""`kb ingest` on a folder of bad files among good ones: each bad file gives one line and is skipped,
the good ones (odd encodings, odd names, a table cut off half-way) are ingested, nothing prints a
traceback. The CLI runs as a real subprocess on files this test writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


def _kb(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    env.pop("KB_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "kb.cli", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=timeout, env=env)


def _corpus_text(prefix: str) -> str:
    return next(CORPUS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def _truncated_in_a_table(text: str) -> str:
    """004 cut in the middle of a row of its 部门支出总表 (after the first subject lines)."""
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == "部门支出总表")
    cut = next(i for i in range(start, len(lines)) if lines[i].startswith("208")) + 2
    return "".join(lines[:cut]) + lines[cut][: len(lines[cut]) // 2]


GOOD = {  # file name -> (bytes, unit the document is about)
    '000 荣昌 "社保" \'copy\'.txt': (lambda: _corpus_text("000").encode("utf-8"), "重庆市荣昌区社会保险事务中心"),
    "綦江 gbk.txt": (lambda: _corpus_text("001").encode("gbk"), "重庆市綦江区社会保险事务中心"),
    "万盛 utf16.txt": (lambda: _corpus_text("002").encode("utf-16"), "重庆市万盛经济技术开发区社会保险事务中心"),
    "广元 truncated.txt": (lambda: _truncated_in_a_table(_corpus_text("004")).encode("utf-8"), "广元市社会保险事务中心"),
}
BAD = {  # file name -> bytes
    "empty.txt": lambda: b"",
    "binary.txt": lambda: bytes(range(256)) * 64,
    "page.txt": lambda: ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>预算公开</title></head>"
                         "<body><p>页面不存在</p></body></html>").encode("utf-8"),
    "one huge line.txt": lambda: ("ab,cd;" * (10 * 1024 * 1024 // 6)).encode("ascii"),
}


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    """A folder of good and bad files ingested once by `kb ingest FOLDER`; returns (run, folder, db)."""
    root = tmp_path_factory.mktemp("bad-input")
    folder = root / "混合 folder"
    folder.mkdir()
    for name, (data, _unit) in GOOD.items():
        (folder / name).write_bytes(data())
    for name, data in BAD.items():
        (folder / name).write_bytes(data())
    assert (folder / "one huge line.txt").stat().st_size >= 10 * 1024 * 1024 - 6
    db = root / "kb-data"
    return _kb("ingest", str(folder), "--db", str(db), timeout=600), folder, db


def test_exit_zero_and_no_traceback(ingested):
    run, _folder, _db = ingested
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stdout + run.stderr


@pytest.mark.parametrize("name", sorted(BAD))
def test_each_bad_file_gives_one_line(ingested, name):
    run, folder, _db = ingested
    lines = [line for line in run.stdout.splitlines() if line.startswith(f"跳过 {folder / name}：")]
    assert len(lines) == 1, run.stdout
    reason = lines[0].split(f"{folder / name}：", 1)[1].strip()
    assert reason and len(reason) < 200


def test_only_the_bad_files_are_skipped(ingested):
    run, folder, _db = ingested
    skipped = [line for line in run.stdout.splitlines() if line.startswith("跳过 ")]
    assert len(skipped) == len(BAD)
    assert f"导入 {len(GOOD)} 个文件，跳过 {len(BAD)} 个" in run.stdout


def test_the_good_files_are_stored_under_their_names(ingested):
    _run, _folder, db = ingested
    stats = _kb("stats", "--db", str(db), "--json")
    assert stats.returncode == 0, stats.stderr
    counts = json.loads(stats.stdout)
    assert counts["nodes"]["Document"] == len(GOOD)
    assert counts["nodes"]["Unit"] == len(GOOD)
    from kb.store import open_store

    with open_store(db, "embedded") as store:
        documents = store.read("MATCH (u:Unit)-[:PUBLISHED]->(d:Document) RETURN d.file AS file, u.name AS unit", {})
    assert {row["file"]: row["unit"] for row in documents} == {name: unit for name, (_data, unit) in GOOD.items()}


def test_gbk_and_utf16_copies_give_the_same_projects_as_the_originals(ingested):
    _run, _folder, db = ingested
    from kb.store import open_store

    with open_store(db, "embedded") as store:
        rows = store.read("MATCH (p:Project) WHERE p.file = $file RETURN p.name AS name, p.amount AS amount "
                          "ORDER BY p.line", {"file": "綦江 gbk.txt"})
    assert len(rows) == 17
    assert {"name": "代发企业退休军转干解困补助资金", "amount": 1000.3} in rows
    with open_store(db, "embedded") as store:
        rows = store.read("MATCH (p:Project) WHERE p.file = $file RETURN p.name AS name, p.amount AS amount",
                          {"file": "万盛 utf16.txt"})
    assert sorted((r["name"], r["amount"]) for r in rows) == [("社保惠民服务专项", 641.87), ("社保服务运维专项", 143.0)]


def test_a_folder_of_only_bad_files_exits_non_zero_in_one_line_each(tmp_path):
    folder = tmp_path / "only bad"
    folder.mkdir()
    for name in ("empty.txt", "binary.txt", "page.txt"):
        (folder / name).write_bytes(BAD[name]())
    run = _kb("ingest", str(folder), "--db", str(tmp_path / "kb-data"))
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    assert len([line for line in run.stdout.splitlines() if line.startswith("跳过 ")]) == 3
