"""Section 2: time to first token and decode speed of each local generator backend."""

from __future__ import annotations

import gc
import time
import traceback
from collections.abc import Callable
from typing import Any

from bot.cli.bench.common import REST_TIMEOUT, SAMPLE_CATALOG, error_text, percentile
from config.settings import Settings

GENERATOR_RUNS = 3


def _realistic_messages(
    first: str = "Lumen Air 13", second: str = "Nimbus Cirrus 13"
) -> tuple[list[dict[str, str]], str]:
    """The real reply prompt for a comparison with facts rendered from the sample catalogue."""
    from knowledge import answers
    from knowledge.answers import CustomerContext
    from knowledge.catalog import load_catalog
    from knowledge.prompts import example_for, needs_known, reply_prompt
    from knowledge.references import notes
    from knowledge.writer import to_messages

    catalog = {p.name: p for p in load_catalog(SAMPLE_CATALOG).products}
    answer = answers.compare([catalog[first], catalog[second]], None)
    context = CustomerContext(name="Sam", category="laptops", budget=1000, use_case="university")
    question = f"Which one is better for carrying around campus all day, the {first} or the {second}?"
    example = example_for(answer.kind, answer.task, question, len(answer.products), known=needs_known(context))
    prompt = reply_prompt(example)
    return to_messages(prompt.invoke({"notes": notes(answer, context, question)})), question


def _timed_generation(
    generator: Any, messages: list[dict[str, str]], new_tokens: int, cold: bool = True
) -> dict[str, Any]:
    """One greedy generation of exactly `new_tokens` tokens, with a timestamp at every token.

    `cold`: empty a prompt cache first, so the whole prompt is prefilled (as by backends without one).
    """
    times: list[float] = []
    if cold and hasattr(generator, "forget_prompt"):
        generator.forget_prompt()
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


def _generator_variants(settings: Settings) -> list[tuple[str, Callable[[], Any]]]:
    """Each generator backend on the same packaged model, threads and prompt."""
    from knowledge.generation import LlamaCppGenerator, TransformersGenerator

    model, cache, threads = settings.llm_model, settings.model_cache, settings.llm_threads
    return [
        ("transformers-int8", lambda: TransformersGenerator(model, cache, threads, int8=True)),
        ("transformers-fp32", lambda: TransformersGenerator(model, cache, threads, int8=False)),
        ("llamacpp", lambda: LlamaCppGenerator(model, cache, threads)),
    ]


def bench_generator(settings: Settings, runs: int = GENERATOR_RUNS) -> dict[str, Any]:
    messages, question = _realistic_messages()
    other_turn, _ = _realistic_messages("Corvid Talon 15", "Arcfield Forge 16")
    new_tokens = settings.llm_max_new_tokens
    out: dict[str, Any] = {
        "model": settings.llm_model,
        "threads": settings.llm_threads,
        "new_tokens": new_tokens,
        "runs": runs,
        "question": question,
        "method": "greedy, end tokens forbidden until max_new_tokens; a timestamp at every token; "
        "first token = prompt formatting + tokenising + prefill of the whole prompt (llama.cpp's prompt "
        "cache is emptied before each run) + first decode step; median of the runs. "
        "ttft_system_prompt_cached_s: right after another customer's turn (same system prompt, other facts "
        "and question), as in service: llama.cpp keeps its last prompt, transformers its last six",
        "variants": {},
    }
    for label, make in _generator_variants(settings):
        generator: Any = None
        try:
            generator = make()
            started = time.perf_counter()
            generator.load()
            load_s = time.perf_counter() - started
            generator.generate(messages, max_new_tokens=4, time_limit=60)  # warm-up, untimed
            samples = [_timed_generation(generator, messages, new_tokens) for _ in range(runs)]
            cached = []
            if hasattr(generator, "forget_prompt"):  # as in service: the previous turn was another customer's
                for _ in range(runs):
                    generator.generate(other_turn, max_new_tokens=1, time_limit=60)
                    cached.append(_timed_generation(generator, messages, new_tokens, cold=False)["ttft_s"])
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
                "ttft_system_prompt_cached_s": percentile(cached, 50) if cached else None,
                "decode_tokens_per_s": median("decode_tokens_per_s"),
                "overall_tokens_per_s": median("overall_tokens_per_s"),
                "total_s": median("total_s"),
                "samples": samples,
                "generate_call_s": public_s,
                "generate_call_text": text,
            }
        except Exception as exc:
            out["variants"][label] = {"error": error_text(exc), "traceback": traceback.format_exc()[-3000:]}
        finally:
            del generator
            gc.collect()
    return out
