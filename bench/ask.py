"""Benchmark ``kb ask``: whole-process latency from the shell (target ≤ 1.5 s, first call after ingest and warm)
and in-process p50/p95 over researcher questions and follow-ups (target p95 ≤ 150 ms).

Used by ``make bench`` (bench/run.py runs this file with ``--db`` on the ingested corpus, then on the 1,000-document
synthetic store); also runs alone: ``python bench/ask.py [--db DIR]`` (without --db it ingests ../shared/corpus
into a temporary folder with ``kb ingest``).

Questions: on the corpus, every question of ../shared/questions.json plus variants and follow-ups; on any other
store (the synthetic one), questions of the same kinds written from the store's own names (its units, districts,
most cited 文号, issuers, programs), so each one reaches its template instead of failing on unknown names. The
co-citation aggregations ("X和Y共同引用了哪些文件", 文件 cited across units) are among them.

Shell runs: the first ``kb ask`` after ingest (``kb ingest`` builds the question index, so it pays no index
build) is reported apart from the warm runs that follow. Bytecode is written as an installed package has it
(``PYTHONDONTWRITEBYTECODE`` is removed for the child). Wall time grows with the machine's load; the CPU time
(user + sys of the child) is printed beside it, with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
TARGET_P95_MS = 150.0
TARGET_SHELL_S = 1.5
CORPUS_SHELL = ["荣昌区社会保险事务中心2026年的项目支出是多少？", "渝委办发〔2019〕66号支持了哪些项目？", "綦江有几个项目？",
                "綦江区和荣昌区共同引用了哪些文件？", "老师养老和医疗补助在哪些区县"]
EXTRA_QUESTIONS = ["渝委辦發〔2019〕66號支持了哪些項目？", "荣昌2026年项目支出多少", "那綦江呢？", "哪些项目的指标涉及冒领？",
                   "企业军转干部生活补助在各区县分别是多少？", "渝人社发的文件支持了哪些项目？", "綦江区和荣昌区共同引用了哪些文件？",
                   "荣昌跟綦江都引用过的文号", "哪些文件被不止一个单位引用？", "被引用次数最多的文件有哪些？", "荣昌区有哪些项目？",
                   "其中金额最大的是哪个？", "这些项目一共多少钱？", "三公经费最少的单位", "哪些项目设了时效指标？",
                   "老师养老和医疗补助在哪些区县"]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def store_questions(store) -> list[str]:
    """Questions of the researchers' kinds written from the names ``store`` holds (for a store that is not the
    corpus): a unit's figure and projects with follow-ups, a district's count, two units' and two districts'
    shared 文件, the 文件 cited across units and the most cited, a 文号's projects and co-cited 文件, an issuer's
    文件, a program across units, rankings, an indicator type and a fallback question."""
    from kb.query.sentences import short_unit
    from kb.query.templates import run_template
    from kb.query.vocabulary import vocabulary

    vocab = vocabulary(store)
    cited = run_template(store, "most_cited_policies", {}).rows
    citing = sorted({unit for row in cited[:3] for unit in row["units"]})
    budgets = run_template(store, "list_units", {}).rows
    first, second = (citing + sorted(vocab.units))[:2]
    year = next((row["year"] for row in budgets if row["unit"] == first), 2024)
    places = sorted({unit.region.split("市")[-1] or unit.region for unit in vocab.units.values() if unit.region})
    places = [place for place in places if place.endswith(("区", "县"))] or places
    doc_no = cited[0]["doc_no"] if cited else ""
    co_cited = cited[1]["doc_no"] if len(cited) > 1 else doc_no
    issuer = sorted(vocab.issuers)[0] if vocab.issuers else ""
    program = vocab.programs[0] if vocab.programs else ""
    level = "时效指标" if "时效指标" in vocab.indicator_levels or not vocab.indicator_levels else vocab.indicator_levels[-1]
    return [f"{short_unit(first)}{year}年的项目支出是多少？", f"{short_unit(first)}{year}年收入总计多少", "那"
            f"{short_unit(second)}呢？", f"{places[0]}有几个项目？", f"{short_unit(first)}有哪些项目？", "其中金额最大的是哪个？",
            "这些项目一共多少钱？", f"{first}和{second}共同引用了哪些文件？", f"{places[0]}和{places[-1]}共同引用了哪些文件？",
            f"{short_unit(second)}跟{short_unit(first)}都引用过的文号", "哪些文件被不止一个单位引用？", "被引用次数最多的文件有哪些？",
            f"{doc_no}支持了哪些项目？", f"和{co_cited}一起被引用的文件有哪些？", f"{issuer}的文件支持了哪些项目？",
            f"{program}在各区县分别是多少？", "三公经费最少的单位", "哪些单位的收入总计最多？", f"哪些项目设了{level}？",
            f"{short_unit(first)}引用了哪些文件？", "老师养老和医疗补助在哪些区县"]


def _is_corpus(store) -> bool:
    from kb.query.vocabulary import vocabulary

    files = {path.name for path in (SHARED / "corpus").glob("*.txt")}
    return bool(files) and set(vocabulary(store).documents) == files


def questions_for(store) -> list[str]:
    """The corpus questions (questions.json + ``EXTRA_QUESTIONS``) on the corpus store, else ``store_questions``."""
    if _is_corpus(store):
        return [case["question"] for case in json.loads((SHARED / "questions.json").read_text(encoding="utf-8"))] \
            + EXTRA_QUESTIONS
    return store_questions(store)


def run(store, repeats: int = 5, questions: list[str] | None = None, slowest: int = 5) -> dict:
    """Time ``kb.query.ask.ask`` in process, in conversation order (follow-ups refer to the answer before).

    Args:
        store: an open store. repeats: timed passes after one warm-up pass (which loads the question index,
            the classifier and, for the fallback, the semantic index). questions: default ``questions_for``.
        slowest: how many of the slowest questions to print.

    Returns:
        {"questions", "timed_calls", "warmup_ms", "p50_ms", "p95_ms", "max_ms", "p50_cpu_ms", "p95_cpu_ms",
         "target_p95_ms", "within_target", "slowest"} (wall and CPU milliseconds).
    """
    from kb.core.errors import UnanswerableQuestion
    from kb.query.ask import ask

    questions = questions or questions_for(store)

    def one(question: str, previous):
        try:
            return ask(store, question, previous=previous)
        except UnanswerableQuestion:
            return None

    started = time.perf_counter()
    previous = None
    for question in questions:
        previous = one(question, previous) or previous
    warmup_ms = (time.perf_counter() - started) * 1000
    timings, cpu, by_question = [], [], {}
    for _ in range(repeats):
        previous = None
        for question in questions:
            began, began_cpu = time.perf_counter(), time.process_time()
            previous = one(question, previous) or previous
            timings.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - began_cpu) * 1000)
            by_question[question] = max(by_question.get(question, 0.0), timings[-1])
    result = {
        "questions": len(questions), "timed_calls": len(timings), "warmup_ms": round(warmup_ms, 1),
        "p50_ms": round(statistics.median(timings), 1), "p95_ms": round(_percentile(timings, 0.95), 1),
        "max_ms": round(max(timings), 1), "p50_cpu_ms": round(statistics.median(cpu), 1),
        "p95_cpu_ms": round(_percentile(cpu, 0.95), 1), "target_p95_ms": TARGET_P95_MS,
        "slowest": sorted(by_question.items(), key=lambda item: -item[1])[:slowest],
    }
    result["within_target"] = result["p95_ms"] <= TARGET_P95_MS
    print(f"kb ask in process: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms wall (CPU p50 "
          f"{result['p50_cpu_ms']} ms, p95 {result['p95_cpu_ms']} ms) over {len(timings)} calls of {len(questions)} "
          f"questions (target p95 ≤ {TARGET_P95_MS:.0f} ms; warm-up pass {result['warmup_ms']} ms; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print("  slowest: " + "；".join(f"{question} {ms:.0f} ms" for question, ms in result["slowest"]))
    return result


def shell_latency(db: Path, questions: list[str], runs: int = 2) -> dict:
    """Whole-process ``python -m kb.cli ask QUESTION --db DB``: the first call (right after ingest, or whatever
    ran before) and ``runs`` warm calls of each question; wall and CPU seconds."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(REPO)

    def once(question: str) -> tuple[float, float]:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        subprocess.run([sys.executable, "-m", "kb.cli", "ask", question, "--db", str(db)], capture_output=True,
                       env=env, check=False, timeout=300)
        wall = time.perf_counter() - began
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime

    first_wall, first_cpu = once(questions[0])
    warm = [once(question) for _ in range(runs) for question in questions]
    walls, cpus = [wall for wall, _ in warm], [cpu for _, cpu in warm]
    result = {"first_s": round(first_wall, 2), "first_cpu_s": round(first_cpu, 2), "runs": len(warm),
              "median_s": round(statistics.median(walls), 2), "max_s": round(max(walls), 2),
              "median_cpu_s": round(statistics.median(cpus), 2), "max_cpu_s": round(max(cpus), 2),
              "load_average": round(os.getloadavg()[0], 1), "target_s": TARGET_SHELL_S}
    result["within_target"] = max(result["median_s"], result["first_s"]) <= TARGET_SHELL_S
    per_question = {question: [wall for (wall, _), asked in zip(warm, questions * runs) if asked == question]
                    for question in questions}
    print(f"kb ask from the shell: first call {result['first_s']} s wall ({result['first_cpu_s']} s CPU); warm median "
          f"{result['median_s']} s wall ({result['median_cpu_s']} s CPU), max {result['max_s']} s wall "
          f"({result['max_cpu_s']} s CPU) over {len(warm)} runs of {len(questions)} questions (target ≤ "
          f"{TARGET_SHELL_S} s; load average {result['load_average']} on {os.cpu_count()} cores: wall time grows "
          f"with it, CPU time hardly)")
    print("  per question (median wall): " + "；".join(f"{question} {statistics.median(times):.2f} s"
                                                       for question, times in per_question.items()))
    return result


def main() -> None:
    """Command line: benchmark a database folder, or the corpus ingested into a temporary one."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, help="an ingested database folder (default: ingest the corpus)")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    from kb.store import open_store

    with tempfile.TemporaryDirectory() as folder:
        db = args.db
        if db is None:
            db = Path(folder) / "kb-data"
            subprocess.run([sys.executable, "-m", "kb.cli", "ingest", str(SHARED / "corpus"), "--db", str(db)],
                           check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(REPO)})
        with open_store(db) as store:
            written = None if _is_corpus(store) else store_questions(store)
        # a unit's figure, two units' shared 文件, the fallback
        shell_questions = CORPUS_SHELL if written is None else [written[0], written[7], written[-1]]
        shell_latency(db, shell_questions)  # first: the first call after ingest is the cold one
        with open_store(db) as store:
            run(store, args.repeats)


if __name__ == "__main__":
    main()
