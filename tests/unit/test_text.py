import pytest

from knowledge.text import (
    SpecQuery,
    find_category,
    find_products,
    find_spec_query,
    name_nouns,
    names_product,
    parse_budget,
    states_a_need,
    tokens,
    unexplained_words,
    without_names,
)
from tests.unit.conftest import make_product


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("under 1000 euros", 1000),
        ("around 800 bucks", 800),
        ("under a grand", 1000),
        ("1.5k", 1500),
        ("€1,200 max", 1200),
        ("I can spend up to 650", 650),
        ("800", 800),
        ("a laptop for school", None),
    ],
)
def test_parse_budget(text, amount):
    assert parse_budget(text) == amount


def test_budget_ignores_model_numbers_when_a_money_cue_exists():
    assert parse_budget("is the Air 13 available under 900 euros") == 900


def test_find_products_by_name_sku_and_partial_name(products):
    assert [p.sku for p in find_products("how much is the Lumen Air 13?", products)] == ["L1"]
    assert [p.sku for p in find_products("price of l2 please", products)] == ["L2"]
    assert [p.sku for p in find_products("is the air 13 any good", products)] == ["L1"]
    names = [p.name for p in find_products("compare Corvid Blade 16 vs Lumen Air 13", products)]
    assert names == ["Corvid Blade 16", "Lumen Air 13"]


def test_find_products_ignores_brand_only_and_unknown_products(products):
    assert find_products("anything from Lumen?", products) == []
    assert find_products("do you sell the iPhone 13?", products) == []
    assert find_products("Nimbus 13 inch", products) == []


def test_longer_name_wins_over_its_prefix(products):
    from tests.unit.conftest import make_product

    catalog = [*products, make_product("L9", "Lumen Air 13 Pro", 1299.0)]
    assert [p.sku for p in find_products("price of the Lumen Air 13 Pro", catalog)] == ["L9"]
    assert [p.sku for p in find_products("price of the Lumen Air 13", catalog)] == ["L1"]


def test_find_category_singular_or_plural():
    categories = ["laptops", "headphones", "smart watches"]
    assert find_category("I need a new laptop", categories) == "laptops"
    assert find_category("any smart watch?", categories) == "smart watches"
    assert find_category("something nice", categories) is None

    assert find_category("a bread knife please", ["bread knives", "wall shelves"]) == "bread knives"
    assert find_category("a small shelf", ["bread knives", "wall shelves"]) == "wall shelves"
    assert find_category("a camping stove", ["camping stoves", "gloves"]) == "camping stoves"


def test_spec_queries():
    keys = ["weight_kg", "battery_hours", "screen_inches"]
    assert find_spec_query("which is lighter?", keys).__dict__ == {"key": "weight_kg", "direction": "min"}
    assert find_spec_query("which has the longest battery life", keys).direction == "max"
    assert find_spec_query("which one is cheaper", keys).__dict__ == {"key": "price", "direction": "min"}
    assert find_spec_query("how much is it", keys).__dict__ == {"key": "price", "direction": None}
    assert find_spec_query("is it in stock", keys).key == "stock"


def test_warmth_is_more_tog_or_a_lower_comfort_temperature():
    duvets = ["tog", "weight_kg"]
    assert find_spec_query("which duvet is the warmest?", duvets).__dict__ == {"key": "tog", "direction": "max"}
    quilts = ["comfort_temp_c", "limit_temp_c", "weight_kg"]
    assert find_spec_query("which quilt is warmest", quilts).__dict__ == {"key": "comfort_temp_c", "direction": "min"}
    assert find_spec_query("which quilt is lightest", quilts).__dict__ == {"key": "weight_kg", "direction": "min"}


def test_typos_glued_numbers_and_other_models(products):
    assert [p.sku for p in find_products("how much is the lumen air13", products)] == ["L1"]
    assert [p.sku for p in find_products("nimbus strattus 15 price", products)] == ["L3"]
    assert find_products("do you have the Lumen Air 15", products) == []


