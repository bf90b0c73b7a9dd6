"""Error codes and their Chinese message templates: the one catalogue of what a user reads on failure.

Every ``kb.core.errors.KBError`` subclass carries a ``code`` (e.g. ``E_FILE_TOO_LARGE``); the CLI prints
``错误[CODE]: <message>`` on one line and exits 1, the app shows the same line. A code's template is
filled with the error's named parameters (``str.format``); a message longer than ``MAX_MESSAGE_CHARS``
is cut (a 100,000-character question must not come back as a 60 KB error line).

The question engine's own messages live in ``kb/query/messages.py``.
"""

from __future__ import annotations

import errno

MAX_MESSAGE_CHARS = 300
"""Longest message a user is shown (characters); longer ones end in "…"."""

MAX_ECHO_CHARS = 40
"""Longest piece of user input (a question, a parameter value) echoed back inside a message."""

MAX_QUESTION_CHARS = 500
"""Longest question ``kb ask`` / the app reads (characters); real questions have under 100."""

MESSAGES: dict[str, str] = {
    # any deliberate error without a code of its own
    "E_KB": "{message}",
    "E_UNEXPECTED": "内部错误（{kind}）：{message}（设置 KB_DEBUG=1 可查看详细信息）",
    "E_USAGE": "命令用法有误：{message}（kb --help 查看用法）",
    # files and parsing
    "E_UNREADABLE": "{path}：{reason}",
    "E_FILE_TOO_LARGE": ("{path}：文件过大（{size}，上限 {limit}）；"
                         "可用 --max-file-mb 或环境变量 KB_MAX_FILE_MB 调整上限"),
    "E_ZIP_BOMB": "{path}：压缩包解压后过大或压缩比异常（{detail}），疑似压缩炸弹，已拒绝",
    "E_TOO_MANY_ROWS": "{path}：表格行数超过上限 {limit} 行（{where}），已拒绝；可用环境变量 KB_MAX_TABLE_ROWS 调整",
    "E_PARSE_TIMEOUT": "{path}：解析超时（超过 {seconds} 秒），已中止；可用环境变量 KB_PARSE_TIMEOUT 调整",
    "E_PARSE_MEMORY": "{path}：解析所需内存超过上限 {limit_mb} MB，已中止；可用环境变量 KB_PARSE_MEMORY_MB 调整",
    "E_PARSE_CRASHED": "{path}：解析进程意外退出（{detail}），已跳过该文件",
    "E_ENCRYPTED_PDF": "{path}：PDF 已加密（需要密码），请先解除加密再导入",
    # store
    "E_STORE_UNAVAILABLE": "{message}",
    "E_STORE_LOCKED": "图数据库 {folder} 正被另一个写入进程占用，请稍后再试",
    "E_STORE_QUERY": "查询 {query_name} 执行失败：{message}",
    # queries and questions
    "E_TEMPLATE_NOT_FOUND": "{message}",
    "E_INVALID_TEMPLATE": "{message}",
    "E_MISSING_PARAMETER": "{message}",
    "E_INVALID_PARAMETER": "模板 {template} 的参数 {parameter} 不能取值“{value}”，可选值：{allowed}",
    "E_BAD_PARAMETER_SYNTAX": "--param 的格式应为 键=值，收到“{value}”",
    "E_QUESTION_TOO_LONG": "问题过长（{length} 个字符，上限 {limit}）：“{head}…”，请缩短后再问",
    "E_UNANSWERABLE": "{message}",
    # links
    "E_LINK_NOT_FOUND": "{message}",
    "E_INVALID_DECISION": "{message}",
    # exports and the app
    "E_UNKNOWN_EXPORT_FORMAT": "未知的导出格式“{fmt}”，可选：{allowed}",
    "E_EXPORT_WRITE": "无法写入导出文件 {path}：{reason}",
    "E_APP_UNAVAILABLE": "{message}",
    "E_READ_ONLY": "应用以只读方式运行（kb ui --read-only）：{action}不可用",
}


def display(text: object) -> str:
    """``text`` safe to print: undecodable file-name bytes (surrogate escapes) shown as U+FFFD, control
    characters (terminal escape sequences, NUL) removed, line breaks and tabs made spaces.

    Example:
        >>> display("报表.txt\\x1b[31m\\x00")
        '报表.txt[31m'
    """
    text = str(text)
    try:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # lone surrogates that are not escaped file-name bytes
        text = text.encode("utf-8", "replace").decode("utf-8")
    return "".join(" " if ch in "\t\r\n" else ch for ch in text if ch in "\t\r\n" or ch.isprintable())


def shorten(text: object, limit: int = MAX_ECHO_CHARS) -> str:
    """``text`` on one printable line (see ``display``), cut to ``limit`` characters with "…" when longer.

    Example:
        >>> shorten("一" * 50, 5)
        '一一一一一…'
    """
    line = " ".join(display(text).split())
    return line if len(line) <= limit else line[:limit] + "…"


def render(code: str, **params: object) -> str:
    """The Chinese message of ``code`` filled with ``params``, on one line, at most ``MAX_MESSAGE_CHARS``.

    Args:
        code: a key of ``MESSAGES`` (an unknown code falls back to ``E_KB``).
        params: the template's named fields (missing ones are shown as "?").

    Returns:
        One line of Chinese text.

    Example:
        >>> render("E_ENCRYPTED_PDF", path="a.pdf")
        'a.pdf：PDF 已加密（需要密码），请先解除加密再导入'
    """
    template = MESSAGES.get(code, MESSAGES["E_KB"])

    class _Fields(dict):
        def __missing__(self, key: str) -> str:
            return "?"

    return shorten(template.format_map(_Fields(params)), MAX_MESSAGE_CHARS)


OS_ERROR_REASONS = {
    errno.ENOENT: "文件或文件夹不存在", errno.EEXIST: "已有同名文件", errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
    errno.EISDIR: "这是文件夹，不是文件", errno.EACCES: "没有权限", errno.EPERM: "没有权限", errno.ENOSPC: "磁盘已满",
    errno.EROFS: "只读的文件系统", errno.ENAMETOOLONG: "文件名过长", errno.EIO: "读写出错",
}
"""What an operating-system error (``OSError.errno``) means, said in Chinese."""


def os_error_reason(error: OSError) -> str:
    """The Chinese reason of an ``OSError`` for a message (its ``strerror`` is the system's English).

    Example:
        >>> os_error_reason(FileNotFoundError(errno.ENOENT, "No such file or directory"))
        '文件或文件夹不存在'
    """
    return OS_ERROR_REASONS.get(error.errno, f"系统错误 {error.errno}" if error.errno else "系统错误")


def error_line(code: str, message: str) -> str:
    """The line the CLI prints and the app shows: ``错误[CODE]: message`` (message cut to one short line).

    Example:
        >>> error_line("E_ZIP_BOMB", "x.docx：…")
        '错误[E_ZIP_BOMB]: x.docx：…'
    """
    return f"错误[{code}]: {shorten(message, MAX_MESSAGE_CHARS)}"
