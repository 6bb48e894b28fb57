"""The knowledge engine: the one object the actions talk to.

It decides what is true (in code, from the structured catalogue) and asks the
writer to phrase it. Nothing here knows about Rasa.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from itertools import pairwise

from knowledge import answers, policy_search
from knowledge.answers import Answer, CustomerContext
from knowledge.catalog import Product, spec_label
from knowledge.focus import COMPARING, Focus, continues, referred, refers_to_one
from knowledge.spec_meaning import OTHER_ASKS, closest_spec
from knowledge.store import CatalogStore, PolicyChunk, ProductFilter
from knowledge.text import (
    CURRENCY,
    CURRENCY_WORDS,
    EVERYDAY_WORDS,
    GENERAL_WORDS,
    GENERIC_NOUNS,
    LESS_WORDS,
    MORE_WORDS,
    PRICE_WORDS,
    SAID_UNITS,
    SERVICE_WORDS,
    SPEC_SYNONYMS,
    STOCK_WORDS,
    STOP_WORDS,
    STRONG_STOCK_WORDS,
    UNIT_WORDS,
    SpecQuery,
    asks_about_products,
    asks_for_discount,
    asks_how_much,
    asks_price_outright,
    asks_to_see_products,
    category_phrases,
    content_words,
    find_category,
    find_products,
    find_spec_query,
    key_unit,
    matches_word,
    name_nouns,
    names_category_outright,
    names_product,
    need_details,
    only_words_of,
    parse_budget,
    said_units,
    same_service,
    same_word,
    sentences,
    singular,
    spelled_out,
    states_a_need,
    stem,
    synonyms_said,
    tokens,
    unexplained_words,
    without_amounts,
    without_names,
    without_negated,
)
from knowledge.writer import Reply, ReplyWriter

log = logging.getLogger(__name__)

# Policy sections fetched by similarity before the lexical re-ranking picks the best.
POLICY_CANDIDATES = 8

MAX_RECOMMENDATIONS = 3
COMMON_IN_PRODUCTS = 3  # a word in this many products' texts names none of them
OVER_BUDGET_MARGIN = 1.25  # "closest options" may cost up to 25% more than the budget
SNAPSHOT_CHECK_SECONDS = 30.0
USE_CASE_BOOST = 0.2  # lexical bonus when the description names the customer's use case
# A need's category guessed from the products most like it: how close the closest must be, and by how much closer
# than the closest product of any other category (set on the tuning shops' needs without a category, where wrong
# guesses and messages that are no product request scored below these).
CATEGORY_GUESS_SIMILARITY = 0.27
CATEGORY_GUESS_MARGIN = 0.01
# A category named only by its head noun gives way to one whose products are this close to the message and this much
# closer than its own (set on the tuning shops' turns: 11 categories right that were wrong, none made wrong).
CATEGORY_OVERRIDE_SIMILARITY = 0.4
CATEGORY_OVERRIDE_MARGIN = 0.1
_NAMED_AFTER = re.compile(
    r"\b(?:sell|have|carry|stock|about|price of|cost of|much is|much are|much does|is the|are the|got)\s+"
    r"(?:the\s+|a\s+|an\s+|any\s+)?(?P<name>[\w][\w .+-]{1,40})",
    re.I,
)


# what a product does ("breaks down small") or a holiday ("the summer break"), not a fault
_NOT_A_FAULT = re.compile(
    r"\bbreaks?\s+(?:down|apart|into)\b|"
    r"\b(?:summer|winter|spring|school|lunch|coffee|tea|christmas|easter|half[- ]term|weekend|city)\s+breaks?\b",
    re.I,
)
_IN_A_CURRENCY = re.compile(rf"\bin\s+(?:{CURRENCY.pattern})", re.I)  # "how much is it in pesos?"
_ITS_PRICE = PRICE_WORDS - {"cost", "costs"}  # what a product costs, not a fee ("what does delivery cost?")


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
        self._catalogue_words: set[str] = set()  # words of product names and brands, for policy questions
        self._spec_words: set[str] = set()  # words of spec names: "what speed class" asks of a "video_class"
        self._text_words: set[str] = set()  # every word of the products' texts
        self._common_words: set[str] = set()  # words of COMMON_IN_PRODUCTS or more products' texts
        self._name_nouns: dict[str, str] = {}  # nouns the product names end in, per category ("pot": planters)
        self._category_words: set[str] = set()  # the words of the category names, singular
        self._own_words: dict[str, set[str]] = {}  # per category, the words of its products' names and descriptions
        self._policy_words: set[str] = set()  # every word of the policy pages
        self._policy_stems: set[str] = set()  # their stems
        self._page_words: dict[str, Counter[str]] = {}  # per policy page, how often it uses each word
        self._policy_chunks: list[PolicyChunk] = []
        self._policy_idf: dict[str, float] = {}
        self._policy_text = ""  # all policy pages, lowercased
        self._initials: dict[str, str] = {}  # "bcs": "baja california sur", names the pages spell out
        self._topic_cues: dict[str, frozenset[str]] = {}  # per policy page, the words that say a message is about it
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
                    self._catalogue_words = {w for p in self._products for w in tokens(f"{p.name} {p.brand}")}
                    self._spec_words = {w for key in _spec_keys(self._products) for w in tokens(key)}
                    texts = [set(tokens(f"{p.document_text()} {p.brand}")) for p in self._products]
                    self._text_words = set().union(*texts)
                    spread = Counter(w for words in texts for w in words)
                    self._common_words = {w for w, n in spread.items() if n >= COMMON_IN_PRODUCTS}
                    self._name_nouns = name_nouns(self._products)
                    self._policy_chunks = self.store.all_policy_chunks()
                    self._policy_idf = policy_search.idf(self._policy_chunks)
                    self._policy_text = " ".join(c.text.lower() for c in self._policy_chunks)
                    self._initials = policy_search.initialisms(c.text for c in self._policy_chunks)
                    pages: dict[str, str] = {}
                    for chunk in self._policy_chunks:
                        pages[chunk.topic] = f"{pages.get(chunk.topic, '')} {chunk.title} {chunk.text}"
                    self._category_words = {singular(w) for p in self._products for w in tokens(p.category)}
                    self._own_words = {}
                    for product in self._products:
                        words = tokens(f"{product.name} {product.description}")
                        self._own_words.setdefault(product.category, set()).update(words, map(singular, words))
                    # "board-hire" is about hiring where boards are everywhere; "school-orders" still about schools
                    self._topic_cues = policy_search.topic_cues(
                        pages, {w for w in self._common_words if singular(w) not in self._category_words}
                    )
                    self._policy_words = set(tokens(self._policy_text))
                    self._policy_stems = {stem(w) for w in self._policy_words}
                    self._page_words = {}
                    for chunk in self._policy_chunks:
                        self._page_words.setdefault(chunk.topic, Counter()).update(tokens(chunk.text))
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
        """The category the message asks for. One it names only as the customer's own ("something to hold my
        camera steady") is what the wanted thing is for, not what is wanted: None, so the need decides. One
        named only by a head noun or a product-name word gives way to the category whose products are clearly
        closest in meaning: in a bookshop "a recipe book" is a cookbook, not one of the "children's books"."""
        category = find_category(text, self.categories(), self._name_nouns)
        if category is None:
            return None
        if self.names_only_what_they_own(text, category):
            # "her water is from a borehole … she needs a twin tub": a kind clearly closer in meaning is still asked
            closer = self._closest_in_meaning(text, category)
            return closer if closer != category else None
        if names_category_outright(text, category):
            return category
        return self._closest_in_meaning(text, category)

    def _closest_categories(self, text: str, k: int) -> dict[str, float]:
        """Per category among the `k` products most like the message (its money talk left out), the similarity
        of its closest product."""
        closest: dict[str, float] = {}
        for hit in self.store.search_products(without_amounts(text), ProductFilter(None), k=k):
            closest.setdefault(hit.product.category, hit.similarity)
        return closest

    def _closest_in_meaning(self, text: str, category: str) -> str:
        """`category`, unless the products most like the text are of one other category, by a clear margin."""
        closest = self._closest_categories(text, k=12)
        best = max(closest, key=closest.__getitem__, default=category)
        if closest.get(best, 0.0) < CATEGORY_OVERRIDE_SIMILARITY:
            return category
        return best if closest[best] - closest.get(category, 0.0) >= CATEGORY_OVERRIDE_MARGIN else category

    def names_only_what_they_own(self, text: str, category: str | None = None) -> bool:
        """The only category the message names (this one, if given) is what the customer has or what they ask
        the shop to do something to, not what they want: "something to hold my camera steady", "can you print
        my initials on the suitcase?", "a watch i've worn for a day", "if i buy a suitcase, can i get the VAT
        back?"."""
        category = category or find_category(text, self.categories(), self._name_nouns)
        spans = _owned_mentions(text)
        if category is None or not spans:
            return False
        owned = " ".join(text[start:end] for start, end in spans)
        pieces, at = [], 0
        for start, end in spans:
            pieces.append(text[at:start])
            at = end
        rest = " ".join([*pieces, text[at:]])
        return bool(find_category(owned, [category], self._name_nouns)) and not find_category(
            rest, self.categories(), self._name_nouns, by_name_only=True
        )

    def guess_category(self, text: str, *, answers_what_kind: bool = False) -> str | None:
        """The category a need points to without naming it ("need something to ride on for my nephew", "my son
        is scared of the dark, something cuddly?"): the category of the products most like the message, when
        the message states a need (or `answers_what_kind` of product the customer wants) and one category is
        clearly closest. The reply names the category it chose, so a wrong guess is one "no, I meant …" away.
        "Can you recommend something?" says nothing of the need: the customer is asked."""
        if not (answers_what_kind or states_a_need(text)) or asks_for_discount(text):
            return None
        if not need_details(text):
            return None
        closest = self._closest_categories(text, k=8)
        ranked = sorted(closest.values(), reverse=True)
        if not ranked or ranked[0] < CATEGORY_GUESS_SIMILARITY:
            return None
        if len(ranked) > 1 and ranked[0] - ranked[1] < CATEGORY_GUESS_MARGIN:
            return None
        return max(closest, key=closest.__getitem__)

    def resolve_category(self, name: str | None) -> str | None:
        """The shop's category for what the customer or the NLU called it ("couch" -> "sofas"); unknown names
        stay as they are, so the answer can say the shop doesn't sell them."""
        if not name:
            return None
        categories = self.categories()
        if name.lower() in categories:
            return name.lower()
        return find_category(name, categories, self._name_nouns) or name

    def resolve_brand(self, name: str | None, said_text: str = "") -> str | None:
        """The shop's spelling of a brand the customer or the NLU wrote ("acme", "Akme" -> "Acme"); unknown
        brands stay as they are, so nothing of another brand is shown as theirs, unless the shop's own product
        texts use the word or a number in `said_text` counts it (the NLU's guess, not a brand: None)."""
        if not name:
            return None
        said = set(tokens(name))
        for brand in self.brands():
            words = tokens(brand)
            if words and all(matches_word(w, said) for w in words):
                return brand
        self.products()
        counted = re.search(rf"\d\s*{re.escape(name)}\b", said_text, re.I) if said_text else None
        if (said and said <= self._text_words) or counted:
            return None  # the NLU's guess: words of the shop's own texts, or what a number counts ("2 people")
        return name

    def focus(self, shown_skus: list[str], current_sku: str | None, last_sources: list[str] = ()) -> Focus:
        """The conversation's focus from the SKUs the dialogue remembers (unknown SKUs are left out) and the
        sources of the assistant's latest reply (a policy page there is the topic "and to …?" carries on)."""
        by_sku = {p.sku: p for p in self.products()}
        topic_of = {c.source: c.topic for c in self.policy_chunks()}
        topic = next((topic_of[s] for s in last_sources if s in topic_of), None)  # the page that answered first
        return Focus([by_sku[s] for s in shown_skus if s in by_sku], by_sku.get(current_sku or ""), topic)

    def policy_topic(self, text: str) -> str | None:
        """The policy page (topic) a message is about, by its name or a usual word for its kind, if exactly one.
        The words of a category the message names don't count: "a waterproof school bag" asks nothing of the
        "school orders" page."""
        self.products()
        text = _NOT_A_FAULT.sub(" ", spelled_out(text))  # "a rod that breaks down small": no fault
        if parse_budget(text, cued_only=True) is not None:  # "a rod, nothing over 2500 pesos": no payment question
            text = CURRENCY.sub(" ", text)
        elif asks_how_much(text) or set(tokens(text)) & PRICE_WORDS:  # "how much is it in pesos?": its price
            text = _IN_A_CURRENCY.sub(" ", text)
        category = self.match_category(text)
        said = [singular(w) for w in tokens(text)]
        if category is not None and singular(tokens(category)[-1]) in said:  # the kind's own noun, not "school" alone
            named = {singular(w) for w in tokens(category)}
            text = " ".join(w for w in said if w not in named)
        found = policy_search.topics_named(text, self._topic_cues)
        if len(found) > 1:  # "if the strap breaks?" names two repair pages: the one that talks of straps
            found = self._most_about(text, found)
        if not found:
            return self._service_page(text)
        return found.pop() if len(found) == 1 else None

    def _most_about(self, text: str, topics: set[str]) -> set[str]:
        """Of these pages, the one that uses most of the message's other words, if one does."""
        words = content_words(text) - GENERAL_WORDS
        uses = {t: sum(any(same_word(w, p) for p in self._page_words[t]) for w in words) for t in topics}
        most = max(uses.values(), default=0)
        best = {t for t, n in uses.items() if n == most}
        return best if most and len(best) == 1 else topics

    def _only_names(self, text: str, category: str) -> bool:
        """The message's words, less the little ones, name this category and nothing else ("and a board?")."""
        kind = {singular(w) for w in tokens(category)} | {singular(w) for w in category_phrases(category)}
        said = {singular(w) for w in content_words(text)} - EVERYDAY_WORDS
        return bool(said) and all(w in kind or find_category(w, [category], self._name_nouns) for w in said)

    def _names_a_need(self, kind: str, text: str) -> bool:
        """The message names a value or a yes/no must-have of this kind's products ("memory foam", "waterproof")."""
        pool = self._pool(kind)
        return (
            _named_value(pool, text) is not None
            or self._yes_no_feature(CustomerContext(category=kind), text) is not None
        )

    def _answered_on(self, text: str, topic: str, named_instead: str | None = None) -> bool:
        """A section of this page shares two or more of the question's words, not counting the products' own
        ("who pays the courier to fetch it?"), unless a phrase of the page the message names instead
        (`named_instead`) says it asks that page ("can i spread the cost of a big order?")."""
        said = f" {' '.join(tokens(text))} "
        phrases = [cue for cue in self._topic_cues.get(named_instead or "", ()) if " " in cue]
        if any(re.search(policy_search.cue_pattern(cue), said) for cue in phrases):
            return False  # "can i spread the cost?": a phrase of the other page says it is that page's question
        # the products' own words say nothing of the page: "can i pay for a machine monthly?" after the returns
        # page shares "machine" with it, and asks the payment page
        product_words = [w for w in tokens(text) if w in self._catalogue_words or singular(w) in self._category_words]
        words = policy_search.Query.parse(text, ignore=product_words).words
        return any(
            sum(bool(group & policy_search.stems_of(chunk.text)) for group in words) >= 2
            for chunk in self.policy_chunks()
            if chunk.topic == topic
        )

    def _more_of_page_asked(self, text: str, focus: Focus) -> str | None:
        """ "hmm cutting it fine. what's express cost?" after the delivery page: the sentence of a follow-up with a
        word of the page just quoted that no product's text has, which asks more of the page, not of the products
        in focus."""
        page = self._page_words.get(focus.policy_topic or "")
        if not page:
            return None
        for sentence in reversed(sentences(text)):
            words = content_words(sentence) - PRICE_WORDS - STOCK_WORDS - GENERAL_WORDS
            if any(w in page and w not in self._text_words and singular(w) not in self._text_words for w in words):
                return sentence
        return None

    def _phrased_service(self, text: str) -> Answer | None:
        """For a service no single word names (price matching, buying second-hand items), the sentences of the
        shop's pages that speak of it, if any do."""
        phrases = [p for s in _services_asked(text) for p in _SERVICE_PHRASES.get(s, ())]
        chunks = [c for c in self.policy_chunks() if any(p in c.text.lower() for p in phrases)]
        sentences = policy_search.readable_sentences(chunks[0].text) if chunks else []
        said = [s for s in sentences if any(p in s.lower() for p in phrases)]
        return answers.policy(chunks[:1], said) if said else None

    def _service_page(self, text: str) -> str | None:
        """The page that offers a service the message asks for ("will you sharpen it when it goes blunt?",
        "can you shorten jeans?"): the one page that mentions it most."""
        said = _services_asked(text)
        mentions = Counter(
            {
                topic: sum(n for w, n in words.items() if any(same_word(w, s) for s in said))
                for topic, words in self._page_words.items()
            }
        )
        ranked = [(topic, n) for topic, n in mentions.most_common(2) if n]
        if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
            return None
        return ranked[0][0]

    def direct_answer(self, text: str, focus: Focus) -> str | None:
        """Why the catalogue answers this message outright, if it does, so a dialogue flow that would ask a
        question or handle an objection can give way: "product" (named beyond doubt, or by SKU), "ranking" in a
        category it names ("lightest hair dryer?"), "focus" (about the products in focus: "which of those is the
        warmest?", "how many are left?", "what's the second one like?"), "policy" (carries on with the page just
        quoted: "and to nz?"), "details" (asks what one of the products in focus is like: "tell me about the
        second one"), "correction" (others of the kind in focus: "anything similar?", "sorry, i meant for
        hiking"), "category" (names a category the products in focus are not of: "hi, looking for vegan choc") or
        "service" (asks for a service no page of the shop offers: "can i rent a piano?")."""
        if self.unoffered_service(text) is not None:
            return "service"
        named = find_products(text, self.products())
        if self._names_outright(text, named):
            return "policy" if self._policy_topic_about(text, named) else "product"
        category = self.match_category(text)
        if category is not None and self._asks_superlative(text, category):
            return "ranking"
        reference = referred(text, focus)
        if reference is not None and self._policy_topic_about(text, reference.products):
            return "policy"  # "can i buy it tax free?", "can you send it to sapporo?"
        if reference is not None and self._more_of_page_asked(text, focus) is not None:
            return "policy"  # "what's express cost?" after the delivery page
        if reference is not None:
            query = find_spec_query(text, _spec_keys(reference.products))
            # "too expensive" after a product is an objection, not a question about its price
            if query is not None and (reference.explicit or query.key != "price"):
                return "focus"
            if query is None and self._value_asked(text, reference.products) is not None:
                return "focus"  # "is it battery or automatic?", though the NLU hears "are you automatic?"
            if reference.explicit and len(reference.products) == 1 < len(focus.shown) and category is None:
                # "go on then, what's the second one like", "tell me about the 2nd one": its details
                return "details" if _ASKS_DETAILS.search(text) else "focus"
        if category is None and focus.kind is not None and self._asks_superlative(text, focus.kind):
            return "ranking"  # "whats the cheapest one with a heater then" after an aquarium
        of_kind = focus.kind is not None and category in (None, focus.kind)
        if of_kind and (_ALTERNATIVE.search(text) or _CORRECTS.search(text) or self._another_of(focus.kind, text)):
            return "correction"  # "anything similar i can get now?" after a sold-out product, "sorry, i meant for me"
        if category is None and focus.kind and _ONE_OF_A_KIND.search(text) and self._names_a_need(focus.kind, text):
            return "focus"  # "ok, then a memory foam one for two people" after mattresses
        if focus.policy_topic and continues(text) and (category is None or self._only_names(text, category)):
            # "and to nz?", "and a board?" after the delivery page: the same question, of that place or kind
            return "policy"
        if self.policy_topic(text) and not _PRODUCT_REQUEST.search(text) and parse_budget(text, cued_only=True) is None:
            return "policy"  # "how long have i got to send a guitar back", though it names a category
        return "category" if category is not None and category != focus.kind else None

    def _spelled_as_the_pages(self, text: str) -> str:
        """ "whats the waranty on it": a word the shop's texts don't have, read as the one usual word of a policy
        topic on its pages it is a typo of, so the section that says "warranty" is found ("express" is no
        "espresso": only topic words are corrected); "bcs" as the name the pages spell out ("Baja California
        Sur")."""
        known = self._policy_words | self._text_words
        topic_words = policy_search.TOPIC_WORD_SET  # "warrenty" is "warranty", whose concept finds "guarantee"

        def spelled(match: re.Match[str]) -> str:
            word = match.group(0)
            if word.lower() in self._initials and word.lower() not in known:
                return self._initials[word.lower()]  # "la paz, bcs": the page's "Baja California Sur"
            if word.lower() in known or not word.isalpha():
                return word
            near = [w for w in topic_words if len(w) >= 6 and matches_word(w, {word.lower()})]
            return near[0] if len(near) == 1 else word

        return re.sub(r"\w+", spelled, text)

    def unoffered_service(self, text: str) -> str | None:
        """A service the message asks for ("can I rent a tent?", "do you offer guitar lessons?") that no policy
        page of the shop mentions, if any: a product made "for lessons" is no lesson the shop gives, but a product
        named for it ("Beeswax Wrap Set") is a product."""
        self.products()
        known = self._catalogue_words | self._spec_words  # "what speed class is it": no class the shop gives
        said = [w for w in _service_words(text) if singular(w) not in known]
        if _MADE_TO_MEASURE.search(text):  # "a coat made to measure", "a board to my measures"
            said.append("custom")
        # "can your guys put it together?", "can you pack it like a gift?": a service, by its usual word
        said += [service for asked, service in _ASKED_OF_SOMEONE if asked.search(text)]
        pages = self._policy_words
        # a service one word names is offered where a page says the word; one a phrase names, where it says the phrase
        offered = {
            alias
            for w in said
            for alias in same_service(w)
            if w not in _SERVICE_PHRASES and any(same_word(alias, p) for p in pages)
        }
        offered |= {w for w in said if any(phrase in self._policy_text for phrase in _SERVICE_PHRASES.get(w, ()))}
        return next((w for w in said if not same_service(w) & offered), None)

    def _more_of_page(
        self, topic: str, chosen: list[PolicyChunk], wanted: Callable[[PolicyChunk], bool] = lambda chunk: True
    ) -> list[PolicyChunk]:
        """The page's other sections (`wanted` ones), none already `chosen`: the same sentence is never quoted
        twice (search results and the page's sections are different objects for the same text)."""
        texts = {c.text for c in chosen}
        return [c for c in self.policy_chunks() if c.topic == topic and c.text not in texts and wanted(c)]

    def discounts(self, text: str, products: list[Product]) -> Answer:
        """The shop's own terms for the discount asked about, quoted from its pages ("do we get a discount? my
        daughter goes to the music school"); else that prices are as listed. A discount is never invented."""
        chunks = [c for c in self.store.search_policies(text, k=POLICY_CANDIDATES) if _DISCOUNT_TERMS.search(c.text)]
        relevant = policy_search.rank(policy_search.Query.parse(text), chunks, self._policy_idf)
        if not relevant:
            return answers.no_discounts(products)
        return answers.policy(relevant[:1], policy_search.answer_first(text, relevant[:1], self._policy_idf))

    def _unknown_asked_for(self, text: str) -> str | None:
        """What "do you sell …?", "got any …?" or "need wax for my board" asks for, when none of its words is in
        the shop's texts."""
        match = _ASKS_FOR.search(text)
        pages = self._policy_stems if match else set()  # "do you do gift wrap?" asks of the pages too; a need doesn't
        match = match or _NEEDS_A_THING_FOR.search(text)
        if match is None:
            return None
        name = match.group("name").strip()
        known = self._text_words | self._catalogue_words

        def knows(alternative: str) -> bool:  # "air fryers": "air" is in a description, "fryer" is in none
            words = [w for w in tokens(alternative) if w not in STOP_WORDS | EVERYDAY_WORDS | GENERIC_NOUNS]
            head = words[-1] if words else ""
            return not head or head in known or singular(head) in known or stem(head) in pages

        if any(knows(alternative) for alternative in re.split(r"\s+(?:or|and)\s+", name)):
            return None
        return name

    def _policy_topic_about(self, text: str, products: list[Product]) -> str | None:
        """The policy page a question that names products is for ("can I send the castle set back?"), if it is
        one, not a question about their data ("is the castle set in stock?")."""
        text = without_names(text, products)  # "the Loftec Trade ladder" asks nothing of the trade-account page
        topic = self.policy_topic(text)
        if topic is None:
            return None
        query = find_spec_query(text, _spec_keys(products))
        said = set(tokens(text))
        # "if i buy it as a present, can i send it back?": buying is no question about its stock; "how much to send
        # it to sapporo?" asks what sending costs, "what's its price?" what it costs
        # "whats the warranty if it snaps on a big calico?": "big" is no question about its length
        key_said = {stem(w) for w in tokens(query.key)} & {stem(w) for w in said} if query is not None else set()
        about_data = query is not None and (
            (query.key == "stock" and bool(said & STRONG_STOCK_WORDS))
            or (query.key == "price" and bool(said & _ITS_PRICE))
            or (query.key not in ("stock", "price") and bool(key_said or key_unit(query.key) in said_units(said)))
        )
        return None if about_data else topic

    def _names_outright(self, text: str, found: list[Product]) -> bool:
        return any(names_product(text, p, self._common_words) for p in found)

    def understand(self, text: str, context: CustomerContext, focus: Focus) -> Answer | None:
        """The catalogue's answer to a message the NLU could not place, or None when it names nothing the shop
        knows: a product, a category, a policy topic, or the products in focus."""
        catalog = self.products()
        if (service := self.unoffered_service(text)) is not None:
            return answers.service_not_offered(service)
        if _A_FAVOUR.search(text) and (favour := self.policy(text)).kind == "policy":
            return favour  # "if i buy braid here do you put it on my reel for me?": the spooling section
        if (phrased := self._phrased_service(text)) is not None:
            return phrased  # "will you match it?": what the shop's page says of price matching
        category = self.match_category(text)
        if (related := self.goes_with(focus.products, text, category)) is not None:
            return related  # "is there a matching bed?" after tables were shown
        found = self._named_not_in_focus(text, find_products(text, catalog), focus)
        if found and (topic := self._policy_topic_about(text, found)):
            # "if i buy the castle set as a present, can i send it back?": the returns page, for that product
            return self.policy(text, topic, Focus(found, found[0]))
        # "i make pour over, we need one kettle, under 150": a category and a loose match of a name's everyday
        # words ask for the category's products
        # "anything else that can knead bread dough?" after a sold-out mixer: more of its kind, not the "Bread Bin"
        # "maybe a concert size instead" after ukuleles: another of the kind, not the "Concert Ukulele" looked up
        correcting = bool(_ALTERNATIVE.search(text) or _CORRECTS.search(text))
        other_of_kind = category is None and focus.kind is not None and correcting
        loose = (category is not None or other_of_kind) and not self._names_outright(text, found)
        wanted = _NEEDS_A_THING_FOR.search(text)
        kind_wanted = self.match_category(wanted.group("name")) if wanted else None
        if kind_wanted is not None and kind_wanted not in {p.category for p in found}:
            # "need a leash for my 9'2 longboard": leashes, for the board named
            return self.recommend(_wanting(context, kind_wanted, text), text)
        kind = focus.kind
        of_kind = _wanting(context, kind, text)
        described = category is None and kind is not None and bool(_ONE_OF_A_KIND.search(text))
        if described and not self._names_outright(text, found) and self._names_a_need(kind, text):
            # "ok, then a memory foam one for two people" after mattresses: mattresses with it
            return self.recommend(of_kind, text)
        if asks_for_discount(text) or (found and not loose):
            return self.product_question(text, context, focus=focus)
        reference = referred(text, focus)
        if reference is not None and (asked := self._more_of_page_asked(text, focus)) is not None:
            return self.policy(asked, focus.policy_topic, focus, carries_on=True)
        if reference is not None and (reference.explicit or self._about_products(text, reference.products)):
            return self.product_question(text, context, focus=focus)
        another = kind is not None and category in (None, kind) and bool(_ALTERNATIVE.search(text))
        if another and not policy_search.says_a_kind_of_page(text):
            # "what else could i keg my beer in then?" after a sold-out keg: others of its kind, though a page talks
            # of kegs ("anything else about returns?" asks the returns page)
            return self.recommend(of_kind, text)
        topic = self.policy_topic(text) or (focus.policy_topic if continues(text) else None)
        if (
            focus.policy_topic
            and topic not in (None, focus.policy_topic)
            and self._answered_on(text, focus.policy_topic, named_instead=topic)
        ):
            topic = focus.policy_topic  # "who pays the postage?" after the returns page: the return postage
        ranked_kind = None
        # "which of those holds the most water?" ranks the kind asked for last, if its products have the spec
        known_kind = context.category
        if category is None and kind is None and not (known_kind and self._asks_superlative(text, known_kind)):
            ranked_kind = self._kind_ranked_by(text)
        if topic and not (category is not None and self._asks_superlative(text, category)) and not ranked_kind:
            return self.policy(text, topic, focus)  # "cheapest contcat lenses?" is a ranking, no lens-fitting page
        if ranked_kind is not None:
            # "which atril takes the biggest canvas?": only the easels have a max canvas, so it ranks the easels
            return self.product_question(text, replace(context, category=ranked_kind), focus=focus)
        if category is None and kind is not None and self._asks_superlative(text, kind):
            # "whats the cheapest one with a heater then" after an aquarium: a ranking of aquariums
            return self.product_question(text, replace(context, category=kind), focus=focus)
        if category is None and kind is None and context.category and self._asks_superlative(text, context.category):
            # "which of those holds the most water?" after "what kettles are there under 20?" found none: a ranking
            # of the kind asked for (and its budget), though nothing was shown
            return self.product_question(text, context, focus=focus)
        if (
            category in (None, kind)
            and kind is not None
            and (_ALTERNATIVE.search(text) or _CORRECTS.search(text) or self._another_of(kind, text))
        ):
            # "anything similar i can get now? i ride unlit roads", "sorry, i meant something small just to reach
            # the top shelf" after ladders: others of that kind, for the need said (and a budget said with it)
            return self.recommend(of_kind, text)
        if category is None and (guessed := self.guess_category(text)) is not None:
            # "my son is scared of the dark, have you got something cuddly?": a need that names no category
            return self.recommend(_wanting(context, guessed, text), text)
        if category is None and not found and (asked := self._more_of_page_asked(text, focus)) is not None:
            # "where do i get the form stamped?" after the tax-free page
            return self.policy(asked, focus.policy_topic, focus, carries_on=True)
        if category is None:
            # "got any barilla", "can i buy my fishing licence here?": a name the shop has never heard of, in
            # neither its products nor its pages
            unknown = self._unknown_asked_for(text)
            needed = wanted is not None and unknown is not None and wanted.group("name").lower() in unknown.lower()
            if unknown and (_ASKS_FOR.search(text) or needed):  # "got any barilla", "need wax for my board"
                return answers.not_found(unknown, self._similar(text, None))
            if self._asked_what_no_page_does(text):  # no page is named here: `topic` above would have answered
                # "could you print our logo on a few dozen balls?": no page prints anything, though one says "balls"
                return answers.service_not_offered("that")
            # a question the shop's pages answer, in words the NLU did not know; not chat that shares a word with
            # a page ("just moved here, still finding my way around mangwon haha" is no question about pickup)
            answer = self.policy(text) if asks_something(text) else None
            if answer is not None and answer.kind == "policy":
                return answer
            if unknown:
                return answers.not_found(unknown, self._similar(text, None))
            # "can you print my initials on the suitcase?": something asked of the shop that nothing here offers
            return answers.service_not_offered("that") if _ASKED_TO_DO.search(text) else None
        if not found and (unknown := self._unknown_asked_for(text)) is not None:
            return answers.not_found(unknown, self._similar(text, None))  # "need wax for my board": no wax here
        context = _wanting(context, category, text)
        other_brand = self.asks_for_another_brand(text, category)
        # "tents?" asks what there is, "where's the koroneiki oil from?" about a product it half names; "camping
        # stove for car camping with the family" states a need
        category_words = {singular(w) for w in tokens(category)} | set(category_phrases(category))
        states_more = {singular(w) for w in content_words(text)} - category_words - EVERYDAY_WORDS
        states_need = bool(states_more) and not (found and _QUESTION.search(text))
        asks_overview = context.budget is None and not asks_about_products(text) and not states_need
        if self._asks_superlative(text, category) or asks_overview or other_brand:
            return self.product_question(text, context, focus=focus)
        return self.recommend(context, text)

    # ---- questions --------------------------------------------------------------------
    def product_question(
        self, text: str, context: CustomerContext, named: str | None = None, focus: Focus | None = None
    ) -> Answer:
        """A question about products: named ones, the ones in focus ("is it in stock?"), or a category's."""
        if named and (not set(tokens(named)) & set(tokens(without_amounts(text))) or not _could_be_a_name(named)):
            named = None  # the NLU's "de 2" of "no más de 2 mil": money talk, no name
        catalog = self.products()
        focus = focus if focus is not None else Focus()
        if (service := self.unoffered_service(text)) is not None:
            return answers.service_not_offered(service)
        if (phrased := self._phrased_service(text)) is not None:
            return phrased
        found = find_products(text, catalog) or (find_products(named, catalog) if named else [])
        found = self._named_not_in_focus(text, found, focus)
        if asks_for_discount(text):
            return self.discounts(text, found[:3] or ([focus.current] if focus.current else focus.shown[:3]))
        if found and (topic := self._policy_topic_about(text, found)):
            return self.policy(text, topic, Focus(found, found[0]))  # "can i send the castle set back?"
        category = self.match_category(text) or (self.match_category(named) if named else None)
        if (related := self.goes_with(found[:1] or focus.products, text, category)) is not None:
            return related
        kind = focus.kind
        states_value = kind is not None and category in (None, kind) and not _QUESTION.search(text)
        # "oh forgot to say it has to be electric, up to 3000": the budget said with the correction counts
        of_kind = _wanting(context, kind, text)
        if (
            kind is not None
            and category in (None, kind)
            and _ALTERNATIVE.search(text)
            and not self._names_outright(text, found)
        ):
            return self.recommend(of_kind, text)  # "anything else for casting off the beach?" after a sold-out rod
        if (
            not found
            and states_value
            and (_named_value(self._pool(kind), text) is not None or self._yes_no_feature(of_kind, text) is not None)
        ):
            # "sorry i meant dry skin", "i meant something without caffeine" after cleansers or teas were shown:
            # the products of that kind with it
            return self.recommend(of_kind, text)
        kinds = {p.category for p in focus.products}
        if not found and focus and (category is None or category in kinds or self._asks_spec_of(text, focus)):
            about_focus = self._about_focus(text, focus)
            if about_focus is not None:
                return about_focus
        named_loosely = not self._names_outright(text, found) or _only_names_the_category(found, category)
        if found and category is not None and named_loosely and self._asks_superlative(text, category):
            # "cheapest sunglasses" in a shop that also sells a product called "Sunglasses", "cheapest jumper"
            # where two of the knitwear's names end in "Jumper": a ranking of the category
            found = []
        if found and category not in (None, *(p.category for p in found)) and not self._names_outright(text, found):
            found = []  # "camping stove for the family": stoves, not the "Stuga 4 Family Tent"
        if found:
            query = find_spec_query(_without_category_words(without_names(text, found), found), _spec_keys(found))
            if _ASKS_IF_STOCKED.search(text) and not _WH_QUESTION.search(text):
                query = SpecQuery("stock")  # "do u still have the big hajnal pillow?": "big" says which one
            if len(found) > 1 and ((query and query.direction) or COMPARING.search(text)):
                return answers.compare(found[:3], query)
            unknown = unexplained_words(_asking_sentence(text, found, query), found, query)
            words = set(tokens(text))
            # "whats the torque on it, in newton metres": the spec's own noun says what is asked, and one word
            # more ("newton") asks nothing else; "the weight limit of its shopping basket" or "the packed size" (of
            # a "packed_weight") does
            explicit = query is not None and (
                # "ile kosztuje …?" asks the price; "how much ink does it hold?" asks an amount of ink
                (query.key == "price" and (bool(PRICE_WORDS & words) or asks_price_outright(text)))
                or (query.key == "stock" and (bool(STRONG_STOCK_WORDS & words) or bool(_ASKS_IF_STOCKED.search(text))))
                or (_key_noun(query.key) in words and len(unknown) == 1)
            )
            if unknown and not explicit:
                # "what spin speeds can it do?": its spin_speed_rpm; "how much is a skein of …" stays a price
                meant = self._spec_meant(text, found[:3]) if query is None or query.key not in OTHER_ASKS else None
                if meant is not None:
                    return answers.lookup(found[:3], meant)
                return answers.not_recorded(found[:3], sorted(unknown))
            if query is not None and _HOW_MUCH.search(text) and all(_yes_no(p, query.key) for p in found[:3]):
                # "how much caffeine is in the chai": the catalogue says whether, not how much
                asked = [w for w in tokens(query.key) if w in words] or [_key_noun(query.key)]
                return answers.not_recorded(found[:3], [f"how much {asked[0]}"])
            if query is not None and (counted := _counted_apart_from(text, query.key, found[:3])):
                return answers.not_recorded(found[:3], [f"how many {counted}"])  # "how many carats is the stone?"
            return answers.lookup(found[:3], query and SpecQuery(query.key))
        topic = self.policy_topic(text)
        if topic and not self._asks_superlative(text, category):  # "what does delivery of a sofa cost?"
            return self.policy(text, topic, focus)
        carried = self.resolve_category(context.category)
        if self._asks_superlative(text, category or carried):
            return self._superlative(text, context, category or carried)
        # "got any leather handbags or belts?": the NLU's "leather" is the leather boots', the message's words aren't
        asked_for = (_named_in(text) or named) if category else (named or _named_in(text))
        if category and not self._names_something_else(asked_for, category):
            budget = parse_budget(text, cued_only=True)
            wanted = replace(context, category=category, budget=budget or context.budget)
            # "what gps watches do you have?", "waterproof jacket under $150": products, not the range's overview
            if asks_to_see_products(text) or budget is not None or self._yes_no_feature(wanted, text):
                return self.recommend(wanted, text)
            return answers.category_overview(category, [p for p in catalog if p.category == category])
        if focus.policy_topic and continues(text):  # "and to the highlands?" after the delivery page
            return self.policy(text, focus.policy_topic, focus)
        similar = self._similar(text, category)
        if asked_for is None and not focus and not similar and refers_to_one(text):
            return answers.ask_which_product()  # "how heavy is it?" before any product was named: which one?
        return answers.not_found(asked_for, similar)

    def _named_not_in_focus(self, text: str, found: list[Product], focus: Focus) -> list[Product]:
        """The products a message names, unless one word of a name is all it shares with them and it asks "it"
        about a spec of the products in focus: "ok for a newborn? what age is it for" after a buggy is about the
        buggy, not the "Newborn Recliner" chair."""
        if found and not self._names_outright(text, found) and self._asks_spec_of(text, focus):
            return []
        return found

    def _asks_spec_of(self, text: str, focus: Focus) -> bool:
        """ "does it have a grinder built in?" about an espresso machine: "it" and one of its specs, though
        "grinder" also names a category."""
        reference = referred(text, focus)
        if reference is None or not reference.explicit:
            return False
        query = find_spec_query(text, _spec_keys(reference.products))
        return query is not None and query.key not in ("price", "stock")

    def _about_focus(self, text: str, focus: Focus) -> Answer | None:
        """Answers about the products in focus, or None when the message is not about them."""
        reference = referred(text, focus)
        if reference is None:
            return None
        products = reference.products
        if (topic := self._policy_topic_about(text, products)) is not None:
            return self.policy(text, topic, focus)  # "whats the warranty on it if it snaps on a big one?"
        if _ASKS_FOR_VARIANT.search(text):  # "my kid's a leftie, is there a version for them?"
            of_kind = CustomerContext(category=products[0].category)
            if self._yes_no_feature(of_kind, text) or _named_value(self._pool(of_kind.category), text):
                return self.recommend(of_kind, text)
        query = _ranking_query(text, products)
        if query is not None and query.direction:
            # "the cheapest one with a heater": a ranking keeps the must-have it names
            kind = products[0].category
            must_have = self._yes_no_feature(CustomerContext(category=kind), text)
            having = [p for p in products if _has(p, must_have)]
            if not having or len(products) == 1:
                # "and the lightest one?" after one product, or none of those has it: a ranking of the kind
                pool = [p for p in self._pool(kind) if p.in_stock and _has(p, must_have)]
                ranking = _ranking_query(text, pool)
                if ranking is not None and pool:
                    return answers.superlative(pool, ranking, f"of our {kind}")
            products = having or products
        count = _how_many(text)
        if count and count > 1 and query is not None and query.direction and len(products) >= count:
            return answers.compare(_ranked(products, query)[:count], SpecQuery(query.key))
        if query is None and (asked := self._value_asked(text, products)) is not None:
            return answers.lookup(products[:3], asked)  # "is it battery or automatic?": its movement
        if query is None:
            topic = self.policy_topic(text)
            if topic:
                return self.policy(text, topic, focus)
            if not reference.explicit:
                return None
        if query is not None and query.direction and len(products) > 1:
            return answers.superlative(products, query, "of those")
        if len(products) > 1 and COMPARING.search(text):
            return answers.compare(products[:3], query)
        unknown = unexplained_words(text, products, query) - REFERENCE_WORDS
        if unknown and query is None:
            # "what happens if she crashes in it, do you replace it?": no data of the product's, maybe a page's
            on_pages = self.policy(text, None, focus)
            if on_pages.kind == "policy":
                return on_pages
            if (meant := self._spec_meant(text, products[:3])) is not None:
                return answers.lookup(products[:3], meant)  # "how long till it boils?": its boil_time_min
            return answers.not_recorded(products[:3], sorted(unknown))
        return answers.lookup(products[:3], query and SpecQuery(query.key))

    def _asked_what_no_page_does(self, text: str) -> bool:
        """The shop is asked to do something ("could you print …?") that no page of it names. Asked only of a
        message that names no page (`understand` has answered those), so the pages are not searched again."""
        asked = _ASKED_TO_DO.search(text)
        if asked is None:
            return False
        doing = asked.group("doing").lower()
        return not any(same_word(doing, word) for word in self._policy_words)

    def _another_of(self, kind: str | None, text: str) -> bool:
        """ "any other backpack with a proper hip belt?": another of this kind, named by its own noun (not "any
        other shipping options?")."""
        other = _ANY_OTHER.search(text)
        return bool(kind and other and find_category(other.group("what"), [kind], self._name_nouns))

    def _value_asked(self, text: str, products: list[Product]) -> SpecQuery | None:
        """The spec a yes-no question about these products asks by naming values of it: "is it battery or
        automatic?" asks a watch's movement."""
        if not products or not _IS_IT.search(text):
            return None
        named = _named_value(self._pool(products[0].category), text)
        return SpecQuery(named[0]) if named else None

    def _spec_meant(self, text: str, products: list[Product]) -> SpecQuery | None:
        """The spec a question means, by meaning (`knowledge.spec_meaning`), when the word rules found none or
        found one among words they don't know ("what wattage is the heater?": power_w; "what age is it for, the
        hardcover one? my niece just turned four": age_years). A spec said only to tell products apart ("the
        normal one, not toric") is no question about it, and a word that names one attribute the products don't
        record ("how wide is it?" of a board with only a length) is not answered with a similar one."""
        keys = _spec_keys(products)
        key_words = {w for key in keys for w in tokens(key)}
        named = [SPEC_SYNONYMS[w].split() for w in tokens(text) if w in SPEC_SYNONYMS]
        if any(len(one) == 1 and one[0] not in key_words for one in named):
            return None
        # the products' names go, but not the words of their specs ("what's the heel drop of the zero drop racer?")
        asked = without_names(without_negated(text), products, keep=key_words)
        sentences = re.split(r"(?<=[?.!])\s+", asked)
        for sentence in [s for s in sentences if s.rstrip().endswith("?")] or [asked]:
            if (key := closest_spec(sentence, keys, self.store.embeddings)) is not None:
                return SpecQuery(key)
        return None

    def product_instead_of_policy(self, text: str, focus: Focus) -> Answer | None:
        """For a message the NLU sent to a policy page: the product in focus answers it instead when the message
        names no policy topic, refers to the product and asks for something its data records ("can I order
        it today?", "what's it made of?")."""
        reference = referred(text, focus)
        if reference is None or not reference.explicit or self.policy_topic(text) is not None:
            return None
        query = find_spec_query(text, _spec_keys(reference.products))
        if query is None or (query.key == "stock" and not set(tokens(text)) & (STRONG_STOCK_WORDS | {"order"})):
            return None
        return self._about_focus(text, focus)

    def asks_ranking(self, text: str) -> bool:
        """ "what's your cheapest gps watch?", "which is the lightest?": a question a ranking answers."""
        return self._asks_superlative(text, self.match_category(text))

    def _about_products(self, text: str, products: list[Product]) -> bool:
        """A short follow-up ("and the weight?") asks about an attribute these products have, or a policy."""
        return find_spec_query(text, _spec_keys(products)) is not None or self.policy_topic(text) is not None

    def asks_for_another_brand(self, text: str, category: str) -> bool:
        """ "do you have kitchen aid mixers?", "do u have de cecco pasta": the category, by a name the shop
        doesn't carry (not "i have a sensitive nose")."""
        asked_for = _named_in(text) or ""
        return find_category(asked_for, [category]) == category and self._names_something_else(asked_for, category)

    def _names_something_else(self, phrase: str | None, category: str) -> bool:
        """ "Bose headphones" names a brand we don't carry; "headphones" or "Lumen headphones" does not."""
        if not phrase:
            return False
        kind = {w for p in category_phrases(category) for w in p.split()} | set(tokens(category))
        extra = {w for w in content_words(phrase) if singular(w) not in kind and w not in kind and not w.isdigit()}
        extra -= EVERYDAY_WORDS | LESS_WORDS | MORE_WORDS | {"thats", "under", "below", "over", "max", "budget"}
        extra -= set(CURRENCY_WORDS)  # "sanders under 80 euro"
        brand_words = {w for b in self.brands() for w in tokens(b)}
        # "pasta thats gluten free": the words of the category's specs and their values name a must-have
        pool = self._pool(category)
        spec_words = {
            w for p in pool for k, v in p.specs.items() for w in tokens(f"{k} {v if isinstance(v, str) else ''}")
        }
        said = tokens(phrase)
        glued = {w for a, b in pairwise(said) if a + b in spec_words for w in (a, b)}  # "hard cover"
        # "an automatic needle threader" of sewing machines: words their own texts use describe them
        own_words = self._own_words.get(category, set())
        return bool(extra - brand_words - spec_words - glued - own_words)

    def goes_with(self, focus: list[Product], text: str, category: str | None) -> Answer | None:
        """ "is there a matching bed?", "what sunscreen goes with it?": the products the catalogue lists as
        related to the ones in focus (the one discussed first, then those shown; of the category asked for, if
        any), or None when the message doesn't ask for them or the catalogue lists none."""
        if not _GOES_WITH.search(text) or _GOES_WITH_A_THING.search(text):
            return None  # "a strong brew that goes with milk": what it is for, no product
        category = self.resolve_category(category)
        by_sku = {p.sku: p for p in self.products()}
        for product in focus:
            related = [
                by_sku[s]
                for s in product.related
                if s in by_sku and by_sku[s].in_stock and (category is None or by_sku[s].category == category)
            ]
            if related:
                return answers.goes_with(product, related)
        return None

    def compare(self, text: str, context: CustomerContext, focus: Focus | None = None) -> Answer:
        """Products the message names, side by side; "the two cheapest" of a kind; or, when the NLU heard a
        comparison in a message that asks none ("need brushes for 30 kids"), what the catalogue says to it."""
        found = find_products(text, self.products())
        focus = focus if focus is not None else Focus()
        named = self._names_outright(text, found)
        chosen_between = len(found) >= 2 and (named or bool(_EITHER_OR.search(text)))  # "marina 55 or barq air 55"
        if not COMPARING.search(text) and not chosen_between and not (found and named):
            # no comparison asked and at most loose matches of names: "need brushes for 30 kids" (a "Kids' Acrylic
            # Set"), "a stroller which folds with one hand" (two high chairs that fold)
            return self.understand(text, context, focus) or answers.clarify_comparison()
        current = focus.current
        if len(found) == 1 and current is not None and current.sku != found[0].sku:
            found = [current, found[0]] if referred(text, Focus(current=current)) else found  # "it vs the X?"
        if len(found) >= 2:
            return answers.compare(found[:3], find_spec_query(text, _spec_keys(found)))
        if len(found) == 1:
            return answers.lookup(found, None)
        if focus and (about_focus := self._about_focus(text, focus)) is not None:
            return about_focus
        named_category = self.match_category(text)
        category = named_category or self.resolve_category(context.category)
        count = _how_many(text)
        if count and self._asks_superlative(text, category):  # "compare the two cheapest phones"
            pool = [p for p in self._pool(category) if p.in_stock]
            query = _ranking_query(text, pool)
            assert query is not None and query.direction is not None
            ranked = _ranked(pool, query)
            if len(ranked) >= 2:
                return answers.compare(ranked[:count], SpecQuery(query.key))
        if self._asks_superlative(text, category):
            return self._superlative(text, context, category)
        if named_category:  # "actually, show me jackets instead": nothing to compare, a category to show
            return self.recommend(replace(context, category=named_category), text)
        return answers.clarify_comparison()

    def recommend(self, context: CustomerContext, text: str = "", limit: int = MAX_RECOMMENDATIONS) -> Answer:
        """Up to `limit` (three) in-stock products for the customer's needs; `text` is their message, whose
        must-haves ("waterproof", "with gps") filter and whose "cheapest"/"lightest" ranks."""
        context = replace(
            context, category=self.resolve_category(context.category), brand=self.resolve_brand(context.brand, text)
        )
        if context.category and context.category not in self.categories():
            return answers.nothing_fits(context.category)
        if text and self._asks_superlative(text, context.category):
            return self._superlative(text, context, context.category)
        query = " ".join(x for x in (context.use_case, context.feature, context.category, text) if x) or "popular"
        flt = ProductFilter(context.category, context.budget, context.brand, in_stock_only=True)
        must_have = self._yes_no_feature(context, text)
        value = _named_value(self._pool(context.category), text) if context.category else None
        least = _least_amount(self._pool(context.category), text) if context.category else None
        age = _age_said(self._pool(context.category), text) if context.category else None
        group = _group_size(self._pool(context.category), text) if context.category else None

        def fits(product: Product) -> bool:
            return (
                _has(product, must_have)
                and _has_value(product, value)
                and _holds(product, least)
                and _in_range(product, age)
                and _in_range(product, group)
            )

        hits = [h for h in self.store.search_products(query, flt, k=20) if fits(h.product)]
        wanted = content_words(" ".join(x for x in (context.use_case, context.feature) if x))
        if not wanted and text and context.category:  # "a ladder for the stairs": no slot said it, the text does
            kind = {singular(w) for w in tokens(context.category)} | set(category_phrases(context.category))
            wanted = {w for w in need_details(text) - set(CURRENCY_WORDS) if singular(w) not in kind and w.isalpha()}
        overlap = _overlaps(wanted, [h.product for h in hits])
        ranked = sorted(hits, key=lambda h: -(h.similarity + USE_CASE_BOOST * overlap[h.product.sku]))
        picks = _diverse([h.product for h in ranked], limit)
        over_budget: list[Product] = []
        if not picks and context.budget is not None:
            wider = ProductFilter(context.category, context.budget * OVER_BUDGET_MARGIN, context.brand, True)
            # what meets every need but the budget: a product that misses a need is no "closest option"
            nearest = sorted(
                (h.product for h in self.store.search_products(query, wider, k=20) if fits(h.product)),
                key=lambda p: p.price,
            )
            over_budget = nearest[: min(2, limit)]
        needed = [k for k in (must_have, value and value[0], least and least[0], group and group[0]) if k]
        return answers.recommend(picks, context, over_budget, needed)

    def must_have_said(self, context: CustomerContext, text: str) -> str | None:
        """The yes/no must-have a request names ("a waterproof jacket"), as its spec's label, so a reason can
        say that the product has it."""
        key = self._yes_no_feature(context, text)
        return spec_label(key) if key else None

    def _yes_no_feature(self, context: CustomerContext, text: str = "") -> str | None:
        """The spec key of a must-have that is a yes/no spec ("waterproof", "gps", "stylus support") or a count
        some products have none of ("with a battery in the box": batteries included), named as a feature or in the
        message, if any."""
        pool = self._pool(context.category)
        keys = _spec_keys(pool)
        yes_no = [k for k in keys if any(_yes_no(p, k) for p in pool) or _counts(pool, k)]
        category_words = {singular(w) for w in tokens(context.category or "")}
        # "sofa" is no "sofa bed", and the "lightest helmet" need not have an integrated light
        # nor the "most powerful amp" a battery-powered one: the words of a ranking name no must-have
        said = tokens(" ".join([text, *synonyms_said(text, context.category)]))  # "an e-bike": an electric one
        ranked = {said[i + 1] for i, w in enumerate(said[:-1]) if w in ("most", "least", "more", "less")}
        ignored = category_words | LESS_WORDS | MORE_WORDS | ranked
        text = " ".join(w for w in said if singular(w) not in ignored and w not in ignored)
        for said in (context.feature, text):
            query = find_spec_query(said, yes_no) if said and yes_no else None
            if query is not None and query.key in yes_no:
                return query.key
        return None

    def policy(
        self, text: str, topic: str | None = None, focus: Focus | None = None, *, carries_on: bool = False
    ) -> Answer:
        """The sections of the shop's pages that answer the question, the clause that answers first. With the
        products in focus, sections about their kind of product come first ("what's the warranty?" after a
        backpack) and sections about another kind last. `carries_on`: the question asks more of the page
        `topic` just quoted, however it is put ("where do i get the form stamped?")."""
        carries_on = carries_on or continues(text)
        if (phrased := self._phrased_service(text)) is not None:
            return phrased
        if asks_for_discount(text):
            return self.discounts(text, [])
        if (service := self.unoffered_service(text)) is not None:
            return answers.service_not_offered(service)
        if topic and topic not in self._topic_cues:  # the NLU's "shipping" is this shop's "delivery" page
            topic = self.policy_topic(topic)
        text = self._spelled_as_the_pages(spelled_out(text))
        chunks = self.store.search_policies(text, k=POLICY_CANDIDATES, topic=topic)
        names = [n for n in _proper_names(text) if not set(tokens(n)) <= self._catalogue_words]
        unnamed = [n for n in names if n not in self._policy_text]
        query = policy_search.Query.parse(text, ignore=[w for n in unnamed for w in tokens(n)])
        relevant = policy_search.rank(query, chunks, self._policy_idf)
        if topic and carries_on:
            # "and austria?" after the delivery page: the page's sections that name it, however short the question
            relevant += self._more_of_page(topic, relevant, lambda c: policy_search.shares_a_word(query, c))
        if policy_search.asks_cost(text):  # "how much …?" needs a section that states an amount
            relevant = [c for c in relevant if policy_search.states_amount(c.text)]
        kind = _kind_in_focus(focus)
        if kind is not None:
            if topic and len(content_words(text) - GENERAL_WORDS) <= 2:  # "what about the warranty?": its section
                relevant += self._more_of_page(topic, relevant)
            relevant = _about_kind(relevant, kind, self.categories())
        page_cues = self._topic_cues.get(topic, frozenset()) if topic else frozenset()
        names_page = bool(page_cues) and policy_search.find_topic(text, {topic: page_cues}) == topic
        if topic is not None and self._service_page(text) == topic:
            # "can i rent one?": a section headed "Hiring"; "will you service it for me?": the page that offers it
            headings = [policy_search.heading(c) for c in self.policy_chunks() if c.topic == topic]
            names_page = names_page or bool(_A_FAVOUR.search(text))
            names_page = names_page or any(_heads(heading, _services_asked(text)) for heading in headings)
        if not relevant and topic and not unnamed and (names_page or carries_on):
            # "can I return it if it doesn't fit?" names the page, "and to leeds?" carries on with it: its
            # opening sections answer, those that share a word with the question first
            opening = policy_search.headed_by_what_is_asked(
                query, [c for c in self.policy_chunks() if c.topic == topic]
            )
            opening = opening if kind is None else _about_kind(opening, kind, self.categories())
            relevant = policy_search.sharing_words_first(query, opening, page_cues)[:2]
        if topic and relevant and _ASKS_IF_ALLOWED.search(text):
            # "can i send it back if it's too big?": the page's rule, stated first on it, answers before the
            # section about how (the courier's fee for a mixer)
            opening = next(c for c in self.policy_chunks() if c.topic == topic)
            if kind is None or _about_kind([opening, *relevant], kind, self.categories())[-1] is not opening:
                relevant = [opening, *(c for c in relevant if c.text != opening.text)]
        # the sections that share a word with the question beyond the page's own ("would you post it to ennis?":
        # the courier's section; "can i spread the cost?": the instalments') come first, the order above otherwise
        relevant = policy_search.sharing_words_first(query, relevant, page_cues)
        if unnamed:
            # "Do you ship to Canada?" and no page names Canada: a section that names places may
            # still settle it ("We do not ship outside Europe"), so show it, saying we can't be sure.
            naming_places = sorted(relevant, key=lambda c: len(set(_proper_names(c.text))), reverse=True)
            return answers.policy_unnamed(unnamed, [c for c in naming_places if _proper_names(c.text)][:1])
        first = policy_search.answer_first(
            text, relevant[:2], self._policy_idf, sections_in_order=kind is not None, carries_on=carries_on
        )
        return answers.policy(relevant[:2], first)

    def phrase(self, answer: Answer, question: str, context: CustomerContext, time_limit: float) -> Reply:
        # The current snapshot: the gate's names and brands, and the categories claims are judged in.
        return self.writer.write(answer, question, context, time_limit, catalogue=self.products())

    # ---- helpers ------------------------------------------------------------------------
    def _pool(self, category: str | None) -> list[Product]:
        return [p for p in self.products() if category is None or p.category == category]

    def _asks_superlative(self, text: str, category: str | None) -> bool:
        query = _ranking_query(text, self._pool(category))
        return bool(query and query.direction)

    def _kind_ranked_by(self, text: str) -> str | None:
        """The one category whose products have the spec a ranking asks about, which then says what kind is
        meant though the message names none ("which acrylic set gives me the most colours?"); not the price or
        stock, which every product has."""
        if not _SUPERLATIVE.search(text):
            return None  # "how much to make my ring a size bigger?" ranks nothing
        catalog = self.products()
        query = _ranking_query(text, catalog)
        if query is None or not query.direction or query.key in OTHER_ASKS:
            return None
        kinds = {p.category for p in catalog if query.key in p.specs}
        return next(iter(kinds)) if len(kinds) == 1 else None

    def _superlative(self, text: str, context: CustomerContext, category: str | None) -> Answer:
        pool = self._pool(category)
        query = _ranking_query(text, pool)
        assert query is not None
        budget = parse_budget(text, cued_only=True) or context.budget  # "the lightest? for 3 months": no budget
        must_have = self._yes_no_feature(replace(context, category=category, feature=None), text)
        value = _named_value(pool, text) if category else None  # "the cheapest balance bike": of that type
        candidates = [
            p
            for p in pool
            if p.in_stock and (budget is None or p.price <= budget) and _has(p, must_have) and _has_value(p, value)
        ]
        scope = f"of our {category}" if category else "in our catalogue"
        if budget is not None:
            scope += answers.up_to(budget, pool[0].currency if pool else None)
        # "which kettle is the cheapest?" asks about kettles from now on
        return answers.superlative(candidates, query, scope, replace(context, category=category, budget=budget))

    def _similar(self, text: str, category: str | None) -> list[Product]:
        hits = self.store.search_products(text, ProductFilter(category, in_stock_only=True), k=3)
        return [h.product for h in hits if h.similarity >= self.relevance_threshold][:2]


