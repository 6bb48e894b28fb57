"""Answers decided in code from structured catalogue data.

Each function returns an `Answer`: the facts (true sentences rendered from data), the
products they are about, the sources, and a plain rendered reply that is safe to send
as it is. The language model may only rephrase these facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from knowledge.catalog import Product, format_price, format_spec, spec_label
from knowledge.store import PolicyChunk
from knowledge.text import SpecQuery


@dataclass
class CustomerContext:
    """What the conversation has told us about the customer."""

    name: str | None = None
    category: str | None = None
    budget: float | None = None
    use_case: str | None = None
    brand: str | None = None
    feature: str | None = None

    def describe(self) -> str:
        parts = []
        if self.name:
            parts.append(f"name: {self.name}")
        if self.category:
            parts.append(f"looking for: {self.category}")
        if self.use_case:
            parts.append(f"use: {self.use_case}")
        if self.budget is not None:
            parts.append(f"budget: up to {self.budget:g}")
        if self.brand:
            parts.append(f"preferred brand: {self.brand}")
        if self.feature:
            parts.append(f"must have: {self.feature}")
        return "; ".join(parts) or "nothing known yet"


@dataclass
class Answer:
    kind: str  # lookup | compare | recommend | policy | not_found | nothing_fits | unknown_spec
    facts: list[str]
    rendered: str
    products: list[Product] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    required: list[str] = field(default_factory=list)  # must survive into the final reply

    @property
    def worth_phrasing(self) -> bool:
        """Refusals and not-found answers go out as rendered: there is nothing to embellish."""
        return self.kind in ("lookup", "compare", "recommend", "policy")


def product_summary(product: Product, keys: list[str] | None = None) -> str:
    specs = product.specs if keys is None else {k: product.specs[k] for k in keys if k in product.specs}
    spec_text = ", ".join(f"{spec_label(k)} {format_spec(v, k)}" for k, v in specs.items())
    stock = "in stock" if product.in_stock else "out of stock"
    line = f"{product.name} costs {format_price(product.price, product.currency)} and is {stock}"
    return f"{line} ({spec_text})." if spec_text else f"{line}."


def lookup(products: list[Product], query: SpecQuery | None) -> Answer:
    facts = []
    required = []
    for product in products:
        if query is None:
            facts.append(product_summary(product))
            if product.description:
                facts.append(f"{product.name}: {product.description}")
            required.append(format_price(product.price, product.currency))
        elif query.key == "price":
            facts.append(f"{product.name} costs {format_price(product.price, product.currency)}.")
            required.append(format_price(product.price, product.currency))
        elif query.key == "stock":
            facts.append(_stock_sentence(product))
            required.append("in stock" if product.in_stock else "out of stock")
        elif query.key in product.specs:
            value = format_spec(product.specs[query.key], query.key)
            facts.append(f"{product.name} has {spec_label(query.key)}: {value}.")
            required.append(value)
        else:
            facts.append(f"The catalogue does not list {spec_label(query.key)} for {product.name}.")
    return Answer(
        "lookup",
        facts,
        " ".join(facts),
        products=list(products),
        sources=[p.sku for p in products],
        required=required,
    )


def _stock_sentence(product: Product) -> str:
    if not product.in_stock:
        return f"{product.name} is currently out of stock."
    if product.stock <= 3:
        return f"{product.name} is in stock, only {product.stock} left."
    return f"{product.name} is in stock."


def compare(products: list[Product], query: SpecQuery | None) -> Answer:
    """Compare named products on every shared spec; if a direction was asked, decide the winner."""
    shared = [k for k in products[0].specs if all(k in p.specs for p in products[1:])]
    facts = [product_summary(p, shared) for p in products]
    required = [p.name for p in products]
    verdict = _extreme_sentence(products, query, among="of these") if query and query.direction else None
    if verdict:
        facts.append(verdict)
        required.append(verdict.split(" is ")[0])
    return Answer("compare", facts, " ".join(facts), products, [p.sku for p in products], required)


def _value(product: Product, key: str) -> float | None:
    raw = product.price if key == "price" else product.specs.get(key)
    if isinstance(raw, bool) or raw is None:
        return None
    try:
        return float(raw)
    except (TypeError, ValueError):
        return None


def _extreme_sentence(products: list[Product], query: SpecQuery, among: str) -> str | None:
    valued = [(p, _value(p, query.key)) for p in products]
    valued = [(p, v) for p, v in valued if v is not None]
    if len(valued) < 2 and among == "of these":
        return None
    if not valued:
        return None
    pick = min if query.direction == "min" else max
    best_value = pick(v for _, v in valued)
    winners = [p for p, v in valued if v == best_value]
    if len(winners) > 1:
        names = " and ".join(p.name for p in winners)
        return f"{names} are tied on {spec_label(query.key)}."
    winner = winners[0]
    word = _superlative(query)
    shown = (
        format_price(winner.price, winner.currency)
        if query.key == "price"
        else format_spec(winner.specs[query.key], query.key)
    )
    return f"{winner.name} is the {word} {among} ({spec_label(query.key)}: {shown})."


def _superlative(query: SpecQuery) -> str:
    if query.key == "price":
        return "cheapest" if query.direction == "min" else "most expensive"
    if "weight" in query.key:
        return "lightest" if query.direction == "min" else "heaviest"
    return f"{'lowest' if query.direction == 'min' else 'highest'} on {spec_label(query.key)}"


def superlative(candidates: list[Product], query: SpecQuery, scope: str) -> Answer:
    sentence = _extreme_sentence(candidates, query, among=scope)
    if not sentence:
        return nothing_fits(scope)
    winner = next(p for p in candidates if sentence.startswith(p.name))
    facts = [sentence, product_summary(winner)]
    return Answer(
        "compare",
        facts,
        " ".join(facts),
        [winner],
        [winner.sku],
        [winner.name, format_price(winner.price, winner.currency)],
    )


def recommend(picks: list[Product], context: CustomerContext, over_budget: list[Product]) -> Answer:
    if not picks and not over_budget:
        return nothing_fits(context.category or "that")
    facts = []
    if picks:
        facts.append(f"Products that fit{_needs_phrase(context)}:")
        facts.extend(f"- {product_summary(p)}" for p in picks)
    else:
        facts.append(f"Nothing fits{_needs_phrase(context)}. The closest options are slightly over budget:")
        facts.extend(f"- {product_summary(p)}" for p in over_budget)
    shown = picks or over_budget
    return Answer(
        "recommend",
        facts,
        "\n".join(facts),
        shown,
        [p.sku for p in shown],
        [p.name for p in shown] + [format_price(p.price, p.currency) for p in shown],
    )


def _needs_phrase(context: CustomerContext) -> str:
    parts = []
    if context.category:
        parts.append(f" {context.category}")
    if context.use_case:
        parts.append(f" for {context.use_case}")
    if context.budget is not None:
        parts.append(f" up to {context.budget:g}")
    return "".join(parts) or " your request"


def nothing_fits(scope: str) -> Answer:
    text = (
        f"I couldn't find {scope} products in our catalogue that match. "
        "Could you loosen the budget or pick another category?"
    )
    return Answer("nothing_fits", [text], text)


def not_found(named: str | None, alternatives: list[Product]) -> Answer:
    what = f"“{named}”" if named else "that product"
    text = f"Sorry, we don't sell {what}: it isn't in our catalogue."
    facts = [text]
    if alternatives:
        facts.append("Similar products we do have:")
        facts.extend(f"- {product_summary(p)}" for p in alternatives)
    return Answer("not_found", facts, "\n".join(facts), alternatives, [p.sku for p in alternatives])


def policy(chunks: list[PolicyChunk]) -> Answer:
    if not chunks:
        text = "I don't have that information in our shop policies. A member of our team can help with that."
        return Answer("not_found", [text], text)
    facts = [c.text for c in chunks]
    sources = sorted({c.source for c in chunks})
    return Answer("policy", facts, "\n\n".join(facts), sources=sources)
