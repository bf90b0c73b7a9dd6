"""``kb ask``: a Chinese question in, an answer with its figures and their sources out.

Steps: read the question into a frame (``kb.query.frame``: names by the gazetteer, intent and operation by
the classifier), run its cypher/ template with the names as parameters, apply the filters the template
does not take and the operation (``kb.query.operations``), and state the rows in Chinese (``sentences``)
with the file and line of every figure. A name typed with a typo is said to be read as the known one;
when no template fits, semantic search answers and says so. A unit, year or 文件 the store does not hold is
said to be unknown with the closest known names — never answered with other units' figures.

Example:
    >>> answer = ask(store, "渝委办发〔2019〕66号支持了哪些项目？")  # doctest: +SKIP
    >>> answer.template, answer.rows[0]["amount"]
    ('projects_by_policy', 207.0)
"""

from __future__ import annotations

import re
from typing import Any

from kb.query.absent import absent_answer
from kb.query.answer import Answer, closest_names, sources_of
from kb.query.arithmetic import asks_difference_only, continue_share, difference_note, share_answer, share_parts
from kb.query.counting import asks_project_counts, project_count_answer, province_named
from kb.query.frame import Frame, read_frame
from kb.query.index import precomputed_result
from kb.query.mentions import Mentions, content_words
from kb.query.messages import question_error, render
from kb.query.follow_rows import rows_answer
from kb.query.policy_ranking import asks_policy_ranking, policy_ranking_answer
from kb.query.store_years import absent_year_answer
from kb.query.operations import (apply_operation, bound_rows, distinct_items, field_label, filter_rows,
                                 item_key, measure_of, operation_sentence, sort_rows)
from kb.query.sentences import FIELD_LABELS, sentence, short_unit, wan_yuan
from kb.query.templates import run_internal, run_template
from kb.query.vocabulary import Vocabulary, vocabulary

MAX_QUESTION_CHARS = 500
# Words a topic word may end with that projects' names rarely repeat (乡村医生补助 -> 乡村医生).
_GENERIC_TAILS = ("补助资金", "专项资金", "补助", "补贴", "资金", "经费", "项目", "专项", "费用", "的钱")
# A word shaped like a unit or place name (北碚区社保中心, 成都市社保中心, 北京市): a unit the graph does not hold.
_QUESTION_CHARS = re.compile(r"[哪各每几些个所全该本这那其有的在和与及或是]|地$|^$")
_ASKS_EXISTENCE = re.compile(r"有没有|有无|是否有|有没|存在")
_UNIT_LIKE = re.compile(r"[\u4e00-\u9fff]{1,8}?(?:经开区|开发区|区|县|市)(?:[\u4e00-\u9fff]{0,10}?(?:中心|局|委员会|办公室|所|站))?")


def ask(store: Any, question: str, previous: Answer | None = None) -> Answer:
    """Answer ``question`` from ``store``.

    Args:
        store: an open kb.store Store.
        question: Chinese, traditional or simplified; 文号 in any spelling; typos tolerated.
        previous: the previous answer of the conversation, for follow-ups ("那綦江呢？", "其中最大的是哪个？").

    Returns:
        An ``Answer`` (its ``frame`` kept for the next follow-up).

    Raises:
        UnanswerableQuestion: (with a ``code`` of kb.query.messages) the question or the store is empty, a
            follow-up has nothing to act on, or neither a template nor semantic search finds anything.
        StoreQueryFailed: from the store.
    """
    if not question or not question.strip():
        raise question_error("Q_EMPTY_QUESTION")
    if len(question) > MAX_QUESTION_CHARS:
        raise question_error("Q_QUESTION_TOO_LONG", length=len(question), limit=MAX_QUESTION_CHARS)
    parts = share_parts(question)  # 基本支出占支出总计的比例: two answers, one over the other
    shared = share_answer(store, question, previous, parts, ask) if parts else None
    if shared is not None:
        return shared
    if previous is not None and previous.rows and asks_difference_only(question):  # "差多少？"
        note = difference_note(question, previous.rows, previous.focus)
        if note:
            return Answer(question, previous.template, previous.params, previous.cypher, previous.columns,
                          previous.rows, note, previous.sources, "follow-up", [], [], previous.focus, None,
                          "difference", [], previous.frame)
    answer = _ask(store, question, previous)
    answer = continue_share(store, question, previous, answer, ask)
    note = difference_note(question, answer.rows, answer.focus) if answer.operation != "share" else ""
    if note:
        answer.answer += note
    return answer


