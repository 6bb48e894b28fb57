"""Qualitative claims ("light", "long battery", "good for travel") and the data that must back them.

A claim word is backed for a product when the product's own text (name, description, text specs) uses it,
or when the spec the word is about puts the product on the claimed side of its category's median
("light": weight at or below the median of its category). "for X" claims ("great for travel") need X's
words in the product's text. A product's yes/no spec named in a sentence must be "yes" for it unless the
sentence says "no"/"without". Superlatives ("the lightest") need the product to be the extreme of the
products shown. Claims are read per sentence, about the products that sentence refers to ({N.…}), else
about product 1; a superlative is about the first one the sentence names.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from knowledge.catalog import Product, spec_label
from knowledge.references import REFERENCE
from knowledge.text import STOP_WORDS, content_words, sentences, singular


@dataclass(frozen=True)
class Claim:
    pattern: str  # the words, a regular expression
    spec: str  # what it is about: a piece of a spec key ("weight"), or "price"
    low: bool  # True: backed at or below the category median ("light"); False: at or above ("long battery")


CLAIMS = (
    Claim(r"light(?:weight)?|featherweight|easy to carry", "weight", low=True),
    Claim(r"heavy|solid", "weight", low=False),
    Claim(r"long(?:-lasting)? battery|(?:great|big|all[- ]day) battery|long battery life", "battery", low=False),
    Claim(r"cheap|affordable|budget[- ]friendly|inexpensive|low[- ]priced|(?:great|good) value", "price", True),
    Claim(r"premium|high[- ]end|top[- ]of[- ]the[- ]range|luxury|luxurious", "price", low=False),
    Claim(r"compact|small|slim|narrow|space[- ]saving", "width", low=True),
    Claim(r"spacious|roomy|large|big|wide|generous", "width", low=False),
    Claim(r"powerful|fast|quick", "power", low=False),
    Claim(r"quiet|silent", "noise", low=True),
)
# Praise that no spec measures: backed only by the product's own text.
TEXT_ONLY = re.compile(
    r"\b(durable|sturdy|comfortable|comfy|cosy|cozy|stylish|elegant|reliable|versatile|robust|soft|warm|"
    r"breathable|waterproof|water-resistant|grippy|cushioned|supportive|responsive|ergonomic|modern|classic|"
    r"high[- ]quality|well[- ]made|easy to clean|easy to use)\b",
    re.I,
)
SUPERLATIVES = {
    r"lightest": ("weight", True),
    r"heaviest": ("weight", False),
    r"cheapest|most affordable|least expensive": ("price", True),
    r"most expensive|priciest": ("price", False),
    r"longest battery": ("battery", False),
    r"smallest|most compact|narrowest": ("width", True),
    r"biggest|largest|widest|roomiest|most spacious": ("width", False),
    r"most powerful|fastest": ("power", False),
}
_FOR = re.compile(
    r"\b(?:great|good|perfect|ideal|ideally|made|designed|built|suited|suitable|best|fits?|works? well)\s+"
    r"(?:for|to)\s+([a-z][a-z' -]{2,40})",
    re.I,
)
_NEGATION = re.compile(r"\b(no|not|without|doesn't|does not|lacks?)\b", re.I)


def unsupported_claims(
    text: str, shown: Sequence[Product], catalogue: Sequence[Product], use_backed: bool
) -> list[str]:
    """The claims in a reply written with references that the data does not back, as reasons.

    `text` still holds its references; `shown` are the products [1], [2], … ; `catalogue` gives the
    category medians; `use_backed` says whether the products' text supports the customer's stated use,
    which "{use}" after "great for" claims.
    """
    problems = []
    for sentence in sentences(text):
        about = _referred(sentence, shown) or list(shown[:1])
        plain = REFERENCE.sub(lambda m: "{use}" if m.group(1) == "use" else " ", sentence)
        for product in about:
            problems += _problems(plain, product, shown, catalogue, use_backed, subject=product is about[0])
    return sorted(set(problems))


def _referred(sentence: str, shown: Sequence[Product]) -> list[Product]:
    """The products a sentence refers to, in the order it names them first."""
    numbers = dict.fromkeys(int(m.group(1)) for m in re.finditer(r"\{(\d+)\.", sentence))
    return [shown[n - 1] for n in numbers if 1 <= n <= len(shown)]


def _problems(
    sentence: str,
    product: Product,
    shown: Sequence[Product],
    catalogue: Sequence[Product],
    use_backed: bool,
    subject: bool,
) -> list[str]:
    """What the sentence claims about this product that its data does not back; a superlative is about the
    sentence's first product only ("the {1.name} is the lightest, against {2.weight_kg} for the {2.name}")."""
    own = _own_words(product)
    problems = []
    for claim in CLAIMS:
        for match in re.finditer(rf"\b(?:{claim.pattern})\b", sentence, re.I):
            said = match.group(0).lower()
            if not (_in_own_text(said, own) or on_side(product, claim, catalogue)):
                problems.append(f"{said!r} is not backed for {product.name}")
    for match in TEXT_ONLY.finditer(sentence):
        said = match.group(0).lower()
        if not _in_own_text(said, own):
            problems.append(f"{said!r} is not in {product.name}'s data")
    for pattern, (spec, low) in SUPERLATIVES.items():
        match = re.search(rf"\b(?:{pattern})\b", sentence, re.I) if subject else None
        if match and not _extreme(product, spec, low, shown):
            problems.append(f"{match.group(0).lower()!r}: {product.name} is not that among the products shown")
    for match in _FOR.finditer(sentence):
        purpose = match.group(1)
        if purpose.startswith("{use}"):
            if not use_backed:
                problems.append(f"'for' the customer's use: {product.name}'s data doesn't say so")
            continue
        wanted = {singular(w) for w in content_words(purpose)} - STOP_WORDS
        if wanted and not wanted <= own:
            problems.append(f"'for {purpose.strip()}' is not in {product.name}'s data")
    if not _NEGATION.search(sentence):
        for key, value in product.specs.items():
            label = spec_label(key).replace("_", " ")
            if value is False and re.search(rf"\b{re.escape(label)}\b", sentence, re.I):
                problems.append(f"{product.name} has no {label}")
    return problems


