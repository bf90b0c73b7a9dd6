"""Hostile files cost one clear Chinese error each: zip bombs, an encrypted PDF, a file over the size limit,
too many rows, a parse past its time limit, a parse past its memory limit. ``kb parse`` exits non-zero with
one ``错误[CODE]: …`` line and no traceback; ``kb ingest`` reports each file on one line and leaves the
store as it was; good files named beside bad ones are still ingested (an undecodable file name included).

Bounded: every file is built here in tmp_path (the largest, 45 MB, in about a second); the limits are
lowered through the environment (KB_PARSE_TIMEOUT=0.5 for the pipe, KB_PARSE_MEMORY_MB=300,
KB_MAX_TABLE_ROWS=50, KB_MAX_FILE_MB) so no case runs longer than a few seconds. Only the pipe meets a time
limit; every other case has one far above its parse time, so a loaded machine cannot turn it into a timeout.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import hostile_files as hostile
from kb.core.errors import EncryptedPdf, ParseMemoryExceeded, ParseTimeout, ZipBomb
from kb.core.records import Extraction
from kb.isolation import parse_files
from loaders.limits import MB, Limits

REPO = Path(__file__).resolve().parents[1]
_CJK = re.compile(r"[\u4e00-\u9fff]")

# name -> (builder, environment for the run, expected code, words the message holds)
CASES = {
    "bomb.docx": (hostile.docx_bomb, {}, "E_ZIP_BOMB", "压缩炸弹"),
    "bomb.xlsx": (hostile.xlsx_bomb, {}, "E_ZIP_BOMB", "压缩比"),
    "encrypted.pdf": (hostile.encrypted_pdf, {}, "E_ENCRYPTED_PDF", "加密"),
    "large.txt": (lambda path: Path(shutil.copy(hostile.SMALL, path)), {"KB_MAX_FILE_MB": "0.01"},
                  "E_FILE_TOO_LARGE", "文件过大（32.9 KB，上限 10.2 KB）"),
    "rows.xlsx": (lambda path: hostile.long_sheet(path, 200), {"KB_MAX_TABLE_ROWS": "50"}, "E_TOO_MANY_ROWS",
                  "表格行数超过上限 50 行（工作表 一般公共预算支出表）"),
    "slow.txt": (hostile.slow_text, {"KB_MAX_TABLE_ROWS": "50"}, "E_TOO_MANY_ROWS", "超过上限 50 行（文本行）"),
    # a timeout that holds on any machine: a 1 MB text parsed within 0.5 s once parsing reached 2 MB/s
    "stuck.txt": (hostile.stuck_text, {"KB_PARSE_TIMEOUT": "0.5"}, "E_PARSE_TIMEOUT", "解析超时（超过 0.5 秒）"),
    "wide.txt": (hostile.wide_text, {"KB_PARSE_MEMORY_MB": "300"}, "E_PARSE_MEMORY", "内存超过上限 300 MB"),
}
FAST = {"HF_HUB_OFFLINE": "1", "KB_EMBEDDING_MODEL": "lexical"}  # linking is not under test: no model to load
# The time limit of that ingest stays generous: its one timeout case (the pipe) is refused before parsing, and a
# 2 s limit raced the others on a loaded machine (the 45 MB text could time out before it met the memory limit).
ALL_LIMITS = {"KB_PARSE_TIMEOUT": "120", "KB_PARSE_MEMORY_MB": "300", "KB_MAX_TABLE_ROWS": "50"}


def _kb(*args: str, env: dict[str, str] | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kb.cli", *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **FAST, **(env or {})}, cwd=REPO)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    return {name: builder(folder / name) for name, (builder, _env, _code, _words) in CASES.items()}


@pytest.fixture(scope="module")
def small_store(make_small_folder) -> Path:
    """A database folder holding one real disclosure (004), ingested by ``kb ingest`` (a copy of the session's)."""
    return make_small_folder("faults-store")


def _one_error_line(run: subprocess.CompletedProcess, code: str) -> str:
    assert run.returncode != 0
    assert "Traceback" not in run.stdout + run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith(f"错误[{code}]: "), lines[0]
    return lines[0]


@pytest.mark.parametrize("name", sorted(CASES))
def test_kb_parse_gives_one_chinese_line_and_exit_1(files, name):
    _builder, env, code, words = CASES[name]
    line = _one_error_line(_kb("parse", str(files[name]), env=env, timeout=120), code)
    assert str(files[name]) in line and words in line and len(line) < 300


def _snapshot(db: Path) -> tuple[dict, list[str], int]:
    """What a failed ingest must not change: counts, stored documents, the graph file itself (inode)."""
    from kb.store import open_store

    with open_store(db, "embedded") as store:
        return store.stats(), [doc.file for doc in store.documents()], (db / "graph.lbdb").stat().st_ino


def test_ingesting_only_hostile_files_reports_each_and_leaves_the_store_unchanged(files, small_store):
    before = _snapshot(small_store)
    hostile_names = [name for name in CASES if name != "large.txt"]  # the size limit has its own run below
    run = _kb("ingest", *(str(files[name]) for name in hostile_names), "--db", str(small_store), env=ALL_LIMITS)
    assert run.returncode == 1 and "Traceback" not in run.stdout + run.stderr
    skipped = [line for line in run.stdout.splitlines() if line.startswith("跳过 ")]
    assert len(skipped) == len(hostile_names)
    for name in hostile_names:
        [line] = [line for line in skipped if line.startswith(f"跳过 {files[name]}：")]
        # ingest reads each file's bytes for its content hash before parsing: it refuses a pipe up front
        expected = CASES[name][2] if name != "stuck.txt" else "E_UNREADABLE"
        assert f"错误[{expected}]" in line and _CJK.search(line.split("]", 1)[1]), line
    assert f"导入 0 个文件，跳过 {len(hostile_names)} 个" in run.stdout
    assert _snapshot(small_store) == before

    # The stored disclosure with one line added: new bytes (the same bytes would be a no-op), over the limit.
    large = files["large.txt"].with_name("large-changed.txt")
    large.write_bytes(files["large.txt"].read_bytes() + "\n附注：本文件为测试副本。\n".encode("utf-8"))
    too_large = _kb("ingest", str(large), "--db", str(small_store), "--max-file-mb", "0.01")
    assert too_large.returncode == 1
    assert f"跳过 {large}：错误[E_FILE_TOO_LARGE] 文件过大（33 KB，上限 10.2 KB）" in too_large.stdout
    assert _snapshot(small_store) == before


def test_good_files_named_beside_bad_ones_are_ingested(files, tmp_path):
    """A good file, one with an undecodable name, a missing file and a zip bomb named together: the two good
    ones are stored (the odd name shown with U+FFFD), the others reported; exit 0."""
    odd = Path(os.fsdecode(bytes(tmp_path) + b"/\xff\xfe\xe7\xbb.txt"))
    shutil.copy(hostile.CORPUS / "002_e9a684c38e2f8a64.txt", odd)
    missing = tmp_path / "缺失.txt"
    db = tmp_path / "kb-data"
    run = _kb("ingest", str(hostile.SMALL), str(odd), str(missing), str(files["bomb.docx"]), "--db", str(db))
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert f"跳过 {missing}：错误[E_UNREADABLE] 文件或文件夹不存在" in run.stdout
    assert f"跳过 {files['bomb.docx']}：错误[E_ZIP_BOMB]" in run.stdout
    assert "导入 2 个文件，跳过 2 个" in run.stdout
    stats = json.loads(_kb("stats", "--db", str(db), "--json").stdout)
    assert stats["nodes"]["Document"] == 2 and stats["nodes"]["Unit"] == 2
    from kb.store import open_store

    with open_store(db, "embedded") as store:
        files_stored = sorted(doc.file for doc in store.documents())
    assert files_stored == ["004_db523993c574d7b7.txt", "\ufffd\ufffd\ufffd.txt"]


def test_parse_files_keeps_order_and_isolates_each_failure(files, tmp_path):
    """Two workers, five files: results in the order given; a killed or over-limit worker costs only its file."""
    # A deadline that a loaded machine still meets for the small files and the 45 MB text (which must meet the
    # memory limit first), and a file that never meets it: a text that is merely slow to parse ran into the
    # memory limit instead on a faster machine (CI, stop 17). The pipe holds one worker for the whole deadline
    # while the other parses the rest, so a longer one costs little wall time.
    slow = hostile.stuck_text(tmp_path / "stuck.txt")
    limits = Limits(timeout_seconds=10.0, memory_bytes=300 * MB, max_table_rows=1_000_000)
    paths = [hostile.SMALL, slow, files["wide.txt"], files["encrypted.pdf"], files["bomb.docx"],
             hostile.CORPUS / "001_f91b7b473888f42b.txt"]
    results = list(parse_files(paths, limits, workers=2))
    assert [path for path, _ in results] == paths
    kinds = [type(result) for _, result in results]
    assert kinds == [Extraction, ParseTimeout, ParseMemoryExceeded, EncryptedPdf, ZipBomb, Extraction]
    assert results[0][1].unit.name == "广元市社会保险事务中心"
    assert results[5][1].totals.income_total == 3094.17


def test_a_template_value_outside_the_allowed_ones_lists_them(small_store):
    run = _kb("query", "budget_ranking", "--param", "field=no_such_field", "--db", str(small_store))
    line = _one_error_line(run, "E_INVALID_PARAMETER")
    assert "field 不能取值“no_such_field”" in line and "income_total、expense_total" in line
    good = _kb("query", "budget_ranking", "--param", "field=income_total", "--db", str(small_store), "--json")
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["rows"][0]["value"] == 1183.38


def test_a_100k_character_question_is_refused_in_one_short_line(small_store):
    question = "哪个单位的收入总计最高" * 3000  # 33,000 characters (an argument may not exceed 128 KB)
    line = _one_error_line(_kb("ask", question, "--db", str(small_store)), "E_QUESTION_TOO_LONG")
    assert "问题过长（33000 个字符，上限 500）" in line and len(line) < 150