def _wanting(context: CustomerContext, category: str | None, text: str) -> CustomerContext:
    """The customer's needs, of this category, with a budget the message states (cued: "under 3000") replacing
    the one known."""
    return replace(context, category=category, budget=parse_budget(text, cued_only=True) or context.budget)


def _kind_in_focus(focus: Focus | None) -> Product | None:
    """The product whose kind a policy question is about: the one discussed last, or the products shown
    when they are all of one category."""
    if not focus:
        return None
    return focus.current or (focus.shown[0] if focus.kind is not None else None)


def _about_kind(chunks: list[PolicyChunk], product: Product, categories: list[str]) -> list[PolicyChunk]:
    """Sections naming this product's kind or brand first, then general ones, then those about another kind."""
    own = {singular(w) for w in tokens(f"{product.category} {product.brand}")}
    others = {singular(w) for c in categories if c != product.category for w in tokens(c)} - own - GENERAL_WORDS

    def order(chunk: PolicyChunk) -> int:
        text = chunk.text.lower()
        words = {singular(w) for w in tokens(text)}
        # "covers espresso machines only, not grinders": a section that excludes the kind is not about it
        named = {
            w for w in words & own if not re.search(rf"\b(?:not|except|excluding|other than)\b[^.]{{0,40}}\b{w}", text)
        }
        return 0 if named else 2 if words & others or words & own else 1

    return sorted(chunks, key=order)


