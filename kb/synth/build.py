"""Build the record of one synthetic disclosure (EXTRACTION_SCHEMA.md shape), planting at most one
self-contradiction, from a seeded ``random.Random``."""

from __future__ import annotations

import random

from kb.synth.content import FAMILIES, CATEGORIES, SynthDocument, Unit, money, split_cents
from kb.synth.families import BUNDLE_NAMES, OUTSIDE_FAMILIES

ALL_FAMILIES = FAMILIES + OUTSIDE_FAMILIES
BUNDLE_RATE = 0.08  # share of documents with one bundle project paying two or three groups at once

ECONOMIC = (("301", "工资福利支出", (("30101", "基本工资"), ("30102", "津贴补贴"), ("30107", "绩效工资"),
                                   ("30108", "机关事业单位基本养老保险缴费"), ("30112", "其他社会保障缴费"),
                                   ("30113", "住房公积金"))),
            ("302", "商品和服务支出", (("30201", "办公费"), ("30211", "差旅费"), ("30228", "工会经费"),
                                     ("30231", "公务用车运行维护费"))),
            ("303", "对个人和家庭的补助", (("30305", "生活补助"),)))
BRACKETS = ("〔〕", "【】", "[]", "（）")


def printed_doc_no(rng: random.Random, doc_no: str) -> str:
    """A canonical 文号 printed with a random bracket style (渝人社发〔2020〕126号 -> 渝人社发【2020】126号)."""
    pair = rng.choice(BRACKETS)
    return doc_no.replace("〔", pair[0]).replace("〕", pair[1])


def _economic(rng: random.Random, basic_cents: int) -> tuple[list[dict], dict[str, int]]:
    leaves = [code for _, _, items in ECONOMIC for code, _ in items]
    weights = [rng.uniform(0.3, 1.0) * (6 if code.startswith("301") else 1) for code in leaves]
    raw = [int(basic_cents * w / sum(weights)) for w in weights]
    raw[0] += basic_cents - sum(raw)
    by_code = dict(zip(leaves, raw))
    lines = []
    for code, name, items in ECONOMIC:
        lines.append({"code": code, "name": name, "total": money(sum(by_code[c] for c, _ in items)),
                      "scheme": "economic"})
        lines.extend({"code": c, "name": n, "total": money(by_code[c]), "scheme": "economic"} for c, n in items)
    return lines, by_code


def _bundle(rng: random.Random, unit: Unit, year: int) -> tuple[dict, str, dict]:
    """A project paying two or three groups of different families at once (its key: bundle:a+b)."""
    paid = rng.sample([family for family in ALL_FAMILIES if family.group and family.kind != "running_cost"],
                      rng.randint(2, 3))
    amount = rng.randint(20000, 80000)
    counts = [rng.randint(3, 60) for _ in paid]
    indicators = [("产出指标", "数量指标", f"{family.group}补助人数", "≥", str(count), "人")
                  for family, count in zip(paid, counts)] + [("满意度指标", "服务对象满意度指标", "补助对象满意度", "≥", "90", "%")]
    project = {"code": f"500{rng.randint(100, 999)}{year % 100:02d}T{rng.randint(1, 10**9):012d}",
               "name": rng.choice(BUNDLE_NAMES).format(place=unit.place), "amount": money(amount),
               "category": rng.choice(CATEGORIES), "basis_refs": [], "all_refs": [], "subject_code": "2080109",
               "indicators": [{"level1": l1, "level2": l2, "name": n, "op": op, "value": value, "unit": measure,
                               "weight": float(w)} for (l1, l2, n, op, value, measure), w in
                              zip(indicators, split_cents(rng, 90, len(indicators)))], "_cents": amount}
    pays = "；".join(f"{index}. 为{count}名{family.group}发放补助"
                     for index, (family, count) in enumerate(zip(paid, counts), start=1))
    return project, "bundle:" + "+".join(sorted(family.key for family in paid)), {"basis": [], "mentions": [],
                                                                                   "pays": pays}


