"""The packaged language model, loaded and run for real through the LangChain chain."""

from __future__ import annotations

import pytest

from bot.settings import load_settings
from knowledge.answers import CustomerContext, lookup
from knowledge.catalog import Product
from knowledge.generation import TransformersGenerator
from knowledge.text import SpecQuery
from knowledge.writer import ReplyWriter, addressed

pytestmark = pytest.mark.e2e


def test_packaged_model_writes_a_gated_sentence_before_the_facts():
    settings = load_settings()
    generator = TransformersGenerator(settings.llm_model, settings.model_cache, settings.llm_threads, settings.llm_int8)
    product = Product("X1", "Lumen Air 13", "laptops", "Lumen", 999.0, "EUR", 4, "A light laptop for students.")
    writer = ReplyWriter(generator, [product.name], [product.brand])
    answer = lookup([product], SpecQuery("price"))

    raw = writer.chain(time_limit=30).invoke(
        {"facts": answer.rendered, "profile": "name: Ann", "question": "how much is the air 13?"}
    )
    assert isinstance(raw, str) and raw.strip(), "the model produced no text"

    reply = writer.write(answer, "how much is the air 13?", CustomerContext(name="Ann"), time_limit=30)
    # Whatever the model said, the decided facts close the reply unchanged; without the model's
    # sentence the reply speaks to the customer by name.
    if reply.generated:
        assert reply.text.endswith("\n" + answer.rendered)
    else:
        assert reply.rejected and reply.text == addressed(answer.rendered, "Ann")
