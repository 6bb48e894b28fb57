"""The benchmark's pure parts: percentiles, the synthetic catalogue, reply classification and the table."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.bench.baseline import baseline_questions
from bot.cli.bench.common import (
    BENCH_ACTION_PORT,
    BENCH_RASA_PORT,
    RSS_WARN_MB,
    bench_settings,
    latency_summary,
    percentile,
    ratio,
    settings_env,
)
from bot.cli.bench.report import format_bench
from bot.cli.bench.servers import PRODUCT_TURNS, classify_reply, customer_script
from bot.cli.bench.synthetic import retrieval_queries, synthetic_catalog
from config.settings import Settings, load_settings
from knowledge.catalog import SKU_PATTERN, parse_product
from knowledge.evaluation import Question


# ---- percentiles ------------------------------------------------------------------------
def test_percentile_interpolates_between_ranks_like_numpy():
    values = [1.0, 2.0, 3.0, 4.0]
    assert percentile(values, 0) == 1.0
    assert percentile(values, 100) == 4.0
    assert percentile(values, 50) == pytest.approx(2.5)
    assert percentile(values, 95) == pytest.approx(3.85)  # numpy.percentile([1, 2, 3, 4], 95)


def test_percentile_ignores_input_order_and_handles_one_or_no_value():
    assert percentile([5.0, 1.0, 3.0], 50) == 3.0
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 50) is None


def test_percentile_rejects_a_bad_rank():
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_latency_summary_and_ratio():
    summary = latency_summary([0.1 * i for i in range(1, 21)])
    assert summary["n"] == 20
    assert summary["p50_s"] == pytest.approx(1.05)
    assert summary["p95_s"] == pytest.approx(1.905)
    assert summary["max_s"] == pytest.approx(2.0)
    assert latency_summary([])["p95_s"] is None
    assert ratio(2.0, 4.0) == 0.5
    assert ratio(1.0, 0.0) is None
    assert ratio(None, 1.0) is None


# ---- synthetic catalogue ------------------------------------------------------------------
def test_synthetic_catalog_is_deterministic():
    assert synthetic_catalog(300) == synthetic_catalog(300)
    assert synthetic_catalog(300, seed=1) != synthetic_catalog(300, seed=2)
    # a bigger catalogue starts with the smaller one
    assert synthetic_catalog(500)[:300] == synthetic_catalog(300)


def test_synthetic_products_are_valid_and_skus_unique():
    raw = synthetic_catalog(2000)
    products = [parse_product(r) for r in raw]  # raises on any invalid row
    assert len({p.sku for p in products}) == len(products) == 2000
    assert all(SKU_PATTERN.match(p.sku) for p in products)
    assert all(p.price > 0 and p.currency == "EUR" and p.stock >= 0 for p in products)
    assert all(p.brand and p.brand in p.name and p.description and p.specs for p in products)


def test_synthetic_catalog_looks_like_a_shop():
    products = [parse_product(r) for r in synthetic_catalog(2000)]
    categories = {p.category for p in products}
    assert len(categories) >= 6
    out_of_stock = sum(not p.in_stock for p in products) / len(products)
    assert 0.05 < out_of_stock < 0.3
    laptops = [p for p in products if p.category == "laptops"]
    assert all("weight_kg" in p.specs and "battery_hours" in p.specs for p in laptops)
    assert len({p.name for p in products}) > 0.9 * len(products)


def test_retrieval_queries_filter_by_category_budget_and_stock():
    products = [parse_product(r) for r in synthetic_catalog(400)]
    queries = retrieval_queries(products, 50)
    assert len(queries) == 50
    assert len({text for text, _ in queries}) == 50  # distinct, so no embedding is served from the cache
    categories = {p.category for p in products}
    for _, flt in queries:
        assert flt.category in categories
        assert flt.max_price and flt.max_price > 0
        assert flt.in_stock_only
    assert queries == retrieval_queries(products, 50)


# ---- settings and scripts ------------------------------------------------------------------
def test_bench_settings_use_their_own_ports_dir_and_store(tmp_path: Path):
    user = Settings(var_dir=tmp_path, chroma_url="http://chroma:8000", rasa_auth_token="t")
    bench = bench_settings(user)
    assert (bench.rasa_port, bench.action_port) == (BENCH_RASA_PORT, BENCH_ACTION_PORT)
    assert bench.var_dir == tmp_path / "bench"
    assert bench.chroma_url == "" and bench.rasa_auth_token == ""
    assert bench.tracker_db_path == str(tmp_path / "bench" / "tracker.db")
    assert bench.model_cache == user.model_cache  # the unpacked language model is shared


def test_settings_env_round_trips_through_load_settings(tmp_path: Path):
    settings = Settings(var_dir=tmp_path, llm_backend="none", llm_int8=False, llm_time_limit=3.5, action_port=6001)
    assert load_settings(settings_env(settings)) == settings


def test_customer_scripts_mix_turn_kinds():
    script = customer_script(3, 10)
    kinds = [kind for kind, _ in script]
    assert len(script) == 10
    assert {"template", "generative", "policy"} == set(kinds)
    assert all(text in PRODUCT_TURNS for kind, text in script if kind == "generative")
    assert len(customer_script(0, 25)) == 25
    assert customer_script(0, 10) != customer_script(1, 10)


def test_classify_reply_against_the_factual_reference():
    facts = "The Lumen Air 13 costs 999.00 EUR and is in stock."
    assert classify_reply(facts, facts) == "facts_only"
    assert classify_reply(f"Great choice for travel!\n{facts}", facts) == "model_sentence"
    assert classify_reply("Sorry, I didn't quite understand that.", facts) == "other"
    assert classify_reply("Sorry, I'm having trouble looking that up right now.", facts) == "apology"
    assert classify_reply(facts, None) == "unknown"


def test_baseline_questions_are_half_lookups_half_comparisons():
    questions = [Question(f"lookup-{i}", "lookup", "product_question", f"q{i}") for i in range(20)]
    questions += [Question(f"comparison-{i}", "comparison", "compare", f"c{i}") for i in range(20)]
    questions += [Question("policy-1", "policy", "policy", "p")]
    chosen = baseline_questions(questions, 30)
    assert len(chosen) == 30
    assert sum(q.type == "lookup" for q in chosen) == 15
    assert sum(q.type == "comparison" for q in chosen) == 15


# ---- the table ------------------------------------------------------------------------------
def _latency(p50: float, p95: float, n: int = 20) -> dict:
    return {"n": n, "p50_s": p50, "p95_s": p95, "mean_s": p50, "max_s": p95}


SAMPLE_RESULT = {
    "meta": {"started_at": "2026-11-23 20:00:00 UTC", "cpus": 2, "llm_model": "qwen", "notes": ["random vectors"]},
    "rest_latency": {
        "template": {"requests": 20, "errors": 0, "latency": _latency(0.041, 0.062)},
        "factual": {"requests": 20, "errors": 0, "with_custom": 20, "latency": _latency(0.21, 0.33)},
        "generative": {
            "requests": 20,
            "errors": 1,
            "latency": _latency(1.7, 3.9, 19),
            "kinds": {"model_sentence": 2, "facts_only": 17},
        },
    },
    "generator": {
        "prompt_tokens": 312,
        "variants": {
            "int8": {"ttft_s": 0.61, "decode_tokens_per_s": 21.4, "new_tokens": 48, "total_s": 2.8, "load_s": 14},
            "fp32": {"error": "RuntimeError: out of memory"},
        },
    },
    "ingest": {
        "products": 10000,
        "products_per_s": 180.2,
        "seconds": 55.5,
        "embedded": 10000,
        "resync_s": 1.2,
        "resync_embedded": 0,
        "query_embedding": _latency(0.012, 0.02, 50),
        "search_real": _latency(0.004, 0.009, 50),
        "avg_hits": 5.0,
    },
    "retrieval": {
        "sizes": [
            {
                "size": 1000,
                "insert_s": 0.8,
                "index_build_s": 0.3,
                "search": _latency(0.002, 0.004, 50),
                "search_chroma_query": _latency(0.007, 0.014, 50),
                "same_top5_as_chroma": 0.98,
                "avg_hits": 5.0,
            },
            {"size": 100000, "error": "MemoryError: boom"},
        ]
    },
    "load": {
        "customers": 20,
        "turns_each": 10,
        "turns": 200,
        "errors": 0,
        "apologies": 3,
        "turns_per_s": 1.25,
        "latency": _latency(0.5, 12.0, 200),
        "generative_p95_ratio": 6.2,
        "by_kind": {
            "template": {"requests": 80, "latency": _latency(0.05, 0.2, 80)},
            "generative": {"requests": 80, "latency": _latency(9.0, 24.0, 80), "kinds": {"model_sentence": 4}},
        },
    },
    "rss": {
        "llm_none": {"rasa": {"hwm_mb": 1200.0, "processes": 1, "sampled_peak_mb": 1190.0}},
        "llm_transformers": {"actions": {"hwm_mb": RSS_WARN_MB + 100.0, "processes": 1, "sampled_peak_mb": 3000.0}},
        "over_3gb": ["llm_transformers/actions"],
    },
    "baseline": {
        "salesbot": {"questions": 30, "latency": _latency(0.8, 2.0, 30), "invented_per_100": 0.0},
        "baseline": {"questions": 30, "latency": _latency(4.0, 6.0, 30), "invented_per_100": 40.0},
        "ratios": {"p50": 0.2, "p95": 0.333, "invented_per_100": 0.0},
    },
    "errors": ["retrieval.100000: MemoryError: boom"],
    "total_s": 812.4,
}


def test_format_bench_is_one_table_with_the_headline_figures():
    table = format_bench(SAMPLE_RESULT)
    lines = table.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("section"))
    assert set(lines[header + 1].replace(" ", "")) == {"-"}  # one rule under one header
    assert sum(line.startswith("section") for line in lines) == 1
    for expected in (
        "p50 0.041 s / p95 0.062 s",
        "model sentence in 2/20",
        "0.610 s / 21.4 tok/s",
        "ERROR: RuntimeError: out of memory",
        "180.2 products/s",
        "embedded 0 (ok)",
        "100000 products, random vectors",
        "index build 0.3 s; Chroma's own query p50 0.007 s / p95 0.014 s, same top 5 0.98",
        "ERROR: MemoryError: boom",
        "apologies 3",
        "6.2x",
        "OVER 3 GB",
        "invented facts 40.0 per 100",
        "p50 0.20x / p95 0.33x",
        "812 s",
    ):
        assert expected in table, expected
    # columns line up: every row's value column starts where the header's does
    value_column = lines[header].index("value")
    rows = [line for line in lines[header + 2 :] if not line.startswith("note:")]
    assert all(len(row) > value_column and row[value_column - 2 : value_column] == "  " for row in rows)


def test_format_bench_survives_an_empty_or_failed_run():
    assert "section" in format_bench({})
    failed = {"generator": {"error": "ImportError: no torch"}, "load": {"error": "not measured: StartupError: x"}}
    table = format_bench(failed)
    assert "ERROR: ImportError: no torch" in table
    assert "ERROR: not measured: StartupError: x" in table


def test_format_bench_flags_a_resync_that_embedded_something():
    result = {"ingest": {"products": 10, "resync_embedded": 4}}
    assert "WRONG: must be 0" in format_bench(result)


def test_a_failed_request_is_recorded_not_raised():
    import httpx

    from bot.cli.bench.servers import _turn, _web_get

    with httpx.Client(timeout=2) as client:
        turn = _turn(client, Settings(rasa_port=9), "bench-x", "template", "hi")  # port 9: nothing listens
        page = _web_get(client, Settings(web_port=9), "/widget.js")
    for record in (turn, page):
        assert record["ok"] is False and "ConnectError" in record["error"] and record["seconds"] >= 0
    assert turn["sender"] == "bench-x" and "reply" not in turn


def test_the_apology_marker_is_the_actions_real_apology():
    from actions.replies import TROUBLE_REPLY
    from bot.cli.supervisor import TROUBLE_MARKER

    assert TROUBLE_MARKER in TROUBLE_REPLY


def test_the_generator_benchmark_times_the_real_reply_prompt():
    from bot.cli.bench.generator import _realistic_messages

    messages, question = _realistic_messages()
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert question in messages[-1]["content"] and "{1.name}" in messages[-1]["content"]