def test_letters_no_accent_makes_and_a_word_asked_with_how_name_no_variant():
    from tests.unit.conftest import make_product

    bands = [
        make_product("B1", "Þórdís Eilífð Wedding Band", 129000.0, category="rings"),
        make_product("B2", "Þórdís Eilífð Wedding Band Wide", 198000.0, category="rings"),
        make_product("S1", "Skovsø Parlour Guitar", 4999.0, category="acoustic guitars"),
    ]
    assert tokens("Þórdís Eilífð Skovsø Łódź Straße") == ["thordis", "eilifd", "skovso", "lodz", "strasse"]
    assert [p.sku for p in find_products("how wide is the thordis eilifd wedding band?", bands)] == ["B1"]
    said = "thordis eilifd wedding band - how wide is it? the regular not the wide version"
    assert [p.sku for p in find_products(said, bands)] == ["B1"]
    assert [p.sku for p in find_products("how wide is the thordis eilifd band wide", bands)] == ["B2"]
    assert [p.sku for p in find_products("price of the skovso parlour", bands)] == ["S1"]


def test_a_word_of_a_category_synonym_is_explained_unless_a_spec_is_named_by_it():
    from tests.unit.conftest import make_product

    case = make_product("C1", "Marina 55 Carry-On", 599.0, category="carry-ons", weight_kg=2.9)
    said = "marina 55 cabin one, how heavy before i put anything in?"
    assert unexplained_words(said, [case], SpecQuery("weight_kg")) == set()
    grinder = make_product("G1", "Kaffia Mini Hand Grinder", 69.0, category="grinders", burr_type="conical steel")
    assert "burrs" in unexplained_words("what burrs does the hand grinder have", [grinder], SpecQuery("stock"))


def test_a_shorter_name_named_on_its_own_is_kept(products):
    from tests.unit.conftest import make_product

    catalog = [make_product("A1", "Apple AirPods", 129.0), make_product("A2", "Apple AirPods Max Silver", 549.0)]
    named = find_products("which is cheaper, Apple AirPods or Apple AirPods Max Silver?", catalog)
    assert [p.sku for p in named] == ["A1", "A2"]
    assert [p.sku for p in find_products("Apple AirPods Max Silver price", catalog)] == ["A2"]


def test_a_word_form_of_the_asked_spec_is_not_an_unexplained_word():
    chair = make_product("FUR-1", "Saarinen Chair", 499.0, category="furniture", shipping="Ships overnight")
    query = find_spec_query("When does the Saarinen Chair ship? What's the shipping time?", ["shipping"])
    assert query == SpecQuery("shipping", None)
    assert unexplained_words("When does the Saarinen Chair ship?", [chair], query) == set()
    assert unexplained_words("What colour is the Saarinen Chair shipping box?", [chair], query) == {"colour", "box"}


def test_a_model_named_beside_its_longer_sibling_is_found_too():
    from knowledge.catalog import Product

    def kettle(sku: str, name: str) -> Product:
        return Product(sku, name, "kettles", "Boilwell Works", 59.0, "EUR", 4, specs={"temperature_control": True})

    catalog = [
        kettle("K1", "Boilwell Works Brew 4 Temperature Control Kettle"),
        kettle("K2", "Boilwell Works Brew 4 Max"),
    ]
    # the brand, category and spec words of a long name are not needed to name it
    assert [p.sku for p in find_products("is the brew 4 any good?", catalog)] == ["K1"]
    assert {p.sku for p in find_products("brew 4 vs brew 4 max, which boils faster?", catalog)} == {"K1", "K2"}
    assert [p.sku for p in find_products("how much is the brew 4 max", catalog)] == ["K2"]


def test_the_weight_a_product_bears_is_not_its_own_weight():
    keys = ["weight_kg", "max_load_kg", "seat_height_cm"]
    assert find_spec_query("how much weight can it take?", keys).__dict__ == {"key": "max_load_kg", "direction": None}
    assert find_spec_query("which one holds the most weight", keys).direction == "max"
    assert find_spec_query("how heavy is it", keys).key == "weight_kg"


def test_a_compound_of_one_head_noun_names_the_category_of_its_first_modifier():
    shoes = ["running shoes", "trail shoes", "shoes"]
    assert find_category("cheapest trail running shoe?", shoes) == "trail shoes"
    assert find_category("best running shoes", shoes) == "running shoes"
    assert find_category("any shoes?", shoes) == "shoes"
    assert find_category("what sofa beds have you got", ["sofas", "beds"]) == "sofas"  # heads differ: as before


