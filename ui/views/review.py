"""关联审核: possible 文号 links and low-score program memberships, with each side's evidence.

Accept or reject calls ``linking.decisions.record_decision`` exactly as ``kb links accept/reject``
does, so the decision persists across re-ingests and shows in ``kb links --json``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from linking.decisions import STATUS_NAMES
from ui import api, render
from ui.review_items import decided_links, pending_bundles, pending_links

st.title("关联审核")
st.caption("可能相同的文件（文号相近）与低分的同类项目归属。接受或拒绝与 `kb links accept/reject` 相同，"
           "结果保存在数据库目录中，重新导入后仍然有效。")

report = graph = None
with api.shown_errors("读取关联"):
    report = api.links_report()
    graph = api.graph()
if report is None:
    st.stop()

if st.session_state.get("review-message"):
    st.success(st.session_state.pop("review-message"))

pending = pending_links(report, graph)
st.subheader(f"待审核（{len(pending)}）")
if not pending:
    st.info("没有待审核的关联。")
for item in pending:
    with st.container(border=True):
        score = f"{item.score:.3f}" if item.score is not None else ""
        st.markdown(f"**{item.kind}** · `{item.link_id}` · 分数 {score} · {STATUS_NAMES.get(item.status, item.status)}")
        st.caption(f"依据：{item.method}")
        left, right = st.columns(2)
        for column, side in ((left, item.left), (right, item.right)):
            column.markdown(f"**{side.title}**")
            for line in side.evidence:
                column.caption(line)
        accept, reject, _ = st.columns([1, 1, 6])
        for button_column, label, status in ((accept, "接受", "accepted"), (reject, "拒绝", "rejected")):
            if button_column.button(label, key=f"{status}-{item.link_id}"):
                with api.shown_errors(label):
                    st.session_state["review-message"] = api.record_decision(item.link_id, status)
                    st.rerun()

bundles = pending_bundles(report)
st.subheader(f"合并项目（{len(bundles)}）")
st.caption("合并项目同时支付多个群体：它列在每个相关的同类项目中，但金额不计入任何同类项目的合计和排名。"
           "确认：保持合并；拆分：把金额分到各同类项目。")
for index, bundle in enumerate(bundles):
    with st.container(border=True):
        amount = f"{bundle.amount:g} 万元" if bundle.amount is not None else ""
        st.markdown(f"**{bundle.unit} · {bundle.project}** {amount}")
        st.caption("涉及：" + "、".join(f"{program}（{STATUS_NAMES.get(status, status)}）"
                                      for _, program, status in bundle.memberships))
        if st.button("确认合并", key=f"bundle-confirm-{index}"):
            with api.shown_errors("确认合并"):
                for link_id, _, _ in bundle.memberships:
                    message = api.record_decision(link_id, "accepted")
                st.session_state["review-message"] = message
                st.rerun()
        with st.form(key=f"bundle-split-{index}"):
            shares = {link_id: st.number_input(f"{program}（万元）", min_value=0.0, value=0.0, step=1.0,
                                               key=f"bundle-share-{index}-{position}")
                      for position, (link_id, program, _) in enumerate(bundle.memberships)}
            if st.form_submit_button("拆分"):
                with api.shown_errors("拆分"):
                    from linking.decisions import record_split

                    st.session_state["review-message"] = record_split(api.get_store(), shares)
                    api.data_changed()
                    st.rerun()

st.subheader("全部关联")
rows = decided_links(report)
if rows:
    frame = pd.DataFrame(rows)
    frame["状态"] = frame["状态"].map(lambda status: STATUS_NAMES.get(status, status))
    st.dataframe(render.blank_cells(frame), hide_index=True, width="stretch")
with st.expander("kb links --json"):
    st.json(report, expanded=False)
