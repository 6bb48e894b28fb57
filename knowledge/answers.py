"""Answers decided in code from structured catalogue data.

Each function returns an `Answer`: the facts, rendered from data into sentences a
customer can read as they are, plus the products and sources they rest on. An answer
about products also says what a written reply must do (`task`), which references it
must contain (`key_facts`, e.g. "1.price") and the sentence that ends it (`next_step`):
the model writes that reply with references, code fills in the values
(`knowledge/references.py`), and the rendered lines are the fallback.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from knowledge.catalog import Product, format_price, format_spec, spec_label
from knowledge.store import PolicyChunk
from knowledge.text import SpecQuery

_T = TypeVar("_T")


def varied(options: Sequence[_T], key: str) -> _T:
    """One of several wordings or examples, chosen by `key` (the question, a product), so replies don't all start
    alike and the same question always gets the same one."""
    return options[zlib.crc32(key.encode()) % len(options)]


MAX_SPECS_IN_LIST = 4


@dataclass
class CustomerContext:
    """What the conversation has told us about the customer."""

    name: str | None = None
    category: str | None = None
    budget: float | None = None
    use_case: str | None = None
    brand: str | None = None
    feature: str | None = None

    def filled_from(self, other: CustomerContext) -> CustomerContext:
        """These needs, with what `other` knows and these don't."""
        return CustomerContext(**{k: v if v is not None else getattr(other, k) for k, v in vars(self).items()})

    def describe(self) -> str:
        parts = []
        if self.name:
            parts.append(f"name: {self.name}")
        if self.category:
            parts.append(f"looking for: {self.category}")
        if self.use_case:
            parts.append(f"use: {self.use_case}")
        if self.budget is not None:
            parts.append(f"budget: up to {plain_number(self.budget)}")
        if self.brand:
            parts.append(f"preferred brand: {self.brand}")
        if self.feature:
            parts.append(f"must have: {self.feature}")
        return "; ".join(parts) or "nothing known yet"


@dataclass
class Answer:
    # lookup | overview | compare | recommend | objection | closing | cross_sell | policy | not_found
    # | nothing_fits | clarify
    kind: str
    lines: list[str]
    products: list[Product] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    task: str = ""  # what a written reply must do, in the model's notes; empty: the rendered lines go out
    key_facts: list[str] = field(default_factory=list)  # references a written reply must contain: "1.price"
    next_step: str = ""  # the sentence that ends a written reply
    reasons: list[str] = field(default_factory=list)  # per product, why it fits, in references ("{1.price} is …")
    # the needs a recommendation was chosen for, with what this message said ("ukuleles under 700"), which the
    # conversation's slots learn only after the reply: its reasons and written reply speak to them
    needs: CustomerContext | None = None

    def needs_with(self, context: CustomerContext) -> CustomerContext:
        """The needs this answer was decided for, the conversation's `context` filling in the rest (the name)."""
        return self.needs.filled_from(context) if self.needs else context

    @property
    def rendered(self) -> str:
        return "\n".join(self.lines)

    @property
    def worth_phrasing(self) -> bool:
        """Answers about products that say what to write get a written reply; refusals, policy quotes and
        overviews go out as rendered."""
        return bool(self.task and self.products)


def price_text(product: Product) -> str:
    return format_price(product.price, product.currency)


def spec_text(product: Product, keys: list[str] | None = None) -> str:
    keys = list(product.specs) if keys is None else [k for k in keys if k in product.specs]
    return ", ".join(f"{spec_label(k)} {format_spec(product.specs[k], k)}" for k in keys)


def stock_text(product: Product) -> str:
    if not product.in_stock:
        return "currently out of stock"
    if product.stock <= 3:
        return f"in stock (only {product.stock} left)"
    return "in stock"


def list_item(product: Product, first: Sequence[str] = ()) -> str:
    """One line of a product list: name, price, stock and the first few specs (the `first` keys before the
    others: the ones the customer's need is about)."""
    keys = [k for k in first if k in product.specs] + [k for k in product.specs if k not in first]
    specs = spec_text(product, keys[:MAX_SPECS_IN_LIST])
    line = f"- {product.name}: {price_text(product)}, {stock_text(product)}"
    return f"{line} ({specs})" if specs else line


