"""The graph as stored: labels, keys, relationship endpoints and typed properties.

This is the one machine-readable copy of docs/CONTRACTS.md "The graph as stored". ``kb.graph`` builds
only these properties, both stores create their tables and constraints from it, and the CSV export
writes its typed headers from it. Add properties here (never rename one: cypher/ and ui/ read them).

Types are LadybugDB's: STRING, DOUBLE (amounts in 万元), INT64 (years, lines, numbers), BOOLEAN, and
STRING[] (a list of strings).
"""

from __future__ import annotations

from dataclasses import dataclass, field

STRING, DOUBLE, INT64, BOOLEAN, STRING_LIST = "STRING", "DOUBLE", "INT64", "BOOLEAN", "STRING[]"

ROLE_NAMES = {"basis": "立项依据", "mention": "文中提及"}
"""How a citation's role (``CITES.role``: basis or mention) reads to a user."""

_BUDGET_FIGURES = ("income_total", "expense_total", "general_public_budget", "basic_expense", "project_expense",
                   "carryover", "three_public")


@dataclass(frozen=True)
class NodeTable:
    """One node label: its key property and its typed properties (the key included, first)."""

    label: str
    key: str
    properties: dict[str, str]


@dataclass(frozen=True)
class RelTable:
    """One relationship type: the (from label, to label) pairs it joins and its typed properties."""

    type: str
    endpoints: tuple[tuple[str, str], ...]
    properties: dict[str, str] = field(default_factory=dict)


def _node(label: str, key: str, **properties: str) -> NodeTable:
    return NodeTable(label, key, {key: STRING, **properties})


NODE_TABLES: dict[str, NodeTable] = {table.label: table for table in (
    _node("Unit", "unit_id", name=STRING, code=STRING, region=STRING, province=STRING, level=STRING,
          aliases=STRING_LIST),
    _node("Document", "doc_id", file=STRING, path=STRING, title=STRING, year=INT64, kind=STRING, unit_name=STRING,
          layout=STRING, discrepancies=STRING_LIST),
    _node("Budget", "budget_id", year=INT64, kind=STRING, unit_name=STRING, file=STRING,
          **{name: DOUBLE for name in _BUDGET_FIGURES}, **{f"{name}_line": INT64 for name in _BUDGET_FIGURES}),
    _node("Project", "project_id", name=STRING, code=STRING, year=INT64, amount=DOUBLE, category=STRING,
          overview=STRING, basis_text=STRING, goal=STRING, subject_code=STRING, unit_name=STRING, file=STRING,
          line=INT64, notes=STRING_LIST, source_table=STRING),
    _node("PolicyDocument", "doc_no", issuer_code=STRING, year=INT64, number=INT64, titles=STRING_LIST, title=STRING),
    _node("Issuer", "issuer_code", name=STRING, level=STRING),
    _node("Subject", "subject_id", scheme=STRING, code=STRING, name=STRING, level=INT64),
    _node("Indicator", "indicator_id", name=STRING, level1=STRING, level2=STRING),
    _node("Program", "program_id", name=STRING, keywords=STRING_LIST),
    # the fitted program-linking model (linking.fellegi_sunter): prior, m, u and match weight per level, as JSON
    _node("LinkModel", "model_id", name=STRING, parameters=STRING),
    _node("Finding", "finding_id", kind=STRING, severity=STRING, message=STRING, figure_a=DOUBLE, figure_b=DOUBLE,
          difference=DOUBLE, line=INT64),
)}

_TARGET = {"op": STRING, "value": STRING, "unit": STRING, "weight": DOUBLE, "core": BOOLEAN, "direction": STRING,
           "line": INT64}
_LINK = {"score": DOUBLE, "method": STRING, "status": STRING}