def test_a_spec_query_in_a_message_without_words_is_none():
    """The engine strips the category's words before ranking: "laptop laptop …" leaves nothing to read."""
    assert find_spec_query("", ["weight_kg"]) is None
    assert find_spec_query("🙂🙂", ["weight_kg"]) is None


def test_the_nouns_product_names_end_in_name_their_category():
    products = [
        make_product("P1", "Terra Glazed Pot", 49.0, category="planters"),
        make_product("P2", "Stone Tall Pot", 79.0, category="planters"),
        make_product("P3", "Rail Balcony Planter", 29.0, category="planters"),
        make_product("A1", "Brøl Practice Amp", 199.0, category="guitar amps"),
        make_product("A2", "Brøl Stage Amp", 399.0, category="guitar amps"),
        make_product("K1", "Reef Starter Kit", 99.0, category="aquariums"),
        make_product("K2", "Garden Tool Kit", 39.0, category="tool sets"),
        make_product("K3", "Reef Pro Kit", 199.0, category="aquariums"),
    ]
    nouns = name_nouns(products)
    assert nouns == {"pot": "planters", "amp": "guitar amps"}  # "planter" is one name; "kit" ends two categories'
    categories = sorted({p.category for p in products})
    assert find_category("a pot for a small tree, max 1000", categories, nouns) == "planters"
    assert find_category("any pots that stay out in winter?", categories, nouns) == "planters"
    assert find_category("a pot", categories) is None  # without the shop's names nothing says so
    assert find_category("an amp for my guitar", categories, nouns) == "guitar amps"


def test_budgets_in_kroner_francs_and_words_with_the_cue_after_the_amount():
    assert parse_budget("show me planters, 800 kroner max", cued_only=True) == 800
    assert parse_budget("a pot for the door, 1000 kr tops", cued_only=True) == 1000
    assert parse_budget("under fifty francs", cued_only=True) == 50
    assert parse_budget("around twenty quid", cued_only=True) == 20
    assert parse_budget("a table for 6 people max", cued_only=True) is None
    assert parse_budget("i have twenty friends coming", cued_only=True) is None
    # Icelandic thousands ("þús", "þúsund"), in digits and in words
    assert parse_budget("looking for a watch, budget is 300 þús", cued_only=True) == 300000
    assert parse_budget("eighty þúsund kall tops", cued_only=True) == 80000


def test_a_superlative_asks_for_the_spec_named_after_its_adjective():
    knives = ["steel", "blade_length_cm", "hardness_hrc"]
    assert find_spec_query("which knife has the hardest steel", knives) == SpecQuery("hardness_hrc", "max")
    assert find_spec_query("which paper is thickest", ["paper_gsm", "thickness_mm"]).key == "thickness_mm"
    assert find_spec_query("what steel is it", knives) == SpecQuery("steel", None)
    # how deep a watch can go is its water resistance, where nothing records a depth
    watches = ["case_diameter_mm", "water_resistance_m", "weight_g"]
    deepest = find_spec_query("which watch can go the deepest underwater?", watches)
    assert deepest == SpecQuery("water_resistance_m", "max")
    assert find_spec_query("does it have a filter", ["filter_included", "power_w"]).direction is None


def test_budgets_in_other_currencies_and_with_nothing_over():
    assert parse_budget("a rug, nothing over 900 kč", cued_only=True) == 900
    assert parse_budget("a lamp for 4000 rupees", cued_only=True) == 4000
    assert parse_budget("a kettle, ₹2,500", cued_only=True) == 2500
    assert parse_budget("a tent, not above 300 rand", cued_only=True) == 300
    assert parse_budget("it is over 10 years old", cued_only=True) is None


def test_a_unit_said_names_the_spec_measured_in_it_and_size_words_fit_sizes():
    keys = ["material", "height_cm", "volume_l", "speaker_inches", "top_wood", "origin"]
    assert find_spec_query("how many litres of soil does it take", keys).key == "volume_l"
    assert find_spec_query("how big is the speaker", keys).key == "speaker_inches"
    assert find_spec_query("what wood is it made of", keys).key == "top_wood"
    assert find_spec_query("where is it from", keys).key == "origin"
    assert find_spec_query("is it in stock", keys).key == "stock"
    pot = make_product("P1", "Krukke 60", 99.0, category="planters", volume_l=95.0, speaker_inches=10.0)
    assert unexplained_words("how many litres of soil does the krukke 60 take", [pot], SpecQuery("volume_l")) == set()
    assert unexplained_words("how big is the speaker", [pot], SpecQuery("speaker_inches")) == set()


