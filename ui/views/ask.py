"""问答: ask questions in Chinese; each answer shows its figure, table, sources, Cypher and graph.

Each browser session keeps one ``kb.query.conversation.Conversation``: a follow-up such as "那綦江呢？",
"项目支出呢？", "其中金额最大的是哪个？" or "它的绩效指标有哪些？" is read against the previous answer, exactly as
``kb chat`` reads it. A question that cannot be answered shows its Chinese message and the chat goes on.
"""

from __future__ import annotations

import streamlit as st

from ui import api, render

st.title("问答")
st.caption("用中文提问，例如：綦江区有哪些项目？　追问：其中金额最大的是哪个？　它的绩效指标有哪些？　那荣昌呢？")

history: list[dict] = st.session_state.setdefault("chat_history", [])
if history and st.button("清空对话", key="clear-chat"):
    history.clear()
    st.session_state.pop("conversation", None)
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
            from kb.query.conversation import Conversation

            conversation = st.session_state.get("conversation")
            if conversation is None or conversation.store is not api.get_store():
                conversation = st.session_state["conversation"] = Conversation(api.get_store())
            with st.spinner("正在回答…"):
                answer = conversation.ask(question)
        except Exception as error:  # the store could not be opened or read: one line, kept in the history
            turn["error"] = api.error_message(error)
            st.error(turn["error"])
        else:
            if answer.error and answer.frame is None:  # not answered: the Chinese message, the chat goes on
                turn["error"] = answer.error["message"]
                st.error(turn["error"])
            else:
                turn["answer"] = answer.to_dict()
                render.show_answer(turn["answer"], key=f"answer-{len(history) - 1}")
