"""Shared fixtures: the corpus, an empty embedded store on disk, and the corpus ingested once."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.store import open_store

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"


@pytest.fixture
def corpus_dir() -> Path:
    """../shared/corpus: the five real disclosures."""
    return CORPUS


@pytest.fixture
def store(tmp_path):
    """An empty embedded (LadybugDB) store in tmp_path/kb-data."""
    with open_store(tmp_path / "kb-data", "embedded") as opened:
        yield opened


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory):
    """The five corpus documents ingested once into an embedded store (read it; do not write to it)."""
    from kb.ingest import ingest_paths

    with open_store(tmp_path_factory.mktemp("corpus") / "kb-data", "embedded") as opened:
        ingest_paths([CORPUS], opened)
        yield opened
