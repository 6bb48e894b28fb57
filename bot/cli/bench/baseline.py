"""Section 7: a naive "stuff the retrieved docs into the prompt" chain against salesbot's engine."""

from __future__ import annotations

import shutil
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from bot.cli.bench.common import (
    SAMPLE_CATALOG,
    SAMPLE_QUESTIONS,
    free_memory,
    latency_summary,
    local_model_backend,
    ratio,
)
from config.settings import Settings

BASELINE_QUESTIONS = 30


BASELINE_TOP_K = 4


BASELINE_MAX_NEW_TOKENS = 96  # the naive chain must state the facts itself, so it gets more room


BASELINE_TIME_LIMIT = 30.0


def _baseline_document(product: Any) -> str:
    """Everything a naive RAG would stuff in: name, price, stock, all specs and the description."""
    from knowledge.answers import spec_text
    from knowledge.catalog import format_price

    return (
        f"{product.name} ({product.brand} {product.category}). Price: {format_price(product.price, product.currency)}. "
        f"Stock: {product.stock} units. Specs: {spec_text(product)}. {product.description}"
    )


def naive_chain(store: Any, generator: Any, k: int = BASELINE_TOP_K) -> Any:
    """The usual tutorial RAG: retrieve top-k documents, stuff them into a prompt, let the model answer."""
    from langchain_core.output_parsers import StrOutputParser
    from langchain_core.prompts import ChatPromptTemplate
    from langchain_core.runnables import RunnableLambda, RunnablePassthrough

    from knowledge.store import ProductFilter
    from knowledge.writer import to_messages

    prompt = ChatPromptTemplate.from_messages(
        [
            (
                "system",
                "You are a helpful sales assistant for an online shop. Answer the customer's question "
                "using only the product information below. Be brief.",
            ),
            ("human", "Product information:\n{context}\n\nQuestion: {question}\nAnswer:"),
        ]
    )

    def retrieve(question: str) -> str:
        hits = store.search_products(question, ProductFilter(), k=k)
        return "\n\n".join(_baseline_document(h.product) for h in hits)

    def call_model(value: Any) -> str:
        return generator.generate(
            to_messages(value), max_new_tokens=BASELINE_MAX_NEW_TOKENS, time_limit=BASELINE_TIME_LIMIT
        )

    return (
        {"context": RunnableLambda(retrieve), "question": RunnablePassthrough()}
        | prompt
        | RunnableLambda(call_model)
        | StrOutputParser()
    )


def baseline_questions(questions: Sequence[Any], count: int = BASELINE_QUESTIONS) -> list[Any]:
    """Half look-ups, half comparisons, in file order."""
    lookups = [q for q in questions if q.type == "lookup"]
    comparisons = [q for q in questions if q.type == "comparison"]
    half = count // 2
    return lookups[: count - half] + comparisons[:half]


def bench_baseline(bs: Settings, count: int = BASELINE_QUESTIONS) -> dict[str, Any]:
    from config.wiring import build_engine
    from knowledge.catalog import load_catalog
    from knowledge.evaluation import ask, invented_claims, load_questions

    es = replace(bs, var_dir=bs.var_dir / "baseline", llm_backend=local_model_backend(bs))
    shutil.rmtree(es.chroma_path, ignore_errors=True)
    engine = build_engine(es)
    try:
        engine.store.sync(load_catalog(SAMPLE_CATALOG))
        engine.refresh()
        engine.warm()
        if engine.writer.generator is None:
            raise RuntimeError(f"the {es.llm_backend} model could not be loaded (see the log)")
        questions = baseline_questions(load_questions(SAMPLE_QUESTIONS), count)
        chain = naive_chain(engine.store, engine.writer.generator)
        chain.invoke("warm up: how much is the Lumen Air 13?")
        by_sku = {p.sku: p.name for p in engine.products()}

        def lenient(q: Any, reply: str, engine: Any = engine) -> list[str]:
            # The check only accepts facts of products the reply names; a terse "1,499.00 EUR." names none.
            # Lenient: the products the question is about count as named too.
            names = " | ".join(by_sku[sku] for sku in q.expected_skus if sku in by_sku)
            return invented_claims(engine, q, f"{reply}\n{names}") if names else invented_claims(engine, q, reply)

        ours, theirs = [], []
        for q in questions:
            outcome = ask(engine, q, es.llm_time_limit)
            ours.append(
                {
                    "id": q.id,
                    "seconds": outcome.seconds,
                    "generated": outcome.generated,
                    "invented": outcome.invented,
                    "invented_lenient": lenient(q, outcome.reply),
                    "facts_found": sum(fact in outcome.reply for fact in q.expected_facts),
                }
            )
            started = time.perf_counter()
            reply = chain.invoke(q.question)
            seconds = time.perf_counter() - started
            theirs.append(
                {
                    "id": q.id,
                    "seconds": seconds,
                    "reply": reply,
                    "invented": invented_claims(engine, q, reply),
                    "invented_lenient": lenient(q, reply),
                    "facts_found": sum(fact in reply for fact in q.expected_facts),
                }
            )

        expected_facts = sum(len(q.expected_facts) for q in questions)

        def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
            return {
                "questions": len(rows),
                "latency": latency_summary([r["seconds"] for r in rows]),
                "invented_per_100": 100 * sum(bool(r["invented"]) for r in rows) / len(rows) if rows else None,
                "invented_per_100_lenient": (
                    100 * sum(bool(r["invented_lenient"]) for r in rows) / len(rows) if rows else None
                ),
                # expected facts (data/eval, exact format such as "1,499.00 EUR") found in the reply
                "fact_accuracy": ratio(sum(r["facts_found"] for r in rows), expected_facts),
            }

        salesbot = {**summary(ours), "model_sentence_used": sum(r["generated"] for r in ours)}
        baseline = summary(theirs)
        return {
            "questions": [q.id for q in questions],
            "baseline_setup": f"top-{BASELINE_TOP_K} products (name, price, stock, specs, description) stuffed into "
            f"a plain prompt; the same {es.llm_backend} generator; max_new_tokens={BASELINE_MAX_NEW_TOKENS}, "
            f"time limit {BASELINE_TIME_LIMIT:g} s; no code-decided facts, no gate",
            "salesbot_setup": f"knowledge.evaluation.ask (engine + writer + gate), time limit {es.llm_time_limit:g} s",
            "salesbot": salesbot,
            "baseline": baseline,
            "ratios": {
                "p50": ratio(salesbot["latency"]["p50_s"], baseline["latency"]["p50_s"]),
                "p95": ratio(salesbot["latency"]["p95_s"], baseline["latency"]["p95_s"]),
                "invented_per_100": ratio(salesbot["invented_per_100"], baseline["invented_per_100"]),
                "invented_per_100_lenient": ratio(
                    salesbot["invented_per_100_lenient"], baseline["invented_per_100_lenient"]
                ),
            },
            "baseline_flagged": [  # every flagged reply, to judge the check's verdicts by hand
                {
                    "id": r["id"],
                    "question": q.question,
                    "expected_facts": q.expected_facts,
                    "reply": r["reply"][:300],
                    "invented": r["invented"][:3],
                    "lenient": r["invented_lenient"][:3],
                }
                for q, r in zip(questions, theirs, strict=True)
                if r["invented"] or r["invented_lenient"]
            ],
            "salesbot_invented_examples": [r for r in ours if r["invented"]][:8],
        }
    finally:
        engine.writer.generator = None
        del engine
        free_memory()
