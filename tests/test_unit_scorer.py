"""The learned choice of a disclosure's unit name (loaders/unit_scorer.py) and the readers it chooses among, on real
training texts of tests/data/real (dev r401-r439: approvals, procurement plans and target forms): issuers printed
above or inside a 关于 title, header rows that are no form fields, years from the own 文号 and from a title's
period, masks before a signature, and a fuller printed form of the chosen name."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from loaders import parse_file
from loaders.kind_model import load_model
from loaders.read import read_source
from loaders.stream import Stream
from loaders.unit import MENTION_ROWS, unit_candidates
from loaders.unit_mentions import mentions
from loaders.unit_scorer import name_features, name_pool, pick, shipped_scorer

REAL = Path(__file__).resolve().parent / "data" / "real"


def _unit(identifier: str):
    return parse_file(REAL / f"{identifier}.txt").unit


def test_the_issuer_on_the_line_above_a_notice_title_is_chosen():
    unit = _unit("r401")  # "河北省财政厅" / "关于下达2018年中央大气污染防治资金(…)预算的通知"
    assert (unit.name, unit.sources["name"], unit.year, unit.kind) == ("河北省财政厅", "issuer above the title", 2018,
                                                                        "通知")


def test_the_issuer_of_an_approval_title_and_a_mask_before_a_signature():
    unit = _unit("r426")  # "连南瑶族自治县经济发展促进局关于…可行性研究报告的批复" (no funding words)
    assert (unit.name, unit.sources["name"]) == ("连南瑶族自治县经济发展促进局", "issuer of a title")
    assert _unit("r427").name == "防城区发展和改革局"  # signed "(略) 防城区发展和改革局"


def test_years_from_the_own_doc_no_and_from_a_title_period():
    unit = _unit("r406")  # first line "杨政发改发〔2021〕46号", no budget year printed
    assert (unit.year, unit.sources["year"]) == (2021, "own 文号")
    unit = _unit("r419")  # "池州市科学技术馆2026年3月至4月政府采购意向"
    assert (unit.year, unit.sources["year"]) == (2026, "year in the title")


def test_a_header_row_is_no_form_field_and_a_target_form_is_a_budget():
    unit = _unit("r412")  # "| 单位名称 | 项目名称 | 预算数 |…" then "| 820001-井研县马踏镇人民政府 | 村组干部报酬 |…"
    assert unit.name == "井研县马踏镇人民政府"
    assert _unit("r428").kind == "预算"  # "临邑县师范附属小学项目支出目标申报表 (2025年度)"


def test_a_fuller_printed_form_with_a_place_prefix_is_taken():
    assert pick([(0.6, "坝塘镇", True), (0.4, "宁乡市坝塘镇人民政府", True)], 0.1) == ("宁乡市坝塘镇人民政府", 0.4)
    # an office after the name is another unit, and a form below the threshold is not taken
    assert pick([(0.7, "平阳县农业农村局", True), (0.5, "平阳县农业农村局办公室", True)], 0.1) == ("平阳县农业农村局", 0.7)
    assert pick([(0.6, "坝塘镇", True), (0.05, "宁乡市坝塘镇人民政府", True)], 0.1) == ("坝塘镇", 0.6)
    assert pick([(0.05, "湖南省体育局", False)], 0.1) == (None, 0.05)


def test_name_features_describe_source_place_position_and_counts():
    source = read_source(REAL / "r401.txt")
    stream = Stream.from_lines(source.lines, source.layout)
    texts = [" ".join(row.cells) for row in stream.rows[:MENTION_ROWS]]
    mentioned = mentions(texts)
    candidates = unit_candidates(stream.rows, stream.sections)["name"]
    pool = name_pool(candidates, texts, mentioned)
    assert "河北省财政厅" in pool and pool["河北省财政厅"][0].source == "issuer above the title"
    features = name_features("河北省财政厅", pool["河北省财政厅"], pool, texts, mentioned, "河北省财政厅")
    assert {"known_place", "reader_choice", "head=厅", "end1=厅", "first=<3", "printed=<5",  # printed 3 times
            "source=issuer above the title"} <= set(features)
    assert isinstance(mentioned, Counter)


def test_the_shipped_name_scorer_is_trained_on_the_training_splits_only():
    model = load_model()
    scorer = shipped_scorer(model)
    assert scorer is not None and 0.0 <= scorer.threshold < 0.5 and scorer.weights["reader_choice"] > 0
    assert model["training"]["splits"] == ["dev", "fresh", "unseen3"]
    assert not {"r003", "r301", "r501"} & set(model["training"]["documents"])
