"""导入/导出: upload disclosures to ingest (with progress); download the graph as GraphML, GEXF, JSON or CSV."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import api

st.title("导入/导出")

st.subheader("导入公开文件")
if api.read_only():
    st.info("应用以只读方式运行（kb ui --read-only）：不能导入文件。")
    uploads = []
else:
    st.caption("支持 .txt .pdf .docx .xlsx；重复导入同一文件会更新而不会重复；无法读取、过大或解析超时的文件会被报告并跳过。")
    uploads = st.file_uploader("选择文件", type=["txt", "pdf", "docx", "xlsx"], accept_multiple_files=True,
                               key="data-uploads")
if not api.read_only() and st.button("导入", key="data-ingest", disabled=not uploads):
    progress = st.progress(0.0, text="准备导入…")

    def on_progress(done: int = 0, total: int = 0, message: str = "", *args, **kwargs) -> None:
        fraction = min(max(done / total, 0.0), 1.0) if total else 0.0
        progress.progress(fraction, text=f"{done}/{total} {message}".strip())

    with api.shown_errors("导入"):
        summary = api.ingest_uploads([(upload.name, upload.getvalue()) for upload in uploads], on_progress)
        progress.progress(1.0, text="完成")
        for skipped in summary.skipped:
            st.warning(f"跳过 {Path(skipped.path).name}：错误[{skipped.code}] {skipped.reason}")
        (st.success if summary.ingested else st.info)(f"导入 {summary.ingested} 个文件，跳过 {len(summary.skipped)} 个；库中现有 {summary.documents} 份文件、"
                   f"{summary.nodes} 个节点、{summary.relationships} 条关系（{summary.seconds:.1f} 秒）。")

st.subheader("导出图谱")
st.caption("GraphML / GEXF 可用 Gephi 打开；JSON 为节点与关系列表；CSV 为每种节点、关系一个文件（打包为 zip）。")
fmt = st.radio("格式", list(api.EXPORT_FORMATS), horizontal=True, key="data-format")
if st.button("生成导出文件", key="data-export"):
    with api.shown_errors("导出"):
        st.session_state["export"] = api.export_bytes(fmt)
if st.session_state.get("export"):
    name, content = st.session_state["export"]
    st.download_button(f"下载 {name}", content, file_name=name, key="data-download")
