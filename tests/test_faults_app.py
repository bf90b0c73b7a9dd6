"""The app under faults (Streamlit AppTest over a real embedded store): hostile uploads are one warning each
and never parsed in the server process, changes made by another process show on the next page run, and
``kb ui --read-only`` (KB_READ_ONLY=1) offers no upload and refuses link decisions."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import hostile_files as hostile

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "ui" / "app.py")
FAST = {"HF_HUB_OFFLINE": "1", "KB_EMBEDDING_MODEL": "lexical"}


def _kb(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kb.cli", *args], capture_output=True, text=True, timeout=300,
                          cwd=REPO, env={**os.environ, **FAST})


@pytest.fixture
def app_store(make_small_folder, monkeypatch):
    """A database folder of its own holding 004 (by ``kb ingest``: a copy of the session's), served to the app
    through KB_DB."""
    db = make_small_folder("app-store")
    monkeypatch.setenv("KB_DB", str(db))
    monkeypatch.setenv("KB_BACKEND", "embedded")
    monkeypatch.delenv("KB_READ_ONLY", raising=False)
    return db


def _app(page: str | None = None):
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(APP, default_timeout=300).run()
    if page:
        app.switch_page(page).run()
    assert not app.exception, [element.value for element in app.exception]
    return app


def _status(app) -> str:
    return app.sidebar.caption[0].value


def test_hostile_uploads_are_one_warning_each_and_the_store_keeps_its_content(app_store, tmp_path):
    app = _app("views/data.py")
    assert "公开文件 1" in _status(app)
    bomb = hostile.docx_bomb(tmp_path / "预算 bomb.docx")
    pdf = hostile.encrypted_pdf(tmp_path / "预算.pdf")
    uploader = app.file_uploader(key="data-uploads")
    uploader.upload(bomb.name, bomb.read_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    uploader.upload(pdf.name, pdf.read_bytes(), "application/pdf")
    app.run()
    app.button(key="data-ingest").click().run()
    assert not app.exception and not app.error, [element.value for element in app.error]
    warnings = sorted(element.value for element in app.warning)
    assert len(warnings) == 2
    assert warnings[0].startswith("跳过 预算 bomb.docx：错误[E_ZIP_BOMB]") and "压缩炸弹" in warnings[0]
    assert warnings[1].startswith("跳过 预算.pdf：错误[E_ENCRYPTED_PDF]") and "加密" in warnings[1]
    assert "导入 0 个文件，跳过 2 个" in app.info[0].value
    assert "公开文件 1" in _status(_app())


def test_the_app_sees_an_ingest_made_by_another_process(app_store):
    app = _app()
    assert "公开文件 1" in _status(app) and "单位 1" in _status(app)
    run = _kb("ingest", str(hostile.CORPUS / "002_e9a684c38e2f8a64.txt"), "--db", str(app_store))
    assert run.returncode == 0, run.stdout + run.stderr
    app.run()  # the same session's next page run
    assert "公开文件 2" in _status(app) and "单位 2" in _status(app)


def test_read_only_offers_no_upload_and_refuses_decisions(app_store, monkeypatch):
    monkeypatch.setenv("KB_READ_ONLY", "1")
    app = _app("views/data.py")
    assert not app.get("file_uploader") and "只读" in app.info[0].value
    assert "只读" in _status(app)
    assert app.button(key="data-export")  # exports still work
    from kb.core.errors import ReadOnly
    from ui import api

    with pytest.raises(ReadOnly, match="只读"):
        api.record_decision("policy_link:0000", "accepted")
    with pytest.raises(ReadOnly, match="导入文件不可用"):
        api.ingest_uploads([("a.txt", b"x")])


def test_the_app_sees_a_link_decision_made_by_another_process(make_corpus_folder, monkeypatch):
    """The review page's pending count drops after `kb links reject` in a terminal, on the next page run."""
    db = make_corpus_folder("app-review")  # the ingested corpus in a folder of its own
    monkeypatch.setenv("KB_DB", str(db))
    monkeypatch.setenv("KB_BACKEND", "embedded")
    monkeypatch.delenv("KB_READ_ONLY", raising=False)
    links = json.loads(_kb("links", "--db", str(db), "--json").stdout)
    [misprint] = [link for link in links["policy_links"]
                  if {link["a"], link["b"]} == {"渝教人〔2013〕13号", "渝教文〔2013〕13号"}]
    assert misprint["status"] == "possible"
    app = _app("views/review.py")
    pending = int(re.search(r"待审核（(\d+)）", app.subheader[0].value).group(1))
    assert f"`{misprint['id']}`" in " ".join(element.value for element in app.markdown)
    assert _kb("links", "reject", misprint["id"], "--db", str(db)).returncode == 0
    app.run()
    assert app.subheader[0].value == f"待审核（{pending - 1}）"
    assert f"`{misprint['id']}`" not in " ".join(element.value for element in app.markdown)
