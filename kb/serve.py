"""``kb ui``: serve the Streamlit app (ui/app.py) over a store.

The app reads its store from the environment: ``KB_DB`` (database folder), ``KB_BACKEND``
(embedded | neo4j) and ``KB_READ_ONLY`` ("1": no uploads, no link decisions, as ``kb ui --read-only``
sets it for sharing the app on a network); Neo4j settings (NEO4J_*) pass through unchanged.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kb.core.errors import KBError
from kb.store import BACKENDS

APP = Path(__file__).resolve().parents[1] / "ui" / "app.py"


class AppUnavailable(KBError):
    """The Streamlit app cannot be started (ui/app.py missing, streamlit not installed)."""

    code = "E_APP_UNAVAILABLE"


def streamlit_command(port: int, host: str) -> list[str]:
    """The command line that serves ui/app.py headless on ``host:port``.

    Example:
        >>> streamlit_command(8501, "localhost")[1:4]
        ['-m', 'streamlit', 'run']
    """
    return [sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless", "true",
            "--server.port", str(port), "--server.address", host, "--browser.gatherUsageStats", "false",
            "--client.toolbarMode", "viewer"]  # no English "Deploy" button or developer menu


def serve_ui(db: Path, backend: str = "embedded", port: int = 8501, host: str = "localhost",
             read_only: bool = False) -> int:
    """Run the Streamlit app in the foreground until it stops (Ctrl-C).

    Args:
        db: the database folder the app reads (passed as ``KB_DB``).
        backend: "embedded" or "neo4j" (passed as ``KB_BACKEND``).
        port: the HTTP port (default 8501).
        host: the address to listen on ("localhost"; "0.0.0.0" to serve the network).
        read_only: serve without uploads and link decisions (``KB_READ_ONLY=1``): what to use on a network.

    Returns:
        Streamlit's exit code (0 after Ctrl-C).

    Raises:
        AppUnavailable: an unknown backend, ui/app.py missing, or streamlit not installed.
    """
    if backend not in BACKENDS:
        raise AppUnavailable(f"未知的后端“{backend}”，可选：{'、'.join(BACKENDS)}")
    if not APP.is_file():
        raise AppUnavailable(f"找不到应用文件：{APP}")
    try:
        import streamlit  # noqa: F401 - only to give the install hint
    except ImportError as error:
        raise AppUnavailable("应用需要 streamlit：pip install 'budget-kb[ui]'") from error
    env = {**os.environ, "KB_DB": str(Path(db).resolve()), "KB_BACKEND": backend, "KB_READ_ONLY": "1" if read_only else ""}
    mode = "，只读" if read_only else ""
    print(f"budget-kb 应用：http://{host}:{port}（图数据库：{backend} {db}{mode}；Ctrl-C 停止）", file=sys.stderr)
    try:
        return subprocess.call(streamlit_command(port, host), env=env)
    except KeyboardInterrupt:
        return 0
