"""Consistency checks (``kb check``): where a disclosure disagrees with itself.

- ``check_extraction(extraction) -> list[Finding]``: a pure function over one parsed document
  (rules in ``kb.checks.rules``, text readers in ``kb.checks.tables``);
- ``check_store(store) -> CheckReport``: the findings stored in the graph, per document.
"""

from kb.checks.findings import CheckReport, Finding, rounding_tolerance
from kb.checks.rules import check_extraction
from kb.checks.store import check_store

__all__ = ["CheckReport", "Finding", "check_extraction", "check_store", "rounding_tolerance"]
