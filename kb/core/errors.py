"""Every error budget-kb raises on purpose derives from KBError.

The CLI turns a KBError into one line (``Error: <message>``) and exit code 1; the UI shows it as a
message. Names say the condition, not the place it happened.
"""

from __future__ import annotations


class KBError(Exception):
    """Base class of every deliberate budget-kb error. ``str(error)`` is the one line a user sees."""


class UnreadableDocument(KBError):
    """A disclosure file cannot be read: empty, binary, undecodable, truncated or of an unknown type.

    Args:
        path: the file, as given by the user.
        reason: one short clause saying why (e.g. "empty file", "unknown extension .foo").
    """

    def __init__(self, path: object, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class StoreUnavailable(KBError):
    """The graph store cannot be opened or reached (missing folder lock, Neo4j down, bad credentials)."""


class StoreLocked(StoreUnavailable):
    """Another process (or app session) is writing the store: one writer at a time per database folder."""


class StoreOutdated(StoreUnavailable):
    """The store was built by an older budget-kb (another graph schema version): re-ingest to rebuild it."""


class StoreQueryFailed(KBError):
    """A query failed inside the store. Carries the template name (or "ad hoc") and the parameters."""

    def __init__(self, message: str, *, query_name: str = "ad hoc", params: dict | None = None, cypher: str = ""):
        self.query_name = query_name
        self.params = dict(params or {})
        self.cypher = cypher
        super().__init__(f"query {query_name} failed: {message} (params: {self.params})")


class TemplateNotFound(KBError):
    """No template of that name exists in cypher/."""


class InvalidTemplate(KBError):
    """A cypher/*.cypher file whose header and body disagree (e.g. a $param not declared)."""


class MissingParameter(KBError):
    """A template was run without one of the parameters its header declares."""


class LinkNotFound(KBError):
    """``kb links accept/reject ID`` named an ID that no current link has."""


class InvalidDecision(KBError):
    """A review decision that cannot be used: a status other than accepted/rejected, or a damaged decisions file."""


class UnanswerableQuestion(KBError):
    """``kb ask`` could not route a question; the message says which words did not resolve."""
