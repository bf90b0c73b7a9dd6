"""cypher/ templates: the registry (header against body) and every template run on the ingested corpus.

Expected figures are read off the corpus files (gold files for 000-002; 003/004 table lines noted inline).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from kb.core.errors import InvalidTemplate, MissingParameter, TemplateNotFound
from kb.query.templates import CYPHER_DIR, load_registry, parse_template, run_template

from corpus_units import CANGXI, GUANGYUAN, QIJIANG, RONGCHANG, WANSHENG


def _close(values, expected: float) -> bool:
    return any(value is not None and abs(float(value) - expected) < 0.005 for value in values)


def test_registry_has_every_template_with_three_examples():
    registry = load_registry()
    assert len(registry) >= 12
    assert sorted(path.stem for path in CYPHER_DIR.glob("*.cypher")) == [t.name for t in registry]
    for template in registry:
        assert len(template.examples) >= 3, template.name
        assert template.description
        assert set(template.to_dict()) >= {"name", "description", "params", "examples"}


def test_templates_use_portable_cypher_and_parameters_only():
    for template in load_registry():
        body = template.cypher
        assert "apoc." not in body.lower(), template.name
        assert not re.search(r"(?<!to)lower\(", body, re.IGNORECASE), template.name
        assert not re.search(r"\{\w+\}|%s|\.format\(", body), template.name  # no string formatting slots
        returned = body.rsplit("RETURN", 1)[-1]
        assert "AS file" in returned or "sources" in returned, f"{template.name} returns no source file"
        assert "line" in returned or "sources" in returned, f"{template.name} returns no source line"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.cypher"
    path.write_text(text, encoding="utf-8")
    return path


HEADER = "// name: {name}\n// description: 测试\n// params: {params}\n// examples: 问一 | 问二 | 问三\n"


def test_registry_rejects_a_parameter_used_but_not_declared(tmp_path):
    path = _write(tmp_path, "bad", HEADER.format(name="bad", params="doc_no (文号)")
                  + "MATCH (d:PolicyDocument {doc_no: $doc_no}) WHERE d.year = $year RETURN d.doc_no AS doc_no")
    with pytest.raises(InvalidTemplate, match=r"查询用到 \$year，但 params 没有声明"):
        parse_template(path)


def test_registry_rejects_a_parameter_declared_but_never_used(tmp_path):
    path = _write(tmp_path, "bad", HEADER.format(name="bad", params="doc_no (文号); unit = \"\" (单位)")
                  + "MATCH (d:PolicyDocument {doc_no: $doc_no}) RETURN d.doc_no AS doc_no")
    with pytest.raises(InvalidTemplate, match="params 声明了 unit"):
        load_registry(tmp_path)


def test_registry_rejects_missing_examples_and_wrong_name(tmp_path):
    few = _write(tmp_path, "few", "// name: few\n// description: x\n// params: (none)\n// examples: 一 | 二\n"
                 "MATCH (u:Unit) RETURN u.name AS unit")
    with pytest.raises(InvalidTemplate, match="至少需要 3 个示例问题"):
        parse_template(few)
    renamed = _write(tmp_path, "renamed", HEADER.format(name="other", params="(none)") + "MATCH (u:Unit) RETURN u.name")
    with pytest.raises(InvalidTemplate, match="与文件名不同"):
        parse_template(renamed)


def test_a_dollar_inside_a_string_literal_is_not_a_parameter(tmp_path):
    path = _write(tmp_path, "literal", HEADER.format(name="literal", params="(none)")
                  + "MATCH (u:Unit) WHERE u.name <> '$unit' RETURN u.name AS unit")
    assert parse_template(path).params == []


def test_bind_converts_text_and_fills_defaults():
    template = load_registry().get("unit_budget")
    assert template.bind({"unit": RONGCHANG, "year": "2026"}) == {"unit": RONGCHANG, "year": 2026}
    assert template.bind({"unit": RONGCHANG}) == {"unit": RONGCHANG, "year": 0}
    with pytest.raises(MissingParameter, match=r"缺少参数 unit（单位全称）$"):
        template.bind({"year": "2026"})
    with pytest.raises(MissingParameter, match="整数"):
        template.bind({"unit": RONGCHANG, "year": "二〇二六"})
    with pytest.raises(MissingParameter, match="没有参数"):
        template.bind({"unit": RONGCHANG, "colour": "red"})


def test_every_required_parameter_is_explained_in_chinese():
    """The missing-parameter message a user reads names what to give in Chinese, never the header's English."""
    for template in load_registry():
        for name in template.required_params:
            with pytest.raises(MissingParameter) as error:
                template.bind({})
            explanation = str(error.value).split("（", 1)[1]
            assert not re.search(r"\b(full|name|as stored|canonical|one of|e\.g\.)\b", explanation), explanation
            break


