"""The ``kb`` command line. Each command makes one library call; no logic lives here.

A ``KBError`` becomes one line on stderr (``错误[CODE]: …``, the code's Chinese message from
``kb.core.messages``, at most 300 characters) and exit code 1; so does any unexpected exception
(``错误[E_UNEXPECTED]``, with its type name), so a user never sees a traceback. ``KB_DEBUG=1`` re-raises instead.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Optional

import typer

from kb.core.errors import KBError
from kb.core.messages import error_line, render

app = typer.Typer(add_completion=False, no_args_is_help=True, help="budget-kb: trace public money through Chinese budget disclosures.")
links_app = typer.Typer(help="Policy-document and program links: list, accept, reject.", invoke_without_command=True)
app.add_typer(links_app, name="links")

DB_OPTION = typer.Option(Path(os.environ.get("KB_DB", "kb-data")), "--db", help="database folder (embedded store)")
BACKEND_OPTION = typer.Option(os.environ.get("KB_BACKEND", "embedded"), "--backend", help="embedded | neo4j")
WAIT_OPTION = typer.Option(None, "--wait", min=0,
                           help="seconds to wait while another process writes the store (env KB_WRITER_WAIT; "
                                "default 0: refuse at once)")


def _print_json(value: object) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _fail(code: str, **fields: object) -> None:
    typer.echo(error_line(code, render(code, **fields)), err=True)
    raise typer.Exit(1)


def _open_store(db: Path, backend: str):
    from kb.store import open_store

    return open_store(db=db, backend=backend)


@app.command()
def parse(file: Path = typer.Argument(..., help="one disclosure file (.txt .pdf .docx .xlsx)"),
          as_json: bool = typer.Option(False, "--json", help="print the EXTRACTION_SCHEMA.md object")) -> None:
    """Parse one disclosure and print its records (no store)."""
    from kb.isolation import parse_files
    from kb.report import extraction_summary

    [(_path, extraction)] = parse_files([file])  # in a worker process, under the time and memory limits
    if isinstance(extraction, KBError):
        raise extraction
    if as_json:
        _print_json(extraction.schema_dict())
    else:
        typer.echo(extraction_summary(extraction))


@app.command()
def ingest(paths: list[Path] = typer.Argument(..., help="files or folders"), db: Path = DB_OPTION,
           backend: str = BACKEND_OPTION, wait: Optional[float] = WAIT_OPTION,
           report: bool = typer.Option(False, "--report", help="one line per document: what was found and what not"),
           max_file_mb: Optional[float] = typer.Option(None, "--max-file-mb", min=0.001,
                                                       help="largest file accepted, MB (env KB_MAX_FILE_MB; 50)")) -> None:
    """Parse, link and store disclosures incrementally; idempotent; bad files are reported and skipped."""
    from kb.ingest import ingest_with_progress
    from kb.query.index import build_query_index
    from loaders.limits import Limits

    summary = ingest_with_progress(paths, db=db, backend=backend, wait_seconds=wait,
                                   limits=Limits.from_env(max_file_mb), after=build_query_index)
    if report:
        from loaders.coverage import coverage_report

        typer.echo(coverage_report(paths))
    typer.echo(summary.describe())
    if summary.ingested == 0 and summary.skipped:
        raise typer.Exit(1)


@app.command()
def remove(files: list[Path] = typer.Argument(..., help="files as ingested (path, or a unique file name)"),
           db: Path = DB_OPTION, backend: str = BACKEND_OPTION, wait: Optional[float] = WAIT_OPTION) -> None:
    """Take documents out of the store, with everything only they said."""
    from kb.ingest import remove_paths
    from kb.store import open_store

    from kb.query.index import build_query_index

    with open_store(db, backend, wait_seconds=wait) as store:
        summary = remove_paths(files, store)
        if summary.removed:
            build_query_index(store)
    typer.echo(summary.describe())
    if not summary.removed:
        raise typer.Exit(1)


@app.command()
def stats(db: Path = DB_OPTION, backend: str = BACKEND_OPTION,
          as_json: bool = typer.Option(False, "--json")) -> None:
    """Node counts by label and relationship counts by type."""
    with _open_store(db, backend) as store:
        counts = store.stats()
    if as_json:
        _print_json(counts)
    else:
        for group, title in (("nodes", "节点"), ("relationships", "关系")):
            typer.echo(f"{title}：")
            for name, count in sorted(counts[group].items()):
                typer.echo(f"  {name:<18} {count}")


def _parse_params(pairs: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            _fail("E_BAD_PARAMETER_SYNTAX", value=pair[:40])
        key, value = pair.split("=", 1)
        params[key.strip()] = value
    return params


@app.command()
def query(name: str, param: list[str] = typer.Option([], "--param", help="k=v, repeatable"), db: Path = DB_OPTION,
          backend: str = BACKEND_OPTION, as_json: bool = typer.Option(False, "--json")) -> None:
    """Run one cypher/ template by name with parameters."""
    from kb.query.templates import run_template

    with _open_store(db, backend) as store:
        result = run_template(store, name, _parse_params(param))
    if as_json:
        _print_json(result.to_dict())
    else:
        typer.echo(result.to_text())


@app.command()
def templates(as_json: bool = typer.Option(False, "--json")) -> None:
    """List the query templates: name, description, params, example questions."""
    from kb.query.templates import load_registry

    registry = load_registry()
    if as_json:
        _print_json([template.to_dict() for template in registry])
    else:
        for template in registry:
            typer.echo(f"{template.name}：{template.description}  参数：{'、'.join(template.params) or '无'}")


@app.command()
def ask(question: str, db: Path = DB_OPTION, backend: str = BACKEND_OPTION,
        as_json: bool = typer.Option(False, "--json")) -> None:
    """Answer a question in Chinese through a template or semantic search, with sources."""
    from kb.core.errors import QuestionTooLong
    from kb.query.ask import ask as ask_question

    QuestionTooLong.check(question)
    with _open_store(db, backend) as store:
        answer = ask_question(store, question)
    if as_json:
        _print_json(answer.to_dict())
    else:
        typer.echo(answer.to_text())


@app.command()
def chat(db: Path = DB_OPTION, backend: str = BACKEND_OPTION,
         jsonl: bool = typer.Option(False, "--jsonl", help="one question per stdin line, one JSON answer per line")) -> None:
    """A conversation: follow-ups (那綦江呢？ 其中最大的是哪个？ 这些一共多少钱？) read against the last answer."""
    from kb.query.conversation import Conversation

    with _open_store(db, backend) as store:
        conversation = Conversation(store)
        if jsonl:
            for line in sys.stdin:
                if line.strip():
                    answer = conversation.ask(line.strip())
                    typer.echo(json.dumps(answer.to_dict(), ensure_ascii=False, default=str))
            return
        typer.echo("请输入问题（可追问，如“那綦江呢？”“其中最大的是哪个？”）；输入“清空”重新开始，空行或 Ctrl-D 退出。")
        while True:
            try:
                question = input("问> ").strip()
            except (EOFError, KeyboardInterrupt):
                break
            if not question:
                break
            if question in ("清空", "重新开始"):
                conversation.reset()
                typer.echo("已清空对话。")
                continue
            answer = conversation.ask(question)
            typer.echo(f"错误：{answer.error['message']}" if answer.error and not answer.frame else answer.to_text())
            typer.echo("")


@links_app.callback()
def links(ctx: typer.Context, db: Path = DB_OPTION, backend: str = BACKEND_OPTION,
          as_json: bool = typer.Option(False, "--json")) -> None:
    """Policy documents with their citing projects, possible 文号 links and program clusters."""
    if ctx.invoked_subcommand is not None:
        return
    from linking.report import links_report, links_text

    with _open_store(db, backend) as store:
        report = links_report(store)
    _print_json(report) if as_json else typer.echo(links_text(report))


def _decide(link_id: str, status: str, db: Path, backend: str) -> None:
    from linking.decisions import record_decision

    with _open_store(db, backend) as store, store.writer():  # the store and the decisions file, one writer
        message = record_decision(store, link_id, status)
    typer.echo(message)


@links_app.command("accept")
def links_accept(link_id: str, db: Path = DB_OPTION, backend: str = BACKEND_OPTION) -> None:
    """Accept a possible link (kept across re-ingests)."""
    _decide(link_id, "accepted", db, backend)


@links_app.command("reject")
def links_reject(link_id: str, db: Path = DB_OPTION, backend: str = BACKEND_OPTION) -> None:
    """Reject a possible link (kept across re-ingests)."""
    _decide(link_id, "rejected", db, backend)


@app.command()
def check(db: Path = DB_OPTION, backend: str = BACKEND_OPTION, as_json: bool = typer.Option(False, "--json")) -> None:
    """Consistency findings per document (totals that do not add up, …)."""
    from kb.checks import check_store

    with _open_store(db, backend) as store:
        report = check_store(store)
    _print_json(report.to_dict()) if as_json else typer.echo(report.to_text())


@app.command()
def export(format: str = typer.Option(..., "--format", help="graphml | gexf | json | csv"),
           out: Path = typer.Option(..., "--out", help="file (graphml/gexf/json) or folder (csv)"),
           db: Path = DB_OPTION, backend: str = BACKEND_OPTION) -> None:
    """Export the graph for Gephi, networkx or neo4j-admin import."""
    from kb.export import export_graph

    with _open_store(db, backend) as store:
        written = export_graph(store, format, out)
    typer.echo(f"已写出 {written}")


@app.command()
def synth(docs: int = typer.Option(..., "--docs", min=1), out: Path = typer.Option(..., "--out"),
          seed: int = typer.Option(0, "--seed")) -> None:
    """Write N synthetic disclosures and a ground-truth JSON beside them."""
    from kb.synth import generate_corpus

    truth = generate_corpus(docs, out, seed=seed)
    typer.echo(f"已写出 {docs} 份文件和 {truth}")


@app.command()
def ui(db: Path = DB_OPTION, backend: str = BACKEND_OPTION, port: int = typer.Option(8501, "--port"),
       host: str = typer.Option("localhost", "--host"),
       read_only: bool = typer.Option(False, "--read-only", help="no uploads, no link decisions (to share on a network)")) -> None:
    """Serve the Streamlit app over the store."""
    from kb.serve import serve_ui

    raise typer.Exit(serve_ui(db=db, backend=backend, port=port, host=host, read_only=read_only))


def main() -> None:
    """Console entry point: run the app, turning errors into one line and exit 1."""
    try:
        # without standalone mode click returns (not raises) the code of a `typer.Exit(code)`
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except KBError as error:
        typer.echo(error.line(), err=True)
        sys.exit(1)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("已中止。", err=True)
        sys.exit(1)
    except Exception as error:  # click usage errors and anything unexpected: one line, never a traceback
        if callable(getattr(error, "format_message", None)):  # a click usage error (typer vendors click)
            typer.echo(error_line("E_USAGE", render("E_USAGE", message=error.format_message())), err=True)
            sys.exit(getattr(error, "exit_code", 2))
        if os.environ.get("KB_DEBUG"):
            raise
        typer.echo(error_line("E_UNEXPECTED", render("E_UNEXPECTED", kind=type(error).__name__, message=error)),
                   err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
