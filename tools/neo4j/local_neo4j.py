#!/usr/bin/env python3
"""A local Neo4j 5 Community server for budget-kb, run from the jars Maven copied to tools/neo4j/target/lib.

The jars are Neo4j's own (org.neo4j:neo4j, the Community distribution's libraries, and
org.neo4j.client:neo4j-browser); this script lays out a NEO4J_HOME like the distribution's tarball
(``conf/neo4j.conf``, ``lib`` -> the jars, ``data``, ``logs``, ``run``) and runs in it the server's entry
point ``org.neo4j.server.CommunityEntryPoint`` with the command line Neo4j's own ``neo4j console`` builds
(one JVM, its pid in ``run/neo4j.pid``, stopped by SIGTERM, which Neo4j answers with a clean shutdown), and
``org.neo4j.server.startup.Neo4jAdminCommand`` (``neo4j-admin``: set-initial-password, database import).

Commands (run ``mvn -f tools/neo4j/pom.xml package`` first; ``make neo4j`` does both)::

    python tools/neo4j/local_neo4j.py start --home .neo4j/dev --bolt-port 7687 --http-port 7474
    python tools/neo4j/local_neo4j.py stop --home .neo4j/dev
    python tools/neo4j/local_neo4j.py admin --home DIR -- database import full neo4j --nodes=...

``start`` writes the config, sets the initial password of user neo4j on a new home, starts the server
in the background (pid in ``<home>/run/neo4j.pid``, output in ``logs/console.log``), and blocks until a Bolt login with the password succeeds
(exit 1 with the end of ``logs/neo4j.log`` if it does not within ``--timeout`` seconds). ``stop`` stops
it and waits for the process to end; it is a no-op when nothing runs.

``KB_NEO4J_JVM_OPTIONS`` (space-separated) adds options to every JVM this script starts (server and
neo4j-admin); a garbage collector named there (``-XX:+Use…GC``) replaces the server's default G1. ``make test``
sets it to the client compiler only and the serial collector (``NEO4J_TEST_JVM``): the test servers answer small
queries for a few minutes, so the C2 compiler's and G1's threads cost more CPU than they save (about half the
server's CPU; measured in the Makefile's comment).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

TOOL = Path(__file__).resolve().parent
LIB = TOOL / "target" / "lib"
USER, PASSWORD = "neo4j", "budget-kb-secret"
SERVER_MAIN = "org.neo4j.server.CommunityEntryPoint"
ADMIN_MAIN = "org.neo4j.server.startup.Neo4jAdminCommand"


def config(bolt_port: int, http_port: int, heap: str, pagecache: str) -> str:
    """The ``neo4j.conf`` of a loopback-only server with the given ports and memory."""
    return "\n".join([
        "# Written by tools/neo4j/local_neo4j.py: a loopback-only Neo4j for budget-kb.",
        "server.default_listen_address=127.0.0.1",
        "server.default_advertised_address=127.0.0.1",
        f"server.bolt.listen_address=127.0.0.1:{bolt_port}",
        f"server.bolt.advertised_address=127.0.0.1:{bolt_port}",
        "server.http.enabled=true",
        f"server.http.listen_address=127.0.0.1:{http_port}",
        f"server.http.advertised_address=127.0.0.1:{http_port}",
        "server.https.enabled=false",
        "dbms.security.auth_enabled=true",
        f"server.memory.heap.initial_size={heap}",
        f"server.memory.heap.max_size={heap}",
        f"server.memory.pagecache.size={pagecache}",
        "db.tx_log.rotation.retention_policy=100M size",
        "dbms.usage_report.enabled=false",
        "server.directories.import=import",
        "",
    ])


def environment(home: Path, heap: str | None = None) -> dict[str, str]:
    """The environment of Neo4j's processes: NEO4J_HOME, NEO4J_CONF and, for neo4j-admin, its heap."""
    extra = {"HEAP_SIZE": heap} if heap else {}
    return {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf"), **extra}


def java() -> str:
    """The java binary: $JAVA_HOME/bin/java, else the one on PATH (Neo4j 5.26 runs on Java 17 or 21)."""
    if os.environ.get("JAVA_HOME"):
        return str(Path(os.environ["JAVA_HOME"]) / "bin" / "java")
    found = shutil.which("java")
    if not found:
        sys.exit("找不到 java：请安装 JDK 17（Neo4j 5.26 需要 Java 17 或 21）")
    return found


def jvm_options(default_gc: str | None = None) -> list[str]:
    """The extra JVM options of ``KB_NEO4J_JVM_OPTIONS`` (split on spaces), preceded by ``default_gc`` unless
    they name a garbage collector of their own (two collectors make the JVM refuse to start)."""
    extra = os.environ.get("KB_NEO4J_JVM_OPTIONS", "").split()
    names_gc = any(option.startswith("-XX:+Use") and option.endswith("GC") for option in extra)
    return ([default_gc] if default_gc and not names_gc else []) + extra


def launcher(home: Path, main_class: str, *args: str, heap: str = "256m",
             check: bool = True) -> subprocess.CompletedProcess:
    """Run ``neo4j-admin`` (``main_class``) in ``home`` with ``args``; output passes through."""
    command = [java(), *jvm_options(), "-cp", f"{home / 'lib'}/*", main_class, *args]
    return subprocess.run(command, env=environment(home, heap), check=check)  # in the caller's folder: relative paths


def prepare(home: Path, bolt_port: int, http_port: int, heap: str, pagecache: str) -> None:
    """Lay out ``home`` (conf, lib link, data, logs, run, import) and write its config."""
    if not any(LIB.glob("neo4j-5.*.jar")):
        sys.exit(f"Neo4j 的 jar 包不在 {LIB}：请先运行 mvn -q -f {TOOL / 'pom.xml'} package（或 make neo4j）")
    for folder in ("conf", "data", "logs", "run", "import", "plugins"):
        (home / folder).mkdir(parents=True, exist_ok=True)
    link = home / "lib"
    if link.is_symlink() and link.resolve() != LIB.resolve():
        link.unlink()
    if not link.exists():
        link.symlink_to(LIB, target_is_directory=True)
    (home / "conf" / "neo4j.conf").write_text(config(bolt_port, http_port, heap, pagecache), encoding="utf-8")


def pid_of(home: Path) -> int | None:
    """The server's pid from ``run/neo4j.pid`` when that process is alive (not a zombie), else None."""
    try:
        pid = int((home / "run" / "neo4j.pid").read_text().strip())
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, ValueError, IndexError):
        return None
    return None if state in ("Z", "X") else pid