def _ask(store: Any, question: str, previous: Answer | None) -> Answer:
    """``ask`` without the shares and differences composed around it."""
    vocab = vocabulary(store)
    if not vocab.units:
        raise question_error("Q_EMPTY_STORE")
    previous_frame = getattr(previous, "frame", None)
    frame = read_frame(question, vocab, previous_frame, getattr(previous, "rows", None))
    absent = absent_answer(question, frame, vocab)  # a place, title or issuer the store does not hold
    if absent is not None:
        return absent
    if frame.intent != "follow_up":
        no_year = absent_year_answer(store, question, frame)  # 2021年…: the store holds no budget of that year
        if no_year is not None:
            return no_year
        ranked = asks_policy_ranking(frame.mentions, frame.template == "policy_support")  # 哪个文件支持的资金最多
        if ranked:
            return policy_ranking_answer(store, vocab, question, frame, *ranked)
    counted = asks_project_counts(frame.mentions) if frame.intent != "follow_up" else None
    if counted:  # 哪个单位的项目最多: units by their number of projects
        return project_count_answer(store, vocab, question, frame, counted)
    content = content_words(frame.mentions)
    unknown_unit = _unknown_unit(frame.mentions, content, vocab)
    if unknown_unit:
        near = [name for name in closest_names(vocab, [unknown_unit], 20) if name in vocab.units][:3]  # units only
        known = "、".join(short_unit(name) for name in sorted(vocab.units))
        text = render("Q_UNKNOWN_UNIT", word=unknown_unit, known=known,
                      near=f"最接近的已知名称：{'、'.join(near)}。" if near else "")
        return Answer(question, None, {}, "", [], [], text, [], "unresolved", [unknown_unit], near,
                      error={"code": "Q_UNKNOWN_UNIT", "message": text}, frame=frame)
    if frame.intent == "follow_up":
        return rows_answer(store, vocab, question, frame, previous)
    if frame.template is not None and not (frame.mentions.unknown_doc_nos and not frame.mentions.doc_nos):
        return _template_answer(store, vocab, question, frame, content, previous)
    if frame.mentions.unknown_doc_nos:
        return _unknown_doc_no_answer(vocab, question, frame)
    return _semantic_answer(store, vocab, question, frame, content)


def _unknown_unit(mentions: Mentions, content: list[str], vocab: Vocabulary) -> str | None:
    """A unit- or place-like word (≥ 3 characters: 北碚区, 成都市社保中心) in a question naming no known unit,
    project, program or 文号, and not part of any name the graph holds; None when there is none."""
    if mentions.units or mentions.projects or mentions.programs or mentions.doc_nos or mentions.unknown_doc_nos:
        return None
    for run in re.split(r"[^\u4e00-\u9fff]+", mentions.masked):
        for match in _UNIT_LIKE.finditer(run):
            found = match.group()
            place = re.match(r"(.*?)(?:经开区|开发区|区|县|市)", found).group(1)
            if len(found) >= 3 and not _QUESTION_CHARS.search(place) and not _in_known_names(found, vocab):
                return found
    return None


def _in_known_names(word: str, vocab: Vocabulary) -> bool:
    names = vocab.project_names() + vocab.subject_names() + vocab.indicators + vocab.programs
    return any(word in name for name in names)


def _fuzzy_note(frame: Frame) -> str:
    notes = [render("Q_FUZZY_NOTE", typed=item["typed"], known=item["known"]) for item in frame.mentions.fuzzy
             if item["typed"] != item["known"]]
    return "".join(dict.fromkeys(notes))