def test_unknown_template_is_a_clear_error(corpus_store):
    with pytest.raises(TemplateNotFound, match="projects_by_policy"):
        run_template(corpus_store, "no_such_template", {})


def _program_of(store, project: str) -> str:
    rows = store.read("MATCH (p:Project)-[:PART_OF]->(g:Program) WHERE p.name = $name RETURN g.name AS name",
                      {"name": project})
    return rows[0]["name"] if rows else "(no program holds 代发民办教师养老和医疗补助资金)"


# template -> (params, check over rows). Every figure below is printed in the corpus.
CASES = {
    "projects_by_policy": ({"doc_no": "渝委办发〔2019〕66号"},
                           lambda rows: _close([r["amount"] for r in rows], 207) and _close([r["amount"] for r in rows], 130)
                           and _close([r["amount"] for r in rows], 81.99) and len({r["unit"] for r in rows}) == 2),
    "policies_of_project": ({"project": "荣昌区民师生活医疗补助"},
                            lambda rows: {"渝社险发〔2013〕43号", "渝教文〔2013〕13号"}
                            <= {r["doc_no"] for r in rows if r["role"] == "basis"}),
    "policies_cited_by_several_units": ({}, lambda rows: {"渝国资发〔2011〕9号", "渝委办发〔2019〕66号", "渝府办发〔2017〕84号",
                                                         "渝教人〔2013〕13号"} <= {r["doc_no"] for r in rows}
                                        and all(r["unit_count"] > 1 for r in rows)),
    "most_cited_policies": ({}, lambda rows: {rows[0]["doc_no"], rows[1]["doc_no"]} == {"渝委办发〔2019〕66号", "渝府办发〔2017〕84号"}
                            and rows[0]["project_count"] == 3),
    "co_cited_policies": ({"doc_no": "渝府办发〔2017〕84号"},
                          lambda rows: any(r["doc_no"] == "渝委办发〔2019〕66号" and r["project_count"] == 3 for r in rows)),
    "policy_support": ({"issuer_code": "渝财社"},  # 渝财社〔2013〕312号: 綦江's 民办教师 168, 企办员机 33, 林业员 9
                       lambda rows: len(rows) == 1 and rows[0]["doc_no"] == "渝财社〔2013〕312号"
                       and sorted(s["amount"] for s in rows[0]["sources"]) == [9.0, 33.0, 168.0]),
    "policies_by_issuer": ({"issuer_code": "渝人社发"},
                           lambda rows: any(r["doc_no"] == "渝人社发〔2012〕219号" and abs(r["amount"] - 1000.3) < 0.005
                                            for r in rows)),
    "unit_budget": ({"unit": RONGCHANG, "year": "2026"},
                    lambda rows: abs(rows[0]["project_expense"] - 1174.97) < 0.005
                    and abs(rows[0]["income_total"] - 2235.58) < 0.005 and rows[0]["income_total_line"] > 0),
    "unit_projects": ({"unit": WANSHENG, "year": "2024"},
                      lambda rows: _close([r["amount"] for r in rows], 641.87) and _close([r["amount"] for r in rows], 143)),
    "subject_across_units": ({"subject": "2210201"},
                             lambda rows: all(_close([r["total"] for r in rows], v) for v in (68.91, 66.09, 47.43, 41.54, 80.19))),
    "budget_ranking": ({"field": "three_public"},
                       lambda rows: abs(rows[0]["value"] - 3.5) < 0.005 and _close([r["value"] for r in rows], 0.9)),
    "program_across_units": (None, lambda rows: _close([r["amount"] for r in rows], 168) and _close([r["amount"] for r in rows], 170)),
    "project_indicators": ({"project": "社会保险档案管理服务专项", "unit": RONGCHANG},
                           lambda rows: {"档案整理数量", "档案利用率", "服务对象满意度"} <= {r["indicator"] for r in rows}
                           and any(r["indicator"] == "服务对象满意度" and r["target"] == "90" for r in rows)),
    "projects_by_indicator": ({"indicator": "冒领"},
                              lambda rows: any(r["project"] == "国有企业退休人员社会化管理" and "冒领" in r["indicator"] for r in rows)),
    "projects_by_topic": ({"keyword": "退捕渔民"},
                          lambda rows: any(r["project"] == "荣昌区退捕渔民养老保险补贴" and abs(r["amount"] - 17) < 0.005
                                           for r in rows)),
    "project_detail": ({"project": "代发企业退休军转干解困补助资金"},
                       lambda rows: abs(rows[0]["amount"] - 1000.3) < 0.005 and rows[0]["unit"] == QIJIANG),
    "list_units": ({}, lambda rows: {r["unit"] for r in rows} == {RONGCHANG, QIJIANG, WANSHENG, CANGXI, GUANGYUAN}),
    "policies_of_unit": ({"unit": QIJIANG},
                         lambda rows: any(r["doc_no"] == "渝人社发〔2012〕219号" and abs(r["amount"] - 1000.3) < 0.005
                                          for r in rows) and {r["unit"] for r in rows} == {QIJIANG}),
    "projects_by_indicator_type": ({"level": "时效指标"},
                                   lambda rows: "荣昌区企业军转干部生活补助及医疗补助" in {r["project"] for r in rows}
                                   and all(r["level"] == "时效指标" for r in rows)),
    "unit_subjects": ({"unit": RONGCHANG, "year": "2026"},
                      lambda rows: any(r["code"] == "2080101" and abs(r["total"] - 757.49) < 0.005 for r in rows)),
}


