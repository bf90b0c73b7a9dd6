"""What a `kb ask` process loads: the command line must not pay for what answering a question does not use.

typer (≥ 0.2x) coerces parameters through pydantic TypeAdapters and draws help with rich; kb.cli_chinese gives
plain str/Path/bool parameters a coercion of their own and loads typer's rich help only when a help page is
drawn. This test runs the real `kb` entry point in a child process on the ingested corpus and checks the answer
and the modules it imported (a regression here costs ≈ 0.3–0.5 s CPU per call; bench/ask.py measures it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROBE = """
import json, sys
sys.argv = ["kb", "ask", sys.argv[1], "--db", sys.argv[2], "--json"]
from kb.cli import main
try:
    main()
except SystemExit as done:
    code = done.code
print(json.dumps({name: name in sys.modules for name in ("pydantic", "rich", "typer.rich_utils", "numpy")}),
      file=sys.stderr)
"""


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}


def test_kb_ask_answers_without_pydantic_rich_or_numpy(make_corpus_folder):
    folder = make_corpus_folder("ask-startup")
    done = subprocess.run([sys.executable, "-c", PROBE, "荣昌区社会保险事务中心的三公经费", str(folder)],
                          capture_output=True, text=True, env=_env(), timeout=600, cwd=REPO)
    answer = json.loads(done.stdout)
    assert answer["template"] == "unit_budget" and abs(answer["rows"][0]["three_public"] - 0.9) < 0.005
    loaded = json.loads(done.stderr.strip().splitlines()[-1])
    assert loaded == {"pydantic": False, "rich": False, "typer.rich_utils": False, "numpy": False}, loaded


def test_help_and_usage_errors_still_chinese_after_the_lazy_loading():
    help_page = subprocess.run([sys.executable, "-m", "kb.cli", "ask", "--help"], capture_output=True, text=True,
                               env=_env(), timeout=600, cwd=REPO)
    assert help_page.returncode == 0 and "用法：" in help_page.stdout and "选项" in help_page.stdout
    missing = subprocess.run([sys.executable, "-m", "kb.cli", "ask", "荣昌", "--db"], capture_output=True, text=True,
                             env=_env(), timeout=600, cwd=REPO)
    assert missing.returncode != 0 and "选项 --db 需要一个值" in missing.stderr and "Traceback" not in missing.stderr
