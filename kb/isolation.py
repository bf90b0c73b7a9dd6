"""Parse files in worker processes with a time and a memory limit: a hostile file costs one clear error.

``parse_files(paths)`` runs ``loaders.parse_file`` for each path in a small pool of worker processes and
yields ``(path, Extraction)`` or ``(path, KBError)`` per path, in the order given. It is both the
isolation (issue 15) and the parallel parse of a large corpus (issue 10):

- each worker sets ``RLIMIT_AS`` to ``Limits.memory_bytes`` on itself (``resource.setrlimit``), so a zip
  bomb or a huge table makes its allocations fail (``ParseMemoryExceeded``) instead of swapping the
  machine; the CLI or the app (the parent) never parses anything itself;
- the parent waits on every busy worker with a deadline of ``Limits.timeout_seconds`` per file; a worker
  past it is killed (SIGKILL) and replaced, and that file alone gets ``ParseTimeout``;
- a worker that dies (a native crash, the kernel's OOM killer) gives that file ``ParseCrashed``;
- workers are long-lived (one per core by default) and are forked from a ``forkserver`` that has imported
  the loaders and their readers once, so no file pays the import cost, and forking is safe even from a
  threaded server (Streamlit): the fork happens in the single-threaded fork server.

The size, zip-expansion and row limits are checked inside the worker by ``loaders.limits``
(``set_limits`` is called there with the same ``Limits``).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
import types
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection, wait
from pathlib import Path

from kb.core.errors import KBError, ParseCrashed, ParseMemoryExceeded, ParseTimeout, UnreadableDocument
from kb.core.messages import display
from kb.core.records import Extraction
from loaders.limits import MB, Limits

log = logging.getLogger("kb.isolation")

READY = "ready"
"""What a worker sends once it is initialised; a file's time limit starts when it is handed to a ready worker."""

START_SECONDS = 120.0
"""How long a new worker may take to start (the fork server imports the readers once, a few seconds)."""

PRELOAD = ["loaders.pipeline", "loaders.pdf_fonts", "pdfplumber", "docx", "openpyxl", "charset_normalizer",
           "kb.isolation"]
"""Modules the fork server imports once, so every worker starts with them loaded."""

_context = None


def _mp_context():
    """The forkserver context with the loaders preloaded (created once per process)."""
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(PRELOAD)
    return _context


def _limit_memory(memory_bytes: int) -> None:
    """Lower this process's address-space limit (never raise it above the inherited hard limit)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    target = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (target, hard))


def _limit_cpu(seconds: float) -> None:
    """Let this worker use at most about 2 × ``seconds`` more CPU time (then the kernel ends it with SIGXCPU):
    the parent's deadline is the real limit, this one bounds a worker whose parent was killed."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    target = int(usage.ru_utime + usage.ru_stime + 2 * seconds) + 1
    if hard != resource.RLIM_INFINITY:
        target = min(target, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (target, hard))


def _parse_one(path: Path, limits: Limits) -> Extraction | KBError:
    from loaders import parse_file

    try:
        extraction = parse_file(path)
        # a file name with bytes that are not UTF-8 (surrogate escapes) could not be stored or printed
        extraction.file, extraction.path = display(extraction.file), display(extraction.path)
        return extraction
    except KBError as error:
        return error
    except MemoryError:
        return ParseMemoryExceeded(path, limit_mb=f"{limits.memory_bytes / MB:.0f}")
    except RecursionError:
        return ParseCrashed(path, detail="嵌套过深")
    except Exception as error:  # a reader defect on one file: one line for that file, the others go on
        detail = f"{type(error).__name__}: {error}".splitlines()[0][:120]
        return UnreadableDocument(path, f"解析出错（{detail}）")


IN_PROCESS_FILES = 2
"""An ingest of at most this many files may parse them in its own process (``in_process_allowed``)."""
IN_PROCESS_MAX_BYTES = 256 * 1024
"""...each a plain-text file of at most this size: no zip, PDF or native reader runs in the caller, and so
small a text cannot approach the memory limit (the hostile texts that do are tens of MB)."""
IN_PROCESS_SUFFIXES = (".txt",)


def in_process_allowed(paths: list[Path]) -> bool:
    """True when ``paths`` may be parsed in this process instead of workers (``parse_in_process``): a few
    small plain-text files, and this is the main thread (the deadline is a ``SIGALRM`` timer). Starting a
    worker costs about a second of CPU (a fork server importing every reader), ten times parsing one such file.
    """
    if not paths or len(paths) > IN_PROCESS_FILES or threading.current_thread() is not threading.main_thread():
        return False
    try:
        return all(Path(path).suffix.lower() in IN_PROCESS_SUFFIXES and Path(path).is_file()
                   and Path(path).stat().st_size <= IN_PROCESS_MAX_BYTES for path in paths)
    except OSError:
        return False


class _Deadline(BaseException):
    """Raised by the ``SIGALRM`` handler of ``parse_in_process`` (a BaseException, so no reader swallows it)."""