NEXT_LOOKUP = "Would you like to compare it with similar products, or order it?"
NEXT_SOLD_OUT = "Would you like me to suggest something similar that is in stock?"
NEXT_COMPARE = "Which one would you like to know more about?"
NEXT_RECOMMEND_MANY = "Would you like me to compare them, or tell you more about one?"
NEXT_RECOMMEND_ONE = "Would you like more details, or to order it?"


def _next_after(products: list[Product]) -> str:
    """The next step after a look-up: none of "order it" when nothing of it can be ordered now."""
    return NEXT_LOOKUP if any(p.in_stock for p in products) else NEXT_SOLD_OUT


def lookup(products: list[Product], query: SpecQuery | None) -> Answer:
    lines = []
    key_facts: list[str] = []
    for index, product in enumerate(products, start=1):
        key_facts += [f"{index}.{key}" for key in _asked_keys(product, query)]
        if query is None:
            lines.append(f"The {product.name} costs {price_text(product)} and is {stock_text(product)}.")
            if product.specs:
                lines.append(f"Specs: {spec_text(product)}.")
            if product.description:
                lines.append(product.description)
        elif query.key == "price":
            lines.append(f"The {product.name} costs {price_text(product)} and is {stock_text(product)}.")
        elif query.key == "stock":
            lines.append(f"The {product.name} is {stock_text(product)}.")
        elif query.key in product.specs:
            value = format_spec(product.specs[query.key], query.key)
            lines.append(f"The {product.name} has {spec_label(query.key)}: {value}.")
        else:
            lines.append(f"Our catalogue doesn't list {spec_label(query.key)} for the {product.name}.")
    unrecorded = query is not None and query.key not in ("price", "stock") and len(key_facts) < len(products)
    asked = "everything" if query is None else spec_label(query.key)
    return Answer(
        "lookup",
        lines,
        list(products),
        [p.sku for p in products],
        # A spec the catalogue doesn't record is said in rendered words: there is nothing to refer to.
        task="" if unrecorded else f"answer the question about {asked}",
        key_facts=key_facts,
        next_step=_next_after(products),
    )


def _asked_keys(product: Product, query: SpecQuery | None) -> list[str]:
    """The references a reply about this product must contain: what was asked."""
    if query is None:
        return ["name", "price"]
    if query.key == "price":
        return ["price", "stock"]
    if query.key == "stock":
        return ["stock"]
    return [query.key] if query.key in product.specs else []


def compare(products: list[Product], query: SpecQuery | None) -> Answer:
    """Specs of two or three products side by side and, if a direction was asked, the winner."""
    shared = [k for k in products[0].specs if all(k in p.specs for p in products[1:])]
    lines = [" vs ".join(p.name for p in products) + ":"]
    lines.append("- price: " + " | ".join(price_text(p) for p in products))
    lines.append("- stock: " + " | ".join(stock_text(p) for p in products))
    lines.extend(f"- {spec_label(k)}: " + " | ".join(format_spec(p.specs[k], k) for p in products) for k in shared)
    verdict = _extreme_sentence(products, query, among="of these") if query and query.direction else None
    key_facts = [f"{i}.name" for i in range(1, len(products) + 1)]
    task = "compare them"
    if verdict:
        lines.append(verdict)
        winner = next((i for i, p in enumerate(products, start=1) if verdict.startswith(f"The {p.name} ")), None)
        if winner is not None and query is not None:
            task = f"say [{winner}] {_superlative(query)} of these"
            key_facts.append(f"{winner}.{query.key}")
        else:
            task = f"say they are tied on {spec_label(query.key) if query else 'this'}"
    return Answer("compare", lines, list(products), [p.sku for p in products], task, key_facts, next_step=NEXT_COMPARE)


def spec_value(product: Product, key: str) -> float | None:
    """A price or spec as a number, for ranking; None when the product has no such number."""
    raw = product.price if key == "price" else product.specs.get(key)
    if isinstance(raw, bool) or raw is None:
        return None
    try:
        return float(raw)
    except (TypeError, ValueError):
        return None


def _winners(products: list[Product], query: SpecQuery) -> list[Product]:
    """The products with the best value of the spec asked about (more than one when they are tied)."""
    valued = [(p, v) for p in products if (v := spec_value(p, query.key)) is not None]
    if not valued:
        return []
    best_value = (min if query.direction == "min" else max)(v for _, v in valued)
    return [p for p, v in valued if v == best_value]


