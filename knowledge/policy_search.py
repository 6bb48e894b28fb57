"""Choosing the policy section that answers a question.

Dense similarity alone often ranks the wrong section of the right page first ("cut-off time for
same-day dispatch" lands on "Delivery times"), and it happily returns a section that shares a
topic but not the answer ("how much does shipping cost?" on a page that states no costs). So
sections are ranked by similarity plus a lexical score (IDF-weighted word and phrase overlap),
and a section must share at least one meaningful word with the question to count at all.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.store import PolicyChunk
from knowledge.text import (
    CURRENCY,
    GENERAL_WORDS,
    STOP_WORDS,
    asks_how_much,
    content_words,
    edit_distance,
    matches_word,
    singular,
    stem,
    tokens,
)

# How much word coverage and shared phrases (0..1 each) weigh against cosine similarity.
LEXICAL_WEIGHT = 0.5
# A section must be at least this similar, and similarity + LEXICAL_WEIGHT × coverage must
# reach MIN_SCORE (on both evaluation shops answerable questions score ≥ 0.6, unanswerable ≤ 0.4).
MIN_SIMILARITY = 0.2
MIN_SCORE = 0.55
# Weight of a question word that no section uses ("gift", "loyalty"): it counts against coverage.
ABSENT_WORD_WEIGHT = 2.0

# Shop-independent vocabulary: a customer's word and the words a policy page uses for it.
CONCEPTS: dict[str, frozenset[str]] = {
    "bitcoin": frozenset({"cryptocurrency", "crypto"}),
    "btc": frozenset({"cryptocurrency", "crypto"}),
    "ethereum": frozenset({"cryptocurrency", "crypto"}),
    "crypto": frozenset({"cryptocurrency"}),
    "currency": frozenset({"dollar", "euro", "usd", "eur", "gbp", "pound", "franc", "chf", "sek", "nok", "dkk"}),
    "cutoff": frozenset({"before"}),
    "money": frozenset({"refund"}),
    "deadline": frozenset({"before", "within"}),
    "refund": frozenset({"return", "money"}),
    "return": frozenset({"refund", "sent"}),  # "can be sent back within 35 days"
    "send": frozenset({"ship", "deliver", "dispatch"}),
    "post": frozenset({"ship", "deliver", "courier", "postage"}),  # "would you post it to ...?"
    "drop": frozenset({"ship", "deliver", "van"}),  # "can you drop it out to me?"
    "myself": frozenset({"collect", "collection"}),  # "can i pick it up myself?"
    "deliver": frozenset({"ship", "dispatch"}),
    "dispatch": frozenset({"ship", "leave"}),
    "guarantee": frozenset({"warranty", "garantia"}),
    "warranty": frozenset({"guarantee", "garantia"}),
    "pay": frozenset({"payment", "card"}),
    "paypal": frozenset({"payment"}),
    "instalment": frozenset({"financing", "installment"}),
    "installment": frozenset({"financing", "instalment"}),
    "spread": frozenset({"instalment", "installment", "interest"}),  # "can i spread the cost?"
    "emi": frozenset({"instalment", "installment"}),
    "rent": frozenset({"hire", "rental"}),  # "can i rent one first?" of a page that hires boards out
    "rental": frozenset({"hire", "rent"}),
    "fee": frozenset({"cost", "charge", "free"}),
    "charge": frozenset({"cost", "fee", "free"}),
    "cost": frozenset({"fee", "charge", "free"}),
}

# "How much is shipping?", "what does express cost?" — not "are there customs fees?" (a yes/no).
_COST_QUESTION = re.compile(
    r"\bwhat (does|do|is|are|will)\b.{0,40}\b(cost|costs|charge|fee)\b|\b(cost|price) of\b", re.I
)
# "12 EUR", "€12", "NOK 349", "R250", "₹799", "free"
_AMOUNT = re.compile(
    r"(?i:\d[\d.,]*\s*(%|[A-Z]{3}\b))|[$€£¥₹]\s*\d|\b(?:[A-Z]{3}|R|Rs\.?|kr\.?)\s?\d|"
    r"\d[\d.,]*\s?[A-Z][a-zł]{1,2}\b|"  # "5,990 Ft", "120 Kč", "40 zł"
    r"(?i:\bfree\b|\bno charge\b|\bat no cost\b)"
)

_AMOUNT_IN_CURRENCY = re.compile(rf"\d\s*(?:{CURRENCY.pattern})", re.I)  # "5,990 forints", "60 reais"


def asks_cost(question: str) -> bool:
    return asks_how_much(question) or bool(_COST_QUESTION.search(question))  # "how much", "cuánto cuesta"


def states_amount(text: str) -> bool:
    """Does the text give an amount or say something is free? Only then can it answer "how much"."""
    return bool(_AMOUNT.search(text) or _AMOUNT_IN_CURRENCY.search(text))


# Words a policy question shares with any page by chance ("pay it off over a few weeks", "taken off your refund")
_FILLER = frozenset("off over few lot bit".split())


@dataclass(frozen=True)
class Query:
    """The meaningful words of a policy question: per word, its stem and the stems of the words
    policy pages use for it ("bitcoin" → "cryptocurrency")."""

    words: tuple[frozenset[str], ...]
    phrases: frozenset[tuple[str, str]]

    @classmethod
    def parse(cls, question: str, ignore: Iterable[str] = ()) -> Query:
        ignored = {stem(w) for w in ignore}
        text = re.sub(r"\bcut[- ]off\b", "cutoff", question.lower())
        words = sorted(
            {w for w in content_words(text) - GENERAL_WORDS - _FILLER if len(w) > 2 and stem(w) not in ignored}
        )
        groups = tuple(frozenset({stem(w)} | {stem(alt) for alt in CONCEPTS.get(singular(w), ())}) for w in words)
        return cls(groups, frozenset(_phrases(text)))


def rank(query: Query, chunks: list[PolicyChunk], idf_table: dict[str, float]) -> list[PolicyChunk]:
    """Sections that answer the question, best first.

    Score: similarity plus the IDF-weighted share of the question's words the section covers
    (in its text and in its heading) and shared phrases. A section sharing only a common word
    ("offer" for "do you offer gift wrapping?") stays below MIN_SCORE, so the answer is "I don't know".
    """
    if not query.words:
        return []
    weights = [max(idf_table.get(s, 0.0) for s in group) or ABSENT_WORD_WEIGHT for group in query.words]
    scored = []
    for chunk in chunks:
        coverage = _coverage(query, weights, stems_of(chunk.text))
        if chunk.similarity < MIN_SIMILARITY or coverage == 0:
            continue
        in_heading = _coverage(query, weights, stems_of(heading(chunk)))
        phrases = len(query.phrases & _phrases(chunk.text)) / max(len(query.phrases), 1)
        score = chunk.similarity + LEXICAL_WEIGHT * (coverage + in_heading + phrases)
        if chunk.similarity + LEXICAL_WEIGHT * coverage >= MIN_SCORE:
            scored.append((score, chunk))
    scored.sort(key=lambda pair: pair[0], reverse=True)
    return [chunk for _, chunk in scored]


def sharing_words_first(query: Query, chunks: list[PolicyChunk], cues: Iterable[str] = ()) -> list[PolicyChunk]:
    """The sections in their order, those that have more of the question's words (or their synonyms) first; the
    words that only name the page (its `cues`: "warranty" on the warranty page) don't count."""
    page_words = {stem(c) for c in cues if " " not in c}
    words = [group for group in query.words if not group <= page_words]
    return sorted(chunks, key=lambda chunk: -sum(bool(group & stems_of(chunk.text)) for group in words))


