"""The per-turn bookkeeping (actions/turn_actions.py): one call scores the purchase intent and checks the
hand-off triggers, and the domain maps every per-turn slot to that one action, so Rasa calls the action
server once per customer message for it (see the module's docstring for how Rasa 3.6 runs it)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import turn_actions
from actions.replies import customer_context
from actions.sales_state import budget_said
from actions.turn_actions import ActionTrackTurn
from config.settings import PROJECT_ROOT, Settings
from tests.unit import trackers

DOMAIN_FILES = sorted((PROJECT_ROOT / "bot" / "domain").glob("*.yml"))
BUYING = [
    {"event": "user", "text": "I want to buy the Lumen Air 13", "parse_data": {"intent": {"name": "ready_to_buy"}}},
    {"event": "user", "text": "is it in stock? how much?", "parse_data": {"intent": {"name": "ask_price"}}},
]


@pytest.fixture
def settings(tmp_path: Path, use_services) -> Settings:
    configured = Settings(var_dir=tmp_path)
    use_services(settings=configured)
    return configured


def use(use_services, settings: Settings, **changes) -> Settings:
    changed = replace(settings, **changes)
    use_services(settings=changed)
    return changed


def user(text: str, intent: str) -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}, "input_channel": "socketio"}


def make_tracker(
    text: str,
    intent: str,
    events: list | None = None,
    slots: dict | None = None,
    active_loop: str | None = None,
    paused: bool = False,
    entities: list | None = None,
) -> Tracker:
    """The latest message is also the last event, as in the tracker Rasa sends."""
    return trackers.make_tracker(
        text,
        intent,
        slots,
        events=[*(events or []), user(text, intent)],
        active_loop=active_loop,
        paused=paused,
        sender_id="turn-test",
        entities=entities,
    )


def run(tracker: Tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionTrackTurn().run(dispatcher, tracker, {}))
    return events, dispatcher.messages


def slots_of(events: list[dict]) -> dict:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_every_per_turn_slot_is_filled_by_the_one_action():
    """Rasa calls a custom mapping's action once per extraction however many slots name it, and each
    different action is its own HTTP round trip: the domain must name exactly one."""
    custom: dict[str, str | None] = {}
    declared: list[str] = []
    for path in DOMAIN_FILES:
        domain = yaml.safe_load(path.read_text())
        declared += domain.get("actions") or []
        for slot, spec in (domain.get("slots") or {}).items():
            for mapping in spec.get("mappings") or []:
                if mapping.get("type") == "custom" and mapping.get("action"):
                    custom[slot] = mapping["action"]
    assert custom == {
        "customer_name": "action_track_turn",
        "purchase_intent": "action_track_turn",
        "handoff_due": "action_track_turn",
        "handoff_reason": "action_track_turn",
        "catalogue_first": "action_track_turn",
    }
    assert declared.count("action_track_turn") == 1
    assert "action_validate_slot_mappings" not in declared  # it would be a second call after the extraction


def test_one_call_scores_once_and_sets_the_score_and_the_hand_off(settings, monkeypatch, use_services):
    scored: list[object] = []
    real = turn_actions.purchase_intent

    def counting(conversation):
        scored.append(conversation)
        return real(conversation)

    monkeypatch.setattr(turn_actions, "purchase_intent", counting)
    use(use_services, settings, hot_lead_threshold=0.0)
    tracker = make_tracker("I'll take it, can I pay by credit card?", "ready_to_buy", BUYING, {"budget": 1200})
    events, messages = run(tracker)
    slots = slots_of(events)
    assert len(scored) == 1 and not messages
    assert set(slots) == {"purchase_intent", "handoff_due", "handoff_reason"}
    assert 0 < slots["purchase_intent"] < 1
    assert (slots["handoff_due"], slots["handoff_reason"]) == (True, "hot_lead")


def test_the_hot_lead_check_uses_this_turns_score(settings, use_services):
    tracker = make_tracker("I'll take it, can I pay by credit card?", "ready_to_buy", BUYING, {"budget": 1200})
    score = slots_of(run(tracker)[0])["purchase_intent"]
    use(use_services, settings, hot_lead_threshold=score)
    assert slots_of(run(tracker)[0])["handoff_reason"] == "hot_lead"
    use(use_services, settings, hot_lead_threshold=min(1.0, score + 0.001))
    assert slots_of(run(tracker)[0]) == {"purchase_intent": score}
    once = make_tracker("I'll take it", "ready_to_buy", BUYING, {"budget": 1200, "handoff_reasons": ["hot_lead"]})
    use(use_services, settings, hot_lead_threshold=0.0)
    assert set(slots_of(run(once)[0])) == {"purchase_intent"}  # a hot lead is handed over once


def test_the_check_sets_handoff_due_with_the_reason(settings):
    events, _ = run(make_tracker("this is useless", "out_of_scope"))
    assert slots_of(events) == {
        "purchase_intent": slots_of(events)["purchase_intent"],
        "handoff_due": True,
        "handoff_reason": "negative_sentiment",
    }
    events, _ = run(make_tracker("I have a complaint", "inform"))
    assert slots_of(events)["handoff_reason"] == "keyword"
    pending = {"handoff_due": True, "handoff_reason": "keyword"}  # another rule won this turn: hand off next turn
    assert set(slots_of(run(make_tracker("this is useless", "inform", slots=pending))[0])) == {"purchase_intent"}
    assert set(slots_of(run(make_tracker("how much is it?", "ask_price"))[0])) == {"purchase_intent"}


@pytest.mark.parametrize("where", [{"active_loop": "lead_form"}, {"paused": True}])
def test_inside_a_form_or_while_paused_only_the_score_is_kept(settings, where):
    """The customer is answering a form's question, or a person owns the conversation: no trigger fires,
    but the score still follows the conversation (as the score action did before the merge)."""
    events, _ = run(make_tracker("useless! I'll take it", "ready_to_buy", BUYING, **where))
    assert [e["name"] for e in events] == ["purchase_intent"]


def test_the_score_follows_the_conversation(settings):
    buyer, messages = run(make_tracker("great, I'll take it", "ready_to_buy", BUYING, {"budget": 1200}))
    browser, _ = run(make_tracker("maybe later", "just_browsing", [user("just browsing", "just_browsing")]))
    assert buyer[0]["name"] == "purchase_intent" and browser[0]["name"] == "purchase_intent"
    assert buyer[0]["value"] > browser[0]["value"]
    assert not messages


def test_without_a_score_model_the_checks_still_run(settings, use_services):
    use(use_services, settings, intent_model=settings.var_dir / "missing-model.json")  # a new path: not cached
    events, _ = run(make_tracker("this is useless", "out_of_scope"))
    assert slots_of(events) == {"handoff_due": True, "handoff_reason": "negative_sentiment"}


def named(value: str) -> list[dict]:
    return [{"entity": "customer_name", "value": value}]


@pytest.mark.parametrize(
    ("text", "entity", "name"),
    [
        ("hi, I'm Anna", "Anna", "Anna"),
        ("my name is lena, do you ship to Austria?", "lena", "Lena"),
        ("hey it's Priya here", "Priya", "Priya"),
        ("Siobhan speaking, can a human call me?", "Siobhan", "Siobhan"),
        ("you can call me Nkechi", "Nkechi", "Nkechi"),
    ],
)
def test_a_name_the_customer_gives_is_kept(settings, text, entity, name):
    assert slots_of(run(make_tracker(text, "greet", entities=named(entity)))[0])["customer_name"] == name


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("do you ship to Austria?", "Austria"),  # the bug: the reply began "Austria, We ship to …"
        ("how long does shipping to Germany take", "Germany"),
        ("I'm in Norway, can I order?", "Norway"),
        ("is the Lumen Air 13 available?", "Lumen"),
    ],
)
def test_a_place_or_product_the_nlu_took_for_a_name_is_not_the_customers_name(settings, text, entity):
    events, _ = run(make_tracker(text, "ask_shipping", entities=named(entity)))
    assert "customer_name" not in slots_of(events)


def test_the_lead_forms_name_question_is_left_to_the_form(settings):
    """There the whole answer is the name (a from_text mapping); the form's validator tidies it."""
    asked = {"requested_slot": "customer_name"}
    events, _ = run(make_tracker("I'm Anna", "inform", slots=asked, active_loop="lead_form", entities=named("Anna")))
    assert "customer_name" not in slots_of(events)