def _extreme_sentence(products: list[Product], query: SpecQuery, among: str) -> str | None:
    winners = _winners(products, query)
    if not winners or (among == "of these" and sum(spec_value(p, query.key) is not None for p in products) < 2):
        return None
    winner = winners[0]
    shown = price_text(winner) if query.key == "price" else format_spec(winner.specs[query.key], query.key)
    if len(winners) > 1:
        return f"{' and '.join(p.name for p in winners)} are tied on {spec_label(query.key)} ({shown})."
    return f"The {winner.name} {_superlative(query)} {among} ({spec_label(query.key)}: {shown})."


def _superlative(query: SpecQuery) -> str:
    """ "is the cheapest", "is the lightest", "has the highest width": the winner's predicate."""
    if query.key == "price":
        return "is the cheapest" if query.direction == "min" else "is the most expensive"
    if "weight" in query.key:
        return "is the lightest" if query.direction == "min" else "is the heaviest"
    return f"has the {'lowest' if query.direction == 'min' else 'highest'} {spec_label(query.key)}"


def superlative(
    candidates: list[Product], query: SpecQuery, scope: str, needs: CustomerContext | None = None
) -> Answer:
    """The winner among `candidates`; `needs` (the kind and budget ranked in) are the conversation's from now on."""
    sentence = _extreme_sentence(candidates, query, among=scope)
    if not sentence:  # "of our grinders up to 200" -> "grinders up to 200"
        scope = scope.removeprefix("of our ").removeprefix("in our ").replace("catalogue", "products")
        return nothing_fits(scope, needs)
    winners = _winners(candidates, query)
    task = f"say [1] {_superlative(query)} {scope_words(scope)}"
    if len(winners) > 1:
        task = f"say {' and '.join(f'[{i}]' for i in range(1, len(winners) + 1))} are tied on {spec_label(query.key)}"
    return Answer(
        "compare",
        [sentence, *(list_item(p) for p in winners)],
        winners,
        [p.sku for p in winners],
        task=task,
        key_facts=["1.name", f"1.{query.key}"],
        next_step=_next_after(winners),
        needs=needs,
    )


def scope_words(scope: str) -> str:
    """ "of our laptops up to 1000" -> "of our laptops": the notes carry no number the model could copy."""
    return scope.split(" up to ")[0]


def recommend(
    picks: list[Product], context: CustomerContext, over_budget: list[Product], needed: Sequence[str] = ()
) -> Answer:
    """Up to three products for the customer's needs; `needed` are the spec keys the needs are about, shown first."""
    if picks:  # the answer first: the pick, then the list
        lines = [f"I'd suggest the {picks[0].name}. Here is what fits{_needs_phrase(context, picks[0].currency)}:"]
        lines.extend(list_item(p, needed) for p in picks)
    elif over_budget:
        closest = over_budget[0]
        lines = [
            f"Nothing fits{_needs_phrase(context, closest.currency)}; the closest is the {closest.name} "
            f"at {price_text(closest)}, slightly over budget:"
        ]
        lines.extend(list_item(p, needed) for p in over_budget)
    else:
        return nothing_fits(context.category or "products", context)
    shown = picks or over_budget
    others = ", ".join(f"[{i}]" for i in range(2, len(shown) + 1))
    if picks:
        task = "recommend [1]" + (f"; also mention {others}" if others else "")
    else:
        task = "say honestly that nothing is within the budget; [1] is the closest, a little over it"
    return Answer(
        "recommend",
        lines,
        shown,
        [p.sku for p in shown],
        task=task,
        key_facts=["1.name"] if picks else ["1.name", "1.price"],
        next_step=NEXT_RECOMMEND_MANY if len(shown) > 1 else NEXT_RECOMMEND_ONE,
        needs=context,
    )


def plain_number(amount: float) -> str:
    """ "1000000", "12.5": an amount as digits (`:g` writes a million as "1e+06")."""
    return f"{amount:.2f}".rstrip("0").rstrip(".")


def budget_text(budget: float, currency: str | None) -> str:
    """ "100,000.00 KRW": the budget in the shop's money, written as its prices are (not "1e+06"); digits alone
    when no product says which money."""
    return format_price(budget, currency) if currency else plain_number(budget)


def up_to(budget: float, currency: str | None) -> str:
    return f" up to {budget_text(budget, currency)}"


def _needs_phrase(context: CustomerContext, currency: str | None) -> str:
    parts = []
    if context.category:
        parts.append(f" {context.category}")
    if context.use_case:
        parts.append(f" for {context.use_case}")
    if context.budget is not None:
        parts.append(up_to(context.budget, currency))
    return "".join(parts) or " your request"


