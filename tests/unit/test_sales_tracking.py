"""Experiments change what the actions say, and every exposure and sales event is recorded once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.product_actions import ActionRecommendProducts
from actions.sales_actions import ActionGreetCustomer
from analytics.experiments import load_experiments
from analytics.store import open_analytics
from config.settings import PROJECT_ROOT, load_settings
from knowledge.catalog import load_catalog
from knowledge.engine import KnowledgeEngine
from knowledge.store import CatalogStore, make_client
from knowledge.writer import ReplyWriter
from tests.unit.conftest import HashEmbeddings
from tests.unit.trackers import make_tracker

EXPERIMENTS = """
experiments:
  - name: fewer
    conversion: click
    variants:
      - {name: control, share: 0.5}
      - {name: two, share: 0.5, recommendations: 2, closing_question: "Which of these two suits you best?"}
  - name: opening
    variants:
      - {name: control, share: 0.5}
      - {name: warm, share: 0.5, opening_line: "Hello! Tell me what you need and I'll find it in our shop."}
"""
LAPTOPS = {"category": "laptops"}
USER_TURN = [{"event": "user", "text": "show me laptops", "timestamp": 1700000000.5}]


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> KnowledgeEngine:
    store = CatalogStore(make_client(str(tmp_path_factory.mktemp("chroma"))), "salesbot_track", HashEmbeddings())
    store.sync(load_catalog(PROJECT_ROOT / "data" / "catalog"))
    return KnowledgeEngine(store, ReplyWriter(None))


@pytest.fixture
def experiments_file(tmp_path, monkeypatch, shop, use_services) -> Path:
    path = tmp_path / "experiments.yml"
    path.write_text(EXPERIMENTS)
    monkeypatch.setenv("SALESBOT_EXPERIMENTS_FILE", str(path))
    monkeypatch.setenv("SALESBOT_PUBLIC_WEB_URL", "https://shop.example/chat/")
    use_services(engine=shop)
    return path


def sender_in(path: Path, experiment: str, variant: str) -> str:
    chosen = {e.name: e for e in load_experiments(path)}[experiment]
    return next(s for s in (f"customer-{i}" for i in range(100)) if chosen.choose(s).name == variant)


def run(action, tracker) -> list[dict]:
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages


def test_the_variant_changes_the_recommendation_and_is_recorded_once(experiments_file):
    store = open_analytics(load_settings())
    two, control = sender_in(experiments_file, "fewer", "two"), sender_in(experiments_file, "fewer", "control")
    shown = {}
    for sender in (two, control):
        tracker = make_tracker(slots=LAPTOPS, events=USER_TURN, sender_id=sender)
        [message] = run(ActionRecommendProducts(), tracker)
        run(ActionRecommendProducts(), tracker)  # the same turn again (a retry): nothing is counted twice
        shown[sender] = message
    assert len(shown[two]["custom"]["products"]) == 2 and shown[two]["text"].endswith("suits you best?")
    assert len(shown[control]["custom"]["products"]) == 3 and "suits you best" not in shown[control]["text"]
    exposures = [(e.sender_id, e.data["variant"]) for e in store.events(["exposure"])]
    assert sorted(exposures) == sorted([(two, "two"), (control, "control")])
    [rec] = [e for e in store.events(["recommendation_shown"]) if e.sender_id == two]
    assert rec.variants == {"fewer": "two"} and len(rec.skus) == 2
    # the product cards link through the click redirect, one token per customer and product
    card_url = shown[two]["custom"]["products"][0]["url"]
    assert card_url.startswith("https://shop.example/chat/go/")
    assert store.link(card_url.rsplit("/", 1)[1])[:2] == (two, rec.skus[0])


def test_assignment_survives_a_change_of_shares(experiments_file):
    two = sender_in(experiments_file, "fewer", "two")
    run(ActionRecommendProducts(), make_tracker(slots=LAPTOPS, events=USER_TURN, sender_id=two))
    shifted = EXPERIMENTS.replace("share: 0.5}", "share: 0.99}").replace("share: 0.5,", "share: 0.01,")
    experiments_file.write_text(shifted)
    later = [*USER_TURN, {"event": "user", "text": "again", "timestamp": 1700000100.0}]
    [message] = run(ActionRecommendProducts(), make_tracker(slots=LAPTOPS, events=later, sender_id=two))
    assert len(message["custom"]["products"]) == 2  # still "two"


def test_the_opening_line_of_the_variant_greets_new_customers(experiments_file):
    warm = sender_in(experiments_file, "opening", "warm")
    [message] = run(ActionGreetCustomer(), make_tracker("hi", "greet", sender_id=warm))
    assert message["text"].startswith("Hello! Tell me what you need")
    control = sender_in(experiments_file, "opening", "control")
    [message] = run(ActionGreetCustomer(), make_tracker("hi", "greet", sender_id=control))
    assert message["response"] == "utter_greet"


def test_without_a_public_web_url_links_are_sent_as_they_are(experiments_file, monkeypatch):
    monkeypatch.delenv("SALESBOT_PUBLIC_WEB_URL")
    [message] = run(ActionRecommendProducts(), make_tracker(slots=LAPTOPS, events=USER_TURN))
    assert all("/go/" not in p["url"] for p in message["custom"]["products"])


def test_a_broken_experiments_file_leaves_the_defaults(experiments_file):
    experiments_file.write_text("experiments: [{name: x}]")
    [message] = run(ActionRecommendProducts(), make_tracker(slots=LAPTOPS, events=USER_TURN))
    assert len(message["custom"]["products"]) == 3
    assert open_analytics(load_settings()).events(["exposure"]) == []