def parse_in_process(paths: list[Path], limits: Limits | None = None) -> Iterator[tuple[Path, Extraction | KBError]]:
    """Parse a few small text files in this process (``in_process_allowed`` must be true): the same results as
    ``parse_files``, with the size and row limits (``loaders.limits``) and the time limit (a ``SIGALRM``
    timer of ``limits.timeout_seconds``: ``ParseTimeout``); the memory limit is the reason only small texts
    come here.

    Yields:
        ``(path, Extraction | KBError)`` per path, in order.
    """
    from loaders import limits as limits_module

    limits = limits or Limits.from_env()
    for path in map(Path, paths):
        before = limits_module._active  # what the caller had set (normally None: the environment's)
        limits_module.set_limits(limits)

        def expire(_signum, _frame):
            raise _Deadline()

        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, limits.timeout_seconds)
        try:
            result = _parse_one(path, limits)
        except _Deadline:
            result = ParseTimeout(path, seconds=f"{limits.timeout_seconds:g}")
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
            limits_module.set_limits(before)
        yield path, result


def _worker(connection: Connection, limits: Limits) -> None:
    """A worker's loop: receive a path, send back its Extraction or KBError; None ends the loop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _limit_memory(limits.memory_bytes)
    from loaders.limits import set_limits

    set_limits(limits)
    import loaders.pipeline  # noqa: F401 - normally preloaded by the fork server; imported before "ready"
    from kb.core.normalize import normalize_text

    normalize_text("預算")  # builds the OpenCC table (0.4 s) once per worker, before any file's clock starts
    # what the imports built lives as long as the worker: out of the collector's full passes (measured on 1,000
    # synthetic documents in one process: the full collections' CPU 0.55 s -> 0.06 s, 4 % of the parse)
    gc.freeze()
    try:
        connection.send(READY)
    except OSError:  # the parent is gone
        return
    while True:
        try:
            path = connection.recv()
        except (EOFError, OSError):
            return
        if path is None:
            return
        _limit_cpu(limits.timeout_seconds)
        result = _parse_one(path, limits)
        try:
            connection.send(result)
        except MemoryError:
            connection.send(ParseMemoryExceeded(path, limit_mb=f"{limits.memory_bytes / MB:.0f}"))
        except OSError:  # the parent is gone (killed): nothing to report to
            return
        if isinstance(result, ParseMemoryExceeded):
            return  # after a failed allocation the heap may be fragmented: let a fresh worker take over


@contextmanager
def _bare_main() -> Iterator[None]:
    """Hide the ``__main__`` module while a worker starts, so the child does not re-run the parent's main
    script (pytest, streamlit, ``python -`` whose stdin cannot be re-read): the worker needs only kb.isolation."""
    real = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = real


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, limits: Limits):
        context = _mp_context()
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker, args=(child, limits), daemon=True, name="kb-parse")
        with _bare_main():
            self.process.start()
        child.close()
        self.task: tuple[int, Path, float] | None = None  # (index, path, deadline)
        self.ready = False
        self.start_deadline = time.monotonic() + START_SECONDS

    def send(self, index: int, path: Path, timeout: float) -> None:
        self.connection.send(path)
        self.task = (index, path, time.monotonic() + timeout)

    def stop(self, kill: bool = False) -> None:
        if self.process.is_alive():
            if kill:
                self.process.kill()
            else:
                try:
                    self.connection.send(None)
                except OSError:
                    self.process.kill()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


def _death(worker: _Worker, path: Path, limits: Limits) -> KBError:
    """The error for a file whose worker died without answering."""
    code = worker.process.exitcode
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        if name == "SIGKILL":  # the kernel's OOM killer, or someone else
            return ParseMemoryExceeded(path, limit_mb=f"{limits.memory_bytes / MB:.0f}")
        if name == "SIGXCPU":  # its CPU-time limit (see _limit_cpu)
            return ParseTimeout(path, seconds=f"{limits.timeout_seconds:g}")
        return ParseCrashed(path, detail=f"信号 {name}")
    return ParseCrashed(path, detail=f"退出码 {code}")


def _started(worker: _Worker, ready: set) -> bool:
    """True once ``worker`` has said it is ready (then it takes files); False when it died or took too long."""
    if worker.connection in ready:
        try:
            worker.ready = worker.connection.recv() == READY
        except (EOFError, OSError):
            return False
        return worker.ready
    return worker.process.sentinel not in ready and time.monotonic() < worker.start_deadline


def _outcome(worker: _Worker, ready: set, limits: Limits) -> Extraction | KBError | None:
    """The result of a busy worker's file: its answer, an error when it died or ran past the deadline, or
    None while it is still within its time."""
    _index, path, deadline = worker.task
    if worker.connection in ready:
        try:
            return worker.connection.recv()
        except (EOFError, OSError):
            worker.process.join(timeout=5)
            return _death(worker, path, limits)
    if worker.process.sentinel in ready:
        worker.process.join(timeout=5)
        return _death(worker, path, limits)
    if time.monotonic() >= deadline:
        log.info("parsing %s took over %.0f s: worker killed", path, limits.timeout_seconds)
        return ParseTimeout(path, seconds=f"{limits.timeout_seconds:g}")
    return None


def default_workers(count: int) -> int:
    """Worker processes for ``count`` files: one per core (``os.process_cpu_count``), at most one per file."""
    cores = (os.process_cpu_count() if hasattr(os, "process_cpu_count") else os.cpu_count()) or 1
    return max(1, min(count, cores))


def parse_files(paths: list[Path], limits: Limits | None = None,
                workers: int | None = None) -> Iterator[tuple[Path, Extraction | KBError]]:
    """Parse files in worker processes, each under a time and memory limit.

    Args:
        paths: the files to parse (``loaders.parse_file``); folders must be expanded by the caller.
        limits: size, zip, row, time (s) and memory (bytes) limits; default ``Limits.from_env()``.
        workers: worker processes; default one per core, at most one per file.

    Yields:
        ``(path, Extraction)`` for a parsed file, ``(path, KBError)`` for a file that could not be parsed:
        ``UnreadableDocument`` (and its subclasses ``FileTooLarge``, ``ZipBomb``, ``TooManyRows``,
        ``EncryptedPdf``), ``ParseTimeout`` (worker killed after ``limits.timeout_seconds``),
        ``ParseMemoryExceeded`` (over ``limits.memory_bytes``), ``ParseCrashed``. One pair per path, in
        the order of ``paths``; nothing is raised for a single file's failure.

    Example:
        >>> for path, result in parse_files([Path("../shared/corpus/000_7c3d463bfeea7d61.txt")]):  # doctest: +SKIP
        ...     print(path.name, result.totals.income_total)
        000_7c3d463bfeea7d61.txt 2235.58
    """
    paths = [Path(path) for path in paths]
    if not paths:
        return
    limits = limits or Limits.from_env()
    target = workers if workers and workers > 0 else default_workers(len(paths))
    pending = deque(enumerate(paths))
    results: dict[int, Extraction | KBError] = {}
    pool: list[_Worker] = []
    failed_starts = 0
    next_out = 0
    try:
        while next_out < len(paths):
            idle = [worker for worker in pool if worker.task is None]
            while pending and len(pool) < target and len(idle) < len(pending):
                worker = _Worker(limits)
                pool.append(worker)
                idle.append(worker)
            for worker in idle:
                if worker.ready and pending:
                    index, path = pending.popleft()
                    worker.send(index, path, limits.timeout_seconds)
            while next_out in results:
                yield paths[next_out], results.pop(next_out)
                next_out += 1
            waiting = [worker for worker in pool if worker.task is not None or not worker.ready]
            if not waiting:
                continue
            deadline = min(worker.task[2] if worker.task else worker.start_deadline for worker in waiting)
            ready = set(wait([worker.connection for worker in waiting] + [worker.process.sentinel for worker in waiting],
                             timeout=max(deadline - time.monotonic(), 0)))
            for worker in waiting:
                if not worker.ready:
                    if _started(worker, ready):
                        continue
                    failed_starts += 1
                    worker.stop(kill=True)
                    pool.remove(worker)
                    if failed_starts >= 3 and not any(other.ready for other in pool):  # workers cannot start at all
                        while pending:
                            index, path = pending.popleft()
                            results[index] = ParseCrashed(path, detail="无法启动解析进程")
                    continue
                result = _outcome(worker, ready, limits)
                if result is None:
                    continue
                results[worker.task[0]] = result
                worker.task = None
                if not worker.process.is_alive() or isinstance(result, (ParseTimeout, ParseMemoryExceeded, ParseCrashed)):
                    worker.stop(kill=True)
                    pool.remove(worker)
    finally:
        for worker in pool:
            worker.stop(kill=worker.task is not None)


def parse_files_in_background(paths: list[Path], limits: Limits | None
                              ) -> tuple[Iterator[tuple[Path, Extraction | KBError]], Callable[[], None]]:
    """``parse_files`` run by a feeder thread, its results handed over through a small bounded queue (so a
    large corpus is still never held in memory): the caller may do other work while the workers start.

    Returns:
        (the results: ``(path, Extraction | KBError)`` per path, in the order given, an exception of the parse
        step raised by it; ``finish()``, which stops the feeder and the workers and waits for them: call it
        when done, even if the results were never read).
    """
    handover: queue.Queue = queue.Queue(maxsize=4)
    stop = threading.Event()
    done = object()

    def offer(item: object) -> bool:
        while not stop.is_set():
            try:
                handover.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def feed() -> None:
        results = parse_files(paths, limits)
        try:
            for item in results:
                if not offer(item):
                    return
            offer(done)
        except BaseException as error:  # handed to the consumer, raised there
            offer(error)
        finally:
            results.close()  # stops the workers (in this thread, which iterated the generator)

    def results() -> Iterator[tuple[Path, Extraction | KBError]]:
        try:
            while True:
                item = handover.get()
                if item is done:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            finish()

    def finish() -> None:
        stop.set()
        feeder.join()

    feeder = threading.Thread(target=feed, name="kb-parse-feed", daemon=True)
    feeder.start()  # now, not at the first ``next``: the workers start while the caller goes on
    return results(), finish
