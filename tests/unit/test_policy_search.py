"""Choosing the policy section: similarity alone is not enough, word coverage decides."""

from dataclasses import replace

from knowledge.policy_search import Query, answer_first, asks_cost, idf, rank, readable_sentences, states_amount, stem
from knowledge.store import PolicyChunk

CONDITION = PolicyChunk(
    "returns",
    "Returns and Refunds",
    "Condition of returned products:\n- Signs of use beyond trying it may be deducted from the refund.",
    "returns.md",
    0.56,
)
REFUNDS = PolicyChunk(
    "returns",
    "Returns and Refunds",
    "Refunds:\nCard refunds usually appear within 5 business days after we check the returned product.",
    "returns.md",
    0.52,
)
INTRO = PolicyChunk(
    "shipping",
    "Shipping",
    "Orders placed before 14:00 leave the warehouse the same day; later orders leave the next business day.",
    "shipping.md",
    0.26,
)
DELIVERY = PolicyChunk(
    "shipping", "Shipping", "Delivery times:\n- Germany: 1–2 business days after dispatch.", "shipping.md", 0.36
)
OFFERS = PolicyChunk("payment", "Payment", "Payment methods:\nCards, PayPal and bank transfer.", "payment.md", 0.3)
NOT_OFFERED = PolicyChunk(
    "payment", "Payment", "What we do not offer:\n- No cryptocurrencies.\n- No cheques.", "payment.md", 0.41
)
ALL = [CONDITION, REFUNDS, INTRO, DELIVERY, OFFERS, NOT_OFFERED]


def best(question: str, similarity: float | None = None) -> str | None:
    """The top section; with `similarity`, every section is equally similar, so words decide."""
    chunks = ALL if similarity is None else [replace(c, similarity=similarity) for c in ALL]
    ranked = rank(Query.parse(question), chunks, idf(ALL))
    return ranked[0].text if ranked else None


def test_stems_join_word_forms():
    assert stem("shipping") == stem("shipped") == stem("ship")
    assert stem("returns") == stem("returned") == stem("return")


def test_the_section_whose_heading_answers_wins_over_a_more_similar_one():
    assert best("When will I get my money back after a return?") == REFUNDS.text


def test_a_phrase_and_full_coverage_beat_higher_similarity():
    assert best("What's the cut-off time for same-day dispatch?") == INTRO.text


def test_policy_vocabulary_links_customer_words_to_page_words():
    assert best("do you accept bitcoin?", similarity=0.4) == NOT_OFFERED.text


def test_a_section_sharing_only_a_common_word_is_not_an_answer():
    assert best("Do you offer gift wrapping?", similarity=0.3) is None
    assert best("Is there a loyalty programme?", similarity=0.5) is None


def test_cost_questions_need_a_stated_amount():
    assert asks_cost("How much does shipping cost?")
    assert asks_cost("what does express delivery cost")
    assert not asks_cost("are there customs fees for Switzerland?")
    assert states_amount("Orders under 50.00 EUR: 4.90 EUR within Germany.")
    assert states_amount("Standard shipping is free.")
    assert not states_amount("Shipping times are set per product, from overnight to 1 month.")


def test_policy_text_is_read_as_plain_sentences():
    text = (
        "Shipping costs:\n| Option | Cost | Time |\n|---|---|---|\n| **Standard** | £4.95 | 3 days |\n"
        "- Orders over **£50** ship free. We pack the same day."
    )
    assert readable_sentences(text) == [
        "Shipping costs Standard: £4.95, 3 days",
        "Orders over £50 ship free.",
        "We pack the same day.",
    ]


def test_the_sentence_that_answers_comes_first_and_nothing_is_dropped():
    chunk = PolicyChunk(
        "returns",
        "Returns",
        "Conditions:\n- Items must be unused and in their box.\n- You can return anything within 45 days of delivery.",
        "returns.md",
        0.8,
    )
    ordered = answer_first("can I return it if I don't like it?", [chunk], {})
    assert ordered == [
        "You can return anything within 45 days of delivery.",
        "Items must be unused and in their box.",
    ]


def test_a_how_long_question_is_answered_by_a_sentence_with_a_period_first():
    from knowledge.policy_search import answer_first, idf
    from knowledge.store import PolicyChunk

    page = (
        "Returns:\nYou can return any item within 21 days of delivery.\n"
        "Made-to-order items, including sofas in a custom fabric, cannot be returned unless they are faulty.\n"
    )
    chunks = [PolicyChunk("returns", "Returns", page, "returns.md#returns", 0.6)]
    first = answer_first("how long do i have to return a sofa?", chunks, idf(chunks))
    assert first[0] == "You can return any item within 21 days of delivery."
    assert "Made-to-order" in first[1]  # nothing lost: the clause about sofas follows


def test_a_follow_up_that_carries_on_reads_the_figure_for_the_place_it_names_first():
    shipping = PolicyChunk(
        "shipping",
        "Shipping",
        "We ship from Rotterdam to the Netherlands, Germany and Austria.\n"
        "| Country | Cost |\n|---|---|\n| Netherlands | €4.95 |\n| Germany, Austria | €7.95 |",
        "shipping.md",
        0.5,
    )
    table = idf([shipping])
    assert "7.95" in answer_first("and austria?", [shipping], table, carries_on=True)[0]
    assert "7.95" not in answer_first("do you ship to austria?", [shipping], table)[0]


def test_a_guarantee_question_reads_the_period_first():
    warranty = PolicyChunk(
        "warranty",
        "Guarantee",
        "Not covered: office chairs used by someone heavier than their maximum load.\n"
        "Office chairs: a 3-year guarantee, including the gas lift.",
        "warranty.md",
        0.5,
    )
    first = answer_first("whats the guarantee on office chairs", [warranty], idf([warranty]))[0]
    assert first.startswith("Office chairs: a 3-year guarantee")


def test_amounts_with_the_currency_first_are_amounts():
    for said in ("delivered to your door for **NOK 349**", "a courier collects it for R250", "fitting costs ₹799"):
        assert states_amount(said), said
    assert not states_amount("we deliver in 3 working days")


def test_how_much_a_service_costs_is_answered_by_the_amount_under_its_heading():
    promises = PolicyChunk(
        "cover",
        "Cover",
        "Our own promises:\nPots cracked by frost within 3 winters are replaced for free.",
        "c.md",
        0.5,
    )
    service = PolicyChunk(
        "cover",
        "Cover",
        "Winter service:\nWe service mowers from October.\n- Petrol machines: NOK 690.\n- Battery machines: NOK 390.",
        "c.md",
        0.5,
    )
    question = "can you service my petrol mower over the winter? what does it cost"
    table = idf([promises, service])
    assert answer_first(question, [promises, service], table)[0] == "Petrol machines: NOK 690."


def test_amounts_with_a_short_currency_after_them_are_amounts():
    for said in ("take your old mattress away for **5,990 Ft**", "a new strap for 120 Kč", "R$ 60 a day"):
        assert states_amount(said), said


def test_a_cost_question_in_the_customers_own_language_asks_for_an_amount():
    assert asks_cost("cuánto cuesta el envío a la paz?")
    assert asks_cost("how much is shipping?")
    assert not asks_cost("do you ship to la paz?")
