"""Typed records shared by loaders, linking, the graph and the stores.

The extraction records mirror ``../shared/docs/EXTRACTION_SCHEMA.md`` field for field (what
``kb parse --json`` prints); every amount is in 万元 as printed, a blank cell is ``None`` (never 0).
On top of the schema each record carries its provenance: ``line`` is the 1-based line of the source
text (for PDF/DOCX/XLSX input, the line of the intermediate text the reader produced, with
``source_table``/page noted where known). Provenance fields are extra keys in the JSON; consumers of
the schema may ignore them.

Stable ids: the same document always yields the same ids (``stable_id``), so re-ingesting a file
is an upsert and a graph built twice is identical.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr


def stable_id(kind: str, *parts: object) -> str:
    """Return a short deterministic id for a node of ``kind`` made of ``parts``.

    Args:
        kind: the node kind, e.g. "project", "unit"; it prefixes the id so ids never collide across kinds.
        parts: the values that identify the node (None is written as an empty string).

    Returns:
        ``"<kind>:<16 hex chars>"`` of the sha1 of the parts joined by U+241F.

    Example:
        >>> stable_id("unit", "重庆市荣昌区社会保险事务中心")[:5]
        'unit:'
    """
    text = "\u241f".join("" if part is None else str(part) for part in parts)
    return f"{kind}:{hashlib.sha1(text.encode('utf-8')).hexdigest()[:16]}"


class Record(BaseModel):
    """Base of every record: unknown keys are rejected, values are validated on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class UnitInfo(Record):
    """The budget unit a disclosure is about (预算单位), read from titles, headers and the narrative."""

    name: str | None = None  # full official name as printed, e.g. 重庆市荣昌区社会保险事务中心
    code: str | None = None  # 单位/部门 code, e.g. "121003" from "121003-重庆市…"
    region: str | None = None  # e.g. 重庆市荣昌区, 四川省广元市苍溪县 as far as the document shows
    province: str | None = None  # 重庆市 or 四川省
    year: int | None = None  # budget year
    kind: Literal["预算", "决算", "通知"] | None = None  # 通知: a funding notice (预算下达/资金分配文件)
    line: int | None = None  # line where the name was read
    confidence: dict[str, float] = Field(default_factory=dict)  # name/year/kind/code -> 0..1 (loaders.unit)
    lines: dict[str, int] = Field(default_factory=dict)  # name/year/kind/code -> 1-based source line
    sources: dict[str, str] = Field(default_factory=dict)  # name/year/kind/code -> title, labelled field, body …


class Totals(Record):
    """Headline figures of one budget, all in 万元; None where the document prints none.

    Sources (EXTRACTION_SCHEMA.md): 收支总表 for income/expense/general_public_budget/carryover,
    支出总表 合计 row for basic/project, the 三公经费表 for three_public.
    """

    income_total: float | None = None
    expense_total: float | None = None
    general_public_budget: float | None = None
    basic_expense: float | None = None
    project_expense: float | None = None
    carryover: float | None = None
    three_public: float | None = None
    lines: dict[str, int] = Field(default_factory=dict)  # field name -> source line


class FunctionSubjectLine(Record):
    """One coded line of the functional classification (功能分类科目), amounts in 万元."""

    code: str  # 3 (类), 5 (款) or 7 (项) digits, split codes joined ("208 01 01" -> "2080101")
    name: str
    total: float | None = None
    basic: float | None = None
    project: float | None = None
    line: int | None = None


class EconomicSubjectLine(Record):
    """One coded line of the economic classification of basic expense (经济分类科目), 万元."""

    code: str  # 301, 30101, 3010301 ... (departmental) or 501 ... (government scheme)
    name: str
    total: float | None = None
    scheme: Literal["economic", "gov_economic"] = "economic"
    line: int | None = None


class Indicator(Record):
    """One performance indicator row (绩效指标): 一级 > 二级 > 三级 name with its target."""

    level1: str | None = None
    level2: str | None = None
    name: str
    op: str | None = None  # ≥ ≤ = > < 定性, as printed (＝ normalised to =)
    value: str | None = None  # as printed: "99", "优", "按时完成…"
    unit: str | None = None  # 计量单位 as printed, e.g. "%", "万人"
    weight: float | None = None
    core: bool | None = None  # 是否核心指标: 是 -> True, 否 -> False, no column -> None
    direction: str | None = None  # 正向指标 / 反向指标 where printed
    line: int | None = None


class Project(Record):
    """One project line (项目) with its 文号 references and indicators. ``amount`` in 万元."""

    code: str | None = None
    name: str
    amount: float | None = None
    category: str | None = None
    basis_refs: list[str] = Field(default_factory=list)  # canonical 文号 in 立项依据
    all_refs: list[str] = Field(default_factory=list)  # canonical 文号 anywhere in the block
    subject_code: str | None = None
    notes: list[str] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    overview: str | None = None  # 项目概述/项目概况 text
    basis_text: str | None = None  # 立项依据 text
    goal: str | None = None  # 当年绩效目标 text
    source_table: str | None = None  # e.g. "项目支出绩效目标表", "项目支出预算表"
    line: int | None = None
    ref_lines: dict[str, int] = Field(default_factory=dict)  # doc_no -> first line citing it


class PolicyReference(Record):
    """One distinct 文号 cited in a document, with the 《titles》 printed with it."""

    doc_no: str  # canonical: issuer code + 〔year〕 + number + 号
    titles: list[str] = Field(default_factory=list)
    raw_forms: list[str] = Field(default_factory=list)
    lines: list[int] = Field(default_factory=list)


