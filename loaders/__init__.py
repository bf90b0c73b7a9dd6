"""Loaders: one disclosure file in, typed records (kb.core.records.Extraction) out. No store access.

Entry point: ``loaders.parse_file(path) -> Extraction`` (see loaders/pipeline.py).
"""


def parse_file(path):
    """Parse one disclosure file into a ``kb.core.records.Extraction``; see ``loaders.pipeline.parse_file``."""
    from loaders.pipeline import parse_file as _parse_file

    return _parse_file(path)


__all__ = ["parse_file"]
