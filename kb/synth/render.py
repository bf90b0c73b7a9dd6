"""Print a synthetic document in the corpus's text layouts.

- "tabs": one row per line, cells separated by tabs, plain-text titles (like corpus 001);
- "cells": one cell per line, each starting with a tab, rows separated by blank lines, numbered titles
  表一 … (like corpus 000).
Both begin with a short narrative (情况说明) stating the totals and the number of projects.
"""

from __future__ import annotations

from kb.synth.content import SynthDocument

CHINESE_NUMBERS = "一 二 三 四 五 六 七 八 九 十 十一 十二".split()


def amount(value: float | None) -> str:
    """An amount as the tables print it: thousands separators, two decimals; None -> blank."""
    return "" if value is None else f"{value:,.2f}"


def plain(value: float) -> str:
    """An amount as the narrative prints it (no separators, trailing zeros dropped): 2235.5 -> "2235.5"."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _narrative(doc: SynthDocument) -> list[str]:
    record, printed, year = doc.record, doc.printed, doc.year
    totals = record["totals"]
    return [f"{doc.unit.name}{year}年部门预算", "", "情况说明", "", "一、收支总体情况",
            f"{year}年收入合计{plain(printed['narrative_income'])}万元，支出合计{plain(totals['expense_total'])}万元。"
            f"其中：基本支出{plain(totals['basic_expense'])}万元，项目支出{plain(totals['project_expense'])}万元。",
            "二、项目支出情况", f"{year}年共安排{printed['project_count']}个项目，详见项目支出绩效目标表。",
            "三、“三公”经费情况说明", f"{year}年“三公”经费预算{plain(totals['three_public'])}万元。", ""]


def _subject(doc: SynthDocument, code: str) -> dict:
    return next(s for s in doc.record["function_subjects"] if s["code"] == code)


def _tables(doc: SynthDocument) -> list[tuple[str, list[list[str]]]]:
    """(title, rows) of every table but the project blocks, figures as printed."""
    record, printed, year = doc.record, doc.printed, doc.year
    totals = record["totals"]
    fiscal = amount(printed["fiscal_summary_total"])
    total = amount(totals["income_total"])
    side = {code: amount(_subject(doc, code)["total"]) for code in ("208", "210", "221")}
    economic = record["economic_subjects"]
    staff = sum(e["total"] for e in economic if e["code"] in ("301", "303"))
    office = sum(e["total"] for e in economic if e["code"] == "302")
    three = amount(totals["three_public"])
    tables = [
        ("财政拨款收支总表", [
            ["收入", "", "支出", "", "", "", ""],
            ["项目", "预算数", "项目", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"],
            ["一、本年收入", fiscal, "一、本年支出", fiscal, fiscal, "", ""],
            ["一般公共预算拨款", fiscal, "社会保障和就业支出", side["208"], side["208"], "", ""],
            ["政府性基金预算拨款", "", "卫生健康支出", side["210"], side["210"], "", ""],
            ["国有资本经营预算拨款", "", "住房保障支出", side["221"], side["221"], "", ""],
            ["二、上年结转", "", "二、结转下年", "", "", "", ""],
            ["收入总数", fiscal, "支出总数", fiscal, fiscal, "", ""]]),
        ("一般公共预算财政拨款支出预算表", [
            ["功能分类科目", "", f"{year}年预算数", "", ""], ["科目编码", "科目名称", "小计", "基本支出", "项目支出"],
            *[[s["code"], s["name"], amount(s["total"]), amount(s["basic"]), amount(s["project"])]
              for s in record["function_subjects"]]]),
        ("一般公共预算财政拨款基本支出表", [
            ["经济分类科目", "", f"{year}年基本支出", "", ""], ["科目编码", "科目名称", "合计", "人员经费", "公用经费"],
            ["", "合计", amount(totals["basic_expense"]), amount(round(staff, 2)), amount(round(office, 2))],
            *[[e["code"], e["name"], amount(e["total"]), "" if e["code"].startswith("302") else amount(e["total"]),
               amount(e["total"]) if e["code"].startswith("302") else ""] for e in economic]]),
        ("一般公共预算“三公”经费支出表", [
            [f"{year}年预算数", "", "", "", "", ""], ["合计", "因公出国（境）费", "公务用车购置及运行费", "", "", "公务接待费"],
            ["", "", "小计", "公务用车购置费", "公务用车运行费", ""], [three, "", three, "", three, ""]]),
        ("部门收支总表", [
            ["收入", "", "支出", ""], ["项目", "预算数", "项目", "预算数"],
            ["一般公共预算拨款收入", total, "社会保障和就业支出", side["208"]],
            ["政府性基金预算拨款收入", "", "卫生健康支出", side["210"]],
            ["国有资本经营预算拨款收入", "", "住房保障支出", side["221"]],
            ["本年收入合计", total, "本年支出合计", total], ["上年结转", "", "结转下年", ""],
            ["收入总计", total, "支出总计", total]]),
        ("部门支出总表", [
            ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
            ["合计", "", amount(totals["expense_total"]), amount(totals["basic_expense"]),
             amount(totals["project_expense"])],
            *[[s["code"], s["name"], amount(s["total"]), amount(s["basic"]), amount(s["project"])]
              for s in record["function_subjects"]]]),
    ]
    if printed["yuan_basic"] is not None:
        in_yuan = [amount(round(totals["expense_total"] * 10000, 2)), amount(printed["yuan_basic"]),
                   amount(round(totals["project_expense"] * 10000, 2))]
        tables.append((f"{year}年部门（单位）整体支出绩效目标表", [
            ["预算部门", f"{doc.unit.code}-{doc.unit.name}", "", "", "", "", "", "", ""],
            ["总体资金情况（元）", "预算支出总额", "基本支出", "", "", "项目支出", "", "", ""],
            ["", "", "合计", "财政拨款", "专户资金", "合计", "财政拨款", "专户资金", ""],
            ["", in_yuan[0], in_yuan[1], in_yuan[1], "", in_yuan[2], in_yuan[2], "", ""]]))
    return tables


def _project_texts(doc: SynthDocument, index: int) -> dict[str, str]:
    project = doc.record["projects"][index]
    return {"overview": project["overview"], "basis": project["basis_text"], "goal": project["goal"]}


def _applicant(doc: SynthDocument, index: int) -> str:
    foreign = doc.printed["foreign_unit"]
    unit = foreign[1] if foreign and foreign[0] == index else doc.unit
    return f"{unit.code}-{unit.name}"


def _tab_project(doc: SynthDocument, index: int) -> list[list[str]]:
    project, texts = doc.record["projects"][index], _project_texts(doc, index)
    rows = [["申报单位", _applicant(doc, index), "", "", "项目编码", project["code"], ""],
            ["项目名称", project["name"], "", "", "", "", ""],
            ["项目类型", project["category"], "", "联系人", "张汐亚", "联系电话", "87260838"],
            ["当年预算（万元）", amount(project["amount"]), "", "上级资金", "", "", ""],
            ["", "", "", "本级资金", "", amount(project["amount"]), ""], ["", "", "", "其他资金", "", "", ""],
            ["项目概况", texts["overview"], "", "", "", "", ""], ["立项依据", texts["basis"], "", "", "", "", ""],
            ["当年实施进度计划", texts["goal"], "", "", "", "", ""], ["当年整体绩效目标", texts["goal"], "", "", "", "", ""],
            ["当年绩效指标", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重"]]
    previous = None
    for indicator in project["indicators"]:
        level1 = "" if indicator["level1"] == previous else indicator["level1"]
        previous = indicator["level1"]
        rows.append(["", level1, indicator["level2"], indicator["name"], indicator["op"], indicator["value"],
                     indicator["unit"], f"{indicator['weight']:g}"])
    return rows


def _cell_project(doc: SynthDocument, index: int) -> list[list[str]]:
    project, texts = doc.record["projects"][index], _project_texts(doc, index)
    rows = [["编制单位：", _applicant(doc, index), "单位：万元"],
            ["项目名称", f"{project['code']}-{project['name']}", "业务主管部门", f"{doc.unit.region}人力资源和社会保障局"],
            ["预算执行率权重", "10", "项目分类", project["category"]],
            ["当年预算（万元)", amount(project["amount"]), "本级安排（万元)", amount(project["amount"])],
            ["", "", "上级补助（万元)", ""], ["项目概述", texts["overview"]], ["立项依据", texts["basis"]],
            ["当年绩效目标", texts["goal"]],
            ["绩效指标", "一级指标", "二级指标", "三级指标", "指标权重", "计量单位", "指标性质", "指标值", "是否核心指标"]]
    for indicator in project["indicators"]:
        rows.append(["", indicator["level1"], indicator["level2"], indicator["name"], f"{indicator['weight']:g}",
                     indicator["unit"], indicator["op"], indicator["value"], "是" if indicator["core"] else "否"])
    return rows


def render_tabs(doc: SynthDocument) -> str:
    """The document in the tab-separated layout of corpus 001."""
    out = _narrative(doc)
    for title, rows in _tables(doc):
        heading = title if title.startswith(str(doc.year)) else f"{doc.unit.name}{title}"
        declared = [] if "（元）" in rows[1][0] else ["单位：万元", ""]  # the 元 table declares its unit in a cell
        out += ["", heading, "", *declared, *("\t".join(row) for row in rows)]
    for index in range(len(doc.record["projects"])):
        out += ["", f"{doc.year}年财政资金项目支出绩效目标表", "", "单位：万元", "",
                *("\t".join(row) for row in _tab_project(doc, index))]
    return "\n".join(out) + "\n"


def _cells(rows: list[list[str]]) -> list[str]:
    out: list[str] = []
    for row in rows:
        out += [f"\t{cell}" for cell in row] + [""]
    return out


def render_cells(doc: SynthDocument) -> str:
    """The document in the one-cell-per-line layout of corpus 000."""
    out = _narrative(doc) + [f"附件：{doc.unit.name}{doc.year}年单位预算公开报表", "。"]
    tables = _tables(doc)
    for number, (title, rows) in enumerate(tables):
        declared = [] if "（元）" in rows[1][0] else ["\t单位：万元", ""]
        out += [f"\t表{CHINESE_NUMBERS[number]}", *["\t"] * 4, "", f"\t{title}", "", "\t", "", *declared,
                *_cells(rows)]
    out += [f"\t表{CHINESE_NUMBERS[len(tables)]}", *["\t"] * 4, ""]
    for index in range(len(doc.record["projects"])):
        out += [f"\t{doc.year}年项目支出绩效目标表", "", *_cells(_cell_project(doc, index)), *["\t"] * 9, ""]
    return "\n".join(out) + "\n"


def render(doc: SynthDocument) -> str:
    """The document's text in its layout ("tabs" or "cells")."""
    return render_tabs(doc) if doc.layout == "tabs" else render_cells(doc)
