"""A second shop set up the documented way (its own SALESBOT_SHOP, its own catalogue ingested, the one
shop-neutral Rasa model), talked to over REST with follow-ups, by the same runner as
`salesbot eval conversations`. A bike shop: nothing of the demo shop's vocabulary."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from bot.cli import conversation_eval
from config.settings import PROJECT_ROOT

pytestmark = pytest.mark.e2e
BIKES = Path(__file__).parent / "fixtures" / "bike_shop.csv"
CONVERSATIONS = [
    {
        "id": "city-bike-follow-ups",
        "turns": [
            {"text": "do you have city bicycles?", "expected_skus": ["B-300", "B-301"]},
            {"text": "which of those is the lightest?", "expected_winner": "Citta Classic 3"},
            {"text": "and the price?", "expected_facts": ["690.00 CHF"]},
            {"text": "what about returns?", "expected_facts": ["within 60 days"]},
        ],
    },
    {
        "id": "named-product-then-it",
        "turns": [
            {"text": "tell me about the velora strada 4", "expected_skus": ["B-101"]},
            {"text": "is it in stock?", "expected_facts": ["only 1 left"]},
        ],
    },
    {
        # Messages the shop-neutral NLU may place in a flow that asks a question or handles an objection: the
        # catalogue answers them first (catalogue_first, bot/rasa_plugins/catalogue_policy.py).
        "id": "catalogue-first",
        "turns": [
            {"text": "B-200 price", "expected_skus": ["B-200"], "expected_facts": ["1,790.00 CHF"]},
            {"text": "lightest mountain bike?", "expected_winner": "Montagne Trail 29"},
            {"text": "how many left?", "expected_skus": ["B-200"], "expected_facts": ["in stock"]},
            {"text": "can I rent a bike for the weekend?", "must_refuse": True},
        ],
    },
    {"id": "not-sold", "turns": [{"text": "do you sell skateboards?", "must_refuse": True}]},
    {"id": "off-topic", "turns": [{"text": "what's the weather like today?"}]},
]


@pytest.fixture(scope="module")
def shops_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("shops")
    catalog = folder / "bikes" / "catalog"
    (catalog / "policies").mkdir(parents=True)
    shutil.copy(BIKES, catalog / "products.csv")
    (catalog / "policies" / "returns.md").write_text(
        "# Returns\n\nUnridden bikes can be returned within 60 days of delivery for a full refund.\n"
    )
    (folder / "bikes" / "conversations.jsonl").write_text("\n".join(json.dumps(c) for c in CONVERSATIONS) + "\n")
    return folder


def test_a_second_shop_understands_its_customers_and_their_follow_ups(e2e_settings, trained_model, shops_dir):
    results = conversation_eval.run_shop(e2e_settings, "bikes", shops_dir)
    failures = conversation_eval.failures(results)
    assert failures == [], "\n".join(failures)
    off_topic = next(r for r in results if r.conversation.id == "off-topic").turns[0].reply
    domain = yaml.safe_load((PROJECT_ROOT / "bot" / "domain" / "core.yml").read_text())
    assert off_topic == domain["responses"]["utter_out_of_scope"][0]["text"]