def shares_a_word(query: Query, chunk: PolicyChunk) -> bool:
    return any(group & stems_of(chunk.text) for group in query.words)


def headed_by_what_is_asked(query: Query, chunks: list[PolicyChunk]) -> list[PolicyChunk]:
    """The sections in their order, those whose heading says a word of the question first: on a page of two
    kinds, "Garantía" for "the warranty?" before "Changed your mind"."""
    return sorted(chunks, key=lambda chunk: -sum(bool(group & stems_of(heading(chunk))) for group in query.words))


def _coverage(query: Query, weights: list[float], stems: set[str]) -> float:
    covered = sum(w for group, w in zip(query.words, weights, strict=True) if group & stems)
    return covered / sum(weights)


def heading(chunk: PolicyChunk) -> str:
    """A section's heading (the store writes "Heading:" on its first line), else the page title."""
    first, _, rest = chunk.text.partition("\n")
    return first if rest and first.endswith(":") else chunk.title


def stems_of(text: str) -> set[str]:
    return {stem(w) for w in content_words(text)}


def _phrases(text: str) -> set[tuple[str, str]]:
    """Adjacent pairs of meaningful words ("same day", "return period")."""
    words = [stem(w) for w in tokens(text) if w not in GENERAL_WORDS and w not in STOP_WORDS]
    return set(itertools.pairwise(words))


