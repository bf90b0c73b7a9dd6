"""The layer contract (pyproject.toml [tool.importlinter]): kb.core at the bottom, the CLI and UI on top."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_no_import_runs_from_a_lower_layer_to_a_higher_one():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "1 kept, 0 broken" in result.stdout


def test_core_imports_nothing_else_of_the_project():
    for module in sorted((ROOT / "kb" / "core").glob("*.py")):
        text = module.read_text(encoding="utf-8")
        for other in ("loaders", "linking", "ui", "kb.store", "kb.query", "kb.graph", "kb.checks", "kb.ingest"):
            assert f"from {other}" not in text and f"import {other}" not in text, (module.name, other)
