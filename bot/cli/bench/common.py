"""Shared parts of the benchmark: its own ports and var dir, percentiles, error records."""

from __future__ import annotations

import gc
import json
import logging
import math
import traceback
from collections.abc import Sequence
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from config.settings import PROJECT_ROOT, Settings

log = logging.getLogger(__name__)


BENCH_RASA_PORT = 5205


BENCH_ACTION_PORT = 5255


BENCH_WEB_PORT = 5280


BENCH_SHOP = "bench"


SAMPLE_CATALOG = PROJECT_ROOT / "data" / "catalog"


SAMPLE_QUESTIONS = PROJECT_ROOT / "data" / "eval" / "sample_questions.jsonl"


EMBEDDING_DIM = 384  # all-MiniLM-L6-v2


RSS_WARN_MB = 3 * 1024


SERVER_NAMES = ("rasa", "actions", "web")


SYNTHETIC_SEED = 20261123


REST_TIMEOUT = 300.0


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
        web_port=BENCH_WEB_PORT,
        rasa_auth_token="",
        tracker_db="",
    )


def local_model_backend(settings: Settings) -> str:
    """The backend of the generative figures: the configured local one, else transformers."""
    return settings.llm_backend if settings.llm_backend in ("transformers", "llamacpp") else "transformers"


def settings_env(settings: Settings) -> dict[str, str]:
    """SALESBOT_* variables that make `load_settings()` in a child process return these settings."""
    env = {}
    for item in fields(Settings):
        value = getattr(settings, item.name)
        env[f"SALESBOT_{item.name.upper()}"] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return env


def error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def record_error(result: dict, section: str, exc: BaseException) -> dict[str, Any]:
    log.exception("benchmark section %s failed", section)
    result.setdefault("errors", []).append(f"{section}: {error_text(exc)}")
    return {"error": error_text(exc), "traceback": traceback.format_exc()[-3000:]}


def write_result(result: dict, out_json: Path) -> None:
    out_json.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_json.with_suffix(out_json.suffix + ".tmp")
    tmp.write_text(json.dumps(result, indent=2, default=str))
    tmp.replace(out_json)


def free_memory() -> None:
    try:
        from chromadb.api.client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
    except Exception:  # an older or newer chromadb without this helper: nothing to free
        pass
    gc.collect()
