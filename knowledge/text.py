"""Reading a customer's words against a catalogue: product names, categories, budgets, specs.

Everything here is deterministic string work, so it behaves the same for any shop's
catalogue and can be unit-tested without models.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.catalog import Product

_WORD = re.compile(r"[a-z0-9]+(?:[.][0-9]+)?")
UNIT_WORDS = frozenset(
    [
        "kg",
        "g",
        "gram",
        "grams",
        "hours",
        "hour",
        "h",
        "inches",
        "inch",
        "in",
        "gb",
        "tb",
        "mah",
        "mp",
        "hz",
        "w",
        "mm",
        "cm",
    ]
)
# Words customers use for a spec, mapped to a word that appears in spec keys.
SPEC_SYNONYMS = {
    "big": "screen",
    "bigger": "screen",
    "biggest": "screen",
    "large": "screen",
    "larger": "screen",
    "largest": "screen",
    "small": "screen",
    "smaller": "screen",
    "smallest": "screen",
    "heavy": "weight",
    "light": "weight",
    "lighter": "weight",
    "lightest": "weight",
    "heavier": "weight",
    "heaviest": "weight",
    "weigh": "weight",
    "weighs": "weight",
    "battery": "battery",
    "charge": "battery",
    "display": "screen",
    "size": "screen",
    "memory": "ram",
    "space": "storage",
    "camera": "camera",
    "megapixel": "camera",
    "refresh": "refresh",
    "resolution": "resolution",
    "noise": "noise",
    "anc": "noise",
    "cancelling": "noise",
    "canceling": "noise",
    "wireless": "wireless",
    "bluetooth": "wireless",
    "processor": "cpu",
    "chip": "cpu",
    "graphics": "gpu",
    "stylus": "stylus",
    "pen": "stylus",
    "5g": "five",
    "ports": "ports",
    "panel": "panel",
}
LESS_WORDS = frozenset(
    ["cheaper", "cheapest", "lighter", "lightest", "smaller", "smallest", "less", "least", "lower", "lowest", "fewer"]
)
MORE_WORDS = frozenset(
    [
        "pricier",
        "priciest",
        "heavier",
        "heaviest",
        "bigger",
        "biggest",
        "larger",
        "largest",
        "more",
        "most",
        "higher",
        "highest",
        "longer",
        "longest",
        "better",
        "best",
        "faster",
        "fastest",
    ]
)


STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "or",
        "the",
        "for",
        "of",
        "to",
        "in",
        "on",
        "with",
        "some",
        "also",
        "mostly",
        "bit",
        "lot",
        "my",
        "me",
        "i",
        "it",
        "is",
        "be",
        "at",
        "by",
        "from",
        "want",
        "need",
    ]
)


def content_words(text: str) -> set[str]:
    """Words that carry meaning, for lexical matching of use cases and features."""
    return {w for w in tokens(text) if w not in STOP_WORDS}


def tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("-", " ").replace("_", " "))


def singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("es") and word[:-2].endswith(("ch", "sh", "x", "ss")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


@dataclass(frozen=True)
class ProductMention:
    product: Product
    score: float
    matched: frozenset[str]


def _has_digit(word: str) -> bool:
    return any(c.isdigit() for c in word)


def _text_words(text: str) -> set[str]:
    """Tokens, plus the parts of glued model names ("air13" also gives "air" and "13")."""
    words = set(tokens(text))
    for word in list(words):
        parts = re.findall(r"[a-z]+|\d+(?:\.\d+)?", word)
        if len(parts) > 1:
            words.update(parts)
    return words


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance with adjacent transpositions ("arai" -> "aria" is one edit)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _matches(name_word: str, words: set[str]) -> bool:
    """Exact, or a typo of a longer alphabetic word: one edit (two for words of 8+ letters)."""
    if name_word in words:
        return True
    if len(name_word) < 4 or not name_word.isalpha():
        return False
    allowed = 2 if len(name_word) >= 8 else 1
    return any(
        abs(len(w) - len(name_word)) <= allowed and w[0] == name_word[0] and edit_distance(w, name_word) <= allowed
        for w in words
        if w.isalpha()
    )


def find_products(text: str, catalog: list[Product], min_score: float = 0.6) -> list[Product]:
    """Products the text names, by SKU or by (most of) their name, typos forgiven, best first.

    A product whose matched words are all contained in a better match is dropped, so
    "iPhone 15 Pro" picks the Pro and not also the plain iPhone 15, unless the customer
    named the shorter one on its own too ("AirPods or AirPods Max").
    """
    lowered = text.lower()
    words = _text_words(text)
    text_models = {w for w in words if _has_digit(w)}
    mentions = []
    for product in catalog:
        if re.search(rf"(?<![\w-]){re.escape(product.sku.lower())}(?![\w-])", lowered):
            mentions.append(ProductMention(product, 2.0, frozenset(tokens(product.name))))
            continue
        name_words = set(tokens(product.name))
        brand_words = set(tokens(product.brand))
        matched = {w for w in name_words if _matches(w, words)}
        # A brand plus a bare number ("Nimbus ... 13") is not a mention: a model word must match.
        if not name_words or not any(not w.replace(".", "").isdigit() for w in matched - brand_words):
            continue
        # "Lumen Air 15" is not the "Lumen Air 13", nor "Galaxy S24" the "Galaxy S10".
        name_models = {w for w in name_words if _has_digit(w)}
        if name_models and text_models and not name_models & text_models:
            continue
        score = len(matched) / len(name_words)
        if score >= min_score:
            mentions.append(ProductMention(product, score, frozenset(matched)))
    mentions.sort(key=lambda m: (-m.score, -len(m.matched), m.product.name))
    chosen: list[ProductMention] = []
    for mention in mentions:
        covered = any(
            mention.matched < c.matched or (mention.matched <= c.matched and mention.score < c.score) for c in chosen
        )
        if covered and not _named_apart(lowered, mention.product, [c.product for c in chosen]):
            continue
        chosen.append(mention)
    # Keep the order in which the customer named them (matters for "X or Y").
    chosen.sort(key=lambda m: _first_position(lowered, m.product))
    return [m.product for m in chosen]


def _named_apart(lowered: str, product: Product, others: list[Product]) -> bool:
    """Is the product's full name still in the text once the longer names are taken out?"""
    for other in sorted(others, key=lambda p: -len(p.name)):
        lowered = lowered.replace(other.name.lower(), " ")
    return product.name.lower() in lowered


