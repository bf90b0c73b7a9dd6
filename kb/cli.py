"""The ``kb`` command line. Each command makes one library call; no logic lives here.

A ``KBError`` becomes one line on stderr (``错误[CODE]: …``, the code's Chinese message from
``kb.core.messages``, at most 300 characters) and exit code 1; so does any unexpected exception
(``错误[E_UNEXPECTED]``, with its type name), so a user never sees a traceback. ``KB_DEBUG=1`` re-raises instead
and shows the library's log.

Everything ``kb --help`` shows is Chinese: the help texts below (a command's docstring is its help), and
typer's own words (用法, the panel titles, the ``--help`` line, [默认：…]) through ``kb.cli_chinese``.
A usage error (unknown option, missing argument, bad value) is one Chinese line too.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Optional

import typer

from kb.cli_chinese import ChineseTyper, usage_message
from kb.core.errors import KBError
from kb.core.messages import error_line, render

app = ChineseTyper(add_completion=False, no_args_is_help=True,
                   help="budget-kb 预算知识库：从部门预算、决算公开文件追踪财政资金的去向。")
links_app = ChineseTyper(help="政策文件与项目群的关联：列出、确认、否决。", invoke_without_command=True)
app.add_typer(links_app, name="links")

DB_OPTION = typer.Option(Path("kb-data"), "--db", envvar="KB_DB", help="数据库文件夹")
BACKEND_OPTION = typer.Option("embedded", "--backend", envvar="KB_BACKEND",
                              help="图数据库：embedded（内嵌）或 neo4j（服务器）")
WAIT_OPTION = typer.Option(None, "--wait", min=0,
                           help="等待写入锁的秒数（环境变量 KB_WRITER_WAIT）；默认 0，即立即拒绝")
JSON_OPTION = typer.Option(False, "--json", help="以 JSON 输出")


def _print_json(value: object) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _fail(code: str, **fields: object) -> None:
    typer.echo(error_line(code, render(code, **fields)), err=True)
    raise typer.Exit(1)


def _open_store(db: Path, backend: str):
    from kb.store import open_store

    return open_store(db=db, backend=backend)


@app.command()
def parse(file: Path = typer.Argument(..., help="一份公开文件（.txt .pdf .docx .xlsx）"),
          as_json: bool = typer.Option(False, "--json", help="输出 EXTRACTION_SCHEMA.md 规定的 JSON 对象")) -> None:
    """解析一份公开文件并显示其中的记录（不写入数据库）。"""
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
def ingest(paths: list[Path] = typer.Argument(..., help="文件或文件夹"), db: Path = DB_OPTION,
           backend: str = BACKEND_OPTION, wait: Optional[float] = WAIT_OPTION,
           report: bool = typer.Option(False, "--report", help="逐份文件报告找到与缺少的内容"),
           max_file_mb: Optional[float] = typer.Option(None, "--max-file-mb", min=0.001,
                                                       help="可接受的最大文件，单位 MB（环境变量 KB_MAX_FILE_MB；默认 50）")) -> None:
    """导入公开文件：解析、关联，增量写入数据库。

    重复导入结果不变；无法读取的文件会报告并跳过。
    """
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
def remove(files: list[Path] = typer.Argument(..., help="已导入的文件（路径，或不重名的文件名）"),
           db: Path = DB_OPTION, backend: str = BACKEND_OPTION, wait: Optional[float] = WAIT_OPTION) -> None:
    """从数据库中移除文件，连同只有这些文件提供的内容。"""
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
def stats(db: Path = DB_OPTION, backend: str = BACKEND_OPTION, as_json: bool = JSON_OPTION) -> None:
    """按标签统计节点数，按类型统计关系数。"""
    with _open_store(db, backend) as store:
        counts = store.stats()
    if as_json:
        _print_json(counts)
    else:
        from kb.query.labels import LABEL_NAMES, RELATIONSHIP_NAMES

        for group, title, names in (("nodes", "节点", LABEL_NAMES), ("relationships", "关系", RELATIONSHIP_NAMES)):
            typer.echo(f"{title}：")
            for name, count in sorted(counts[group].items()):
                typer.echo(f"  {names.get(name, name)}（{name}）  {count}")


def _parse_params(pairs: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            _fail("E_BAD_PARAMETER_SYNTAX", value=pair[:40])
        key, value = pair.split("=", 1)
        params[key.strip()] = value
    return params


@app.command()
def query(name: str = typer.Argument(..., help="模板名（kb templates 列出全部模板）"),
          param: list[str] = typer.Option([], "--param", help="模板参数，写作 名=值，可重复"), db: Path = DB_OPTION,
          backend: str = BACKEND_OPTION, as_json: bool = JSON_OPTION) -> None:
    """按名称运行一个 cypher/ 查询模板。"""
    from kb.query.templates import run_template

    with _open_store(db, backend) as store:
        result = run_template(store, name, _parse_params(param))
    if as_json:
        _print_json(result.to_dict())
    else:
        typer.echo(result.to_text())


@app.command()
def templates(as_json: bool = JSON_OPTION) -> None:
    """列出查询模板：名称、说明、参数、示例问题。"""
    from kb.query.templates import load_registry

    registry = load_registry()
    if as_json:
        _print_json([template.to_dict() for template in registry])
    else:
        for template in registry:
            typer.echo(f"{template.name}：{template.description}  参数：{'、'.join(template.params) or '无'}")


@app.command()
def ask(question: str = typer.Argument(..., help="中文问题，例如“綦江区有哪些项目？”"), db: Path = DB_OPTION,
        backend: str = BACKEND_OPTION, as_json: bool = JSON_OPTION) -> None:
    """用中文提问：经查询模板或语义检索作答，并给出来源。"""
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
         jsonl: bool = typer.Option(False, "--jsonl", help="从标准输入每行读一个问题，每行输出一个 JSON 答案")) -> None:
    """对话：追问按上一个答案理解。

    例如先问“荣昌区有哪些项目？”，再问“那綦江呢？”“其中最大的是哪个？”“这些一共多少钱？”。
    """
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
def links(ctx: typer.Context, db: Path = DB_OPTION, backend: str = BACKEND_OPTION, as_json: bool = JSON_OPTION) -> None:
    """政策文件及引用它们的项目、可能相同的文号、项目群；accept / reject 审核一条关联。"""
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


LINK_ID_ARGUMENT = typer.Argument(..., help="关联编号（kb links 列出）")


@links_app.command("accept")
def links_accept(link_id: str = LINK_ID_ARGUMENT, db: Path = DB_OPTION, backend: str = BACKEND_OPTION) -> None:
    """确认一条可能的关联（重新导入后仍然保留）。"""
    _decide(link_id, "accepted", db, backend)


@links_app.command("reject")
def links_reject(link_id: str = LINK_ID_ARGUMENT, db: Path = DB_OPTION, backend: str = BACKEND_OPTION) -> None:
    """否决一条可能的关联（重新导入后仍然保留）。"""
    _decide(link_id, "rejected", db, backend)


@app.command()
def check(db: Path = DB_OPTION, backend: str = BACKEND_OPTION, as_json: bool = JSON_OPTION) -> None:
    """逐份文件的一致性核查结果（合计对不上等）。"""
    from kb.checks import check_store

    with _open_store(db, backend) as store:
        report = check_store(store)
    _print_json(report.to_dict()) if as_json else typer.echo(report.to_text())


@app.command()
def export(format: str = typer.Option(..., "--format", help="导出格式：graphml、gexf、json 或 csv"),
           out: Path = typer.Option(..., "--out", help="输出文件（graphml、gexf、json）或文件夹（csv）"),
           db: Path = DB_OPTION, backend: str = BACKEND_OPTION) -> None:
    """导出图谱，供 Gephi、networkx 或 neo4j-admin import 使用。"""
    from kb.export import export_graph

    with _open_store(db, backend) as store:
        written = export_graph(store, format, out)
    typer.echo(f"已写出 {written}")


@app.command()
def synth(docs: int = typer.Option(..., "--docs", min=1, help="生成的文件数"),
          out: Path = typer.Option(..., "--out", help="输出文件夹"),
          seed: int = typer.Option(0, "--seed", help="随机种子（同一种子生成同样的文件）")) -> None:
    """生成 N 份合成的预算公开文件，并在旁边写出标准答案 truth.json。"""
    from kb.synth import generate_corpus

    truth = generate_corpus(docs, out, seed=seed)
    typer.echo(f"已写出 {docs} 份文件和 {truth}")


@app.command()
def ui(db: Path = DB_OPTION, backend: str = BACKEND_OPTION, port: int = typer.Option(8501, "--port", help="端口"),
       host: str = typer.Option("localhost", "--host", help="监听地址（localhost 只允许本机访问）"),
       read_only: bool = typer.Option(False, "--read-only", help="只读：不能上传文件、不能审核关联")) -> None:
    """启动 Streamlit 应用，在浏览器中查看数据库。

    在网络上共享时加 --read-only。
    """
    from kb.serve import serve_ui

    raise typer.Exit(serve_ui(db=db, backend=backend, port=port, host=host, read_only=read_only))


def main() -> None:
    """Console entry point: run the app, turning errors into one line and exit 1.

    The library's log (``logging``) is shown only with ``KB_DEBUG=1``; a user sees the one error line.
    """
    if os.environ.get("KB_DEBUG"):
        logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    else:
        logging.getLogger().addHandler(logging.NullHandler())
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
        from typer._click.exceptions import NoArgsIsHelpError

        if isinstance(error, NoArgsIsHelpError):  # `kb` alone: the help, as --help prints it
            typer.echo(error.format_message())
            sys.exit(error.exit_code)
        if callable(getattr(error, "format_message", None)):  # a click usage error (typer vendors click)
            typer.echo(error_line("E_USAGE", render("E_USAGE", message=usage_message(error))), err=True)
            sys.exit(getattr(error, "exit_code", 2))
        if os.environ.get("KB_DEBUG"):
            raise
        typer.echo(error_line("E_UNEXPECTED", render("E_UNEXPECTED", kind=type(error).__name__, message=error)),
                   err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
