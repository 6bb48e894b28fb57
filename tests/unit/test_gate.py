import pytest

from knowledge.answers import CustomerContext, compare, lookup, recommend
from knowledge.gate import check_reply, check_written, currencies_in
from knowledge.references import FactSheet
from knowledge.text import CURRENCY_WORDS, SpecQuery, asks_for_discount, parse_budget, unexplained_words
from tests.unit.conftest import make_product

FACTS = "Lumen Air 13 costs 999.00 EUR and is in stock (weight 1.18 kg, battery 16 hours)."
NAMES = ["Lumen Air 13", "Corvid Blade 16"]
LAPTOPS = [
    make_product("L1", "Lumen Air 13", 999.0, weight_kg=1.18, battery_hours=16.0),
    make_product("L2", "Corvid Blade 16", 1899.0, weight_kg=2.3, battery_hours=6.0),
    make_product("L3", "Nimbus Stratus 15", 549.0, weight_kg=1.74, battery_hours=10.0),
]


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


def written(text: str, answer=None, question: str = "how much?") -> list[str]:
    """The gate's reasons for a reply the model wrote with references."""
    answer = answer or lookup([LAPTOPS[0]], SpecQuery("price"))
    sheet = FactSheet(answer.products, CustomerContext(use_case="travel"))
    return check_written(
        text, answer, sheet, question, catalogue=LAPTOPS, secret_fragments=["only as the {references}"]
    )[1].reasons


def test_a_written_reply_passes_when_every_fact_comes_through_a_reference():
    answer = lookup([LAPTOPS[0]], SpecQuery("price"))
    filled, result = check_written(
        "The {1.name} costs {1.price} and is {1.stock}.",
        answer,
        FactSheet(answer.products, CustomerContext()),
        "how much?",
        catalogue=LAPTOPS,
        secret_fragments=[],
    )
    assert result.passed and filled == "The Lumen Air 13 costs 999.00 EUR and is in stock."


def test_a_written_reply_with_a_typed_number_name_or_stock_claim_is_caught():
    assert "typed numbers itself: 899" in written("The {1.name} is only 899 today, {1.price} and {1.stock}.")
    assert any(
        "typed product or brand names itself" in r for r in written("The Lumen Air 13 costs {1.price}, {1.stock}.")
    )
    assert "typed a stock claim itself: 'in stock'" in written("The {1.name} costs {1.price} and is in stock.")
    assert "leaves out what was asked: {1.stock}" in written("The {1.name} costs {1.price}.")
    assert any(
        r.startswith("unknown reference {3.price}") for r in written("It costs {3.price}, {1.price}, {1.stock}.")
    )


def test_a_written_reply_leaking_its_instructions_or_echoing_the_question_is_caught():
    leaked = written("I write every fact only as the {references}: {1.price}, {1.stock}.")
    assert "repeats the system instructions" in leaked
    assert "talks about its own instructions: 'instructions'" in written("My instructions say {1.price}, {1.stock}.")
    echo = written("Is this laptop in stock {1.stock} {1.price}?", question="is this laptop in stock right now")
    assert "repeats the customer's question" in echo


def test_an_unsupported_claim_is_caught_and_a_backed_one_passes():
    heavy = lookup([LAPTOPS[1]], SpecQuery("price"))  # 2.3 kg, 6 hours: the heaviest, the shortest battery
    assert any("'long battery'" in r for r in written("The {1.name} has a long battery: {1.price}, {1.stock}.", heavy))
    assert any("'light'" in r for r in written("The light {1.name} costs {1.price}, {1.stock}.", heavy))
    assert written("The light {1.name} costs {1.price} and is {1.stock}.") == []  # 1.18 kg: below the median


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


def test_a_cut_off_repeated_or_mixed_up_reply_is_caught():
    ok = "The {1.name} costs {1.price} and is {1.stock}."
    assert "repeats a sentence" in written(f"{ok} {ok}")
    assert "cut off before the end of a sentence" in written("The {1.name} costs {1.price} and is {1.stock}, a good")
    heavy = compare(LAPTOPS[:2], SpecQuery("weight_kg", "min"))
    mixed = "The {1.name} is the lightest of these, {1.weight_kg} against {2.price} for the {2.name}."
    assert "compares different things: price, weight_kg" in written(mixed, heavy)
    assert (
        written("The {1.name} is the lightest of these, {1.weight_kg} against {2.weight_kg} for the {2.name}.", heavy)
        == []
    )
    twice = "The {1.name} costs {1.price}, and the {1.name} is {1.stock}."
    assert "names the same product twice in a sentence" in written(twice)
    two = compare(LAPTOPS[:2], SpecQuery("price", "min"))
    again = "The {1.name} is the cheaper one at {1.price}. The {1.name} at {1.price} is also {1.stock}."
    assert "names the same product twice in a recommendation or a list" in written(again, two)
    assert "names the same product twice in a recommendation or a list" not in written(
        "The {1.name} is the cheaper one at {1.price}. The {2.name} costs {2.price}.", two
    )
    one = recommend([LAPTOPS[0]], CustomerContext(budget=1000), [])  # the only one that fits, named as if two
    again = "I'd pick the {1.name} at {1.price}. The {1.name} at {1.price} is also {1.stock}."
    assert "names the same product twice in a recommendation or a list" in written(again, one)


def test_a_unit_typed_after_a_filled_value_goes_and_a_yes_no_value_is_no_amount():
    answer = lookup([LAPTOPS[0]], SpecQuery("battery_hours"))
    filled, result = check_written(
        "The {1.name} has a battery of {1.battery_hours} hours.",
        answer,
        FactSheet(answer.products, CustomerContext()),
        "how long does the battery last?",
        catalogue=LAPTOPS,
        secret_fragments=[],
    )
    assert result.passed and filled == "The Lumen Air 13 has a battery of 16 hours."
    backlit = make_product("K1", "Lumen Key 2", 49.0, backlit=True)
    answer = lookup([backlit], SpecQuery("backlit"))

    def reasons(written: str) -> list[str]:
        sheet = FactSheet(answer.products, CustomerContext())
        return check_written(written, answer, sheet, "is it backlit?", catalogue=[backlit], secret_fragments=[])[
            1
        ].reasons

    for written in (
        "The {1.name} comes with a backlight of {1.backlit}.",
        "It includes {1.backlit} and costs {1.price}.",
        "The {1.name} is {1.backlit}.",
        "The {1.name} is the cheapest, with a backlight {1.backlit}.",
    ):
        assert "writes a yes/no value as an amount" in reasons(written), written
    assert "writes a yes/no value as an amount" not in reasons("The {1.name} costs {1.price}; backlit: {1.backlit}.")


def test_a_budget_the_customer_did_not_give_is_not_talked_of():
    answer = lookup([LAPTOPS[0]], SpecQuery("price"))
    said = "The {1.name} costs {1.price}, {1.stock}, well within your budget."
    assert "talks of a budget the customer did not give" in written(said, answer)
    with_budget = check_written(
        said,
        answer,
        FactSheet(answer.products, CustomerContext(budget=1500)),
        "how much?",
        catalogue=LAPTOPS,
        secret_fragments=[],
    )[1].reasons
    assert "talks of a budget the customer did not give" not in with_budget