def wait_for_bolt(bolt_port: int, password: str, timeout: float, home: Path) -> float:
    """Block until a Bolt login succeeds; return the seconds waited.

    Raises:
        SystemExit: the server process died, or no login succeeded within ``timeout`` seconds.
    """
    import neo4j

    started = time.monotonic()
    last_error: Exception | None = None
    while time.monotonic() - started < timeout:
        if pid_of(home) is None:
            break
        try:
            with neo4j.GraphDatabase.driver(f"bolt://127.0.0.1:{bolt_port}", auth=(USER, password)) as driver:
                driver.verify_connectivity()
                driver.execute_query("RETURN 1")
            return time.monotonic() - started
        except Exception as error:  # not up yet: connection refused, service unavailable, database starting
            last_error = error
            time.sleep(0.5)
    log = home / "logs" / "neo4j.log"
    tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:]) if log.exists() else ""
    sys.exit(f"Neo4j 未能在 {timeout:.0f} 秒内接受 Bolt 连接 (127.0.0.1:{bolt_port})：{last_error}\n{tail}")


def start_server(home: Path, heap: str) -> int:
    """Start the server JVM of ``home`` in its own session; write and return its pid."""
    command = [java(), "-cp", f"{home / 'conf'}/*:{home / 'lib'}/*", "-Dfile.encoding=UTF-8", "-Xms256m",
               f"-Xmx{heap}", *jvm_options("-XX:+UseG1GC"), "-XX:+ExitOnOutOfMemoryError", SERVER_MAIN,
               f"--home-dir={home}", f"--config-dir={home / 'conf'}"]
    with (home / "logs" / "console.log").open("ab") as log:
        server = subprocess.Popen(command, cwd=home, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                  env=environment(home), start_new_session=True)
    (home / "run" / "neo4j.pid").write_text(f"{server.pid}\n")
    return server.pid