@pytest.fixture
def shop(settings, tmp_path, catalog_file, use_services):
    from knowledge.catalog import load_catalog
    from knowledge.engine import KnowledgeEngine
    from knowledge.store import CatalogStore, make_client
    from knowledge.writer import ReplyWriter
    from tests.unit.conftest import HashEmbeddings

    store = CatalogStore(make_client(str(tmp_path / "chroma")), "salesbot_turns", HashEmbeddings())
    store.sync(load_catalog(catalog_file))
    use_services(engine=KnowledgeEngine(store, ReplyWriter(None)))


@pytest.mark.parametrize(
    ("text", "intent", "slots", "first"),
    [
        ("L2 price", "inform", {}, True),  # a SKU the NLU took for a need
        ("lightest laptop?", "ask_recommendation", {}, True),  # a ranking: no question to ask first
        ("how heavy is it", "objection_quality", {"current_product": "L1", "products_in_focus": ["L1"]}, True),
        ("I need a laptop", "ask_recommendation", {}, False),  # a need: the form asks what it is for
        ("lightest laptop?", "ask_price", {}, False),  # the product intents' own actions ask the catalogue
        ("that's too expensive", "objection_price", {"current_product": "L1", "products_in_focus": ["L1"]}, False),
        ("which laptop is the lightest then?", "ready_to_buy", {}, True),  # a ranking is no purchase
        ("I want to buy the Lumen Air 13", "ready_to_buy", {}, False),  # a purchase of a named product stays one
        # a question about a named product, asked before buying it; buying said with a question stays a purchase
        ("what screen size is the lumen air 13? buying for my dad", "ready_to_buy", {}, True),
        ("what screen size is the lumen air 13? i'll take it", "ready_to_buy", {}, False),
        ("I want a laptop for the train", "ready_to_buy", {}, True),  # a category, nothing chosen: products
        ("ok I'll take the laptop", "ready_to_buy", {"current_product": "L1", "products_in_focus": ["L1"]}, False),
        # a correction of what was shown, no purchase
        ("sorry i meant one for gaming", "ready_to_buy", {"current_product": "L1", "products_in_focus": ["L1"]}, True),
        ("hi, looking for a light laptop", "greet", {}, True),  # more than a greeting
        ("hi there", "greet", {}, False),
        ("a laptop for the train, i don't want to lug much", "request_human", {}, True),  # no person asked for
        ("I need to talk to a person about a laptop", "request_human", {}, False),
        ("need a laptop with a backlit keyboard, 900 max", "give_contact", {}, True),  # no contact asked or given
        ("can you email me about the laptops", "give_contact", {}, False),
        ("go on, what's the second one like", "goodbye", {"products_in_focus": ["L1", "L2"]}, True),
        # "why do you ask?" read outside the needs form
        ("go on, what about the second one?", "ask_why", {"products_in_focus": ["L1", "L2"]}, True),
        # a question about the product in focus the NLU heard as "are you a bot?"; the real question stays one
        ("is it heavy or light?", "bot_challenge", {"current_product": "L1", "products_in_focus": ["L1"]}, True),
        ("are you a bot?", "bot_challenge", {"current_product": "L1", "products_in_focus": ["L1"]}, False),
    ],
)
def test_the_catalogue_answers_before_a_flow_that_would_not(shop, text, intent, slots, first):
    events, _ = run(make_tracker(text, intent, slots=slots))
    assert slots_of(events).get("catalogue_first", False) is first