def test_names_that_share_words_are_told_apart_by_the_words_said_together():
    lamps = [
        make_product("A1", "Lumo Arc LED Desk Lamp", 189.0, category="desk lamps"),
        make_product("A2", "Lumo Arc Mini LED Desk Lamp", 139.0, category="desk lamps"),
        make_product("A3", "Lumo Vela LED Desk Lamp", 119.0, category="desk lamps"),
        make_product("P1", "Inkwell Vela Fountain Pen", 89.0, category="fountain pens"),
        make_product("S1", "Hopla Comet Space Station", 249.0, category="building sets"),
        make_product("S2", "Zoomi Comet Folding Scooter", 349.0, category="ride-ons"),
    ]
    # "LED" is in three names: it tells none of them apart, so "arc" alone names the Arc, not the Arc Mini
    assert [p.sku for p in find_products("how bright is the lumo arc lamp", lamps)] == ["A1"]
    assert [p.sku for p in find_products("arc or arc mini, which reaches further", lamps)] == ["A1", "A2"]
    # a word two names share, with a word only one of them has: that one
    assert [p.sku for p in find_products("max weight on the comet scooter", lamps)] == ["S2"]
    assert [p.sku for p in find_products("colour temperature of the vela desk lamp", lamps)] == ["A3"]
    assert find_products("is the comet any good", lamps) != ["S2"]  # one shared word names neither for sure


def test_the_spec_asked_is_the_one_whose_words_were_said():
    ride_on = ["max_rider_weight_kg", "weight_kg", "handlebar_height_cm"]
    assert find_spec_query("how heavy is the scooter", ride_on) == SpecQuery("weight_kg")
    assert find_spec_query("what's the max weight on it", ride_on) == SpecQuery("max_rider_weight_kg")
    assert find_spec_query("how many players can play it", ["play_time_min", "players"]) == SpecQuery("players")
    assert find_spec_query("which one reaches further", ["arm_reach_cm", "power_w"]) == SpecQuery("arm_reach_cm", "max")
    pens = ["left_handed", "nib_size"]
    assert find_spec_query("maki pen, how many left?", pens) == SpecQuery("stock")
    assert find_spec_query("any left in stock?", pens) == SpecQuery("stock")
    assert find_spec_query("is there a left handed one", pens) == SpecQuery("left_handed")


def test_a_spec_key_said_as_two_words_and_thick_paper():
    notebooks = ["pages", "hardcover", "paper_weight_gsm"]
    assert find_spec_query("which notebooks have a hard cover?", notebooks) == SpecQuery("hardcover")
    assert find_spec_query("which has the thickest paper", notebooks) == SpecQuery("paper_weight_gsm", "max")


def test_a_name_whose_own_words_are_all_shared_is_not_named_by_its_kind_alone():
    trees = [
        make_product("T1", "Miau Cloud Cat Tree", 129.0, category="cat trees"),
        make_product("T2", "Miau Sky Tower", 99.0, category="cat trees"),
        make_product("D1", "Wuff Cloud Dog Bed", 79.0, category="dog beds"),
        make_product("D2", "Wuff Cloud Dog Bed XL", 99.0, category="dog beds"),
    ]
    assert find_products("cheapest cat tree for my kitty?", trees) == []
    assert [p.sku for p in find_products("the cloud cat tree", trees)] == ["T1"]


def test_the_category_asked_for_beats_the_one_it_is_for_or_goes_with():
    music = ["acoustic guitars", "guitar amps", "ukuleles"]
    said = "what amp would you use for busking with an acoustic guitar and a mic"
    assert find_category(said, music) == "guitar amps"
    assert find_category("amp for my acoustic guitar", music) == "guitar amps"
    assert find_category("looking for an acoustic guitar", music) == "acoustic guitars"
    assert find_category("a lock for my bike", ["bike locks", "city bikes"]) == "bike locks"
    skin = ["face serums", "sunscreens"]
    assert find_category("i just bought the bright c serum, what sunscreen goes with it?", skin) == "sunscreens"