# A question, not a statement: "where's the koroneiki oil from", "how wide is it?"
_QUESTION = re.compile(r"\?|^\W*(?:how|what|whats|what's|where|where's|which|when|who|is|are|does|do|can)\b", re.I)
# A message that asks or wants something, anywhere in it ("and if it breaks can i return it", "need it by friday")
_ASKS_SOMETHING = re.compile(
    r"\?|\b(?:how|what|what's|whats|where|which|when|who|why|can|could|would|will|should|do|does|did|is|are|any|"
    r"anything|got|have|has|need|want|looking|tell|know|wondering|show|help|charge|cost|pay|return|deliver|ship|"
    r"send|price)\b",
    re.I,
)


def asks_something(text: str) -> bool:
    """Whether a message asks or wants something, anywhere in it; chat that does neither ("just moved here,
    still finding my way around haha") is answered kindly, not with a page that shares a word with it."""
    return bool(_ASKS_SOMETHING.search(text))


def _named_value(pool: list[Product], text: str) -> tuple[str, frozenset[str]] | None:
    """The word-valued spec the message names values of, when the products of this pool differ in it: a
    must-have. A value said whole ("dry" skin type, "down" fill), else the values with a word said that is
    their own ("gold nib": "14k gold" and "18k gold", not "steel")."""
    # not the kind's own words ("lightest lock": no "U-lock" must-have) nor a budget's ("max 120": no "max" cushioning)
    ignored = EVERYDAY_WORDS | _BUDGET_WORDS | {singular(w) for p in pool for w in tokens(p.category)}
    refused = {singular(w) for phrase in _REFUSED.findall(text) for w in tokens(phrase)} - ignored
    words = [singular(w) for w in tokens(text)]
    # "not the top loading type": "loading" is said only of what is ruled out
    ruled_with = {after for word, after in pairwise(words) if word in refused}
    said = set(words) - ignored - refused - ruled_with
    values_of = {
        key: {str(p.specs[key]).lower() for p in pool if isinstance(p.specs.get(key), str)} for key in _spec_keys(pool)
    }

    def ruled_out(value: str) -> bool:  # "lambswool" is wool too
        return any(r == singular(w) or (len(r) >= 4 and r in singular(w)) for w in tokens(value) for r in refused)

    for key, values in values_of.items():
        # "mirrorles": a long value word typed with a slip is still said
        named = [v for v in values if tokens(v) and all(matches_word(singular(w), said) for w in tokens(v))]
        if len(named) == 1 and len(values) > 1:
            return key, frozenset(named)
        if not named:
            # "the largest burrs", "conical burrs": "burrs" names the burr type, no value of it ("blade (no burrs)")
            own = {singular(w) for w in tokens(key)}
            partly = {
                v
                for v in values
                if {singular(w) for w in tokens(v) if _value_word(w)} & said - own and not ruled_out(v)
            }
            if partly and len(partly) < len(values):
                return key, frozenset(partly)
    for key, values in values_of.items():  # "allergic to wool", "not the top loading type": every value without it
        having = {v for v in values if ruled_out(v)}
        if having and len(having) < len(values):
            return key, frozenset(values - having)
    return None