def idf(chunks: list[PolicyChunk]) -> dict[str, float]:
    """Inverse document frequency of each word stem over all policy sections (built once per catalogue)."""
    counts: dict[str, int] = {}
    for chunk in chunks:
        for s in stems_of(chunk.text):
            counts[s] = counts.get(s, 0) + 1
    n = len(chunks)
    return {s: math.log(1 + n / c) for s, c in counts.items()}


# Usual words for the usual policy pages: a page whose name (topic) matches one of a group's stems is
# what a message with any stem of that group is about ("can I send it back?" -> "returns").
TOPIC_WORDS: tuple[tuple[str, ...], ...] = (
    (
        "return",
        "refund",
        "exchange",
        "send back",
        "send it back",
        "sending back",
        "sent back",
        "sending it back",
        "take it back",
        "bring back",
        "money back",
        "cooling off",
        "change mind",
        "not happy",
        "don t like",  # "what if it arrives and i don't like it?" (as its words: "don", "t")
        "dont like",
        "do not like",
        "swap",  # "it's the wrong colour, can i swap it?"
        "go back",  # "if i don't use them, can they go back?"
        "give back",
        "hate it",  # "and if i decide i hate it?"
        "wrong size",
        "wrong colour",
        "wrong color",
        "change it for",  # "can i change it for a bigger one?"
        "change them for",
        # the page's name in the shop's own language: Spanish, Portuguese, French, German
        *("devolu", "cambio", "cambios", "arrepentimiento", "troca", "retour", "ruckgabe", "umtausch", "widerruf"),
    ),
    (
        "shipping",
        "ship",
        "delivery",
        "deliver",
        "dispatch",
        "postage",
        "courier",
        "tracking",
        "pick up",
        "click and collect",
        "collect it",
        "post it",
        "post to",
        "posting",
        "drop off",
        "drop out",
        "arrive",
        "send to",  # "do you send boards to recife?", "how much to send it there?"
        "send there",
        "bring to",  # "can you bring it out to my place?"
        "bring out",
        # in the shop's own language: Spanish, Portuguese, French, German, Italian, Korean
        *("envio", "entrega", "retiro", "frete", "livraison", "versand", "lieferung", "spedizion", "consegna"),
        "taekbae",
    ),
    (
        "warranty",
        "guarantee",
        "repair",
        "broken",
        "breaks",
        "snaps",
        "snapped",
        "defect",
        "faulty",
        "servic",
        "complain",
        "garanti",  # garantía, garantia, garantie
        *("fix it", "fix that", "fix this", "fix them", "fix my", "fix the"),  # "fix" alone starts "fixed price"
    ),
    (
        *("payment", "pay", "instalment", "installment", "financ", "credit card", "paypal", "klarna", "invoice"),
        "spread cost",
        "layaway",
        "lay by",
        "cash on delivery",
        "interest free",  # "0% interest" is said as "0 interest"; "interested in" is no payment question
        "0 interest",
        "no interest",
        "zero interest",
        # in the shop's own language: Spanish, Portuguese, French, German, Italian
        *("pago", "pagos", "cuotas", "pagamento", "parcelamento", "paiement", "zahlung", "pagament"),
    ),
    ("privacy", "personal data", "gdpr"),
    ("contact", "opening hours", "phone number", "email address", "store address"),
)


# The usual words of every kind of page, whole words only ("warranty", "delivery"): a typo of one is read as it.
TOPIC_WORD_SET = frozenset(cue for group in TOPIC_WORDS for cue in group if " " not in cue and len(cue) >= 6) | {
    "warranty",
    "guarantee",
    "delivery",
    "shipping",
    "returns",
    "refund",
    "payment",
    "exchange",
}
MIN_MENTIONS = 2  # a page that uses a kind's usual words this often (and more than any other page) is that kind


