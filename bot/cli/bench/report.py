"""The one-table summary of a benchmark result; the full detail stays in the JSON file."""

from __future__ import annotations

from typing import Any

from bot.cli.bench.common import RSS_WARN_MB, SERVER_NAMES


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
        ("generative", f"generative turns ({meta.get('generative_backend', 'transformers')})"),
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
        add("2 generator", "backends", _err(generator) or "")
    for label, part in (generator.get("variants") or {}).items():
        if _err(part):
            add("2 generator", label, _err(part) or "")
            continue
        add(
            "2 generator",
            f"{label}: first token / decode",
            f"{_s(part.get('ttft_s'))} s / {_s(part.get('decode_tokens_per_s'), 1)} tok/s",
            f"prompt {generator.get('prompt_tokens')} tok, {part.get('new_tokens')} new tok, "
            f"total {_s(part.get('total_s'), 2)} s, load {_s(part.get('load_s'), 1)} s"
            + (
                f"; first token {_s(part['ttft_system_prompt_cached_s'])} s with the system prompt cached"
                if part.get("ttft_system_prompt_cached_s") is not None
                else ""
            ),
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
        for name in SERVER_NAMES:
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
