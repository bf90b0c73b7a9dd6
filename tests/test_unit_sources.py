"""The unit, year and kind readers on real disclosures (tests/data/real, dev and unseen3 texts): signatures over
several lines, glued joint signers, notice titles glued to their addressees, bylines, form labels glued to
their value, the administrative-place gazetteer, and the kind model estimated from the training documents."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kb.core.places import known_place_at
from loaders import parse_file
from loaders.kind_model import head_text, kind_posterior, load_model
from loaders.read import read_source
from loaders.stream import Stream
from loaders.unit_mentions import mentions, signed_name
from tests.real_scoring import documents

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "tests" / "data" / "real"


def _unit(identifier: str):
    return parse_file(REAL / f"{identifier}.txt").unit


def test_a_joint_signature_over_lines_gives_the_lead_issuer():
    unit = _unit("r161")  # "浔阳乡村振兴局        浔阳区财政局" / "浔阳区农业农村水利局代章" / "2024124"
    assert (unit.name, unit.sources["name"]) == ("浔阳乡村振兴局", "signature")
    assert unit.kind == "通知"  # "关于…补助资金安排项目的批复": the money word before the allocation verb


def test_a_signature_wrapped_over_two_lines_is_joined():
    unit = _unit("r164")  # "中共莆田市城厢区委农村" / "工作领导小组办公室" / "2025年7月31日"
    assert unit.name == "中共莆田市城厢区委农村工作领导小组办公室"


def test_signers_glued_to_an_attachment_title_and_to_each_other():
    lines = (REAL / "r155.txt").read_text(encoding="utf-8").splitlines()
    assert signed_name(lines) == "宁波市鄞州区农业农村局"  # "…资金拨付表宁波市鄞州区农业农村局宁波市鄞州区财政局2024年…"
    assert signed_name(["福建省财政厅、福建省住建厅2020年4月7日"]) == "福建省财政厅"


def test_a_notice_title_glued_to_its_addressees_names_the_lead_issuer():
    unit = _unit("r173")  # "福建省财政厅福建省住房和城乡建设厅关于下达…的通知有关市、县(区)财政局…:"
    assert (unit.name, unit.kind, unit.year) == ("福建省财政厅", "通知", 2020)


def test_the_byline_under_a_notice_title_names_the_unit():
    unit = _unit("r159")  # "关于拨付…补助资金的公示" / "金华市农业农村局" / "2025-05-28"
    assert (unit.name, unit.sources["name"]) == ("金华市农业农村局", "byline under the title")


def test_a_form_label_glued_to_its_value_and_ocr_debris_before_a_place():
    assert _unit("r129").name == "原州区民族宗教事务局"  # "…实施单位原州区民族宗教事务局项目资金…"
    assert known_place_at("度评分银川市第六中学", 3) == 6 and known_place_at("度评分银川市第六中学") == 0
    assert "银川市第六中学" in mentions(["财政审1度评分银川市第六中学项"])
    assert _unit("r046").name == "银川市第六中学"


def test_the_kind_model_says_notice_for_notices_without_a_title():
    rows = Stream.from_lines(*(lambda s: (s.lines, s.layout))(read_source(REAL / "r168.txt"))).rows
    assert kind_posterior(head_text([row.cells for row in rows]))["通知"] >= 0.99  # "现下达你局…资金24万元"
    assert _unit("r168").kind == "通知"
    rows = Stream.from_lines(*(lambda s: (s.lines, s.layout))(read_source(REAL / "r032.txt"))).rows
    assert kind_posterior(head_text([row.cells for row in rows]))["通知"] < 0.5  # a 决算 narrative
    assert kind_posterior("落实《关于全面实施预算绩效管理的通知》(涪陵委〔2020〕34号)文件精神。") == {}  # too short


def test_the_stored_kind_model_is_the_fit_of_the_training_documents():
    model = load_model()
    assert model is not None and "holdout" not in model["training"]["splits"]
    set_aside = {record["id"] for split in ("holdout", "unseen4", "unseen5") for record in documents(split)}
    assert len(set_aside) >= 135 and not set_aside & set(model["training"]["documents"])
    assert not any(identifier in model["training"]["documents"] for identifier in ("r003", "r006", "r141"))
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "fit_unit_model.py"), "--check"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_source_confidences_are_updated_by_the_training_counts():
    from loaders.source_weights import PRIOR_WEIGHT, estimated_confidence, rule_key

    counts = load_model()["sources"]
    right, seen = counts[rule_key("kind", "notice wording", 0.7)]
    assert seen >= 20 and right / seen >= 0.9  # the notice wording was right on nearly every training text it fired on
    assert estimated_confidence("kind", "notice wording", 0.7) == (right + PRIOR_WEIGHT * 0.7) / (seen + PRIOR_WEIGHT)
    assert estimated_confidence("kind", "notice wording", 0.7) > 0.9
    assert estimated_confidence("name", "a source never seen", 0.42) == 0.42  # no counts: the reader's own
    assert rule_key("name", "most mentioned name (3 times)", 0.4) == "name|most mentioned name|0.40"
