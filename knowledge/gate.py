"""The fact gate: a generated reply may only state what the decided facts state.

`check_reply` checks any reply: numbers (prices, specs, percentages), currencies, product and
brand names, stock claims, discounts and talk about the assistant itself or its instructions.
`check_lead_in` checks the model's one sentence in front of the rendered facts: all of that, and
that it leaves numbers and names to the facts, does not echo the question, speaks to the customer
and has a sentence's length. Any failure means the caller sends the rendered facts without the
model's words.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from knowledge.text import CURRENCY, CURRENCY_WORDS, DISCOUNT_TALK, STOP_WORDS, tokens

log = logging.getLogger(__name__)

_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.])\d+(?:\.\d+)?")
# Talk about the assistant itself: a sales reply never needs it, an injected request often asks for it.
_META = re.compile(r"\b(instructions?|system prompt|prompt|my rules|language model|as an ai|jailbreak|DAN)\b", re.I)
# A lead-in sentence also speaks to the customer, not about the task it was given (beyond _META's words).
_TASK_TALK = re.compile(r"\b(customers?|sentences?|the facts|facts:|rules?)\b", re.I)  # "Customer is in stock."
# "Please confirm the price for …": a lead-in that hands the work back to the customer (seen in a real reply).
_ASKS_TO_ACT = re.compile(r"^\W*(please\s+)?(confirm|provide|verify|specify|double[- ]check)\b", re.I)
ECHO_SHARE = 0.6  # this share of a lead-in's words being the customer's own: a repeated question
MIN_LEAD_IN_WORDS = 3
MAX_LEAD_IN_WORDS = 25


def normalise_number(raw: str) -> str:
    value = float(raw.replace(",", ""))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def numbers_in(text: str) -> set[str]:
    return {normalise_number(m) for m in _NUMBER.findall(text)}


def without_names(text: str, names: list[str]) -> str:
    """Blank out product names, so "Aura 14" lends no "14" to a claim like "14 hours"."""
    for name in sorted(names, key=len, reverse=True):
        text = re.sub(re.escape(name), " ", text, flags=re.I)
    return text


def quantities_in(text: str) -> set[tuple[str, str]]:
    """(number, unit word) pairs such as ("18", "hours") or ("999", "eur")."""
    return {
        (normalise_number(number), unit.lower())
        for number, unit in re.findall(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*([A-Za-z]+|%)", text)  # "24, weight": no pair
    }


def currencies_in(text: str) -> set[str]:
    return {CURRENCY_WORDS.get(match.lower(), match.upper()) for match in CURRENCY.findall(text)}


def echoes(sentence: str, question: str) -> bool:
    """True when most of the sentence's words are the customer's own: a repeated question, not a lead-in."""
    words = [w for w in tokens(sentence) if w not in STOP_WORDS]
    asked = set(tokens(question))
    return len(words) >= 2 and sum(w in asked for w in words) / len(words) >= ECHO_SHARE


@dataclass
class GateResult:
    reasons: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.reasons


def check_reply(
    reply: str,
    facts: str,
    *,
    allowed_names: list[str],
    catalogue_names: list[str],
    catalogue_brands: list[str],
    secret_fragments: list[str],
) -> GateResult:
    """Check a generated reply against the facts that were given to the model."""
    result = GateResult()
    reply_stripped = reply.strip()
    if not reply_stripped:
        result.reasons.append("empty reply")
        return result

    plain_reply = without_names(reply, catalogue_names)
    plain_facts = without_names(facts, catalogue_names)
    unsupported = numbers_in(plain_reply) - numbers_in(plain_facts)
    if unsupported:
        result.reasons.append(f"numbers not in the facts: {', '.join(sorted(unsupported))}")
    mismatched = quantities_in(plain_reply) - quantities_in(plain_facts)
    if mismatched and not unsupported:
        shown = ", ".join(f"{n} {u}" for n, u in sorted(mismatched))
        result.reasons.append(f"quantities not in the facts: {shown}")

    foreign = currencies_in(reply) - currencies_in(facts)
    if foreign:
        result.reasons.append(f"currency not in the facts: {', '.join(sorted(foreign))}")

    if (offer := DISCOUNT_TALK.search(reply)) and not DISCOUNT_TALK.search(facts):
        result.reasons.append(f"discount or offer claim: {offer.group(0)!r}")

    lowered_reply, lowered_facts = reply.lower(), facts.lower()
    for claim in ("out of stock", "in stock", "sold out"):
        if claim in lowered_reply and claim not in lowered_facts:
            result.reasons.append(f"stock claim not in the facts: {claim!r}")

    allowed = {n.lower() for n in allowed_names}
    for name in catalogue_names:
        if name.lower() in lowered_reply and name.lower() not in allowed and name.lower() not in lowered_facts:
            result.reasons.append(f"names a product that is not in the facts: {name}")
    for brand in catalogue_brands:
        if re.search(rf"\b{re.escape(brand.lower())}\b", lowered_reply) and brand.lower() not in lowered_facts:
            result.reasons.append(f"names a brand that is not in the facts: {brand}")

    if meta := _META.search(reply):
        result.reasons.append(f"talks about its own instructions: {meta.group(0)!r}")
    for fragment in secret_fragments:
        if fragment.lower() in lowered_reply:
            result.reasons.append("repeats the system instructions")
            break
    if result.reasons:
        log.info("fact gate rejected a reply: %s | reply=%r", "; ".join(result.reasons), reply[:300])
    return result


def check_lead_in(
    sentence: str,
    facts: str,
    question: str,
    *,
    allowed_names: list[str],
    catalogue_names: Sequence[str],
    catalogue_brands: Sequence[str],
    secret_fragments: list[str],
) -> GateResult:
    """Check the model's sentence that leads into the rendered facts (which follow it unchanged)."""
    result = check_reply(
        sentence,
        facts,
        allowed_names=allowed_names,
        catalogue_names=list(catalogue_names),
        catalogue_brands=list(catalogue_brands),
        secret_fragments=secret_fragments,
    )
    reasons = result.reasons
    if numbers_in(without_names(sentence, list(catalogue_names))):
        reasons.append("repeats numbers; the facts below already give them")
    # Claims about a product need its name; the facts below name the products, the sentence need not.
    named = [n for n in [*catalogue_names, *catalogue_brands] if n.lower() in sentence.lower()]
    if named:
        reasons.append(f"names products or brands ({', '.join(named[:3])}); the facts below do that")
    if echoes(sentence, question):
        reasons.append("repeats the customer's question")
    if _TASK_TALK.search(sentence):
        reasons.append("talks about its task instead of to the customer")
    if _ASKS_TO_ACT.search(sentence):
        reasons.append("asks the customer to do something instead of leading into the answer")
    words = len(sentence.split())
    if not MIN_LEAD_IN_WORDS <= words <= MAX_LEAD_IN_WORDS:
        reasons.append(f"sentence has {words} words")
    return result
