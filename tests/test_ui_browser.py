"""The app in a real browser: `kb ui` serves the ingested corpus; headless Chromium asks a question.
Once over the embedded store and once over Neo4j (the server `make test` starts, tests/neo4j_support.py).

Debian's Chromium (/usr/bin/chromium, installed by `make test`'s system-deps) is driven with Python
playwright; the page must show the answer's figure, and a screenshot is saved in the test's tmp_path
(look at it to check the Chinese renders).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from neo4j_support import MARKS as NEO4J_MARKS, open_empty_neo4j_store
from ports import free_ports

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
QUESTION = "綦江区代发企业退休军转干解困补助资金是多少？"  # questions.json P13
FIGURE = "1000.3"

pytestmark = pytest.mark.browser


def _kb(*args: str) -> list[str]:
    return [sys.executable, "-m", "kb.cli", *args]


def _wait_healthy(server: subprocess.Popen, port: int, log: Path, seconds: float = 300) -> bool:
    """Poll Streamlit's health endpoint until it answers ok (the server may take a while to import on a
    loaded machine: up to ``seconds``). False when the server exited because its port was taken meanwhile."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            output = log.read_text(errors="replace")
            if f"Port {port} is not available" in output:  # another process took the port first: try another
                return False
            pytest.fail(f"kb ui exited with {server.returncode}:\n{output[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://localhost:{port}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return True
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"kb ui did not become healthy in {seconds:.0f} s:\n{log.read_text(errors='replace')[-3000:]}")


def _stop(server: subprocess.Popen) -> None:
    """Stop `kb ui` and streamlit, its child: the whole process group this test started."""
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=NEO4J_MARKS)])
def served_app(request, tmp_path):
    """The corpus in a fresh store of the backend (Neo4j: by `kb ingest`; embedded: a copy of the session's
    ingested corpus), then `kb ui` on a free localhost port; yields (URL, backend)."""
    if not Path(CHROMIUM).exists() or shutil.which("fc-list") is None:
        pytest.fail("Chromium and fonts-noto-cjk are required: run `make system-deps`")
    backend = request.param
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO)}
    if backend == "neo4j":
        db = tmp_path / "kb-data"
        open_empty_neo4j_store(db).close()
        ingest = subprocess.run(_kb("ingest", str(CORPUS), "--db", str(db), "--backend", backend), cwd=REPO,
                                env=env, capture_output=True, text=True, timeout=900)
        assert ingest.returncode == 0, ingest.stderr
    else:  # the corpus ingested once in this session (conftest), in a folder of its own
        db = request.getfixturevalue("make_corpus_folder")("browser")
    log = tmp_path / "kb-ui.log"
    for _attempt in range(3):  # a port free when probed can be taken before streamlit binds it
        [port] = free_ports(1)
        with log.open("w") as log_file:
            server = subprocess.Popen(_kb("ui", "--db", str(db), "--backend", backend, "--port", str(port),
                                          "--host", "localhost"),
                                      cwd=REPO, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        url = f"http://localhost:{port}"
        try:
            healthy = _wait_healthy(server, port, log)
        except BaseException:
            _stop(server)
            raise
        if healthy:
            break
        _stop(server)
    else:
        pytest.fail(f"kb ui found no free port in 3 tries:\n{log.read_text(errors='replace')[-3000:]}")
    try:
        yield url, backend
    finally:
        _stop(server)


def test_question_answered_in_chromium(served_app, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    url, backend = served_app
    screenshot = tmp_path / f"ask-{backend}.png"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
            page.goto(url)
            chat = page.get_by_test_id("stChatInputTextArea")
            expect(chat).to_be_visible(timeout=120_000)
            # Streamlit's English "Running…/Stop" indicator must never be visible: record it whenever it changes
            page.evaluate("""() => {
                window.statusTexts = [];
                new MutationObserver(() => {
                    const widget = document.querySelector('[data-testid="stStatusWidget"]');
                    if (widget && widget.checkVisibility()) window.statusTexts.push(widget.innerText);
                }).observe(document.body, {childList: true, subtree: true, characterData: true});
            }""")
            chat.fill(QUESTION)
            chat.press("Enter")
            answer = page.get_by_test_id("stChatMessage").filter(has_text=FIGURE).first
            expect(answer).to_be_visible(timeout=180_000)
            expect(page.get_by_text("来源", exact=True).first).to_be_visible()
            expect(page.get_by_test_id("stSidebar")).to_contain_text(f"后端 {backend}", timeout=180_000)
            expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)  # the run finished
            expect(page.get_by_test_id("stDataFrame").first.locator("canvas").first).to_be_attached(timeout=60_000)
            expect(page.get_by_test_id("stException")).to_have_count(0)
            assert page.evaluate("window.statusTexts") == []  # the English run indicator was never shown
            page.wait_for_timeout(1500)  # let the data grids paint before the screenshot (no assertion on time)
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    assert screenshot.stat().st_size > 10_000
    print(f"screenshot: {screenshot}")
