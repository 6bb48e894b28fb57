"""The packaged language model, loaded and run for real through the LangChain chain."""

from __future__ import annotations

import importlib.util

import pytest

from config.settings import load_settings
from knowledge.answers import CustomerContext, lookup
from knowledge.catalog import Product
from knowledge.generation import LlamaCppGenerator, TransformersGenerator
from knowledge.text import SpecQuery
from knowledge.writer import ReplyWriter, addressed, with_next_step

pytestmark = pytest.mark.e2e
# llama.cpp is an optional backend (requirements/llamacpp.txt, compiled only for SALESBOT_LLM_BACKEND=llamacpp).
LLAMACPP = pytest.param(
    "llamacpp",
    marks=pytest.mark.skipif(
        importlib.util.find_spec("llama_cpp") is None, reason="llama-cpp-python is not installed (optional backend)"
    ),
)


def local_generator(backend: str) -> TransformersGenerator | LlamaCppGenerator:
    settings = load_settings()
    if backend == "llamacpp":
        return LlamaCppGenerator(settings.llm_model, settings.model_cache, settings.llm_threads)
    return TransformersGenerator(settings.llm_model, settings.model_cache, settings.llm_threads, settings.llm_int8)


@pytest.mark.parametrize("backend", ["transformers", LLAMACPP])
def test_packaged_model_writes_a_gated_reply_or_the_facts_go_out(backend):
    generator = local_generator(backend)
    product = Product("X1", "Lumen Air 13", "laptops", "Lumen", 999.0, "EUR", 4, "A light laptop for students.")
    writer = ReplyWriter(generator)
    answer = lookup([product], SpecQuery("price"))

    raw = writer.chain(answer, "how much is the air 13?", time_limit=30).invoke({"notes": "[1] Lumen Air 13"})
    assert isinstance(raw, str) and raw.strip(), "the model produced no text"

    reply = writer.write(
        answer, "how much is the air 13?", CustomerContext(name="Ann"), time_limit=30, catalogue=[product]
    )
    # Whatever the model wrote: a reply that passed the gate states the decided price and ends with the next
    # step; otherwise the rendered facts go out, ending with that step too, speaking to the customer by name.
    if reply.generated:
        assert "999.00 EUR" in reply.text and reply.text.endswith(answer.next_step), reply.text
    else:
        assert reply.rejected and reply.text == addressed(with_next_step(answer), "Ann")


@pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None, reason="llama-cpp-python is not installed")
def test_llamacpp_decodes_greedily_within_its_limits():
    generator = local_generator("llamacpp")
    messages = [
        {"role": "system", "content": "You are a friendly shop assistant."},
        {"role": "user", "content": "Greet Sam in one short sentence."},
    ]
    stamps: list[int] = []
    fixed = generator.generate(
        messages, max_new_tokens=8, min_new_tokens=8, time_limit=60, on_token=lambda: stamps.append(1)
    )
    assert len(stamps) == 8 and fixed.strip()

    first = generator.generate(messages, max_new_tokens=24, time_limit=60)
    generator.forget_prompt()  # a cold prompt must decode to the same greedy text as a cached one
    assert generator.generate(messages, max_new_tokens=24, time_limit=60) == first

    stamps.clear()
    generator.generate(
        messages, max_new_tokens=200, min_new_tokens=200, time_limit=0.0, on_token=lambda: stamps.append(1)
    )
    assert len(stamps) == 1, "the time limit stops decoding after the token that crossed it"
    assert generator.prompt_tokens(messages) > 10