def start(args: argparse.Namespace) -> None:
    """``start``: configure, set the initial password once, start the server, wait for Bolt."""
    home = args.home.resolve()
    started = time.monotonic()
    if pid_of(home):
        print(f"Neo4j 已在运行 (pid {pid_of(home)})，home {home}")
    else:
        prepare(home, args.bolt_port, args.http_port, args.heap, args.pagecache)
        if not (home / "data" / "dbms").exists():  # a new home: the password must be set before the first start
            launcher(home, ADMIN_MAIN, "dbms", "set-initial-password", args.password)
        start_server(home, args.heap)
    waited = wait_for_bolt(args.bolt_port, args.password, args.timeout, home)
    print(f"Neo4j 已就绪：bolt://127.0.0.1:{args.bolt_port}（用户 {USER}），http://127.0.0.1:{args.http_port}/browser/，"
          f"home {home}；启动 {time.monotonic() - started:.1f} 秒（等待 Bolt {waited:.1f} 秒）")


def stop(args: argparse.Namespace) -> None:
    """``stop``: SIGTERM the server of ``home`` if one runs (Neo4j shuts down cleanly), wait until it is gone
    (SIGKILL after ``--timeout`` seconds), and remove the pid file."""
    home = args.home.resolve()
    pid = pid_of(home)
    if pid is None:
        print(f"Neo4j 未在运行（home {home}）")
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + args.timeout
    while pid_of(home) is not None and time.monotonic() < deadline:
        time.sleep(0.3)
    if pid_of(home) is not None:
        os.kill(pid, signal.SIGKILL)
        print(f"Neo4j 未在 {args.timeout:.0f} 秒内停止，已强制结束 (pid {pid})")
    (home / "run" / "neo4j.pid").unlink(missing_ok=True)
    print(f"Neo4j 已停止（home {home}）")


def admin(args: argparse.Namespace) -> None:
    """``admin``: run ``neo4j-admin ARGS`` in ``home`` (e.g. ``database import full``) and exit with its code."""
    home = args.home.resolve()
    prepare(home, args.bolt_port, args.http_port, args.heap, args.pagecache)
    sys.exit(launcher(home, ADMIN_MAIN, *args.arguments, heap="1g", check=False).returncode)


def main(argv: list[str] | None = None) -> None:
    """Command line: start | stop | admin, each with --home."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("start", "stop", "admin"))
    parser.add_argument("--home", type=Path, default=Path(".neo4j/dev"), help="NEO4J_HOME (created)")
    parser.add_argument("--bolt-port", type=int, default=7687)
    parser.add_argument("--http-port", type=int, default=7474)
    parser.add_argument("--password", default=os.environ.get("NEO4J_PASSWORD") or PASSWORD)
    parser.add_argument("--heap", default="1g", help="server heap (initial = max)")
    parser.add_argument("--pagecache", default="512m")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for Bolt")
    argv = sys.argv[1:] if argv is None else argv
    split = argv.index("--") if "--" in argv else len(argv)
    args = parser.parse_args(argv[:split])
    args.arguments = argv[split + 1:]  # admin: the neo4j-admin arguments after "--"
    {"start": start, "stop": stop, "admin": admin}[args.command](args)


if __name__ == "__main__":
    main()
