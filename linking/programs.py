"""Programs: projects of different units that fund the same kind of thing (军转干部补助, 档案管理 …).

1. Vocabulary programs. A project whose name names a beneficiary group (``data/beneficiary_groups.csv``)
   or a topic (``data/program_topics.csv``) joins that entry's program; projects for different groups are
   never one program, even when they cite the same 文件. Each member's score is the match probability of
   its best pair under the learned model (``linking.learned``), raised by how the term was found.
2. Learned programs. Every other project is clustered by the Fellegi–Sunter model whose weights are
   estimated by EM on this corpus (name n-grams, per-pair 文号 overlap weighted by rarity, subject code,
   amount scale, indicators).
3. Text. A project naming no group but whose overview, goal, 立项依据 or indicators name the group or
   keyword of one program is a ``possible`` member of it; of two or more, a ``bundle`` member of each
   (``linking.bundles``). Running costs of paying others are neither (``bundles.is_running_cost``).

A program needs members from at least two units. Its id is stable (``stable_id("program", kind, key)``)
and so is each membership's review id (``member_link_id``), so decisions survive a re-ingest.
"""

from __future__ import annotations

from collections import defaultdict

from kb.core.records import Program, ProgramMember, stable_id
from linking import scoring
from linking.bundles import is_running_cost, named_keywords, searchable_text
from linking.features import ProjectFeatures
from linking.learned import ProgramModel, candidate_pairs
from linking.vocabulary import beneficiary_groups, program_topics

GROUP_IN_NAME = 0.8
TOPIC_IN_NAME = 0.65
SEVERAL_TERMS = 0.6  # a name naming two groups (or two topics) joins each program with this base
GROUP_IN_TEXT = 0.5
TEXT_CEILING = 0.74  # a group read only from a project's text never makes an accepted member by itself
SPLIT = "split:"  # a decision "split:120.5": a bundle split by a person, 120.5 万元 counted in this program


def member_link_id(program_id: str, project_id: str) -> str:
    """Review id of a project's membership of a program (``kb links accept|reject ID``).

    Example:
        >>> member_link_id("program:0", "project:0").startswith("program_member:")
        True
    """
    return stable_id("program_member", program_id, project_id)


def _member(program_id: str, features: ProjectFeatures, score: float, method: str, decisions: dict[str, str],
            weights: dict, kind: str = "member") -> ProgramMember:
    status = decisions.get(member_link_id(program_id, features.project_id), scoring.status_for(score))
    share = None
    if status.startswith(SPLIT):  # a person split a bundle: this program counts that part of the project
        status, kind, share = "accepted", "member", float(status.removeprefix(SPLIT))
    if kind == "member" and status == "possible":
        kind = "possible"
    return ProgramMember(project_id=features.project_id, unit=features.unit, project=features.name, score=score,
                         method=method, status=status, kind=kind, weights=weights, share=share)