def covers(wanted: set[str], text: str) -> bool:
    """All of the customer's words (two of three for longer phrases) are in the text."""
    have = {singular(w) for w in content_words(text)}
    return len(wanted & have) >= (len(wanted) if len(wanted) <= 2 else len(wanted) - 1)


def use_backed(product: Product, use: str) -> bool:
    """The product's own text supports the customer's stated use ("video editing" needs both words)."""
    wanted = {singular(w) for w in content_words(use)}
    return bool(wanted) and covers(wanted, product.document_text())


def _own_words(product: Product) -> set[str]:
    return {singular(w) for w in content_words(product.document_text())} | content_words(product.document_text())


def _in_own_text(said: str, own: set[str]) -> bool:
    words = {singular(w) for w in content_words(said)}
    return bool(words) and words <= own


def _numbers(products: Sequence[Product], spec: str, category: str) -> list[tuple[Product, float]]:
    valued = []
    for product in products:
        if product.category != category:
            continue
        if spec == "price":
            valued.append((product, product.price))
            continue
        for key, value in product.specs.items():
            if spec in key and isinstance(value, int | float) and not isinstance(value, bool):
                valued.append((product, float(value)))
                break
    return valued


def on_side(product: Product, claim: Claim, catalogue: Sequence[Product]) -> bool:
    valued = _numbers(catalogue, claim.spec, product.category)
    mine = next((v for p, v in valued if p.sku == product.sku), None)
    if mine is None or len(valued) < 2:
        return False
    median = statistics.median(v for _, v in valued)
    return mine <= median if claim.low else mine >= median


def _extreme(product: Product, spec: str, low: bool, shown: Sequence[Product]) -> bool:
    valued = _numbers(shown, spec, product.category)
    mine = next((v for p, v in valued if p.sku == product.sku), None)
    if mine is None:
        return False
    best = min(v for _, v in valued) if low else max(v for _, v in valued)
    return mine == best
