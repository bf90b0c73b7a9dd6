"""``kb synth``: a synthetic corpus in the corpus's own text layouts, with its ground truth.

``generate_corpus(n, out, seed)`` writes ``synth_00000.txt`` … and ``truth.json`` beside them: each
document's record in the EXTRACTION_SCHEMA.md shape (what ``kb parse --json`` should print), the program
family of every project (for scoring linking), and the contradictions planted on purpose (for scoring
``kb check``). Units come from many districts of 重庆市 and 四川省 over 2019–2026; projects from program
families (军转干部补助, 民办教师补助, 档案管理, 信息化建设 …) whose 文号 come from one shared pool, so
citations overlap across units.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from kb.core.errors import KBError
from kb.core.messages import os_error_reason
from kb.synth.build import build_document
from kb.synth.build import ALL_FAMILIES
from kb.synth.content import FAMILIES, PLANT_KINDS, YEARS, all_units
from kb.synth.render import render

TRUTH_FILE = "truth.json"


class SynthOutputUnwritable(KBError):
    """The output folder of ``kb synth`` cannot be created or written."""


def generate_corpus(n: int, out: Path, seed: int = 0, plant_rate: float = 0.25) -> Path:
    """Write ``n`` synthetic disclosures and their ground truth into ``out``.

    Args:
        n: number of documents (1 or more); every (unit, year) pair is used at most once while they last.
        out: output folder (created if missing); existing synth_*.txt files in it are overwritten.
        seed: random seed; the same seed gives byte-identical files.
        plant_rate: share of documents given one planted self-contradiction (0..1).

    Returns:
        Path of ``truth.json``: ``{"seed", "documents": [{"file", "layout", "record", "programs", "planted"}],
        "programs": {family key: {"label", "kind", "group", "in_vocabulary", "members": [{"file", "project",
        "code"}]}}, "bundles": [{"file", "project", "code", "families"}]}``; amounts in 万元. A document's
        "programs" lists each project's family key, ``bundle:a+b`` for a bundle paying families a and b.

    Raises:
        SynthOutputUnwritable: ``out`` exists as a file or cannot be written.

    Example:
        >>> generate_corpus(3, Path("/tmp/synth"), seed=1).name  # doctest: +SKIP
        'truth.json'
    """
    rng = random.Random(seed)
    units = all_units(rng)
    pairs = [(unit, year) for year in YEARS for unit in units]
    rng.shuffle(pairs)
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SynthOutputUnwritable(f"无法创建输出文件夹 {out}：{os_error_reason(error)}") from error
    documents, bundles = [], []
    programs = {f.key: {"label": f.label, "kind": f.kind, "group": f.group, "in_vocabulary": f in FAMILIES,
                        "members": []} for f in ALL_FAMILIES}
    for index in range(n):
        unit, year = pairs[index % len(pairs)]
        plant = PLANT_KINDS[rng.randrange(len(PLANT_KINDS))] if rng.random() < plant_rate else None
        other = units[(units.index(unit) + 1 + rng.randrange(len(units) - 1)) % len(units)]
        document = build_document(rng, index, unit, year, "tabs" if index % 2 == 0 else "cells", plant, other)
        try:
            (out / document.file).write_text(render(document), encoding="utf-8")
        except OSError as error:
            raise SynthOutputUnwritable(f"无法写出 {out / document.file}：{os_error_reason(error)}") from error
        for key, project in zip(document.families, document.record["projects"]):
            entry = {"file": document.file, "project": project["name"], "code": project["code"]}
            if key.startswith("bundle:"):
                bundles.append({**entry, "families": key.removeprefix("bundle:").split("+")})
            else:
                programs[key]["members"].append(entry)
        documents.append({"file": document.file, "layout": document.layout, "record": document.record,
                          "programs": document.families, "planted": [document.plant] if document.plant else []})
    truth = out / TRUTH_FILE
    truth.write_text(json.dumps({"seed": seed, "documents": documents, "programs": programs, "bundles": bundles},
                                ensure_ascii=False,
                                indent=1), encoding="utf-8")
    return truth


__all__ = ["generate_corpus", "SynthOutputUnwritable", "TRUTH_FILE"]