# A value the customer rules out: "allergic to wool", "no leather", "without plastic", "anything but nylon"
_REFUSED = re.compile(
    r"\b(?:allergic to|no|not|without|avoid|anything but|except|free of)\s+(?:(?:any|the|a|an)\s+)?(\w+)", re.I
)


_BUDGET_WORDS = frozenset("max maximum tops under below budget".split())


def _value_word(word: str) -> bool:
    """A word of a spec value that names it when said alone: not a number, a size or a ranking word."""
    return len(word) >= 4 and word.isalpha() and word not in SPEC_SYNONYMS and word not in LESS_WORDS | MORE_WORDS


# "about 150kg", "for 2 people", "a 120 litre tank": an amount with what it counts
_AMOUNT_OF = re.compile(r"(\d+(?:\.\d+)?)\s*(kg|kilos?|litres?|liters?|l|people|persons?|guests|seats?)\b", re.I)
_HOLDING = {"max", "load", "capacity", "user", "volume"}  # a key with its unit and one of these holds the amount
_PEOPLE = {"persons", "person", "people", "seats", "sleeps"}


def _least_amount(pool: list[Product], text: str) -> tuple[str, float] | None:
    """A need stated as an amount that a capacity spec of these products must reach: "a big guy, about 150kg" ->
    (`max_load_kg`, 150), "tent for 2 people" -> (`persons`, 2); or a size they must reach: "140 wide or more" ->
    (`width_cm`, 140). Never the product's own weight or size by a unit alone."""
    if (minimum := _minimum_size(pool, text)) is not None:
        return minimum
    for number, said in _AMOUNT_OF.findall(text):
        unit = SAID_UNITS.get(said.lower(), said.lower())
        for key in _spec_keys(pool):
            words = set(tokens(key))
            holds = (
                words & _PEOPLE
                if unit in {"people", "person", "persons", "guests", "seat", "seats"}
                else (unit in words and words & _HOLDING)
            )
            if holds and any(answers.spec_value(p, key) is not None for p in pool):
                return key, float(number)
    return None


