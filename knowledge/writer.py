"""The LangChain chain that phrases decided facts, and the gate that guards its output."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from langchain_core.messages import BaseMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompt_values import PromptValue
from langchain_core.runnables import Runnable, RunnableLambda

from knowledge.answers import Answer, CustomerContext
from knowledge.gate import check_reply
from knowledge.generation import GenerationError, Generator, Message
from knowledge.prompts import INTRO_TASK, REWRITE_TASK, SECRET_FRAGMENTS, reply_prompt

log = logging.getLogger(__name__)
MAX_QUESTION_CHARS = 500
_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


@dataclass
class Reply:
    text: str
    sources: list[str] = field(default_factory=list)
    generated: bool = False  # True when the model's wording passed the gate
    rejected: list[str] = field(default_factory=list)  # why the model's wording was not used
    seconds: float = 0.0


def to_messages(prompt: PromptValue) -> list[Message]:
    messages: list[BaseMessage] = prompt.to_messages()
    return [{"role": _ROLES.get(m.type, "user"), "content": str(m.content)} for m in messages]


class ReplyWriter:
    """prompt | model | text, then the fact gate; the rendered answer is the fallback."""

    def __init__(
        self,
        generator: Generator | None,
        catalogue_names: list[str],
        catalogue_brands: list[str],
        max_new_tokens: int = 80,
    ) -> None:
        self.generator = generator
        self.catalogue_names = catalogue_names
        self.catalogue_brands = catalogue_brands
        self.max_new_tokens = max_new_tokens

    def chain(self, time_limit: float) -> Runnable:
        generator = self.generator
        assert generator is not None

        def call_model(prompt: PromptValue) -> str:
            return generator.generate(to_messages(prompt), max_new_tokens=self.max_new_tokens, time_limit=time_limit)

        return reply_prompt() | RunnableLambda(call_model) | StrOutputParser()

    def write(self, answer: Answer, question: str, context: CustomerContext, time_limit: float) -> Reply:
        started = time.perf_counter()
        if self.generator is None or not answer.worth_phrasing:
            return Reply(answer.rendered, answer.sources, seconds=time.perf_counter() - started)
        facts = "\n".join(answer.facts)
        # Lists are rendered from data; the model only writes the sentence that introduces them.
        intro_only = answer.kind == "recommend"
        try:
            text = self.chain(time_limit).invoke(
                {
                    "facts": facts,
                    "profile": context.describe(),
                    "question": question[:MAX_QUESTION_CHARS],
                    "task": INTRO_TASK if intro_only else REWRITE_TASK,
                }
            )
        except GenerationError as exc:
            log.warning("generation failed, sending the rendered answer: %s", exc)
            return Reply(answer.rendered, answer.sources, rejected=[str(exc)], seconds=time.perf_counter() - started)
        gate = check_reply(
            text,
            facts + "\n" + context.describe(),
            required=[] if intro_only else answer.required,
            allowed_names=[p.name for p in answer.products],
            catalogue_names=self.catalogue_names,
            catalogue_brands=self.catalogue_brands,
            secret_fragments=SECRET_FRAGMENTS,
        )
        elapsed = time.perf_counter() - started
        if not gate.passed:
            return Reply(answer.rendered, answer.sources, rejected=gate.reasons, seconds=elapsed)
        if intro_only:
            text = f"{text}\n{answer.rendered}"
        return Reply(text, answer.sources, generated=True, seconds=elapsed)
