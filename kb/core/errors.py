"""Every error budget-kb raises on purpose derives from KBError.

Each class carries an error ``code`` whose Chinese template is in ``kb.core.messages``. The CLI turns a
KBError into one line (``错误[CODE]: <message>``) and exit code 1; the app shows the same line. Names
say the condition, not the place it happened. Errors pickle (a parse worker process sends them back).
"""

from __future__ import annotations

from kb.core.messages import MAX_ECHO_CHARS, MAX_QUESTION_CHARS, error_line, render, shorten


def _restore(cls: type, args: tuple, state: dict) -> "KBError":
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class KBError(Exception):
    """Base class of every deliberate budget-kb error. ``str(error)`` is the one line a user sees.

    Args:
        message: the Chinese message; when empty, the class's ``code`` template filled with ``params``.
        fields: named fields of the code's template (``kb.core.messages.MESSAGES``).

    Example:
        >>> FileTooLarge("a.txt", size="80 MB", limit="50 MB").line()[:32]
        '错误[E_FILE_TOO_LARGE]: a.txt：文件过大'
    """

    code = "E_KB"

    def __init__(self, message: str = "", **fields: object):
        self.fields = fields
        self.message = message or render(self.code, **fields)
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def line(self) -> str:
        """``错误[CODE]: message``, the one line the CLI prints."""
        return error_line(self.code, self.message)

    def __reduce__(self):
        return _restore, (type(self), self.args, dict(self.__dict__))


class UnreadableDocument(KBError):
    """A disclosure file cannot be read: empty, binary, undecodable, truncated or of an unknown type.

    Args:
        path: the file, as given by the user.
        reason: one short Chinese clause saying why (e.g. "空文件", "不支持的扩展名 .foo").
    """

    code = "E_UNREADABLE"

    def __init__(self, path: object, reason: str = "", **fields: object):
        self.path = str(path)
        if reason:
            message = render("E_UNREADABLE", path=self.path, reason=reason)
        else:  # a subclass: the catalogue's message for its code
            message = render(self.code, path=self.path, **fields)
        super().__init__(message, path=self.path, **fields)
        prefix = f"{self.path}："
        self.reason = reason or (message[len(prefix):] if message.startswith(prefix) else message)


class FileTooLarge(UnreadableDocument):
    """A file larger than the size limit (``Limits.max_file_bytes``; ``--max-file-mb``, ``KB_MAX_FILE_MB``)."""

    code = "E_FILE_TOO_LARGE"


class ZipBomb(UnreadableDocument):
    """A DOCX/XLSX whose members would expand beyond the limits (checked before opening it)."""

    code = "E_ZIP_BOMB"


class TooManyRows(UnreadableDocument):
    """A table (sheet, DOCX table, text) longer than ``Limits.max_table_rows``."""

    code = "E_TOO_MANY_ROWS"


class ParseTimeout(UnreadableDocument):
    """Parsing one file took longer than ``Limits.timeout_seconds``; its worker process was killed."""

    code = "E_PARSE_TIMEOUT"


class ParseMemoryExceeded(UnreadableDocument):
    """Parsing one file needed more memory than ``Limits.memory_bytes`` allows its worker process."""

    code = "E_PARSE_MEMORY"


class ParseCrashed(UnreadableDocument):
    """The worker process parsing one file died (a signal, a crash in a native library)."""

    code = "E_PARSE_CRASHED"


class EncryptedPdf(UnreadableDocument):
    """A password-protected PDF."""

    code = "E_ENCRYPTED_PDF"


class StoreUnavailable(KBError):
    """The graph store cannot be opened or reached (missing folder lock, Neo4j down, bad credentials)."""

    code = "E_STORE_UNAVAILABLE"


class StoreLocked(StoreUnavailable):
    """Another process is writing the store (one writer at a time). Args: ``folder``."""

    code = "E_STORE_LOCKED"


class StoreLocked(StoreUnavailable):
    """Another process (or app session) is writing the store: one writer at a time per database folder."""


class StoreOutdated(StoreUnavailable):
    """The store was built by an older budget-kb (another graph schema version): re-ingest to rebuild it."""


class StoreQueryFailed(KBError):
    """A query failed inside the store. Carries the template name (or "ad hoc") and the parameters."""

    code = "E_STORE_QUERY"

    def __init__(self, message: str, *, query_name: str = "ad hoc", params: dict | None = None, cypher: str = ""):
        self.query_name = query_name
        self.params = dict(params or {})
        self.cypher = cypher
        shown = shorten({name: shorten(value) for name, value in self.params.items()}, 120)
        super().__init__(render(self.code, query_name=query_name, message=message) + f"（参数：{shown}）")


class TemplateNotFound(KBError):
    """No template of that name exists in cypher/."""

    code = "E_TEMPLATE_NOT_FOUND"


class InvalidTemplate(KBError):
    """A cypher/*.cypher file whose header and body disagree (e.g. a $param not declared)."""

    code = "E_INVALID_TEMPLATE"


class MissingParameter(KBError):
    """A template was run without one of the parameters its header declares."""

    code = "E_MISSING_PARAMETER"


class InvalidParameter(MissingParameter):
    """A parameter value outside the values its template allows. Args: template, parameter, value, allowed."""

    code = "E_INVALID_PARAMETER"


class QuestionTooLong(KBError):
    """A question longer than the engine reads. Args: length, limit, head (its first characters)."""

    code = "E_QUESTION_TOO_LONG"

    @classmethod
    def check(cls, question: str, limit: int = MAX_QUESTION_CHARS) -> str:
        """Return ``question`` when it has at most ``limit`` characters, else raise this error (echoing
        only its first ``MAX_ECHO_CHARS`` characters).

        Example:
            >>> QuestionTooLong.check("荣昌区的收入总计是多少？")
            '荣昌区的收入总计是多少？'
        """
        if question is not None and len(question) > limit:
            raise cls(length=len(question), limit=limit, head=shorten(question, MAX_ECHO_CHARS).rstrip("…"))
        return question


class LinkNotFound(KBError):
    """``kb links accept/reject ID`` named an ID that no current link has."""

    code = "E_LINK_NOT_FOUND"


class InvalidDecision(KBError):
    """A review decision that cannot be used: a status other than accepted/rejected, or a damaged decisions file."""

    code = "E_INVALID_DECISION"


class UnanswerableQuestion(KBError):
    """``kb ask`` could not route a question; the message says which words did not resolve."""

    code = "E_UNANSWERABLE"


class ReadOnly(KBError):
    """The app runs read-only (``kb ui --read-only``) and was asked to change the store. Args: action."""

    code = "E_READ_ONLY"
