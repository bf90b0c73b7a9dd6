"""budget-kb's Streamlit app: the entry point ``kb ui`` runs (``streamlit run ui/app.py``).

Pages (st.navigation): 问答, 文件追踪, 跨区对比, 图谱, 关联审核, 数据核查, 导入/导出. The sidebar shows
the status line: store backend and location, node and relationship counts, the embedding model in
use. The store is the one ``ui.api.get_store()`` caches for ``KB_DB`` / ``KB_BACKEND``; every page run
reads the store's generation there (``ui.api.store_generation``), so an ingest or a link decision made by
another process shows on the next run. ``kb ui --read-only`` (``KB_READ_ONLY=1``) hides uploads and refuses
link decisions.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

_REPO = Path(__file__).resolve().parents[1]
if str(_REPO) not in sys.path:  # `streamlit run ui/app.py` puts ui/ on the path, not the repo
    sys.path.insert(0, str(_REPO))

from ui import api  # noqa: E402

st.set_page_config(page_title="budget-kb 预算知识库", page_icon=":material/account_balance:", layout="wide")
# Streamlit's own run indicator says "Running…/Stop" in English and cannot be translated: it is hidden, and each
# page shows a Chinese st.spinner around its slow work instead.
st.html("<style>[data-testid='stStatusWidget'] {display: none;}</style>")

_PAGES = Path(__file__).resolve().parent / "views"  # not pages/: that name turns on file-based navigation
navigation = st.navigation([
    st.Page(_PAGES / "ask.py", title="问答", icon=":material/chat:", default=True),
    st.Page(_PAGES / "trace.py", title="文件追踪", icon=":material/description:"),
    st.Page(_PAGES / "compare.py", title="跨区对比", icon=":material/bar_chart:"),
    st.Page(_PAGES / "graph.py", title="图谱", icon=":material/hub:"),
    st.Page(_PAGES / "review.py", title="关联审核", icon=":material/fact_check:"),
    st.Page(_PAGES / "checks.py", title="数据核查", icon=":material/rule:"),
    st.Page(_PAGES / "data.py", title="导入/导出", icon=":material/swap_vert:"),
])

with st.sidebar:
    st.markdown("**budget-kb 预算知识库**")
    status_slot = st.empty()

try:
    navigation.run()
finally:  # after the page (even one that stopped early), so loading the embedding model never delays it
    with status_slot.container(), api.shown_errors("图数据库"):
        st.caption(api.status_line())
