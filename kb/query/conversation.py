"""A conversation: questions asked one after another, each follow-up read against the last answer.

The state is the last answer (its frame and its rows): a follow-up can replace a name ("那綦江呢？"),
change the measure and keep the rest ("项目支出呢？"), or operate on the previous rows ("其中最大的是哪个？",
"这些一共多少钱？", "它的绩效指标有哪些？"). A question that cannot be answered gives an ``Answer`` whose
``error`` holds ``{"code", "message"}`` (Chinese) instead of raising, and leaves the state as it was.

Example:
    >>> chat = Conversation(store)  # doctest: +SKIP
    >>> chat.ask("荣昌区有哪些项目？").template, chat.ask("其中金额最大的是哪个？").rows[0]["project"]  # doctest: +SKIP
    ('unit_projects', '荣昌区企业军转干部生活补助及医疗补助')
"""

from __future__ import annotations

from typing import Any

from kb.core.errors import KBError
from kb.query.answer import Answer
from kb.query.ask import ask
from kb.query.messages import error_of
from kb.query.operations import distinct_items


class Conversation:
    """Questions over one store, with the state a follow-up needs.

    Args:
        store: an open kb.store Store.

    Attributes:
        last: the last answer that had rows or a frame (None at the start).
        history: every answer, in order.
    """

    def __init__(self, store: Any):
        self.store = store
        self.last: Answer | None = None
        self.history: list[Answer] = []

    def ask(self, question: str) -> Answer:
        """Answer ``question`` in the conversation (see the module docstring).

        Returns:
            The ``Answer``; ``error`` is set (and ``rows`` empty) when it could not be answered. An answer
            saying a name is unknown keeps its frame, so the next question can replace that name.

        Raises:
            Nothing for a question that cannot be answered; StoreQueryFailed and other store failures are
            turned into an ``error`` too, so a chat goes on.
        """
        try:
            answer = ask(self.store, question, previous=self.last)
        except KBError as error:
            detail = error_of(error)
            answer = Answer(question, None, {}, "", [], [], detail["message"], [], "error", error=detail)
        unread = answer.method == "unresolved" and answer.frame is not None and answer.frame.intent is None
        if unread and self.last is not None:  # "那北碚区呢？" (not in the store): "那广元呢？" goes on from before
            self.history.append(answer)
            return answer
        if answer.frame is not None:  # an unknown name still leaves a frame: "那荣昌呢？" replaces it
            if not answer.list_rows:  # "这些" means the last listing of several items, even a few turns back
                if len(distinct_items(answer.rows)) > 1:
                    answer.list_rows = answer.rows
                elif self.last is not None:
                    answer.list_rows = self.last.list_rows
            self.last = answer
        self.history.append(answer)
        return answer

    def reset(self) -> None:
        """Forget the conversation (the next question is read on its own)."""
        self.last = None
        self.history.clear()


__all__ = ["Conversation"]
