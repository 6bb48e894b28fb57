"""The LangChain chain that writes a product reply from the decided answer.

The model gets numbered notes (`knowledge/references.py`) and writes a short reply in which every
name, price, number, stock state and link is a reference; code fills the references in from the
catalogue, the gate checks the result (`check_written`), and the answer's next step ends it. When
anything fails, the customer gets the rendered facts.
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
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable, RunnableLambda

from knowledge.answers import Answer, CustomerContext
from knowledge.catalog import Product
from knowledge.gate import check_written, uses_value_as_thing
from knowledge.generation import GenerationError, Generator, Message
from knowledge.prompts import SECRET_FRAGMENTS, example_for, needs_known, opening, reply_prompt
from knowledge.references import FactSheet, UnknownReference, notes, references_in
from knowledge.text import sentences

log = logging.getLogger(__name__)
MAX_QUESTION_CHARS = 500
_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


@dataclass
class Reply:
    text: str
    sources: list[str] = field(default_factory=list)
    generated: bool = False  # True when the model's reply passed the gate and was used
    rejected: list[str] = field(default_factory=list)  # why the model's reply was not used
    seconds: float = 0.0
    draft: str = ""  # what the model wrote, references unfilled (for evaluation and fine-tuning data)


def to_messages(prompt: PromptValue) -> list[Message]:
    messages: list[BaseMessage] = prompt.to_messages()
    return [{"role": _ROLES.get(m.type, "user"), "content": str(m.content)} for m in messages]


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


def complete_sentences(text: str, start: str = "") -> str:
    """The text up to its last complete sentence and before its first repeated one: a model that ran out of
    tokens or went round in circles has still written these. An unfinished sentence that holds the end of
    the code's opening `start` is cut at its last ";" after the opening, or back to the opening."""
    kept: list[str] = []
    for sentence in sentences(text):
        if sentence in kept:
            break
        kept.append(sentence)
    if kept and not kept[-1].endswith((".", "!", "?")):
        unfinished = kept.pop()
        if len(" ".join(kept)) < len(start):  # the opening ends in it
            within = len(start) - len(" ".join(kept)) - (1 if kept else 0)
            clause = unfinished[:within] + unfinished[within:].rpartition(";")[0]
            kept.append((clause if len(clause) > within else unfinished[:within]).rstrip(" ,;:") + ".")
        elif not kept:
            kept.append(unfinished)  # nothing finished: the gate says it was cut off
    return " ".join(kept)


MAX_FILLER_WORDS = 5  # "Great choice!", "Sure, happy to help!": an opening that says nothing asked


def answer_comes_first(written: str, key_fact: str | None) -> str:
    """The draft with the sentence that holds what was asked (the answer's first key fact, a reference such as
    "1.price") first: a short opening without any reference ("Great choice!") is dropped, and a later sentence
    with the answer moves to the front. A customer reads the answer first, as the prompt asks and the small
    model often forgets."""
    if key_fact is None:
        return written
    parts = sentences(written)
    holds = [key_fact in references_in(s) for s in parts]
    if not parts or holds[0] or not any(holds):
        return written
    if not references_in(parts[0]) and len(parts[0].split()) <= MAX_FILLER_WORDS:
        parts = parts[1:]
        holds = holds[1:]
    if not holds[0]:
        answer = holds.index(True)
        parts = [parts[answer], *parts[:answer], *parts[answer + 1 :]]
    return " ".join(parts)


def without_broken_sentences(written: str, sheet: FactSheet) -> str:
    """The draft less the sentences code cannot trust: a reference the facts cannot fill ("{2.name}" when one
    product was shown, "{1.weight_g}" for a weight in kg), or a value written as if it were a product ("The
    {1.display} is {1.display}."). The model's other sentences may still be good, and code never guesses what
    such a sentence meant. The draft stays whole when every sentence is broken (the gate then says why)."""

    def trusted(sentence: str) -> bool:
        if uses_value_as_thing(sentence):
            return False
        try:
            for reference in references_in(sentence):
                sheet.value(reference)
        except UnknownReference:
            return False
        return True

    kept = [s for s in sentences(written) if trusted(s)]
    return " ".join(kept) if kept else written


def continued(start: str, continuation: str) -> str:
    """The code's opening and the model's continuation as one text."""
    if not start:
        return continuation
    glue = "" if not continuation or continuation[0] in ",.;:!?)" else " "
    return f"{start}{glue}{continuation}"


def with_next_step(answer: Answer) -> str:
    """The rendered facts, ending with the next step a written reply would end with (unless they do already)."""
    if not answer.next_step or answer.rendered.rstrip().endswith(answer.next_step):
        return answer.rendered
    return f"{answer.rendered}\n{answer.next_step}"


