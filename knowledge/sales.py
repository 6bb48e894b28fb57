"""Sales answers decided in code: why a product fits, objections, closing and cross-sell.

Everything said here comes from the catalogue (prices, specs, stock, related products, URLs)
or quotes the shop's own policy pages. Nothing here offers a discount, a price match or a
promise that the catalogue and the policies do not contain.
"""

from __future__ import annotations

import re
from dataclasses import replace

from knowledge.answers import Answer, CustomerContext, list_item, price_text, stock_text, varied
from knowledge.catalog import Product, format_price, spec_label
from knowledge.claims import covers
from knowledge.engine import KnowledgeEngine
from knowledge.references import FactSheet
from knowledge.text import content_words, find_products, find_spec_query, singular

MAX_ALTERNATIVES = 2
POLICY_SENTENCES = 2
# "for study and travel" in a description: what the product is made for.
_MADE_FOR = re.compile(r"\bfor ([^.;]+)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_MARKUP = re.compile(r"[*_#`]+")
_SECTION_HEADING = re.compile(r"^[^:\n]{1,60}: ")
# A period of time in policy text: "30 days", "2-year", "12 months".
_PERIOD = re.compile(r"\b(?:\d+|one|two|three)[- ](?:days?|weeks?|months?|years?)\b", re.I)

OBJECTIONS = ("price", "quality", "competitor", "timing", "browsing")
NOT_MENTIONED = "its description does not mention"


# ---- recommendations ----------------------------------------------------------------------
def reason(product: Product, context: CustomerContext, features: list[str]) -> str:
    """One reason the product fits, tied to what the customer said: a must-have, the use, the budget."""
    return FactSheet([product], context).fill(why(product, 1, context, features))


def why(product: Product, index: int, context: CustomerContext, features: list[str]) -> str:
    """`reason` in references ("{2.price} is within your budget of {budget}"): the model's notes show it as it
    is, the rendered reply fills it in."""
    ref = f"{{{index}."
    for feature in features:
        found = _feature_reason(product, feature, ref)
        if found:
            return found
    if context.use_case:
        found = _use_case_reason(product, context.use_case)
        if found:
            return found
    if context.budget is not None:
        if product.price <= context.budget:
            return f"{ref}price}} is within your budget of {{budget}}"
        return f"{ref}price}}, a little over your budget of {{budget}}: the closest we have"
    if context.use_case:  # a reason for something else would read as one for the need ("peppery, for bread":
        # "made for frying and baking"); say what the data does not
        return f"{NOT_MENTIONED} {context.use_case}"
    # Nothing said yet that the data speaks to: what the shop's own text says it is made for, not a spec
    # picked at random ("it has a forest green" was a model's reading of "colour: forest green").
    made_for = _MADE_FOR.findall(product.description)
    if made_for:
        return f"it is made “for {made_for[0].strip()}”"
    return f"one of our {product.category} in stock"


_ADJECTIVE_ENDINGS = ("proof", "able", "ible", "ed", "ic", "ive", "less")


def _says_what_it_is(label: str) -> bool:
    """A yes/no spec named by what the product is ("waterproof", "dimmable", "left handed"): "it is waterproof",
    where "it has gps" says what it has."""
    return label.split()[-1].endswith(_ADJECTIVE_ENDINGS) if label else False


def _feature_reason(product: Product, feature: str, ref: str = "{1.") -> str | None:
    query = find_spec_query(feature, list(product.specs))
    if query is not None and query.key in product.specs:
        value = product.specs[query.key]
        if value is True:
            label = spec_label(query.key)
            return f"it {'is' if _says_what_it_is(label) else 'has'} {label}, which you asked for"
        if not isinstance(value, bool):
            return f"{spec_label(query.key)}: {ref}{query.key}}}, for your wish “{feature}”"
    wanted = content_words(feature)
    if wanted and wanted <= content_words(product.description):
        return f"its description mentions {feature}"
    return None


def _use_case_reason(product: Product, use_case: str) -> str | None:
    """A reason only when the product's own text supports the whole use ("video editing" needs both words:
    a laptop "for office work and video calls" is not one for video editing)."""
    wanted = {singular(w) for w in content_words(use_case)}
    if not wanted:
        return None
    for clause in _MADE_FOR.findall(product.description):
        if covers(wanted, clause):
            return f"you said {use_case}: it is made “for {clause.strip()}”"
    if covers(wanted, product.document_text()):
        return f"its description mentions {use_case}, which is what you said you need it for"
    return None


def with_reasons(answer: Answer, context: CustomerContext, features: list[str]) -> Answer:
    """A recommendation where every product line carries one reason tied to the customer's needs."""
    if answer.kind != "recommend":
        return answer
    context = answer.needs_with(context)
    # each product's own line, which shows the specs the needs are about first ("max load 180 kg" for 150 kg)
    shown = answer.lines[1 : 1 + len(answer.products)]
    items = [shown[i] if i < len(shown) else list_item(p) for i, p in enumerate(answer.products)]
    said = [reason(p, context, features) for p in answer.products]
    # "Why: its description does not mention a child" is no reason: the line stays bare, and the note below says
    # once that none of them is made for it
    lines = answer.lines[:1] + [
        f"{item}." if why_not.startswith(NOT_MENTIONED) else f"{item}. Why: {why_not}."
        for item, why_not in zip(items, said, strict=True)
    ]
    reasons = [why(p, i, context, features) for i, p in enumerate(answer.products, start=1)]
    if context.use_case and not any(_use_case_reason(p, context.use_case) for p in answer.products):
        # Honest when the data says nothing about the need: no reason is made up for it.
        lines.append(
            f"None of these says it is made for {context.use_case}, so I can't promise that; "
            "tell me what matters most for it and I'll compare the specs."
        )
    return replace(answer, lines=lines, reasons=reasons)


# ---- which product the customer is talking about ------------------------------------------------
def focus_product(engine: KnowledgeEngine, text: str, named: str | None, skus: list[str]) -> Product | None:
    """The product named in the message, else the product last talked about, else the top recommendation."""
    catalog = engine.products()
    found = find_products(text, catalog) or (find_products(named, catalog) if named else [])
    if found:
        return found[0]
    known = products_by_sku(engine, skus)
    return known[0] if known else None


def products_by_sku(engine: KnowledgeEngine, skus: list[str]) -> list[Product]:
    by_sku = {p.sku: p for p in engine.products()}
    return [by_sku[s] for s in skus if s in by_sku]


# ---- objections -------------------------------------------------------------------------------
def objection(engine: KnowledgeEngine, kind: str, focus: Product | None, context: CustomerContext) -> Answer:
    if kind not in OBJECTIONS:
        raise ValueError(f"unknown objection {kind!r}; expected one of {', '.join(OBJECTIONS)}")
    if kind == "price":
        return price_objection(engine, focus, context)
    if kind == "quality":
        return quality_objection(engine, focus)
    if kind == "competitor":
        return competitor_objection(engine, focus)
    if kind == "timing":
        return timing_objection(engine, focus)
    return just_browsing(engine)


_ACKNOWLEDGEMENTS = ("I understand, but", "That's fair to ask, but", "I see; sadly")  # by product


def price_objection(engine: KnowledgeEngine, focus: Product | None, context: CustomerContext) -> Answer:
    """No discount: the listed price, and cheaper in-stock products of the same category, closest first."""
    category = focus.category if focus else context.category
    on = f" on the {focus.name} ({price_text(focus)})" if focus else ""
    lines = [
        f"{varied(_ACKNOWLEDGEMENTS, focus.sku if focus else '')} I can't offer a discount{on}: our prices are "
        "exactly as listed in the catalogue."
    ]
    limit = focus.price if focus else context.budget
    cheaper = [
        p
        for p in engine.products()
        if p.in_stock and (category is None or p.category == category) and (limit is None or p.price < limit)
    ]
    cheaper.sort(key=lambda p: -p.price)
    picks = cheaper[:MAX_ALTERNATIVES]
    if picks:
        lines.append(f"If you'd like to spend less, these {category or 'products'} cost less and are in stock:")
        for product in picks:
            saving = f", {format_price(focus.price - product.price, product.currency)} less" if focus else ""
            lines.append(f"{list_item(product)}{saving}")
    nearest = []
    if focus and not picks and not focus.in_stock:  # "what else is there around that price?" after a sold-out one
        same = [p for p in engine.products() if p.in_stock and p.category == focus.category]
        nearest = sorted(same, key=lambda p: abs(p.price - focus.price))[:MAX_ALTERNATIVES]
        lines.append(f"The {focus.name} is out of stock; these {focus.category} are closest to its price:")
        lines.extend(list_item(p) for p in nearest)
    elif focus and not picks:
        lines.append(f"It is already our most affordable option in {focus.category} that is in stock.")
    shown = ([focus] if focus else []) + picks + nearest
    if not focus:  # nothing discussed yet: the rendered list says it all
        return Answer("objection", lines, shown, [p.sku for p in shown])
    other_refs = " and ".join(f"[{i}]" for i in range(2, len(shown) + 1))
    if picks:
        about_others = f"{other_refs} cost less"
    elif nearest:
        about_others = f"[1] is out of stock; {other_refs} are in stock and closest to its price"
    else:
        about_others = "[1] is already our most affordable option"
    return Answer(
        "objection",
        lines,
        shown,
        [p.sku for p in shown],
        task="say kindly that we can't offer a discount on [1]; " + about_others,
        key_facts=["1.price", *(f"{i}.name" for i in range(2, len(shown) + 1))],
        next_step="Would you like me to compare them?" if picks or nearest else "Would you like to see its full specs?",
    )


def quality_objection(engine: KnowledgeEngine, focus: Product | None) -> Answer:
    lines = []
    if focus:
        lines.append(f"Here is what our catalogue records for the {focus.name}:")
        lines.append(list_item(focus))
    lines.append("What our warranty page says: " + _policy_excerpt(engine, "warranty", "how long is the warranty"))
    lines.append("And if it doesn't convince you: " + _policy_excerpt(engine, "returns", "return within days"))
    shown = [focus] if focus else []
    return Answer("objection", lines, shown, [p.sku for p in shown])


def competitor_objection(engine: KnowledgeEngine, focus: Product | None) -> Answer:
    lines = [
        "I can only speak for our own shop, so I can't compare with other shops' prices or match them.",
    ]
    if focus:
        lines.append(f"What I can tell you for certain about the {focus.name}:")
        lines.append(list_item(focus))
    lines.append("Buying here: " + _policy_excerpt(engine, "returns", "return within days"))
    shown = [focus] if focus else []
    return Answer("objection", lines, shown, [p.sku for p in shown])


def timing_objection(engine: KnowledgeEngine, focus: Product | None) -> Answer:
    lines = ["No rush at all, take your time."]
    if focus:
        lines.append(f"For when you decide: the {focus.name} costs {price_text(focus)} and is {stock_text(focus)}.")
    lines.append("Good to know: " + _policy_excerpt(engine, "returns", "return within days"))
    lines.append("If you like, leave your email address and we can send you these details.")
    shown = [focus] if focus else []
    return Answer("objection", lines, shown, [p.sku for p in shown])


def just_browsing(engine: KnowledgeEngine) -> Answer:
    lines = ["Of course, have a look around, no pressure. This is what we carry:"]
    catalog = engine.products()
    for category in engine.categories():
        items = [p for p in catalog if p.category == category]
        cheapest, dearest = min(items, key=lambda p: p.price), max(items, key=lambda p: p.price)
        lines.append(f"- {category}: {len(items)} models, {price_text(cheapest)} to {price_text(dearest)}")
    lines.append("If something catches your eye, just ask me about it.")
    return Answer("objection", lines)


def _policy_excerpt(engine: KnowledgeEngine, topic: str, question: str) -> str:
    """The sentence of the shop's own policy page that states the period (warranty years, return days),
    word for word; else the start of the best-matching section."""
    chunks = [c for c in engine.policy_chunks() if c.topic == topic]
    # A page's opening section (no "Heading: " prefix) usually states the terms: look there first.
    chunks.sort(key=lambda c: (bool(_SECTION_HEADING.match(c.text)), c.source))
    for chunk in chunks:
        for sentence in _sentences(chunk.text):
            if _PERIOD.search(sentence):
                return sentence
    answer = engine.policy(question, topic)
    if answer.kind != "policy" or not answer.lines:
        return "our policy pages don't cover this; our team can help."
    return " ".join(_sentences(answer.lines[0])[:POLICY_SENTENCES])


def _sentences(text: str) -> list[str]:
    plain = " ".join(line.strip() for line in _MARKUP.sub("", text).splitlines() if line.strip())
    return [s for s in _SENTENCE_END.split(plain) if s]


# ---- closing and cross-sell -----------------------------------------------------------------
def accessory(engine: KnowledgeEngine, product: Product, exclude: set[str]) -> Product | None:
    """The first in-stock product the catalogue lists as related to this one."""
    for related in products_by_sku(engine, list(product.related)):
        if related.in_stock and related.sku not in exclude:
            return related
    return None


def accessories(engine: KnowledgeEngine, focus: Product | None) -> Answer:
    if focus is None:
        text = "Which product would you like accessories for? Name it and I'll show what goes with it."
        return Answer("clarify", [text])
    related = [p for p in products_by_sku(engine, list(focus.related)) if p.in_stock]
    if not related:
        return Answer("objection", [f"Our catalogue lists no accessories in stock for the {focus.name}."], [focus])
    names = " and the ".join(p.name for p in related)
    lines = [f"The {names} {'go' if len(related) > 1 else 'goes'} well with the {focus.name}:"]
    lines += [list_item(p) for p in related]
    refs = " and ".join(f"[{i}]" for i in range(1, len(related) + 1))
    return Answer(
        "cross_sell",
        lines,
        related,
        [p.sku for p in related],
        task=f"suggest {refs}: our catalogue lists them as going with the product the customer chose",
        key_facts=[f"{i}.name" for i in range(1, len(related) + 1)],
        next_step="Would you like details on any of these?" if len(related) > 1 else "Would you like its details?",
    )


_CHOSEN = ("Great choice:", "Good pick:", "Lovely,")  # by product, so closings don't all open alike


def closing(engine: KnowledgeEngine, focus: Product | None, offer_accessory: bool) -> tuple[Answer, bool]:
    """How to buy the chosen product, at most one accessory, and an offer to follow up by email.

    Returns the answer and whether an accessory was suggested.
    """
    if focus is None:
        text = "Happy to help you order! Which product would you like? Tell me its name and I'll give you the link."
        return Answer("clarify", [text]), False
    if not focus.in_stock:
        lines = [f"The {focus.name} is currently out of stock, so it can't be ordered right now."]
        return Answer("closing", lines, [focus], [focus.sku]), False
    welcome = varied(_CHOSEN, focus.sku)
    lines = [f"{welcome} the {focus.name} costs {price_text(focus)} and is {stock_text(focus)}."]
    if focus.url:
        lines.append(f"You can order it here: {focus.url}")
    else:
        lines.append(f"You can order it in our shop under the name “{focus.name}”.")
    shown = [focus]
    extra = accessory(engine, focus, {focus.sku}) if offer_accessory else None
    if extra:
        lines.append(f"Our catalogue lists the {extra.name} ({price_text(extra)}) as going with it, in case it helps.")
        shown.append(extra)
    follow_up = "If you'd like us to follow up by email, just leave your email address."
    lines.append(follow_up)
    where = "order [1] at {1.url}" if focus.url else "order [1] in our shop under its name {1.name}"
    written = Answer(
        "closing",
        lines,
        shown,
        [p.sku for p in shown],
        task=f"confirm the choice and say how to {where}" + ("; mention [2] goes with it" if extra else ""),
        key_facts=["1.name", "1.price", *(["1.url"] if focus.url else []), *(["2.name"] if extra else [])],
        next_step=follow_up,
    )
    return written, extra is not None
