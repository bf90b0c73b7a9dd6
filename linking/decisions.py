"""Review decisions on possible links (``kb links accept|reject ID``), kept across re-ingests.

Decisions live in ``<database folder>/link_decisions.json`` (the store's ``folder``, for both engines):

    {"version": 1, "decisions": {"policy_link:…": {"status": "rejected", "a": "…", "b": "…",
                                                   "decided_at": "2026-11-22T02:30:00+00:00"}}}

``kb ingest`` passes ``load_decisions(folder)`` to ``linking.link`` so every rebuilt graph carries them;
``record_decision`` also updates the stored relationship at once, so ``kb links`` shows it without a
re-ingest. Ids are stable (``kb.core.records.stable_id``): a POSSIBLY_SAME_AS link is ``policy_link:…`` and a
PART_OF membership is ``program_member:…`` (``linking.programs.member_link_id``).
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from kb.core.errors import InvalidDecision, LinkNotFound
from linking.programs import SPLIT, member_link_id

DECISIONS_FILE = "link_decisions.json"
STATUSES = ("accepted", "rejected")
STATUS_NAMES = {"accepted": "已接受", "rejected": "已拒绝", "possible": "待审核"}
"""How a decision reads to a user (the app's review page and `kb links accept/reject` say the same)."""

FIND_POLICY_LINK = """
MATCH (a:PolicyDocument)-[r:POSSIBLY_SAME_AS]->(b:PolicyDocument)
WHERE r.link_id = $link_id
RETURN a.doc_no AS a, b.doc_no AS b
"""
SET_POLICY_LINK_STATUS = """
MATCH (:PolicyDocument)-[r:POSSIBLY_SAME_AS]->(:PolicyDocument)
WHERE r.link_id = $link_id
SET r.status = $status
"""
LIST_MEMBERSHIPS = """
MATCH (p:Project)-[:PART_OF]->(g:Program)
RETURN p.project_id AS project_id, p.name AS project, g.program_id AS program_id, g.name AS program
"""
SET_MEMBERSHIP_STATUS = """
MATCH (p:Project)-[r:PART_OF]->(g:Program)
WHERE p.project_id = $project_id AND g.program_id = $program_id
SET r.status = $status
"""
SET_MEMBERSHIP_SHARE = """
MATCH (p:Project)-[r:PART_OF]->(g:Program)
WHERE p.project_id = $project_id AND g.program_id = $program_id
SET r.status = 'accepted', r.kind = 'member', r.share = $share
"""
PROJECT_AMOUNT = """
MATCH (p:Project) WHERE p.project_id = $project_id RETURN p.amount AS amount
"""


def _path(db_folder: Path) -> Path:
    return Path(db_folder) / DECISIONS_FILE


def _read_file(db_folder: Path) -> dict[str, dict]:
    path = _path(db_folder)
    if not path.exists():
        return {}
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
        decisions = content["decisions"]
        if not isinstance(decisions, dict) or not all(
                isinstance(entry, dict) and entry.get("status") in STATUSES
                and isinstance(entry.get("share", 0.0), (int, float)) for entry in decisions.values()):
            raise ValueError("unexpected entries")
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise InvalidDecision(f"{path}：审核决定文件已损坏，请修复或删除它") from error
    return decisions


def load_decisions(db_folder: Path) -> dict[str, str]:
    """The review decisions kept in a database folder.

    Args:
        db_folder: the ``--db`` folder (``store.folder``).

    Returns:
        link id -> "accepted" | "rejected", or "split:<万元>" for a bundle membership a person split
        (``record_split``); empty when no decision was ever recorded.

    Raises:
        InvalidDecision: the decisions file exists but is not the JSON this module writes.

    Example:
        >>> load_decisions(Path("kb-data"))  # doctest: +SKIP
        {'policy_link:f83da41bc77cf8ad': 'rejected'}
    """
    return {link_id: f"{SPLIT}{entry['share']:g}" if "share" in entry else entry["status"]
            for link_id, entry in _read_file(db_folder).items()}


def _write_file(db_folder: Path, decisions: dict[str, dict]) -> None:
    """Write the decisions atomically (a reader sees the old file or the new one)."""
    folder = Path(db_folder)
    folder.mkdir(parents=True, exist_ok=True)
    content = json.dumps({"version": 1, "decisions": dict(sorted(decisions.items()))}, ensure_ascii=False, indent=1)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".link_decisions.", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(content)
    os.replace(temporary, _path(folder))


def _find(store, link_id: str) -> tuple[str, str, dict]:
    """(first, second, parameters of the status update) of a stored link; LinkNotFound if none."""
    rows = store.read(FIND_POLICY_LINK, {"link_id": link_id}, name="find policy link")
    if rows:
        return rows[0]["a"], rows[0]["b"], {"link_id": link_id}
    if link_id.startswith("program_member:"):
        for row in store.read(LIST_MEMBERSHIPS, {}, name="list program memberships"):
            if member_link_id(row["program_id"], row["project_id"]) == link_id:
                return row["project"], row["program"], {"project_id": row["project_id"],
                                                        "program_id": row["program_id"]}
    raise LinkNotFound(f"库中没有关联“{link_id}”（kb links 列出全部关联编号）")


def record_decision(store, link_id: str, status: str) -> str:
    """Accept or reject a possible link, now in the store and for every later re-ingest.

    Args:
        store: an open store (``kb.store.open_store``); its ``folder`` keeps the decisions file.
        link_id: a POSSIBLY_SAME_AS ``link_id`` (``policy_link:…``) or a membership id (``program_member:…``),
            as ``kb links`` prints them.
        status: "accepted" or "rejected".

    Returns:
        One line for the user, e.g. "已拒绝 policy_link:f83da41bc77cf8ad：渝教人〔2013〕13号 ~ 渝教文〔2013〕13号".

    Raises:
        InvalidDecision: ``status`` is not accepted/rejected, or the decisions file is damaged.
        LinkNotFound: no stored link has this id.
        StoreQueryFailed: the store failed the update (the decisions file is then left unchanged).
    """
    if status not in STATUSES:
        raise InvalidDecision(f"未知的审核决定“{status}”，可选：{'、'.join(STATUSES)}")
    first, second, params = _find(store, link_id)
    if "link_id" in params:
        store.write(SET_POLICY_LINK_STATUS, {**params, "status": status}, name="set policy link status")
    else:
        store.write(SET_MEMBERSHIP_STATUS, {**params, "status": status}, name="set membership status")
    decisions = _read_file(store.folder)
    decisions[link_id] = {"status": status, "a": first, "b": second,
                          "decided_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    _write_file(store.folder, decisions)
    return f"{STATUS_NAMES[status]} {link_id}：{first} ~ {second}"


def record_split(store, shares: dict[str, float]) -> str:
    """Split a bundle (合并项目): count a part of its amount in each program, now and on every re-ingest.

    Args:
        store: an open store.
        shares: membership id (``program_member:…``, one per program the bundle pays) -> 万元 counted in that
            program; memberships of the bundle left out keep their status. The shares may not add up to more
            than the project's amount.

    Returns:
        One line for the user, e.g. "拆分 社保惠民服务专项：企业军转干部生活补助 120 万元；…".

    Raises:
        InvalidDecision: no share given, a share is negative, the ids name different projects, or the shares
            exceed the project's amount.
        LinkNotFound: an id names no stored membership.
    """
    if not shares or any(share < 0 for share in shares.values()):
        raise InvalidDecision("拆分需要至少一个不小于 0 的金额")
    found = {link_id: _find(store, link_id) for link_id in shares}
    projects = {params.get("project_id") for _, _, params in found.values()}
    if len(projects) != 1 or None in projects:
        raise InvalidDecision("拆分的各项必须属于同一个项目")
    [project_id] = projects
    rows = store.read(PROJECT_AMOUNT, {"project_id": project_id}, name="bundle amount")
    amount = rows[0]["amount"] if rows else None
    if amount is not None and sum(shares.values()) > amount + 0.005:
        raise InvalidDecision(f"拆分金额合计 {sum(shares.values()):g} 万元，超过项目金额 {amount:g} 万元")
    decisions = _read_file(store.folder)
    when = datetime.now(timezone.utc).isoformat(timespec="seconds")
    parts = []
    for link_id, share in shares.items():
        first, second, params = found[link_id]
        store.write(SET_MEMBERSHIP_SHARE, {**params, "share": float(share)}, name="split bundle")
        decisions[link_id] = {"status": "accepted", "share": float(share), "a": first, "b": second, "decided_at": when}
        parts.append(f"{second} {share:g} 万元")
    _write_file(store.folder, decisions)
    return f"拆分 {found[next(iter(shares))][0]}：{'；'.join(parts)}"