class ReplyWriter:
    """prompt | model | text, then references filled and the fact gate; the rendered facts when it fails.

    With a backend that continues replies (`Generator.continues_replies`) and `openings` on, code writes the
    reply's first words with what was asked (`prompts.opening`) and the model continues them. Off by default:
    measured on four shops, the packaged 0.5B model continued openings worse than it wrote whole replies after a
    worked example ("… and I can't offer a discount on the <cheaper sofa> … cost less"), though faster
    (docs/generation.md).
    """

    def __init__(
        self,
        generator: Generator | None,
        max_new_tokens: int = 64,
        openings: bool = False,
        worked_examples: bool = True,
    ) -> None:
        self.generator = generator
        self.max_new_tokens = max_new_tokens
        self.openings = openings
        self.worked_examples = worked_examples  # off for a model fine-tuned on this task (knowledge/finetuning.py)

    def opening(self, answer: Answer, context: CustomerContext, question: str) -> str:
        if not self.openings or not getattr(self.generator, "continues_replies", False):
            return ""
        return opening(answer, context, question)

    def prompt(self, answer: Answer, question: str, known: frozenset[str] = frozenset()) -> ChatPromptTemplate:
        if not self.worked_examples:
            return reply_prompt(None)
        return reply_prompt(
            example_for(
                answer.kind,
                answer.task,
                question,
                len(answer.products),
                vary_by=answer.products[0].sku if answer.products else "",
                known=known,
                first_reason=answer.reasons[0] if answer.reasons else "",
            )
        )

    def messages(self, answer: Answer, question: str, context: CustomerContext) -> list[Message]:
        """The chat messages the model gets for this answer (what fine-tuning data is made of)."""
        question = question[:MAX_QUESTION_CHARS]
        context = answer.needs_with(context)  # as `write` sees them
        prompt = self.prompt(answer, question, needs_known(context))
        return to_messages(prompt.invoke({"notes": notes(answer, context, question)}))

    def chain(
        self, answer: Answer, question: str, time_limit: float, start: str = "", known: frozenset[str] = frozenset()
    ) -> Runnable:
        generator = self.generator
        assert generator is not None

        def call_model(prompt: PromptValue) -> str:
            messages = to_messages(prompt) + ([{"role": "assistant", "content": start}] if start else [])
            return generator.generate(messages, max_new_tokens=self.max_new_tokens, time_limit=time_limit)

        return self.prompt(answer, question, known) | RunnableLambda(call_model) | StrOutputParser()

    def warm(self) -> None:
        """Load the model and run one short generation of a reply prompt.

        The first generation of a process is slow (allocations, page faults); llama.cpp also keeps
        the prompt's shared system part for the next call.
        """
        if self.generator is None:
            return
        self.generator.load()
        example = example_for("recommend", "recommend", "hello") if self.worked_examples else None
        prompt = reply_prompt(example).invoke({"notes": "-"})
        self.generator.generate(to_messages(prompt), max_new_tokens=1, time_limit=60)

    def write(
        self,
        answer: Answer,
        question: str,
        context: CustomerContext,
        time_limit: float,
        *,
        catalogue: Sequence[Product],
    ) -> Reply:
        """The model's reply with its references filled in, ending with the answer's next step; or the
        rendered facts, ending with it too, when the model fails or the gate rejects what it wrote.

        `catalogue` is every product of the shop: the model may type none of their names or brands, and
        qualitative claims are judged against their categories.
        """
        started = time.perf_counter()
        context = answer.needs_with(context)
        if self.generator is None or not answer.worth_phrasing:
            return Reply(addressed(answer.rendered, context.name), answer.sources)
        question = question[:MAX_QUESTION_CHARS]
        fallback = addressed(with_next_step(answer), context.name)
        start = self.opening(answer, context, question)
        try:
            chain = self.chain(answer, question, time_limit, start, needs_known(context))
            raw = chain.invoke({"notes": notes(answer, context, question)})
        except GenerationError as exc:
            log.warning("generation failed, sending the rendered facts: %s", exc)
            return Reply(fallback, answer.sources, rejected=[str(exc)], seconds=time.perf_counter() - started)
        continuation = " ".join(raw.strip().strip('"').split())
        if start and not re.search(r"[^\W\d_]", continuation):  # the model added no words of its own
            elapsed = time.perf_counter() - started
            return Reply(fallback, answer.sources, rejected=["wrote nothing after the opening"], seconds=elapsed)
        written = complete_sentences(continued(start, continuation), start)
        sheet = FactSheet(answer.products, context)
        if not start:  # an opening written by code holds the answer already, and must stay
            written = answer_comes_first(without_broken_sentences(written, sheet), next(iter(answer.key_facts), None))
        filled, result = check_written(
            written, answer, sheet, question, catalogue=catalogue, secret_fragments=SECRET_FRAGMENTS, opening=start
        )
        elapsed = time.perf_counter() - started
        if result.reasons:
            log.info("model reply rejected (%s): %r", "; ".join(result.reasons), written[:300])
            return Reply(fallback, answer.sources, rejected=result.reasons, seconds=elapsed, draft=written)
        text = filled if "{name}" in written else addressed(filled, context.name)
        reply = f"{text} {answer.next_step}".strip()
        return Reply(reply, answer.sources, generated=True, seconds=elapsed, draft=written)