@pytest.fixture(scope="module", params=["embedded", pytest.param("neo4j", marks=[
    pytest.mark.neo4j, pytest.mark.skipif(not os.environ.get("NEO4J_URI"), reason="NEO4J_URI is not set (no Neo4j server)")])])
def backend_store(request, tmp_path_factory):
    """The ingested corpus on each available engine: the session's embedded store, or a Neo4j scratch database."""
    if request.param == "embedded":
        yield request.getfixturevalue("corpus_store")
        return
    from kb.ingest import ingest_paths
    from neo4j_support import open_empty_neo4j_store

    with open_empty_neo4j_store(tmp_path_factory.mktemp("neo4j") / "kb-data") as opened:
        ingest_paths([Path(__file__).resolve().parents[1].parent / "shared" / "corpus"], opened)
        yield opened


def test_every_template_has_a_case():
    assert set(CASES) == {template.name for template in load_registry()}


@pytest.mark.parametrize("name", sorted(CASES))
def test_template_runs_on_the_corpus(backend_store, name):
    params, check = CASES[name]
    if params is None:  # the program holding 綦江's 代发民办教师养老和医疗补助资金, as linking named it
        params = {"program": _program_of(backend_store, "代发民办教师养老和医疗补助资金")}
    result = run_template(backend_store, name, params)
    assert result.rows, f"{name} returned no rows for {params}"
    assert check(result.rows), result.rows[:5]
    assert result.columns == list(result.rows[0])
    for row in result.rows:
        if "line" in row and row.get("file") and row["line"] is not None:
            assert row["line"] > 0
    assert result.to_dict()["template"] == name
    assert result.to_text().endswith(f"（共 {len(result.rows)} 行）")


def test_a_source_line_holds_the_figure(corpus_store):
    rows = run_template(corpus_store, "unit_budget", {"unit": QIJIANG}).rows
    line = rows[0]["income_total_line"]
    text = (Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / rows[0]["file"]).read_text(
        encoding="utf-8").splitlines()[line - 1]
    assert "3,094.17" in text