def topic_cues(pages: dict[str, str], product_words: Iterable[str] = ()) -> dict[str, frozenset[str]]:
    """Per policy page (its topic name -> its text), the words that say a message is about it: the start of its
    name (not one of `product_words`, `_name_cue`) and the usual words of the usual kinds of page it is
    (TOPIC_WORDS). A page is of every kind a word of its name names ("refunds-nib-swaps-and-warranty": returns and
    warranty; "shipping-and-paying": shipping and payment). A page is also of each kind its text talks about,
    unless another page's name names that kind or another page talks about it more ("money-back" and
    "changed-your-mind" pages are about returns, "getting-it-home" about delivery, "trocas-defects-and-garantia"
    about warranty by its name and returns by its text, "blik-raty-nfz-and-delivery" about payment too)."""
    named = {topic: _kinds_named(topic) for topic in pages}
    mentions = {topic: [_mentions(text.lower(), group) for group in TOPIC_WORDS] for topic, text in pages.items()}
    most = {topic: max(range(len(TOPIC_WORDS)), key=counts.__getitem__) for topic, counts in mentions.items()}
    cues = {}
    for topic in pages:
        kinds = set(named[topic])
        others = [page for page in pages if page != topic]
        for kind, said in enumerate(mentions[topic]):
            if said < MIN_MENTIONS or any(kind in named[page] for page in others):
                continue
            if kind == most[topic]:  # the kind it talks about most: unless a page of that kind talks about it more
                rivals = [mentions[page][kind] for page in others if most[page] == kind]
            else:  # another kind it talks about ("blik-raty-nfz-and-delivery": payment): more than any other page
                rivals = [mentions[page][kind] + 1 for page in others]
            if all(said >= rival for rival in rivals):
                kinds.add(kind)
        usual = (cue for kind in kinds for cue in TOPIC_WORDS[kind])
        cues[topic] = frozenset({_name_cue(topic, product_words), *_name_phrases(topic, product_words), *usual})
    return cues


def _name_phrases(topic: str, product_words: Iterable[str] = ()) -> set[str]:
    """The two last words that mean something of each part of a page's name ("menzei-tax-free-and-paying": "tax
    free"; "rentals-and-reel-service": "reel service"), unless both are words many products use."""
    products = {singular(w) for w in product_words}
    phrases = set()
    for part in re.split(r"\band\b", " ".join(tokens(topic))):
        meaning = [w for w in part.split() if w not in STOP_WORDS and w not in GENERAL_WORDS and not w.isdigit()]
        if len(meaning) >= 2 and not {singular(w) for w in meaning[-2:]} <= products:
            phrases.add(" ".join(meaning[-2:]))
    return phrases


def _kinds_named(topic: str) -> set[int]:
    """The kinds of page (TOPIC_WORDS) the words of a page's name name: "care-and-repairs" is a warranty page."""
    words = {w for w in tokens(topic) if w not in STOP_WORDS}
    return {
        i
        for i, group in enumerate(TOPIC_WORDS)
        for cue in group
        if " " not in cue and any(w.startswith(cue) for w in words)  # "paying" is "pay"; "installation" no "instalment"
    }


def _mentions(text: str, cues: tuple[str, ...]) -> int:
    return sum(len(re.findall(rf"\b{re.escape(cue)}", text)) for cue in cues)


def cue_pattern(cue: str) -> str:
    """A cue at a word start; a two-word cue may have two words inside it ("send a guitar back")."""
    first, _, last = cue.partition(" ")
    if last and " " not in last:
        return rf"\s{re.escape(first)}(?:\s\w+){{0,2}}\s{re.escape(last)}"
    return rf"\s{re.escape(cue)}"


def find_topic(text: str, cues: dict[str, frozenset[str]]) -> str | None:
    """The one policy topic (page name) the text is about, by the page's cues (`topic_cues`)."""
    found = topics_named(text, cues)
    return found.pop() if len(found) == 1 else None


def topics_named(text: str, cues: dict[str, frozenset[str]]) -> set[str]:
    """The policy topics whose cues the text says, narrowed to one where a phrase or a page's name decides."""
    said = tokens(text)
    lowered = " " + " ".join(said) + " "
    found = {t for t, words in cues.items() for cue in words if re.search(cue_pattern(cue), lowered)}
    if not found:  # "warrenty", "guarentee": a typo of a one-word cue of 6 letters or more, read as the cue
        one_word = sorted({cue for words in cues.values() for cue in words if len(cue) >= 6 and " " not in cue})
        corrected = [next((cue for cue in one_word if _typo_of(cue, w)), w) for w in said]
        lowered = " " + " ".join(corrected) + " "
        found = {t for t, words in cues.items() for cue in words if re.search(cue_pattern(cue), lowered)}
    if len(found) > 1:  # "do i pay to send it back?", "is cash on delivery ok?": a phrase says more than a word
        phrased = {t for t in found for cue in cues[t] if " " in cue and re.search(cue_pattern(cue), lowered)}
        found = phrased if len(phrased) == 1 else found
    if len(found) > 1:  # two warranty pages: the one whose name the message says ("guarantee" → "guarantees-…")
        found = {t for t in found if re.search(cue_pattern(_name_cue(t)), lowered)} or found
    if len(found) > 1:  # "a full service on my reel": the page with "service" in its name
        said_stems = {stem(w) for w in said if len(w) >= 4 and w not in STOP_WORDS}
        naming = {t for t in found if {stem(w) for w in tokens(t)} & said_stems}
        found = naming if len(naming) == 1 else found
    if len(found) > 1:  # "the warranty?": the "…-and-garantia" page, more than the "…-reel-service" one
        plainly = {t for t in found if _names_plainly(t) & _kinds_said(lowered)}
        found = plainly if len(plainly) == 1 else found
    return found


