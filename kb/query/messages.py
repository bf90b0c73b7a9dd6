"""The question side's message catalogue: code -> Chinese template (store and file errors: kb.core.messages).

Every message a user reads about a question is Chinese. An answer that could not be given carries
``{"code": ..., "message": ...}`` in ``Answer.to_dict()["error"]``; ``kb ask`` prints the message on one line
and exits 1, ``kb chat --jsonl`` writes it and goes on.

Example:
    >>> render("Q_EMPTY_QUESTION")
    '问题是空的：请输入一个问题。'
"""

from __future__ import annotations

from kb.core.errors import UnanswerableQuestion

MESSAGES: dict[str, str] = {
    "Q_EMPTY_QUESTION": "问题是空的：请输入一个问题。",
    "Q_QUESTION_TOO_LONG": "问题过长（{length} 个字符，上限 {limit}）：请缩短后再问。",
    "Q_EMPTY_STORE": "知识库是空的：请先运行 `kb ingest 路径` 导入预算公开文件。",
    "Q_UNKNOWN_UNIT": "知识库里没有单位“{word}”：已入库的单位是 {known}。{near}",
    "Q_UNKNOWN_TITLE": "知识库里没有文件“{title}”：已入库的预算文件都没有引用它。最接近的已知文件：{near}。",
    "Q_UNKNOWN_ISSUER": "知识库里没有“{issuer}”发的文件：已入库的预算文件都没有引用它发的文件。最接近的已知发文机关：{near}。",
    "Q_UNKNOWN_FIGURE": "知识库里没有{units}的“{word}”这一项：预算表里没有这个名称的数字。名称最接近的科目：{near}。",
    "Q_NO_TOPIC": "知识库里没有与“{query}”直接相关的项目（名称、概述、依据和目标中都没有）；文字上最接近的是：{near}。",
    "Q_UNKNOWN_DOC_NO": "知识库里没有文号 {doc_no}：已入库的文件都没有引用它。最接近的已知文号：{near}。",
    "Q_NO_ANSWER": "无法回答：没有合适的查询，语义检索也没有找到与“{words}”相关的项目。最接近的已知名称：{near}。",
    "Q_NOTHING_BEFORE": "这个追问需要上一个问题的结果，但对话里还没有可用的结果：请先提一个完整的问题。",
    "Q_NO_FIGURE_IN_ROWS": "上一个回答里没有可以{operation}的金额。",
    "Q_FIGURE_ABSENT": "{unit} {year} 年的预算公开文件没有列出{label}（该数字缺失，不是 0）。",
    "Q_NO_YEAR": "{unit} 在知识库中，但没有 {year} 年的数据（已有年度：{years}）。",
    "Q_NO_YEAR_IN_STORE": "知识库里没有 {year} 年的预算，无法回答（不是 0）：已有年度为 {years}。",
    "Q_NOT_IN_UNIT": "{units}没有与“{what}”相关的{noun}；知识库里这类{noun}在：{elsewhere}。",
    "Q_NOT_IN_UNIT_NOWHERE": "{units}没有与“{what}”相关的{noun}，知识库里其他单位也没有。",
    "Q_NOT_AS_BASIS": "{doc_no} 在知识库中，但没有项目把它作为立项依据（它只在项目文字中被提及）；去掉“立项依据”再问可看到提及它的项目。",
    "Q_PROJECT_WITHOUT": "项目“{project}”在知识库中，但文档没有为它{what}。",
    "Q_NO_MATCH": "没有项目或预算行与{noun}“{value}”匹配（名称已识别，但没有符合条件的记录）。",
    "Q_EMPTY_RESULT": "查询 {template}（{params}）没有返回记录：所涉名称都在知识库中，但没有符合条件的记录。",
    "Q_NO_SHARED": "{units} 没有共同引用的文件。",
    "Q_FUZZY_NOTE": "（按“{known}”理解“{typed}”）",
    "Q_SEMANTIC_NOTE": "没有合适的查询模板，改用语义检索（{method}）查“{query}”，结果为近似匹配。",
    "Q_UNEXPECTED": "内部错误（{kind}）：{message}",
}


def render(code: str, **fields: object) -> str:
    """The Chinese message of ``code`` filled with ``fields`` (a missing field is shown as "?").

    Raises:
        KeyError: ``code`` is not in the catalogue (a programming error, caught by the tests).
    """
    template = MESSAGES[code]

    class _Fields(dict):
        def __missing__(self, key: str) -> str:
            return "?"

    return template.format_map(_Fields(fields))


def question_error(code: str, **fields: object) -> UnanswerableQuestion:
    """An ``UnanswerableQuestion`` whose message is ``render(code, **fields)`` and whose ``code`` is ``code``."""
    error = UnanswerableQuestion(render(code, **fields))
    error.code = code
    return error


def error_of(error: Exception) -> dict:
    """``{"code", "message"}`` for an exception (the ``error`` field of an answer)."""
    code = getattr(error, "code", None) or ("Q_UNANSWERABLE" if isinstance(error, UnanswerableQuestion) else
                                            f"E_{type(error).__name__.upper()}")
    return {"code": code, "message": str(error)}


__all__ = ["MESSAGES", "error_of", "question_error", "render"]
