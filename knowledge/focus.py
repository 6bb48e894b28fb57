"""Follow-up questions: which of the products in focus "it", "those", "the second one" or
"the cheaper one" refers to.

The focus is the list of products the conversation's latest product answer showed (named,
recommended, compared or shown as cards), in the order they were shown. The dialogue side keeps
it in a slot; this module only reads a message against it, deterministically, for any catalogue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.catalog import Product
from knowledge.text import LESS_WORDS, MORE_WORDS, tokens

_ORDINALS = {
    "first": 0,
    "1st": 0,
    "second": 1,
    "2nd": 1,
    "third": 2,
    "3rd": 2,
    "fourth": 3,
    "4th": 3,
    "fifth": 4,
    "5th": 4,
    "last": -1,
}
_ORDINAL = re.compile(rf"\b(?:the\s+)?({'|'.join(_ORDINALS)})(?:\s+(?:one|option|choice|item|model|product))?\b", re.I)
_NUMBERED = re.compile(r"(?:\bnumber|\bno\.?|#)\s*([1-5])\b", re.I)
_PLURAL = re.compile(
    r"\b(those|these|them|they|both|either|each|all of|any of|which one|which ones|which of|which is|which has|"
    r"which would|which should|what's the difference|difference between)\b",
    re.I,
)
_SINGULAR = re.compile(r"\b(it|its|it's|itself|this one|that one|this model|that model|the one)\b", re.I)
COMPARING = re.compile(r"\b(compare|comparison|difference|differ|vs|versus)\b", re.I)
# Short follow-ups that carry on with the same products: "and the price?", "what about the weight?",
# "how heavy?", "in stock?".
_ELLIPSIS = re.compile(r"^\s*(and|also|plus|what about|how about|and what about|ok and|so)\b", re.I)
MAX_ELLIPSIS_WORDS = 5
# "upto what amount?", "how long?", "for how many days?": a question word and little more
_SHORT_QUESTION = re.compile(r"^\W*(?:up ?to |till |until |for |by )?(?:what|which|how|when|where|who)\b", re.I)
MAX_SHORT_QUESTION_WORDS = 4
# A short question about an attribute carries on with the product discussed too: "how many do u have left",
# "how much would that be then".
_ATTRIBUTE_QUESTION = re.compile(
    r"\bhow (many|much|long|big|heavy|tall|wide|high|deep|old|far|fast|warm|thick|bright|loud|light)\b|"
    r"\b(in stock|left|available)\b",
    re.I,
)
MAX_ATTRIBUTE_QUESTION_WORDS = 8


@dataclass(frozen=True)
class Focus:
    """What the conversation is about: the products the latest list showed, and the one product
    discussed on its own since (a look-up, or the winner of "which of those is lightest?")."""

    shown: list[Product] = field(default_factory=list)
    current: Product | None = None
    policy_topic: str | None = None  # the policy page the assistant's latest reply quoted, if it quoted one

    def __bool__(self) -> bool:
        return bool(self.shown) or self.current is not None

    @property
    def products(self) -> list[Product]:
        """The product discussed last first, then the products shown."""
        return [*([self.current] if self.current is not None else []), *self.shown]

    @property
    def kind(self) -> str | None:
        """The category of the products in focus, when they are all of one."""
        kinds = {p.category for p in self.products}
        return kinds.pop() if len(kinds) == 1 else None


def continues(text: str) -> bool:
    """ "and to the highlands?", "what about express?", "upto what amount?": a short message that carries on with
    the last answer."""
    words = len(tokens(text))
    return (bool(_ELLIPSIS.search(text)) and words <= MAX_ELLIPSIS_WORDS + 2) or (
        bool(_SHORT_QUESTION.search(text)) and words <= MAX_SHORT_QUESTION_WORDS
    )


@dataclass(frozen=True)
class Reference:
    products: list[Product]
    explicit: bool  # a pronoun, ordinal or "which of those"; False for a bare follow-up ("and the price?")


def refers_to_one(text: str) -> bool:
    """Whether the message speaks of one product it doesn't name ("how heavy is it?", "is that one in stock?")."""
    return bool(_SINGULAR.search(text))


def referred(text: str, focus: Focus) -> Reference | None:
    """The focus products the message refers to, or None when it refers to none of them.

    An ordinal picks one of the products shown ("the second one"); a comparative or plural
    reference means all of them ("which of those is lighter?"); "it"/"that one" means the product
    discussed last. A short follow-up without a reference word ("and the price?") is only a
    candidate: the caller decides whether it asks about an attribute of these products.
    """
    if not focus:
        return None
    shown = focus.shown or [focus.current]
    single = [focus.current] if focus.current is not None else shown
    # "the last one" picks one, "how long does the battery last" does not: "first" and "last" need "the" or a noun
    indices = [
        _ORDINALS[m.group(1).lower()]
        for m in _ORDINAL.finditer(text)
        if m.group(1).lower() not in ("first", "last") or m.group(0).lower() != m.group(1).lower()
    ]
    indices += [int(m.group(1)) - 1 for m in _NUMBERED.finditer(text)]
    if indices:
        if not all(-len(shown) <= i < len(shown) for i in indices):
            return None
        picked = {shown[i].sku: shown[i] for i in indices}
        return Reference(list(picked.values()), True)
    words = tokens(text)
    compares = any(w in LESS_WORDS or w in MORE_WORDS for w in words)
    if _PLURAL.search(text) or (compares and len(shown) > 1 and not _SINGULAR.search(text)):
        return Reference(list(shown), True)
    if _SINGULAR.search(text):
        return Reference(list(single), True)
    if _ELLIPSIS.search(text) or len(words) <= MAX_ELLIPSIS_WORDS:
        return Reference(list(single), False)
    if _ATTRIBUTE_QUESTION.search(text) and len(words) <= MAX_ATTRIBUTE_QUESTION_WORDS:
        return Reference(list(single), False)
    return None
