"""Performance benchmark of the whole assistant, in one run.

What it measures (each section records its own error and the run goes on):

1. REST latency of the real, running assistant for three kinds of turn: template turns
   (Rasa alone), factual answers (action server started with SALESBOT_LLM_BACKEND=none:
   retrieval and code-decided facts only) and generative answers (the same questions with
   the local transformers model writing its sentence and the fact gate checking it). A
   generative reply "carried the model's sentence" when it is the factual reply for the
   same question with a sentence in front of it.
2. Generator speed of `TransformersGenerator` (int8 and float32), through its own
   `generate(on_token=...)`: time to first token and decode tokens/s on the real reply prompt
   with realistic facts.
3. Ingest throughput of a synthetic catalogue with the real embedding model into a fresh
   Chroma store, and a re-sync when nothing changed (must embed nothing).
4. Retrieval latency (`CatalogStore.search_products` with category + budget + in-stock
   filters, served by the store's in-memory index) at several catalogue sizes, beside the same
   queries through Chroma's own filtered query. Real embeddings at the ingested size; at every
   size also random unit vectors inserted directly (embedding 100k documents on 2 cores takes
   too long), with the query embedding timed separately.
5. Concurrent simulated customers over REST (mixed turns): errors, latency, turns/s and
   how much slower generative turns get under load.
6. Peak RSS of the Rasa server and the action server (kernel VmHWM of each process tree,
   plus the sampled peak of their summed RSS).
7. A naive baseline: a plain LangChain "retrieve top-4, stuff them into the prompt, let the
   model answer" chain with the same generator, against salesbot's engine on the same
   look-up and comparison questions, both checked with `knowledge.evaluation.invented_claims`.

The servers run on their own ports with their own var dir (`<var>/bench`), so nothing of a
running assistant is touched. Heavy libraries are imported inside the sections, so the pure
helpers (percentiles, the synthetic catalogue, the table) import quickly.
"""

from __future__ import annotations

import gc
import json
import logging
import math
import os
import platform
import random
import shutil
import subprocess
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot import supervisor
from bot.settings import PROJECT_ROOT, Settings

log = logging.getLogger(__name__)

BENCH_RASA_PORT = 5205
BENCH_ACTION_PORT = 5255
BENCH_SHOP = "bench"
SAMPLE_CATALOG = PROJECT_ROOT / "data" / "catalog"
SAMPLE_QUESTIONS = PROJECT_ROOT / "data" / "eval" / "sample_questions.jsonl"
EMBEDDING_DIM = 384  # all-MiniLM-L6-v2
RSS_WARN_MB = 3 * 1024
SYNTHETIC_SEED = 20261123
REQUESTS_PER_TURN_TYPE = 20
RETRIEVAL_QUERIES = 50
GENERATOR_RUNS = 3
BASELINE_QUESTIONS = 30
BASELINE_TOP_K = 4
BASELINE_MAX_NEW_TOKENS = 96  # the naive chain must state the facts itself, so it gets more room
BASELINE_TIME_LIMIT = 30.0
REST_TIMEOUT = 300.0
TROUBLE_MARKER = "having trouble looking that up"  # actions.replies.TROUBLE_REPLY: the action gave up

TEMPLATE_TURNS = (
    "hi",
    "thanks",
    "are you a bot?",
    "hello there",
    "thank you",
    "are you a human?",
    "good morning",
    "perfect, thanks",
)
# Questions about the sample catalogue, each naming its products: used for the factual and the
# generative sets and by the simulated customers, so every generative reply has a factual reference.
PRODUCT_TURNS = (
    "how much is the Lumen Air 13?",
    "is the Corvid Talon 15 in stock?",
    "compare the Sonora Aria and the Hushwave Lull",
    "what does the Nimbus Breeze cost?",
    "do you have the Tessel Slate 11 in stock?",
    "which is lighter, the Lumen Air 13 or the Nimbus Cirrus 13?",
    "price of the Vistara Horizon 27",
    "how much is the Arcfield Bastion?",
    "compare the Lumen Pulse 6 and the Corvid Raptor X",
    "is the Nimbus Kite 10 available?",
    "tell me about the Corvid Apex 27",
    "how much does the Corvid Blade 16 Pro cost?",
    "is the Sonora Echo in stock?",
    "compare the Arcfield Tally 24 with the Nimbus Glide 24",
    "what's the price of the Tessel Quill 14?",
    "does the Lumen Orbit have noise cancelling?",
    "how much is the Nimbus Zephyr 5?",
    "which has the longer battery, the Sonora Aria or the Corvid Vortex?",
    "is the Vistara Vue 12 available?",
    "what does the Arcfield Ledger 14 cost?",
)
POLICY_TURNS = (
    "how long does delivery take?",
    "what's your return policy?",
    "what payment methods do you accept?",
    "how long is the warranty?",
)


