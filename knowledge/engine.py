"""The knowledge engine: the one object the actions talk to.

It decides what is true (in code, from the structured catalogue) and asks the
writer to phrase it. Nothing here knows about Rasa.
"""

from __future__ import annotations

import logging
import re
import threading
import time

from knowledge import answers, policy_search
from knowledge.answers import Answer, CustomerContext
from knowledge.catalog import Product
from knowledge.store import CatalogStore, PolicyChunk, ProductFilter
from knowledge.text import (
    GENERAL_WORDS,
    PRICE_WORDS,
    STRONG_STOCK_WORDS,
    SpecQuery,
    asks_for_discount,
    content_words,
    find_category,
    find_products,
    find_spec_query,
    parse_budget,
    singular,
    tokens,
    unexplained_words,
)
from knowledge.writer import Reply, ReplyWriter

log = logging.getLogger(__name__)

# Policy sections fetched by similarity before the lexical re-ranking picks the best.
POLICY_CANDIDATES = 8

MAX_RECOMMENDATIONS = 3
OVER_BUDGET_MARGIN = 1.25  # "closest options" may cost up to 25% more than the budget
SNAPSHOT_CHECK_SECONDS = 30.0
USE_CASE_BOOST = 0.2  # lexical bonus when the description names the customer's use case
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
    ) -> None:
        self.store = store
        self.writer = writer
        self.relevance_threshold = relevance_threshold
        self._products: list[Product] = []
        self._catalogue_names: list[str] = []  # every product name and brand: the gate's list of names
        self._catalogue_brands: list[str] = []
        self._catalogue_words: set[str] = set()  # words of product names and brands, for policy questions
        self._policy_chunks: list[PolicyChunk] = []
        self._policy_idf: dict[str, float] = {}
        self._policy_text = ""  # all policy pages, lowercased
        self._revision: tuple[str, int] | None = None  # the store's revision the snapshot was read at
        self._checked_at = 0.0
        self._lock = threading.Lock()

    # ---- the catalogue snapshot used for exact, code-decided facts ----------------------
    def products(self) -> list[Product]:
        """The catalogue, re-read when a sync (in any process) changed the store: new, changed or removed rows."""
        with self._lock:
            now = time.monotonic()
            if now - self._checked_at > SNAPSHOT_CHECK_SECONDS or self._revision is None:
                self._checked_at = now
                revision = self.store.revision()
                if revision != self._revision:
                    self._products = self.store.all_products()
                    self._revision = revision
                    self._catalogue_names = [p.name for p in self._products]
                    self._catalogue_brands = sorted({p.brand for p in self._products if p.brand})
                    self._catalogue_words = {w for p in self._products for w in tokens(f"{p.name} {p.brand}")}
                    self._policy_chunks = self.store.all_policy_chunks()
                    self._policy_idf = policy_search.idf(self._policy_chunks)
                    self._policy_text = " ".join(c.text.lower() for c in self._policy_chunks)
            return self._products

    def policy_chunks(self) -> list[PolicyChunk]:
        """Every policy section, from the same snapshot as the products."""
        self.products()
        return self._policy_chunks

    def warm(self) -> None:
        """Load the catalogue snapshot, the embedding model and the generator now, not on a customer's turn."""
        self.products()
        self.store.embeddings.embed_query("warm up")
        if self.writer.generator is not None:
            try:
                self.writer.warm()
            except Exception:
                log.exception("the language model could not be loaded; replies will be the rendered facts")
                self.writer.generator = None

    def refresh(self) -> None:
        with self._lock:
            self._checked_at = 0.0
            self._revision = None

    def categories(self) -> list[str]:
        return sorted({p.category for p in self.products()})

    def brands(self) -> list[str]:
        return sorted({p.brand for p in self.products() if p.brand})

    def match_category(self, text: str) -> str | None:
        return find_category(text, self.categories())

    # ---- questions --------------------------------------------------------------------
    def product_question(self, text: str, context: CustomerContext, named: str | None = None) -> Answer:
        catalog = self.products()
        found = find_products(text, catalog) or (find_products(named, catalog) if named else [])
        if asks_for_discount(text):
            return answers.no_discounts(found[:3])
        category = self.match_category(text) or (self.match_category(named) if named else None)
        if found and _only_names_the_category(found, category) and self._asks_superlative(text, category):
            found = []  # "cheapest sunglasses" in a shop that also sells a product called "Sunglasses"
        if found:
            query = find_spec_query(text, _spec_keys(found))
            if len(found) > 1 and query and query.direction:
                return answers.compare(found[:3], query)
            unknown = unexplained_words(text, found, query)
            words = set(tokens(text))
            explicit = query is not None and (
                (query.key == "price" and bool(PRICE_WORDS & words))
                or (query.key == "stock" and bool(STRONG_STOCK_WORDS & words))
            )
            if unknown and not explicit:
                return answers.not_recorded(found[:3], sorted(unknown))
            return answers.lookup(found[:3], query and SpecQuery(query.key))
        if self._asks_superlative(text, category or context.category):
            return self._superlative(text, context, category or context.category)
        asked_for = named or _named_in(text)
        if category and not self._names_something_else(asked_for, category):
            return answers.category_overview(category, [p for p in catalog if p.category == category])
        return answers.not_found(asked_for, self._similar(text, category))

    def _names_something_else(self, phrase: str | None, category: str) -> bool:
        """ "Bose headphones" names a brand we don't carry; "headphones" or "Lumen headphones" does not."""
        if not phrase:
            return False
        extra = content_words(phrase) - {singular(w) for w in tokens(category)} - set(tokens(category))
        extra -= GENERAL_WORDS
        brand_words = {w for b in self.brands() for w in tokens(b)}
        return bool(extra - brand_words)

    def compare(self, text: str, context: CustomerContext) -> Answer:
        found = find_products(text, self.products())
        if len(found) >= 2:
            return answers.compare(found[:3], find_spec_query(text, _spec_keys(found)))
        if len(found) == 1:
            return answers.lookup(found, None)
        category = self.match_category(text) or context.category
        if self._asks_superlative(text, category):
            return self._superlative(text, context, category)
        return answers.clarify_comparison()

    def recommend(self, context: CustomerContext, text: str = "") -> Answer:
        if context.category and context.category not in self.categories():
            return answers.nothing_fits(context.category)
        query = " ".join(x for x in (context.use_case, context.feature, context.category, text) if x) or "popular"
        flt = ProductFilter(context.category, context.budget, context.brand, in_stock_only=True)
        must_have = self._yes_no_feature(context)
        hits = [h for h in self.store.search_products(query, flt, k=20) if _has(h.product, must_have)]
        wanted = content_words(" ".join(x for x in (context.use_case, context.feature) if x))
        ranked = sorted(hits, key=lambda h: -(h.similarity + USE_CASE_BOOST * _overlap(wanted, h.product)))
        picks = _diverse([h.product for h in ranked], MAX_RECOMMENDATIONS)
        over_budget: list[Product] = []
        if not picks and context.budget is not None:
            wider = ProductFilter(context.category, context.budget * OVER_BUDGET_MARGIN, context.brand, True)
            nearest = sorted(
                (h.product for h in self.store.search_products(query, wider, k=20) if _has(h.product, must_have)),
                key=lambda p: p.price,
            )
            over_budget = nearest[:2]
        return answers.recommend(picks, context, over_budget)

    def _yes_no_feature(self, context: CustomerContext) -> str | None:
        """The spec key of a must-have that is a yes/no spec ("stylus support", "noise cancelling"), if any."""
        if not context.feature:
            return None
        pool = self._pool(context.category)
        query = find_spec_query(context.feature, _spec_keys(pool))
        if query is None or not any(isinstance(p.specs.get(query.key), bool) for p in pool):
            return None
        return query.key

    def policy(self, text: str, topic: str | None = None) -> Answer:
        if asks_for_discount(text):
            return answers.no_discounts([])
        topic = topic if topic in {c.topic for c in self.policy_chunks()} else None
        chunks = self.store.search_policies(text, k=POLICY_CANDIDATES, topic=topic)
        names = [n for n in _proper_names(text) if not set(tokens(n)) <= self._catalogue_words]
        unnamed = [n for n in names if n not in self._policy_text]
        query = policy_search.Query.parse(text, ignore=[w for n in unnamed for w in tokens(n)])
        relevant = policy_search.rank(query, chunks, self._policy_idf)
        if policy_search.asks_cost(text):  # "how much …?" needs a section that states an amount
            relevant = [c for c in relevant if policy_search.states_amount(c.text)]
        if unnamed:
            # "Do you ship to Canada?" and no page names Canada: a section that names places may
            # still settle it ("We do not ship outside Europe"), so show it, saying we can't be sure.
            naming_places = sorted(relevant, key=lambda c: len(set(_proper_names(c.text))), reverse=True)
            return answers.policy_unnamed(unnamed, [c for c in naming_places if _proper_names(c.text)][:1])
        return answers.policy(relevant[:2])

    def phrase(self, answer: Answer, question: str, context: CustomerContext, time_limit: float) -> Reply:
        self.products()  # the current snapshot's names, for the gate
        return self.writer.write(
            answer,
            question,
            context,
            time_limit,
            catalogue_names=self._catalogue_names,
            catalogue_brands=self._catalogue_brands,
        )

    # ---- helpers ------------------------------------------------------------------------
    def _pool(self, category: str | None) -> list[Product]:
        return [p for p in self.products() if category is None or p.category == category]

    def _asks_superlative(self, text: str, category: str | None) -> bool:
        query = find_spec_query(text, _spec_keys(self._pool(category)))
        return bool(query and query.direction)

    def _superlative(self, text: str, context: CustomerContext, category: str | None) -> Answer:
        pool = self._pool(category)
        query = find_spec_query(text, _spec_keys(pool))
        assert query is not None
        budget = parse_budget(text) or context.budget
        candidates = [p for p in pool if p.in_stock and (budget is None or p.price <= budget)]
        scope = f"of our {category}" if category else "in our catalogue"
        if budget is not None:
            scope += f" up to {budget:g}"
        return answers.superlative(candidates, query, scope)

    def _similar(self, text: str, category: str | None) -> list[Product]:
        hits = self.store.search_products(text, ProductFilter(category, in_stock_only=True), k=3)
        return [h.product for h in hits if h.similarity >= self.relevance_threshold][:2]


def _has(product: Product, yes_no_key: str | None) -> bool:
    """A yes/no must-have is a hard filter: products without it, or with "no", are left out."""
    return yes_no_key is None or product.specs.get(yes_no_key) is True


def _only_names_the_category(found: list[Product], category: str | None) -> bool:
    if not category or len(found) != 1:
        return False
    category_words = {singular(w) for w in tokens(category)}
    return {singular(w) for w in tokens(found[0].name)} <= category_words


def _proper_names(text: str) -> list[str]:
    """Capitalised words inside a sentence ("Canada", "United States"), lower-cased."""
    found = re.findall(r"(?<=[a-z,] )([A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+)*)", text)
    return [name.lower() for name in found]


def _overlap(wanted: set[str], product: Product) -> float:
    """Share of the customer's use-case words that the product's own text mentions."""
    if not wanted:
        return 0.0
    return len(wanted & content_words(product.document_text())) / len(wanted)


def _spec_keys(products: list[Product]) -> list[str]:
    """Spec keys of these products, most common first, so "weight" resolves to the key they share."""
    counts: dict[str, int] = {}
    for product in products:
        for key in product.specs:
            counts[key] = counts.get(key, 0) + 1
    return sorted(counts, key=lambda k: (-counts[k], k))


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
