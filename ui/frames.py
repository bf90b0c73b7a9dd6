"""Query results as the app's tables: rows to a pandas frame, Chinese headers and value names, sources, CSV.

Pure functions of their input (no store, no Streamlit): the pages (``ui.render``, ``ui.views``) and the view-model
(``ui.api``) call them.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from kb.query.labels import VALUE_LABELS, column_label, value_label


def _cell(value: Any) -> Any:
    """A cell as a table shows it: a list of names joined by 、, other lists and maps as JSON."""
    if isinstance(value, (list, tuple)) and all(isinstance(item, (str, int, float)) for item in value):
        return "、".join(str(item) for item in value)
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def rows_frame(columns: list[str], rows: list[Any]) -> pd.DataFrame:
    """A table of query rows (dicts keyed by column, or lists in column order); list cells become text."""
    if rows and isinstance(rows[0], dict):
        records = [[_cell(row.get(column)) for column in columns] for row in rows] if columns else None
        if records is None:
            return pd.DataFrame([{key: _cell(value) for key, value in row.items()} for row in rows])
        return pd.DataFrame(records, columns=columns)
    return pd.DataFrame([[_cell(value) for value in row] for row in rows], columns=columns or None)


def labelled(frame: pd.DataFrame, template: str | None = None) -> pd.DataFrame:
    """The same table with Chinese column headers and coded values by name, for display (``kb.query.labels``)."""
    frame = frame.copy()
    for column in set(frame.columns) & set(VALUE_LABELS):
        frame[column] = frame[column].map(lambda value, column=column: value_label(column, value))
    return frame.rename(columns={column: column_label(column, template) for column in frame.columns})


def sources_frame(sources: list[dict[str, Any]]) -> pd.DataFrame:
    """The sources of an answer as a table: 文件, 行, 原文."""
    frame = pd.DataFrame(sources, columns=["file", "line", "text"])
    return frame.rename(columns={"file": "文件", "line": "行", "text": "原文"})


def frame_csv(frame: pd.DataFrame) -> bytes:
    """A table as UTF-8 CSV with a BOM, so Excel shows the Chinese correctly."""
    return frame.to_csv(index=False).encode("utf-8-sig")