# The words that name a kind of page plainly (a "reel-service" page is a warranty page too, less plainly)
_PLAIN_KIND_WORDS = frozenset(
    "return refund exchange shipping delivery deliver warranty guarantee garanti payment pay privacy contact".split()
)


def says_a_kind_of_page(text: str) -> bool:
    """Whether the text says a usual word of a usual kind of page ("returns", "deliver", "warranty", …)."""
    return bool(_kinds_said(" " + " ".join(tokens(text)) + " "))


def _kinds_said(lowered: str) -> set[int]:
    return {i for i, group in enumerate(TOPIC_WORDS) if any(re.search(cue_pattern(cue), lowered) for cue in group)}


def _names_plainly(topic: str) -> set[int]:
    words = tokens(topic)
    plain = {p for w in words for p in _PLAIN_KIND_WORDS if w.startswith(p)}
    return {i for i, group in enumerate(TOPIC_WORDS) if plain & set(group)}


def _typo_of(cue: str, word: str) -> bool:
    """One letter wrong, missing or extra ("guarentee", "delivry"), in no everyday word: "taking" is no
    "tracking"."""
    near = word != cue and abs(len(word) - len(cue)) <= 1
    return near and matches_word(cue, {word}) and edit_distance(cue, word) <= 1


def _name_cue(topic: str, product_words: Iterable[str] = ()) -> str:
    """The start of a page's name, the cue every page has (`topic_cues`): of its first word that means something
    ("how-to-pay": "pay"), so a cue never ends inside a phrase ("how t" would match "how high do the …"). A number
    or a word many products use is no cue: "board-hire" is "hire" (a question about boards asks nothing of it),
    "100-night-trial" is "night"."""
    words = tokens(topic)
    usual = {cue for group in TOPIC_WORDS for cue in group}
    products = {singular(w) for w in product_words} - usual
    meaning = [w for w in words if w not in STOP_WORDS | GENERAL_WORDS | _NO_NAME_CUE] or words or [topic.lower()]
    named = [w for w in meaning if not w[0].isdigit() and singular(w) not in products]
    return singular((named or meaning)[0])[:5]


# "over-18s-and-id-on-delivery": "over" is said of budgets ("nothing over 250"), it names no page
_NO_NAME_CUE = frozenset("over under above below after before".split())


MAX_ANSWER_SENTENCES = 3  # the sentences that answer, first
HEADING_SHARE = 0.5  # how much a section heading's words count for each of its sentences
MAX_POLICY_SENTENCES = 10  # in all, the rest of the sections after them
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9*])")
_TABLE_RULE = re.compile(r"^\|?[\s:|-]+\|?$")
# "how long…?", and what a guarantee or warranty question wants to know first: for how long
_WANTS_FIGURE = re.compile(r"\b(how (long|much|many|soon|fast)|when|guarantee|warranty|warranties)\b", re.I)
# "can i send it back?" is answered by the period ("within 35 days"), unless a clause fits it better ("knives that
# have been used can't be returned" for "can i return a knife i have used?")
_ASKS_IF_RETURNABLE = re.compile(r"\b(?:can|could|may) (?:i|we) (?:return|send)\b", re.I)
_FIGURE_BONUS = {False: 0.1, True: 0.3}
_FIGURE = re.compile(r"\d|\b(free|one|two|three|four|five|six|seven|ten|twelve|thirty)\b", re.I)


_NAME_OF_WORDS = re.compile(r"\b[A-ZÀ-Ý][^\W\d_]+(?: [A-ZÀ-Ý][^\W\d_]+){1,3}\b")


