"""Understanding any shop's customers: its categories in their words, follow-ups on the products in
focus, policy topics, and the catalogue's answer before any "out of scope" (knowledge/focus.py,
knowledge/text.py, knowledge/engine.py). The catalogue here is a small furniture shop made up for
these tests; the held-out test shops in data/eval/shops are never used in tests or training."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from knowledge import answers, policy_search, sales
from knowledge.answers import Answer, CustomerContext
from knowledge.catalog import Product, load_catalog
from knowledge.engine import KnowledgeEngine
from knowledge.focus import Focus, referred
from knowledge.policy_search import Query, find_topic, topic_cues
from knowledge.store import CatalogStore, make_client
from knowledge.text import (
    SpecQuery,
    asks_for_discount,
    find_category,
    find_products,
    find_spec_query,
    parse_budget,
    states_a_need,
    without_amounts,
)
from knowledge.writer import ReplyWriter
from tests.unit.conftest import HashEmbeddings, shop_engine


def furniture(sku: str, name: str, price: float, category: str, stock: int = 4, **specs) -> Product:
    return Product(sku, name, category, name.split()[0], price, "GBP", stock, f"The {name}.", specs=specs)


SOFAS = [
    furniture("S1", "Alder Two Seater", 649.0, "sofas", width_cm=160.0, weight_kg=38.0),
    furniture("S2", "Birch Corner Sofa", 1399.0, "sofas", width_cm=270.0, weight_kg=71.0),
    furniture("S3", "Cedar Sofa Bed", 779.0, "sofas", width_cm=196.0, weight_kg=55.0),
]
CHAIRS = [
    furniture("C1", "Dune Desk Chair", 189.0, "office chairs", weight_kg=14.0),
    furniture("C2", "Elm Task Chair", 259.0, "office chairs", stock=0, weight_kg=17.0),
]


@pytest.fixture
def engine(tmp_path) -> KnowledgeEngine:
    folder = tmp_path / "shop"
    (folder / "policies").mkdir(parents=True)
    (folder / "products.json").write_text(json.dumps([p.to_dict() for p in SOFAS + CHAIRS]))
    policies = folder / "policies"
    (policies / "returns.md").write_text("# Returns\n\nYou can return any item within 45 days for a refund.\n")
    (policies / "delivery.md").write_text("# Delivery\n\nWe deliver within 10 working days, free over 500 GBP.\n")
    store = CatalogStore(make_client(str(tmp_path / "chroma")), "salesbot_furniture", HashEmbeddings())
    store.sync(load_catalog(folder))
    return KnowledgeEngine(store, ReplyWriter(None))


@pytest.mark.parametrize(
    ("said", "category"),
    [
        ("I need a couch for a small flat", "sofas"),
        ("couches under 800?", "sofas"),
        ("a desk chair please", "office chairs"),
        ("any sofa beds", "sofas"),
        ("sofsa", "sofas"),  # a typo of the plural
        ("something nice for the garden", None),
    ],
)
def test_a_category_is_recognised_in_the_customers_words(said, category):
    assert find_category(said, ["sofas", "office chairs", "dining tables"]) == category


def test_common_synonyms_and_compounds_reach_the_shops_own_category():
    assert find_category("do you have phones with a good camera", ["laptops", "smartphones"]) == "smartphones"
    assert find_category("trainers for a marathon", ["running shoes", "jackets"]) == "running shoes"
    assert find_category("sneakers", ["running shoes", "trail shoes"]) == "running shoes"
    assert find_category("trail runners", ["running shoes", "trail shoes"]) == "trail shoes"


@pytest.mark.parametrize(
    ("said", "topic"),
    [
        ("can I send it back if I don't like it?", "returns"),
        ("how long does shipping take", "delivery"),
        ("do you deliver to Ireland", "delivery"),
        ("is it comfortable", None),
        ("returns and delivery?", None),  # two topics: let the NLU's intent decide
    ],
)
def test_the_policy_topic_is_found_by_the_pages_name_or_a_usual_word(said, topic):
    assert find_topic(said, topic_cues({"delivery": "", "returns": ""})) == topic


def test_something_similar_after_a_sold_out_product_shows_others_of_its_kind(engine):
    sold_out = CHAIRS[1]
    answer = engine.understand("anything similar i can get now?", CustomerContext(), Focus([sold_out], sold_out))
    assert answer is not None and answer.kind == "recommend"
    assert [p.sku for p in answer.products] == ["C1"]


def test_another_of_a_kind_a_page_talks_about_is_still_another_of_that_kind(tmp_path):
    kegs = [
        furniture("K1", "Kegmaru Ball Lock Keg 9L", 124.0, "kegging equipment", stock=0),
        furniture("K2", "Kegmaru Ball Lock Keg 19L", 149.0, "kegging equipment"),
    ]
    page = "# Returns\n\nKegs and taps that have held beer can't be returned. Return anything else within 7 days.\n"
    engine = shop_engine(tmp_path, kegs, {"returns.md": page})
    sold_out = Focus([kegs[0]], kegs[0])
    other = engine.understand("aish. what else could i keg my beer in then?", CustomerContext(), sold_out)
    assert other is not None and other.kind == "recommend" and [p.sku for p in other.products] == ["K2"]
    returns = engine.understand("anything else i should know about returns?", CustomerContext(), sold_out)
    assert returns is not None and returns.kind == "policy"


def test_references_resolve_against_the_products_in_focus():
    shown = Focus(SOFAS)
    assert referred("tell me more about the second one", shown).products == [SOFAS[1]]
    assert referred("and the last?", shown).products == [SOFAS[2]]
    assert referred("which of those is the cheapest?", shown).products == SOFAS
    assert referred("compare the first and the third", shown).products == [SOFAS[0], SOFAS[2]]
    picked = Focus(SOFAS, current=SOFAS[2])
    assert referred("is it in stock?", picked).products == [SOFAS[2]]  # "it" is the one discussed since
    # "last" as a verb picks nothing: the one discussed since
    assert referred("how long does the battery last", Focus(SOFAS, current=SOFAS[0])).products == [SOFAS[0]]
    assert referred("which is lighter?", picked).products == SOFAS
    assert referred("tell me more about the fourth one", shown) is None  # only three were shown
    assert referred("I'd like to talk about something completely different today", shown) is None
    assert referred("is it in stock?", Focus()) is None


def test_follow_ups_are_answered_about_the_products_in_focus(engine):
    context, focus = CustomerContext(), Focus(SOFAS)
    lightest = engine.product_question("which of those is the lightest?", context, focus=focus)
    assert lightest.lines[0] == "The Alder Two Seater is the lightest of those (weight: 38 kg)."
    second = engine.product_question("tell me more about the second one", context, focus=focus)
    assert second.products == [SOFAS[1]] and second.lines[0].startswith("The Birch Corner Sofa costs 1,399.00 GBP")
    price = engine.product_question("and the price?", context, focus=Focus(SOFAS, current=SOFAS[2]))
    assert price.rendered == "The Cedar Sofa Bed costs 779.00 GBP and is in stock."
    compared = engine.compare("compare the first and the last", context, focus=focus)
    assert compared.kind == "compare" and compared.products == [SOFAS[0], SOFAS[2]]


def test_a_follow_up_about_a_policy_gets_that_shops_policy(engine):
    answer = engine.product_question("what about returns?", CustomerContext(), focus=Focus(SOFAS, current=SOFAS[0]))
    assert answer.kind == "policy" and "within 45 days" in answer.rendered


def test_the_catalogue_answers_before_any_decline(engine):
    nothing = Focus()
    recommended = engine.understand("got any couches under 800?", CustomerContext(), nothing)
    assert recommended is not None and recommended.kind == "recommend"
    assert {p.sku for p in recommended.products} <= {"S1", "S3"}  # the corner sofa is over the budget
    assert engine.understand("what's the weather like in Leeds", CustomerContext(), nothing) is None
    assert engine.understand("tell me a joke", CustomerContext(), nothing) is None
    looked_up = engine.understand("how much is the cedar sofa bed", CustomerContext(), nothing)
    assert looked_up is not None and looked_up.rendered.startswith("The Cedar Sofa Bed costs 779.00 GBP")
    policy = engine.understand("can I send it back?", CustomerContext(), nothing)
    assert policy is not None and "within 45 days" in policy.rendered
    follow_up = engine.understand("which one is cheapest?", CustomerContext(), Focus(SOFAS))
    assert follow_up is not None and follow_up.products == [SOFAS[0]]


def test_a_category_with_a_budget_or_must_have_shows_products_not_the_overview(engine):
    budgeted = engine.product_question("leather sofa under £700", CustomerContext())
    assert budgeted.kind == "recommend" and [p.sku for p in budgeted.products] == ["S1"]
    assert engine.product_question("do you sell sofas?", CustomerContext()).lines[0].startswith("Yes, we sell sofas")


def test_a_category_the_nlu_wrote_in_the_customers_words_is_the_shops_own(engine):
    answer = engine.recommend(CustomerContext(category="couch", budget=700))
    assert answer.kind == "recommend" and [p.sku for p in answer.products] == ["S1"]


def test_the_two_cheapest_are_compared(engine):
    answer = engine.compare("compare the two cheapest sofas", CustomerContext())
    assert answer.kind == "compare" and [p.sku for p in answer.products] == ["S1", "S3"]


def test_a_reason_needs_the_whole_use_in_the_products_own_text():
    office = Product("L9", "Tern Book 14", "laptops", "Tern", 899.0, "EUR", 3, "For office work and video calls.")
    editing = Product("L8", "Tern Studio 16", "laptops", "Tern", 1499.0, "EUR", 3, "A laptop for video editing.")
    context = CustomerContext(category="laptops", use_case="video editing")
    assert sales.reason(editing, context, []) == "you said video editing: it is made “for video editing”"
    assert sales.reason(office, context, []) == "its description does not mention video editing"
    honest = sales.with_reasons(Answer("recommend", ["Here is what fits laptops:"], [office], ["L9"]), context, [])
    assert honest.lines[-1].startswith("None of these says it is made for video editing")
    assert "Why:" not in honest.lines[1]  # no non-reason on the product's own line


def test_names_with_accents_are_found_when_typed_without_them():
    dream = furniture("D2", "Söderhamn Dröm 2", 899.0, "sofas")
    assert find_products("is the soderhamn drom 2 in stock?", [dream, *SOFAS]) == [dream]
    assert find_products("Söderhamn Dröm 2", [dream, *SOFAS]) == [dream]


def test_a_matching_product_is_the_one_the_catalogue_lists_as_related(tmp_path):
    bed = Product("B1", "Fern Double Bed", "beds", "Fern", 549.0, "GBP", 3, related=("T1", "W1"))
    table = Product("T1", "Fern Bedside Table", "bedside tables", "Fern", 99.0, "GBP", 5)
    wardrobe = Product("W1", "Fern Wardrobe", "wardrobes", "Fern", 399.0, "GBP", 0)
    other = Product("T2", "Oak Bedside Table", "bedside tables", "Oak", 79.0, "GBP", 5)
    store = CatalogStore(make_client(str(tmp_path / "chroma")), "salesbot_beds", HashEmbeddings())
    (tmp_path / "products.json").write_text(json.dumps([p.to_dict() for p in (bed, table, wardrobe, other)]))
    store.sync(load_catalog(tmp_path / "products.json"))
    engine = KnowledgeEngine(store, ReplyWriter(None))
    matching = engine.goes_with([bed], "is there a matching bedside table?", "bedside tables")
    assert matching is not None and [p.sku for p in matching.products] == ["T1"]  # not the other brand's
    # the first product in focus with related ones; the wardrobe has none left
    assert engine.goes_with([other, bed], "anything to go with it?", None).products == [table]
    assert engine.goes_with([bed], "any bedside tables under 90?", "bedside tables") is None
    assert engine.goes_with([], "is there a matching bedside table?", "bedside tables") is None


def test_a_short_follow_up_after_a_policy_answer_asks_that_page_again(engine):
    from actions.sales_state import last_reply_sources
    from tests.unit.trackers import make_tracker

    events = [
        {"event": "user", "text": "how long does delivery take?"},
        {"event": "bot", "text": "We deliver within …", "data": {"custom": {"sources": ["delivery.md"]}}},
        {"event": "user", "text": "and to leeds?"},
    ]
    sources = last_reply_sources(make_tracker("and to leeds?", events=events))
    assert sources == ["delivery.md"]
    focus = engine.focus([], None, sources)
    assert focus.policy_topic == "delivery"
    answer = engine.product_question("and to leeds?", CustomerContext(), focus=focus)
    assert answer.kind == "policy" and "10 working days" in answer.rendered
    assert engine.product_question("and to leeds?", CustomerContext(), focus=Focus()).kind == "not_found"
    # an answer two messages ago is not what "and …?" carries on
    older = [*events[:2], {"event": "user", "text": "hi"}, {"event": "bot", "text": "Hello!"}, events[2]]
    assert last_reply_sources(make_tracker("and to leeds?", events=older)) == []


def test_a_product_question_that_names_a_policy_topic_gets_the_policy(engine):
    answer = engine.product_question("how much to collect a sofa I'm sending back?", CustomerContext())
    assert answer.kind == "policy" and "45 days" in answer.rendered
    delivery = engine.product_question("do you deliver office chairs?", CustomerContext())
    assert delivery.kind == "policy" and "10 working days" in delivery.rendered
    assert engine.product_question("cheapest sofa?", CustomerContext()).products == [SOFAS[0]]


def test_the_nlus_policy_topic_finds_the_shops_own_page(engine):
    answer = engine.policy("what does shipping cost?", topic="shipping")  # this shop calls the page "delivery"
    assert answer.sources == ["delivery.md"] and "free over 500 GBP" in answer.rendered


def test_a_sold_out_product_is_never_called_our_most_affordable_in_stock(engine):
    sold_out = furniture("S9", "Fir Loveseat", 449.0, "sofas", stock=0)
    answer = sales.price_objection(engine, sold_out, CustomerContext())
    assert "most affordable" not in answer.rendered
    assert "out of stock" in answer.rendered and answer.products[1:] == [SOFAS[0], SOFAS[2]]  # 649, then 779


def test_the_categorys_own_words_never_pick_a_spec(tmp_path):
    baskets = [
        Product("K1", "Snug Basket", "cat baskets", "Snug", 59.0, "GBP", 4, specs={"max_cat_weight_kg": 8.0}),
        Product("K2", "Roomy Basket", "cat baskets", "Roomy", 39.0, "GBP", 4, specs={"max_cat_weight_kg": 12.0}),
    ]
    (tmp_path / "products.json").write_text(json.dumps([p.to_dict() for p in baskets]))
    store = CatalogStore(make_client(str(tmp_path / "chroma")), "salesbot_baskets", HashEmbeddings())
    store.sync(load_catalog(tmp_path / "products.json"))
    engine = KnowledgeEngine(store, ReplyWriter(None))
    cheapest = engine.product_question("cheapest cat basket?", CustomerContext())
    assert cheapest.products[0].sku == "K2" and "cheapest" in cheapest.lines[0]
    heaviest = engine.product_question("which cat basket takes the heaviest cat?", CustomerContext())
    assert heaviest.products[0].sku == "K2" and "max cat weight" in heaviest.rendered.lower()


@pytest.mark.parametrize(
    ("said", "focus_skus", "topic", "direct"),
    [
        ("S2 price", [], None, "product"),  # a SKU
        ("is the two seater in stock", [], None, "product"),  # two words of a name
        ("lightest sofa?", [], None, "ranking"),
        ("which of those is the widest?", ["S1", "S2"], None, "focus"),  # a ranking of the products in focus
        ("how heavy is it", ["S3"], None, "focus"),  # a spec of the product in focus
        ("and for the corner one?", [], "delivery", "policy"),  # carries on with the page just quoted
        ("a sofa for the family room", [], None, "category"),  # one everyday word of a name is no product named
        ("I need a sofa", [], None, "category"),  # a category: only a greeting's or buying flow gives way
        ("I need a sofa", ["S1"], None, None),  # the kind in focus: the flow goes on
        ("go on then, what's the second one like", ["S1", "S2"], None, "details"),  # one of those shown
        ("ok tell me about the 2nd one", ["S1", "S2"], None, "details"),  # its details, no purchase yet
        ("i'll take the second one", ["S1", "S2"], None, "focus"),
        ("how many do u have left then", ["S2"], None, "focus"),  # a short question about an attribute
        ("that's too expensive", ["S2"], None, None),  # an objection stays an objection
        ("thanks!", ["S2"], None, None),
        ("and sofas?", [], "delivery", "policy"),  # the same question of another kind: their delivery
        ("and sofas for the garden?", [], "delivery", "category"),  # a need: products
        ("how long have i got to send a sofa back", [], None, "policy"),  # a policy, though it names a category
        ("do you have sofas with free delivery", [], None, "category"),  # products asked for
        ("anything similar i can get sooner?", ["C2"], None, "correction"),  # others of the kind in focus
    ],
)
def test_what_the_catalogue_answers_before_the_intents_flow(engine, said, focus_skus, topic, direct):
    by_sku = {p.sku: p for p in engine.products()}
    shown = [by_sku[s] for s in focus_skus]
    focus = Focus(shown, shown[-1] if len(shown) == 1 else None, topic)
    assert engine.direct_answer(said, focus) == direct


def test_a_policy_question_about_the_product_in_focus_gets_the_section_about_its_kind(tmp_path):
    folder = tmp_path / "shop"
    (folder / "policies").mkdir(parents=True)
    (folder / "products.json").write_text(json.dumps([p.to_dict() for p in SOFAS + CHAIRS]))
    (folder / "policies" / "warranty.md").write_text(
        "# Warranty\n\n## Sofas\n\nSofa frames have a 10-year warranty.\n\n"
        "## Office chairs\n\nOffice chairs have a 3-year warranty on the gas lift.\n"
    )
    store = CatalogStore(make_client(str(tmp_path / "chroma")), "salesbot_warranty", HashEmbeddings())
    store.sync(load_catalog(folder))
    engine = KnowledgeEngine(store, ReplyWriter(None))
    chair = next(p for p in engine.products() if p.sku == "C1")
    sofa = next(p for p in engine.products() if p.sku == "S1")
    about_chair = engine.policy("what about the warranty?", "warranty", Focus([chair], chair))
    about_sofa = engine.policy("what about the warranty?", "warranty", Focus([sofa], sofa))
    assert about_chair.lines[0].startswith("Office chairs have a 3-year warranty")
    assert about_sofa.lines[0].startswith("Sofa frames have a 10-year warranty")


def test_a_page_with_an_unusual_name_is_found_by_what_its_text_talks_about():
    pages = {
        "changed-your-mind": "Changed your mind? Return it within 40 days for a refund. Returns are free.",
        "sending-and-collecting": "We deliver in 2 days. Delivery is free over 500; we also ship abroad.",
        "cover-and-care": "Two years' guarantee. A faulty item is repaired or replaced under the guarantee.",
        "paying": "Pay by card or invoice.",
    }
    topics = topic_cues(pages)
    assert find_topic("can i send it back if he doesn't like it", topics) == "changed-your-mind"
    assert find_topic("do you deliver to oslo?", topics) == "sending-and-collecting"
    assert find_topic("whats the warranty like", topics) == "cover-and-care"
    assert find_topic("can i pay later", topics) == "paying"
    assert find_topic("is it comfortable", topics) is None


def test_a_page_is_also_of_a_second_kind_its_text_talks_about_more_than_any_other_page():
    pages = {
        "blik-raty-and-delivery": (
            "We deliver by courier in 2 days; delivery is free over 300 zł and we ship to parcel lockers. "
            "Pay by BLIK or credit card, or in 10 interest-free instalments."
        ),
        "eye-tests": "Book an eye test by phone or at the counter.",
        "guarantee": "Two years' guarantee: a faulty frame is repaired or replaced.",
    }
    topics = topic_cues(pages)
    assert find_topic("can i pay in instalments?", topics) == "blik-raty-and-delivery"
    assert find_topic("do you deliver to gdansk?", topics) == "blik-raty-and-delivery"
    assert find_topic("what's the guarantee?", topics) == "guarantee"


def test_a_page_is_of_every_kind_its_name_names():
    pages = {
        "refunds-nibs-and-warranty": "Return it within 14 days. A faulty pen is repaired under warranty.",
        "shipping-and-paying": "We ship in 2 days. Pay by card.",
        "school-orders": "Schools pay by invoice. Schools pay within 30 days; pay the invoice by transfer.",
    }
    topics = topic_cues(pages)
    assert find_topic("whats the waranty on it", topics) == "refunds-nibs-and-warranty"
    assert find_topic("can i send it back", topics) == "refunds-nibs-and-warranty"
    # the school page talks of paying most, but the shop's own page for paying says so in its name
    assert find_topic("can i pay with paynow", topics) == "shipping-and-paying"
    assert find_topic("do schools get anything off on big school orders", topics) == "school-orders"
    # the right to complain is the legal guarantee; a workshop that repairs things is not the guarantee page
    pages = {"complaints-and-paying": "Complain about a fault for 24 months.", "workshop": "We repair and repair."}
    assert find_topic("whats the guarantee on a coat", topic_cues(pages)) == "complaints-and-paying"


def test_a_page_named_in_the_shops_own_language_is_of_the_kind_its_name_says():
    pages = {
        # a delivery page that says little of delivery in usual words, and a returns page that says more
        "envios-moto-y-retiro-en-el-local": "Order before 14 h and a moto brings it today; pick it up at the local.",
        "cambios-y-garantia": "A return is sent back by post at your cost, delivery of the new one is free; "
        "delivery is by courier. Faulty products: 6 months guarantee.",
        "pagos-y-cuotas": "Cards, transfer, and 3 cuotas without interest.",
    }
    topics = topic_cues(pages)
    assert find_topic("can you send it to rosario?", topics) == "envios-moto-y-retiro-en-el-local"
    assert find_topic("can i return it if it doesn't fit?", topics) == "cambios-y-garantia"
    assert find_topic("how can i pay?", topics) == "pagos-y-cuotas"


def test_a_page_named_with_a_phrase_is_cued_by_its_meaning_word():
    topics = topic_cues({"how-to-pay": "Pay by card.", "post-and-pickup": "We post parcels."})
    assert find_topic("how high do the handlebars go", topics) is None
    assert find_topic("how do i pay?", topics) == "how-to-pay"


def test_a_typo_of_a_policy_topic_still_finds_its_page():
    topics = topic_cues({"delivery": "", "returns": "", "warranty": ""})
    assert find_topic("whats the warrenty on it", topics) == "warranty"
    assert find_topic("delivry to leeds?", topics) == "delivery"
    assert find_topic("what is the wait time", topics) is None


def test_products_are_named_in_the_order_of_the_words_that_tell_them_apart():
    shared = [  # both of the brand "Fold"
        furniture("F1", "Fold Oak Reading Chair", 299.0, "armchairs"),
        furniture("F2", "Fold Oak Table", 499.0, "dining tables"),
    ]
    said = "compare the reading chair and the oak table"
    assert [p.sku for p in find_products(said, shared)] == ["F1", "F2"]
    assert [p.sku for p in find_products("compare the oak table and the reading chair", shared)] == ["F2", "F1"]


def test_a_ranking_asked_after_one_product_ranks_its_kind(engine):
    cedar = next(p for p in engine.products() if p.sku == "S3")
    answer = engine.product_question("and the lightest one?", CustomerContext(), focus=Focus([cedar], cedar))
    assert answer.products[0].sku == "S1"  # the lightest sofa, not the sofa in focus


def test_a_service_the_shop_never_mentions_is_declined(engine):
    for said in ("can I rent a sofa for a weekend?", "do you do upholstery repairs"):
        answer = engine.understand(said, CustomerContext(), Focus())
        assert answer is not None and "not something I can help with" in answer.lines[0]
    assert engine.unoffered_service("can I return a sofa?") is None


def test_a_spec_value_the_customer_names_is_a_must_have_and_a_correction_shows_it(tmp_path):
    folder = tmp_path / "shop"
    folder.mkdir()
    beds = [
        furniture("B1", "Ash Bed", 400.0, "beds", material="oak"),
        furniture("B2", "Birch Bed", 450.0, "beds", material="pine"),
        furniture("B3", "Cove Bed", 500.0, "beds", material="oak"),
    ]
    (folder / "products.json").write_text(json.dumps([p.to_dict() for p in beds]))
    store = CatalogStore(make_client(str(tmp_path / "chroma")), "salesbot_beds", HashEmbeddings())
    store.sync(load_catalog(folder))
    engine = KnowledgeEngine(store, ReplyWriter(None))
    shown = engine.recommend(CustomerContext(category="beds"), "a pine bed please")
    assert [p.sku for p in shown.products] == ["B2"]
    corrected = engine.product_question("sorry, I meant oak", CustomerContext(), focus=Focus(list(shown.products)))
    assert {p.sku for p in corrected.products} == {"B1", "B3"}
    asked = engine.product_question("what material is it?", CustomerContext(), focus=Focus(list(shown.products)))
    assert asked.kind == "lookup"  # a question about the product in focus stays one


def test_an_amount_the_customer_needs_is_reached_by_a_capacity_spec_and_shown(tmp_path):
    folder = tmp_path / "shop"
    folder.mkdir()
    chairs = [
        furniture("K1", "Kite Task Chair", 150.0, "office chairs", weight_kg=12.0, max_load_kg=110.0),
        furniture("K2", "Kodiak Heavy Chair", 420.0, "office chairs", weight_kg=21.0, max_load_kg=180.0),
        furniture("T1", "Tarn Table", 500.0, "dining tables", seats=4.0),
        furniture("T2", "Teak Table", 800.0, "dining tables", seats=8.0),
    ]
    (folder / "products.json").write_text(json.dumps([p.to_dict() for p in chairs]))
    store = CatalogStore(make_client(str(tmp_path / "chroma")), "salesbot_loads", HashEmbeddings())
    store.sync(load_catalog(folder))
    engine = KnowledgeEngine(store, ReplyWriter(None))
    big = engine.recommend(CustomerContext(category="office chairs"), "a chair for a big guy, about 150kg")
    assert [p.sku for p in big.products] == ["K2"]  # the load it holds, not its own weight
    assert "(max load 180 kg" in big.lines[1]  # what the need is about comes first
    family = engine.recommend(CustomerContext(category="dining tables"), "a table for 6 people")
    assert [p.sku for p in family.products] == ["T2"]


def test_a_ranking_of_the_products_in_focus_keeps_the_must_have_it_names(tmp_path):
    tanks = [
        furniture("A1", "Alba Tank", 40.0, "aquariums", heater=False),
        furniture("A2", "Brook Tank", 90.0, "aquariums", heater=True),
        furniture("A3", "Cove Tank", 250.0, "aquariums", heater=True),
    ]
    engine = shop_engine(tmp_path, tanks)
    shown = Focus(list(engine.products()))
    answer = engine.product_question("whats the cheapest one with a heater then", CustomerContext(), focus=shown)
    assert answer.products[0].sku == "A2"


def test_a_ranking_after_nothing_was_shown_ranks_the_kind_asked_for_last(tmp_path):
    shop = [
        furniture("K1", "Alba Kettle", 49.0, "kettles", capacity_l=1.7),
        furniture("K2", "Brook Kettle", 119.0, "kettles", capacity_l=1.8),
        furniture("E1", "Cove Espresso Machine", 99.0, "espresso machines", water_tank_l=0.7),
    ]
    engine = shop_engine(tmp_path, shop)
    asked = CustomerContext(category="kettles")  # "what kettles are there for the same budget?", none shown
    most = engine.understand("which of those holds the most water?", asked, Focus())
    assert most is not None and most.products[0].sku == "K2" and most.needs.category == "kettles"
    none = engine.understand("which of those is the cheapest?", replace(asked, budget=20), Focus())
    assert none is not None and none.kind == "nothing_fits" and "kettles up to 20.00 GBP" in none.rendered
    assert none.needs is not None and none.needs.category == "kettles"  # remembered though none fits


def test_a_ranking_by_a_spec_only_one_kind_has_ranks_that_kind(tmp_path):
    shop = [
        furniture("E1", "Pampa Field Easel", 90.0, "easels", max_canvas_cm=85.0),
        furniture("E2", "Pampa Studio Easel", 300.0, "easels", max_canvas_cm=150.0),
        furniture("B1", "Pampa Sketch Pad", 12.0, "sketchbooks", pages=80.0),
    ]
    framing = "# Canvas stretching\n\nWe stretch a canvas of any size on a wooden frame; the biggest we stock is 2 m.\n"
    engine = shop_engine(tmp_path, shop, {"canvas-stretching.md": framing})
    # "atril" (Spanish for easel) names no category, and a page talks of canvases: the spec says the kind
    biggest = engine.understand("which atril takes the biggest canvas?", CustomerContext(), Focus())
    assert biggest is not None and biggest.kind == "compare" and biggest.products[0].sku == "E2"
    assert biggest.needs is not None and biggest.needs.category == "easels"
    cheapest = engine.understand("which atril is the cheapest?", CustomerContext(), Focus())
    assert cheapest is None or cheapest.needs is None or cheapest.needs.category is None  # every kind has a price
    # a comparative asks no ranking of all there is: the page that speaks of it answers
    bigger = engine.understand("how much to stretch my canvas a size bigger?", CustomerContext(), Focus())
    assert bigger is not None and bigger.kind == "policy"


def test_a_comparison_the_nlu_heard_in_a_message_that_asks_none_is_answered_from_the_catalogue(tmp_path):
    shop = [
        furniture("A1", "Hornero Kids' Washable Acrylic Set", 24.0, "acrylic paints"),
        furniture("B1", "Pampa Synthetic Brush Set", 18.0, "brushes"),
        furniture("B2", "Pampa Class Pack Brushes", 39.0, "brushes"),
    ]
    engine = shop_engine(tmp_path, shop)
    # "kids" is a word of a paint set's name, but brushes are asked for, and nothing is compared
    answer = engine.compare("need brushes for 30 kids that'll survive them", CustomerContext(), Focus())
    assert answer.kind == "recommend" and {p.category for p in answer.products} == {"brushes"}
    asked = engine.compare("compare the pampa synthetic brush set and the class pack", CustomerContext(), Focus())
    assert asked.kind == "compare" and [p.sku for p in asked.products] == ["B1", "B2"]
    assert engine.compare("hello there", CustomerContext(), Focus()).kind == "clarify"
    # two loose matches of names in a need ("fold", "one hand") are no comparison either
    chairs_and_strollers = [
        furniture("H1", "Tinku Fold High Chair", 54.0, "high chairs"),
        furniture("H2", "Thali Hand Booster", 29.0, "high chairs"),
        furniture("S1", "Sawaari Hawa Lite Cabin Stroller", 149.0, "strollers"),
    ]
    baby = shop_engine(tmp_path / "baby", chairs_and_strollers)
    need = baby.compare("need a stroller which folds with one hand, budget below 200", CustomerContext(), Focus())
    assert need.kind == "recommend" and [p.sku for p in need.products] == ["S1"]
    # two names, however loosely said, are compared as before
    loosely = engine.compare("the synthetic set or the class pack, which is cheaper?", CustomerContext(), Focus())
    assert loosely.kind == "compare" and {p.sku for p in loosely.products} >= {"B1"}


def test_words_shops_customers_shorten_or_glue(tmp_path):
    bikes = [
        furniture("B1", "Ferro Pendler 8 City Bike", 1190.0, "city bikes", security_level=None),
        furniture("B2", "Ferro Pendler 8 E-Bike", 3290.0, "city bikes"),
        furniture("L1", "Gatto Bar Lock", 69.0, "locks", security_level=11.0),
        furniture("L2", "Gatto Chain Lock", 119.0, "locks", security_level=15.0),
    ]
    assert [p.sku for p in find_products("how much is the pendler 8 ebike?", bikes)] == ["B2"]
    assert find_category("some choc under 8 bucks?", ["chocolate", "teas"]) == "chocolate"
    assert find_category("some tea please", ["chocolate", "teas"]) == "teas"
    query = find_spec_query("which lock is the most secure", ["security_level", "length_cm"])
    assert query is not None and query.key == "security_level" and query.direction == "max"


def test_a_brand_the_shop_does_not_carry_is_said_and_a_must_have_is_not_one(engine):
    refused = engine.understand("do you have chesterfield sofas?", CustomerContext(), Focus())
    assert refused is not None and refused.kind == "not_found" and "chesterfield" in refused.lines[0]
    assert not engine._names_something_else("sofas with a width of 200", "sofas")  # a spec's word is a need
    kept = engine.understand("a wide sofa please, i have a small flat", CustomerContext(), Focus())
    assert kept is not None and kept.kind != "not_found"  # "have a small flat" names no other product


def test_services_are_the_policy_pages_and_discounts_are_quoted_only_from_them(tmp_path):
    made_for_lessons = "A small guitar for players taking their first lessons."
    lessons = replace(furniture("G1", "Fir Parlour Guitar", 899.0, "guitars"), description=made_for_lessons)
    paying = "# Paying\n\nWe take cards.\n\n## Music schools\n\nPupils of a music school get 10% off every guitar.\n"
    engine = shop_engine(tmp_path, [lessons], {"paying.md": paying})
    assert engine.unoffered_service("do you offer guitar lessons?") == "lessons"
    school = engine.understand("my son goes to a music school, do we get a discount?", CustomerContext(), Focus())
    assert school is not None and "10% off" in school.rendered
    plain = engine.understand("can i get a discount on the parlour guitar?", CustomerContext(), Focus())
    assert plain is not None and "exactly as listed" in plain.rendered


def test_a_name_the_shop_has_never_heard_of_is_not_sold(engine):
    # "air" is a word of the shop's texts, but no "fryer" is; "handbags or belts" are two things it never heard of
    asked = ("got any barilla", "do you sell kivik?", "got any air fryers?", "got any leather handbags or belts?")
    # "at all" asks nothing more; "do you do …?" asks for a thing like "do you sell …?"
    asked += ("do you sell hammocks at all?", "do you do futons? my back is bad")
    for said in asked:
        answer = engine.understand(said, CustomerContext(), Focus())
        assert answer is not None and answer.kind == "not_found", said
    seaters = engine.understand("got any two seaters?", CustomerContext(), Focus())
    assert seaters is not None and seaters.products and seaters.products[0].sku == "S1"
    assert engine.understand("got it", CustomerContext(), Focus()) is None  # "it": no name asked for


def test_the_reasons_keep_the_specs_a_need_is_about_in_each_line(tmp_path):
    chairs = [
        furniture("C7", "Oak Heavy Duty Chair", 429.0, "office chairs", max_load_kg=180.0, colour="black", arms="yes"),
        furniture("C8", "Oak Task Chair", 129.0, "office chairs", max_load_kg=110.0, colour="grey", arms="no"),
    ]
    engine = shop_engine(tmp_path, chairs)
    context = CustomerContext(category="office chairs", use_case="working from home")
    answer = sales.with_reasons(engine.recommend(context, "a chair for a big guy, about 150kg"), context, [])
    assert [p.sku for p in answer.products] == ["C7"]
    assert "(max load 180 kg" in answer.lines[1]
    assert answer.lines[-1].startswith("None of these says it is made for working from home")


def test_a_correction_that_names_a_yes_no_need_shows_the_products_with_it(tmp_path):
    teas = [
        furniture("T1", "Dawn Breakfast Tea", 14.5, "teas", caffeine_free=False),
        furniture("T2", "Dusk Rooibos", 15.0, "teas", caffeine_free=True),
        furniture("T3", "Moss Green Tea", 22.0, "teas", caffeine_free=False),
    ]
    engine = shop_engine(tmp_path, teas)
    shown = Focus(engine.products()[:1] + engine.products()[2:])
    said = "oh sorry, i meant something without caffeine, it's for my mum"
    answer = engine.understand(said, CustomerContext(), shown)
    assert answer is not None and answer.kind == "recommend" and [p.sku for p in answer.products] == ["T2"]
    asked = engine.understand("does it have caffeine?", CustomerContext(), Focus([teas[0]], teas[0]))
    assert asked is not None and asked.kind == "lookup"  # a question about the tea in focus stays one


def test_a_need_that_names_no_category_is_met_in_the_category_of_the_products_most_like_it(tmp_path):
    def toy(sku: str, name: str, category: str, description: str) -> Product:
        return Product(sku, name, category, name.split()[0], 99.0, "PLN", 5, description)

    engine = shop_engine(
        tmp_path,
        [
            toy("R1", "Zip Balance Bike", "ride-ons", "a balance bike to ride on, for little riders who ride outside"),
            toy("R2", "Zip Scooter", "ride-ons", "a scooter to ride on to nursery, riders ride it outside"),
            toy("B1", "Tock Castle", "building sets", "bricks to build a castle, build and rebuild"),
            toy("B2", "Tock Farm", "building sets", "big bricks to build a farm"),
        ],
    )
    said = "need something to ride on outside"
    assert engine.guess_category(said) == "ride-ons"
    answer = engine.understand(said, CustomerContext(), Focus())
    assert answer is not None and answer.kind == "recommend" and {p.sku for p in answer.products} == {"R1", "R2"}
    assert engine.guess_category("something to build a castle") == "building sets"
    assert engine.guess_category("do you sell ride on bikes?") is None  # names a thing, states no need
    assert engine.guess_category("do we get anything off?") is None  # a discount question
    assert engine.guess_category("something nice") is None  # close to nothing in particular
    assert engine.guess_category("can you recommend something to ride on?") == "ride-ons"
    assert engine.guess_category("can you recommend something?") is None  # no need said: the customer is asked
    assert engine.guess_category("i need a gift", answers_what_kind=True) is None


def test_a_category_named_is_no_policy_question_though_a_policy_page_shares_its_words(tmp_path):
    bags = [
        furniture("B1", "Packly Tote School Bag", 79.0, "school bags", weight_g=900.0),
        furniture("B2", "Packly Lark School Bag", 59.0, "school bags", weight_g=380.0),
    ]
    orders = "# School orders\n\nSchools get 10% off when they order 30 or more of the same item.\n"
    engine = shop_engine(tmp_path, bags, {"school-orders.md": orders})
    assert engine.policy_topic("lightest school bag?") is None
    assert engine.policy_topic("do you do anything for school orders?") == "school-orders"
    answer = engine.understand("lightest school bag?", CustomerContext(), Focus())
    assert answer is not None and [p.sku for p in answer.products] == ["B2"]


def test_a_childs_age_said_keeps_to_the_products_made_for_it(tmp_path):
    sets = [
        furniture("K1", "Brikko Marble Tower", 179.0, "building sets", age_years="6-10"),
        furniture("K2", "Brikko Big Farm", 139.0, "building sets", age_years="2-5"),
        furniture("K3", "Brikko Robo Rover", 459.0, "building sets", age_years="9+"),
        furniture("K4", "Brikko Starter Box", 99.0, "building sets", age_years=4),
    ]
    engine = shop_engine(tmp_path, sets)
    context = CustomerContext(category="building sets")
    assert [p.sku for p in engine.recommend(context, "something to build for my 6 year old").products] == ["K1", "K4"]
    assert [p.sku for p in engine.recommend(context, "a present for a 3-year-old").products] == ["K2"]
    assert {p.sku for p in engine.recommend(context, "for my nephew, aged 12").products} == {"K3", "K4"}
    assert len(engine.recommend(context, "something to build").products) == 3


def test_a_category_with_a_need_gets_recommendations_and_a_bare_category_an_overview(engine):
    need = engine.understand("a sofa for movie nights with the family", CustomerContext(), Focus())
    assert need is not None and need.kind == "recommend"
    bare = engine.understand("sofas?", CustomerContext(), Focus())
    assert bare is not None and bare.kind == "overview"
    about_one = engine.understand("how wide is the two seater sofa?", CustomerContext(), Focus())
    assert about_one is not None and about_one.kind == "lookup" and about_one.products[0].sku == "S1"


def test_a_policy_question_naming_a_product_gets_the_policy_and_a_type_said_narrows_a_ranking(tmp_path):
    ride_ons = [
        furniture("R1", "Zoomi Trio Scooter", 199.0, "ride-ons", type="scooter", weight_kg=2.4),
        furniture("R2", "Rowa Biegacz Balance Bike", 219.0, "ride-ons", type="balance bike", weight_kg=2.9),
        furniture("R3", "Rowa Biegacz Max Balance Bike", 259.0, "ride-ons", type="balance bike", weight_kg=3.4),
    ]
    returns = "# Returns\n\nYou can send back any toy within 30 days of delivery for a full refund.\n"
    engine = shop_engine(tmp_path, ride_ons, {"returns.md": returns})
    said = "if i buy the trio scooter as a present, can i send it back?"
    assert engine.direct_answer(said, Focus()) == "policy"
    answer = engine.understand(said, CustomerContext(), Focus())
    assert answer is not None and answer.kind == "policy" and "30 days" in answer.lines[0]
    assert engine.direct_answer("is the zoomi trio in stock?", Focus()) == "product"
    cheapest = engine.understand("whats the cheapest balance bike", CustomerContext(), Focus())
    assert cheapest is not None and cheapest.products[0].sku == "R2"


def test_a_value_word_said_is_a_must_have_and_the_closest_options_meet_every_need_but_the_budget(tmp_path):
    pens = [
        furniture("P1", "Inka Student Pen", 24.9, "fountain pens", nib_material="steel"),
        furniture("P2", "Inka Brass Pen", 129.0, "fountain pens", nib_material="steel"),
        furniture("P3", "Kofu Maki Pen", 1280.0, "fountain pens", nib_material="18k gold"),
        furniture("P4", "Kofu Classic Pen", 229.0, "fountain pens", nib_material="14k gold"),
    ]
    engine = shop_engine(tmp_path, pens)
    context = CustomerContext(category="fountain pens", budget=200)
    answer = engine.recommend(context, "gold nib fountain pen under 200 dollars?")
    assert [p.sku for p in answer.products] == ["P4"]  # over budget, but the only gold nib near it
    assert "P1" not in answer.rendered and "Student" not in answer.rendered
    gold = engine.recommend(replace(context, budget=None), "a gold nib pen")
    assert {p.sku for p in gold.products} == {"P3", "P4"}


def test_a_service_no_page_offers_overrules_any_flow(engine):
    assert engine.direct_answer("can i rent a sofa for a few months?", Focus()) == "service"
    assert engine.direct_answer("can i trade in my old sofa?", Focus()) == "service"
    answer = engine.understand("can i rent a sofa for a few months?", CustomerContext(), Focus())
    assert answer is not None and "nothing in our catalogue or shop policies mentions rent" in answer.rendered
    assert engine.direct_answer("can i return a sofa?", Focus()) != "service"


def test_the_kinds_own_words_and_a_budgets_are_no_must_have(tmp_path):
    locks = [
        furniture("L1", "Kolka Kabel Cable", 24.0, "locks", lock_type="cable", weight_kg=0.4),
        furniture("L2", "Eisen Buegel 14", 69.0, "locks", lock_type="u-lock", weight_kg=1.1),
        furniture("L3", "Eisen Kette 110", 89.0, "locks", lock_type="chain lock", weight_kg=2.2),
    ]
    engine = shop_engine(tmp_path, locks)
    lightest = engine.understand("what's the lightest lock you sell", CustomerContext(), Focus())
    assert lightest is not None and lightest.products[0].sku == "L1"
    shoes = [
        furniture("R1", "Velo Cloud 3", 139.99, "running shoes", cushioning="max"),
        furniture("R2", "Kine Daily 12", 109.99, "running shoes", cushioning="balanced"),
    ]
    engine = shop_engine(tmp_path / "shoes", shoes)
    context = CustomerContext(category="running shoes", budget=120)
    assert [p.sku for p in engine.recommend(context, "cheap running shoes for the gym, max 120").products] == ["R2"]


def test_a_service_a_page_offers_is_answered_from_that_page(tmp_path):
    knife = furniture("K1", "Birch Chef's Knife", 90.0, "chef's knives")
    pages = {
        "knife-workroom.md": "# Knife workroom\n\nWe sharpen any knife by hand for 8.00. "
        "Knives bought here are sharpened free for 12 months.\n",
        "paying.md": "# Paying\n\nWe take cards.\n",
    }
    engine = shop_engine(tmp_path, [knife], {**pages})
    assert engine.policy_topic("will you sharpen it for him when it goes blunt?") == "knife-workroom"
    focus = Focus([knife], knife)
    answer = engine.understand("will you sharpen it for him when it goes blunt?", CustomerContext(), focus)
    assert answer is not None and answer.kind == "policy" and "12 months" in answer.rendered
    assert engine.unoffered_service("can you shorten it?") == "shorten"  # no page mentions shortening
    # a plural in -ves is the same word as its singular: "knife" names the category, not the knife page
    assert engine.match_category("any knife under 100?") == "chef's knives"
    assert engine.policy_topic("cheapest chef's knife?") is None


def test_a_superlative_over_a_word_some_names_end_in_ranks_the_whole_category(tmp_path):
    knitwear = [
        furniture("K1", "Ovis Merino Crew Jumper", 190.0, "knitwear"),
        furniture("K2", "Ovis Merino Roll-Neck Jumper", 210.0, "knitwear"),
        furniture("K3", "Ovis Cotton Cable Sweater", 120.0, "knitwear"),
        furniture("K4", "Lana Shawl Cardigan", 260.0, "knitwear"),
    ]
    engine = shop_engine(tmp_path, knitwear)
    answer = engine.understand("cheapest jumper you sell", CustomerContext(), Focus())
    assert answer is not None and [p.sku for p in answer.products] == ["K3"]
    named = engine.understand("how much is the ovis merino roll-neck jumper?", CustomerContext(), Focus())
    assert named is not None and [p.sku for p in named.products] == ["K2"]


def test_a_value_the_customer_rules_out_leaves_out_the_products_with_it(tmp_path):
    knitwear = [
        furniture("K1", "Ovis Fisherman Sweater", 190.0, "knitwear", material="highland wool"),
        furniture("K2", "Ovis Shawl Cardigan", 210.0, "knitwear", material="lambswool"),
        furniture("K3", "Lana Cable Sweater", 120.0, "knitwear", material="organic cotton"),
    ]
    engine = shop_engine(tmp_path, knitwear)
    for said in ("i'm allergic to wool, any sweater?", "a sweater without wool please"):
        answer = engine.recommend(CustomerContext(category="knitwear"), said)
        assert [p.sku for p in answer.products] == ["K3"], said
    wool = engine.recommend(CustomerContext(category="knitwear"), "a wool sweater")
    assert "K1" in {p.sku for p in wool.products} and "K3" not in {p.sku for p in wool.products}


def test_a_reason_given_after_the_question_is_no_attribute_the_catalogue_lacks(engine):
    said = "how heavy is the birch corner sofa? it has to go up to a loft flat"
    answer = engine.understand(said, CustomerContext(), Focus())
    assert answer is not None and answer.kind == "lookup" and "71 kg" in answer.rendered
    unknown = engine.understand("what colour is the birch corner sofa?", CustomerContext(), Focus())
    assert unknown is not None and "doesn't list colour" in unknown.rendered


def test_anything_else_after_a_product_means_more_of_its_kind_not_a_product_sharing_a_word(tmp_path):
    shop = [
        furniture("M1", "Kora 5 Stand Mixer", 500.0, "stand mixers", stock=0),
        furniture("M2", "Kora 6 Pro Stand Mixer", 900.0, "stand mixers"),
        furniture("B1", "Brood Bamboo Bread Bin", 50.0, "food storage"),
        furniture("B2", "Vars Glass Jar Set", 40.0, "food storage"),
    ]
    engine = shop_engine(tmp_path, shop)
    sold_out = shop[0]
    said = "anything else that can knead big batches of bread dough?"
    answer = engine.understand(said, CustomerContext(), Focus([sold_out], sold_out))
    assert answer is not None and [p.sku for p in answer.products] == ["M2"]
    bin_asked = engine.understand("how much is the brood bread bin?", CustomerContext(), Focus([sold_out], sold_out))
    assert bin_asked is not None and [p.sku for p in bin_asked.products] == ["B1"]


def test_can_i_send_it_back_is_answered_by_the_period_first(tmp_path):
    mixer = furniture("M1", "Kora 5 Stand Mixer", 500.0, "stand mixers")
    returns = (
        "# Sending it back\n\n## Changed your mind\n\nAnything you haven't used can be sent back within **35 days** "
        "of delivery for a full refund.\n\n## How to send it back\n\n- Stand mixers: a courier collects the mixer "
        "for **25.00**, taken off your refund.\n- Bring it to our shop and the return is free.\n"
    )
    engine = shop_engine(tmp_path, [mixer], {"sending-it-back.md": returns, "paying.md": "# Paying\n\nCards.\n"})
    said = "if it's too big for my counter can i send it back?"
    answer = engine.understand(said, CustomerContext(), Focus([mixer], mixer))
    assert answer is not None and answer.kind == "policy"
    assert "35 days" in answer.lines[0]
    plain = engine.understand("can i return it if i don't like it?", CustomerContext(), Focus())
    assert plain is not None and "35 days" in plain.lines[0]


def test_a_product_named_for_a_service_word_is_a_product(tmp_path):
    wraps = furniture("W1", "Bee Wrap Set", 20.0, "food storage")
    engine = shop_engine(tmp_path, [wraps], {"paying.md": "# Paying\n\nCards.\n"})
    assert engine.unoffered_service("can you gift wrap it?") is None  # "wrap" is a product's name here
    other = shop_engine(tmp_path / "other", [furniture("J1", "Lana Jumper", 90.0, "knitwear")], {})
    assert other.unoffered_service("can you gift wrap it for him?") == "wrap"


def test_a_typo_of_a_word_of_the_pages_finds_the_section_that_has_it(tmp_path):
    pen = furniture("P1", "Nova Fountain Pen", 120.0, "fountain pens")
    page = (
        "# Refunds and warranty\n\n## Refunds\n\nUnused fountain pens can be returned within 14 days.\n\n"
        "## Warranty\n\nFountain pens: a warranty of 5 years against faults.\n"
    )
    engine = shop_engine(tmp_path, [pen], {"refunds-and-warranty.md": page})
    answer = engine.understand("whats the waranty on it", CustomerContext(), Focus([pen], pen))
    assert answer is not None and answer.kind == "policy" and "5 years" in answer.lines[0]


def test_how_many_people_is_no_budget_and_a_players_range_must_include_them(tmp_path):
    games = [
        furniture("G1", "Gryf Flash Card Game", 39.9, "board games", players="2-8"),
        furniture("G2", "Gryf Forest Rescue", 149.0, "board games", players="1-4"),
        furniture("G3", "Gryf Traders", 179.0, "board games", players="3-6"),
    ]
    engine = shop_engine(tmp_path, games)
    for said in ("need a game for a family party, there'll be about 8 of us", "a board game for 8 players"):
        answer = engine.understand(said, CustomerContext(), Focus())
        assert answer is not None and [p.sku for p in answer.products] == ["G1"], said
    assert parse_budget("about 8 of us", cued_only=True) is None


def test_the_product_question_path_answers_a_policy_question_about_a_product_and_glued_spec_words(tmp_path):
    books = [
        furniture("N1", "Rosa Dot Journal", 30.0, "notebooks", hardcover=True),
        furniture("N2", "Rosa Pocket Notebook", 9.0, "notebooks", hardcover=False),
    ]
    pages = {"returns.md": "# Returns\n\nSend back any notebook within 30 days of delivery for a refund.\n"}
    engine = shop_engine(tmp_path, books, pages)
    back = engine.product_question("can i return the rosa dot journal if she has one?", CustomerContext())
    assert back.kind == "policy" and "30 days" in back.rendered
    hard = engine.product_question("which notebooks have a hard cover?", CustomerContext())
    assert hard.kind == "recommend" and [p.sku for p in hard.products] == ["N1"]


def test_a_version_of_the_product_in_focus_with_a_feature_is_that_version(tmp_path):
    pens = [
        furniture("P1", "Fjord Student Pen", 24.9, "fountain pens", left_handed=False),
        furniture("P2", "Fjord Student Pen Left-Handed", 26.9, "fountain pens", left_handed=True),
    ]
    engine = shop_engine(tmp_path, pens)
    focus = Focus([pens[0]], pens[0])
    answer = engine.product_question("he's left handed, is there a version for them?", CustomerContext(), focus=focus)
    assert [p.sku for p in answer.products] == ["P2"]


def test_another_word_for_a_kind_carries_its_feature(tmp_path):
    bikes = [
        furniture("B1", "Lind Tur E-Bike", 2490.0, "city bikes", electric=True),
        furniture("B2", "Stad Sprint Bike", 640.0, "city bikes", electric=False),
    ]
    engine = shop_engine(tmp_path, bikes)
    answer = engine.recommend(CustomerContext(category="city bikes"), "looking for an ebike")
    assert [p.sku for p in answer.products] == ["B1"]
    oils = [
        furniture("O1", "Grove Early Harvest Olive Oil", 28.0, "olive oils", extra_virgin=True),
        furniture("O2", "Grove Lemon Pressed Olive Oil", 26.0, "olive oils", extra_virgin=False),
    ]
    oil_shop = shop_engine(tmp_path / "oils", oils)
    # the category's own name says nothing of its synonyms' features ("extra virgin olive oil")
    listed = oil_shop.recommend(CustomerContext(category="olive oils"), "what olive oils have you got")
    assert {p.sku for p in listed.products} == {"O1", "O2"}
    # but another word for it that says more does ("evoo": extra virgin olive oil)
    evoo = oil_shop.recommend(CustomerContext(category="olive oils"), "a big tin of evoo for everyday cooking")
    assert [p.sku for p in evoo.products] == ["O1"]


def test_a_spec_named_by_its_own_word_is_answered_though_one_more_word_is_unknown(tmp_path):
    drill = furniture("D1", "Kraft KH18 Hammer Drill", 249.0, "cordless drills", torque_nm=80.0, weight_kg=1.9)
    engine = shop_engine(tmp_path, [drill])
    answer = engine.understand(
        "whats the torque on the kh18 hammer drill, in newton metres", CustomerContext(), Focus()
    )
    assert answer is not None and answer.kind == "lookup" and "80" in answer.rendered
    unknown = engine.product_question("what is the weight limit of the tool basket on the kh18", CustomerContext())
    assert unknown.kind == "not_found"  # a spec word, but more words than one it doesn't explain


def test_a_category_with_a_budget_in_a_currency_word_is_no_other_brand(tmp_path):
    sanders = [
        furniture("S1", "Kraft Sheet Sander", 59.0, "sanders"),
        furniture("S2", "Kraft Belt Sander", 129.0, "sanders"),
    ]
    engine = shop_engine(tmp_path, sanders)
    answer = engine.understand("got any sanders under 80 euro", CustomerContext(), Focus())
    assert answer is not None and answer.kind == "recommend" and [p.sku for p in answer.products] == ["S1"]
    assert engine.understand("do u have bosch or makita products?", CustomerContext(), Focus()).kind == "not_found"


def test_words_of_a_product_name_ask_nothing_of_a_policy_page(tmp_path):
    ladders = [
        furniture("L1", "Loft Trade 3x10 Extension Ladder", 329.0, "ladders", stock=0),
        furniture("T1", "Bosca Tool Chest", 189.0, "tool storage"),
    ]
    pages = {
        "tool-hire.md": "# Tool hire\n\nHire a floor sander for 50 EUR a day.\n",
        "paying.md": "# Paying\n\nTrade accounts get 30 days to pay and 10% off.\n",
    }
    engine = shop_engine(tmp_path, ladders, pages)
    for said in ("is the loft trade 3x10 extension ladder in?", "have ye any of the bosca tool chest left"):
        answer = engine.understand(said, CustomerContext(), Focus())
        assert answer is not None and answer.kind == "lookup", said


def test_policy_cues_typos_phrases_and_services(tmp_path):
    drill = furniture("D1", "Kraft KH18 Hammer Drill", 249.0, "cordless drills")
    pages = {
        "returns-and-faulty-tools.md": "# Returns\n\nSend back unused tools within 30 days. Faulty tools have a "
        "guarantee of 2 years.\n",
        "guarantees-and-paying.md": "# Guarantees\n\nKraft drills: a guarantee of 3 years.\n\n# Paying\n\nPay by "
        "card.\n",
        "delivery.md": "# Delivery\n\nCourier 7.95 EUR, free over 100 EUR, with tracking. Drill fitting at home "
        "costs 40 EUR.\n",
    }
    engine = shop_engine(tmp_path, [drill], pages)
    assert engine.policy_topic("whats the guarentee on the kraft drills") == "guarantees-and-paying"
    assert engine.policy_topic("an unopened drill, do i pay to send it back?") == "returns-and-faulty-tools"
    assert engine.policy_topic("would ye post it down to ennis?") == "delivery"
    assert engine.policy_topic("what should we get for taking them out for walks") is None  # "taking": no "tracking"
    assert engine.policy_topic("can someone come home and fit it for me?") == "delivery"
    assert engine.policy_topic("will it fit in my van?") is None


def test_one_word_of_another_name_does_not_pull_a_question_about_it_away_from_the_focus(tmp_path):
    buggy = furniture("B1", "Tinku Umbrella Buggy", 3990.0, "strollers", age_months="6-36", reclines_flat=False)
    chair = furniture("H1", "Thali Newborn Recliner High Chair", 16490.0, "high chairs", age_months="0-36")
    engine = shop_engine(tmp_path, [buggy, chair])
    focus = Focus([buggy], buggy)
    for said in ("ok for a newborn? what age is it for", "does it recline fully so she can sleep in it?"):
        answer = engine.understand(said, CustomerContext(), focus)
        assert answer is not None and [p.sku for p in answer.products] == ["B1"], said
    named = engine.understand("how old is the thali newborn recliner for?", CustomerContext(), focus)
    assert named is not None and [p.sku for p in named.products] == ["H1"]


def test_what_a_product_clicks_onto_is_what_the_catalogue_lists_with_it(tmp_path):
    seat = replace(furniture("C1", "Kavi Infant Car Seat", 11990.0, "car seats"), related=("S1",))
    strollers = [
        furniture("S1", "Rasta Travel Stroller", 18990.0, "strollers"),
        furniture("S2", "Lo Pram", 9.0, "strollers"),
    ]
    engine = shop_engine(tmp_path, [seat, *strollers])
    answer = engine.understand("which stroller can it click on to?", CustomerContext(), Focus([seat], seat))
    assert answer is not None and answer.kind == "cross_sell" and [p.sku for p in answer.products] == ["S1"]


def test_with_a_counted_part_leaves_out_the_products_that_have_none(tmp_path):
    drills = [
        furniture("D1", "Tarn T18 Combi Drill Kit", 189.0, "cordless drills", batteries_included=2, weight_kg=1.6),
        furniture(
            "D2", "Tarn T18 Combi Drill Body Only", 109.0, "cordless drills", batteries_included=0, weight_kg=1.2
        ),
    ]
    engine = shop_engine(tmp_path, drills)
    answer = engine.understand("a cordless drill with a battery in the box, under 300 euro", CustomerContext(), Focus())
    assert answer is not None and [p.sku for p in answer.products] == ["D1"]


def test_a_page_named_by_its_kind_answers_with_the_section_that_has_the_questions_words(tmp_path):
    drill = furniture("D1", "Kraft KH18 Hammer Drill", 249.0, "cordless drills")
    pages = {
        "collect-and-delivery.md": "# Collect and delivery\n\n## Click and collect\n\nCollect free of charge from "
        "our shop in Galway within 1 hour.\n\n## Courier\n\nDrills go by courier for 7.95 EUR, free over 100 EUR.\n",
        "guarantees-and-paying.md": "# Guarantees and paying\n\n## Guarantees\n\nKraft drills: 2 years.\n\n"
        "## Paying\n\nOrders over 150 EUR can be paid in 3 interest-free instalments.\n",
    }
    engine = shop_engine(tmp_path, [drill], pages)
    focus = Focus([drill], drill)
    posted = engine.understand("would ye post it down to ennis?", CustomerContext(), focus)
    assert posted is not None and posted.kind == "policy" and "7.95" in posted.lines[0]
    spread = engine.understand("can i spread the cost of a big order?", CustomerContext(), focus)
    assert spread is not None and spread.kind == "policy" and "instalments" in spread.lines[0]


def test_a_correction_after_products_were_shown_stays_with_their_kind_and_ranks_by_the_need_said(tmp_path):
    ladders = [
        furniture("L1", "Hoch Combi Ladder", 169.0, "ladders", steps=16),
        furniture("L2", "Hoch Kitchen Step Stool", 49.0, "ladders", steps=2),
        furniture("L3", "Hoch Extension Ladder", 239.0, "ladders", steps=24),
    ]
    ladders[0] = replace(ladders[0], description="Folds into an uneven stance for the stairs.")
    ladders[1] = replace(ladders[1], description="Keep it by the fridge.")
    ladders[2] = replace(ladders[2], description="A ladder for the gutters of a house.")
    sanders = [furniture("S1", "Birk Detail Sander", 45.0, "sanders")]
    sanders[0] = replace(sanders[0], description="Something small, just to reach the top shelf and corners.")
    engine = shop_engine(tmp_path, [*ladders, *sanders])
    stairs = engine.understand("i need a ladder for the stairs", CustomerContext(), Focus())
    assert stairs is not None and stairs.products[0].sku == "L1"
    said = "sorry, i meant something small just to reach the top shelf"
    small = engine.understand(said, CustomerContext(), Focus(list(stairs.products), stairs.products[0]))
    assert small is not None and small.products and {p.category for p in small.products} == {"ladders"}


def test_the_regressions_the_tuning_shops_showed_stay_fixed(tmp_path):
    tent = furniture("T1", "Fjell Dome 2 Tent", 1290.0, "tents", packed_weight_kg=2.6)
    jumpers = [
        furniture("J1", "Ovce Cotton Sweater", 1290.0, "knitwear", wool_percent=0, material="organic cotton"),
        furniture("J2", "Ovce Merino Jumper", 1890.0, "knitwear", wool_percent=100, material="merino wool"),
    ]
    boots = [furniture("B1", "Svec Chelsea Boot", 3290.0, "leather boots")]
    lock = replace(furniture("L1", "Riegel 18 U-Lock", 119.0, "locks"), related=("L2",))
    cable = furniture("L2", "Riegel Cable Lock", 24.0, "locks")
    engine = shop_engine(tmp_path, [tent, *jumpers, *boots, lock, cable])
    # "packed" is a word of the key, but its noun is "weight": the size is not recorded
    assert engine.product_question("what's the packed size of the dome 2 tent?", CustomerContext()).kind == "not_found"
    # a share of wool is no count of wool, and the wool ruled out is not a must-have
    cosy = engine.understand("i'm allergic to wool but i want a cosy jumper", CustomerContext(), Focus())
    assert cosy is not None and [p.sku for p in cosy.products] == ["J1"]
    # the NLU's "leather" names the leather boots; the message asks for handbags
    bags = engine.product_question("got any leather handbags or belts?", CustomerContext(), named="leather")
    assert bags.kind == "not_found" and "handbags" in bags.rendered
    # "if it doesn't fit on my frame" asks nothing of what goes with the lock
    back = engine.understand("can i send it back if it doesnt fit on my frame?", CustomerContext(), Focus([lock], lock))
    assert back is None or back.kind != "cross_sell"


def test_which_of_two_loosely_named_products_is_cheaper_compares_them_not_the_catalogue(tmp_path):
    teas = [
        furniture("T1", "Jade Sencha Green Tea", 22.0, "teas"),
        furniture("T2", "Jade Oolong Tea", 34.0, "teas"),
        furniture("P1", "Rossa Spaghetti", 6.9, "pasta"),
    ]
    engine = shop_engine(tmp_path, teas)
    answer = engine.product_question("which is cheaper, the sencha or the oolong?", CustomerContext())
    assert answer.kind == "compare" and {p.sku for p in answer.products} == {"T1", "T2"}


def test_how_high_a_part_goes_asks_about_the_product_in_focus(tmp_path):
    scooter = furniture("R1", "Hulaj Rakieta Folding Scooter", 349.0, "ride-ons", handlebar_height_cm="75-98")
    engine = shop_engine(tmp_path, [scooter], {"safety.md": "# Safety\n\nThe handlebar should be at hip height.\n"})
    answer = engine.understand("how high do the handlebars go", CustomerContext(), Focus([scooter], scooter))
    assert answer is not None and answer.kind == "lookup" and "75-98" in answer.rendered


def test_small_general_readings(tmp_path):
    chai = furniture("C1", "Crane Spiced Chai", 18.5, "teas", caffeine_free=False)
    oolong = replace(furniture("C2", "Crane Milk Oolong", 34.0, "teas", caffeine_free=False), related=("C1",))
    pastas = [
        furniture("P1", "Bea Gluten Free Fusilli", 7.5, "pasta", gluten_free=True, weight_g=400),
        furniture("P2", "Bea Red Lentil Penne", 8.9, "pasta", gluten_free=True, weight_g=250),
        furniture("P3", "Rossa Rigatoni", 7.2, "pasta", gluten_free=False, weight_g=500),
    ]
    pages = {
        "delivery.md": "# Delivery\n\nParcels arrive in 2 to 3 working days.\n\n## Collect\n\nCollect it yourself "
        "from our shop in Drammen, free.\n"
    }
    engine = shop_engine(tmp_path, [chai, oolong, *pastas], pages)
    # the catalogue says whether, not how much
    caffeine = engine.product_question("how much caffeine is in the spiced chai", CustomerContext())
    assert caffeine.kind == "not_found" and "how much caffeine" in caffeine.rendered
    # "goes with milk": what it is for, not what the catalogue lists with the Milk Oolong
    assert engine.goes_with([oolong], "a strong brew that goes with milk", None) is None
    assert engine.goes_with([oolong], "what goes with it?", None) is not None
    coeliac = engine.understand("what pasta would work for my flatmate, she's coeliac", CustomerContext(), Focus())
    assert coeliac is not None and {p.sku for p in coeliac.products} == {"P1", "P2"}
    bigger = engine.understand("which of those is the bigger pack", CustomerContext(), Focus(list(coeliac.products)))
    assert bigger is not None and bigger.products[0].sku == "P1"
    assert engine.policy_topic("when would it arrive in christchurch?") == "delivery"
    assert engine.policy_topic("do you set it up for me?") is None  # no page offers it
    mower = furniture("M1", "Troll Robo 1200 Robotic Mower", 14990.0, "lawn mowers")
    pages = {
        "paying.md": "# Paying\n\nCards.\n",
        "service.md": "# Service\n\nWe install robotic mowers for 2,490 NOK.\n",
    }
    installing = shop_engine(tmp_path / "mowers", [mower], pages)
    assert installing.policy_topic("do you set it up for me? i live just outside the city") == "service"


def test_a_short_question_after_a_policy_answer_carries_on_with_that_page(tmp_path):
    pages = {
        "paying.md": "# Paying\n\nCash on delivery is available on orders up to 15,000 INR, for a fee of 49 INR.\n",
        "returns.md": "# Returns\n\nSend back anything within 10 days.\n",
    }
    engine = shop_engine(tmp_path, [furniture("S1", "Rasta Stroller", 18990.0, "strollers")], pages)
    answer = engine.understand("upto what amount?", CustomerContext(), Focus(policy_topic="paying"))
    assert answer is not None and answer.kind == "policy" and "15,000" in answer.rendered


def test_a_page_named_by_a_word_every_product_uses_is_not_what_a_question_about_products_is_about(tmp_path):
    boards = [
        furniture("B1", "Ondina 7'0 Funboard", 1990.0, "surfboards", volume_l=52.0),
        furniture("B2", "Ondina 9'0 Longboard", 2890.0, "surfboards", volume_l=75.0),
        furniture("B3", "Reef 6'0 Shortboard", 2490.0, "surfboards", volume_l=30.0),
    ]
    boards = [replace(b, description=f"A board for {b.name.split()[-1].lower()} days.") for b in boards]
    pages = {
        "board-hire-and-repair.md": "# Board hire\n\nHire a board for R$ 60 a day.\n",
        "100-day-trial.md": "# Trial\n\nTry any board for 100 days and send it back if you don't love it.\n",
        "trocas-and-defeitos.md": "# Trocas\n\nRefunds and returns within 7 days of delivery. Send it back unused "
        "and we refund you. A return by post costs R$ 29.\n\n## Defeitos\n\nA faulty board is repaired free.\n",
    }
    engine = shop_engine(tmp_path, boards, pages)
    assert engine.policy_topic("any epoxy boards under 2500?") is None
    assert engine.policy_topic("a board under 100 reais") is None  # "100" names no page either
    assert engine.policy_topic("can i hire one for the weekend?") == "board-hire-and-repair"
    # a page named for defects whose text is about returns is the returns page too
    assert engine.policy_topic("can i send it back if i change my mind?") == "trocas-and-defeitos"
    # renting is what a page that hires out offers
    assert engine.unoffered_service("can i rent a board first?") is None
    rent = engine.understand("can i rent a board first?", CustomerContext(), Focus())
    assert rent is not None and rent.kind == "policy" and "60" in rent.rendered
    floats = engine.understand("which board floats the most?", CustomerContext(), Focus())
    assert floats is not None and floats.products[0].sku == "B2"


def test_sending_or_bringing_a_product_somewhere_asks_about_delivery(tmp_path):
    pages = {
        "delivery.md": "# Delivery\n\nPest county: 7,990 Ft. Everywhere else: 14,990 Ft.\n",
        "returns.md": "# Returns\n\nBring it back within 30 days.\n",
    }
    engine = shop_engine(tmp_path, [furniture("B1", "Kovacs Metal Bed 90x200", 49990.0, "bed frames")], pages)
    for said in ("do you send beds to szeged?", "how much to send it there?", "can you bring it out to vac?"):
        assert engine.policy_topic(said) == "delivery", said
    assert engine.policy_topic("can i bring it back?") == "returns"


def test_sizes_and_variants_name_the_products_they_tell_apart():
    beds = [
        furniture("K90", "Vasvirag Kovács Metal Bed 90x200", 49990.0, "bed frames"),
        furniture("K140", "Vasvirag Kovács Metal Bed 140x200", 79990.0, "bed frames"),
        furniture("M1", "Szundi Kékes Memory Foam Mattress 160x200", 189990.0, "mattresses"),
        furniture("M2", "Szundi Kékes Plus Memory Foam Mattress 160x200", 239990.0, "mattresses"),
        furniture("J1", "Tubarao Joaquina 6'0 Shortboard", 2890.0, "surfboards"),
        furniture("J2", "Tubarao Joaquina 6'4 Step-Up", 3190.0, "surfboards"),
        furniture("J3", "Mare Joaquina 2mm Spring Suit", 690.0, "wetsuits"),
    ]

    def named(text: str) -> list[str]:
        return [p.sku for p in find_products(text, beds)]

    assert named("kovacs metal bed 90 vs 140, whats the difference") == ["K90", "K140"]  # in the order said
    assert named("the kovacs 140") == ["K140"]
    assert named("kovacs bed 140x190") == []  # another size is no size of theirs
    assert named("kékes vs kékes plus - which one is thicker?") == ["M1", "M2"]  # the plain one, before the plus
    assert named("the kekes plus") == ["M2"]
    assert named("joaquina 6'4") == ["J2"]  # a word three names share and a model number, in one name only
    assert named("joaquina 6'0 x joaquina 6'4, which one is lighter?") == ["J1", "J2"]


def test_amounts_in_more_currencies_and_languages():
    assert parse_budget("até R$ 1.500", cued_only=True) == 1500
    assert parse_budget("any board for less than 2 mil reais?", cued_only=True) == 2000
    assert parse_budget("need a cheap duvet, under fifteen thousand forints", cued_only=True) == 15000
    assert parse_budget("goggles for my son, 100 reais", cued_only=True) == 100
    assert parse_budget("a 7 ft board under 3000", cued_only=True) == 3000  # feet are no forints
    assert parse_budget("max 20 ezer", cued_only=True) == 20000
    assert parse_budget("need some neoprene, até uns 700", cued_only=True) == 700


def test_what_someone_of_the_shop_is_asked_to_do_finds_the_page_that_offers_it(tmp_path):
    beds = [furniture("B1", "Kovacs Metal Bed 140x200", 79990.0, "bed frames", width_cm=140.0)]
    pages = {
        "delivery-and-assembly.md": "# Delivery\n\nOur crew delivers for 4,990 Ft.\n\n## Assembly\n\nOur crew can "
        "put your bed together for 11,990 Ft.\n\n## Old mattresses\n\nWe take your old mattress away for 5,990 Ft "
        "and send it for recycling.\n",
        "paying.md": "# Paying\n\nPay in 3 instalments, or in 6 instalments, or in 12 instalments.\n",
        "duvet-care.md": "# Care\n\nWe wash and dry down duvets for 13,990 Ft.\n",
    }
    engine = shop_engine(tmp_path, beds, pages)
    assert engine.policy_topic("can your guys put the bed together for us?") == "delivery-and-assembly"
    assert engine.policy_topic("will someone install it?") == "delivery-and-assembly"  # no "instalments"
    assert engine.policy_topic("if it gets dirty can you wash it for me?") == "duvet-care"
    removal = engine.understand("can the guys take my old mattress away? what does it cost", CustomerContext(), Focus())
    assert removal is not None and "5,990 Ft" in removal.rendered
    custom = engine.understand("can you make a bed in a custom size?", CustomerContext(), Focus())
    assert custom is not None and custom.kind == "not_found" and "custom" in custom.rendered


def test_what_is_asked_is_the_question_not_the_remark_after_it(tmp_path):
    pillows = [
        furniture("P1", "Zoldag Spelt Husk Pillow 40x50", 9990.0, "pillows", stock=1, weight_g=1800.0, width_cm=40.0),
        furniture("P2", "Hajnal Down Pillow 70x90", 36990.0, "pillows", stock=1, weight_g=1000.0, width_cm=70.0),
    ]
    engine = shop_engine(tmp_path, pillows)
    heavy = engine.understand("how heavy is the spelt pillow? my gran says it weighs a ton", CustomerContext(), Focus())
    assert heavy is not None and heavy.kind == "lookup" and "1800 g" in heavy.rendered
    # "big" says which one; "do u still have" asks whether it is in stock
    for said in ("do u still have the big hajnal down pillow, the 70x90 one?", "hajnal 70x90 - do you have it atm?"):
        stocked = engine.understand(said, CustomerContext(), Focus())
        assert stocked is not None and stocked.kind == "lookup" and "only 1 left" in stocked.rendered, said


def test_a_least_size_is_a_need_not_a_ranking(tmp_path):
    beds = [
        furniture("B1", "Kovacs Metal Bed 90x200", 49990.0, "bed frames", width_cm=90.0),
        furniture("B2", "Kovacs Metal Bed 140x200", 79990.0, "bed frames", width_cm=140.0),
        furniture("B3", "Taroló Storage Bed 160x200", 139990.0, "bed frames", width_cm=160.0),
        furniture("B4", "Duna Oak Bed 180x200", 249990.0, "bed frames", width_cm=180.0),
    ]
    engine = shop_engine(tmp_path, beds)
    answer = engine.understand("double bed frame, 140 wide or more, max 150000", CustomerContext(), Focus())
    assert answer is not None and answer.kind == "recommend"
    assert {p.sku for p in answer.products} == {"B2", "B3"}


def test_a_thing_needed_for_something_else(tmp_path):
    boards = [
        furniture("S1", "Galheta 9'2 Longboard", 4490.0, "surfboards", length_cm=280.0),
        furniture("L1", "Cordao Galheta 10 Knee Leash", 159.0, "leashes", length_ft=10.0),
        furniture("L2", "Amarra Comp 6 Leash", 129.0, "leashes", length_ft=6.0),
    ]
    pages = {"repairs.md": "# Repairs\n\nLeave the board dry and without wax on the damaged area.\n"}
    engine = shop_engine(tmp_path, boards, pages)
    wax = engine.understand("need wax for my board", CustomerContext(), Focus())
    assert wax is not None and wax.kind == "not_found" and "wax" in wax.rendered  # the page's "wax" is no product
    leash = engine.understand("need a leash for my 9'2 longboard", CustomerContext(), Focus())
    assert leash is not None and leash.kind == "recommend" and {p.category for p in leash.products} == {"leashes"}


def test_a_heading_that_uses_a_service_word_for_another_thing_offers_no_service(tmp_path):
    pens = [furniture("P1", "Scribe Calligraphy Pen", 45.0, "fountain pens")]
    pages = {
        "school-orders.md": "# School orders\n\n## Class sets\n\nTeachers get 10% off 30 or more of one item.\n",
        "hire.md": "# Hire\n\n## Hiring a pen\n\nHire a pen for SGD 5 a week.\n",
    }
    engine = shop_engine(tmp_path, pens, pages)
    classes = engine.understand("do you run calligraphy classes?", CustomerContext(), Focus())
    assert classes is None or "10%" not in classes.rendered
    rent = engine.understand("can i rent one first to try it?", CustomerContext(), Focus())
    assert rent is not None and rent.kind == "policy" and "SGD 5" in rent.rendered


def test_a_snap_is_a_warranty_question_and_a_correction_is_about_the_kind_in_focus(tmp_path):
    boards = [
        furniture("B1", "Ondina 8'0 Soft-Top", 1290.0, "surfboards", volume_l=78.0),
        furniture("B2", "Reef 6'0 Shortboard", 2890.0, "surfboards", volume_l=28.5),
    ]
    pages = {"guarantee.md": "# Guarantee\n\nA leash that snaps within 6 months is replaced.\n"}
    engine = shop_engine(tmp_path, boards, pages)
    assert engine.policy_topic("and if it snaps?") == "guarantee"
    focus = Focus(boards)
    assert engine.direct_answer("desculpa, i meant for me. i'm learning too", focus) == "correction"


def test_a_service_no_page_offers_is_refused_however_it_is_asked(tmp_path):
    coats = [furniture("C1", "Mrazik Down Parka", 7490.0, "winter coats")]
    engine = shop_engine(tmp_path, coats, {"delivery.md": "# Delivery\n\nTo your door for CZK 119.\n"})
    for said, service in (
        ("could you make me a coat made to measure?", "custom"),
        ("can you pack it like a gift for him?", "wrapping"),
        ("can your team put it together for me?", "assembly"),
    ):
        answer = engine.understand(said, CustomerContext(), Focus())
        assert answer is not None and answer.kind == "not_found" and service in answer.rendered, said


def test_a_follow_up_the_page_just_quoted_answers_stays_on_it(tmp_path):
    pages = {
        "returns.md": "# Returns\n\nSend it back within 30 days. We pay the return postage: print our label.\n",
        "shipping.md": "# Shipping\n\nPostage is PLN 14.99, free over PLN 200.\n",
    }
    engine = shop_engine(tmp_path, [furniture("T1", "Zamek Castle", 199.0, "building sets")], pages)
    answer = engine.understand("who pays the postage?", CustomerContext(), Focus(policy_topic="returns"))
    assert answer is not None and answer.kind == "policy" and "return postage" in answer.rendered
    assert engine.policy_topic("how much is postage?") == "shipping"
    assert engine.policy_topic("what if it arrives and i don't like it") == "returns"


def test_a_described_one_is_one_of_the_kind_in_focus(tmp_path):
    mattresses = [
        furniture("M1", "Natur Latex Mattress 90x200", 149990.0, "mattresses", core="latex", width_cm=90.0),
        furniture("M2", "Balaton Pocket Spring Mattress 160x200", 159990.0, "mattresses", core="pocket spring"),
        furniture("M3", "Kekes Memory Foam Mattress 160x200", 189990.0, "mattresses", core="memory foam"),
    ]
    engine = shop_engine(tmp_path, mattresses)
    focus = Focus(mattresses[:2])
    said = "ok, then a memory foam one for two people"
    assert engine.direct_answer(said, focus) == "focus"
    answer = engine.understand(said, CustomerContext(), focus)
    assert answer is not None and answer.kind == "recommend" and [p.sku for p in answer.products] == ["M3"]


def test_an_abbreviation_in_capitals_is_read_as_its_words_but_a_fish_stays_a_fish(tmp_path):
    pages = {
        "delivery.md": "# Delivery\n\nDelivery is free over 2,999.\n",
        "payment.md": "# Payment\n\nCash on delivery is available up to 15,000, with a fee of 49.\n",
    }
    engine = shop_engine(tmp_path, [furniture("R1", "Marlin Surf Rod", 1899.0, "fishing rods")], pages)
    assert engine.policy_topic("is COD available? any extra charge for it") == "payment"
    assert engine.policy_topic("a rod for cod") is None


def test_two_pages_a_cue_names_are_told_apart_by_the_other_words(tmp_path):
    goggles = [
        furniture("G1", "Tainha Pro Racing Goggles", 149.0, "swim goggles", weight_g=28.0),
        furniture("G2", "Tainha Pro Mirror Racing Goggles", 189.0, "swim goggles", weight_g=30.0),
    ]
    pages = {
        "board-hire-and-repair.md": "# Repair\n\nA snapped board is glued back together from R$ 400.\n",
        "trocas-and-defects.md": "# Defects\n\nA broken goggle strap is replaced free within 30 days.\n",
    }
    engine = shop_engine(tmp_path, goggles, pages)
    assert engine.policy_topic("if the strap breaks, what happens?") == "trocas-and-defects"
    cheapest = engine.understand("compare the two cheapest", CustomerContext(), Focus(goggles))
    assert cheapest is not None and cheapest.kind == "compare" and len(cheapest.products) == 2


def test_a_bare_kind_after_a_policy_answer_asks_the_same_of_that_kind(tmp_path):
    boards = [
        furniture("B1", "Reef 6'0 Shortboard", 2890.0, "surfboards"),
        furniture("W1", "Frio Suit", 990.0, "wetsuits"),
    ]
    pages = {"shipping.md": "# Shipping\n\nWetsuits go abroad for R$ 89. We don't send surfboards outside Brazil.\n"}
    engine = shop_engine(tmp_path, boards, pages)
    assert engine.direct_answer("and a board?", Focus(policy_topic="shipping")) == "policy"
    assert engine.direct_answer("and a board for my son, under 1000?", Focus(policy_topic="shipping")) != "policy"


def test_model_names_said_the_way_photographers_shorten_them():
    lenses = [
        furniture("C1", "Hikari R7", 198000.0, "cameras"),
        furniture("C2", "Hikari R7 Mark II", 298000.0, "cameras"),
        furniture("L1", "Tsuki 35mm f/1.8 Lens", 39800.0, "lenses", max_aperture="f/1.8", mount="Hikari X"),
        furniture("L2", "Tsuki 35mm f/1.4 Lens", 98000.0, "lenses", max_aperture="f/1.4", mount="Hikari X"),
        furniture("L3", "Tsuki 14mm f/1.8 Lens", 128000.0, "lenses", max_aperture="f/1.8", mount="Hikari X"),
        furniture("L4", "Hikari X 100-400mm Telephoto Lens", 178000.0, "lenses", focal_length="100-400 mm"),
        furniture("W1", "Mare Joaquina 2mm Spring Suit", 690.0, "wetsuits"),
    ]

    def named(text: str) -> list[str]:
        return [p.sku for p in find_products(text, lenses)]

    assert named("how much is the hikari r7 mk2?") == ["C2"]  # "mk2" is "Mark II"
    assert named("the r7 mark 2") == ["C2"]
    assert named("hikari r7 please") == ["C1"]
    # "35" says the "35mm", "f1.8" the "f/1.8"; named in the order said
    assert named("tsuki 35 f1.8 or the f1.4, which is lighter?") == ["L1", "L2"]
    assert named("price of the hikari x 100-400") == ["L4"]  # the name's first words, each shared, in its order
    assert named("grau -2 or grau -4 goggles, which is cheaper?") == []  # a number alone names no "2mm" suit


def test_budgets_in_ten_thousands_slang_and_more_languages():
    assert parse_budget("any mirrorless under 10 man yen?", cued_only=True) == 100_000
    assert parse_budget("show me cameras under 15man", cued_only=True) == 150_000
    assert parse_budget("something under 1万円?", cued_only=True) == 10_000
    assert parse_budget("a 4 man tent", cued_only=True) is None  # people, not money
    assert parse_budget("a 4 man tent under 300", cued_only=True) == 300
    assert parse_budget("need a cheap reel for my kid, 600 varos tops", cued_only=True) == 600
    assert parse_budget("what reels do you have, no más de 2 mil", cued_only=True) == 2000
    assert parse_budget("nothing over two and a half thousand pesos", cued_only=True) == 2500
    assert parse_budget("for 3 kids max", cued_only=True) is None


def test_korean_budgets_count_in_ten_thousands_and_thousands():
    assert parse_budget("what fermenters do you have under 10만원?", cued_only=True) == 100_000
    assert parse_budget("15만원 이하로 추천해 주세요", cued_only=True) == 150_000
    assert parse_budget("around 3만 won for a starter kit", cued_only=True) == 30_000
    assert parse_budget("10man won max", cued_only=True) == 100_000
    assert parse_budget("5천원 정도", cued_only=True) == 5_000
    assert parse_budget("5千円くらい", cued_only=True) == 5_000
    assert parse_budget("it won't fit in 2 boxes", cued_only=True) is None  # "won" is money only after an amount
    assert without_amounts("a fermenter, 15만원 이하") == "a fermenter, 이하"


def test_budgets_in_thousands_and_millions_said_any_usual_way():
    assert parse_budget("a beer kit with everything, under two hundred thousand won", cued_only=True) == 200_000
    assert parse_budget("no more than 300 thousand pesos", cued_only=True) == 300_000
    assert parse_budget("a mixer, less than 1.5 million won", cued_only=True) == 1_500_000
    assert parse_budget("under two million rupiah", cued_only=True) == 2_000_000
    assert parse_budget("hasta 2 millones", cued_only=True) == 2_000_000
    assert parse_budget("under half a million", cued_only=True) == 500_000
    assert parse_budget("an easel, budget 60 lucas", cued_only=True) == 60_000  # lucas: thousands of pesos
    assert parse_budget("what cookers do you have below 35 thao?", cued_only=True) == 35_000  # Kenyan slang
    assert parse_budget("what easels do you have for under $250.000?", cued_only=True) == 250_000
    assert without_amounts("a mixer, less than 1.5 million won") == "a mixer,"


def test_a_budget_is_written_in_the_shops_money_not_as_a_float():
    assert answers.up_to(1_000_000, "KRW") == " up to 1,000,000.00 KRW"  # not "up to 1e+06"
    assert answers.plain_number(1_000_000) == "1000000"
    assert answers.plain_number(12.5) == "12.5"


def test_how_much_in_the_customers_own_language_asks_the_price():
    assert find_spec_query("cuánto cuesta?", ["weight_g"]) == SpecQuery("price", None)
    assert find_spec_query("ikura?", ["weight_g"]) == SpecQuery("price", None)
    assert find_spec_query("geuge eolmayeyo?", ["weight_g"]) == SpecQuery("price", None)  # Korean, romanised
    assert find_spec_query("co2 regulator gagyeok?", ["weight_g"]) == SpecQuery("price", None)
    assert find_spec_query("combien pour le 35mm?", ["weight_g"]) == SpecQuery("price", None)


def test_a_policy_question_about_the_product_in_focus_gets_the_page_not_its_data(tmp_path):
    cameras = [furniture("C1", "Hikari S9", 198000.0, "cameras", weight_g=612.0)]
    pages = {
        "menzei-tax-free-and-paying.md": "# Tax free\n\nVisitors staying less than 6 months buy tax-free: the 10% "
        "consumption tax is taken off at the till.\n\n# Paying\n\nWe take cards and cash.\n",
        "takkyubin-and-overseas.md": "# Delivery\n\nWe deliver in Japan by takkyubin for 770 yen.\n",
    }
    engine = shop_engine(tmp_path, cameras, pages)
    focus = Focus(cameras, cameras[0])
    assert engine.policy_topic("can i buy it tax free?") == "menzei-tax-free-and-paying"  # a phrase of its name
    assert engine.direct_answer("im visiting from sydney, can i buy it tax free?", focus) == "policy"
    answer = engine.understand("im visiting from sydney, can i buy it tax free?", CustomerContext(), focus)
    assert answer is not None and answer.kind == "policy" and "tax" in answer.rendered
    sending = engine.understand("can you send it to osaka? how much is that", CustomerContext(), focus)
    assert sending is not None and sending.kind == "policy" and "770" in sending.rendered
    price = engine.understand("how much is it?", CustomerContext(), focus)  # its own price stays its data
    assert price is not None and price.kind == "lookup" and "198,000" in price.rendered


def test_a_budgets_currency_is_no_payment_question_and_asking_to_buy_the_unknown_is_declined(tmp_path):
    rods = [
        furniture("R1", "Verde 7 Spinning Rod", 1890.0, "fishing rods", cork_handle=True),
        furniture("J1", "Picaro 100 g Jig", 279.0, "lures"),
    ]
    pages = {
        "pesos-dollars-and-cards.md": "# Paying\n\nWe take pesos in cash and cards. Dollars at the day's rate.\n",
        "cambios-and-returns.md": "# Returns\n\nLures whose pack has been opened can't come back unless faulty.\n",
    }
    engine = shop_engine(tmp_path, rods, pages)
    assert engine.policy_topic("can i pay in pesos?") == "pesos-dollars-and-cards"
    assert engine.policy_topic("a spinning rod, nothing over two and a half thousand pesos") is None
    assert engine.policy_topic("opened a pack of jigs and its the wrong color, can i swap it?") == "cambios-and-returns"
    licence = engine.understand("can i buy my fishing licence here at the shop?", CustomerContext(), Focus())
    assert licence is not None and licence.kind == "not_found" and "fishing licence" in licence.rendered
    brand = engine.understand("do you carry shimano? looking for a stella", CustomerContext(), Focus())
    assert brand is not None and brand.kind == "not_found" and "shimano" in brand.rendered


def test_a_camera_shops_words_a_spec_unit_a_type_and_a_thing_for_what_the_customer_owns(tmp_path):
    shop = [
        furniture("C1", "Hikari S9", 198000.0, "cameras", type="mirrorless", resolution_mp=24.2, weight_g=612.0),
        furniture("C2", "Hikari R50", 89800.0, "cameras", type="mirrorless", resolution_mp=26.0, weight_g=375.0),
        furniture("C3", "Kira Mini Instant Camera", 12800.0, "cameras", type="instant", weight_g=290.0),
        furniture("M1", "Kioku V30 SD Card 64GB", 2480.0, "memory cards", capacity_gb=64.0, video_class="V30"),
        furniture("T1", "Sanpo Mini Tabletop Tripod", 3980.0, "tripods", weight_kg=0.22),
        furniture("T2", "Sanpo Travel Tripod", 24800.0, "tripods", weight_kg=1.4),
    ]
    engine = shop_engine(tmp_path, shop, {})
    s9, card = Focus(shop[:1], shop[0]), Focus([shop[3]], shop[3])
    megapixels = engine.understand("how many megapixels", CustomerContext(), s9)
    assert megapixels is not None and "24.2" in megapixels.rendered
    # "class" is a word of a spec's name here, no class (lesson) the shop would have to give
    speed = engine.understand("is it ok for video? what speed class", CustomerContext(), card)
    assert speed is not None and "V30" in speed.rendered
    assert engine.match_category("any mirrorless under 10 man yen?") == "cameras"  # a value of their "type"
    assert engine.match_category("any instant ones?") == "cameras"
    lightest = engine.understand("lightest mirrorles body?", CustomerContext(), Focus())  # typed with a slip
    assert lightest is not None and lightest.products[0].sku == "C2"
    # the camera is what the customer has: the thing for it is asked for
    assert engine.match_category("something to hold my camera steady") is None
    assert engine.match_category("something to replace my camera") == "cameras"
    assert engine.match_category("a camera for my daughter") == "cameras"


def test_an_nlu_name_that_is_only_money_talk_is_no_product_and_anything_else_shows_others(tmp_path):
    shop = [
        furniture("R1", "Sauzal 4000 Spinning Reel", 1790.0, "reels"),
        furniture("R2", "Muelle 20 Spincast Reel", 390.0, "reels"),
        furniture("D1", "Banda Surf Casting Rod", 2650.0, "fishing rods", stock=0),
        furniture("D2", "Banda Isla Spinning Rod", 2190.0, "fishing rods"),
        furniture("L1", "Tormenta 8X Braid 30 lb", 649.0, "fishing line", type="braid"),
        furniture("L2", "Tension Mono 15 lb", 289.0, "fishing line", type="monofilament"),
    ]
    engine = shop_engine(tmp_path, shop, {"pesos-and-cards.md": "# Paying\n\nWe take pesos in cash and cards.\n"})
    braid = engine.understand("8 strand braid but cheap, like 300 pesitos max", CustomerContext(), Focus())
    assert braid is not None and braid.kind == "nothing_fits" and "fishing line" in braid.rendered
    reels = engine.product_question("what reels do you have, no más de 2 mil", CustomerContext(), named="de 2")
    assert reels.kind == "recommend" and {p.sku for p in reels.products} == {"R1", "R2"}
    sold_out = Focus([shop[2]], shop[2])
    others = engine.product_question("dang. anything else for casting?", CustomerContext(), focus=sold_out)
    assert others.kind == "recommend" and others.products[0].sku == "D2"
    price = engine.product_question("how much is it in pesos", CustomerContext(), focus=Focus([shop[3]], shop[3]))
    assert price.kind == "lookup" and "2,190.00" in price.rendered


def test_a_page_of_two_kinds_answers_the_kind_asked_and_a_plainly_named_page_wins(tmp_path):
    rod = furniture("R1", "Verde Bahia 7 Spinning Rod", 1890.0, "fishing rods", length_cm=213.0)
    pages = {
        "cambios-returns-and-garantia.md": "# Cambios, returns and garantía\n\n## Changed your mind\n\nUnused rods "
        "can come back within 30 days of purchase for a refund.\n\n## Garantía\n\nEverything we sell has a "
        "guarantee of at least 90 days. Verde rods: 5 years against breakage in normal fishing.\n",
        "rentals-and-reel-service.md": "# Rentals and reel service\n\n## Rent a rod\n\nA spinning outfit with a "
        "lever drag reel: 450 MXN a day.\n\n## Reel service\n\nWe strip, clean and grease reels: lever drag "
        "reels 650 MXN. A service takes 3 working days.\n",
        "pesos-and-meses-sin-intereses.md": "# Paying\n\nLenses over 10,000 MXN in 12 monthly payments at 0% "
        "interest.\n",
    }
    engine = shop_engine(tmp_path, [rod], pages)
    in_focus = Focus([rod], rod)
    # a typo of "warranty", and "big" said of the fish: no question about the rod's length
    snaps = engine.understand("whats the warrenty on it if it snaps on a big calico", CustomerContext(), in_focus)
    assert snaps is not None and snaps.kind == "policy" and "5 years" in " ".join(snaps.lines[:2])
    # the same when the NLU sends it to the product question's action
    asked = engine.product_question(
        "whats the warrenty on it if it snaps on a big calico", CustomerContext(), focus=in_focus
    )
    assert asked.kind == "policy" and "5 years" in asked.rendered
    # "a full service": the page with "service" in its name, asked with words that weigh nothing ("been making")
    asked = "what about a full service on a lever drag, it's been making a grinding noise"
    assert engine.policy_topic(asked) == "rentals-and-reel-service"
    assert not {"been", "makin"} & {s for group in Query.parse(asked).words for s in group}
    interest = engine.understand("can i pay with 0% interest?", CustomerContext(), Focus())
    assert interest is not None and interest.kind == "policy" and "12 monthly" in interest.rendered
    assert not asks_for_discount("is it 100% cotton?") and asks_for_discount("can you do 10%?")
    interested = engine.understand("i'm interested in the verde bahia", CustomerContext(), Focus())
    assert interested is not None and interested.kind == "lookup"


def test_a_light_one_for_a_use_is_a_need_and_the_lightest_is_a_ranking():
    keys = ["weight_kg", "height_cm"]
    assert find_spec_query("sorry i meant for hiking, a light one i can strap to my backpack", keys) == SpecQuery(
        "weight_kg", None
    )
    assert find_spec_query("which one is light?", keys) == SpecQuery("weight_kg", "min")
    assert find_spec_query("the lightest tripod", keys) == SpecQuery("weight_kg", "min")


def test_what_to_get_for_a_use_said_in_the_customers_own_word_states_a_need():
    assert states_a_need("want to photograph the stars at night, which renzu should i get?")
    assert states_a_need("wanna jig for yellowtail, what stick should i get")
    assert not states_a_need("i want to return it")
    assert not states_a_need("which is lighter?")


def test_a_place_written_by_its_initials_is_the_name_the_pages_spell_out(tmp_path):
    rod = furniture("R1", "Verde Bahia 7 Spinning Rod", 1890.0, "fishing rods")
    delivery = (
        "# Paquetería and delivery\n\n## By region\n\n- Baja California: 149 MXN, 1 to 2 working days.\n"
        "- Baja California Sur: 199 MXN, 2 to 4 working days.\n- Rest of Mexico: 249 MXN.\n"
        "- We send to the United States for 450 MXN.\n"
    )
    engine = shop_engine(tmp_path, [rod], {"paqueteria-and-delivery.md": delivery})
    answer = engine.understand("how much is shipping to la paz, bcs?", CustomerContext(), Focus())
    assert answer is not None and answer.kind == "policy" and "199 MXN" in answer.lines[0]
    assert "bcs" not in policy_search.initialisms(["Baja California is big."])  # only names of three words or more


def test_something_the_shop_is_asked_to_do_for_the_customer_is_answered_from_its_pages(tmp_path):
    reels = [furniture("R1", "Sauzal 4000 Spinning Reel", 1790.0, "reels")]
    services = (
        "# Spooling and service\n\n## Line spooling\n\nSpooling is free on any reel when you buy the line here.\n"
    )
    engine = shop_engine(tmp_path, reels, {"spooling-and-service.md": services})
    favour = engine.understand("if i buy line here do you put it on my reel for me?", CustomerContext(), Focus())
    assert favour is not None and favour.kind == "policy" and "Spooling is free" in favour.rendered
    asked = engine.understand("can you recommend a reel for me?", CustomerContext(), Focus())
    assert asked is not None and asked.kind == "recommend"


def test_after_the_returns_page_a_payment_question_gets_the_payment_page_and_a_fee_question_stays(tmp_path):
    mixer = furniture("M1", "Kora 5 Stand Mixer", 500.0, "stand mixers")
    pages = {
        "sending-it-back.md": "# Sending it back\n\nAnything unused can be sent back within 35 days.\n\n## How\n\n"
        "A courier collects the mixer for R250, taken off your refund. We refund the card you paid with.\n",
        "guarantees-and-paying.md": "# Paying\n\n## Instalments\n\nOrders from R500 can be paid with Payflex in "
        "4 interest-free payments over six weeks.\n\n## Cards\n\nWe take Visa and Mastercard.\n",
        "delivery.md": "# Delivery\n\nWe deliver by courier for R99.\n",
    }
    engine = shop_engine(tmp_path, [mixer], pages)
    after_returns = Focus(policy_topic="sending-it-back")
    weeks = engine.understand("ok and can i pay it off over a few weeks", CustomerContext(), after_returns)
    assert weeks is not None and weeks.sources == ["guarantees-and-paying.md"], weeks
    spread = engine.understand("can i spread the cost?", CustomerContext(), after_returns)
    assert spread is not None and spread.sources == ["guarantees-and-paying.md"], spread
    fetch = engine.understand("who pays the courier to fetch it?", CustomerContext(), after_returns)
    assert fetch is not None and fetch.sources == ["sending-it-back.md"], fetch


def test_and_a_place_after_the_delivery_page_gets_the_section_that_names_it(tmp_path, monkeypatch):
    grinder = furniture("G1", "Ostra Flat 64 Grinder", 399.0, "grinders")
    shipping = (
        "# Shipping\n\nWe ship from Rotterdam to the Netherlands, Belgium, Germany, Austria and France.\n\n"
        "## Costs and delivery times\n\n- Netherlands and Belgium: €4.95, delivered in 1–2 working days.\n"
        "- Germany, Austria and France: €7.95, delivered in 2–4 working days.\n- Espresso machines over 15 kg "
        "are delivered by a courier who calls you to agree a day.\n- Free shipping on orders over €60 to every "
        "country we ship to.\n- Small parcels can be sent to a pick-up point instead of your home at no extra "
        "cost.\n- Orders placed before 2 pm on a working day leave the warehouse the same day.\n"
    )
    engine = shop_engine(tmp_path, [grinder], {"shipping.md": shipping, "payment.md": "# Payment\n\niDEAL.\n"})
    # a short question is close to few sections: retrieval finds only the opening one
    opening = [replace(c, similarity=0.5) for c in engine.policy_chunks() if c.text.startswith("We ship")]
    monkeypatch.setattr(engine.store, "search_policies", lambda *args, **kwargs: opening)
    answer = engine.understand("and austria?", CustomerContext(), Focus(policy_topic="shipping"))
    assert answer is not None and "€7.95" in answer.lines[0], answer


def test_a_question_about_the_product_in_focus_its_data_cannot_answer_gets_the_page_that_does(tmp_path):
    helmet = furniture("H1", "Kolibri Mini Kids Helmet", 49.0, "helmets", mips=False)
    pages = {
        "guarantee.md": "# Guarantee\n\n## What happens if you crash\n\nIf you crash in a helmet bought from us, "
        "we replace it at half price.\n",
        "delivery.md": "# Delivery\n\nSwiss Post, CHF 9.\n",
    }
    engine = shop_engine(tmp_path, [helmet], pages)
    focus = Focus([helmet], helmet)
    crash = engine.understand("what happens if she crashes in it, do you replace it?", CustomerContext(), focus)
    assert crash is not None and crash.kind == "policy" and "half price" in crash.rendered
    colour = engine.understand("what colour is it?", CustomerContext(), focus)
    assert colour is not None and colour.kind == "not_found" and "colour" in colour.rendered


def test_what_a_product_has_is_no_question_about_stock():
    assert find_spec_query("does it have a visor", ["weight_g"]) is None
    assert find_spec_query("has it got a hood?", ["weight_g"]) is None
    assert find_spec_query("do you have it in stock?", ["weight_g"]) == SpecQuery("stock", None)
    assert find_spec_query("have you got any left?", ["weight_g"]) == SpecQuery("stock", None)


def test_a_foreign_budget_word_counts_only_as_a_whole_word():
    assert parse_budget("a shelf for my counter 40", cued_only=True) is None  # no "unter" in "counter"
    assert parse_budget("unter 200 euro bitte", cued_only=True) == 200
    assert parse_budget("bis 300", cued_only=True) == 300


def _engine_with_pages(tmp_path, pages: dict[str, str]) -> KnowledgeEngine:
    folder = tmp_path / "shop"
    (folder / "policies").mkdir(parents=True)
    (folder / "products.json").write_text(json.dumps([p.to_dict() for p in SOFAS + CHAIRS]))
    for name, text in pages.items():
        (folder / "policies" / f"{name}.md").write_text(text)
    store = CatalogStore(make_client(str(tmp_path / "chroma")), "salesbot_pages", HashEmbeddings())
    store.sync(load_catalog(folder))
    return KnowledgeEngine(store, ReplyWriter(None))


def test_what_the_shop_is_asked_to_do_for_the_customer_finds_the_page_that_offers_it(tmp_path):
    engine = _engine_with_pages(
        tmp_path,
        {
            "returns": "# Returns\n\nReturn any sofa within 45 days; our van collects it for 40 GBP.\n",
            "workshop": "# Workshop\n\n## Upholstery\n\nOur upholsterer services sofas and armchairs from any "
            "shop: 80 GBP a seat, the first one free within a year of buying from us.\n",
        },
    )
    focus = Focus(current=SOFAS[0])
    answer = engine.understand("nice. will you service it for me down the road?", CustomerContext(), focus)
    assert answer is not None and answer.kind == "policy" and "80 GBP a seat" in answer.rendered


def test_a_product_word_shared_with_the_last_page_does_not_keep_a_question_about_another_page_on_it(tmp_path):
    engine = _engine_with_pages(
        tmp_path,
        {
            "returns": "# Returns\n\nReturn any sofa within 45 days. We pay for collecting a faulty sofa.\n",
            "paying": "# Paying\n\nSpread the cost of orders over 500 GBP over 12 monthly payments, interest free.\n",
        },
    )
    answer = engine.understand("ok. can i pay for a sofa monthly?", CustomerContext(), Focus(policy_topic="returns"))
    assert answer is not None and answer.kind == "policy" and "12 monthly payments" in answer.rendered


def test_words_after_got_or_carry_that_cannot_be_a_name_are_no_product_we_lack(engine):
    answer = engine.product_question("comfiest sofa you've actually got in stock?", CustomerContext(), focus=Focus())
    assert answer.kind != "not_found", answer.rendered
    assert "in stock”" not in answer.rendered


def test_a_category_noun_that_is_counted_ranks_the_spec_that_counts_it(tmp_path):
    balls = [
        furniture("B1", "Gaoth Links Golf Balls", 24.99, "golf balls", balls_per_pack=12.0),
        furniture("B2", "Gaoth Links Golf Balls Sleeve", 7.99, "golf balls", balls_per_pack=3.0),
    ]
    engine = shop_engine(tmp_path, balls)
    more = engine.product_question("which one's got more balls in it?", CustomerContext(), focus=Focus(balls))
    assert more.kind == "compare" and more.lines[0].startswith("The Gaoth Links Golf Balls has the highest balls per")
    cheapest = engine.product_question("which golf balls are the cheapest?", CustomerContext(), focus=Focus())
    assert cheapest.lines[0].startswith("The Gaoth Links Golf Balls Sleeve is the cheapest")


def test_a_must_have_in_the_words_of_the_categorys_own_texts_is_no_product_we_lack(tmp_path):
    machines = [
        Product("M1", "Stitchwell 30", "sewing machines", "Stitchwell", 189.0, "USD", 4,
                "Threads the needle for you.", specs={"automatic_threader": True}),
        Product("M2", "Kessler Junior", "sewing machines", "Kessler", 99.0, "USD", 4,
                "A first machine.", specs={"automatic_threader": False}),
        Product("N1", "Birch Knitting Needles", "knitting needles", "Birch", 9.0, "USD", 4, "Birch needles."),
    ]  # fmt: skip
    engine = shop_engine(tmp_path, machines)
    answer = engine.product_question(
        "which of your sewing machines have an automatic needle threader?", CustomerContext(), focus=Focus()
    )
    assert answer.kind == "recommend" and answer.products == [machines[0]], answer.rendered


def test_a_ranking_asked_with_a_time_in_it_has_no_budget(engine):
    """ "lightest sofa you have? we move in 3 months": a ranking of sofas, not sofas "up to 3"."""
    answer = engine.product_question("lightest sofa you have? we move in 3 months", CustomerContext(), focus=Focus())
    assert answer.kind == "compare" and answer.lines[0].startswith("The Alder Two Seater is the lightest")


def test_a_question_about_it_before_any_product_was_named_asks_which_product(engine):
    answer = engine.product_question("how heavy is it?", CustomerContext(), focus=Focus())
    assert answer.kind == "clarify" and answer.lines[0].startswith("Which product do you mean?")
    in_focus = engine.product_question("how heavy is it?", CustomerContext(), focus=Focus([SOFAS[0]], SOFAS[0]))
    assert in_focus.kind == "lookup" and "38" in " ".join(in_focus.lines)
    unknown = engine.product_question("do you sell hammocks?", CustomerContext(), focus=Focus())
    assert unknown.kind == "not_found"  # a thing named, not "it": the shop doesn't sell it


def test_a_correction_with_instead_asks_for_another_of_the_kind_in_focus(tmp_path):
    ukes = [
        furniture("U1", "Lani Soprano Ukulele", 449.0, "ukuleles", size="soprano"),
        furniture("U2", "Lani Concert Ukulele", 649.0, "ukuleles", size="concert"),
        furniture("U3", "Koa Baritone Ukulele", 899.0, "ukuleles", size="baritone"),
    ]
    engine = shop_engine(tmp_path, ukes)
    shown = Focus([ukes[0], ukes[2]])
    said = "oh wait, her hands are quite big already, maybe a concert size instead"
    answer = engine.understand(said, CustomerContext(category="ukuleles"), shown)
    assert answer is not None and answer.kind == "recommend" and [p.sku for p in answer.products] == ["U2"]


def test_price_and_do_you_have_in_the_customers_own_language(engine):
    sofa = SOFAS[0]
    asked = ("ile kosztuje the alder two seater?", "hoeveel kost the alder two seater?", "alder two seater bei gani?")
    for said in asked:
        answer = engine.product_question(said, CustomerContext(), focus=Focus())
        assert answer.kind == "lookup" and "649.00 GBP" in answer.rendered, said
    follow_up = engine.understand("and the cena?", CustomerContext(), Focus([sofa], sofa))
    assert follow_up is not None and "649.00 GBP" in follow_up.rendered
    stocked = engine.product_question("czy jest alder two seater?", CustomerContext(), focus=Focus())
    assert "in stock" in stocked.rendered and "649.00 GBP" not in stocked.rendered  # "is there …?": its stock
    unknown = engine.understand("czy macie hammocks?", CustomerContext(), Focus())
    assert unknown is not None and unknown.kind == "not_found" and "hammocks" in unknown.rendered


def test_price_matching_and_buying_second_hand_are_answered_from_the_page_or_not_promised(tmp_path):
    paying = "# Paying\n\nWe take cards.\n\n## Prices\n\nWe don't price match online retailers. Prices include VAT.\n"
    engine = shop_engine(tmp_path, SOFAS, {"paying.md": paying})
    for said in ("saw the alder two seater cheaper online, will you match it?", "do you price match?"):
        for answer in (
            engine.understand(said, CustomerContext(), Focus()),
            engine.product_question(said, CustomerContext(), focus=Focus()),
            engine.policy(said),
        ):
            assert answer is not None and answer.rendered == "We don't price match online retailers.", said
    sold = engine.understand("do you buy second hand sofas? we're moving", CustomerContext(), Focus())
    assert sold is not None and sold.kind == "not_found" and "buying second-hand items" in sold.rendered
    assert "buying" not in engine.understand("can i buy the alder two seater?", CustomerContext(), Focus()).rendered


def test_a_follow_up_with_a_word_of_the_page_just_quoted_asks_more_of_the_page(tmp_path):
    delivery = (
        "# Delivery\n\n## Standard\n\nWe deliver in 3 to 5 working days for £29.\n\n"
        "## Express\n\nExpress Post: £59 per order, next working day. Express is never free.\n"
    )
    engine = shop_engine(tmp_path, SOFAS, {"delivery.md": delivery})
    sofa = engine.products()[0]
    after_page = Focus([sofa], sofa, "delivery")
    express = engine.understand("hmm cutting it fine. what's express cost?", CustomerContext(), after_page)
    assert express is not None and express.kind == "policy" and "£59" in express.rendered
    assert engine.direct_answer("hmm cutting it fine. what's express cost?", after_page) == "policy"
    price = engine.understand("and the price?", CustomerContext(), after_page)
    assert price is not None and price.kind == "lookup" and sofa.name in price.rendered  # no word of the page


def test_a_spec_named_in_a_ranking_is_no_value_asked_for(tmp_path):
    grinders = [
        furniture("G1", "Whirl Blade Grinder", 29.0, "grinders", burr_type="blade (no burrs)"),
        furniture("G2", "Ostra Flat 64", 429.0, "grinders", burr_type="flat steel", burr_size_mm=64.0),
        furniture("G3", "Kaffia Conical 38", 69.0, "grinders", burr_type="conical steel", burr_size_mm=38.0),
    ]
    engine = shop_engine(tmp_path, grinders)
    largest = engine.understand("which grinder has the largest burrs", CustomerContext(), Focus())
    assert largest is not None and [p.sku for p in largest.products][:1] == ["G2"]
    conical = engine.understand("a grinder with conical burrs", CustomerContext(), Focus())
    assert conical is not None and [p.sku for p in conical.products] == ["G3"]  # a value word still narrows


def test_is_it_in_stock_asks_the_stock_though_a_spec_word_says_which_one(tmp_path):
    drivers = [
        furniture("D1", "Kinkell Eden Driver", 229.0, "golf clubs", left_handed="no"),
        furniture("D2", "Kinkell Eden Driver Left-Handed", 229.0, "golf clubs", stock=2, left_handed="yes"),
    ]
    engine = shop_engine(tmp_path, drivers)
    answer = engine.product_question("is the eden driver in stock, the right-handed one", CustomerContext())
    assert answer.kind == "lookup" and "Kinkell Eden Driver is in stock" in answer.rendered
    assert "left handed:" not in answer.rendered


def test_a_rod_that_breaks_down_small_is_no_fault_and_how_much_for_it_is_its_price(tmp_path):
    rods = [furniture("R1", "Bahia Travel Rod", 2290.0, "fishing rods", sections=4.0, transport_length_cm=58.0)]
    returns = "# Returns and warranty\n\n## Faults\n\nA rod that breaks in normal fishing is replaced for free.\n"
    engine = shop_engine(tmp_path, rods, {"returns.md": returns})
    said = "how much for the bahia travel rod, the one that breaks down small for the plane?"
    assert engine.policy_topic(said) is None
    answer = engine.product_question(said, CustomerContext())
    assert answer.kind == "lookup" and "2,290.00 GBP" in answer.rendered
    assert engine.policy_topic("my rod broke on the first cast, what can i do?") is not None  # a fault still is


def test_a_budget_said_with_a_correction_after_products_were_shown_counts(tmp_path):
    bikes = [
        furniture("B1", "Pendler City Bike", 1190.0, "city bikes", electric="no"),
        furniture("B2", "Pendler E-Bike", 3290.0, "city bikes", electric="yes"),
        furniture("B3", "Tur E-Bike", 2490.0, "city bikes", electric="yes"),
    ]
    engine = shop_engine(tmp_path, bikes)
    said = "oh forgot to say it has to be electric, up to 3000"
    answer = engine.understand(said, CustomerContext(category="city bikes"), Focus(bikes[:2]))
    assert answer is not None and answer.kind == "recommend" and [p.sku for p in answer.products] == ["B3"]


def test_of_course_and_a_golf_course_ask_for_no_course(engine):
    assert engine.unoffered_service("yes of course, how much is the alder two seater?") is None
    assert engine.unoffered_service("a sofa i could take round the old course in a van?") is None
    assert engine.unoffered_service("do you run upholstery courses?") == "courses"


def test_a_ranking_of_a_category_named_is_no_question_for_a_page_that_shares_its_words(tmp_path):
    lenses = [
        furniture("K1", "Kropla Daily 30-Pack", 89.0, "contact lenses"),
        furniture("K2", "Widok Monthly 6-Pack", 179.0, "contact lenses"),
    ]
    fitting = "# Contact lens fitting\n\nContact lens fitting for first-time wearers: 150 zł, with a trial pair.\n"
    engine = shop_engine(tmp_path, lenses, {"contact-lens-fitting.md": fitting})
    answer = engine.understand("cheapest contcat lenses you sell?", CustomerContext(), Focus())
    assert answer is not None and [p.sku for p in answer.products][:1] == ["K1"]


def test_a_word_that_starts_a_page_name_and_bounds_a_budget_names_no_page():
    pages = {"over-18s-and-id-on-delivery": "The courier checks ID on delivery.", "returns": "Return within 14 days."}
    topics = topic_cues(pages)
    assert find_topic("a red wine, nothing over 250", topics) is None
    assert find_topic("do i need to show id?", topics) == "over-18s-and-id-on-delivery"


def test_a_summer_break_is_no_fault(tmp_path):
    pages = {"returns.md": "Return within 14 days.", "guarantee.md": "A faulty or broken sofa is replaced."}
    engine = shop_engine(tmp_path, SOFAS, pages)
    assert engine.policy_topic("something to sink into over the summer break") is None
    assert engine.policy_topic("the frame breaks when i sit on it") == "guarantee"


def test_how_much_of_a_thing_is_no_price_question(engine):
    answer = engine.product_question("how much fabric does the alder two seater use?", CustomerContext())
    assert "649.00 GBP" not in answer.lines[0] and "fabric" in answer.lines[0]
    price = engine.product_question("how much is the alder two seater?", CustomerContext())
    assert price.lines[0] == "The Alder Two Seater costs 649.00 GBP and is in stock."


def test_a_kind_named_as_what_the_customer_has_or_asks_something_done_to_is_not_what_is_wanted(tmp_path):
    shop = [
        furniture("S1", "Tramvai 70 Suitcase", 640.0, "suitcases", capacity_l=80.0),
        furniture("S2", "Tramvai 55 Suitcase", 520.0, "suitcases", capacity_l=40.0),
        furniture("P1", "Ordo Compression Cubes", 95.0, "packing accessories", pieces=4.0),
        furniture("W1", "Ceas Field Watch", 900.0, "watches", water_resistance_m=100.0),
        furniture("W2", "Ceas Dress Watch", 1200.0, "watches", water_resistance_m=30.0),
        furniture("K1", "Lama Chef's Knife", 300.0, "chef's knives", blade_cm=20.0),
    ]
    pages = {
        "paying-cards-and-tax-free.md": "# Paying\n\n## Cards\n\nWe take cards and cash.\n\n## Tourist VAT refund\n\n"
        "Visitors from abroad get the VAT back on purchases of 300 or more: ask for the tax-free form at the till.\n"
    }
    engine = shop_engine(tmp_path, shop, pages)
    for owned in (
        "can you print my initials on the suitcase?",  # something the shop is asked to do to one
        "can i get the VAT back if i buy a suitcase from you?",
        "what about a watch i've worn for a day or two?",
        "how much to make my grandmother's watch strap shorter?",
        "she already has a watch, anything else?",
    ):
        assert engine.match_category(owned) is None, owned
    initials = engine.understand("can you print my initials on the suitcase?", CustomerContext(), Focus())
    assert initials is not None and initials.kind == "not_found" and "can't promise" in initials.rendered
    vat = engine.understand("can i get the VAT back if i buy a suitcase from you?", CustomerContext(), Focus())
    assert vat is not None and vat.kind == "policy" and "VAT back" in vat.rendered
    # ones the customer wants, however they are said
    for wanted, category in (
        ("my son has outgrown his suitcase, what next?", "suitcases"),
        ("do you still have the tramvai 55 suitcase", "suitcases"),
        ("can you recommend a suitcase for my trip", "suitcases"),
        ("my son's first watch, something tough", "watches"),
        ("any chef's knives under 400?", "chef's knives"),
        ("she already has a suitcase, a watch would be better", "watches"),
    ):
        assert engine.match_category(wanted) == category, wanted


def test_a_jewellers_customers_words_for_stock_specs_services_and_pages(tmp_path):
    shop = [
        furniture("R1", "Hvel Silver Ring", 24900.0, "rings", stone="moonstone", sizes="48-62", stock=0),
        furniture("R2", "Hvel Gold Ring", 89900.0, "rings", stone="diamond", sizes="50-60"),
        furniture("W1", "Tind Chronograph", 189000.0, "wrist watches", movement="automatic", water_resistance_m=100.0),
        furniture("W2", "Sól Field Watch", 59900.0, "wrist watches", movement="solar quartz", water_resistance_m=50.0),
        furniture("W3", "Djúp Diver", 349000.0, "wrist watches", movement="automatic", water_resistance_m=200.0),
        furniture("C1", "Ferð 55 Carry-On", 599.0, "carry-ons", capacity_l=38.0, weight_kg=2.9),
        furniture("E1", "Kría Ear Climbers", 7900.0, "earrings", metal="gold-plated brass", nickel_free=False),
        furniture("E2", "Dropi Drop Earrings", 12900.0, "earrings", metal="sterling silver", nickel_free=True),
    ]
    pages = {
        "returns-and-exchanges.md": "# Returns\n\nUnworn pieces can come back within 30 days.\n\n## Exchanges\n\n"
        "Within 30 days you can swap a piece for another size, free.\n",
        "workshop-and-guarantees.md": "# Workshop\n\nA new strap: 4,500 kr. A new crown: 6,900 kr, in 3 days.\n",
        "tax-free-for-visitors.md": "# Tax-free\n\n## Who\n\nVisitors get back up to 14% of the price.\n\n## How\n\n"
        "Ask for a tax-free form at the till, and have the form stamped at customs at the airport.\n",
    }
    engine = shop_engine(tmp_path, shop, pages)
    stock = engine.understand("is the hvel silver ring available? size 54", CustomerContext(), Focus())
    assert stock is not None and "out of stock" in stock.rendered  # "available" asks the stock, not the sizes
    carats = engine.understand("how many carats is the stone in the hvel gold ring?", CustomerContext(), Focus())
    assert carats is not None and carats.kind == "not_found" and "carats" in carats.rendered
    assert "diamond" not in carats.rendered.split("Here is what it does list")[0]
    stone = engine.understand("what stone is in the hvel gold ring?", CustomerContext(), Focus())
    assert stone is not None and "diamond" in stone.rendered
    chrono = Focus([shop[2]], shop[2])
    movement = engine.understand("is it battery or automatic?", CustomerContext(), chrono)
    assert movement is not None and "automatic" in movement.rendered and movement.kind != "policy"
    assert engine.direct_answer("is it battery or automatic?", chrono) == "focus"  # whatever the NLU made of it
    deepest = engine.understand("which watch can go the deepest underwater?", CustomerContext(), Focus())
    assert deepest is not None and deepest.products[0].sku == "W3" and "200 m" in deepest.rendered
    assert engine.match_category("which cabin bag holds the most?") == "carry-ons"
    empty = engine.understand("ferð 55 cabin one, how heavy before i put anything in?", CustomerContext(), Focus())
    assert empty is not None and "2.9 kg" in empty.rendered  # "cabin", "put", "anything" ask nothing else
    # no page prints anything, though the workshop's page speaks of straps
    logo = engine.understand("could you print our logo on a few dozen straps?", CustomerContext(), Focus())
    assert logo is not None and logo.kind == "not_found" and "can't promise" in logo.rendered
    assert engine.unoffered_service("will you match it if it's cheaper online?") == "price matching"
    assert engine.unoffered_service("do you have earrings that match it") is None  # what goes with it
    for declined, service in (("do you buy old gold?", "second-hand"), ("can you value my ring?", "valuation")):
        answer = engine.understand(declined, CustomerContext(), Focus())
        assert answer is not None and answer.kind == "not_found" and service in answer.rendered, declined
    fix = engine.understand("the crown is stuck now, can you fix that? price?", CustomerContext(), chrono)
    assert fix is not None and fix.kind == "policy" and "6,900 kr" in fix.rendered
    exchange = engine.understand("if it's too small can i change it for a bigger one?", CustomerContext(), chrono)
    assert exchange is not None and exchange.kind == "policy" and "30 days" in exchange.rendered
    # skin that itches wants nickel-free pieces; "most earrings" ranks nothing
    itchy = engine.understand("my ears get itchy with most earrings, anything safe?", CustomerContext(), Focus())
    assert itchy is not None and [p.sku for p in itchy.products] == ["E2"]
    # a follow-up with a word of the page just quoted asks more of it
    after_tax_free = Focus([], None, "tax-free-for-visitors")
    stamped = engine.understand("where do i get the form stamped", CustomerContext(), after_tax_free)
    assert stamped is not None and stamped.kind == "policy" and "customs at the airport" in stamped.rendered


def test_another_of_the_kind_in_focus_and_a_value_ruled_out(tmp_path):
    shop = [
        furniture("B1", "Jais 55 Trek Pack", 899.0, "travel backpacks", opening="top loading", hip_belt=True, stock=0),
        furniture("B2", "Hatta 40 Travel Pack", 489.0, "travel backpacks", opening="clamshell", hip_belt=True),
        furniture("B3", "Fold 20 Daypack", 119.0, "travel backpacks", opening="top loading", hip_belt=False),
        furniture("B4", "Metro 25 Laptop Pack", 329.0, "travel backpacks", opening="panel loading", hip_belt=False),
    ]
    pages = {"delivery.md": "# Delivery\n\nDubai: AED 20, free over AED 300. Express: AED 45, the same day.\n"}
    engine = shop_engine(tmp_path, shop, pages)
    sold_out = Focus([shop[0]], shop[0])
    assert engine.direct_answer("any other backpack with a proper hip belt then?", sold_out) == "correction"
    other = engine.understand("any other backpack with a proper hip belt then?", CustomerContext(), sold_out)
    assert other is not None and [p.sku for p in other.products] == ["B2"]
    assert engine.direct_answer("any other shipping options?", sold_out) != "correction"
    # "loading" is said only of the kind ruled out: every other opening may do
    said = "i want a backpack that unzips fully, not the top loading type"
    unzips = engine.understand(said, CustomerContext(), Focus())
    assert unzips is not None and {p.sku for p in unzips.products} == {"B2", "B4"}
