"""The fact gate: a generated reply may only state what the decided facts state.

`check_reply` checks any reply: numbers (prices, specs, percentages), currencies, product and
brand names, stock claims, discounts and talk about the assistant itself or its instructions.
`check_written` checks a reply the model wrote with references (`knowledge/references.py`): the
model typed no fact itself, every reference fills, what was asked is there, every qualitative claim
is backed by the data (`knowledge/claims.py`), and the filled text passes `check_reply`. Any failure
means the caller sends the rendered facts instead of the model's words.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from knowledge.answers import Answer
from knowledge.catalog import Product
from knowledge.claims import unsupported_claims, use_backed
from knowledge.references import REFERENCE, FactSheet, UnknownReference, references_in, without_references
from knowledge.text import CURRENCY, CURRENCY_WORDS, DISCOUNT_TALK, SAID_UNITS, STOP_WORDS, sentences, tokens

log = logging.getLogger(__name__)

_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.])\d+(?:\.\d+)?")
# Talk about the assistant itself: a sales reply never needs it, an injected request often asks for it.
_META = re.compile(r"\b(instructions?|system prompt|prompt|my rules|language model|as an ai|jailbreak|DAN)\b", re.I)
# A lead-in sentence also speaks to the customer, not about the task it was given (beyond _META's words).
# "The {1.colour} at {1.colour} goes well with it": a value used as if it were a product
_VALUE_AS_THING = re.compile(r"\b[Tt]he \{\d+\.(?!name\})[^{}]+\}")
_BUDGET_TALK = re.compile(r"\bbudget\b", re.I)  # "also within your budget", when none was given
# "with a gig bag of yes", "has yes pickup", "it includes yes and …": a yes/no value read as an amount or a
# thing ("it has no battery" is English)
_YES_NO_AS_AMOUNT = re.compile(
    r"\b(?:of|an?)\s+(?:yes|no)\b|\b(?:has|have|includes?|with|is|are)\s+(?:yes\b|no\b(?=\s*(?:[.,;!?]|$|and\b|but\b)))",
    re.I,
)
_TASK_TALK = re.compile(r"\b(customers?|sentences?|the facts|facts:|rules?)\b", re.I)  # "Customer is in stock."
_LINK = re.compile(r"https?://|www\.|\S+@\S+\.\w+|\.(?:com|org|net|example)\b", re.I)
_STOCK_TALK = re.compile(r"\b(in stock|out of stock|sold out|available now|left in stock|\w+ left)\b", re.I)
_COMPARING = re.compile(r"\b(against|than|versus|vs|compared (?:to|with))\b", re.I)
_SENTENCE_END = re.compile(r"[.!?](?=\s)")
ECHO_SHARE = 0.6  # this share of a reply's own words being the customer's: a repeated question
MAX_SENTENCES = 4
MAX_WORDS = 70


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
        # "24, weight" is no pair, nor a number ending a line and the next line's first word
        for number, unit in re.findall(r"(\d+(?:,\d{3})*(?:\.\d+)?)[^\S\n]*([A-Za-z]+|%)", text)
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


def _yes_no_in_running_text(written: str, sheet: FactSheet) -> bool:
    """ "the cheapest, with a gig bag {1.gig_bag}": a yes/no value is only readable after its label and a colon
    ("gig bag: yes")."""
    for match in REFERENCE.finditer(written):
        number, _, key = match.group(1).partition(".")
        if not number.isdigit() or not 1 <= int(number) <= len(sheet.products):
            continue
        if isinstance(sheet.products[int(number) - 1].specs.get(key), bool) and not written[
            : match.start()
        ].rstrip().endswith(":"):
            return True
    return False


def check_written(
    written: str,
    answer: Answer,
    sheet: FactSheet,
    question: str,
    *,
    catalogue: Sequence[Product],
    secret_fragments: list[str],
    opening: str = "",
) -> tuple[str, GateResult]:
    """Check a reply the model wrote with references, fill them in, and check the filled text.

    `opening` is the start code wrote (`prompts.opening`): it may use the customer's words.

    Returns the filled text (empty when a reference cannot be filled) and the result. The model's own
    words may hold no number, currency, product or brand name, link or stock claim: those come only
    through references. Every reference of `answer.key_facts` must be there (the answer comes first),
    and every qualitative claim must be backed (`knowledge/claims.py`).
    """
    result = GateResult()
    reasons = result.reasons
    typed = without_references(written)
    if not written.strip():
        reasons.append("empty reply")
        return "", result
    try:
        filled = without_doubled_units(sheet.fill(written))
    except UnknownReference as exc:
        reasons.append(f"unknown reference {exc}")
        filled = ""
    if _YES_NO_AS_AMOUNT.search(filled) or _yes_no_in_running_text(written, sheet):
        reasons.append("writes a yes/no value as an amount")
    if sheet.context.budget is None and _BUDGET_TALK.search(typed):
        reasons.append("talks of a budget the customer did not give")
    if numbers_in(typed):
        reasons.append(f"typed numbers itself: {', '.join(sorted(numbers_in(typed)))}")
    if currencies_in(typed):
        reasons.append(f"typed a currency itself: {', '.join(sorted(currencies_in(typed)))}")
    named = [n for n in _names(catalogue) if re.search(rf"(?<!\w){re.escape(n.lower())}(?!\w)", typed.lower())]
    if named:
        reasons.append(f"typed product or brand names itself: {', '.join(named[:3])}")
    if _LINK.search(typed):
        reasons.append("typed a link or address itself")
    if stock := _STOCK_TALK.search(typed):
        reasons.append(f"typed a stock claim itself: {stock.group(0)!r}")
    missing = [f"{{{key}}}" for key in answer.key_facts if key not in references_in(written)]
    if missing:
        reasons.append(f"leaves out what was asked: {', '.join(missing)}")
    if uses_value_as_thing(written):
        reasons.append("uses a value as if it were a product")
    if _TASK_TALK.search(typed) or "[" in typed:
        reasons.append("talks about its notes instead of to the customer")
    if echoes(without_references(written.removeprefix(opening)), question):
        reasons.append("repeats the customer's question")
    if len(_SENTENCE_END.findall(written.strip() + " ")) > MAX_SENTENCES or len(written.split()) > MAX_WORDS:
        reasons.append(f"longer than {MAX_SENTENCES} sentences or {MAX_WORDS} words")
    said = [" ".join(tokens(x)) for x in sentences(written)]
    if len(set(said)) < len(said):
        reasons.append("repeats a sentence")
    for sentence in sentences(written):
        names = re.findall(r"\{(\d+)\.name\}", sentence)
        if len(set(names)) < len(names):  # "the {1.name} and the {1.name} go with it"
            reasons.append("names the same product twice in a sentence")
    names = re.findall(r"\{(\d+)\.name\}", written)
    if (len(answer.products) > 1 or answer.kind == "recommend") and len(set(names)) < len(names):
        # "I'd pick the {1.name} … The {1.name} at {1.price} is also within your budget.": another one was meant
        reasons.append("names the same product twice in a recommendation or a list")
    if not written.rstrip().endswith((".", "!", "?")):
        reasons.append("cut off before the end of a sentence")
    reasons += _mixed_comparisons(written)
    use = sheet.context.use_case
    for_use = bool(use) and bool(answer.products) and use_backed(answer.products[0], use or "")
    reasons += unsupported_claims(written, answer.products, catalogue, for_use)
    if meta := _META.search(written):  # also when a bad reference leaves nothing filled to check
        reasons.append(f"talks about its own instructions: {meta.group(0)!r}")
    if any(fragment.lower() in written.lower() for fragment in secret_fragments):
        reasons.append("repeats the system instructions")
    if filled:
        reasons += check_reply(
            filled,
            sheet.facts() + "\n" + answer.rendered,
            allowed_names=[p.name for p in answer.products],
            catalogue_names=[p.name for p in catalogue],
            catalogue_brands=sorted({p.brand for p in catalogue if p.brand}),
            secret_fragments=secret_fragments,
        ).reasons
    result.reasons = list(dict.fromkeys(reasons))
    return filled, result


def uses_value_as_thing(written: str) -> bool:
    """ "The {1.colour} at {1.colour} goes well with it": a spec value used as if it named a product."""
    return bool(_VALUE_AS_THING.search(written))


def without_doubled_units(filled: str) -> str:
    """ "a battery of 20 hours hours": the model typed the unit the filled value already has."""
    return _DOUBLED_UNIT.sub(r"\1", filled)


_DOUBLED_UNIT = re.compile(rf"\b({'|'.join(sorted(map(re.escape, SAID_UNITS), key=len, reverse=True))})\s+\1\b", re.I)


def _mixed_comparisons(written: str) -> list[str]:
    """ "a width of {1.width_cm} against {2.price}": a comparison sets values of one field against each other."""
    problems = []
    for sentence in sentences(written):
        if _COMPARING.search(sentence):
            fields = {ref.partition(".")[2] for ref in references_in(sentence)} - {"", "name", "brand", "url"}
            if len(fields) > 1:
                problems.append(f"compares different things: {', '.join(sorted(fields))}")
    return problems


def _names(catalogue: Sequence[Product]) -> list[str]:
    return sorted({p.name for p in catalogue} | {p.brand for p in catalogue if p.brand}, key=len, reverse=True)
