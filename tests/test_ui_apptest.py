"""Every page of the Streamlit app over a real embedded store holding the real corpus (Streamlit AppTest).

One session-scoped store: ../shared/corpus ingested once under a tmp folder with ``kb.ingest``; the app
opens it itself from ``KB_DB`` (its cached store), exactly as ``kb ui`` does. Tests that change the
store (a review decision, an upload) run last.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
APP = str(REPO / "ui" / "app.py")
QUESTIONS = {item["id"]: item for item in json.loads((SHARED / "questions.json").read_text(encoding="utf-8"))}
TIMEOUT = 300


@pytest.fixture(scope="session")
def app_db(make_corpus_folder):
    """The corpus ingested into an embedded store on disk (a copy of the session's ingested corpus, conftest);
    KB_DB points the app at it for the session."""
    db = make_corpus_folder("ui-store")
    saved = {name: os.environ.get(name) for name in ("KB_DB", "KB_BACKEND", "HF_HUB_OFFLINE")}
    os.environ.update({"KB_DB": str(db), "KB_BACKEND": "embedded", "HF_HUB_OFFLINE": "1"})
    yield db
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def _app(page: str | None = None):
    """A fresh AppTest session, run once (and switched to ``page``, e.g. "views/trace.py")."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    if page:
        app.switch_page(page).run()
    _assert_clean(app)
    return app


def _assert_clean(app) -> None:
    assert not app.exception, [element.value for element in app.exception]
    assert not app.error, [element.value for element in app.error]


def _frames(app):
    return [element.value for element in app.dataframe]


def _chat_text(app) -> str:
    """Everything the assistant's chat messages show as markdown."""
    texts = []
    for message in app.chat_message:
        texts += [element.value for element in message.markdown]
    return "\n".join(texts)


def _ask(app, question: str):
    app.chat_input[0].set_value(question).run()
    _assert_clean(app)
    return app


def test_status_line_names_backend_location_counts_and_model(app_db):
    app = _app()
    status = app.sidebar.caption[0].value
    assert "embedded" in status
    assert str(app_db) in status
    assert "单位 5" in status and "公开文件 5" in status and "Unit" not in status
    from kb import embeddings

    # a sentence-transformers model is loaded (and named) only when KB_EMBEDDING_MODEL names one
    assert (embeddings.embedder_name() if embeddings.model_named() else "词法回退") in status


def test_question_answered_with_figure_sources_and_cypher(app_db):
    question = QUESTIONS["P13"]["question"]  # 綦江区代发企业退休军转干解困补助资金是多少？ -> 1000.3
    app = _ask(_app(), question)
    assert "1000.3" in _chat_text(app)
    sources = _frames(app)[-1]
    assert list(sources.columns) == ["文件", "行", "原文"]
    assert sources["文件"].str.startswith("001_").all()  # the 綦江 disclosure
    for file, line, text in sources.itertuples(index=False):  # each source is that line of the real file
        printed = (CORPUS / file).read_text(encoding="utf-8").splitlines()[int(line) - 1]
        assert all(token in printed for token in text.split()), (file, line, text)
    assert 1000.3 in set(_frames(app)[0]["金额（万元）"])  # the answer's table
    assert any("MATCH" in code.value for code in app.code)
    app.toggle(key="answer-0-graph").set_value(True).run()
    _assert_clean(app)
    assert app.get("iframe")  # the nodes the answer names, drawn with pyvis
    assert any("项目（Project）" in caption.value and "单位（Unit）" in caption.value for caption in app.caption)
    assert len(app.chat_message) == 2  # the question and its answer
    assert app.download_button  # the answer table as CSV


def test_follow_up_reuses_previous_template(app_db):
    app = _ask(_app(), "荣昌区的住房公积金支出是多少？")
    assert "68.91" in _chat_text(app)  # questions.json P07: 荣昌's 2210201 住房公积金
    first = app.session_state["chat_history"][0]["answer"]
    _ask(app, "那綦江呢？")
    follow_up = app.session_state["chat_history"][1]["answer"]
    assert follow_up["template"] == first["template"]
    assert "綦江" in follow_up["params"]["unit"]
    assert "66.09" in _chat_text(app)  # 綦江's 住房公积金 (P07), from the reused template
    assert len(app.chat_message) == 4


def test_example_question_pill_is_answered_by_its_template(app_db):
    from kb.query.templates import load_registry

    app = _app()
    pills = app.pills(key="ask-examples")
    owner = {template.examples[0]: template.name for template in load_registry() if template.examples}
    assert pills.options and set(pills.options) <= set(owner)
    pills.set_value(pills.options[0]).run()
    _assert_clean(app)
    answer = app.session_state["chat_history"][0]["answer"]
    assert answer["template"] == owner[pills.options[0]]
    assert answer["answer"] in _chat_text(app)


def test_unanswerable_question_is_a_message_not_a_traceback(app_db):
    app = _app()
    app.chat_input[0].set_value("？？？").run()
    assert not app.exception
    assert len(app.error) == 1 and "？？？" in app.error[0].value  # UnanswerableQuestion's one line
    assert app.session_state["chat_history"][0]["error"] == app.error[0].value


def test_store_error_is_a_message_on_every_page(app_db, monkeypatch):
    monkeypatch.setenv("KB_BACKEND", "nosuch")
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    for page in (None, "views/trace.py", "views/compare.py", "views/graph.py", "views/review.py",
                 "views/checks.py"):
        if page:
            app.switch_page(page).run()
        assert not app.exception, page
        assert any("未知的后端“nosuch”" in element.value for element in app.error), page


def test_tracer_shows_both_units_citing_the_policy(app_db):
    app = _app("views/trace.py")
    app.text_input(key="trace-search").input("渝委办发[2019]66号").run()
    _assert_clean(app)
    assert app.subheader[0].value == "渝委办发〔2019〕66号"
    projects = _frames(app)[0]
    units = set(projects["单位"])
    assert any("荣昌" in unit for unit in units) and any("綦江" in unit for unit in units)
    assert {130.0, 81.99, 207.0} <= set(projects["金额（万元）"].round(2))  # questions.json P01
    co_cited = _frames(app)[1]
    assert "渝府办发〔2017〕84号" in set(co_cited["文号"])  # questions.json P19
    assert any("发文机关" in element.value for element in app.markdown)


def test_tracer_search_without_match_warns(app_db):
    app = _app("views/trace.py")
    app.text_input(key="trace-search").input("不存在的文件标题").run()
    assert not app.exception
    assert [element.value for element in app.warning] == ["没有文号或标题包含“不存在的文件标题”的文件。"]
    assert not app.subheader  # no 文件 shown


def test_comparison_of_a_subject_across_units(app_db):
    app = _app("views/compare.py")
    app.radio(key="compare-scheme").set_value("function").run()
    subject = app.selectbox(key="compare-subject")
    housing = next(index for index, option in enumerate(subject.options) if option.startswith("2210201 "))
    subject.select_index(housing).run()
    _assert_clean(app)
    table = _frames(app)[-1]
    assert {68.91, 66.09, 47.43, 41.54, 80.19} <= set(table["合计（万元）"].round(2))  # questions.json P07
    assert len(app.get("vega_lite_chart")) == 2  # the program chart and this subject's chart


def test_comparison_of_a_program_across_units(app_db):
    app = _app("views/compare.py")
    matrix = _frames(app)[0]
    teachers = matrix[matrix.index.str.contains("民办教师")]
    assert len(teachers) == 1
    amounts = {unit: value for unit, value in teachers.iloc[0].dropna().items()}
    assert any("荣昌" in unit and value == 170 for unit, value in amounts.items())  # questions.json P10
    assert any("綦江" in unit and value == 168 for unit, value in amounts.items())
    program = app.selectbox(key="compare-program")
    program.select_index(next(index for index, name in enumerate(program.options) if "民办教师" in name)).run()
    _assert_clean(app)
    detail = _frames(app)[1]
    assert {170.0, 168.0} <= set(detail["金额（万元）"])


def test_graph_page_measures_most_cited_policies(app_db):
    app = _app("views/graph.py")
    most_cited = _frames(app)[0]
    assert set(most_cited["文号"].head(2)) == {"渝府办发〔2017〕84号", "渝委办发〔2019〕66号"}  # P18
    assert app.get("iframe")  # the neighbourhood drawn with pyvis


def test_checks_page_lists_findings_per_document(app_db):
    app = _app("views/checks.py")
    titles = [expander.label for expander in app.expander]
    assert sum(title.startswith(("000_", "001_", "002_", "003_", "004_")) for title in titles) == 5


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json", "csv"])
def test_export_download_holds_the_policy(app_db, fmt):
    app = _app("views/data.py")
    app.radio(key="data-format").set_value(fmt).run()
    app.button(key="data-export").click().run()
    _assert_clean(app)
    name, content = app.session_state["export"]
    assert app.download_button(key="data-download").label == f"下载 {name}"
    if fmt == "csv":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            text = "".join(archive.read(member).decode("utf-8-sig") for member in archive.namelist())
    else:
        text = content.decode("utf-8")
    assert "渝委办发〔2019〕66号" in text


def test_review_accept_is_seen_by_kb_links(app_db):
    app = _app("views/review.py")
    accept = next(button for button in app.button if button.key and button.key.startswith("accepted-"))
    link_id = accept.key.removeprefix("accepted-")
    assert link_id.startswith("policy_link:")  # 文号 links are listed before memberships
    assert any("渝教人〔2013〕13号" in element.value for element in app.markdown)  # 文号 link: 渝教人 ~ 渝教文
    accept.click().run()
    _assert_clean(app)
    assert link_id in app.success[0].value
    assert f"accepted-{link_id}" not in [button.key for button in app.button]  # no longer pending
    links = subprocess.run([sys.executable, "-m", "kb.cli", "links", "--json", "--db", str(app_db)], cwd=REPO,
                           capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert links.returncode == 0, links.stderr
    assert _status_of(json.loads(links.stdout), link_id) == "accepted"


def test_review_table_tells_two_lines_of_one_project_name_apart(app_db):
    app = _app("views/review.py")
    _assert_clean(app)
    table = _frames(app)[-1]
    twins = sorted(side for side in table["一方"] if "县社保事务中心档案整理工作经费" in side)
    assert twins == ["苍溪县社会保险事务中心 · 县社保事务中心档案整理工作经费（科目 2080107 · 5 万元）",
                     "苍溪县社会保险事务中心 · 县社保事务中心档案整理工作经费（科目 2080109 · 7.16 万元）"]


def test_review_confirms_a_bundle_that_stays_out_of_program_sums(app_db):
    """万盛's 社保惠民服务专项 (641.87 万元) pays three groups: confirmed as a bundle it stays in no program's sum."""
    app = _app("views/review.py")
    _assert_clean(app)
    assert any("社保惠民服务专项" in element.value and "641.87 万元" in element.value for element in app.markdown)
    app.button(key="bundle-confirm-0").click().run()
    _assert_clean(app)
    links = subprocess.run([sys.executable, "-m", "kb.cli", "links", "--json", "--db", str(app_db)], cwd=REPO,
                           capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    members = [member for program in json.loads(links.stdout)["programs"] for member in program["members"]
               if member["project"] == "社保惠民服务专项"]
    assert [(member["kind"], member["status"], member["amount"]) for member in members] == [
        ("bundle", "accepted", None)] * 3
    compare = _app("views/compare.py")
    _assert_clean(compare)
    assert not any("万盛" in column for column in _frames(compare)[0].columns)
    assert any("合并项目" in element.value and "社保惠民服务专项" in element.value for element in compare.caption)


def _status_of(report: dict, link_id: str):
    """The status ``kb links --json`` gives the 文号 link or program membership ``link_id``."""
    links = list(report["policy_links"]) + [member for program in report["programs"] for member in program["members"]]
    return next(link["status"] for link in links if link["id"] == link_id)


def test_upload_ingests_with_progress_and_bad_file_is_a_message(app_db):
    app = _app("views/data.py")
    corpus_file = CORPUS / "003_964a15e45ca13e4e.txt"
    app.file_uploader(key="data-uploads").upload(corpus_file.name, corpus_file.read_bytes(), "text/plain")
    app.run()
    app.button(key="data-ingest").click().run()
    _assert_clean(app)
    # the same bytes as a stored document: a no-op (documents are known by content), nothing stored twice
    assert "导入 0 个文件" in app.info[0].value and "库中现有 5 份文件" in app.info[0].value
    assert app.get("progress")
    app = _app("views/data.py")
    app.file_uploader(key="data-uploads").upload("empty.txt", b"", "text/plain")
    app.run()
    app.button(key="data-ingest").click().run()
    assert not app.exception
    assert "empty.txt" in app.warning[0].value  # reported and skipped, one line
    assert "导入 0 个文件" in app.info[0].value and not app.success
    status = _app().sidebar.caption[0].value
    assert "公开文件 5" in status  # nothing lost, the re-upload stored no second copy
