"""Purchase-intent features, training with a held-out AUC, and the shipped model."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest

from bot.cli import main as cli
from config.settings import Settings, SettingsError, load_settings
from customers.intent_score import (
    DEFAULT_DATA,
    FEATURES,
    Conversation,
    IntentModel,
    IntentScoreError,
    extract_features,
    furthest_stage,
    load_examples,
    save_model,
    train,
)


def features(*messages: str, stages: tuple[str, ...] = (), budget: bool = False) -> dict[str, float]:
    return extract_features(Conversation(list(messages), list(stages), budget))


def test_an_empty_conversation_has_no_signal():
    assert features() == dict.fromkeys(FEATURES, 0.0)


def test_each_feature_reads_what_its_name_says():
    found = features(
        "hi",
        "how much is the Lumen Air 13?",
        "is it in stock?",
        "great, I'll take it",
        "add it to my cart",
        stages=("greeting", "discovery", "recommendation", "closing", "handoff"),
        budget=True,
    )
    assert found["stage_reached"] == 1.0 and found["budget_stated"] == 1.0
    assert found["price_questions"] == pytest.approx(1 / 3) and found["stock_questions"] == pytest.approx(1 / 3)
    assert found["buying_phrases"] == 1.0 and found["hesitation"] == 0.0
    assert found["sentiment"] == 1.0
    assert found["engagement"] == pytest.approx(math.log1p(5) / math.log1p(20))


def test_hesitation_negation_and_caps():
    found = features("just browsing", "not good, too expensive", "maybe later", "meh")
    assert found["hesitation"] == 1.0  # capped at two hesitant messages
    assert found["sentiment"] == -1.0  # "not good" counts as negative
    assert features(*["hello"] * 50)["engagement"] == 1.0


def test_furthest_stage_ignores_handoff_and_unknown_stages():
    assert furthest_stage(["greeting", "closing", "discovery"]) == "closing"
    assert furthest_stage(["handoff", "whatever"]) is None
    assert features(stages=("recommendation",))["stage_reached"] == pytest.approx(2 / 3)


def test_conversation_from_tracker_events_keeps_the_current_session_only():
    events = [
        {"event": "user", "text": "old message from last week"},
        {"event": "session_started"},
        {"event": "user", "text": "hi"},
        {"event": "slot", "name": "sales_stage", "value": "discovery"},
        {"event": "bot", "text": "What's your budget?"},
        {"event": "user", "text": "/affirm"},  # a button payload is not the customer's words
        {"event": "slot", "name": "sales_stage", "value": "recommendation"},
        {"event": "user", "text": "how much is it"},
    ]
    conversation = Conversation.from_events(events, budget=800.0)
    assert conversation.user_messages == ["hi", "how much is it"]
    assert conversation.stages == ["discovery", "recommendation"]
    assert conversation.budget_stated
    assert not Conversation.from_events(events, budget=None).budget_stated


def test_training_on_the_shipped_data_reports_a_held_out_auc_with_sensible_weights():
    examples = load_examples(DEFAULT_DATA)
    report = train(examples)
    assert report.n_train + report.n_test == len(examples)
    assert report.n_test == pytest.approx(len(examples) / 4, abs=2)
    assert 0.7 < report.auc < 0.95
    weights = report.model.weights
    for feature in ("stage_reached", "budget_stated", "price_questions", "buying_phrases", "engagement"):
        assert weights[feature] > 0, feature
    assert weights["hesitation"] < 0


def test_random_labels_give_chance_level_auc():
    """The AUC is measured on rows the model never saw: with labels unrelated to the features it is ~0.5."""
    rng = random.Random(3)
    examples = [(features, rng.randint(0, 1)) for features, _ in load_examples(DEFAULT_DATA)]
    assert abs(train(examples).auc - 0.5) < 0.08


def test_the_saved_model_scores_like_the_trained_one(tmp_path):
    report = train(load_examples(DEFAULT_DATA))
    path = tmp_path / "model.json"
    save_model(report, path, ["data/intent_score/conversations.jsonl"])
    loaded = IntentModel.load(path)
    sample = features("I'll take it", stages=("closing",), budget=True)
    assert loaded.score(sample) == pytest.approx(report.model.score(sample))
    z = report.model.intercept + sum(report.model.weights[name] * sample[name] for name in FEATURES)
    assert loaded.score(sample) == pytest.approx(1 / (1 + math.exp(-z)))
    assert json.loads(path.read_text())["held_out_auc"] == round(report.auc, 4)


def test_the_shipped_model_matches_the_features_and_ranks_a_buyer_above_a_browser():
    model = IntentModel.load(Settings().intent_model)
    assert tuple(model.weights) == FEATURES
    buyer = features(
        "hi",
        "I need a laptop for video editing",
        "around 1000 euros",
        "how much is the Lumen Air 13?",
        "is it in stock?",
        "when can it be delivered",
        "great, I'll take it",
        "can I pay with paypal",
        stages=("greeting", "discovery", "recommendation", "closing"),
        budget=True,
    )
    browser = features("hi", "what laptops do you have", "just looking thanks", stages=("greeting", "discovery"))
    assert model.score(buyer) > Settings().hot_lead_threshold
    assert model.score(browser) < 0.1


def test_bad_training_data_names_the_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"user_messages": ["hi"], "label": 1}\n\n{"user_messages": ["hi"], "label": 3}\n')
    with pytest.raises(IntentScoreError, match=r"bad.jsonl, line 3: label must be 0 or 1"):
        load_examples(path)
    with pytest.raises(IntentScoreError, match="no intent-score model"):
        IntentModel.load(tmp_path / "missing.json")


def test_too_few_examples_of_a_label_cannot_be_tested():
    with pytest.raises(IntentScoreError, match="at least 4 examples of each label"):
        train([(dict.fromkeys(FEATURES, 0.0), 0)] * 20 + [(dict.fromkeys(FEATURES, 1.0), 1)] * 3)


def test_score_train_command_mixes_sources_and_prints_the_auc(tmp_path: Path, capsys):
    outcomes = tmp_path / "outcomes.jsonl"
    rows = [{"features": {"buying_phrases": 1.0, "stage_reached": 1.0}, "label": 1}] * 10
    rows += [{"features": {"hesitation": 1.0}, "label": 0}] * 10
    outcomes.write_text("".join(json.dumps(row) + "\n" for row in rows))
    out = tmp_path / "model.json"
    assert cli.main(["score", "train", "--data", str(DEFAULT_DATA), "--data", str(outcomes), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "held-out AUC: 0." in printed and f"model written to {out}" in printed
    saved = json.loads(out.read_text())
    assert saved["n_train"] + saved["n_test"] == len(load_examples(DEFAULT_DATA)) + 20
    assert saved["trained_on"] == ["data/intent_score/conversations.jsonl", str(outcomes)]


def test_the_hot_lead_threshold_must_be_a_probability():
    assert load_settings({"SALESBOT_HOT_LEAD_THRESHOLD": "0.55"}).hot_lead_threshold == 0.55
    with pytest.raises(SettingsError, match="SALESBOT_HOT_LEAD_THRESHOLD"):
        load_settings({"SALESBOT_HOT_LEAD_THRESHOLD": "1.5"})
