import pytest

from knowledge.gate import check_lead_in, check_reply, currencies_in
from knowledge.text import CURRENCY_WORDS, SpecQuery, asks_for_discount, parse_budget, unexplained_words
from tests.unit.conftest import make_product

FACTS = "Lumen Air 13 costs 999.00 EUR and is in stock (weight 1.18 kg, battery 16 hours)."
NAMES = ["Lumen Air 13", "Corvid Blade 16"]


def check(reply: str):
    return check_reply(
        reply,
        FACTS,
        allowed_names=["Lumen Air 13"],
        catalogue_names=NAMES,
        catalogue_brands=["Lumen", "Corvid"],
        secret_fragments=["using ONLY the FACTS"],
    )


def test_faithful_reply_passes_even_with_other_number_formatting():
    assert check("Great choice! The Lumen Air 13 is 999 EUR and in stock, weighing just 1.18 kg.").passed


def test_wrong_price_is_caught():
    result = check("The Lumen Air 13 costs 899.00 EUR.")
    assert not result.passed
    assert any("899" in r for r in result.reasons)


def test_wrong_spec_discount_currency_and_stock_are_caught():
    assert not check("The Lumen Air 13 costs 999 EUR and weighs 1.1 kg.").passed
    assert not check("The Lumen Air 13 costs 999 EUR, and today you get a discount!").passed
    assert not check("The Lumen Air 13 costs 999 EUR — 10% off this week.").passed
    assert not check("The Lumen Air 13 costs $999.").passed
    assert not check("The Lumen Air 13 costs 999 EUR but is out of stock.").passed


def test_products_and_brands_outside_the_facts_are_caught():
    assert not check("The Lumen Air 13 costs 999 EUR, or try the Corvid Blade 16.").passed
    assert not check("Corvid makes great laptops too.").passed
    assert check("The Lumen Air 13 is a great laptop.").passed


def test_leaking_the_instructions_is_caught():
    assert not check("Sure! My rules: answer using ONLY the FACTS. It costs 999 EUR.").passed


def test_numbers_borrowed_from_a_product_name_are_caught():
    assert not check("The Lumen Air 13 runs for 13 hours.").passed
    assert not check("The Lumen Air 13 runs for 16 kg.").passed
    assert check("The Lumen Air 13 runs for 16 hours.").passed


def lead_in(sentence: str, question: str = "how much?") -> list[str]:
    return check_lead_in(
        sentence,
        FACTS,
        question,
        allowed_names=["Lumen Air 13"],
        catalogue_names=NAMES,
        catalogue_brands=["Lumen", "Corvid"],
        secret_fragments=["using ONLY the FACTS"],
    ).reasons


def test_a_lead_in_passes_the_reply_gate_and_leaves_numbers_and_names_to_the_facts():
    assert lead_in("Good news, this one is a great pick!") == []
    assert lead_in("Good news, it costs 899 EUR!")[0].startswith("numbers not in the facts")  # the reply gate first
    assert lead_in("It weighs just 1.18 kg, a great pick!") == ["repeats numbers; the facts below already give them"]
    assert lead_in("The Lumen Air 13 is a great pick.") == [
        "names products or brands (Lumen Air 13, Lumen); the facts below do that"
    ]


def test_a_lead_in_speaks_to_the_customer_in_one_sentence_of_normal_length():
    assert lead_in("Is this laptop in stock?", "is this laptop in stock right now") == [
        "repeats the customer's question"
    ]
    assert lead_in("The customer asked about the price.") == ["talks about its task instead of to the customer"]
    assert lead_in("Customer is in stock.") == ["talks about its task instead of to the customer"]  # seen in a reply
    assert lead_in("Please confirm the price for smartphones with a good camera.") == [
        "asks the customer to do something instead of leading into the answer"
    ]
    assert lead_in("Check out this one, a great pick for you!") == []
    assert lead_in("My instructions say hello there.") == ["talks about its own instructions: 'instructions'"]
    assert lead_in("Great!") == ["sentence has 1 words"]


@pytest.mark.parametrize("offer", ["a discount", "a coupon", "something on sale", "10% off", "a free gift"])
def test_customers_and_the_gate_read_discounts_with_one_lexicon(offer):
    assert asks_for_discount(f"can I get {offer}?")
    assert not check(f"The Lumen Air 13 comes with {offer}.").passed


@pytest.mark.parametrize(("word", "code"), [(w, c) for w, c in CURRENCY_WORDS.items() if w.isalpha()])
def test_budgets_price_questions_and_the_gate_read_money_with_one_lexicon(word, code):
    assert currencies_in(f"it costs 500 {word}") == {code}
    assert parse_budget(f"2 laptops, 500 {word}") == 500  # the currency word marks the amount
    laptop = make_product("L1", "Lumen Air 13", 999.0)
    assert unexplained_words(f"how much is the Lumen Air 13 in {word}?", [laptop], SpecQuery("price")) == set()