# ---- pure helpers ------------------------------------------------------------------------
def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0..100) with linear interpolation between ranks (numpy's default); None if empty."""
    if not values:
        return None
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} is not between 0 and 100")
    ordered = sorted(float(v) for v in values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def latency_summary(seconds: Sequence[float]) -> dict[str, Any]:
    return {
        "n": len(seconds),
        "p50_s": percentile(seconds, 50),
        "p95_s": percentile(seconds, 95),
        "mean_s": sum(seconds) / len(seconds) if seconds else None,
        "max_s": max(seconds) if seconds else None,
    }


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def bench_settings(settings: Settings) -> Settings:
    """The benchmark's own ports, var dir, shop and embedded store; models and tuning as configured."""
    return replace(
        settings,
        var_dir=settings.var_dir / "bench",
        shop=BENCH_SHOP,
        chroma_url="",
        rasa_port=BENCH_RASA_PORT,
        action_port=BENCH_ACTION_PORT,
        rasa_auth_token="",
        tracker_db="",
    )


def settings_env(settings: Settings) -> dict[str, str]:
    """SALESBOT_* variables that make `load_settings()` in a child process return these settings."""
    env = {}
    for item in fields(Settings):
        value = getattr(settings, item.name)
        env[f"SALESBOT_{item.name.upper()}"] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return env


def classify_reply(reply: str, reference: str | None) -> str:
    """How a generative reply relates to the factual reply for the same question.

    "model_sentence": the facts with the model's sentence in front; "facts_only": the facts as
    rendered (the sentence was rejected or not needed); "apology": the action gave up;
    "other": anything else (e.g. NLU routed the question elsewhere); "unknown": no reference.
    """
    if TROUBLE_MARKER in reply:
        return "apology"
    if not reference:
        return "unknown"
    if reply == reference:
        return "facts_only"
    if reply.endswith("\n" + reference) and reply[: -len(reference)].strip():
        return "model_sentence"
    return "other"


def customer_script(index: int, turns: int) -> list[tuple[str, str]]:
    """A simulated customer's turns as (kind, text); kinds: template, generative, policy."""
    p = PRODUCT_TURNS
    pattern = [
        ("template", "hi"),
        ("generative", p[index % len(p)]),
        ("policy", POLICY_TURNS[index % len(POLICY_TURNS)]),
        ("generative", p[(index + 5) % len(p)]),
        ("template", "are you a bot?"),
        ("generative", p[(index + 10) % len(p)]),
        ("policy", POLICY_TURNS[(index + 1) % len(POLICY_TURNS)]),
        ("generative", p[(index + 15) % len(p)]),
        ("template", "thanks"),
        ("template", "bye"),
    ]
    return [pattern[i % len(pattern)] for i in range(turns)]


# ---- a synthetic catalogue ----------------------------------------------------------------
_BRANDS = (
    "Lumen", "Corvid", "Arcfield", "Nimbus", "Vistara", "Tessel", "Sonora", "Hushwave", "Quillon", "Brightwater",
    "Kestrel", "Obsidia", "Pellucid", "Ravenna", "Solstice", "Tundra", "Umbra", "Verdant", "Wexford", "Zephyrine",
)  # fmt: skip
_MODEL_WORDS = (
    "Air", "Aura", "Blade", "Talon", "Ledger", "Forge", "Cirrus", "Stratus", "Canvas", "Quill", "Cadence", "Nova",
    "Pulse", "Halo", "Raptor", "Bastion", "Drift", "Zephyr", "Prism", "Origami", "Lyric", "Sage", "Aria", "Echo",
    "Haven", "Lull", "Vortex", "Stride", "Breeze", "Meridian", "Orbit", "Loop", "Horizon", "Panorama", "Apex",
    "Ember", "Tally", "Keystone", "Atrium", "Glide", "Slate", "Mosaic", "Folio", "Kite", "Pebble", "Rampart",
    "Vue", "Falcon", "Summit", "Harbor", "Lantern", "Comet", "Fjord", "Mistral", "Cobalt", "Quartz", "Tempo",
    "Vertex", "Willow", "Juniper",
)  # fmt: skip
_SUFFIXES = ("", "", "", " Pro", " Max", " Lite", " Plus", " Mini", " S", " X")
_ADJECTIVES = (
    "sleek", "rugged", "compact", "lightweight", "premium", "affordable", "versatile", "powerful", "quiet",
    "elegant", "durable", "slim", "bright", "fast", "reliable",
)  # fmt: skip
_USES = (
    "for students", "for travel", "for gaming", "for the office", "for creative work", "for families",
    "for commuting", "for working from home", "for fitness", "for everyday use", "for photographers",
    "for music lovers",
)  # fmt: skip
_TRAITS = (
    "an all-day battery", "a crisp display", "a solid aluminium body", "fast charging", "a whisper-quiet design",
    "a generous warranty", "an easy setup", "excellent sound", "a comfortable fit", "quick wake from sleep",
    "a bright, colour-accurate screen", "long-lasting build quality",
)  # fmt: skip


def _laptop(rng: random.Random) -> dict[str, Any]:
    return {
        "screen_inches": rng.choice([13.3, 14.0, 15.6, 16.0]),
        "weight_kg": round(rng.uniform(0.95, 2.6), 2),
        "battery_hours": rng.randint(5, 22),
        "ram_gb": rng.choice([8, 16, 32, 64]),
        "storage_gb": rng.choice([256, 512, 1024, 2048]),
        "cpu": f"{rng.choice([4, 6, 8, 10, 12])}-core, {rng.choice(['3.2', '3.8', '4.2', '4.6', '5.0'])} GHz",
        "gpu": rng.choice(["integrated", "RTX 4050", "RTX 4060", "RTX 4070", "Radeon 780M"]),
    }


def _phone(rng: random.Random) -> dict[str, Any]:
    return {
        "screen_inches": rng.choice([5.8, 6.1, 6.4, 6.7, 6.9]),
        "weight_g": rng.randint(150, 240),
        "battery_mah": rng.choice([3500, 4000, 4500, 5000, 5500]),
        "camera_mp": rng.choice([12, 48, 50, 64, 108, 200]),
        "storage_gb": rng.choice([64, 128, 256, 512]),
        "five_g": rng.random() < 0.8,
    }


def _headphones(rng: random.Random) -> dict[str, Any]:
    return {
        "type": rng.choice(["over-ear", "on-ear", "in-ear"]),
        "wireless": rng.random() < 0.85,
        "noise_cancelling": rng.random() < 0.5,
        "battery_hours": rng.randint(6, 60),
        "weight_g": rng.randint(5, 350),
    }


def _monitor(rng: random.Random) -> dict[str, Any]:
    return {
        "screen_inches": rng.choice([24.0, 27.0, 32.0, 34.0]),
        "resolution": rng.choice(["1920x1080", "2560x1440", "3840x2160", "3440x1440"]),
        "refresh_hz": rng.choice([60, 75, 120, 144, 165, 240]),
        "panel": rng.choice(["IPS", "VA", "OLED", "TN"]),
        "ports": rng.choice(["HDMI, DisplayPort", "HDMI, USB-C", "HDMI, DisplayPort, USB-C"]),
    }


def _tablet(rng: random.Random) -> dict[str, Any]:
    return {
        "screen_inches": rng.choice([8.0, 10.1, 11.0, 12.4, 13.0]),
        "weight_g": rng.randint(290, 720),
        "battery_hours": rng.randint(8, 16),
        "storage_gb": rng.choice([64, 128, 256, 512]),
        "stylus_support": rng.random() < 0.6,
    }


def _smartwatch(rng: random.Random) -> dict[str, Any]:
    return {
        "battery_hours": rng.choice([18, 24, 36, 48, 72, 168]),
        "weight_g": rng.randint(25, 70),
        "gps": rng.random() < 0.7,
        "water_resistance": rng.choice(["IP68", "5 ATM", "10 ATM"]),
    }


def _speaker(rng: random.Random) -> dict[str, Any]:
    return {
        "power_w": rng.choice([10, 20, 30, 50, 100]),
        "battery_hours": rng.randint(6, 30),
        "weight_kg": round(rng.uniform(0.3, 3.5), 2),
        "waterproof": rng.random() < 0.5,
    }


def _camera(rng: random.Random) -> dict[str, Any]:
    return {
        "sensor": rng.choice(["full frame", "APS-C", "micro four thirds", "1-inch"]),
        "resolution_mp": rng.choice([20, 24, 26, 33, 45, 61]),
        "weight_g": rng.randint(300, 950),
        "video": rng.choice(["4K 30p", "4K 60p", "6K 30p", "8K 24p"]),
    }


# category: (SKU prefix, singular noun, price range, spec maker)
_CATEGORIES: dict[str, tuple[str, str, tuple[float, float], Callable[[random.Random], dict[str, Any]]]] = {
    "laptops": ("LAP", "laptop", (399, 2999), _laptop),
    "smartphones": ("PHN", "smartphone", (149, 1499), _phone),
    "headphones": ("HPH", "pair of headphones", (29, 499), _headphones),
    "monitors": ("MON", "monitor", (119, 1499), _monitor),
    "tablets": ("TAB", "tablet", (149, 1299), _tablet),
    "smartwatches": ("WAT", "smartwatch", (79, 899), _smartwatch),
    "speakers": ("SPK", "speaker", (39, 599), _speaker),
    "cameras": ("CAM", "camera", (399, 3999), _camera),
}


def synthetic_catalog(size: int, seed: int = SYNTHETIC_SEED) -> list[dict[str, Any]]:
    """`size` realistic product records (valid for `knowledge.catalog.parse_product`), the same for the same seed."""
    rng = random.Random(seed)
    categories = list(_CATEGORIES)
    products = []
    for index in range(size):
        category = categories[index % len(categories)] if index < len(categories) else rng.choice(categories)
        prefix, noun, (low, high), make_specs = _CATEGORIES[category]
        brand = rng.choice(_BRANDS)
        model = f"{rng.choice(_MODEL_WORDS)} {rng.randint(2, 99)}{rng.choice(_SUFFIXES)}"
        name = f"{brand} {model}"
        price = round(math.exp(rng.uniform(math.log(low), math.log(high)))) - rng.choice([0.01, 0.0, 0.0])
        adjectives = rng.sample(_ADJECTIVES, 3)
        uses = rng.sample(_USES, 2)
        traits = rng.sample(_TRAITS, 2)
        description = (
            f"A {adjectives[0]} {noun} {uses[0]}, with {traits[0]} and {traits[1]}. "
            f"{adjectives[1].capitalize()} and {adjectives[2]}, it also suits anyone shopping {uses[1]}."
        )
        sku = f"{prefix}-{brand[:3].upper()}-{index:06d}"
        products.append(
            {
                "sku": sku,
                "name": name,
                "category": category,
                "brand": brand,
                "price": max(price, 1.0),
                "currency": "EUR",
                "stock": 0 if rng.random() < 0.15 else rng.randint(1, 80),
                "description": description,
                "url": f"https://shop.example/p/{sku.lower()}",
                "specs": make_specs(rng),
            }
        )
    return products


def retrieval_queries(products: Sequence[Any], count: int, seed: int = SYNTHETIC_SEED) -> list[tuple[str, Any]]:
    """(query text, ProductFilter) pairs: a use case in a category, a budget near the category's median price."""
    from knowledge.store import ProductFilter

    rng = random.Random(seed + 1)
    prices: dict[str, list[float]] = {}
    for product in products:
        prices.setdefault(product.category, []).append(product.price)
    categories = sorted(prices)
    queries = []
    seen: set[str] = set()
    for index in range(count):
        category = categories[index % len(categories)]
        budget = round(percentile(prices[category], rng.choice([40, 50, 60, 75])) or 0)
        noun = _CATEGORIES.get(category, ("", category))[1]
        text = ""
        for _ in range(100):  # distinct texts, so every query embedding is computed, not cached
            text = f"{rng.choice(_ADJECTIVES)} {noun} {rng.choice(_USES)} with {rng.choice(_TRAITS)}"
            if text not in seen:
                break
        else:
            text = f"{text} ({index})"
        seen.add(text)
        queries.append((text, ProductFilter(category=category, max_price=budget, in_stock_only=True)))
    return queries


# ---- the table -----------------------------------------------------------------------------
def _s(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _p(summary: dict[str, Any] | None) -> str:
    if not summary or not summary.get("n"):
        return "n/a"
    return f"p50 {_s(summary.get('p50_s'))} s / p95 {_s(summary.get('p95_s'))} s"


def _err(value: dict[str, Any] | None) -> str | None:
    if isinstance(value, dict) and value.get("error"):
        return f"ERROR: {str(value['error']).splitlines()[0][:90]}"
    return None


def format_bench(result: dict) -> str:
    """One table of the headline figures; the full detail is in the JSON file."""
    rows: list[tuple[str, str, str, str]] = []

    def add(section: str, metric: str, value: str, note: str = "") -> None:
        rows.append((section, metric, value, note))

    meta = result.get("meta", {})
    rest = result.get("rest_latency") or {}
    for key, label in (
        ("template", "template turns (Rasa only)"),
        ("factual", "factual turns (LLM none)"),
        ("generative", "generative turns (transformers)"),
    ):
        part = rest.get(key)
        if part is None:
            continue
        error = _err(part)
        note = f"errors {part.get('errors', 0)}"
        if part.get("kinds"):
            kinds = part["kinds"]
            note += f"; model sentence in {kinds.get('model_sentence', 0)}/{part.get('requests', 0)}"
            if kinds.get("other") or kinds.get("apology"):
                note += f", other {kinds.get('other', 0)}, apologies {kinds.get('apology', 0)}"
        elif key == "factual":
            note += f"; product cards {part.get('with_custom', 0)}/{part.get('requests', 0)}"
        add(
            "1 REST latency", f"{label} n={part.get('latency', {}).get('n', 0)}", error or _p(part.get("latency")), note
        )

    generator = result.get("generator") or {}
    if _err(generator):
        add("2 generator", "transformers", _err(generator) or "")
    for label, part in (generator.get("variants") or {}).items():
        if _err(part):
            add("2 generator", label, _err(part) or "")
            continue
        add(
            "2 generator",
            f"{label}: first token / decode",
            f"{_s(part.get('ttft_s'))} s / {_s(part.get('decode_tokens_per_s'), 1)} tok/s",
            f"prompt {generator.get('prompt_tokens')} tok, {part.get('new_tokens')} new tok, "
            f"total {_s(part.get('total_s'), 2)} s, load {_s(part.get('load_s'), 1)} s",
        )

    ingest = result.get("ingest") or {}
    if ingest:
        if _err(ingest) and not ingest.get("products"):
            add("3 ingest", "synthetic catalogue", _err(ingest) or "")
        else:
            add(
                "3 ingest",
                f"{ingest.get('products')} products, real embeddings",
                f"{_s(ingest.get('products_per_s'), 1)} products/s",
                f"{_s(ingest.get('seconds'), 1)} s, embedded {ingest.get('embedded')}, "
                f"model load {_s(ingest.get('embedding_load_s'), 1)} s",
            )
            embedded = ingest.get("resync_embedded")
            verdict = "ok" if embedded == 0 else "WRONG: must be 0"
            add(
                "3 ingest",
                "re-sync, nothing changed",
                f"{_s(ingest.get('resync_s'), 2)} s",
                f"embedded {embedded} ({verdict})",
            )
            if _err(ingest):
                add("3 ingest", "later step", _err(ingest) or "")

    retrieval = result.get("retrieval") or {}
    if ingest.get("query_embedding"):
        add("4 retrieval", "query embedding (MiniLM, uncached)", _p(ingest["query_embedding"]))
    if ingest.get("search_real"):
        add(
            "4 retrieval",
            f"{ingest.get('products')} products, real vectors",
            _p(ingest["search_real"]),
            f"search only (embedding cached); avg hits {_s(ingest.get('avg_hits'), 1)}",
        )
    if _err(retrieval):
        add("4 retrieval", "random vectors", _err(retrieval) or "")
    for row in retrieval.get("sizes", []):
        metric = f"{row.get('size')} products, random vectors"
        if _err(row):
            add("4 retrieval", metric, _err(row) or "")
            continue
        add(
            "4 retrieval",
            metric,
            _p(row.get("search")),
            f"insert {_s(row.get('insert_s'), 1)} s; index build {_s(row.get('index_build_s'), 1)} s; "
            f"Chroma's own query {_p(row.get('search_chroma_query'))}, "
            f"same top 5 {_s(row.get('same_top5_as_chroma'), 2)}; "
            f"avg hits {_s(row.get('avg_hits'), 1)}",
        )

    load = result.get("load") or {}
    if load:
        if _err(load) and not load.get("turns"):
            add("5 load", "simulated customers", _err(load) or "")
        else:
            add(
                "5 load",
                f"{load.get('customers')} customers x {load.get('turns_each')} turns, all",
                _p(load.get("latency")),
                f"{load.get('turns')} turns, errors {load.get('errors')}, apologies {load.get('apologies')}, "
                f"{_s(load.get('turns_per_s'), 2)} turns/s",
            )
            for kind, part in (load.get("by_kind") or {}).items():
                note = ""
                if kind == "generative":
                    note = (
                        f"p95 under load / single customer = {_s(load.get('generative_p95_ratio'), 1)}x; "
                        f"model sentence in {part.get('kinds', {}).get('model_sentence', 0)}/{part.get('requests')}"
                    )
                add("5 load", f"  {kind} turns", _p(part.get("latency")), note)

    rss = result.get("rss") or {}
    for start, part in rss.items():
        if not isinstance(part, dict) or start == "over_3gb":
            continue
        if _err(part):
            add("6 peak RSS", start, _err(part) or "")
            continue
        for name in ("rasa", "actions"):
            service = part.get(name)
            if not service:
                continue
            flag = " OVER 3 GB" if (service.get("hwm_mb") or 0) > RSS_WARN_MB else ""
            add(
                "6 peak RSS",
                f"{name} server ({start})",
                f"{_s(service.get('hwm_mb'), 0)} MB{flag}",
                f"VmHWM of {service.get('processes')} process(es); sampled peak "
                f"{_s(service.get('sampled_peak_mb'), 0)} MB; at the end {_s(service.get('rss_at_end_mb'), 0)} MB",
            )

    baseline = result.get("baseline") or {}
    if baseline:
        if _err(baseline) and not baseline.get("baseline"):
            add("7 baseline", "naive stuff chain vs salesbot", _err(baseline) or "")
        else:
            for key, label in (("baseline", "naive LangChain stuff chain"), ("salesbot", "salesbot engine")):
                part = baseline.get(key) or {}
                note = (
                    f"invented facts {_s(part.get('invented_per_100'), 1)} per 100 replies "
                    f"(lenient {_s(part.get('invented_per_100_lenient'), 1)}); "
                    f"fact accuracy {_s(part.get('fact_accuracy'), 2)}"
                )
                if key == "salesbot":
                    note += f"; model sentence {part.get('model_sentence_used')}/{part.get('questions')}"
                add("7 baseline", f"{label} ({part.get('questions')} q)", _p(part.get("latency")), note)
            ratios = baseline.get("ratios") or {}
            add(
                "7 baseline",
                "salesbot / baseline",
                f"p50 {_s(ratios.get('p50'), 2)}x / p95 {_s(ratios.get('p95'), 2)}x",
                f"invented facts {_s(ratios.get('invented_per_100'), 2)}x "
                f"(lenient {_s(ratios.get('invented_per_100_lenient'), 2)}x)",
            )

    for error in result.get("errors", []):
        add("errors", "", str(error).splitlines()[0][:110])
    add("total", "wall time of the run", f"{_s(result.get('total_s'), 0)} s", meta.get("finished_at", ""))

    headers = ("section", "measurement", "value", "notes")
    widths = [max(len(headers[i]), *(len(r[i]) for r in rows)) for i in range(3)]
    line = "  ".join("-" * w for w in widths) + "  " + "-" * 5
    title = (
        f"salesbot benchmark  {meta.get('started_at', '')}  cpus={meta.get('cpus')}  "
        f"model={meta.get('llm_model')} int8={meta.get('llm_int8')} threads={meta.get('llm_threads')}"
    )
    out = [title, "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=False)) + "  " + headers[3], line]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + "  " + r[3] for r in rows]
    notes = meta.get("notes") or []
    return "\n".join([row.rstrip() for row in out] + [f"note: {n}" for n in notes])


# ---- sections -------------------------------------------------------------------------------
def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _record_error(result: dict, section: str, exc: BaseException) -> dict[str, Any]:
    log.exception("benchmark section %s failed", section)
    result.setdefault("errors", []).append(f"{section}: {_error_text(exc)}")
    return {"error": _error_text(exc), "traceback": traceback.format_exc()[-3000:]}


def _write(result: dict, out_json: Path) -> None:
    out_json.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_json.with_suffix(out_json.suffix + ".tmp")
    tmp.write_text(json.dumps(result, indent=2, default=str))
    tmp.replace(out_json)


def _free_memory() -> None:
    try:
        from chromadb.api.client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
    except Exception:  # an older or newer chromadb without this helper: nothing to free
        pass
    gc.collect()


def _realistic_messages() -> tuple[list[dict[str, str]], str]:
    """The real reply prompt for a comparison with facts rendered from the sample catalogue."""
    from knowledge import answers
    from knowledge.answers import CustomerContext
    from knowledge.catalog import load_catalog
    from knowledge.prompts import reply_prompt
    from knowledge.writer import to_messages

    catalog = {p.name: p for p in load_catalog(SAMPLE_CATALOG).products}
    answer = answers.compare([catalog["Lumen Air 13"], catalog["Nimbus Cirrus 13"]], None)
    context = CustomerContext(name="Sam", category="laptops", budget=1000, use_case="university")
    question = "Which one is better for carrying around campus all day, the Lumen Air 13 or the Nimbus Cirrus 13?"
    prompt = reply_prompt().invoke({"facts": answer.rendered, "profile": context.describe(), "question": question})
    return to_messages(prompt), question


def _timed_generation(generator: Any, messages: list[dict[str, str]], new_tokens: int) -> dict[str, Any]:
    """One greedy generation of exactly `new_tokens` tokens, with a timestamp at every token."""
    times: list[float] = []
    started = time.perf_counter()
    generator.generate(
        messages,
        max_new_tokens=new_tokens,
        min_new_tokens=new_tokens,
        time_limit=REST_TIMEOUT,
        on_token=lambda: times.append(time.perf_counter()),
    )
    total = time.perf_counter() - started
    produced = len(times)
    decode = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 and times[-1] > times[0] else None
    return {
        "prompt_tokens": generator.prompt_tokens(messages),
        "new_tokens": produced,
        "ttft_s": times[0] - started if times else None,
        "decode_tokens_per_s": decode,
        "overall_tokens_per_s": produced / total if total else None,
        "total_s": total,
    }


def bench_generator(settings: Settings, runs: int = GENERATOR_RUNS) -> dict[str, Any]:
    from knowledge.generation import TransformersGenerator

    messages, question = _realistic_messages()
    new_tokens = settings.llm_max_new_tokens
    out: dict[str, Any] = {
        "model": settings.llm_model,
        "threads": settings.llm_threads,
        "new_tokens": new_tokens,
        "runs": runs,
        "question": question,
        "method": "greedy, min_new_tokens = max_new_tokens; a stopping-criteria timestamp at every token; "
        "first token = prompt formatting + tokenising + prefill + first decode step; median of the runs",
        "variants": {},
    }
    for label, int8 in (("int8", True), ("fp32", False)):
        generator: Any = None
        try:
            generator = TransformersGenerator(settings.llm_model, settings.model_cache, settings.llm_threads, int8)
            started = time.perf_counter()
            generator.load()
            load_s = time.perf_counter() - started
            generator.generate(messages, max_new_tokens=4, time_limit=60)  # warm-up, untimed
            samples = [_timed_generation(generator, messages, new_tokens) for _ in range(runs)]
            started = time.perf_counter()
            text = generator.generate(messages, max_new_tokens=new_tokens, time_limit=60)
            public_s = time.perf_counter() - started
            out["prompt_tokens"] = samples[0]["prompt_tokens"]

            def median(key: str, samples: list[dict[str, Any]] = samples) -> float | None:
                values = [s[key] for s in samples if s[key] is not None]
                return percentile(values, 50)

            out["variants"][label] = {
                "load_s": load_s,
                "new_tokens": samples[0]["new_tokens"],
                "ttft_s": median("ttft_s"),
                "decode_tokens_per_s": median("decode_tokens_per_s"),
                "overall_tokens_per_s": median("overall_tokens_per_s"),
                "total_s": median("total_s"),
                "samples": samples,
                "generate_call_s": public_s,
                "generate_call_text": text,
            }
        except Exception as exc:
            out["variants"][label] = {"error": _error_text(exc), "traceback": traceback.format_exc()[-3000:]}
        finally:
            del generator
            gc.collect()
    return out


def bench_ingest(bs: Settings, size: int, queries: int = RETRIEVAL_QUERIES) -> dict[str, Any]:
    from knowledge.catalog import LoadResult, parse_product
    from knowledge.embeddings import PackagedMiniLMEmbeddings
    from knowledge.store import CatalogStore, make_client

    out: dict[str, Any] = {"products": size, "store": "fresh embedded Chroma", "seed": SYNTHETIC_SEED}
    path = bs.var_dir / "ingest-chroma"
    shutil.rmtree(path, ignore_errors=True)
    products = [parse_product(raw) for raw in synthetic_catalog(size)]
    embeddings = PackagedMiniLMEmbeddings()
    started = time.perf_counter()
    embeddings.embed_query("warm up")
    out["embedding_load_s"] = time.perf_counter() - started
    store = CatalogStore(make_client(chroma_path=str(path)), "bench_ingest", embeddings)
    loaded = LoadResult(products=products)
    started = time.perf_counter()
    report = store.sync(loaded)
    out["seconds"] = time.perf_counter() - started
    out["products_per_s"] = size / out["seconds"] if out["seconds"] else None
    out["embedded"] = report.embedded
    before = embeddings.documents_embedded
    started = time.perf_counter()
    again = store.sync(loaded)
    out["resync_s"] = time.perf_counter() - started
    out["resync_embedded"] = again.embedded
    out["resync_embedding_calls_documents"] = embeddings.documents_embedded - before
    out["resync_report"] = str(again)
    try:
        pairs = retrieval_queries(products, queries)
        embed_times = []
        for text, _ in pairs:  # every text is new, so this is the uncached cost
            started = time.perf_counter()
            embeddings.embed_query(text)
            embed_times.append(time.perf_counter() - started)
        search_times, hits = [], []
        for text, flt in pairs:
            started = time.perf_counter()
            found = store.search_products(text, flt, k=5)
            search_times.append(time.perf_counter() - started)
            hits.append(len(found))
        out["query_embedding"] = latency_summary(embed_times)
        out["search_real"] = latency_summary(search_times)
        out["avg_hits"] = sum(hits) / len(hits) if hits else None
    except Exception as exc:
        out.update({"error": f"retrieval on the ingested store: {_error_text(exc)}"})
    finally:
        del store
        _free_memory()
        shutil.rmtree(path, ignore_errors=True)
    return out


class _QueryVectors:
    """Embeddings stand-in for the scale test: each query text maps to a precomputed unit vector."""

    def __init__(self, vectors: dict[str, list[float]]) -> None:
        self.vectors = vectors

    def embed_query(self, text: str) -> list[float]:
        return self.vectors[text]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        raise NotImplementedError("the scale test inserts its vectors directly")


def bench_retrieval(bs: Settings, sizes: Sequence[int], queries: int = RETRIEVAL_QUERIES) -> dict[str, Any]:
    import numpy as np

    from knowledge.catalog import parse_product
    from knowledge.store import CatalogStore, _product_records, make_client

    out: dict[str, Any] = {
        "method": f"random unit vectors of dimension {EMBEDDING_DIM} inserted directly (no embedding model); "
        f"{queries} queries with category + budget + in-stock filters, k=5, through CatalogStore.search_products "
        "(in-memory index; its build time is index_build_s) and, for comparison, through Chroma's own filtered "
        "query (search_chroma_query; same_top5_as_chroma = share of identical top-5 lists, HNSW is approximate); "
        "the query embedding is timed separately (see ingest.query_embedding)",
        "sizes": [],
    }
    path = bs.var_dir / "scale-chroma"
    shutil.rmtree(path, ignore_errors=True)
    client = make_client(chroma_path=str(path))
    try:
        batch = min(5000, int(client.get_max_batch_size()))
    except Exception:
        batch = 5000
    for size in sizes:
        name = f"bench_scale_{size}"
        row: dict[str, Any] = {"size": size}
        try:
            products = [parse_product(raw) for raw in synthetic_catalog(size)]
            records = list(_product_records(products).items())
            rng = np.random.default_rng(size)
            pairs = retrieval_queries(products, queries)
            query_vectors = rng.standard_normal((len(pairs), EMBEDDING_DIM)).astype(np.float32)
            query_vectors /= np.linalg.norm(query_vectors, axis=1, keepdims=True)
            store = CatalogStore(
                client, name, _QueryVectors({t: v.tolist() for (t, _), v in zip(pairs, query_vectors, strict=True)})
            )
            started = time.perf_counter()
            for start in range(0, len(records), batch):
                chunk = records[start : start + batch]
                vectors = rng.standard_normal((len(chunk), EMBEDDING_DIM)).astype(np.float32)
                vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
                store.collection.add(
                    ids=[doc_id for doc_id, _ in chunk],
                    embeddings=vectors,
                    documents=[r["text"] for _, r in chunk],
                    metadatas=[r["metadata"] for _, r in chunk],
                )
            row["insert_s"] = time.perf_counter() - started
            del records
            started = time.perf_counter()
            store.load_index()
            row["index_build_s"] = time.perf_counter() - started
            times, hits, chroma_times, same = [], [], [], 0
            for (text, flt), vector in zip(pairs, query_vectors, strict=True):
                started = time.perf_counter()
                found = store.search_products(text, flt, k=5)
                times.append(time.perf_counter() - started)
                hits.append(len(found))
                started = time.perf_counter()  # the same query through Chroma's own filtered search
                direct = store.collection.query(
                    query_embeddings=[vector.tolist()], n_results=5, where=flt.to_where(), include=[]
                )
                chroma_times.append(time.perf_counter() - started)
                same += [h.product.sku for h in found] == [i.split(":", 1)[1] for i in direct["ids"][0]]
            row["search"] = latency_summary(times)
            row["search_chroma_query"] = latency_summary(chroma_times)
            row["same_top5_as_chroma"] = same / len(pairs) if pairs else None
            row["avg_hits"] = sum(hits) / len(hits) if hits else None
        except Exception as exc:
            row.update({"error": _error_text(exc), "traceback": traceback.format_exc()[-3000:]})
        finally:
            try:
                client.delete_collection(name)
            except Exception:
                log.warning("could not delete the benchmark collection %s", name)
            gc.collect()
        out["sizes"].append(row)
    del client
    _free_memory()
    shutil.rmtree(path, ignore_errors=True)
    return out


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
    from bot.wiring import build_engine
    from knowledge.catalog import load_catalog
    from knowledge.evaluation import ask, invented_claims, load_questions

    es = replace(bs, var_dir=bs.var_dir / "baseline", llm_backend="transformers")
    shutil.rmtree(es.chroma_path, ignore_errors=True)
    engine = build_engine(es)
    try:
        engine.store.sync(load_catalog(SAMPLE_CATALOG))
        engine.refresh()
        engine.warm()
        if engine.writer.generator is None:
            raise RuntimeError("the transformers model could not be loaded (see the log)")
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
            f"a plain prompt; same TransformersGenerator; max_new_tokens={BASELINE_MAX_NEW_TOKENS}, "
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
        _free_memory()


# ---- the running assistant ------------------------------------------------------------------
def _process_tree(pid: int) -> list[Any]:
    import psutil

    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def _vm_hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class RssMonitor:
    """Samples the summed RSS of each service's process tree; at stop, reads each process's VmHWM."""

    def __init__(self, services: list[supervisor.Service], interval: float = 0.5) -> None:
        self.services = services
        self.interval = interval
        self.peaks: dict[str, float] = {s.name: 0.0 for s in services}
        self.peak_total = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-rss", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _sample(self) -> None:
        total = 0.0
        for service in self.services:
            if service.process is None:
                continue
            rss = 0.0
            for process in _process_tree(service.process.pid):
                try:
                    rss += process.memory_info().rss / 2**20
                except Exception:  # the process ended between listing and reading
                    continue
            self.peaks[service.name] = max(self.peaks[service.name], rss)
            total += rss
        self.peak_total = max(self.peak_total, total)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def stop(self) -> dict[str, Any]:
        self._sample()
        self._stop.set()
        self._thread.join(timeout=5)
        out: dict[str, Any] = {"sampled_peak_total_mb": self.peak_total}
        for service in self.services:
            tree = _process_tree(service.process.pid) if service.process else []
            processes = []
            for process in tree:
                try:
                    rss = process.memory_info().rss / 2**20
                    command = " ".join(process.cmdline())[-90:]
                except Exception:  # it ended meanwhile
                    continue
                processes.append({"pid": process.pid, "cmd": command, "hwm_mb": _vm_hwm_mb(process.pid), "rss_mb": rss})
            hwm = [p["hwm_mb"] for p in processes if p["hwm_mb"] is not None]
            out[service.name] = {
                "pid": service.process.pid if service.process else None,
                "processes": len(processes),
                "hwm_mb": sum(hwm) if hwm else None,
                "sampled_peak_mb": self.peaks[service.name],
                "rss_at_end_mb": sum(p["rss_mb"] for p in processes),
                "by_process": processes,
            }
        return out


def prepare_servers(settings: Settings, bs: Settings) -> dict[str, Any]:
    """A Rasa model in the bench models dir (the user's linked, else trained), a fresh tracker, the sample store."""
    info: dict[str, Any] = {}
    target = supervisor.models_dir(bs)
    target.mkdir(parents=True, exist_ok=True)
    trained = sorted(supervisor.models_dir(settings).glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if trained:
        for old in target.iterdir():
            old.unlink() if old.is_file() or old.is_symlink() else shutil.rmtree(old)
        (target / trained[-1].name).symlink_to(trained[-1].resolve())
        info["rasa_model"] = f"linked {trained[-1]}"
    elif not list(target.glob("*.tar.gz")):
        started = time.perf_counter()
        done = subprocess.run(
            supervisor.train_command(bs),
            cwd=PROJECT_ROOT,
            env={**os.environ, **supervisor.rasa_env(bs)},
            capture_output=True,
            text=True,
            timeout=3600,
        )
        if done.returncode != 0:
            raise RuntimeError(f"rasa train failed: {done.stdout[-1500:]}\n{done.stderr[-1500:]}")
        info["rasa_model"] = f"trained in {time.perf_counter() - started:.0f} s"
    else:
        info["rasa_model"] = f"kept {sorted(target.glob('*.tar.gz'))[-1]}"
    Path(bs.tracker_db_path).unlink(missing_ok=True)
    shutil.rmtree(bs.var_dir / "logs", ignore_errors=True)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ingest", str(SAMPLE_CATALOG)],
        cwd=PROJECT_ROOT,
        env={**os.environ, **settings_env(bs)},
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if done.returncode != 0:
        raise RuntimeError(f"ingest of the sample catalogue failed: {done.stdout[-1500:]}\n{done.stderr[-1500:]}")
    info["ingest"] = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    info["ingest_s"] = time.perf_counter() - started
    return info


@contextmanager
def running_assistant(bs: Settings, backend: str, record: dict[str, Any]) -> Iterator[Settings]:
    """Both servers with this LLM backend, healthy and warmed up; their peak RSS goes into record["rss"]."""
    s = replace(bs, llm_backend=backend)
    env = settings_env(s)
    actions = supervisor.action_service(s)
    actions.env = {**env, **actions.env}
    rasa = supervisor.rasa_service(s)
    rasa.env = {**env, **rasa.env}
    services = [actions, rasa]
    started = time.perf_counter()
    supervisor.start_all(services, s.var_dir / "logs", timeout=600)
    monitor = RssMonitor(services)
    monitor.start()
    try:
        record["start_s"] = time.perf_counter() - started
        started = time.perf_counter()
        supervisor.warm_up_actions(s)
        record["warm_up_actions_s"] = time.perf_counter() - started
        record["warm_up_apologies"] = _warm_up_over_rest(s)
        record["warm_up_s"] = time.perf_counter() - started
        record["logs"] = str(s.var_dir / "logs")
        yield s
    finally:
        try:
            record["rss"] = monitor.stop()
        finally:
            supervisor.stop_all(services)


def _warm_up_over_rest(s: Settings, deadline_s: float = 600) -> int:
    """Untimed turns until a product question gets a real answer; returns how many apologies came first.

    `supervisor.warm_up_actions` gives up after SALESBOT_ACTION_TIME_LIMIT while the engine may still be
    loading the language model, so it does not prove the action server is warm.
    """
    apologies = 0
    deadline = time.monotonic() + deadline_s
    with _client() as client:
        _turn(client, s, f"bench-warm-{uuid.uuid4().hex[:6]}", "warm", "hi")  # Rasa's first turn is slow
        while time.monotonic() < deadline:
            record = _turn(client, s, f"bench-warm-{uuid.uuid4().hex[:6]}", "warm", PRODUCT_TURNS[0])
            if record.get("ok") and TROUBLE_MARKER not in record.get("reply", ""):
                _turn(client, s, f"bench-warm-{uuid.uuid4().hex[:6]}", "warm", POLICY_TURNS[0])
                return apologies
            apologies += 1
            time.sleep(2)
    raise RuntimeError(f"the assistant still apologised for product questions after {deadline_s:.0f} s of warm-up")


def _client() -> Any:
    import httpx

    return httpx.Client(timeout=REST_TIMEOUT)


def _turn(client: Any, s: Settings, sender: str, kind: str, text: str) -> dict[str, Any]:
    started = time.perf_counter()
    record: dict[str, Any] = {"kind": kind, "text": text, "sender": sender}
    try:
        response = client.post(f"{s.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text})
        response.raise_for_status()
        messages = response.json() or []
        record["reply"] = "\n".join(m["text"] for m in messages if m.get("text"))
        record["custom"] = any("custom" in m for m in messages)
        record["ok"] = True
    except Exception as exc:
        record["ok"] = False
        record["error"] = _error_text(exc)
    record["seconds"] = time.perf_counter() - started
    return record


def summarise_turns(records: list[dict[str, Any]], references: dict[str, str] | None = None) -> dict[str, Any]:
    ok = [r for r in records if r.get("ok")]
    out: dict[str, Any] = {
        "requests": len(records),
        "errors": len(records) - len(ok),
        "apologies": sum(TROUBLE_MARKER in r.get("reply", "") for r in ok),
        "with_custom": sum(bool(r.get("custom")) for r in ok),
        "latency": latency_summary([r["seconds"] for r in ok]),
        "error_examples": sorted({r["error"] for r in records if not r.get("ok")})[:5],
    }
    if references is not None:
        kinds: dict[str, int] = {}
        for r in ok:
            kind = classify_reply(r.get("reply", ""), references.get(r["text"]))
            r["reply_kind"] = kind
            kinds[kind] = kinds.get(kind, 0) + 1
        out["kinds"] = kinds
    return out


def _sequential(s: Settings, kind: str, texts: Sequence[str], count: int) -> list[dict[str, Any]]:
    run = uuid.uuid4().hex[:6]
    with _client() as client:
        return [_turn(client, s, f"bench-{kind}-{run}-{i}", kind, texts[i % len(texts)]) for i in range(count)]


def load_test(s: Settings, customers: int, turns: int, references: dict[str, str]) -> dict[str, Any]:
    run = uuid.uuid4().hex[:6]
    barrier = threading.Barrier(customers)
    records: list[dict[str, Any]] = []
    lock = threading.Lock()

    def customer(index: int) -> None:
        sender = f"bench-load-{run}-{index}"
        with _client() as client:
            barrier.wait(timeout=60)
            for kind, text in customer_script(index, turns):
                record = _turn(client, s, sender, kind, text)
                with lock:
                    records.append(record)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=customers, thread_name_prefix="bench-customer") as pool:
        for future in [pool.submit(customer, i) for i in range(customers)]:
            future.result()
    wall = time.perf_counter() - started
    overall = summarise_turns(records)
    by_kind = {}
    for kind in ("template", "policy", "generative"):
        subset = [r for r in records if r["kind"] == kind]
        by_kind[kind] = summarise_turns(subset, references if kind == "generative" else None)
    return {
        "customers": customers,
        "turns_each": turns,
        "turns": len(records),
        "errors": overall["errors"],
        "apologies": overall["apologies"],
        "error_examples": overall["error_examples"],
        "wall_s": wall,
        "turns_per_s": len(records) / wall if wall else None,
        "latency": overall["latency"],
        "by_kind": by_kind,
        "apology_examples": [r["text"] for r in records if TROUBLE_MARKER in r.get("reply", "")][:5],
    }


def bench_servers(settings: Settings, bs: Settings, result: dict, out_json: Path, concurrency: int, turns: int) -> None:
    """Sections 1, 5 and 6: two starts of the real assistant (LLM none, then transformers)."""
    rest = result.setdefault("rest_latency", {})
    rss = result.setdefault("rss", {})
    servers = result.setdefault("servers", {})
    try:
        servers["prepare"] = prepare_servers(settings, bs)
    except Exception as exc:
        error = _record_error(result, "servers.prepare", exc)
        servers["prepare"] = error
        for key in ("template", "factual", "generative"):
            rest[key] = {"error": f"not measured: {error['error']}"}
        result["load"] = {"error": f"not measured: {error['error']}"}
        return

    references: dict[str, str] = {}
    record: dict[str, Any] = {}
    servers["llm_none"] = record
    try:
        with running_assistant(bs, "none", record) as s:
            for key, texts in (("template", TEMPLATE_TURNS), ("factual", PRODUCT_TURNS)):
                try:
                    records = _sequential(s, key, texts, REQUESTS_PER_TURN_TYPE)
                    rest[key] = summarise_turns(records)
                    rest[key]["samples"] = sorted({r.get("reply", "")[:120] for r in records if r.get("ok")})[:8]
                    if key == "factual":
                        references = {r["text"]: r["reply"] for r in records if r.get("ok")}
                except Exception as exc:
                    rest[key] = _record_error(result, f"rest_latency.{key}", exc)
                _write(result, out_json)
    except Exception as exc:
        error = _record_error(result, "servers.llm_none", exc)
        record.update(error)
        for key in ("template", "factual"):
            rest.setdefault(key, {"error": f"not measured: {error['error']}"})
    rss["llm_none"] = record.get("rss") or {"error": record.get("error", "not measured")}
    _write(result, out_json)

    record = {}
    servers["llm_transformers"] = record
    try:
        with running_assistant(bs, "transformers", record) as s:
            try:
                records = _sequential(s, "generative", PRODUCT_TURNS, REQUESTS_PER_TURN_TYPE)
                rest["generative"] = summarise_turns(records, references)
                rest["generative"]["examples"] = [
                    {"text": r["text"], "kind": r.get("reply_kind"), "reply": r.get("reply", "")[:200]}
                    for r in records
                    if r.get("reply_kind") in ("model_sentence", "other", "apology")
                ][:8]
            except Exception as exc:
                rest["generative"] = _record_error(result, "rest_latency.generative", exc)
            _write(result, out_json)
            try:
                load = load_test(s, concurrency, turns, references)
                single = (rest.get("generative") or {}).get("latency", {}).get("p95_s")
                loaded = load["by_kind"]["generative"]["latency"]["p95_s"]
                load["generative_p95_single_s"] = single
                load["generative_p95_ratio"] = ratio(loaded, single)
                result["load"] = load
            except Exception as exc:
                result["load"] = _record_error(result, "load", exc)
    except Exception as exc:
        error = _record_error(result, "servers.llm_transformers", exc)
        record.update(error)
        rest.setdefault("generative", {"error": f"not measured: {error['error']}"})
        result.setdefault("load", {"error": f"not measured: {error['error']}"})
    rss["llm_transformers"] = record.get("rss") or {"error": record.get("error", "not measured")}
    rss["over_3gb"] = [
        f"{start}/{name}"
        for start, part in rss.items()
        if isinstance(part, dict)
        for name in ("rasa", "actions")
        if ((part.get(name) or {}).get("hwm_mb") or 0) > RSS_WARN_MB
    ]


# ---- the whole run ----------------------------------------------------------------------------
SECTIONS = ("generator", "ingest", "retrieval", "baseline", "servers")


def run_bench(
    settings: Settings,
    out_json: Path,
    sizes: tuple[int, ...] = (1000, 10000, 100000),
    concurrency: int = 20,
    turns: int = 10,
    *,
    sections: Sequence[str] = SECTIONS,
) -> dict:
    """Run the benchmark, write the result to `out_json` (after every section) and return it."""
    out_json = Path(out_json)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise ValueError(f"unknown benchmark section(s) {sorted(unknown)}; choose from {SECTIONS}")
    bs = bench_settings(settings)
    bs.var_dir.mkdir(parents=True, exist_ok=True)
    ingest_size = sizes[1] if len(sizes) > 1 else sizes[0]
    started = time.perf_counter()
    result: dict[str, Any] = {
        "meta": {
            "started_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
            "host": platform.node(),
            "cpus": os.cpu_count(),
            "load_average_at_start": list(os.getloadavg()),
            "python": platform.python_version(),
            "sizes": list(sizes),
            "ingest_size": ingest_size,
            "concurrency": concurrency,
            "turns": turns,
            "sections": list(sections),
            "bench_var_dir": str(bs.var_dir),
            "ports": {"rasa": bs.rasa_port, "actions": bs.action_port},
            "llm_model": settings.llm_model,
            "llm_int8": settings.llm_int8,
            "llm_threads": settings.llm_threads,
            "llm_max_new_tokens": settings.llm_max_new_tokens,
            "llm_time_limit": settings.llm_time_limit,
            "notes": [
                "factual = action server with SALESBOT_LLM_BACKEND=none (retrieval + code-decided facts); "
                "generative = the same questions with the transformers backend (model sentence + fact gate)",
                f"retrieval at every size uses random unit vectors ({EMBEDDING_DIM}-d) inserted directly; "
                f"real embeddings only at {ingest_size} (the ingested store); query embedding timed separately",
                "peak RSS = VmHWM summed over each server's process tree (an upper bound if children peak apart)",
            ],
        },
        "errors": [],
    }
    steps: dict[str, Callable[[], Any]] = {
        "generator": lambda: bench_generator(settings),
        "ingest": lambda: bench_ingest(bs, ingest_size),
        "retrieval": lambda: bench_retrieval(bs, sizes),
        "baseline": lambda: bench_baseline(bs),
    }
    for name in SECTIONS:
        if name not in sections:
            continue
        section_started = time.perf_counter()
        if name == "servers":
            try:
                bench_servers(settings, bs, result, out_json, concurrency, turns)
            except Exception as exc:
                result["servers_error"] = _record_error(result, "servers", exc)
        else:
            try:
                result[name] = steps[name]()
            except Exception as exc:
                result[name] = _record_error(result, name, exc)
            for label, part in (result[name].get("variants") or {}).items() if name == "generator" else []:
                if part.get("error"):
                    result["errors"].append(f"generator.{label}: {part['error']}")
            for row in result[name].get("sizes", []) if name == "retrieval" else []:
                if row.get("error"):
                    result["errors"].append(f"retrieval.{row['size']}: {row['error']}")
            if name == "ingest" and result[name].get("resync_embedded") not in (0, None):
                result["errors"].append(f"ingest: re-sync embedded {result[name]['resync_embedded']} documents")
        result.setdefault("section_seconds", {})[name] = time.perf_counter() - section_started
        result["total_s"] = time.perf_counter() - started
        _write(result, out_json)
    result["meta"]["finished_at"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    result["meta"]["load_average_at_end"] = list(os.getloadavg())
    result["total_s"] = time.perf_counter() - started
    _write(result, out_json)
    return result
