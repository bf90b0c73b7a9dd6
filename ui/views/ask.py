"""问答: ask questions in Chinese; each answer shows its figure, table, sources, Cypher and graph.

A follow-up such as "那綦江呢？" or "按年份呢？" passes the previous Answer to ``kb.query.ask.ask``,
which reuses that question's template with the new value.
"""

from __future__ import annotations

import streamlit as st

from ui import api, render

st.title("问答")
st.caption("用中文提问，例如：綦江区代发企业退休军转干解困补助资金是多少？　追问：那荣昌呢？")

history: list[dict] = st.session_state.setdefault("chat_history", [])
if history and st.button("清空对话", key="clear-chat"):
    history.clear()
    st.session_state.pop("previous_answer", None)
    st.rerun()

for index, turn in enumerate(history):
    with st.chat_message("user"):
        st.markdown(turn["question"])
    with st.chat_message("assistant"):
        if turn.get("error"):
            st.error(turn["error"])
        else:
            render.show_answer(turn["answer"], key=f"answer-{index}")

question = st.chat_input("输入问题…")
if not history:
    with api.shown_errors("示例问题"):
        example = st.pills("示例问题", api.example_questions(), key="ask-examples")
        question = question or example

if question:
    with st.chat_message("user"):
        st.markdown(question)
    with st.chat_message("assistant"):
        turn = {"question": question}
        history.append(turn)
        try:
            answer = api.ask_question(question, previous=st.session_state.get("previous_answer"))
        except Exception as error:  # UnanswerableQuestion and friends: one line, kept in the history
            turn["error"] = api.error_message(error)
            st.error(turn["error"])
        else:
            st.session_state["previous_answer"] = answer
            turn["answer"] = answer.to_dict()
            render.show_answer(turn["answer"], key=f"answer-{len(history) - 1}")