def _projects(rng: random.Random, unit: Unit, year: int) -> tuple[list[dict], list[str], list[dict]]:
    """Projects (schema records), their family keys, and the 文号 printed in each block (for rendering)."""
    projects, keys, printing = [], [], []
    for family in rng.sample(ALL_FAMILIES, rng.randint(2, 6)):
        basis = rng.sample(family.refs, rng.randint(1, len(family.refs)))
        local = f"{unit.place[:2]}人社发〔{year - 1}〕{rng.randint(1, 199)}号" if rng.random() < 0.4 else None
        mentions = [local] if local else []
        all_refs = list(dict.fromkeys([*mentions, *(doc_no for doc_no, _ in basis)]))
        name = rng.choice(family.names).format(place=unit.place)
        amount = rng.randint(*family.cents)
        indicators = [{"level1": l1, "level2": l2, "name": n, "op": op, "value": value, "unit": measure,
                       "weight": float(w)} for (l1, l2, n, op, value, measure), w in
                      zip(family.indicators, split_cents(rng, 90, len(family.indicators)))]
        projects.append({"code": f"500{rng.randint(100, 999)}{year % 100:02d}T{rng.randint(1, 10**9):012d}",
                         "name": name, "amount": money(amount), "category": rng.choice(CATEGORIES),
                         "basis_refs": [doc_no for doc_no, _ in basis], "all_refs": all_refs,
                         "subject_code": family.subject, "indicators": indicators, "_cents": amount})
        pays = ""
        if family.kind == "running_cost":  # it names the groups whose payment it administers
            groups = rng.sample([f.group for f in ALL_FAMILIES if f.group], 3)
            pays = f"代财政发放{'、'.join(groups)}等各类补助的经办工作"
        printing.append({"basis": [(printed_doc_no(rng, d), t) for d, t in basis],
                         "mentions": [printed_doc_no(rng, d) for d in mentions], "pays": pays})
        keys.append(family.key)
    if rng.random() < BUNDLE_RATE:
        project, key, printed = _bundle(rng, unit, year)
        projects.append(project)
        keys.append(key)
        printing.append(printed)
    return projects, keys, printing


def project_texts(place: str, project: dict, printed: dict) -> dict[str, str]:
    """The overview, 立项依据 and goal a project block prints (a bundle's overview names the groups it pays)."""
    mention = "、".join(printed["mentions"])
    basis = "、".join(f"《{title}》（{doc_no}）" for doc_no, title in printed["basis"])
    overview = (f"根据{mention}文件精神，" if mention else "") + \
        f"{place}安排{project['name']}资金{_plain(money(project['_cents']))}万元，确保补助按时足额发放。"
    if printed.get("pays"):
        overview += f"及时兑现各类补助：{printed['pays']}。"
    return {"overview": overview, "basis_text": f"根据{basis}精神设立本项目。" if basis else "根据相关政策规定设立本项目。",
            "goal": f"按时完成{project['name']}，保障服务对象待遇。"}


def _line(code: str, name: str, basic: int, project: int) -> dict:
    return {"code": code, "name": name, "total": money(basic + project), "basic": money(basic) if basic else None,
            "project": money(project) if project else None}


def build_document(rng: random.Random, index: int, unit: Unit, year: int, layout: str,
                   plant_kind: str | None, other_unit: Unit) -> SynthDocument:
    """Draw one document's record; plant ``plant_kind`` (a check kind) when given.

    Args:
        rng: the corpus's seeded random source.
        index: the document's ordinal (names the file synth_00000.txt …).
        unit, year: whose budget it is.
        layout: "tabs" (like corpus 001) or "cells" (like corpus 000).
        plant_kind: one of ``PLANT_KINDS`` or None.
        other_unit: the unit a planted foreign_unit finding names.

    Returns:
        The document with its schema record (figures as printed), family keys and plant.
    """
    projects, keys, printing = _projects(rng, unit, year)
    for project in projects:  # the 000 layout prints a 是否核心指标 column, the 001 layout none
        for position, indicator in enumerate(project["indicators"]):
            indicator["core"] = (position == 0) if layout == "cells" else None
    basic = rng.randint(20000, 150000)
    economic, by_code = _economic(rng, basic)
    b_pension, b_medical, b_housing = by_code["30108"], by_code["30112"], by_code["30113"]
    b_admin = basic - b_pension - b_medical - b_housing
    p_military = sum(p["_cents"] for p, key in zip(projects, keys) if key == "military_cadre_allowance")
    for project, printed in zip(projects, printing):
        project.update(project_texts(unit.place, project, printed))
    p_office = sum(p["_cents"] for p in projects) - p_military
    lines = [_line("208", "社会保障和就业支出", b_admin + b_pension, p_office + p_military),
             _line("20801", "人力资源和社会保障管理事务", b_admin, p_office),
             _line("2080101", "行政运行", b_admin, 0)]
    if p_office:
        lines.append(_line("2080109", "社会保险经办机构", 0, p_office))
    lines += [_line("20805", "行政事业单位养老支出", b_pension, 0),
              _line("2080505", "机关事业单位基本养老保险缴费支出", b_pension, 0)]
    if p_military:
        lines += [_line("20809", "退役安置", 0, p_military), _line("2080905", "军队转业干部安置", 0, p_military)]
    lines += [_line("210", "卫生健康支出", b_medical, 0), _line("21011", "行政事业单位医疗", b_medical, 0),
              _line("2101101", "行政单位医疗", b_medical, 0), _line("221", "住房保障支出", b_housing, 0),
              _line("22102", "住房改革支出", b_housing, 0), _line("2210201", "住房公积金", b_housing, 0)]
    project_cents = p_office + p_military
    total = money(basic + project_cents)
    totals = {"income_total": total, "expense_total": total, "general_public_budget": total,
              "basic_expense": money(basic), "project_expense": money(project_cents), "carryover": None,
              "three_public": money(rng.randint(50, 600))}
    for project in projects:
        project.pop("_cents")
    record = {"file": f"synth_{index:05d}.txt",
              "unit": {"name": unit.name, "code": unit.code, "region": unit.region, "province": unit.province,
                       "year": year, "kind": "预算"},
              "totals": totals, "function_subjects": lines, "economic_subjects": economic, "projects": projects,
              "policy_docs": _policy_docs(projects, printing), "discrepancies": []}
    document = SynthDocument(file=record["file"], layout=layout, unit=unit, year=year, record=record, families=keys)
    document.printed = {"printing": printing, "project_count": len(projects), "narrative_income": total,
                        "fiscal_summary_total": total, "yuan_basic": None, "foreign_unit": None}
    if plant_kind:
        _plant(rng, document, plant_kind, other_unit)
    return document


