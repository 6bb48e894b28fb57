"""The spec a question means when it names none of the keys: the packaged sentence embeddings decide, and only a
clear winner counts. A made-up shop of kettles and heaters, none of whose keys the questions below say."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.answers import CustomerContext
from knowledge.embeddings import PackagedMiniLMEmbeddings
from knowledge.focus import Focus
from knowledge.spec_meaning import closest_spec, spec_phrase
from tests.unit.conftest import make_product, shop_engine

KEYS = ["capacity_l", "power_w", "noise_db", "boil_time_min", "cordless", "price", "stock"]


@pytest.fixture(scope="module")
def embeddings() -> PackagedMiniLMEmbeddings:
    return PackagedMiniLMEmbeddings()


def test_a_key_reads_as_words_with_its_unit_spelled_out():
    assert spec_phrase("spin_speed_rpm") == "spin speed in revolutions per minute"
    assert spec_phrase("noise_db") == "noise in decibels"
    assert spec_phrase("publication_year") == "publication year"
    assert spec_phrase("db") == "db"  # a key that is only a unit stays as it is


@pytest.mark.parametrize(
    ("question", "key"),
    [
        ("how loud is it?", "noise_db"),
        ("what wattage does it draw?", "power_w"),
        ("how much water does it hold?", "capacity_l"),
    ],
)
def test_a_spec_asked_in_other_words_is_found(embeddings, question, key):
    assert closest_spec(question, KEYS, embeddings) == key


@pytest.mark.parametrize(
    "question",
    ["does it have bluetooth?", "can i pay for it in instalments?", "what colour is it?", "how much is it?"],
)
def test_what_no_key_records_finds_none(embeddings, question):
    """Price and stock are the word rules' to read; everything else here is not in the data."""
    assert closest_spec(question, KEYS, embeddings) is None


def test_the_engine_answers_a_spec_said_in_other_words_instead_of_not_knowing(tmp_path: Path, embeddings):
    """Each of these questions got "our catalogue doesn't list heater/cups/boils" from the word rules alone."""
    products = [
        make_product(
            "K1", "Brisa Steel Kettle", 49.0, category="kettles", power_w=2200, capacity_l=1.7, boil_time_min=4
        ),
        make_product(
            "K2", "Brisa Glass Kettle", 59.0, category="kettles", power_w=3000, capacity_l=1.5, boil_time_min=3
        ),
    ]
    engine = shop_engine(tmp_path, products, embeddings=embeddings)

    def ask(question: str, focus: Focus) -> str:
        answer = engine.product_question(question, CustomerContext(), focus=focus)
        return f"{answer.kind}: {answer.rendered}"

    assert ask("what wattage is the heater on the brisa steel kettle?", Focus()).startswith("lookup: ")
    assert "2200 W" in ask("what wattage is the heater on the brisa steel kettle?", Focus())
    assert "1.7" in ask("how many cups can the brisa steel kettle fill?", Focus())
    glass = products[1]
    assert ask("how long till it boils?", Focus([glass], glass)).startswith("lookup: ")
    assert "doesn't list" in ask("does the brisa steel kettle have bluetooth?", Focus())
    assert "doesn't list" in ask("does it whistle?", Focus([glass], glass))


def test_the_key_the_words_found_is_answered_when_the_meaning_agrees_and_not_when_it_tells_products_apart(
    tmp_path: Path, embeddings
):
    """Words the rules don't know around a spec they found ("my nephew just turned two") don't make the meaning
    pick another key; a spec named only to say which product ("not cordless") is not what is asked."""
    books = [
        make_product(
            "B1",
            "Moss Owl Who Stayed Up",
            14.0,
            category="picture books",
            age_years="2-5",
            format="board book",
            pages=24,
            publication_year=2019,
        ),
        make_product(
            "B2",
            "Moss Owl Who Stayed Up Paperback",
            9.0,
            category="picture books",
            age_years="3-6",
            format="paperback",
            pages=32,
            publication_year=2021,
        ),
    ]
    engine = shop_engine(tmp_path / "books", books, embeddings=embeddings)
    answer = engine.product_question(
        "what age is the moss owl who stayed up for, the board book one? my nephew just turned two",
        CustomerContext(),
        focus=Focus(),
    )
    assert answer.kind == "lookup" and "2-5 years" in answer.rendered
    products = [
        make_product("K1", "Brisa Steel Kettle", 49.0, category="kettles", capacity_l=1.7, cordless=True),
        make_product("K2", "Brisa Steel Kettle Corded", 39.0, category="kettles", capacity_l=1.5, cordless=False),
    ]
    engine = shop_engine(tmp_path / "kettles", products, embeddings=embeddings)
    answer = engine.product_question(
        "what are you charging for the brisa steel kettle corded? the normal one, not cordless",
        CustomerContext(),
        focus=Focus(),
    )
    assert "cordless: " not in answer.rendered and "39.00 EUR" in answer.rendered


def test_an_attribute_the_products_lack_is_not_answered_with_a_similar_one(tmp_path: Path, embeddings):
    """ "how wide is it?" of a board that records its length only: no width, not the length."""
    boards = [make_product("S1", "Onda Fish 5'8", 2490.0, category="surfboards", length_cm=173, volume_l=32)]
    engine = shop_engine(tmp_path, boards, embeddings=embeddings)
    answer = engine.product_question("how wide is the onda fish? need the width in inches", CustomerContext(), Focus())
    assert answer.kind == "not_found" and "173" not in answer.rendered.split("Here is")[0]


def test_a_spec_word_in_the_product_name_still_says_what_is_asked(tmp_path: Path, embeddings):
    """ "Zero Drop" is part of the name and the spec is `drop_mm`: the name goes, the spec's word stays."""
    shoes = [
        make_product("R1", "Velo Zero Drop Racer", 129.0, category="running shoes", drop_mm=0, cushioning="firm"),
        make_product("R2", "Velo Cloud Trainer", 149.0, category="running shoes", drop_mm=8, cushioning="soft"),
    ]
    engine = shop_engine(tmp_path, shoes, embeddings=embeddings)
    answer = engine.product_question("Velo Zero Drop Racer - what's the heel drop?", CustomerContext(), Focus())
    assert answer.kind == "lookup" and "0 mm" in answer.rendered and "cushioning" not in answer.rendered


def test_a_page_that_answers_about_the_product_in_focus_comes_before_a_guessed_spec(tmp_path: Path, embeddings):
    pots = [make_product("P1", "Terra 30 Pot", 39.0, category="planters", frost_proof=False, diameter_cm=30)]
    pages = {
        "care.md": "# Frost and winter\n\nFrost-proof pots that crack from frost within 3 winters are replaced free."
    }
    engine = shop_engine(tmp_path, pots, pages, embeddings=embeddings)
    answer = engine.product_question(
        "can it stay outside in winter? what if it cracks", CustomerContext(), focus=Focus(pots, pots[0])
    )
    assert answer.kind == "policy" and "3 winters" in answer.rendered


def test_a_price_asked_of_an_amount_sold_stays_a_price(tmp_path: Path, embeddings):
    yarn = [make_product("Y1", "Lark Merino DK", 12.5, category="yarn", skein_g=100, yardage_yd=230)]
    engine = shop_engine(tmp_path, yarn, embeddings=embeddings)
    answer = engine.product_question("hi! how much is a skein of the lark merino dk?", CustomerContext(), Focus())
    assert "12.50 EUR" in answer.rendered and "skein: 100 g" not in answer.rendered