class Extraction(Record):
    """Everything one disclosure says, in the shape of EXTRACTION_SCHEMA.md (plus provenance)."""

    file: str
    unit: UnitInfo = Field(default_factory=UnitInfo)
    totals: Totals = Field(default_factory=Totals)
    function_subjects: list[FunctionSubjectLine] = Field(default_factory=list)
    economic_subjects: list[EconomicSubjectLine] = Field(default_factory=list)
    projects: list[Project] = Field(default_factory=list)
    unit_indicators: list[Indicator] = Field(default_factory=list)
    policy_docs: list[PolicyReference] = Field(default_factory=list)
    discrepancies: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    doc_id: str | None = None  # sha256 of the file's bytes
    path: str | None = None  # path as given when parsed
    layout: str | None = None  # which table layout the reader recognised
    lines: list[str] = Field(default_factory=list, exclude=True)  # normalised text lines (not printed)
    # The parse's one pass over ``lines`` (``loaders.stream.Stream``: rows typed once, table sections), kept so
    # the consistency checks read it instead of rebuilding rows; never serialised.
    _stream: object | None = PrivateAttr(default=None)

    @property
    def stream(self):
        """The ``loaders.stream.Stream`` this document was parsed through, or None for an Extraction built
        otherwise (read back from JSON or a store). An extraction sent from a worker process (``kb.isolation``)
        keeps the stream's printed rows only (``table_rows``)."""
        return self._stream

    @property
    def table_rows(self) -> list | None:
        """The rows as printed (``loaders.rows.rebuild_rows(self.lines)``) of the parse's stream, or None."""
        return None if self._stream is None else self._stream.printed

    def keep_stream(self, stream: object) -> None:
        """Keep the parse's stream of ``self.lines`` (see ``stream``)."""
        self._stream = stream

    def schema_dict(self) -> dict:
        """Return the JSON-ready dict printed by ``kb parse --json`` (``lines`` left out)."""
        return self.model_dump(mode="json")

    def unit_id(self) -> str:
        """Stable id of this document's unit: the same unit name gives the same id across years."""
        return stable_id("unit", self.unit.name or self.file)

    def project_ids(self) -> list[str]:
        """Stable ids of ``self.projects``, in order: unit, year, code, name and ordinal."""
        return [
            stable_id("project", self.unit.name or self.file, self.unit.year, p.code, p.name, index)
            for index, p in enumerate(self.projects)
        ]


# ---- linking results (linking/ -> kb.graph) -------------------------------------------------

LinkStatus = Literal["possible", "accepted", "rejected", "merged"]


class Issuer(Record):
    """An issuing body (发文机关) known by its issuer code (发文机关代字)."""

    issuer_code: str  # e.g. 渝人社发
    name: str | None = None  # e.g. 重庆市人力资源和社会保障局
    level: str | None = None  # e.g. 市级, 区县级, 省级


class PolicyDocumentNode(Record):
    """A policy document (文件) after linking: one node per canonical 文号 or normalised title."""

    doc_no: str  # canonical 文号, or "《title》" for a title-only reference
    issuer_code: str | None = None
    year: int | None = None
    number: int | None = None
    titles: list[str] = Field(default_factory=list)


class PolicyLink(Record):
    """A possible identity between two policy documents, awaiting review (POSSIBLY_SAME_AS)."""

    id: str
    a: str  # doc_no
    b: str  # doc_no
    score: float  # 0..1
    method: str
    status: LinkStatus = "possible"


class ProgramMember(Record):
    """A project's membership of a program (PART_OF), with the evidence's score and method."""

    project_id: str
    unit: str
    project: str
    score: float  # 0..1
    method: str
    status: LinkStatus = "accepted"
    # member: counted with its amount; possible: awaiting review; bundle: pays several programs' groups at once,
    # listed in each with no amount (合并项目)
    kind: str = "member"
    # the match weight (log2 m/u) of each comparison of its best pair, "prior", "total", "probability", "partner"
    weights: dict[str, float | str] = Field(default_factory=dict)
    share: float | None = None  # 万元 of the project attributed to this program when a person split a bundle


class Program(Record):
    """A cluster of like projects across units (e.g. 企业军转干部生活补助)."""

    program_id: str
    name: str
    members: list[ProgramMember] = Field(default_factory=list)
    # the vocabulary words naming its beneficiary group or topic (match keys: 民办教师, 民师); [] for name clusters
    keywords: list[str] = Field(default_factory=list)


class PolicyCitation(Record):
    """A project citing a policy document by 《title》 only (the CITES a project's 文号 lists cannot give)."""

    project_id: str  # Extraction.project_ids() entry
    doc_no: str  # the node it resolves to: a 文号 whose printed title matches, else "《title》"
    role: str = "mention"  # basis | mention
    line: int | None = None


class LinkResult(Record):
    """What linking adds on top of the extractions: policy nodes, issuers, links and programs."""

    policy_documents: list[PolicyDocumentNode] = Field(default_factory=list)
    issuers: list[Issuer] = Field(default_factory=list)
    policy_links: list[PolicyLink] = Field(default_factory=list)
    programs: list[Program] = Field(default_factory=list)
    # the fitted program model (linking.fellegi_sunter.FellegiSunter.to_dict()): prior, m, u, weight per level
    program_model: dict = Field(default_factory=dict)
    citations: list[PolicyCitation] = Field(default_factory=list)  # title-only citations (CITES edges)