def _minimum_size(pool: list[Product], text: str) -> tuple[str, float] | None:
    """ "140 wide or more", "at least 180 long": the number spec that adjective names and the least it may be."""
    for match in _AT_LEAST_SIZE.finditer(text):
        if not (match.group("least") or match.group("more")):
            continue
        query = find_spec_query(match.group("size"), _spec_keys(pool))
        if query is not None and any(answers.spec_value(p, query.key) is not None for p in pool):
            return query.key, float(match.group("number"))
    return None


def _without_minimum_sizes(text: str) -> str:
    """The message less its "140 wide or more": a least size is a need, no ranking by size."""
    return _AT_LEAST_SIZE.sub(lambda m: " " if m.group("least") or m.group("more") else m.group(0), text)


_AT_LEAST_SIZE = re.compile(
    r"(?P<least>\bat least\s+|\bmin(?:imum)?\.?\s+)?(?P<number>\d+(?:\.\d+)?)\s*(?:cm|mm|m|in|inches)?\s+"
    r"(?P<size>wide|long|tall|high|deep|thick)\b"
    r"(?P<more>\s*(?:or more|or over|or above|\+|minimum|min\b|at least|or (?:wider|longer|taller|higher|bigger)))?",
    re.I,
)
# "for my 6 year old", "a 2-year-old", "aged 9": a child's age, which an age spec ("6-10", "7+", 3) must suit
_AGE = re.compile(r"\b(\d{1,2})[\s-]*(?:years?|yrs?)[\s-]*old\b|\b(\d{1,2})\s*(?:yo|y/o)\b|\baged\s+(\d{1,2})\b", re.I)
_AGE_RANGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:\+|[-–]\s*(\d+(?:\.\d+)?))?\s*$")  # "6-10", "7+", "3"