REL_TABLES: dict[str, RelTable] = {table.type: table for table in (
    RelTable("PUBLISHED", (("Unit", "Document"),)),
    RelTable("HAS_BUDGET", (("Unit", "Budget"),)),
    RelTable("SOURCE", (("Budget", "Document"), ("Project", "Document")), {"line": INT64}),
    RelTable("RUNS", (("Unit", "Project"),)),
    RelTable("CITES", (("Project", "PolicyDocument"),), {"role": STRING, "line": INT64}),
    RelTable("ISSUED_BY", (("PolicyDocument", "Issuer"),)),
    RelTable("ALLOCATES", (("Budget", "Subject"),), {"total": DOUBLE, "basic": DOUBLE, "project": DOUBLE,
                                                       "line": INT64}),
    RelTable("CHILD_OF", (("Subject", "Subject"),)),
    RelTable("CLASSIFIED_AS", (("Project", "Subject"),)),
    RelTable("HAS_TARGET", (("Project", "Indicator"), ("Budget", "Indicator")), _TARGET),
    # kind: member | possible | bundle (a bundle pays several programs' groups; its amount is in no program's
    # sum or ranking); weights: JSON {comparison: match weight log2(m/u), "prior", "total", "probability", "partner"};
    # share: 万元 of the project counted in this program once a person split a bundle (None: the project's amount)
    RelTable("PART_OF", (("Project", "Program"),), {**_LINK, "kind": STRING, "weights": STRING, "share": DOUBLE}),
    RelTable("POSSIBLY_SAME_AS", (("PolicyDocument", "PolicyDocument"),), {"link_id": STRING, **_LINK}),
    RelTable("HAS_FINDING", (("Document", "Finding"),)),
)}


def coerce(value: object, type_name: str) -> object:
    """Return ``value`` in the Python type a property of ``type_name`` holds (None stays None).

    Args:
        value: a record's value (an amount may arrive as int 540 and is stored as 540.0 万元).
        type_name: one of STRING, DOUBLE, INT64, BOOLEAN, STRING[].

    Returns:
        str, float, int, bool or list[str]; None for None (a list property gives [] for None).

    Example:
        >>> coerce(540, DOUBLE), coerce(None, STRING_LIST), coerce("2024", INT64)
        (540.0, [], 2024)
    """
    if type_name == STRING_LIST:
        return [str(item) for item in (value or []) if item is not None]
    if value is None:
        return None
    if type_name == DOUBLE:
        return float(value)
    if type_name == INT64:
        return int(value)
    if type_name == BOOLEAN:
        return bool(value)
    return str(value)


# ---- the Cypher every engine runs over the schema (labels come from the schema, values from $parameters) ----

def count_cypher(label: str | None = None, rel_type: str | None = None) -> str:
    """Count the nodes of ``label`` or the relationships of ``rel_type``; one row ``{"n": count}``.

    Example:
        >>> count_cypher(label="Unit")
        'MATCH (n:Unit) RETURN count(n) AS n'
    """
    if label:
        return f"MATCH (n:{NODE_TABLES[label].label}) RETURN count(n) AS n"
    return f"MATCH ()-[r:{REL_TABLES[rel_type].type}]->() RETURN count(r) AS n"


def node_export_cypher(label: str) -> str:
    """Every ``label`` node with each schema property as a column named after it."""
    table = NODE_TABLES[label]
    return f"MATCH (n:{label}) RETURN " + ", ".join(f"n.{name} AS {name}" for name in table.properties)


def relationship_export_cypher(rel_type: str, source_label: str, target_label: str) -> str:
    """Every ``rel_type`` relationship between two labels: columns ``source__``, ``target__`` (the keys) and
    each schema property of the relationship."""
    table = REL_TABLES[rel_type]
    columns = "".join(f", r.{name} AS {name}" for name in table.properties)
    return (f"MATCH (a:{source_label})-[r:{rel_type}]->(b:{target_label}) "
            f"RETURN a.{NODE_TABLES[source_label].key} AS source__, b.{NODE_TABLES[target_label].key} AS target__"
            f"{columns}")
