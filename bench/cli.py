"""The command line shared by the bench scripts that take a corpus and a synthetic size (ingest.py, link_quality.py).

Imported as ``bench.cli`` (the repository root on ``sys.path``, as bench/run.py and each script's ``main`` put it).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def corpus_arguments(description: str, corpus_default: Path | None, synthetic_default: int,
                     synthetic_help: str) -> argparse.Namespace:
    """Read ``--corpus DIR [--synthetic N] [--json]`` from the command line.

    Args:
        description: the script's one-line description.
        corpus_default: the corpus folder when --corpus is not given; None makes --corpus required.
        synthetic_default: synthetic documents when --synthetic is not given (0 = none).
        synthetic_help: what --synthetic means for this script.

    Returns:
        The namespace (``corpus``: Path, ``synthetic``: int, ``json``: bool). argparse exits 2 on bad arguments.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--corpus", type=Path, default=corpus_default, required=corpus_default is None)
    parser.add_argument("--synthetic", type=int, default=synthetic_default, help=synthetic_help)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON at the end")
    return parser.parse_args()


def print_json(figures: dict, wanted: bool) -> None:
    """Print ``figures`` as indented JSON (Chinese as printed) when ``wanted`` (``--json``)."""
    if wanted:
        print(json.dumps(figures, ensure_ascii=False, indent=1))