def _age_said(pool: list[Product], text: str) -> tuple[str, float] | None:
    """The age spec of these products (a key with "age" in it, in years) and the child's age the message says."""
    match = _AGE.search(text)
    keys = [k for k in _spec_keys(pool) if "age" in tokens(k) and not {"month", "months"} & set(tokens(k))]
    if match is None or not keys:
        return None
    return keys[0], float(next(g for g in match.groups() if g))


# "there'll be about 8 of us", "for 6 players": how many people, which a range spec ("players" "2-8") must suit
_GROUP = re.compile(r"\b(\d{1,2})\s*(?:of us|players?|people|persons|guests|kids|children|adults)\b", re.I)
_GROUP_KEYS = {"players", "player", "persons", "people", "guests", "seats", "sleeps"}


def _group_size(pool: list[Product], text: str) -> tuple[str, float] | None:
    """The spec of these products that gives how many people they are for as a range, and the number said."""
    match = _GROUP.search(text)
    keys = [
        k
        for k in _spec_keys(pool)
        if set(tokens(k)) & _GROUP_KEYS
        and any(isinstance(v := p.specs.get(k), str) and _AGE_RANGE.match(v) for p in pool)  # "2-8", not 8 seats
    ]
    if match is None or not keys:
        return None
    return keys[0], float(match.group(1))