def _run(store: Any, vocab: Vocabulary, frame: Frame):
    """Run the frame's template (once per unit named when it takes one unit; a whole-graph aggregation is
    read from the question index, ``kb.query.index``); returns the result."""
    units = frame.units
    params = frame.params
    if frame.template == "policies_cited_by_several_units" and units:  # 荣昌和綦江共同引用的文件: filtered in Cypher
        params = {**params, "first_unit": units[0], "second_unit": units[1] if len(units) > 1 else ""}
    result = precomputed_result(store, vocab, frame.template, params) or run_template(store, frame.template, params)
    codes = frame.mentions.issuer_codes
    if frame.params.get("issuer_code") and len(codes) > 1:  # 重庆市财政局: every code of that issuer
        for code in codes[1:]:
            result.rows += run_template(store, frame.template, {**frame.params, "issuer_code": code}).rows
    if len(units) > 1 and frame.params.get("unit") in units and not frame.mentions.projects:
        for unit in units:  # "荣昌和綦江的住房公积金": the same template for each unit named
            if unit != frame.params["unit"]:
                result.rows += run_template(store, frame.template, {**frame.params, "unit": unit}).rows
        result.params = {**result.params, "unit": " | ".join(units)}
    if result.template == "policies_cited_by_several_units" and units:  # a third unit named is filtered here
        result.rows = [row for row in result.rows if set(units) <= set(row.get("units") or [])]
        result.params = {**result.params, "units": list(units)}
    if result.template == "projects_by_topic" and not result.rows:
        keyword = frame.params["keyword"]
        for tail in _GENERIC_TAILS:  # 乡村医生补助 -> 乡村医生
            if keyword.endswith(tail) and len(keyword) - len(tail) >= 2:
                shorter = run_template(store, "projects_by_topic", {"keyword": keyword[:-len(tail)]})
                if shorter.rows:
                    return shorter
    return result


def _template_answer(store: Any, vocab: Vocabulary, question: str, frame: Frame, content: list[str],
                     previous: Answer | None) -> Answer:
    result = _run(store, vocab, frame)
    focus = frame.mentions.budget_field or (getattr(previous, "focus", None) if frame.follow_up else None)
    method = "follow-up" if frame.follow_up else "template"
    note = _fuzzy_note(frame)
    everywhere = result.rows
    rows = filter_rows(everywhere, {k: v for k, v in frame.post_filters.items() if k in ("unit", "year")})
    rows = bound_rows(rows, frame.post_filters.get("amount", []))
    province = province_named(frame.mentions.masked, vocab) if not frame.units else None
    if province:  # 四川的单位, 重庆的三个单位: the rows of that province's units
        rows = [row for row in rows if not row.get("unit") or (getattr(vocab.units.get(row["unit"]), "region", "")
                                                                or "").startswith(province)]
    words = frame.post_filters.get("indicator")
    if words:  # 档案管理服务专项的满意度指标: that project's indicators naming the word, or of that type
        named = [row for row in rows if any(w in (row.get("indicator") or "") or w in (row.get("level1") or "")
                                            or w in (row.get("level2") or "") for w in words)]
        rows = named or rows
    base = dict(question=question, template=result.template, params=result.params, cypher=result.cypher,
                columns=result.columns, unresolved=content, focus=focus, operation=frame.operation,
                fuzzy=frame.mentions.fuzzy, frame=frame)
    if not rows and everywhere:  # "荣昌有没有乡村医生补助": none in the unit, but elsewhere
        text = _not_in_unit(frame, everywhere)
        return Answer(rows=[], answer=note + text, sources=[], method=method, **base)
    if not rows:
        if result.template == "projects_by_topic":
            return _semantic_answer(store, vocab, question, frame, [frame.params["keyword"]], note)
        if result.template == "policies_cited_by_several_units" and frame.units:
            text, suggestions = render("Q_NO_SHARED", units="、".join(short_unit(u) for u in frame.units)), []
        else:
            text, suggestions = explain_empty(store, vocab, result.template, result.params)
        return Answer(rows=[], answer=note + text, sources=[], method=method, suggestions=suggestions, **base)
    listed = rows
    text, rows = _state(result.template, rows, result.params, frame, focus)
    answer = Answer(rows=rows, answer=note + text, sources=sources_of(store, vocab, rows), method=method, **base)
    if len(distinct_items(listed)) > len(distinct_items(rows)) > 0:  # 最大的: "这些"/"哪个最少" mean the listing
        answer.list_rows = sort_rows(listed, frame.operation)
    return answer


