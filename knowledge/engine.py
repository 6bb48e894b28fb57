"""The knowledge engine: the one object the actions talk to.

It decides what is true (in code, from the structured catalogue) and asks the
writer to phrase it. Nothing here knows about Rasa.
"""

from __future__ import annotations

import logging
import re
import threading
import time

from knowledge import answers
from knowledge.answers import Answer, CustomerContext
from knowledge.catalog import Product
from knowledge.store import CatalogStore, ProductFilter
from knowledge.text import find_category, find_products, find_spec_query, parse_budget, tokens
from knowledge.writer import Reply, ReplyWriter

log = logging.getLogger(__name__)

MAX_RECOMMENDATIONS = 3
OVER_BUDGET_MARGIN = 1.25  # "closest options" may cost up to 25% more than the budget
SNAPSHOT_CHECK_SECONDS = 30.0
_NAMED_AFTER = re.compile(
    r"\b(?:sell|have|carry|stock|about|price of|cost of|much is|much are|much does|is the|are the|got)\s+"
    r"(?:the\s+|a\s+|an\s+|any\s+)?(?P<name>[\w][\w .+-]{1,40})",
    re.I,
)


class KnowledgeEngine:
    def __init__(
        self,
        store: CatalogStore,
        writer: ReplyWriter,
        *,
        relevance_threshold: float = 0.35,
        policy_threshold: float = 0.2,
    ) -> None:
        self.store = store
        self.writer = writer
        self.relevance_threshold = relevance_threshold
        self.policy_threshold = policy_threshold
        self._products: list[Product] = []
        self._count = -1
        self._checked_at = 0.0
        self._lock = threading.Lock()

    # ---- the catalogue snapshot used for exact, code-decided facts ----------------------
    def products(self) -> list[Product]:
        with self._lock:
            now = time.monotonic()
            if now - self._checked_at > SNAPSHOT_CHECK_SECONDS or self._count < 0:
                self._checked_at = now
                count = self.store.count()
                if count != self._count:
                    self._products = self.store.all_products()
                    self._count = count
                    self.writer.catalogue_names = [p.name for p in self._products]
                    self.writer.catalogue_brands = sorted({p.brand for p in self._products})
            return self._products

    def warm(self) -> None:
        """Load the catalogue snapshot, the embedding model and the generator now, not on a customer's turn."""
        self.products()
        self.store.embeddings.embed_query("warm up")
        if self.writer.generator is not None:
            try:
                self.writer.generator.load()
            except Exception:
                log.exception("the language model could not be loaded; replies will be the rendered facts")
                self.writer.generator = None

    def refresh(self) -> None:
        with self._lock:
            self._checked_at = 0.0
            self._count = -1

    def categories(self) -> list[str]:
        return sorted({p.category for p in self.products()})

    def brands(self) -> list[str]:
        return sorted({p.brand for p in self.products()})

    def spec_keys(self) -> list[str]:
        return sorted({k for p in self.products() for k in p.specs})

    def match_category(self, text: str) -> str | None:
        return find_category(text, self.categories())

    # ---- questions --------------------------------------------------------------------
    def product_question(self, text: str, context: CustomerContext, named: str | None = None) -> Answer:
        catalog = self.products()
        found = find_products(text, catalog) or (find_products(named, catalog) if named else [])
        query = find_spec_query(text, self.spec_keys())
        if len(found) > 1 and query and query.direction:
            return answers.compare(found[:3], query)
        if found:
            plain = query and type(query)(query.key, None)
            return answers.lookup(found[:3], plain)
        category = self.match_category(text) or (self.match_category(named) if named else None)
        if query and query.direction:
            return self._superlative(text, context, category or context.category)
        if category and not named:
            return self._category_overview(category)
        return answers.not_found(named or _named_in(text), self._similar(text, category))

    def compare(self, text: str, context: CustomerContext) -> Answer:
        found = find_products(text, self.products())
        query = find_spec_query(text, self.spec_keys())
        if len(found) >= 2:
            return answers.compare(found[:3], query)
        if len(found) == 1:
            return answers.lookup(found, None)
        if query and query.direction:
            return self._superlative(text, context, self.match_category(text) or context.category)
        text_out = (
            "Which products would you like me to compare? Name two or three and I'll put their specs side by side."
        )
        return Answer("clarify", [text_out], text_out)

    def recommend(self, context: CustomerContext, text: str = "") -> Answer:
        if context.category and context.category not in self.categories():
            return answers.nothing_fits(context.category)
        query = " ".join(x for x in (context.use_case, context.feature, context.category, text) if x) or "popular"
        flt = ProductFilter(context.category, context.budget, context.brand, in_stock_only=True)
        hits = self.store.search_products(query, flt, k=10)
        picks = _diverse([h.product for h in hits], MAX_RECOMMENDATIONS)
        over_budget: list[Product] = []
        if not picks and context.budget is not None:
            wider = ProductFilter(context.category, context.budget * OVER_BUDGET_MARGIN, context.brand, True)
            nearest = sorted((h.product for h in self.store.search_products(query, wider, k=10)), key=lambda p: p.price)
            over_budget = nearest[:2]
        return answers.recommend(picks, context, over_budget)

    def policy(self, text: str, topic: str | None = None) -> Answer:
        topics = self.store.policy_topics()
        chunks = self.store.search_policies(text, k=2, topic=topic if topic in topics else None)
        relevant = [c for c in chunks if c.similarity >= self.policy_threshold]
        return answers.policy(relevant)

    def phrase(self, answer: Answer, question: str, context: CustomerContext, time_limit: float) -> Reply:
        self.products()  # make sure the writer knows every catalogue name before gating
        return self.writer.write(answer, question, context, time_limit)

    # ---- helpers ------------------------------------------------------------------------
    def _superlative(self, text: str, context: CustomerContext, category: str | None) -> Answer:
        query = find_spec_query(text, self.spec_keys())
        assert query is not None
        budget = parse_budget(text) or context.budget
        pool = [
            p
            for p in self.products()
            if p.in_stock and (category is None or p.category == category) and (budget is None or p.price <= budget)
        ]
        scope = f"of our {category}" if category else "in our catalogue"
        if budget is not None:
            scope += f" up to {budget:g}"
        return answers.superlative(pool, query, scope)

    def _category_overview(self, category: str) -> Answer:
        items = [p for p in self.products() if p.category == category]
        in_stock = [p for p in items if p.in_stock]
        cheapest, dearest = min(items, key=lambda p: p.price), max(items, key=lambda p: p.price)
        facts = [
            f"Yes, we sell {category}: {len(items)} models, {len(in_stock)} in stock, from "
            f"{answers.format_price(cheapest.price, cheapest.currency)} ({cheapest.name}) to "
            f"{answers.format_price(dearest.price, dearest.currency)} ({dearest.name})."
        ]
        return Answer("lookup", facts, facts[0], [cheapest, dearest], [cheapest.sku, dearest.sku], [category])

    def _similar(self, text: str, category: str | None) -> list[Product]:
        hits = self.store.search_products(text, ProductFilter(category, in_stock_only=True), k=3)
        return [h.product for h in hits if h.similarity >= self.relevance_threshold][:2]


def _diverse(products: list[Product], limit: int) -> list[Product]:
    """Best-ranked first, but prefer a spread of brands over three near-identical models."""
    picked: list[Product] = []
    for product in products:
        if len(picked) < limit and product.brand not in {p.brand for p in picked}:
            picked.append(product)
    for product in products:
        if len(picked) < limit and product not in picked:
            picked.append(product)
    return picked


def _named_in(text: str) -> str | None:
    match = _NAMED_AFTER.search(text)
    if not match:
        return None
    name = match.group("name").strip(" ?!.,")
    words = tokens(name)
    return name if 0 < len(words) <= 5 else None