def test_the_first_kind_named_is_asked_for_and_a_lone_modifier_names_its_kind():
    paper = ["fountain pens", "notebooks", "desk lamps"]
    assert find_category("notebook that fountain pen ink won't bleed through", paper) == "notebooks"
    assert find_category("acoustic guitar amp", ["acoustic guitars", "guitar amps"]) == "guitar amps"
    toys = ["building sets", "board games", "soft toys"]
    assert find_category("he's 4 and loves building things", toys) == "building sets"
    assert find_category("he loves games", toys) == "board games"
    assert find_spec_query("my kid's a leftie, is there a version for them?", ["left_handed", "nib_size"]) == (
        SpecQuery("left_handed")
    )


def test_a_lone_modifier_does_not_compete_with_a_category_named_by_its_noun():
    running = ["running shoes", "trail shoes", "jackets", "watches"]
    assert find_category("need a running jacket, under $200", running) == "jackets"
    assert find_category("i love running", running) == "running shoes"


def test_a_brand_and_model_number_said_together_name_the_product_that_has_them_together():
    pans = [
        make_product("P1", "Vonk 28 Non-Stick Frying Pan", 549.0, "frying pans"),
        make_product("P2", "Vonk 24 Non-Stick Frying Pan", 429.0, "frying pans"),
        make_product("P3", "Vonk Pro 28 Stainless Frying Pan", 1399.0, "frying pans"),
    ]
    said = "can you compare the vonk 28 and the vonk pro 28"
    assert {p.sku for p in find_products(said, pans)} == {"P1", "P3"}
    assert [p.sku for p in find_products("vonk 28 vs vonk 24", pans)] == ["P1", "P2"]
    # "stock" is no typo of "Stick"
    assert [p.sku for p in find_products("is the vonk pro 28 in stock", pans)] == ["P3"]


def test_a_head_noun_said_only_as_a_verb_after_to_names_no_category():
    kinds = ["acrylic paints", "brushes", "easels"]
    assert find_category("something else i can carry to paint at the beach?", kinds) is None
    assert find_category("i want to paint the kitchen, what paints do you have", kinds) == "acrylic paints"
    assert find_category("cheap paints?", kinds) == "acrylic paints"


def test_a_brand_and_a_model_with_its_unit_name_the_one_product_with_both():
    vessels = [
        make_product("F1", "Yuri Glass Carboy 19L", 54.0, "fermenters"),
        make_product("F2", "Yuri Glass Carboy 23L", 59.0, "fermenters"),
        make_product("F3", "Hopsan BIAB All-Grain Kit 19L", 199.0, "brewing kits"),
        make_product("K1", "Kegmaru Ball Lock Keg 19L", 149.0, "kegging equipment"),
        make_product("F4", "Maekju Hangang Bucket Fermenter 30L", 29.0, "fermenters"),
    ]
    # "19L" is in three names and "yuri" in two: together, in one
    assert [p.sku for p in find_products("the yuri 19L or the hopsan kit, which is lighter?", vessels)] == ["F1", "F3"]
    assert find_products("the yuri 19", vessels) == []  # a bare number with a brand names no model
    # "compare X with Y" names two products, like "X vs Y"; "with" elsewhere does not part names
    said = "can you compare the yuri 19L carboy with the hangang bucket fermenter"
    assert [p.sku for p in find_products(said, vessels)] == ["F1", "F4"]


def test_a_plural_of_a_name_word_names_the_product_and_needs_can_be_asked_as_suggestions():
    shared = [
        make_product("J1", "Bere Fynbos Glass Pantry Jar Set", 699.0, "food storage"),
        make_product("K1", "Yster Fynbos 20 Chef's Knife", 1290.0, "chef's knives"),
    ]
    assert [p.sku for p in find_products("what are the bere fynbos jars made of", shared)] == ["J1"]
    assert states_a_need("what would you suggest for chopping loads of veg?")
    assert states_a_need("weevils in my flour, what can i keep it in?")
    assert not states_a_need("what is the price of the jar set?")


def test_two_names_said_apart_share_the_kind_word_said_once():
    lamps = [
        make_product("A1", "Lykta Arc LED Desk Lamp", 189.0, "desk lamps"),
        make_product("A2", "Lykta Arc Mini LED Desk Lamp", 139.0, "desk lamps"),
        make_product("N1", "Lykta Nova LED Desk Lamp", 99.0, "desk lamps"),
    ]
    assert [p.sku for p in find_products("compare the arc and the arc mini lamps", lamps)] == ["A1", "A2"]
    assert [p.sku for p in find_products("is the arc mini lamp in stock", lamps)] == ["A2"]