def _first_position(lowered: str, product: Product) -> int:
    if product.name.lower() in lowered:
        return lowered.find(product.name.lower())
    positions = [lowered.find(w) for w in tokens(product.name) if lowered.find(w) >= 0]
    return min(positions, default=len(lowered))


def find_category(text: str, categories: list[str]) -> str | None:
    """The shop category the text names (singular or plural), if exactly one."""
    words = {singular(w) for w in tokens(text)}
    found = [c for c in categories if {singular(w) for w in tokens(c)} <= words]
    return found[0] if len(found) == 1 else None


# Money words: the currency each word or symbol means. For the customer's words (budgets, price
# questions) and for the fact gate (a reply may not switch currency).
CURRENCY_WORDS = {
    **dict.fromkeys(["€", "euro", "euros", "eur"], "EUR"),
    **dict.fromkeys(["$", "dollar", "dollars", "bucks", "usd"], "USD"),
    **dict.fromkeys(["£", "pound", "pounds", "gbp"], "GBP"),
    **dict.fromkeys(["¥", "jpy"], "JPY"),
    **{code.lower(): code for code in ("CHF", "SEK", "NOK", "DKK", "PLN", "CZK")},
}
_CURRENCY_SYMBOLS = re.escape("".join(w for w in CURRENCY_WORDS if not w.isalpha()))
_CURRENCY_NAMES = "|".join(sorted((w for w in CURRENCY_WORDS if w.isalpha()), key=len, reverse=True))
CURRENCY = re.compile(rf"[{_CURRENCY_SYMBOLS}]|\b(?:{_CURRENCY_NAMES})\b", re.I)  # "€", "EUR", "euros", "bucks"
_MONEY = re.compile(r"(?P<cur>[$€£])?\s*(?P<num>\d{1,3}(?:[,.\s]\d{3})+|\d+(?:[.,]\d+)?)\s*(?P<k>k\b|grand\b)?")
_BUDGET_CUE = re.compile(
    r"(under|below|less than|max(?:imum)?|up to|at most|no more than|around|about|budget|within|"
    r"spend|cheaper than|<|~)"
)


def parse_budget(text: str) -> float | None:
    """A money amount in free text: "under a grand", "1.5k", "around 800 bucks", "€1,200"."""
    lowered = text.lower()
    if re.search(r"\b(a|one) grand\b", lowered):
        return 1000.0
    candidates: list[tuple[int, float]] = []
    for match in _MONEY.finditer(lowered):
        raw = match.group("num")
        if re.fullmatch(r"\d{1,3}(?:[,.\s]\d{3})+", raw):
            number = float(re.sub(r"[,.\s]", "", raw))
        else:
            number = float(raw.replace(",", "."))
        if match.group("k"):
            number *= 1000
        before = lowered[max(0, match.start() - 25) : match.start()]
        after = lowered[match.end() : match.end() + 12]
        cue = bool(
            match.group("cur") or match.group("k") or _BUDGET_CUE.search(before) or CURRENCY.match(after.lstrip())
        )
        candidates.append((1 if cue else 0, number))
    if not candidates:
        return None
    cued = [n for c, n in candidates if c]
    if cued:
        return cued[0]
    return candidates[0][1] if len(candidates) == 1 else None


