"""The unit a disclosure is about: name, code, region, province, year and kind (预算/决算/通知).

Every place a disclosure states them gives a candidate with a confidence (0..1) and the line it came
from; the best candidate of year, kind and code wins, and the name is chosen among every candidate and every
place-prefixed organisation name the text mentions by a learned scorer (``loaders.unit_scorer``)
(``UnitInfo.confidence`` / ``UnitInfo.lines`` keep both):

| source | confidence | example |
|---|---|---|
| title (a short line or two joined, not a sentence) | 0.9 | 重庆市荣昌区社会保险事务中心2026年单位预算; 2022年度 / 嘉峪关市农业农村局部门决算 |
| funding-notice title | 0.9 | 岳阳市财政局关于下达2023年第一批经建专项补助资金的通知 (unit = issuer, kind 通知) |
| labelled field or coded cell | 0.8 | 单位名称：…; 编制单位：…; 121003-重庆市…; [015001]武汉市青山区教育局 |
| body sentence frame | 0.6 | 纳入…2023年部门预算编制范围; 南纪门街道办事处内设10个办公室 |
| first table title's prefix | 0.5 | 重庆市綦江区社会保险事务中心财政拨款收支总表 |
| issuer of a 关于 title / above it / publisher field | 0.85 / 0.55 / 0.6 | X局关于…的批复; X厅 / 关于下达…的通知; 发布机构：… |
| own 文号 / year in the title / document date (years) | 0.45 / 0.4 / 0.25 | 杨政发改发〔2021〕46号; …2026年3月至4月…; 2021年10月18日 |
| file name | 0.3 | 2023年某某局部门预算.txt |

A name needs no known suffix in a title or a labelled field (an unknown suffix lowers the confidence,
it does not discard the unit); body sentences and table titles need a unit head noun (局, 中心, 幼儿园,
街道办事处 …). Years and kinds are also read from body phrases such as "2022年度单位决算情况说明" and
"公开我单位2022年预算信息" (the most frequent wins); "成立于2020年" is no budget year.
Region and province come from the name's place prefix (``kb.core.places.region_of``).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from kb.core.places import region_of
from kb.core.records import UnitInfo
from loaders.evidence import settled
from loaders.kind_model import head_text, kind_posterior, load_model
from loaders.notes import FIELD_LABELS, note, source_label
from loaders.source_weights import estimated_confidence
from loaders.rows import Row
from loaders.sections import Section
from loaders.unit_body import from_body, from_number_and_date
from loaders.unit_fields import from_fields
from loaders.unit_mentions import mentions, most_mentioned, signed_name
from loaders.unit_names import Candidate, good_name, strip_name
from loaders.unit_scorer import choose_name, shipped_scorer
from loaders.unit_titles import TITLE, YEAR_FIRST, from_titles

READER_SURE = 0.9
MENTION_ROWS = 120  # the rows whose mentions of unit names the learned name choice counts
_TABLE_WORDS = re.compile(r"(20\d\d年)?(部门|单位)?(一般公共预算|财政拨款|收支|收入|支出|政府性基金|国有资本|“三公”|三公|整体|项目)")


def reader_is_sure(candidate: Candidate | None) -> bool:
    """Whether the readers' first name is taken without the learned choice: a reader confidence of ``READER_SURE``
    or more (a title, a notice title). On the training documents the learned choice (cross-validated) never
    differed from such a name but once, where both were right (73 documents), and skipping it keeps long tabled
    disclosures as fast to parse as before."""
    return candidate is not None and round(candidate.confidence, 2) >= READER_SURE


def best_candidate(candidates: list[Candidate]) -> Candidate | None:
    """The most trusted candidate of one field: the highest reader confidence; among equals the value named most
    often, then the first.

    Ranking by the confidence updated with the training counts (``loaders.source_weights``) instead was measured
    (leave-one-out over the training documents, tools/fit_unit_model.py) and gained nothing: a rule seen on few
    documents but telling in them (a form title saying "no kind") is outranked by a broad rule right in general
    (the count of 预算 words). The counts give the confidence reported instead (``read_unit``).
    """
    if not candidates:
        return None
    votes = Counter(candidate.value for candidate in candidates)
    return max(candidates, key=lambda c: (round(c.confidence, 2), votes[c.value], -(c.line or 0)))


def read_unit(rows: list[Row], sections: list[Section], file_name: str | None = None) -> tuple[UnitInfo, list[str]]:
    """Read the unit's identity from titles, fields, body sentences, table titles and the file name.

    Args:
        rows: the document's rows; sections: its sections (for the table-title fallback, year and kind);
        file_name: the file's name, the last resort.

    Returns:
        (UnitInfo with ``line`` where the name was read and per-field ``confidence``/``lines``/``sources``,
        notes explaining the sources). ``confidence`` is the chosen reader's confidence updated by how often its
        rule was right on the training documents (``loaders.source_weights.estimated_confidence``).
    """
    model = load_model()
    posterior = kind_posterior(head_text([row.cells for row in rows]), model)
    found = unit_candidates(rows, sections, file_name, model, posterior, gated=True)
    chosen = {field: best_candidate(candidates) for field, candidates in found.items()}
    confidence = {field: round(estimated_confidence(field, c.source, c.confidence), 2)
                  for field, c in chosen.items() if c is not None}
    name_scorer = shipped_scorer(model)
    if name_scorer is not None and not reader_is_sure(chosen["name"]):  # the learned choice, mentions included
        head = rows[:MENTION_ROWS]
        texts = [" ".join(row.cells) for row in head]
        reader_choice = chosen["name"].value if chosen["name"] else None
        chosen["name"], probability = choose_name(found["name"], texts, mentions(texts), reader_choice, name_scorer,
                                                  [row.line for row in head])
        confidence["name"] = round(probability, 2)
    confidence = {field: value for field, value in confidence.items() if chosen.get(field) is not None}
    name = chosen["name"]
    code = chosen["code"]
    if code is not None and name is not None and code.source not in ("code field", "labelled field"):
        same = [c for c in found["code"] if c.source.endswith(name.value)]
        code = same[0] if same else code
    notes = [note("unit.source" if c.line else "unit.source_no_line", field=FIELD_LABELS[field],
                  value=c.value if c.value is not None else "无",
                  source=source_label(c.source), line=c.line, confidence=f"{confidence[field]:.2f}")
             for field, c in chosen.items() if c is not None]
    region, province = region_of(name.value if name else None)
    unit = UnitInfo(name=name.value if name else None, code=code.value if code else None, region=region,
                    province=province, year=chosen["year"].value if chosen["year"] else None,
                    kind=chosen["kind"].value if chosen["kind"] else None, line=name.line if name else None,
                    confidence=confidence,
                    lines={field: c.line for field, c in chosen.items() if c is not None and c.line},
                    sources={field: c.source for field, c in chosen.items() if c is not None})
    return unit, notes


def unit_candidates(rows: list[Row], sections: list[Section], file_name: str | None = None,
                    model: dict | None = None, posterior: dict[str, float] | None = None,
                    gated: bool = False) -> dict[str, list[Candidate]]:
    """Every candidate for the unit's name, year, kind and code, from every place the text states them.

    Args:
        rows: the document's rows; sections: its sections; file_name: the file's name; model: the kind model
            (``loaders.kind_model``; default the stored one); posterior: the kind model's posterior of the head
            when already computed (``kind_posterior``); gated: skip a reader that cannot change the choice
            (``loaders.evidence.settled``), as ``read_unit`` asks; ungated (the default) every reader's candidates
            are listed, as ``tools/fit_unit_model.py`` counts them.

    Returns:
        {"name"|"year"|"kind"|"code": [Candidate(value, reader confidence 0..1, line, source)]}.
    """
    found: dict[str, list[Candidate]] = {"name": [], "year": [], "kind": [], "code": []}
    from_titles(rows, found)
    from_fields(rows[:600], found)
    # gate: body candidates are 0.7 at most, and a name below READER_SURE goes to the learned choice, which reads
    # every proposal (``loaders.unit_scorer``): the body reader is skipped only when the name is sure
    if not (gated and settled(found, ("name",), READER_SURE - 0.01) and settled(found, ("year", "kind"), 0.7)):
        from_body(rows, found)
    if sections:
        prefix = _TABLE_WORDS.split(sections[0].title)[0]
        prefix = strip_name(prefix)
        if good_name(prefix, head_required=True):
            found["name"].append(Candidate(prefix, 0.5, sections[0].line, "first table title"))
        years = Counter(int(y) for section in sections for y in re.findall(r"(20\d\d)\s*年", section.title))
        if years:
            found["year"].append(Candidate(years.most_common(1)[0][0], 0.5, None, "table titles"))
        titles_text = " ".join(section.title for section in sections)
        found["kind"].append(Candidate("决算" if "决算" in titles_text else "预算", 0.5, None, "table titles"))
    if not found["name"]:  # no title, field or frame names it: the signer, else the name mentioned most often
        texts = [" ".join(row.cells) for row in rows[:300]]
        signer = signed_name(texts[-40:])
        mentioned = most_mentioned(texts)
        if signer:
            found["name"].append(Candidate(signer, 0.45, None, "names before a date"))
        elif mentioned:
            found["name"].append(Candidate(mentioned[0], 0.4, None, f"most mentioned name ({mentioned[1]} times)"))
    if not found["year"]:
        years = Counter(int(y) for row in rows[:200] for cell in row.cells
                        for y in re.findall(r"(20\d\d)\s*年(?:预算|基本支出|预算数)", cell))
        if years:
            found["year"].append(Candidate(years.most_common(1)[0][0], 0.4, None, "table cells"))
    if not found["year"]:  # the year the head of the document names most often (dates 2021年3月5日 left out)
        years = Counter(int(y) for row in rows[:80] for cell in row.cells
                        for y in re.findall(r"(20\d\d)\s*年(?!\s*\d{1,2}\s*月)", cell))
        if years:
            found["year"].append(Candidate(years.most_common(1)[0][0], 0.3, None, "most frequent year"))
    from_number_and_date(rows, found)
    if posterior is None:
        posterior = kind_posterior(head_text([row.cells for row in rows]), model)
    if posterior.get("通知", 0.0) >= 0.99:  # a notice by its wording: below every place the text states its kind,
        # above the bare count of 预算/决算 words (which alone tells a budget from a final account)
        found["kind"].append(Candidate("通知", 0.6, None, f"wording model (p={posterior['通知']:.2f})"))
    if file_name:
        stem = Path(file_name).stem
        match = TITLE.match(stem) or YEAR_FIRST.match(stem)
        if match:
            if good_name(strip_name(match.group("name"))):
                found["name"].append(Candidate(strip_name(match.group("name")), 0.3, None, "file name"))
            found["year"].append(Candidate(int(match.group("year")), 0.3, None, "file name"))
            found["kind"].append(Candidate(match.group("kind"), 0.3, None, "file name"))
    return found