def test_a_hyphenated_model_typed_as_one_word_names_that_model_only():
    guitars = [
        make_product("G1", "Fjord F-30 Dreadnought Guitar", 2495.0, "guitars"),
        make_product("G2", "Fjord F-30E Dreadnought Guitar", 3195.0, "guitars"),
        make_product("G3", "Fjord F-40 Dreadnought Guitar", 3995.0, "guitars"),
        make_product("B1", "Aare Pendler 8 City Bike", 900.0, "bikes"),
        make_product("B2", "Aare Pendler 8 E-Bike", 2900.0, "bikes"),
    ]
    assert [p.sku for p in find_products("price on the f30e?", guitars)] == ["G2"]
    assert [p.sku for p in find_products("price of the f-30e", guitars)] == ["G2"]
    assert [p.sku for p in find_products("the f30 please", guitars)] == ["G1"]
    assert [p.sku for p in find_products("pendler 8 e-bike price", guitars)] == ["B2"]
    assert [p.sku for p in find_products("the pendler 8 city bike", guitars)] == ["B1"]
    assert [p.sku for p in find_products("is the pendler 8 ebike in stock", guitars)] == ["B2"]
    tables = [
        make_product("T1", "Oak Ash 4 Dining Table", 399.0, "dining tables"),
        make_product("T2", "Brightwell Fold Drop-Leaf Table", 249.0, "dining tables"),
        make_product("T3", "Oak Ash 6 Dining Table", 599.0, "dining tables"),
    ]
    said = "which is smaller, the ash 4 dining table or the drop-leaf one?"
    assert [p.sku for p in find_products(said, tables)] == ["T1", "T2"]


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("nothing over a hundred and fifty euro", 150),
        ("under two hundred and forty-five bucks", 245),
        ("two thousand five hundred dollars max", 2500),
        ("between 100 and 200 euro", 200),  # a range is no sum
    ],
)
def test_amounts_in_words_add_their_tens_and_hundreds(text, amount):
    assert parse_budget(text, cued_only=True) == amount


def test_the_plain_model_is_meant_when_its_name_word_and_kind_are_said_beside_its_variant():
    strollers = [
        make_product("S1", "Rasta Jaldi Travel Stroller", 18990.0, "strollers"),
        make_product("S2", "Rasta Jaldi Plus Travel Stroller", 24990.0, "strollers"),
        make_product("C1", "Kavach Jaldi Infant Car Seat", 11990.0, "car seats"),
        make_product("P1", "Chota Chanda Pram", 15990.0, "strollers"),
    ]
    said = "which is cheaper, jaldi or jaldi plus stroller?"
    assert [p.sku for p in find_products(said, strollers)] == ["S1", "S2"]
    assert [p.sku for p in find_products("which is lighter, the chanda pram or the jaldi stroller", strollers)] == [
        "P1",
        "S1",
    ]
    assert [
        p.sku for p in find_products("cost of the rasta jaldi stroller? the normal one not the plus", strollers)
    ] == ["S1"]


def test_a_please_typed_short_names_no_plus_model_and_a_hyphenated_name_word_is_no_spec():
    cams = [
        make_product("M1", "Nazar Smart Wi-Fi Baby Cam", 6490.0, "baby monitors", wifi_app=True),
        make_product("M2", "Nazar Smart Plus Baby Cam", 8490.0, "baby monitors", wifi_app=True),
    ]
    assert [p.sku for p in find_products("price of nazar wifi baby cam pls", cams)] == ["M1"]
    assert find_spec_query(without_names("price of nazar wifi baby cam pls", cams[:1]), ["wifi_app"]) == SpecQuery(
        "price"
    )


def test_a_number_word_of_a_spec_key_does_not_make_it_the_attribute_asked():
    assert find_spec_query("what does it cost? the normal one", ["one_hand_fold", "weight_kg"]) == SpecQuery("price")
    assert find_spec_query("which of those goes higher?", ["working_height_m", "weight_kg"]) == SpecQuery(
        "working_height_m", "max"
    )


