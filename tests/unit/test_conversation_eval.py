"""The conversation evaluation judges each reply by the shop's own data: these pin what it catches."""

from __future__ import annotations

import json

import pytest

from bot.cli.conversation_eval import (
    FINAL_CHECK_SHOPS,
    ConversationEvalError,
    Turn,
    check_turn,
    load_shop_conversations,
    shop_names,
)
from knowledge.catalog import LoadResult, PolicyPage
from tests.unit.conftest import make_product

SHOP = LoadResult(
    products=[
        make_product("S1", "Alder Two Seater", 649.0, category="sofas", width_cm=160.0),
        make_product("S2", "Birch Corner Sofa", 1399.0, category="sofas", stock=0, width_cm=270.0),
    ],
    policies=[PolicyPage("returns", "Returns", "Return any sofa within 45 days.", "returns.md")],
)


def turn(**expect) -> Turn:
    return Turn("how much is the alder two seater?", "lookup", expect)


def test_a_right_reply_passes():
    reply = "The Alder Two Seater costs 649.00 EUR and is in stock."
    assert check_turn(turn(expected_skus=["S1"], expected_facts=["649.00 EUR"]), reply, [], SHOP, []) == []


def test_a_wrong_price_a_missing_product_and_another_shops_words_are_caught():
    reply = "The Birch Corner Sofa costs 599.00 EUR, like the Lumen Air 13."
    problems = check_turn(turn(expected_skus=["S1"], expected_facts=["649.00 EUR"]), reply, [], SHOP, ["Lumen Air 13"])
    assert "does not name Alder Two Seater" in problems
    assert "missing '649.00 EUR'" in problems
    assert "another shop's words: 'Lumen Air 13'" in problems
    assert any(p.startswith("invented: ") and "599" in p for p in problems)


def test_refusals_budgets_and_forbidden_words_are_checked():
    assert check_turn(turn(must_refuse=True), "The Alder Two Seater costs 649.00 EUR.", [], SHOP, []) == [
        "did not refuse"
    ]
    cards = [{"sku": "S2", "name": "Birch Corner Sofa", "price": 1399.0}]
    over = check_turn(turn(max_price=800), "Here you go.", cards, SHOP, [])
    assert over == ["over the budget of 800: Birch Corner Sofa"]
    assert check_turn(turn(forbidden=["velvet"]), "It comes in velvet.", [], SHOP, []) == ["forbidden 'velvet'"]


def test_what_the_customer_said_earlier_is_not_an_invented_fact():
    reply = "Here is what fits sofas up to 700: the Alder Two Seater, 649.00 EUR, in stock."
    assert any(p.startswith("invented") for p in check_turn(turn(), reply, [], SHOP, []))
    assert check_turn(turn(), reply, [], SHOP, [], said_before=["a sofa under 700 please"]) == []


def test_question_files_are_read_and_bad_lines_named(tmp_path):
    (tmp_path / "questions.jsonl").write_text(json.dumps({"id": "q1", "question": "hi", "type": "lookup"}) + "\n")
    (tmp_path / "conversations.jsonl").write_text(json.dumps({"id": "c1", "turns": [{"text": "a"}, {"text": "b"}]}))
    loaded = load_shop_conversations(tmp_path)
    assert [(c.id, len(c.turns)) for c in loaded] == [("q1", 1), ("c1", 2)]
    (tmp_path / "questions.jsonl").write_text('{"id": "q2", "turns": [{"type": "lookup"}]}\n')
    with pytest.raises(ConversationEvalError, match=r"questions.jsonl, line 1: a turn needs its customer text"):
        load_shop_conversations(tmp_path)


def test_only_the_looked_at_shops_are_tuning_shops():
    """A new test shop is held out unless someone decides otherwise: it must not silently join the tuning set.
    (artsupply and homebrew joined after their two runs as the final check: docs/evaluation.md.)"""
    assert FINAL_CHECK_SHOPS == ("ski", "textiles")
    assert set(FINAL_CHECK_SHOPS) <= set(shop_names())
    tuning = "appliances artsupply baby beauty books coffee crafts cycling fashion fishing furniture garden golf "
    tuning += "homebrew jewellery kitchen luggage music optics outdoor pantry pets photo running sleep stationery surf "
    tuning += "tools toys wine"
    assert [s for s in shop_names() if s not in FINAL_CHECK_SHOPS] == tuning.split()


def test_a_price_difference_of_named_products_and_a_refused_discount_are_no_invention():
    reply = (
        "I understand, but I can't offer a discount on the Birch Corner Sofa (1,399.00 EUR). If you'd like to "
        "spend less: - Alder Two Seater: 649.00 EUR, in stock, 750.00 EUR less"
    )
    assert check_turn(turn(), reply, [], SHOP, []) == []
    offered = check_turn(turn(), "We can offer a discount on the Alder Two Seater: 600.00 EUR.", [], SHOP, [])
    assert any("discount" in p for p in offered) and any("600" in p for p in offered)


def test_a_categorys_count_and_price_range_are_facts_and_a_wrong_range_is_not():
    categories = {p.category for p in SHOP.products}
    category = sorted(categories)[0]
    prices = sorted(p.price for p in SHOP.products if p.category == category)
    count = len(prices)
    right = f"This is what we carry: - {category}: {count} models, {prices[0]:,.2f} EUR to {prices[-1]:,.2f} EUR"
    assert check_turn(turn(), right, [], SHOP, []) == []
    wrong = f"This is what we carry: - {category}: {count} models, {prices[0]:,.2f} EUR to 99,999.00 EUR"
    assert any(p.startswith("invented") for p in check_turn(turn(), wrong, [], SHOP, []))


def test_a_name_inside_a_longer_name_the_reply_gives_is_not_named():
    shop = LoadResult(
        products=[
            make_product("B1", "Possum's Big Night", 24.99, category="books"),
            make_product("B2", "Possum's Big Night Board Book", 14.99, category="books"),
        ],
        policies=[],
    )
    reply = "I'd suggest the Possum's Big Night Board Book: 14.99 EUR, in stock."
    assert check_turn(Turn("under 20?", "recommendation", {"max_price": 20}), reply, [], shop, []) == []
    missing = check_turn(Turn("the big night?", "lookup", {"expected_skus": ["B1"]}), reply, [], shop, [])
    assert missing == ["does not name Possum's Big Night"]
    both = "The Possum's Big Night (24.99 EUR) and the Possum's Big Night Board Book (14.99 EUR)."
    assert check_turn(Turn("and?", "lookup", {"expected_skus": ["B1", "B2"]}), both, [], shop, []) == []