def test_inside_a_form_the_forms_rules_decide(shop):
    events, _ = run(make_tracker("L2 price", "inform", active_loop="needs_form"))
    assert "catalogue_first" not in slots_of(events)


def test_the_flag_is_cleared_at_the_next_message(shop):
    events, _ = run(make_tracker("thanks", "thank", slots={"catalogue_first": True}))
    assert slots_of(events)["catalogue_first"] is False


def test_a_policy_question_said_as_a_purchase_is_answered_from_the_pages(settings, tmp_path, products, use_services):
    from tests.unit.conftest import shop_engine

    returns = {"returns.md": "# Returns\n\nSend back anything within 30 days.\n"}
    use_services(engine=shop_engine(tmp_path, products, returns))
    said = "if I buy the Lumen Air 13 as a present, can I send it back?"
    events, _ = run(make_tracker(said, "ready_to_buy"))
    assert slots_of(events).get("catalogue_first") is True


def test_a_number_the_nlu_took_for_a_budget_that_is_no_money_leaves_the_budget_as_it_was():
    def said(text: str, value: str | None = None) -> list[dict]:
        """A customer message and, when the NLU tagged a budget in it, the slot it set."""
        entities = [{"entity": "budget", "value": value}] if value else []
        message = {"event": "user", "text": text, "parse_data": {"intent": {"name": "inform"}, "entities": entities}}
        return [message, {"event": "slot", "name": "budget", "value": value}] if value else [message]

    earlier = [*said("a board under 2500", "2500"), *said("which board floats the most? im 105 kg", "105")]
    tracker = trackers.make_tracker("im 105 kg", slots={"budget": "105"}, events=earlier)
    assert budget_said(tracker) == "2500"
    first = trackers.make_tracker("a tent for 4 people", slots={"budget": "4"}, events=said("a tent for 4 people", "4"))
    assert budget_said(first) is None
    money = trackers.make_tracker(
        "a board under 2500", slots={"budget": "2500"}, events=said("a board under 2500", "2500")
    )
    assert budget_said(money) == "2500"
    # the actions decide with the budget said before, whatever the slot holds, on this turn and the next ones
    later = trackers.make_tracker("and a leash?", slots={"budget": "105"}, events=[*earlier, *said("and a leash?")])
    assert customer_context(tracker).budget == 2500 and customer_context(later).budget == 2500


def test_a_hot_lead_who_asks_a_question_is_answered_before_a_hand_off(settings, use_services):
    use(use_services, settings, hot_lead_threshold=0.0)
    asking = make_tracker("can i pay in EMI for this one?", "ask_payment", BUYING, {"budget": 1200})
    assert "handoff_due" not in slots_of(run(asking)[0])
    buying = make_tracker("great, i'll take it. can i pay by card?", "ready_to_buy", BUYING, {"budget": 1200})
    assert slots_of(run(buying)[0])["handoff_reason"] == "hot_lead"


def test_a_use_that_only_repeats_the_category_is_no_use():
    slots = {"category": "kegging equipment", "use_case": "kegging"}
    kegging = trackers.make_tracker("kegging equipment?", slots=slots)
    assert customer_context(kegging).use_case is None
    pub = trackers.make_tracker("kegs for a pub", slots={"category": "kegging equipment", "use_case": "a pub"})
    assert customer_context(pub).use_case == "a pub"