def _state(template: str, rows: list[dict], params: dict, frame: Frame, focus: str | None) -> tuple[str, list]:
    """(sentence, rows shown) for the rows of ``template`` under the frame's operation."""
    operation = frame.operation
    if template == "unit_budget" and focus:
        if all(row.get(focus) is None for row in rows):  # the document does not print it: absent, not 0
            return "；".join(render("Q_FIGURE_ABSENT", unit=short_unit(row["unit"]), year=row["year"],
                                   label=field_label(focus)) for row in rows), []
        keep = ("unit", "year", "kind", focus, f"{focus}_line", "file")
        absent = "".join(render("Q_FIGURE_ABSENT", unit=short_unit(row["unit"]), year=row["year"],
                                label=field_label(focus)) for row in rows if row.get(focus) is None)
        rows = [{column: row.get(column) for column in keep} for row in rows if row.get(focus) is not None]
        return sentence(template, rows, params, focus=focus) + absent, rows  # 綦江和万盛的项目支出: one absent
    if operation == "count" and template.startswith("policies") and any(row.get("doc_no") for row in rows):
        documents = list(dict.fromkeys(row["doc_no"] for row in rows if row.get("doc_no")))  # 引用了几个文件
        return f"共 {len(documents)} 个文件。{sentence(template, rows, params, focus=focus)}", rows
    if operation in ("sum", "count", "max", "min") and measure_of(rows) is not None or operation == "count":
        what = field_label(params.get("field")) if template == "budget_ranking" else ""
        ordered = sort_rows(rows, operation)
        top = frame.post_filters.get("top")
        if top:  # 排前三的项目: the first N items in that order
            keep = {item_key(row) for row in distinct_items(ordered)[:top[0]]}
            ordered = [row for row in ordered if item_key(row) in keep]
            measure = measure_of(ordered)
            items = [f"{short_unit(row.get('unit'))} {row.get('project') or row.get('doc_no') or row.get('year')} "
                     f"{wan_yuan(row[measure])}" for row in distinct_items(ordered)]
            order = "从小到大" if operation == "min" else "从大到小"
            return f"按金额{order}排前 {top[0]} 的是：{'；'.join(items)}。", ordered
        picked = apply_operation(ordered, operation)
        lead = operation_sentence(ordered, operation, picked, what)
        if operation in ("max", "min") and not frame.post_filters.get("ranked"):
            return lead, picked  # 最少的单位: the one picked (a ranking asked for lists them all)
        if template == "budget_ranking":
            items = [f"{short_unit(row['unit'])} {row['year']} 年 {wan_yuan(row['value'])}" for row in ordered]
            return f"{lead}排名：{'；'.join(items)}。", ordered
        return f"{lead}{sentence(template, ordered, params, focus=focus)}", ordered
    return sentence(template, rows, params, focus=focus), rows


def _not_in_unit(frame: Frame, everywhere: list[dict]) -> str:
    units = "、".join(short_unit(u) for u in frame.post_filters.get("unit", frame.units)) or "所问单位"
    what = (frame.params.get("keyword") or frame.params.get("program") or frame.params.get("doc_no")
            or frame.params.get("project")
            or frame.params.get("indicator") or frame.params.get("level") or "所问内容")
    noun = "项目" if any(row.get("project") for row in everywhere) else "记录"
    by_unit: dict[str, list[str]] = {}
    for row in distinct_items(everywhere):
        label = row.get("project") or row.get("doc_no") or ""
        by_unit.setdefault(short_unit(row.get("unit")), []).append(label)
    elsewhere = "；".join(f"{unit}（{'、'.join(items[:5])}）" for unit, items in by_unit.items())
    return render("Q_NOT_IN_UNIT", units=units, what=what, noun=noun, elsewhere=elsewhere)


def explain_empty(store: Any, vocab: Vocabulary, template: str, params: dict) -> tuple[str, list[str]]:
    """Say why a template returned nothing: a name the graph lacks (with the closest known), or no record
    for the given combination (with what the graph does hold). Returns (sentence, closest names)."""
    doc_no = params.get("doc_no")
    if doc_no and doc_no not in vocab.doc_nos:
        near = _closest_doc_nos(vocab, doc_no)
        return render("Q_UNKNOWN_DOC_NO", doc_no=doc_no, near="、".join(near)), near
    if doc_no and params.get("role") == "basis":
        return render("Q_NOT_AS_BASIS", doc_no=doc_no), []
    unit = params.get("unit")
    if unit and " | " not in unit and unit not in vocab.units:
        near = closest_names(vocab, [unit], 3)
        return render("Q_UNKNOWN_UNIT", word=unit, known="、".join(sorted(vocab.units)), near=""), near
    year = params.get("year")
    if unit and year and " | " not in unit:
        years = [row["year"] for row in run_internal(store, "unit_years", {"unit": unit})]
        if year not in years:
            return render("Q_NO_YEAR", unit=short_unit(unit), year=year,
                          years="、".join(str(y) for y in years) or "无"), []
    project = params.get("project")
    if project:
        what = {"policies_of_project": "引用任何文号", "project_indicators": "列出绩效指标"}.get(template, "列出符合条件的记录")
        return render("Q_PROJECT_WITHOUT", project=project, what=what), []
    for name, noun in (("indicator", "指标"), ("level", "指标类别"), ("keyword", "主题词"), ("program", "项目群"),
                       ("subject", "科目")):
        if params.get(name):
            return render("Q_NO_MATCH", noun=noun, value=params[name]), []
    shown = "，".join(f"{key}={value}" for key, value in params.items())
    return render("Q_EMPTY_RESULT", template=template, params=shown or "无参数"), []