def test_a_category_modifier_before_another_noun_names_no_category():
    shop = ["baby monitors", "strollers", "building sets"]
    assert find_category("do you do newborn baby photoshoots also?", shop) is None
    assert find_category("he loves building things", shop) == "building sets"


def test_a_model_number_only_one_name_has_names_it_beside_a_shared_name_word():
    products = [
        make_product("D1", "Tarn T18 Combi Drill Kit", 189.0, "cordless drills"),
        make_product("D2", "Tarn T18 Combi Drill Body Only", 109.0, "cordless drills"),
        make_product("L1", "Hoch Combi 4x4 Multi-Purpose Ladder", 169.0, "ladders"),
        make_product("B1", "Falter Lumo 400 Front Light", 59.0, "bike lights"),
        make_product("B2", "Falter Lumo 400 Light Set", 79.0, "bike lights"),
        make_product("B3", "Falter Lumo 800 Front Light", 99.0, "bike lights"),
    ]
    assert [p.sku for p in find_products("how high will the combi 4x4 ladder get me", products)] == ["L1"]
    # "400" is in two names: "lumo 400" names neither outright, and the front lights said are the two front lights
    said = "compare the lumo 400 and the lumo 800 front lights"
    assert [p.sku for p in find_products(said, products)] == ["B1", "B3"]


def test_the_normal_one_is_the_plain_model_and_each_part_of_an_or_may_name_a_product_by_two_words():
    toys = [
        make_product("R1", "Hulaj Rakieta Folding Scooter", 349.0, "ride-ons"),
        make_product("R2", "Budo Rakieta Space Station", 299.0, "building sets"),
        make_product("T1", "Hulaj Trio 3-Wheel Scooter", 199.0, "ride-ons"),
        make_product("T2", "Hulaj Trio 3-Wheel Scooter Light-Up", 239.0, "ride-ons"),
        make_product("S1", "Hulaj Skok Stunt Scooter", 279.0, "ride-ons"),
    ]
    said = "ok. which is heavier, the rakieta scooter or the normal trio"
    assert [p.sku for p in find_products(said, toys)] == ["R1", "T1"]
    boots = [
        make_product("B1", "Svec Women's Chelsea Boot", 3290.0, "leather boots"),
        make_product("B2", "Svec Men's Chelsea Boot", 3490.0, "leather boots"),
        make_product("J1", "Reka Women's High-Rise Mom Jeans", 1590.0, "jeans"),
    ]
    # a part whose words name a product found already names no other
    said = "compare the women's and men's chelsea boots"
    assert [p.sku for p in find_products(said, boots)] == ["B1", "B2"]


def test_the_unit_asked_for_by_name_picks_the_spec_measured_in_it():
    """ "how many yards are in one skein" asks the yardage, not the skein's weight; a key may end in a unit's
    code or its word ("_yd", "_yards", "_degrees")."""
    keys = ["skein_g", "yardage_yd", "bend_degrees", "reach_yards", "sets_in_box"]
    assert find_spec_query("how many yards are in one skein of it?", keys) == SpecQuery("yardage_yd")
    assert find_spec_query("what's the max reach in yards?", ["reach_yards", "weight_kg"]) == SpecQuery("reach_yards")
    assert find_spec_query("which has the most yardage per skein?", keys) == SpecQuery("yardage_yd", "max")
    assert find_spec_query("how much does a skein weigh?", [*keys, "weight_g"]) == SpecQuery("weight_g")


def test_how_much_for_an_amount_sold_asks_the_price_and_dearest_is_the_priciest():
    keys = ["skein_g", "roll_m", "club_type"]
    assert find_spec_query("how much is a skein of the merino?", keys) == SpecQuery("price")
    assert find_spec_query("how much for one roll?", keys) == SpecQuery("price")
    assert find_spec_query("what's the dearest one you have?", keys) == SpecQuery("price", "max")


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("a laser for under a ton?", 100.0),
        ("about a hundred and a half", 150.0),
        ("nothing over fifty", 50.0),
        ("a bag with a ton of pockets", None),
        ("for people over fifty", None),
        ("a mattress below 100.000 Ft", 100000.0),  # forints, not feet
        ("a rod under 9 feet", None),
        ("backpacking for 3 months", None),
    ],
)
def test_budgets_in_british_slang_and_halves_and_no_times_or_lengths(text, amount):
    assert parse_budget(text, cued_only=True) == amount


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("the lightest one please? my gran is 82 and can't lift much", None),
        ("something for my dad, he's 80", None),
        ("my daughter just turned 6", None),
        ("my budget is 70", 70.0),
        ("she's 70, something light under 300", 300.0),
        ("300", 300.0),  # the answer to "what's your budget?"
    ],
)
def test_a_number_said_of_someone_is_an_age_not_a_budget(text, amount):
    assert parse_budget(text) == amount