def initialisms(texts: Iterable[str]) -> dict[str, str]:
    """The names of three or four capitalised words the pages use, by their initials, where only one name has
    them: {"bcs": "baja california sur", "nsw": "new south wales"}. Customers write places and services short."""
    names: dict[str, set[str]] = {}
    for text in texts:
        for found in _NAME_OF_WORDS.findall(text):
            words = found.lower().split()
            while words and words[0] in STOP_WORDS:  # "The Bahía Travel" at a sentence's start
                words = words[1:]
            if len(words) >= 3:  # two letters ("es", "oh") are too often a word
                names.setdefault("".join(w[0] for w in words), set()).add(" ".join(words))
    return {
        short: next(iter(found))
        for short, found in names.items()
        if len(found) == 1 and short not in STOP_WORDS and short not in GENERAL_WORDS
    }


def readable_sentences(text: str) -> list[str]:
    """A policy section as plain sentences: Markdown emphasis and headings gone, table rows as
    "Heading, Option: cost, time", bullets and lines split into sentences."""
    sentences: list[str] = []
    heading = ""
    for raw in text.splitlines():
        line = re.sub(r"[*_`#]+", "", raw).strip(" -•\t")
        if not line or _TABLE_RULE.match(line):
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|") if c.strip()]
            if cells and cells[0].lower() in {"option", "method", "item", "product", "country", "service"}:
                continue  # the table's own header row
            line = f"{heading} {cells[0]}: {', '.join(cells[1:])}".strip() if cells else ""
        elif line.endswith(":") and len(line) < 60:
            heading = line[:-1]
            continue
        sentences.extend(s.strip() for s in _SENTENCE_END.split(line) if len(s.strip()) > 2)
    return sentences


def answer_first(
    question: str,
    chunks: list[PolicyChunk],
    idf_table: dict[str, float],
    *,
    sections_in_order: bool = False,
    carries_on: bool = False,
) -> list[str]:
    """The sentences of these sections that answer the question, best first (a customer asking "can I
    return it if I don't like it?" reads the return period first, not the conditions), then the rest of the
    sections. With `sections_in_order` the first section's best sentences come first whatever the others
    score (its section was chosen for the product in focus). A question that `carries_on` with the last
    answer ("and to austria?") wants the figure that differs: the price or time for Austria."""
    query = Query.parse(question)
    sentences = [(rank, s) for rank, chunk in enumerate(chunks) for s in readable_sentences(chunk.text)]
    if not query.words or not sentences:
        return [s for _, s in sentences[:MAX_ANSWER_SENTENCES]]
    weights = [max(idf_table.get(s, 0.0) for s in group) or ABSENT_WORD_WEIGHT for group in query.words]
    # A sentence with a figure (a period, an amount) settles a question more often; "how much/long …?" needs one.
    wants_figure = carries_on or asks_cost(question) or bool(_WANTS_FIGURE.search(question))
    figure_bonus = _FIGURE_BONUS[wants_figure or bool(_ASKS_IF_RETURNABLE.search(question))]
    # "how long do I have to return a sofa?" is answered by a period ("within 21 days"), not by the clause that
    # shares the most words ("made-to-order sofas cannot be returned"): sentences with a figure come first
    # a bullet under "Winter service" is about winter service: its section's heading counts for it, a little
    headings = [HEADING_SHARE * _coverage(query, weights, stems_of(heading(chunk))) for chunk in chunks]
    # "what does it cost?" is answered by an amount ("Petrol machines: NOK 690"), whatever its words
    cost = [w for group, w in zip(query.words, weights, strict=True) if "cost" in group] if asks_cost(question) else []
    scored = []
    for i, (chunk_rank, s) in enumerate(sentences):
        stems = stems_of(s)
        coverage = _coverage(query, weights, stems) + headings[chunk_rank]
        if cost and "cost" not in stems and "fee" not in stems and states_amount(s):
            coverage += sum(cost) / sum(weights)
        figure = bool(_FIGURE.search(s))
        scored.append(
            (
                -chunk_rank if sections_in_order else 0,
                wants_figure and figure and coverage > 0,
                coverage + (figure_bonus if figure else 0.0),
                -chunk_rank,
                -i,
                s,
            )
        )
    best = [s for _, _, score, _, _, s in sorted(scored, reverse=True) if score > 0][:MAX_ANSWER_SENTENCES]
    # Then the rest of the sections, in their own order: the answer first, nothing of it lost.
    rest = [s for _, s in sentences if s not in best]
    return (best + rest)[:MAX_POLICY_SENTENCES]