def _policy_docs(projects: list[dict], printing: list[dict]) -> list[dict]:
    docs: dict[str, list[str]] = {}
    for project, printed in zip(projects, printing):
        titles = {doc_no: title for doc_no, title in zip(project["basis_refs"], (t for _, t in printed["basis"]))}
        for doc_no in project["all_refs"]:
            entry = docs.setdefault(doc_no, [])
            if titles.get(doc_no) and titles[doc_no] not in entry:
                entry.append(titles[doc_no])
    return [{"doc_no": doc_no, "titles": titles} for doc_no, titles in docs.items()]


def _plant(rng: random.Random, document: SynthDocument, kind: str, other_unit: Unit) -> None:
    """Change one printed figure (or name) so the document contradicts itself; record it in the truth."""
    record, printed = document.record, document.printed
    delta = round(rng.choice((-1, 1)) * rng.uniform(0.5, 9.5), 2)
    totals = record["totals"]
    detail: dict = {"kind": kind}
    if kind == "project_total":
        detail.update(figure_a=round(totals["project_expense"] + delta, 2), figure_b=totals["project_expense"])
        totals["project_expense"] = detail["figure_a"]
    elif kind == "split_sum":
        line = next(s for s in record["function_subjects"] if s["code"] == "2080101")
        detail.update(code="2080101", figure_a=round(line["total"] + delta, 2), figure_b=line["total"])
        line["total"] = detail["figure_a"]
    elif kind == "summary_tables":
        printed["fiscal_summary_total"] = round(totals["income_total"] + delta, 2)
        detail.update(figure_a=printed["fiscal_summary_total"], figure_b=totals["income_total"])
    elif kind == "narrative_figure":
        printed["narrative_income"] = round(totals["income_total"] + delta, 2)
        detail.update(figure_a=printed["narrative_income"], figure_b=totals["income_total"])
    elif kind == "project_count":
        printed["project_count"] = len(record["projects"]) + rng.randint(1, 3)
        detail.update(figure_a=printed["project_count"], figure_b=len(record["projects"]))
    elif kind == "yuan_amounts":
        gap = round(rng.uniform(1.0, 0.04 * totals["basic_expense"]), 2)
        printed["yuan_basic"] = round((totals["basic_expense"] + gap) * 10000, 2)
        detail.update(figure_a=round(totals["basic_expense"] + gap, 2), figure_b=totals["basic_expense"])
    elif kind == "foreign_unit":
        index = rng.randrange(len(record["projects"]))
        printed["foreign_unit"] = (index, other_unit)
        detail.update(unit=other_unit.name, project=record["projects"][index]["name"])
    document.plant = detail
    record["discrepancies"].append(f"planted {kind}: {detail}")


def _plain(value: float) -> str:
    """An amount as the narrative prints it: 2235.5 -> "2235.5" (``render.plain``)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
