"""Shared fixtures: the corpus, an empty embedded store on disk, and the corpus ingested once.

The corpus is ingested once per session (per pytest-xdist worker) into a template database folder that no
test opens; a test that needs a store of its own (to write to it, or to open it from a child process)
gets a copy of that folder (``make_corpus_folder``, ``shutil.copytree``: 7 MB, a few milliseconds) instead
of ingesting the corpus again.

Under pytest-xdist (``make test`` runs ``-n 2 --dist loadfile --no-loadscope-reorder``) every test of a module
runs on one worker, so a module's expensive fixtures are built once. A worker takes the next module when it has
fewer than two in hand, in collection order; the modules are collected longest first (the seconds each took,
tests/data/module_seconds.json), so the short ones fill in at the end instead of a long one starting last and
the other worker idling meanwhile (xdist's own reordering, by number of tests, is turned off for this).
Neo4j Community Edition has one database, which each Neo4j test empties, so the modules that use Neo4j
(``NEO4J_MODULES``) are one unit of work that one worker runs (``pytest_xdist_make_scheduler``: xdist's
``loadfile`` scheduling with those modules as one scope; a worker collecting a ``neo4j``-marked test of
another module stops the run). ``make test`` starts ``NEO4J_TEST_SERVERS`` servers (default 1): the n-th is
named in ``NEO4J_URI_GW<n>``, which becomes worker n's ``NEO4J_URI`` here, before any test module reads it
(and before any ``kb`` child process inherits it); a worker without one keeps ``NEO4J_URI``, the first.
(``--dist loadgroup`` cannot keep the Neo4j tests of several modules on one worker with pytest 9: pytest-xdist
3.8 renames ``item._nodeid``, which pytest 9 no longer reads; a scheduler's scope needs no renaming.)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kb.store import open_store

_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # gw0, gw1, … under pytest-xdist; "" in a plain run
if os.environ.get(f"NEO4J_URI_{_WORKER.upper()}"):
    os.environ["NEO4J_URI"] = os.environ[f"NEO4J_URI_{_WORKER.upper()}"]

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
SMALL = CORPUS / "004_db523993c574d7b7.txt"  # 广元市社会保险事务中心, 7 projects


@pytest.fixture
def corpus_dir() -> Path:
    """../shared/corpus: the five real disclosures."""
    return CORPUS


@pytest.fixture(scope="module")
def parsed() -> list:
    """The five corpus documents as ``loaders.parse_file`` reads them (list of ``kb.core.records.Extraction``)."""
    from loaders import parse_file

    return [parse_file(path) for path in sorted(CORPUS.glob("*.txt"))]


@pytest.fixture(scope="module")
def gold_and_parsed() -> list:
    """Gold 000-002 (../shared/gold) and parsed 003-004: the corpus with hand-checked records where they exist."""
    from kb.core.records import Extraction
    from loaders import parse_file

    gold = [Extraction.model_validate(json.loads(path.read_text(encoding="utf-8")))
            for path in sorted((SHARED / "gold").glob("00[012]_*.json"))]
    return gold + [parse_file(path) for path in sorted(CORPUS.glob("00[34]_*.txt"))]


@pytest.fixture
def labelled_metrics(request):
    """Score linking on the labelled pairs of one kind: ``labelled_metrics(corpus_fixture, kind)`` links the
    extractions of that fixture (``parsed`` or ``gold_and_parsed``), checks there are ≥ 15 pairs labelled the
    same and ≥ 15 labelled different (linking/data/labelled_pairs.csv), prints and returns the ``PairMetrics``."""
    from linking import link
    from linking.evaluate import evaluate, load_labelled_pairs

    def score(corpus: str, kind: str):
        extractions = request.getfixturevalue(corpus)
        pairs = [pair for pair in load_labelled_pairs() if pair.kind == kind]
        assert sum(pair.same for pair in pairs) >= 15 and sum(not pair.same for pair in pairs) >= 15
        metrics = evaluate(link(extractions), extractions, pairs)[kind]
        print(f"\n{kind} pairs ({corpus}): precision {metrics.precision:.3f} recall {metrics.recall:.3f} "
              f"{metrics.to_dict()}")
        return metrics

    return score


@pytest.fixture
def store(tmp_path):
    """An empty embedded (LadybugDB) store in tmp_path/kb-data."""
    with open_store(tmp_path / "kb-data", "embedded") as opened:
        yield opened


@pytest.fixture
def neo4j_store(tmp_path):
    """The Neo4j store of the server NEO4J_URI names (tests/neo4j_support.py), emptied, with its local folder in
    tmp_path/kb-data. Only tests marked with ``neo4j_support.MARKS`` may ask for it."""
    from neo4j_support import open_empty_neo4j_store

    with open_empty_neo4j_store(tmp_path / "kb-data") as opened:
        yield opened


@pytest.fixture(scope="session")
def corpus_template(tmp_path_factory) -> Path:
    """The five corpus documents ingested once (``kb.ingest.ingest_paths``) into an embedded database folder,
    closed again. Tests never open it: they take copies (``make_corpus_folder``)."""
    from kb.ingest import ingest_paths

    folder = tmp_path_factory.mktemp("corpus-template") / "kb-data"
    with open_store(folder, "embedded") as store:
        summary = ingest_paths([CORPUS], store)
    assert summary.ingested == 5 and not summary.skipped, summary.describe()
    return folder


@pytest.fixture(scope="session")
def make_corpus_folder(tmp_path_factory, corpus_template):
    """A factory: ``make_corpus_folder(name)`` returns a new embedded database folder ``<tmp>/<name>/kb-data``
    holding the ingested corpus, closed (so a test can reopen it, record link decisions in it, or open it
    from a child process): a copy of ``corpus_template``, the same files an ingest of the corpus writes."""

    def make(name: str) -> Path:
        folder = tmp_path_factory.mktemp(name) / "kb-data"
        shutil.copytree(corpus_template, folder)
        return folder

    return make


@pytest.fixture(scope="session")
def corpus_store(make_corpus_folder):
    """The five corpus documents ingested once into an embedded store (read it; do not write to it)."""
    with open_store(make_corpus_folder("corpus"), "embedded") as opened:
        yield opened


@pytest.fixture(scope="session")
def vocab(corpus_store):
    """The ``kb.query.vocabulary.Vocabulary`` of the ingested corpus (units, projects, 文号, …)."""
    from kb.query.vocabulary import vocabulary

    return vocabulary(corpus_store)


@pytest.fixture(scope="session")
def small_template(tmp_path_factory) -> Path:
    """One real disclosure (004) ingested by ``kb ingest`` in a child process (no model: lexical linking) into
    an embedded database folder, once per session; tests never open it: they take copies (``make_small_folder``)."""
    folder = tmp_path_factory.mktemp("small-template") / "kb-data"
    run = subprocess.run([sys.executable, "-m", "kb.cli", "ingest", str(SMALL), "--db", str(folder)],
                         capture_output=True, text=True, timeout=300, cwd=REPO,
                         env={**os.environ, "HF_HUB_OFFLINE": "1", "KB_EMBEDDING_MODEL": "lexical"})
    assert run.returncode == 0 and "导入 1 个文件，跳过 0 个" in run.stdout, run.stdout + run.stderr
    return folder


@pytest.fixture(scope="session")
def make_small_folder(tmp_path_factory, small_template):
    """A factory: ``make_small_folder(name)`` returns a new database folder ``<tmp>/<name>/kb-data`` holding 004
    as ``kb ingest`` stored it, closed: a copy of ``small_template``."""

    def make(name: str) -> Path:
        folder = tmp_path_factory.mktemp(name) / "kb-data"
        shutil.copytree(small_template, folder)
        return folder

    return make


MODULE_SECONDS = json.loads((Path(__file__).parent / "data" / "module_seconds.json").read_text(encoding="utf-8"))
# The modules whose tests talk to the test Neo4j (marked ``neo4j``): under pytest-xdist one worker runs them all,
# one after the other (``pytest_xdist_make_scheduler``), so one server serves them and warms up once (class
# loading and JIT of the Cypher runtime). make test of 29 Nov: the two servers took 207 s of CPU with these
# modules split over both, 133 s (103 + an idle 30) with them on one worker by chance of the order (that run
# also had two Neo4j ingests fewer and no bytecode verification, about 16 s of the difference).
NEO4J_MODULES = ("test_parity.py", "test_store_neo4j.py", "test_store_neo4j_csv.py", "test_templates.py",
                 "test_ui_browser.py")


def pytest_xdist_make_scheduler(config, log):
    """``--dist loadfile`` with the ``NEO4J_MODULES`` as one unit of work (one worker runs all of them); every
    other module stays a unit of its own."""
    from xdist.scheduler import LoadFileScheduling

    class Neo4jModulesTogether(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = super()._split_scope(nodeid)
            return "neo4j modules" if Path(module).name in NEO4J_MODULES else module

    if config.getvalue("dist") != "loadfile":
        return None
    return Neo4jModulesTogether(config, log)


def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist, order the modules longest first by ``MODULE_SECONDS`` (tests/data/module_seconds.json:
    the wall seconds of each module in one measured ``make test``, summed over its tests' setup, call and
    teardown; a module missing there counts as 0 s); the tests of a module keep their order. The order is the
    same on every worker, as xdist requires. Only the order matters: the figures of 29 Nov 2026 were taken on a
    machine shared with other work (load average about 13), so they are several times an idle run's."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    strays = sorted({Path(item.nodeid.split("::", 1)[0]).name for item in items if item.get_closest_marker("neo4j")}
                    - set(NEO4J_MODULES))
    if strays:
        raise pytest.UsageError(f"tests/conftest.py: add {', '.join(strays)} to NEO4J_MODULES (they use Neo4j)")
    order = {}
    for item in items:
        module = item.nodeid.split("::", 1)[0]
        order.setdefault(module, (-MODULE_SECONDS.get(Path(module).name, 0), len(order)))
    items.sort(key=lambda item: order[item.nodeid.split("::", 1)[0]])