@dataclass(frozen=True)
class SpecQuery:
    """Which product attribute a question is about, and for comparisons which way is better."""

    key: str  # "price", "stock" or a spec key from the catalogue
    direction: str | None = None  # "min", "max" or None for a plain look-up


PRICE_WORDS = frozenset("cheaper cheapest price prices priced cost costs expensive pricier priciest affordable".split())
STRONG_STOCK_WORDS = frozenset("stock available availability".split())
STOCK_WORDS = STRONG_STOCK_WORDS | frozenset("sell carry have got buy order".split())
# Words that say nothing about which attribute is asked: question words and general requests.
GENERAL_WORDS = frozenset(
    "what whats which how does do is are can could would will you your tell about info information details "
    "detail specs spec specification specifications describe overview show please much many any good worth "
    "like think opinion review recommend there there's get one this that model version new still right now "
    "today currently us we life come comes has have with when time long".split()
)


def find_spec_query(text: str, spec_keys: list[str]) -> SpecQuery | None:
    """The attribute a question asks about: a spec key (best word overlap), else price, else stock."""
    words = tokens(text)
    wanted = set(words) | {SPEC_SYNONYMS[w] for w in words if w in SPEC_SYNONYMS}
    direction = None
    if any(w in LESS_WORDS for w in words):
        direction = "min"
    elif any(w in MORE_WORDS for w in words):
        direction = "max"
    best_key, best_overlap = None, 0
    for key in spec_keys:  # ordered by preference: the first key with the best overlap wins
        key_words = {w for w in tokens(key) if w not in UNIT_WORDS}
        overlap = len(key_words & wanted)
        if overlap > best_overlap:
            best_key, best_overlap = key, overlap
    if best_key is not None:
        if wanted & {"light", "lighter", "lightest"}:
            direction = "min"
        return SpecQuery(best_key, direction)
    if wanted & PRICE_WORDS or "how much" in text.lower():
        if wanted & {"cheaper", "cheapest", "affordable"} or ("less" in wanted and "expensive" in wanted):
            return SpecQuery("price", "min")
        if wanted & {"pricier", "priciest"} or ({"more", "most"} & wanted and "expensive" in wanted):
            return SpecQuery("price", "max")
        return SpecQuery("price", None)
    if wanted & STOCK_WORDS:
        return SpecQuery("stock", None)
    return None


def unexplained_words(text: str, products: list[Product], query: SpecQuery | None) -> set[str]:
    """Words of a product question that no known attribute explains ("colour", "waterproof").

    If a customer asks about something the catalogue does not record, the honest answer is
    that we don't know, not a summary that looks like an answer.
    """
    known = set(STOP_WORDS) | GENERAL_WORDS | PRICE_WORDS | STOCK_WORDS | UNIT_WORDS | LESS_WORDS | MORE_WORDS
    for product in products:
        known |= set(tokens(product.name)) | set(tokens(product.brand)) | set(tokens(product.category))
        known |= set(tokens(product.sku))
        known |= {singular(w) for w in tokens(product.category)}
        if query is not None:
            known |= set(tokens(query.key))
    known |= {w for w, target in SPEC_SYNONYMS.items() if query and target in query.key}
    if query is not None and query.key == "price":
        known |= {"much", "pay", "money", *CURRENCY_WORDS}
    name_words = {w for product in products for w in tokens(product.name)}
    key_stems = {k[:4] for k in tokens(query.key) if len(k) >= 4} if query else set()  # "ship" for "shipping"
    return {
        w
        for w in tokens(text)
        if w not in known
        and not w.replace(".", "").isdigit()
        and len(w) > 2
        and w[:4] not in key_stems
        and not any(_matches(name_word, {w}) for name_word in name_words)  # a typo of the name ("arai")
    }


# Talk of discounts and offers, in a customer's question or in a model's sentence (the fact gate).
DISCOUNT_TALK = re.compile(
    r"\b(discount\w*|coupon\w*|promo\w*|voucher\w*|rebate\w*|price match\w*|cashback|deal\w*|on sale|"
    r"sale price|sale|percent off|free gift)\b|%\s*off|\d+\s*%",
    re.I,
)


def asks_for_discount(text: str) -> bool:
    """Discounts are never invented: any question about one gets the same honest answer."""
    return bool(DISCOUNT_TALK.search(text))
