"""Limits on what one disclosure file may cost to read: size, zip expansion, table rows, time, memory.

A hostile or broken file (a 6 GB DOCX zip bomb, a 200 MB text, a million-row sheet) must cost one clear
error, not the machine. The cheap checks run here, in the reader, before a file is opened:

- ``max_file_bytes``: the file's size on disk (``--max-file-mb`` / ``KB_MAX_FILE_MB``, default 50 MB);
- DOCX/XLSX (zip containers): each member's declared uncompressed size, their total, and the
  compression ratio of large members, from the zip directory (``zipfile``), before python-docx or
  openpyxl inflate anything;
- ``max_table_rows``: rows of one sheet or DOCX table, and lines of a text (``KB_MAX_TABLE_ROWS``).

Time and memory are bounded by ``kb.isolation``, which parses each file in a worker process with
``RLIMIT_AS = memory_bytes`` and kills it after ``timeout_seconds``. The limits in force in a process
are ``active_limits()``: ``Limits.from_env()`` unless ``set_limits`` chose others (a worker's initialiser).
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from kb.core.errors import FileTooLarge, TooManyRows, ZipBomb

MB = 1024 * 1024
ZIP_SUFFIXES = (".docx", ".xlsx")
T = TypeVar("T")


def _env_number(name: str, default: float) -> float:
    """A positive number from the environment, else ``default`` (a bad value is ignored, not fatal)."""
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


@dataclass(frozen=True)
class Limits:
    """What reading one file may cost.

    Attributes:
        max_file_bytes: largest file accepted (bytes on disk); env ``KB_MAX_FILE_MB`` (default 50 MB).
        max_member_bytes: largest declared uncompressed size of one zip member (default 200 MB).
        max_unzipped_bytes: largest declared uncompressed total of a DOCX/XLSX (default 300 MB).
        max_ratio: largest compression ratio of a member over 1 MB uncompressed (default 200; real
            Office XML compresses 5-20×, bombs 1000×).
        max_table_rows: most rows in one sheet / DOCX table, most lines of a text; env
            ``KB_MAX_TABLE_ROWS`` (default 100,000; real disclosure tables have < 5,000).
        timeout_seconds: wall time for parsing one file in a worker; env ``KB_PARSE_TIMEOUT`` (default 120 s).
        memory_bytes: address-space limit of a worker (``RLIMIT_AS``); env ``KB_PARSE_MEMORY_MB``
            (default 2,048 MB; a worker that has imported the readers maps about 0.2 GB).

    Example:
        >>> Limits(max_file_bytes=10 * MB).max_file_bytes // MB
        10
    """

    max_file_bytes: int = 50 * MB
    max_member_bytes: int = 200 * MB
    max_unzipped_bytes: int = 300 * MB
    max_ratio: float = 200.0
    max_table_rows: int = 100_000
    timeout_seconds: float = 120.0
    memory_bytes: int = 2048 * MB

    @classmethod
    def from_env(cls, max_file_mb: float | None = None) -> Limits:
        """The defaults overridden by ``KB_MAX_FILE_MB``, ``KB_MAX_TABLE_ROWS``, ``KB_PARSE_TIMEOUT``,
        ``KB_PARSE_MEMORY_MB``, then by ``max_file_mb`` (the ``--max-file-mb`` option) when given."""
        base = cls()
        file_mb = max_file_mb if max_file_mb and max_file_mb > 0 else _env_number(
            "KB_MAX_FILE_MB", base.max_file_bytes / MB)
        return replace(base,
                       max_file_bytes=int(file_mb * MB),
                       max_table_rows=int(_env_number("KB_MAX_TABLE_ROWS", base.max_table_rows)),
                       timeout_seconds=_env_number("KB_PARSE_TIMEOUT", base.timeout_seconds),
                       memory_bytes=int(_env_number("KB_PARSE_MEMORY_MB", base.memory_bytes / MB) * MB))


_active: Limits | None = None


def set_limits(limits: Limits | None) -> None:
    """Make ``limits`` the ones ``active_limits()`` returns in this process (None: back to the environment)."""
    global _active
    _active = limits


def active_limits() -> Limits:
    """The limits in force: those given to ``set_limits``, else ``Limits.from_env()``."""
    return _active if _active is not None else Limits.from_env()


def size_text(size: float) -> str:
    """A byte count for a message: "80.2 MB", "12.5 KB", "10 B".

    Example:
        >>> size_text(84_100_000), size_text(12_800), size_text(10)
        ('80.2 MB', '12.5 KB', '10 B')
    """
    for unit, scale in (("MB", MB), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".rstrip("0").rstrip(".") + f" {unit}"
    return f"{size:.0f} B"


def check_file(path: Path, limits: Limits | None = None) -> None:
    """Refuse a file before reading it: too large on disk, or a zip container that would expand too far.

    Args:
        path: an existing file (.txt, .pdf, .docx, .xlsx …).
        limits: the limits (default ``active_limits()``).

    Raises:
        FileTooLarge: the file is larger than ``max_file_bytes``.
        ZipBomb: a .docx/.xlsx member or the total declares more than the limits, or a large member is
            compressed more than ``max_ratio`` times. (A damaged zip is left to the reader to report.)
    """
    limits = limits or active_limits()
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise FileTooLarge(path, size=size_text(size), limit=size_text(limits.max_file_bytes))
    if path.suffix.lower() not in ZIP_SUFFIXES:
        return
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip at all: python-docx / openpyxl report it as damaged
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > limits.max_member_bytes:
            raise ZipBomb(path, detail=f"{member.filename} 解压后 {size_text(member.file_size)}，"
                                       f"单个成员上限 {size_text(limits.max_member_bytes)}")
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > MB and ratio > limits.max_ratio:
            raise ZipBomb(path, detail=f"{member.filename} 压缩比 {ratio:.0f}:1，上限 {limits.max_ratio:.0f}:1")
    if total > limits.max_unzipped_bytes:
        raise ZipBomb(path, detail=f"解压后共 {size_text(total)}，上限 {size_text(limits.max_unzipped_bytes)}")


def limited_rows(rows: Iterable[T], path: object, where: str, limits: Limits | None = None) -> Iterator[T]:
    """Yield ``rows`` until there are more than ``max_table_rows`` of them, then raise.

    Args:
        rows: a table's rows (read lazily, so a million-row sheet is refused after the limit, not read).
        path: the file (for the message).
        where: which table, in Chinese (e.g. "工作表 Sheet1").
        limits: the limits (default ``active_limits()``).

    Raises:
        TooManyRows: the table has more rows than the limit.
    """
    limit = (limits or active_limits()).max_table_rows
    for count, row in enumerate(rows, start=1):
        if count > limit:
            raise TooManyRows(path, limit=limit, where=where)
        yield row