def _in_range(product: Product, said: tuple[str, float] | None) -> bool:
    """Whether the product's range spec ("6-10", "7+", or a bare minimum) includes the age or number of people
    said; a product that records none, or one in another form, is not ruled out."""
    if said is None:
        return True
    match = _AGE_RANGE.match(str(product.specs.get(said[0], "")))
    if match is None:
        return True
    low, high = match.groups()
    return float(low) <= said[1] <= (float(high) if high else float("inf"))


def _holds(product: Product, least: tuple[str, float] | None) -> bool:
    if least is None:
        return True
    value = answers.spec_value(product, least[0])
    return value is not None and value >= least[1]


def _has_value(product: Product, value: tuple[str, frozenset[str]] | None) -> bool:
    return value is None or str(product.specs.get(value[0], "")).lower() in value[1]


def _has(product: Product, yes_no_key: str | None) -> bool:
    """A yes/no must-have is a hard filter: products without it, with "no" or with none of a count, are left
    out."""
    value = product.specs.get(yes_no_key) if yes_no_key else True
    return value is True or (_is_number(value) and value > 0)


_HOW_MUCH = re.compile(r"\bhow (?:much|many)\b", re.I)


def _yes_no(product: Product, key: str) -> bool:
    return isinstance(product.specs.get(key), bool)


_HOW_MANY_OF = re.compile(r"\bhow (?:many|much)\s+(?P<what>[^\W\d_]+)", re.I)


def _counted_apart_from(text: str, key: str, products: list[Product]) -> str | None:
    """What a "how many …?" question counts when the spec found holds words, not an amount, and is not what is
    counted: "how many carats is the stone?" of a ring whose `stone` is "diamond" ("carats"); None when the
    question counts the spec itself ("how many colours?") or the spec is a number."""
    asked = _HOW_MANY_OF.search(text)
    if asked is None or key in OTHER_ASKS:
        return None
    what = asked.group("what").lower()
    if what in STOP_WORDS or singular(what) in {singular(w) for w in tokens(key)}:
        return None
    values = [value for p in products if (value := p.specs.get(key)) is not None]
    return what if values and all(isinstance(v, str) and not re.search(r"\d", v) for v in values) else None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _key_noun(key: str) -> str:
    """The noun a spec key is named by, without its unit: "torque_nm": "torque", "packed_weight_kg": "weight"."""
    words = tokens(key)
    while len(words) > 1 and (words[-1] in UNIT_WORDS or len(words[-1]) <= 3):
        words = words[:-1]
    return words[-1] if words else key


def _counts(pool: list[Product], key: str) -> bool:
    """A spec that counts things (no unit in its key, whole numbers) and that some products have none of:
    "batteries_included" 0, 1 or 2, "drawers" 0 or 4."""
    values = [p.specs.get(key) for p in pool if key in p.specs]
    numbers = [v for v in values if _is_number(v)]
    if key_unit(key) or key.lower().endswith(("percent", "pct")) or not numbers or len(numbers) < len(values):
        return False
    if any(v != int(v) for v in numbers):
        return False
    return min(numbers) == 0 < max(numbers)


def _asking_sentence(text: str, products: list[Product], query: SpecQuery | None) -> str:
    """The sentence that asks what the query is about: "how heavy is the kompak? it has to live on a high shelf"
    asks its weight, and the shelf is why, no attribute the catalogue lacks."""
    if query is None:
        return text
    keys = _spec_keys(products)
    asking = [s for s in re.split(r"(?<=[?.!])\s+", text) if find_spec_query(s, keys) == query]
    asking = [s for s in asking if s.rstrip().endswith("?")] or asking  # not "…, she says it weighs a ton"
    return " ".join(asking) or text


def _only_names_the_category(found: list[Product], category: str | None) -> bool:
    return bool(category) and len(found) == 1 and only_words_of(str(category), found[0].name)


def _proper_names(text: str) -> list[str]:
    """Capitalised words inside a sentence ("Canada", "United States"), lower-cased."""
    found = re.findall(r"(?<=[a-z,] )([A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+)*)", text)
    return [name.lower() for name in found]


def _overlaps(wanted: set[str], pool: list[Product]) -> dict[str, float]:
    """Per product of the pool, the share of the customer's use-case words its own text mentions, a word that
    fewer of them mention weighing more ("a ladder for the stairs in our house": "stairs" more than "house")."""
    said = {stem(w) for w in wanted}  # "trek" and "trekking"
    texts = {p.sku: {stem(w) for w in content_words(p.document_text())} & said for p in pool}
    weight = {s: 1 / max(1, sum(s in t for t in texts.values())) for s in said}
    total = sum(weight.values()) or 1.0
    return {sku: sum(weight[s] for s in own) / total for sku, own in texts.items()}


def _ranking_query(text: str, products: list[Product]) -> SpecQuery | None:
    """The attribute of a "which is the lightest/widest/…" question, among the specs these products have
    as numbers: "biggest bed" ranks a width, not the bed size's name."""
    text = _without_category_words(_without_minimum_sizes(text), products)  # "cheapest dog bed": no `max_dog_weight`
    query = find_spec_query(text, _spec_keys(products))
    if query is None or not query.direction or query.key == "price":
        return query
    numeric = [k for k in _spec_keys(products) if any(answers.spec_value(p, k) is not None for p in products)]
    if (ranked := find_spec_query(text, numeric)) is not None:
        return ranked
    if any(_yes_no(p, query.key) for p in products):  # "itchy with most earrings": a yes/no spec ranks nothing
        return SpecQuery(query.key, None)
    return query


def _without_category_words(text: str, products: list[Product]) -> str:
    """The message less the words of these products' categories, which name the kind of product, not a spec,
    unless counted ("which has more balls in it?" of golf balls asks its balls_per_pack)."""
    kind = {singular(w) for p in products for w in tokens(p.category)}
    said = tokens(text)
    return " ".join(
        w for before, w in zip(["", *said], said, strict=False) if singular(w) not in kind or before in _COUNTING
    )


_COUNTING = frozenset("more most fewer less least".split())


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


# Asking for products, not about a policy: "do you have guitars with a pickup", "show me mowers with free delivery".
_PRODUCT_REQUEST = re.compile(
    r"\b(show|recommend|suggest|looking for|look for|searching for|do you (?:have|sell|carry|stock)|got any|"
    r"(?:need|want) (?:a|an|some)|any \w+ (?:with|for|under))\b",
    re.I,
)
# "czy macie …?", "habt ihr …?", "tienen …?", "mko na …?": "do you have …?" in customers' own languages
_HAVE_YOU_ABROAD = (
    r"czy (?:macie|jest|są)|ha(?:ben sie|bt ihr)|hebben (?:jullie|jij)|tienen|ten[eé]is|avez-vous|vous avez|"
    r"(?:voc[eê]s? )?t[eê]m|mko na|mna|har (?:du|ni|i)"
)
# "got any barilla", "do you sell de cecco?": a short request for something by name, at the end of the message
_ASKS_FOR = re.compile(
    r"^\W*(?:hi\W+|hey\W+)?(?:do (?:you|u|ye) (?:sell|carry|stock|have|do|offer)|have (?:you|u|ye) got|got|"
    rf"any chance of|can (?:i|we) (?:buy|get|order)(?: my| a| an)?|{_HAVE_YOU_ABROAD})\s+"
    r"(?:any\s+|some\s+)?"
    r"(?P<name>[^\W\d_][\w'-]*?(?: [^\W\d_][\w'-]*?){0,4}?)"
    # "can i buy my fishing licence here at the shop?"; "do you carry shimano? looking for a stella": what follows
    # the question mark is said about it
    r"(?: here| from you| at all| at (?:the|your) (?:shop|store)| in (?:the )?(?:shop|store))*\s*(?:[?!.].*|\W*)$",
    re.I,
)


_MADE_TO_MEASURE = re.compile(r"\bmade[- ]to[- ](?:measure|order)\b|\btailor[- ]made\b|\bto my measure", re.I)


def _heads(heading: str, services: set[str]) -> bool:
    """A heading that names one of these services as what it is about ("Hiring a board", "Knife sharpening
    service"), not as a word describing another thing ("Class sets" is about sets, no classes)."""
    words = tokens(heading)
    return any(
        any(same_word(word, s) for s in services) and (after is None or after in STOP_WORDS | {"service", "services"})
        for word, after in zip(words, [*words[1:], None], strict=True)
    )


def _service_words(text: str) -> list[str]:
    """The service words of a message, not those of "of course" or "the old course" (a golf course)."""
    return [w for w in tokens(_NO_SERVICE.sub(" ", text)) if w in SERVICE_WORDS]


_NO_SERVICE = re.compile(r"\bof course\b|\b(?:golf|race|old|links|championship)\s+courses?\b", re.I)


def _services_asked(text: str) -> set[str]:
    """The service words a message asks for, and the other words for the same service ("rent": "hire", …)."""
    said = _service_words(text)
    said += [service for asked, service in _ASKED_OF_SOMEONE if asked.search(text)]  # "do you set it up?"
    if favour := _A_FAVOUR.search(text):  # "can you regrip it for me?": what the shop is asked to do
        said.append(favour.group("doing").lower())
    return {alias for w in said for alias in same_service(w)}


