import pytest

from knowledge.gate import check_reply, currencies_in
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
