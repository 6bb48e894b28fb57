"""The whole benchmark run: each section in turn, the JSON written after every section."""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.cli.bench.baseline import bench_baseline
from bot.cli.bench.common import EMBEDDING_DIM, bench_settings, local_model_backend, record_error, write_result
from bot.cli.bench.generator import bench_generator
from bot.cli.bench.servers import bench_servers
from bot.cli.bench.store import bench_ingest, bench_retrieval
from config.settings import Settings

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
            "generative_backend": local_model_backend(settings),
            "llm_int8": settings.llm_int8,
            "llm_threads": settings.llm_threads,
            "llm_max_new_tokens": settings.llm_max_new_tokens,
            "llm_time_limit": settings.llm_time_limit,
            "notes": [
                "factual = action server with SALESBOT_LLM_BACKEND=none (retrieval + code-decided facts); "
                "generative = the same questions with the local model backend (model sentence + fact gate)",
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
                result["servers_error"] = record_error(result, "servers", exc)
        else:
            try:
                result[name] = steps[name]()
            except Exception as exc:
                result[name] = record_error(result, name, exc)
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
        write_result(result, out_json)
    result["meta"]["finished_at"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    result["meta"]["load_average_at_end"] = list(os.getloadavg())
    result["total_s"] = time.perf_counter() - started
    write_result(result, out_json)
    return result
