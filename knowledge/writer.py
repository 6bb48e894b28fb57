"""The LangChain chain that writes the personal sentence in front of the decided facts.

The facts themselves are always the rendered text: the model only adds one sentence
that leads into them, and that sentence must pass the fact gate.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from langchain_core.messages import BaseMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompt_values import PromptValue
from langchain_core.runnables import Runnable, RunnableLambda

from knowledge.answers import Answer, CustomerContext
from knowledge.gate import check_lead_in
from knowledge.generation import GenerationError, Generator, Message
from knowledge.prompts import SECRET_FRAGMENTS, reply_prompt

log = logging.getLogger(__name__)
MAX_QUESTION_CHARS = 500
_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


@dataclass
class Reply:
    text: str
    sources: list[str] = field(default_factory=list)
    generated: bool = False  # True when the model's sentence passed the gate and was used
    rejected: list[str] = field(default_factory=list)  # why the model's sentence was not used
    seconds: float = 0.0


def to_messages(prompt: PromptValue) -> list[Message]:
    messages: list[BaseMessage] = prompt.to_messages()
    return [{"role": _ROLES.get(m.type, "user"), "content": str(m.content)} for m in messages]


def first_sentence(text: str) -> str:
    text = " ".join(text.strip().strip('"').split())
    match = re.match(r"(.+?[.!?:])(\s|$)", text)
    return match.group(1) if match else text


_PLAIN_NAME = re.compile(r"^[^\W\d_]+(?:[ '-][^\W\d_]+){0,3}$")
_LOWER_FIRST = {"The", "Here", "Our", "This", "These", "There", "That", "Sorry", "Yes", "No"}


def addressed(text: str, name: str | None) -> str:
    """Speak to a known customer by name when the model's sentence is not there to do it."""
    if not name or not text or not _PLAIN_NAME.match(name):  # never echo a long or odd "name" back
        return text
    first, _, rest = text.partition(" ")
    if first in _LOWER_FIRST:
        text = f"{first.lower()} {rest}"
    return f"{name}, {text}"


class ReplyWriter:
    """prompt | model | text, then the fact gate; the rendered facts always follow."""

    def __init__(self, generator: Generator | None, max_new_tokens: int = 48) -> None:
        self.generator = generator
        self.max_new_tokens = max_new_tokens

    def chain(self, time_limit: float) -> Runnable:
        generator = self.generator
        assert generator is not None

        def call_model(prompt: PromptValue) -> str:
            return generator.generate(to_messages(prompt), max_new_tokens=self.max_new_tokens, time_limit=time_limit)

        return reply_prompt() | RunnableLambda(call_model) | StrOutputParser()

    def warm(self) -> None:
        """Load the model and run one short generation of the reply prompt.

        The first generation of a process is slow (allocations, page faults); llama.cpp also keeps
        the prompt's shared system part for the next call.
        """
        if self.generator is None:
            return
        self.generator.load()
        prompt = reply_prompt().invoke({"facts": "-", "profile": "-", "question": "hello"})
        self.generator.generate(to_messages(prompt), max_new_tokens=1, time_limit=60)

    def write(
        self,
        answer: Answer,
        question: str,
        context: CustomerContext,
        time_limit: float,
        *,
        catalogue_names: Sequence[str],
        catalogue_brands: Sequence[str],
    ) -> Reply:
        """The model's sentence and the facts, or the facts alone when the gate rejects the sentence.

        `catalogue_names` and `catalogue_brands` are every product name and brand of the catalogue:
        the gate lets the sentence name none of them.
        """
        started = time.perf_counter()
        if self.generator is None or not answer.worth_phrasing:
            return Reply(addressed(answer.rendered, context.name), answer.sources)
        facts = answer.rendered
        try:
            raw = self.chain(time_limit).invoke(
                {"facts": facts, "profile": context.describe(), "question": question[:MAX_QUESTION_CHARS]}
            )
        except GenerationError as exc:
            log.warning("generation failed, sending the rendered facts: %s", exc)
            elapsed = time.perf_counter() - started
            return Reply(addressed(facts, context.name), answer.sources, rejected=[str(exc)], seconds=elapsed)
        intro = first_sentence(raw)
        reasons = check_lead_in(
            intro,
            facts + "\n" + context.describe(),
            question,
            allowed_names=[p.name for p in answer.products],
            catalogue_names=catalogue_names,
            catalogue_brands=catalogue_brands,
            secret_fragments=SECRET_FRAGMENTS,
        ).reasons
        elapsed = time.perf_counter() - started
        if reasons:
            log.info("model sentence rejected (%s): %r", "; ".join(reasons), intro[:200])
            return Reply(addressed(facts, context.name), answer.sources, rejected=reasons, seconds=elapsed)
        return Reply(f"{intro}\n{facts}", answer.sources, generated=True, seconds=elapsed)
