"""The bottom layer of budget-kb: records, errors, normalisation, 文号, places, amounts, the graph schema.

Nothing in ``kb.core`` imports any other part of the project (loaders, linking, kb.graph, kb.store,
kb.query, the CLI or the UI); they all import from here. The import-linter contract in pyproject.toml
(``lint-imports``, run by ``make test``) holds the layers.
"""