def _closest_doc_nos(vocab: Vocabulary, doc_no: str) -> list[str]:
    from rapidfuzz import fuzz, process

    return [name for name, _, _ in process.extract(doc_no, sorted(vocab.doc_nos), scorer=fuzz.ratio, limit=3)]


def _unknown_doc_no_answer(vocab: Vocabulary, question: str, frame: Frame) -> Answer:
    doc_no = frame.mentions.unknown_doc_nos[0]
    near = _closest_doc_nos(vocab, doc_no)
    text = render("Q_UNKNOWN_DOC_NO", doc_no=doc_no, near="、".join(near))
    return Answer(question, None, {"doc_no": doc_no}, "", [], [], text, [], "unresolved", [doc_no], near,
                  error={"code": "Q_UNKNOWN_DOC_NO", "message": text}, frame=frame)


def _shared_context(hits: list) -> str:
    """A sentence on the program and 文号 the nearest projects share (their graph context), or ""."""
    counts: dict[tuple[str, str], int] = {}
    for hit in hits[:5]:
        for program in hit.programs:
            counts[("项目群", program)] = counts.get(("项目群", program), 0) + 1
        for doc_no in hit.doc_nos:
            counts[("文件", doc_no)] = counts.get(("文件", doc_no), 0) + 1
    shared = [f"{kind}“{name}”（{count} 个项目）" for (kind, name), count in
              sorted(counts.items(), key=lambda item: -item[1]) if count > 1]
    return f"其中共同的关联：{'、'.join(shared[:4])}。" if shared else ""


def _semantic_answer(store: Any, vocab: Vocabulary, question: str, frame: Frame, content: list[str],
                     note: str = "") -> Answer:
    """The fallback: semantic search over project texts (loaded only here), said to be approximate; a unit
    named filters the hits, and when it has none the answer says where such projects are."""
    from kb.query import semantic

    query = " ".join(content) or frame.mentions.text
    hits = semantic.search(store, vocab, query)
    if not hits:
        near = closest_names(vocab, content or [frame.mentions.text])
        raise question_error("Q_NO_ANSWER", words="、".join(content) or frame.mentions.text,
                             near="、".join(near) or "无")
    rows = [hit.to_row() for hit in hits]
    lead = render("Q_SEMANTIC_NOTE", method=semantic.method_name(vocab), query=query)
    if _ASKS_EXISTENCE.search(frame.mentions.key):  # 有没有关于医疗救助的项目: no template found it, so none
        names = "、".join(dict.fromkeys(f"{h.project}（{short_unit(h.unit)}）" for h in hits[:3]))
        text = render("Q_NO_TOPIC", query=query, near=names)
        return Answer(question, None, {"query": query}, "", list(semantic.COLUMNS), [], note + text, [],
                      "semantic", content, [h.project for h in hits[:3]], fuzzy=frame.mentions.fuzzy, frame=frame)
    if frame.units:
        inside = [row for row in rows if row["unit"] in frame.units]
        if not inside:
            frame.post_filters = {"unit": list(frame.units)}
            text = lead + _not_in_unit(frame, rows)
            return Answer(question, None, {"query": query}, "", list(semantic.COLUMNS), [], note + text, [],
                          "semantic", content, [], fuzzy=frame.mentions.fuzzy, frame=frame)
        rows, hits = inside, [hit for hit in hits if hit.unit in frame.units]
    items = [f"{short_unit(h.unit)} {h.year} 年 {h.project} {wan_yuan(h.amount)}（相似度 {h.score:.2f}）" for h in hits]
    units = "、".join(dict.fromkeys(short_unit(h.unit) for h in hits))
    text = f"{lead}最接近的 {len(hits)} 个项目分布在 {units}：{'；'.join(items)}。{_shared_context(hits)}"
    return Answer(question, None, {"query": query}, "", list(semantic.COLUMNS), rows, note + text,
                  sources_of(store, vocab, rows), "semantic", content, [], fuzzy=frame.mentions.fuzzy, frame=frame)


__all__ = ["Answer", "FIELD_LABELS", "ask", "closest_names", "explain_empty"]