def test_one_long_word_of_its_own_beside_what_it_is_names_a_product():
    """ "the voyager travel cover" names the "Clachan Voyager Wheeled Travel Cover"; a brand or a short word with
    its type does not, nor a word that is only like the name's ("curly" for "Curl")."""
    cover = make_product("T1", "Clachan Voyager Wheeled Travel Cover", 129.0, category="luggage", type="travel cover")
    dryer = make_product("D1", "Saltbush Curl Diffuser Dryer", 89.0, category="hair dryers")
    assert names_product("what does the voyager travel cover weigh empty?", cover, set())
    assert not names_product("what does the voyager weigh?", cover, set())  # nothing says what it is
    assert not names_product("a clachan travel cover?", cover, set())  # the brand makes many
    assert not names_product("a hair dryer for curly hair", dryer, set())


def test_a_fast_machine_is_its_speed():
    keys = ["max_speed_spm", "weight_lb"]
    assert find_spec_query("how fast does it go, in stitches per minute?", keys) == SpecQuery("max_speed_spm")
    assert find_spec_query("which is the fastest?", keys) == SpecQuery("max_speed_spm", "max")


def test_a_lone_number_of_days_weeks_or_months_is_no_budget_even_as_the_answer_to_what_budget():
    assert parse_budget("backpacking for 3 months") is None
    assert parse_budget("we need it in 2 weeks") is None
    assert parse_budget("300") == 300.0


def test_a_lone_modifier_said_with_rather_or_instead_names_its_kind():
    wines = ["red wine", "white wine", "craft gin"]
    assert find_category("ag no actually, show me reds rather", wines) == "red wine"
    assert find_category("whites instead", wines) == "white wine"


def test_cheapest_ranks_by_price_though_the_message_names_another_spec():
    keys = ["recipes", "pages"]
    assert find_spec_query("whats your cheapest recipe book?", keys) == SpecQuery("price", "min")
    assert find_spec_query("your priciest recipe book?", keys) == SpecQuery("price", "max")
    assert find_spec_query("which one has the most recipes?", keys) == SpecQuery("recipes", "max")


def test_a_lone_modifier_before_a_comma_names_its_kind():
    wines = ["red wine", "white wine", "craft gin"]
    assert find_category("howzit, after a red, nothing over two hundred and fifty rand", wines) == "red wine"
    assert find_category("a red sofa", wines) is None  # "red" as the first word of another thing's name


def test_how_many_you_have_asks_the_stock_and_how_much_for_asks_the_price():
    keys = ["bottle_ml", "alcohol_percent"]
    assert find_spec_query("how many bottles have you got?", keys) == SpecQuery("stock")
    assert find_spec_query("how many are left?", keys) == SpecQuery("stock")
    assert find_spec_query("how many ml is the bottle?", keys) == SpecQuery("bottle_ml")
    assert find_spec_query("how much for the big bottle?", keys) == SpecQuery("price")


def test_hundreds_said_the_short_way_after_a_cue_are_a_budget():
    assert parse_budget("any gin for under one-fifty?") == 150
    assert parse_budget("no more than two fifty") == 250
    assert parse_budget("max one twenty five") == 125
    assert parse_budget("a tent for two, under fifty") == 50
    assert parse_budget("one fifty cm tall") is None  # no cue: a size, not money


def test_trade_words_for_wine_and_book_kinds_name_the_shops_category():
    wines = ["méthode cap classique", "red wine", "white wine", "craft gin"]
    assert find_category("need some bubbly for a picnic", wines) == "méthode cap classique"
    assert find_category("any prosecco?", ["sparkling wine", "red wine"]) == "sparkling wine"
    books = ["children's books", "cookbooks", "fiction", "travel guides"]
    assert find_category("a good whodunnit under $30?", books) == "fiction"
    assert find_category("a guidebook for japan", books) == "travel guides"