# What the customer has, or asks the shop to do something to (the words naming it are the group "name", up to
# three words that are no little words): "something to hold my camera steady", "my grandmother's ring",
# "she already has a necklace", "if i buy a suitcase from you", "a watch i've worn", "something to weigh the bag",
# "can you drop a suitcase at the hotel?". "My new …", "my first …", "replace my camera" and "he has outgrown his
# baby seat" want one.
_LITTLE = r"(?:a|an|the|and|or|but|to|for|with|in|on|at|of|from|by|is|are|was|so|that|which|it|me|us|some|one)"
_WORD = rf"(?!{_LITTLE}\b)(?![^\W\d_][\w-]*'s\b)[^\W\d_][\w'-]*"  # no little word, no "son's"
_NAME = rf"(?P<name>{_WORD}(?:\s+{_WORD}){{0,2}})"
_NOT_HELD = r"(?!(?:first|new|next|own|budget|price|size|order)\b)"
_ASKING_VERBS = (
    "have|sell|carry|stock|recommend|suggest|think|know|got|do|find|show|help|get|pick|choose|tell|give|check|order"
)
# Something the shop is asked to do ("can you print my initials on the suitcase?"), not to find, show or tell
_ADVERBS = "also|just|please|kindly|maybe|still"
_ASKED_TO_DO_PATTERN = (
    rf"\b(?:can|could|will|would|do)\s+(?:you|ye|u)\s+(?:(?:{_ADVERBS})\s+)?"
    rf"(?!(?:{_ADVERBS}|{_ASKING_VERBS}|make|compare|explain|list|point|offer|source|advise|let|mean|need|want|"
    r"like|say|see|look|search|sort)\b)(?P<doing>[^\W\d_]+)(?P<name>[^.?!,;]*)"
)
_ASKED_TO_DO = re.compile(_ASKED_TO_DO_PATTERN, re.I)
_OWNED_MENTIONS = tuple(
    re.compile(pattern, re.I)
    for pattern in (
        rf"\b(?:my|our|his|her|their)\s+(?:[^\W\d_]+'s\s+)?{_NOT_HELD}{_NAME}",
        rf"\balready\s+(?:have|has|own|owns|got|bought)\s+(?:(?:a|an|the|one|two|some)\s+)?{_NAME}",
        rf"\b(?:if|when|once)\s+(?:i|we)\s+(?:buy|order|get|purchase)\s+(?:(?:a|an|the|one|this|that|these|those)\s+)?"
        rf"(?:of\s+your\s+)?{_NAME}",
        rf"\b(?:a|an|the)\s+{_NAME}\s+(?:i|we|she|he|they)(?:'ve|'d|\s+have|\s+had)?\s+"
        r"(?:worn|bought|got|used|had|owned|tried|ordered)\b",
        r"\b(?:something|anything|a thing|stuff)\b(?:\s+\w+){0,2}?\s+to\s+(?!(?:replace|upgrade|swap)\b)\w+\s+the\s+"
        + _NAME,
        _ASKED_TO_DO_PATTERN,  # "can you print my initials on the suitcase?": every mention in what is asked
    )
)

_WANTS_ANOTHER = re.compile(r"\b(?:outgrown|outgrew|replace|replacing|upgrade|upgrading|swap)\s+$", re.I)


def _owned_mentions(text: str) -> list[tuple[int, int]]:
    """Where the message names what the customer has or asks something done to (`_OWNED_MENTIONS`), in order."""
    spans = {
        match.span("name")
        for pattern in _OWNED_MENTIONS
        for match in pattern.finditer(text)
        if not _WANTS_ANOTHER.search(text[: match.start()])
    }
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


_NEEDS_A_THING_FOR = re.compile(
    r"\b(?:need|needs|want|looking for|after)\s+(?:some\s+|a\s+|an\s+|new\s+|any\s+)?(?P<name>[^\W\d_][\w'-]*)\s+"
    r"for\s+(?:my|the|our|his|her|a|an)\b",
    re.I,
)
# Someone of the shop's asked to do something to a product ("can your guys put the bed together?"), not whether it
_SOMEONE = r"\b(?:you|ye|u|someone|somebody|anyone|(?:your|the)\s+(?:\w+\s+)?(?:team|person|guys?|people|staff|crew))\b"
_THING = r"(?:it|them|the|this|that|my|our)\b"
# "do you put it on my reel for me?", "can you set it up for us?": something the shop is asked to do, which its
# pages answer (a service), whatever product it is done to
_A_FAVOUR = re.compile(
    rf"\b(?:do|can|could|will|would)\s+{_SOMEONE}\s+(?!(?:{_ASKING_VERBS}|ship|deliver|send|post)\b)(?P<doing>\w+)"
    r"(?:\s+[\w']+){0,6}?\s+for\s+(?:me|us)\b",
    re.I,
)
_PRICE_MATCH = "price matching"
_BUY_BACK = "buying second-hand items"
# Services no single word names: the phrases a page that offers (or refuses) them says
_SERVICE_PHRASES = {
    _PRICE_MATCH: ("price match", "price-match", "match prices", "match a price", "match any price", "match the price"),
    _BUY_BACK: tuple(
        "second-hand|second hand|secondhand|buy back|buy-back|buyback|trade-in|trade in|pre-owned|preloved".split("|")
    ),
}
# fits: each by the service's usual word (`same_service` has its other words)
_ASKED_OF_SOMEONE = tuple(
    (re.compile(rf"{_SOMEONE}(?:\s+\w+){{0,4}}?\s+(?:{doing})", re.I), service)
    for doing, service in (
        (
            rf"(?:fit|install|set up|mount|assemble|build)\s+{_THING}|set (?:it|them) up\b|"
            rf"put {_THING}(?:\s+\w+){{0,2}}\s+together\b",
            "assembly",
        ),
        (rf"(?:wash|clean|launder|dry clean)\s+{_THING}", "cleaning"),
        (rf"(?:value|valuate|appraise)\s+{_THING}", "valuation"),
        (rf"(?:wrap|pack)\s+{_THING}(?:\s+\w+){{0,3}}\s+(?:gift|present)", "wrapping"),
        (r"take\s+(?:\w+\s+){0,3}away\b|take away\b|(?:remove|dispose of|recycle)\s+" + _THING, "removal"),
        # "can you match it?", not "earrings that match it" (what goes with it)
        (
            r"price[- ]?match\w*|(?<!that )(?<!which )(?<!to )(?:match|beat)\s+(?:it|that|this|them|the(?:ir)? price|"
            r"prices?)\b",
            _PRICE_MATCH,
        ),
        (
            r"(?:buy|accept)\s+(?:back\s+|in\s+)?(?:(?:my|our|your|some)\s+)?"
            r"(?:second[- ]?hand|used|old|pre[- ]?owned|preloved)\b|buy\s+(?:\w+\s+)?back\b",
            _BUY_BACK,
        ),
    )
)
# "do you still have …?", "have you got it?", "any left?": whether it is in stock
_ASKS_IF_STOCKED = re.compile(
    r"\b(?:do|have) (?:you|u|ye|ya)(?: guys)? (?:still |currently )?(?:have|got|stock|carry)\b|"
    rf"\bstill (?:have|got)\b|\bany (?:left|in stock)\b|\b(?:{_HAVE_YOU_ABROAD})\b|"
    r"\b(?:is|are)\s+(?:the|it|they|this|that|these|those)\b[^?.!]*\b(?:in stock|available)\b",
    re.I,
)
_IS_IT = re.compile(r"\b(?:is|are)\s+(?:it|they|this|that|these|those)\b", re.I)  # a yes-no question about them
_WH_QUESTION = re.compile(r"\b(?:how|what|whats|what's|which|when|where)\b", re.I)
_DISCOUNT_TERMS = re.compile(r"\d+\s?% off|\bdiscount", re.I)  # a page that states a discount
_ASKS_DETAILS = re.compile(r"\b(?:tell me|more about|what'?s (?:it|that|the \w+ one) like|details|info)\b", re.I)
_ASKS_FOR_VARIANT = re.compile(r"\b(?:a|another|any|other)\s+(?:version|model|variant|edition)s?\b", re.I)
_ASKS_IF_ALLOWED = re.compile(r"\b(?:can|could|may) (?:i|we)\b", re.I)
# "a memory foam one", "any waterproof ones": one of the kind in focus, described
_ONE_OF_A_KIND = re.compile(r"\b(?:a|an|any|some)\s+(?:[\w-]+\s+){1,3}ones?\b", re.I)
_ANY_OTHER = re.compile(r"\b(?:any|some|an)\s*other\s+(?P<what>[^\W\d_][\w'-]*)", re.I)
_EITHER_OR = re.compile(r"\b(?:or|vs|versus)\b", re.I)
# "the biggest", "the most pages", "lightest": a ranking of all there is, not a comparison ("a size bigger")
_SUPERLATIVE = re.compile(r"\b(?:most|least|\w+est)\b(?<!\binterest)(?<!\bbest)", re.I)
_CORRECTS = re.compile(r"\b(?:i meant|i mean|what i meant|actually i|instead|rather)\b", re.I)
_ALTERNATIVE = re.compile(
    r"\b(?:anything|something|any(?:thing)? others?)\s+(?:similar|else|like (?:it|that|this))\b|\balternatives?\b|"
    r"\bwhat else (?:could|can|would) (?:i|we)\b",
    re.I,
)
# "is there a matching bed?", "which stroller can it click on to?", "is it compatible with ..."
_GOES_WITH_WORDS = r"go(?:es)? (?:well )?with|pairs? with"
_GOES_WITH = re.compile(
    rf"\b(match(?:ing|es)?|{_GOES_WITH_WORDS}|complements?|compatible|clicks? (?:on|in)(?:to)?|attach(?:es)? to)\b",
    re.I,
)
# "goes with" a thing named bare ("milk"), not "it", "the …" or "my …"
_GOES_WITH_A_THING = re.compile(
    rf"\b(?:{_GOES_WITH_WORDS})\s+(?!(?:it|this|that|these|those|them|the|my|our|a|an|your|one)\b)[a-z]", re.I
)
_HOW_MANY = re.compile(r"\b(two|three|2|3)\s+(?:of\s+the\s+)?\w+est\b", re.I)
REFERENCE_WORDS = frozenset(
    "it its this that those these them they both either each one ones first second third fourth fifth last "
    "number option choice item difference between about and also plus so ok compare vs versus two three".split()
)


def _ranked(products: list[Product], query: SpecQuery) -> list[Product]:
    """Best first by the query's attribute; products without a number for it are left out."""
    valued = [p for p in products if answers.spec_value(p, query.key) is not None]
    return sorted(valued, key=lambda p: answers.spec_value(p, query.key) or 0.0, reverse=query.direction == "max")


def _how_many(text: str) -> int | None:
    """ "the two cheapest" -> 2."""
    match = _HOW_MANY.search(text)
    return None if match is None else {"two": 2, "three": 3}.get(match.group(1).lower()) or int(match.group(1))


def _named_in(text: str) -> str | None:
    match = _NAMED_AFTER.search(text)
    if not match:
        return None
    name = match.group("name").strip(" ?!.,")
    words = tokens(name)
    return name if 0 < len(words) <= 5 and _could_be_a_name(name) else None


# Words a product's name never starts with: "got in stock", "carry with just a few clubs" name nothing
_NOT_A_NAME_START = frozenset("in on with without for from at to into of by than".split())


def _could_be_a_name(phrase: str) -> bool:
    """Whether a phrase found where a product's name would be ("do you have …", the NLU's product entity) can be
    one: not "in stock", not "with just a few clubs"."""
    words = tokens(phrase)
    return bool(words) and words[0] not in _NOT_A_NAME_START and not set(words) <= STOCK_WORDS | STOP_WORDS