def nothing_fits(scope: str, needs: CustomerContext | None = None) -> Answer:
    text = (
        f"I couldn't find any {scope} in our catalogue that match. "
        "Could you loosen the budget or pick another category?"
    )
    return Answer("nothing_fits", [text], needs=needs)


def not_found(named: str | None, alternatives: list[Product]) -> Answer:
    what = f"“{named}”" if named else "that product"
    lines = [f"Sorry, we don't sell {what}: it isn't in our catalogue."]
    if alternatives:
        lines.append("Similar products we do have:")
        lines.extend(list_item(p) for p in alternatives)
    return Answer("not_found", lines, alternatives, [p.sku for p in alternatives])


def category_overview(category: str, items: list[Product]) -> Answer:
    in_stock = [p for p in items if p.in_stock]
    cheapest, dearest = min(items, key=lambda p: p.price), max(items, key=lambda p: p.price)
    line = (
        f"Yes, we sell {category}: {len(items)} models, {len(in_stock)} in stock, from {price_text(cheapest)} "
        f"({cheapest.name}) to {price_text(dearest)} ({dearest.name})."
    )
    return Answer("overview", [line], [cheapest, dearest], [cheapest.sku, dearest.sku])


def policy(chunks: list[PolicyChunk], answer_first: list[str] | None = None) -> Answer:
    """The policy sections' sentences that answer the question, best first (`answer_first`), else the
    sections whole; the pages are the sources."""
    if not chunks:
        text = "I don't have that information in our shop policies. A member of our team can help with that."
        return Answer("not_found", [text])
    sources = list(dict.fromkeys(c.source for c in chunks))  # the page that answers best first
    return Answer("policy", answer_first or [c.text for c in chunks], sources=sources)


def policy_unnamed(names: list[str], chunks: list[PolicyChunk]) -> Answer:
    """The customer named something (a country, a service) that no policy page mentions."""
    if not chunks:
        return policy([])
    named = " or ".join(n.title() for n in names)
    lines = [f"Our shop policies don't mention {named}, so I can't say for sure. This is what they say:"]
    return Answer("policy", lines + [c.text for c in chunks], sources=sorted({c.source for c in chunks}))


def goes_with(product: Product, related: list[Product]) -> Answer:
    """Products the catalogue lists as going with this one."""
    lines = [f"Our catalogue lists these as going with the {product.name}:"] + [list_item(p) for p in related]
    return Answer("cross_sell", lines, related, [p.sku for p in related])


def service_not_offered(service: str) -> Answer:
    """The customer asked for a service (renting, a consultation, repairs) that neither the catalogue nor the
    shop's pages mention: say so, and never promise it."""
    lines = [
        f"Sorry, that's not something I can help with: nothing in our catalogue or shop policies mentions "
        f"{service}, so I can't promise it. A member of our team can tell you more."
    ]
    return Answer("not_found", lines)


def not_recorded(products: list[Product], asked: list[str]) -> Answer:
    """The customer asked about something the catalogue does not record for these products."""
    names = " and the ".join(p.name for p in products)
    # Echo a short question ("colour") back; never repeat a long, possibly injected, message.
    what = " ".join(asked) if len(asked) <= 2 else "that"
    lines = [f"Our catalogue doesn't list {what} for the {names}, so I can't say. Here is what it does list:"]
    lines.extend(list_item(p) for p in products)
    return Answer("not_found", lines, list(products), [p.sku for p in products])


def no_discounts(products: list[Product]) -> Answer:
    """Discounts are never invented: prices are the catalogue's, and that is all we say."""
    lines = [
        "Our prices are exactly as listed in the catalogue, and I can't offer or confirm any price reductions "
        "or codes. I'm happy to help you find something that fits your budget."
    ]
    lines.extend(f"The {p.name} costs {price_text(p)} and is {stock_text(p)}." for p in products)
    return Answer("not_found", lines, list(products), [p.sku for p in products])


def ask_which_product() -> Answer:
    """The customer asked about "it" before any product was named or shown."""
    text = "Which product do you mean? Tell me its name, or what you're looking for, and I'll check it for you."
    return Answer("clarify", [text])


def clarify_comparison() -> Answer:
    text = "Which products would you like me to compare? Name two or three and I'll put their specs side by side."
    return Answer("clarify", [text])
