"""What `kb --help` and every `kb X --help` print is Chinese, whole, and a usage mistake is one Chinese line.

Real runs of the console entry point (`python -m kb.cli`, as the `kb` script runs it) at an 80-column terminal.
The commands are read from the typer app itself, so a command added later is checked too.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from kb.cli import app

REPO = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u3400-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
BOX = re.compile(r"[\u2500-\u257f]")


def _command_paths() -> list[tuple[str, ...]]:
    """Every command and group of the app, as argv prefixes: (), ("ingest",), ("links",), ("links", "accept"), …"""
    click_app = typer.main.get_command(app)
    found: list[tuple[str, ...]] = []

    def walk(command, path: tuple[str, ...]) -> None:
        found.append(path)
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            walk(sub, (*path, name))

    walk(click_app, ())
    return found


COMMANDS = _command_paths()


def _kb(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "80", "TERMINAL_WIDTH": "80", "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "kb.cli", *args], capture_output=True, text=True, env=env,
                          timeout=120, cwd=REPO)


def test_the_app_has_every_command():
    assert {path[-1] for path in COMMANDS if path} >= {
        "parse", "ingest", "remove", "stats", "query", "templates", "ask", "chat", "links", "accept", "reject",
        "check", "export", "synth", "ui"}


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(path) or "kb" for path in COMMANDS])
def test_help_is_chinese_and_whole(command):
    run = _kb(*command, "--help")
    assert run.returncode == 0, run.stderr
    lines = [BOX.sub("", line).strip() for line in run.stdout.splitlines()]
    lines = [line for line in lines if line]
    assert lines[0].startswith("用法：")
    english = [line for line in lines if LATIN_WORD.search(line) and not CJK.search(line)]
    assert not english, f"English-only help lines: {english}"
    assert "…" not in run.stdout, f"a help text is cut at 80 columns:\n{run.stdout}"
    if command:  # the command's own help text stands under the usage line
        assert CJK.search(lines[1]), lines[1]


def test_every_option_and_argument_has_chinese_help():
    click_app = typer.main.get_command(app)
    missing = []

    def walk(command, path: str) -> None:
        for param in command.params:
            if not CJK.search(getattr(param, "help", None) or ""):
                missing.append(f"{path} {param.name}")
        if not CJK.search(command.help or ""):
            missing.append(f"{path} (command help)")
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}")

    walk(click_app, "kb")
    assert not missing


@pytest.mark.parametrize("args, words", [
    (("ingest",), ["缺少参数", "paths"]),
    (("ingest", "--no-such-option", "x"), ["没有选项", "--no-such-option"]),
    (("no-such-command",), ["没有命令", "no-such-command"]),
    (("synth", "--docs", "0", "--out", "x"), ["--docs", "取值无效", "x>=1"]),
    (("ingest", "--wait"), ["--wait", "需要一个值"]),
    (("stats", "extra"), ["多余的参数", "extra"]),
])
def test_a_usage_mistake_is_one_chinese_line(args, words):
    run = _kb(*args)
    assert run.returncode == 2 and not run.stdout
    [line] = run.stderr.splitlines()
    assert line.startswith("错误[E_USAGE]: ") and all(word in line for word in words), line
    assert not re.search(r"[A-Za-z]{3,} [A-Za-z]{3,}", line), f"English words in {line}"


def test_kb_without_a_command_shows_the_help_and_no_error_line():
    run = _kb()
    assert run.stdout.lstrip().startswith("用法：") and "错误" not in run.stderr
