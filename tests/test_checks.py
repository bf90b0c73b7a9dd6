"""kb check: the self-contradictions the gold files record are found on real parses of the corpus,
stored beside their documents, and printed by ``kb check``; a clean synthetic document has none."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kb.checks import check_extraction, check_store, rounding_tolerance
from kb.checks.findings import figure_gap
from loaders import parse_file

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
GOLD = SHARED / "gold"


def _corpus(prefix: str) -> Path:
    return next(CORPUS.glob(f"{prefix}_*.txt"))


def _gold_discrepancies(prefix: str) -> str:
    return "\n".join(json.loads(next(GOLD.glob(f"{prefix}_*.json")).read_text(encoding="utf-8"))["discrepancies"])


@pytest.fixture(scope="module")
def parsed():
    """Real parses (loaders.parse_file) of the five corpus documents, by prefix, with their findings."""
    result = {}
    for prefix in ("000", "001", "002", "003", "004"):
        extraction = parse_file(_corpus(prefix))
        result[prefix] = (extraction, check_extraction(extraction))
    return result


def _one(findings, kind, figure_a, figure_b, containing=""):
    matches = [f for f in findings if f.kind == kind and f.figure_a == figure_a and f.figure_b == figure_b
               and containing in f.message]
    assert len(matches) == 1, f"no single {kind} finding {figure_a} vs {figure_b} in {[f.message for f in findings]}"
    return matches[0]


# (document, kind, printed figure, figure it should equal, difference, severity, printed forms in the gold
# file, words of the finding's message)
GOLD_CASES = [
    ("000", "summary_tables", 2123.04, 2235.58, -112.54, "error", ("2,123.04", "2,235.58"), "收入合计"),
    ("000", "project_total", 1174.97, 1174.96, 0.01, "warning", ("1,174.97", "1,174.96"), ""),
    ("000", "split_sum", 1857.87, 1857.86, 0.01, "warning", ("1,857.87", "1,857.86"), ""),
    ("000", "split_sum", 2023.59, 2023.58, 0.01, "warning", ("2,023.59", "2,023.58"), "表二"),
    ("000", "line_sum", 848.85, 848.86, -0.01, "warning", ("848.85", "848.86"), ""),
    ("000", "line_sum", 174.24, 174.25, -0.01, "warning", ("174.24", "174.25"), ""),
    ("000", "line_sum", 37.52, 37.51, 0.01, "warning", ("37.52", "37.51"), ""),
    ("001", "yuan_amounts", 986.47, 984.28, 2.19, "error", ("986.47", "984.28"), ""),
    ("002", "split_sum", 1396.07, 1396.08, -0.01, "warning", ("1,396.07", "1,396.08"), ""),
    ("002", "split_sum", 1482.34, 1482.35, -0.01, "warning", ("1,482.34", "1,482.35"), "支出合计"),
    ("002", "line_sum", 574.42, 574.43, -0.01, "warning", ("574.42", "574.43"), ""),
    ("002", "line_sum", 113.97, 113.98, -0.01, "warning", ("113.97", "113.98"), ""),
]


@pytest.mark.parametrize("prefix,kind,figure_a,figure_b,difference,severity,printed,words", GOLD_CASES)
def test_gold_discrepancy_is_found(parsed, prefix, kind, figure_a, figure_b, difference, severity, printed, words):
    for figure in printed:  # the case is one the annotators recorded, not one invented here
        assert figure in _gold_discrepancies(prefix)
    extraction, findings = parsed[prefix]
    finding = _one(findings, kind, figure_a, figure_b, words)
    assert finding.difference == pytest.approx(difference)
    assert finding.severity == severity
    assert finding.file == extraction.file and finding.finding_id.startswith("finding:")
    assert finding.line is not None
    row = "".join(extraction.lines[finding.line - 1:finding.line + 8])  # 000 prints one cell per line
    if kind != "yuan_amounts":  # the line a finding names starts the row of the printed figure
        assert printed[0] in row or printed[0].replace(",", "") in row


def test_table_one_totals_point_at_table_one_and_table_six(parsed):
    extraction, findings = parsed["000"]
    income = _one(findings, "summary_tables", 2123.04, 2235.58, "收入合计")
    expense = _one(findings, "summary_tables", 2123.04, 2235.58, "支出合计")
    assert expense.line == income.line  # 表一 prints both on its 收入合计/支出合计 row
    assert income.message.startswith("表一 财政拨款收支总表 收入合计")
    assert "收入合计" in extraction.lines[income.line - 1]
    assert extraction.totals.lines["income_total"] in income.other_lines  # 表六's 合计 row
    assert "表六" not in income.message.split(" 与 ")[0]


def test_project_total_names_the_ten_project_lines(parsed):
    extraction, findings = parsed["000"]
    finding = _one(findings, "project_total", 1174.97, 1174.96)
    assert "10 个项目金额之和" in finding.message
    assert finding.other_lines == [p.line for p in extraction.projects]


def test_yuan_table_is_reported_as_such(parsed):
    extraction, findings = parsed["001"]
    info = [f for f in findings if f.kind == "yuan_amounts" and f.severity == "info"]
    assert len(info) == 1 and "元" in info[0].message
    assert "整体支出绩效目标表" in extraction.lines[info[0].line - 1]


def test_tables_naming_another_unit(parsed):
    _, findings = parsed["003"]
    foreign = sorted(f.message for f in findings if f.kind == "foreign_unit")
    assert len(foreign) == 2
    assert "苏州市社会保险事务中心" in foreign[1] and "奇台县社会保险事务中心" in foreign[0]
    assert not [f for f in parsed["000"][1] if f.kind == "foreign_unit"]


def test_no_error_beyond_rounding_in_consistent_documents(parsed):
    for prefix in ("002", "004"):
        _, findings = parsed[prefix]
        assert all(f.severity == "warning" for f in findings if f.kind in ("line_sum", "split_sum") and
                   abs(f.difference) <= 0.01), prefix
    assert not [f for f in parsed["002"][1] if f.severity == "error"]


def test_table_rows_beside_the_recorded_subjects_are_checked(parsed):
    # 001's 基本支出表 合计 row: 人员经费 806.89 + 公用经费 177.40 = 984.29, printed 984.28
    extraction, findings = parsed["001"]
    finding = _one(findings, "split_sum", 984.28, 984.29, "人员经费+公用经费")
    assert "984.28" in extraction.lines[finding.line - 1] and "806.89" in extraction.lines[finding.line - 1]
    # 004's 附表 with shifted columns (a part equal to its total beside another part) gives no finding
    assert not [f for f in parsed["004"][1] if f.kind == "split_sum" and abs(f.difference) > 1]


def test_rounding_tolerance_grows_with_the_number_of_lines():
    assert rounding_tolerance(2) < rounding_tolerance(10) < rounding_tolerance(100)
    assert figure_gap("line_sum", "a", 100.05, 1, "b", 100.0, [], 10).severity == "warning"
    assert figure_gap("line_sum", "a", 100.05, 1, "b", 100.0, [], 2).severity == "error"
    assert figure_gap("line_sum", "a", 100.004, 1, "b", 100.0, [], 2) is None


def test_clean_synthetic_document_has_no_findings(tmp_path):
    from kb.synth import generate_corpus

    truth = json.loads(generate_corpus(6, tmp_path, seed=11, plant_rate=0.0).read_text(encoding="utf-8"))
    for document in truth["documents"]:
        findings = check_extraction(parse_file(tmp_path / document["file"]))
        assert findings == [], (document["file"], [f.message for f in findings])


def test_findings_are_stored_and_read_back(corpus_store, parsed):
    report = check_store(corpus_store)
    by_file = {d["file"]: d["findings"] for d in report.documents}
    assert set(by_file) == {_corpus(p).name for p in parsed}
    for prefix, (extraction, findings) in parsed.items():
        assert {f.finding_id for f in by_file[extraction.file]} == {f.finding_id for f in findings}, prefix
    first = by_file[_corpus("000").name][0]
    assert first.severity == "error" and first.kind == "summary_tables"  # errors first
    as_dict = report.to_dict()
    assert as_dict["counts"]["error"] == sum(1 for f in report.findings if f.severity == "error")
    assert "000_7c3d463bfeea7d61.txt:168" in report.to_text()


def test_kb_check_cli_json(tmp_path):
    db = tmp_path / "kb-data"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    ingest = subprocess.run([sys.executable, "-m", "kb.cli", "ingest", str(_corpus("000")), str(_corpus("001")),
                             "--db", str(db)], capture_output=True, text=True, cwd=REPO, env=env)
    assert ingest.returncode == 0, ingest.stderr
    check = subprocess.run([sys.executable, "-m", "kb.cli", "check", "--json", "--db", str(db)],
                           capture_output=True, text=True, cwd=REPO, env=env)
    assert check.returncode == 0, check.stderr
    report = json.loads(check.stdout)
    findings = {d["file"]: d["findings"] for d in report["documents"]}
    kinds = {(f["kind"], f["figure_a"], f["figure_b"]) for f in findings[_corpus("000").name]}
    assert ("summary_tables", 2123.04, 2235.58) in kinds and ("project_total", 1174.97, 1174.96) in kinds
    assert any(f["kind"] == "yuan_amounts" and f["difference"] == 2.19 for f in findings[_corpus("001").name])


def _edited_copy(tmp_path: Path, prefix: str, old: str, new: str, count: int = 1) -> Path:
    text = _corpus(prefix).read_text(encoding="utf-8")
    assert text.count(old) >= count
    target = tmp_path / _corpus(prefix).name
    target.write_text(text.replace(old, new, count), encoding="utf-8")
    return target


def test_the_same_unit_under_two_codes(tmp_path):
    # 001 prints 212002-重庆市綦江区社会保险事务中心 in every project block; give one block another code
    edited = _edited_copy(tmp_path, "001", "申报单位\t212002-重庆市綦江区社会保险事务中心",
                          "申报单位\t212099-重庆市綦江区社会保险事务中心")
    findings = check_extraction(parse_file(edited))
    aliases = [f for f in findings if f.kind == "unit_aliases"]
    assert len(aliases) == 1 and "212002" in aliases[0].message and "212099" in aliases[0].message
    assert not [f for f in check_extraction(parse_file(_corpus("001"))) if f.kind == "unit_aliases"]


def test_a_narrative_total_that_disagrees_with_the_tables(tmp_path):
    # 000's narrative says 收入合计2235.58万元 as its 表六 does; print another figure there
    edited = _edited_copy(tmp_path, "000", "2026年收入合计2235.58万元", "2026年收入合计2253.58万元")
    extraction = parse_file(edited)
    finding = _one(check_extraction(extraction), "narrative_figure", 2253.58, 2235.58)
    assert finding.severity == "error" and "收入合计2253.58" in extraction.lines[finding.line - 1]


def test_a_claimed_project_count_that_disagrees(tmp_path):
    edited = _edited_copy(tmp_path, "000", "2026年项目支出均实行了绩效目标管理",
                          "2026年共安排12个项目，项目支出均实行了绩效目标管理")
    finding = _one(check_extraction(parse_file(edited)), "project_count", 12.0, 10.0)
    assert "共 12 个项目" in finding.message and finding.difference == 2.0


def test_a_rule_that_fails_becomes_a_finding_not_an_exception(monkeypatch):
    from kb.checks import rules

    def broken(extraction):
        raise ValueError("no such column")

    extraction = parse_file(_corpus("002"))
    without = check_extraction(extraction)
    monkeypatch.setattr(rules, "RULES", (broken, *rules.RULES))
    findings = rules.check_extraction(extraction)
    failed = [f for f in findings if f.kind == "check_failed"]
    assert len(failed) == 1 and "broken" in failed[0].message and "no such column" in failed[0].message
    assert [f.finding_id for f in findings if f.kind != "check_failed"] == [f.finding_id for f in without]
    assert len(without) == 6  # the real rules still ran


def test_findings_of_earlier_documents_survive_a_later_ingest(store):
    # the graph is rebuilt from the archived records on every ingest: 000's text-based findings must
    # still be there after 001 alone is ingested
    from kb.ingest import ingest_paths

    ingest_paths([_corpus("000")], store)
    ingest_paths([_corpus("001")], store)
    by_file = {d["file"]: d["findings"] for d in check_store(store).documents}
    assert any(f.kind == "summary_tables" and f.figure_a == 2123.04 for f in by_file[_corpus("000").name])
    assert any(f.kind == "yuan_amounts" for f in by_file[_corpus("001").name])