def _text_terms(item: ProjectFeatures, named: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """The vocabulary groups (with a program block) a project names only in its text or indicators."""
    if item.groups or item.topics or is_running_cost(item):
        return []
    text = searchable_text(item)
    return [("group", term.name) for term in beneficiary_groups()
            if ("group", term.name) in named and any(alias in text for alias in term.aliases)]


def _vocabulary_programs(features: list[ProjectFeatures], model: ProgramModel,
                         decisions: dict[str, str]) -> tuple[list[Program], set[str], set[str]]:
    """Programs of projects naming a vocabulary term in their name (scored by the model), with the projects
    naming the group only in their text (possible members) or several groups (bundles). Returns the programs,
    the ids of every project placed, and the ids of those placed only from their text."""
    terms = {("group", term.name): term for term in beneficiary_groups()}
    terms.update({("topic", term.name): term for term in program_topics()})
    blocks: dict[tuple[str, str], list[ProjectFeatures]] = defaultdict(list)
    for item in features:
        if is_running_cost(item) and item.groups:
            continue
        named = [("group", group) for group in item.groups] or [("topic", topic) for topic in item.topics]
        for key in named:
            blocks[key].append(item)
    texts: dict[tuple[str, str], list[tuple[ProjectFeatures, str]]] = defaultdict(list)
    for item in features:
        found = _text_terms(item, set(blocks))
        for key in found:
            texts[key].append((item, "bundle" if len(found) > 1 else "member"))
    programs, placed, read = [], set(), set()
    for (kind, key), items in sorted(blocks.items()):
        if len({item.unit for item in items} | {item.unit for item, _ in texts[(kind, key)]}) < 2:
            continue
        program_id = stable_id("program", kind, key)
        label = f"{'beneficiary_group' if kind == 'group' else 'topic'}:{key}"
        positions = sorted({model.index[item.core] for item in items})
        members = []
        for item in items:
            mine = model.index[item.core]
            others = [position for position in positions if position != mine] or [mine]
            weights = max((model.pair(mine, other) for other in others), key=lambda found: found["total"])
            named = item.groups if kind == "group" else item.topics
            base = (GROUP_IN_NAME if kind == "group" else TOPIC_IN_NAME) if len(named) == 1 else SEVERAL_TERMS
            evidence = max(weights["probability"], scoring.name_similarity(item.core, weights["partner"]))
            score = scoring.membership_score(base, evidence)
            members.append(_member(program_id, item, score, f"{label}(name)+model", decisions, weights))
        for item, member_kind in texts[(kind, key)]:
            mine = model.index[item.core]
            weights = max((model.pair(mine, other) for other in positions), key=lambda found: found["total"])
            score = scoring.membership_score(GROUP_IN_TEXT, weights["probability"], TEXT_CEILING)
            members.append(_member(program_id, item, score, f"{label}({'bundle' if member_kind == 'bundle' else 'text'})",
                                   decisions, weights, member_kind))
            read.add(item.project_id)
        term = terms[(kind, key)]
        programs.append(Program(program_id=program_id, name=term.program_name, members=members,
                                keywords=list(term.aliases)))
        placed.update(item.project_id for item in items)
    return programs, placed | read, read


def _learned_programs(features: list[ProjectFeatures], model: ProgramModel, placed: set[str],
                      decisions: dict[str, str]) -> tuple[list[Program], dict[str, tuple[str, ...]]]:
    """Programs the model finds among projects no vocabulary program took, and the words a text names when it
    pays each program's group (``ProgramModel.keywords``; none for running costs). ``Program.keywords`` stays
    [] for these programs: the words are substrings, not names a question would use."""
    rest = [item for item in features if item.project_id not in placed and not item.groups and not item.topics]
    allowed = {model.index[item.core] for item in rest}
    running = {model.index[item.core] for item in rest if is_running_cost(item)}
    by_core: dict[str, list[ProjectFeatures]] = defaultdict(list)
    for item in rest:
        by_core[item.core].append(item)
    # running costs name the groups whose payment they administer: no evidence against a word naming a group
    texts = {item.project_id: searchable_text(item) for item in features if not is_running_cost(item)}
    programs, keywords = [], {}
    for cluster in model.clusters(allowed, apart=running):
        cores = [model.groups[position].core for position in cluster.groups]
        key = min(cores, key=lambda core: (len(core), core))
        program_id = stable_id("program", "name", key)
        members = [_member(program_id, item, round(cluster.probability[position], 3), "model", decisions,
                           cluster.weights[position])
                   for position in cluster.groups for item in by_core[model.groups[position].core]]
        programs.append(Program(program_id=program_id, name=key, members=members))
        keywords[program_id] = () if cluster.groups[0] in running else tuple(model.keywords(cluster.groups, texts))
    kept = _without_bundles(programs, keywords, {item.project_id: item for item in rest})
    return kept, {program.program_id: keywords[program.program_id] for program in kept}


def _without_bundles(programs: list[Program], keywords: dict[str, tuple[str, ...]],
                     items: dict[str, ProjectFeatures]) -> list[Program]:
    """Take out of learned programs the members whose text names two or more other programs' keywords
    (bundles, which ``_text_members`` then adds to each program they pay); drop programs left in one unit.

    A cluster a third of whose members are such bundles (社保惠民服务专项 printed by many units) is no
    program at all, and its words name no program (``keywords`` loses it, in place).
    """
    named = {}  # project id -> the programs whose keywords its text names, against every program's keywords
    for program in programs:
        for member in program.members:
            if member.project_id not in named and not is_running_cost(items[member.project_id]):
                named[member.project_id] = named_keywords(items[member.project_id], keywords)

    def bundled(program: Program) -> set[str]:
        """Members naming two or more other programs still kept (``keywords`` loses programs as it goes)."""
        return {member.project_id for member in program.members if member.project_id in named
                and sum(1 for program_id in named[member.project_id]
                        if program_id != program.program_id and program_id in keywords) >= 2}

    for program in programs:
        if 3 * len(bundled(program)) >= len(program.members):
            keywords.pop(program.program_id, None)
    kept = []
    for program in programs:
        if program.program_id not in keywords:
            continue
        taken = bundled(program)
        program.members = [member for member in program.members if member.project_id not in taken]
        if len({member.unit for member in program.members}) >= 2:
            kept.append(program)
    return kept


def _text_members(features: list[ProjectFeatures], programs: list[Program], keywords: dict[str, tuple[str, ...]],
                  placed: set[str], decisions: dict[str, str]) -> None:
    """Add projects whose text names one learned program's keyword (possible member) or several (bundle).

    Args:
        features: every project.
        programs: the learned programs; members are added in place.
        keywords: program id -> the words a text names when it pays that program's group.
        placed: project ids the vocabulary programs took by their name.
        decisions: review decisions.
    """
    members = placed | {member.project_id for program in programs for member in program.members}
    keywords = {program_id: words for program_id, words in keywords.items() if words}
    by_id = {program.program_id: program for program in programs}
    for item in features:
        if item.project_id in members or item.groups or item.topics or is_running_cost(item):
            continue
        named = [program_id for program_id in named_keywords(item, keywords)
                 if {member.unit for member in by_id[program_id].members} - {item.unit}]
        kind = "bundle" if len(named) > 1 else "member"
        for program_id in named:
            program = by_id[program_id]
            score = scoring.membership_score(GROUP_IN_TEXT, 0.0, TEXT_CEILING)
            words = [word for word in keywords[program_id] if word in searchable_text(item)]
            method = f"keyword:{words[0]}({'bundle' if kind == 'bundle' else 'text'})"
            program.members.append(_member(program_id, item, score, method, decisions, {"keywords": "、".join(words)},
                                           kind))


def _bundles_across_passes(programs: list[Program]) -> None:
    """A project read from its text into two programs, one from the vocabulary and one learned, is a bundle of both."""
    read: dict[str, list[ProgramMember]] = defaultdict(list)
    for program in programs:
        for member in program.members:
            if member.method.endswith(("(text)", "(bundle)")):
                read[member.project_id].append(member)
    for members in read.values():
        if len(members) > 1:
            for member in members:
                member.method = member.method.replace("(text)", "(bundle)")
                if member.kind == "possible":
                    member.kind = "bundle"


def cluster_programs(features: list[ProjectFeatures], decisions: dict[str, str] | None = None,
                     model: ProgramModel | None = None) -> list[Program]:
    """Cluster projects into programs across units.

    Args:
        features: every project's features (``linking.features.project_features``).
        decisions: review decisions, membership id (``member_link_id``) -> "accepted" | "rejected".
        model: the fitted ``ProgramModel`` of ``features`` (fitted here when None).

    Returns:
        Programs sorted by program_id, members sorted by (unit, project); each member has a score 0..1,
        the method that produced it, its kind (member | possible | bundle), the per-comparison match
        weights of its best pair, and a status: the decision if any, else "accepted" at or above
        ``scoring.ACCEPT`` and "possible" below.

    Example:
        >>> [p.name for p in cluster_programs(project_features([gold_000, gold_001], refs))]  # doctest: +SKIP
        ['企业军转干部生活补助', …]
    """
    decisions = decisions or {}
    model = model or ProgramModel(features)
    programs, placed, read = _vocabulary_programs(features, model, decisions)
    learned, keywords = _learned_programs(features, model, placed, decisions)
    _text_members(features, learned, keywords, placed - read, decisions)
    programs += learned
    _bundles_across_passes(programs)
    for program in programs:
        program.members = sorted(program.members, key=lambda member: (member.unit, member.project))
    return sorted(programs, key=lambda program: program.program_id)


__all__ = ["candidate_pairs", "cluster_programs", "member_link_id"]
