"""The catalogue-first policy (bot/rasa_plugins/catalogue_policy.py), run for real in the Rasa environment:
the project's domain, trackers built from events as Rasa builds them, and the policy's predictions."""

import textwrap

import pytest

from tests.unit.rasa_env import run_in_rasa_env

SCRIPT = textwrap.dedent(
    """
    import json
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    import tempfile
    from pathlib import Path

    from bot.rasa_plugins.catalogue_policy import CatalogueFirstPolicy

    domain = Domain.load("bot/domain")
    storage = LocalModelStorage(Path(tempfile.mkdtemp()))
    policy = CatalogueFirstPolicy.create(
        CatalogueFirstPolicy.get_default_config(), storage, Resource("catalogue_first"),
        ExecutionContext(GraphSchema({}), "test"),
    )

    def predicted(*events):
        tracker = DialogueStateTracker.from_events("c", [ActionExecuted("action_listen"), *events], domain.slots)
        prediction = policy.predict_action_probabilities(tracker, domain)
        best = max(range(len(prediction.probabilities)), key=prediction.probabilities.__getitem__)
        return domain.action_names_or_texts[best] if prediction.probabilities[best] > 0 else None

    said = UserUttered("lightest hair dryer?", {"name": "ask_recommendation", "confidence": 0.9})
    print(json.dumps({
        "flagged": predicted(said, SlotSet("catalogue_first", True)),
        "then": predicted(said, SlotSet("catalogue_first", True), ActionExecuted("action_answer_from_catalogue")),
        "not_flagged": predicted(said, SlotSet("catalogue_first", False)),
        "in_a_form": predicted(ActiveLoop("needs_form"), said, SlotSet("catalogue_first", True)),
        "handoff_due": predicted(said, SlotSet("catalogue_first", True), SlotSet("handoff_due", True)),
        "priority": policy.priority,
    }))
    """
)


@pytest.fixture(scope="module")
def predictions() -> dict:
    return run_in_rasa_env(SCRIPT)


def test_a_flagged_message_is_answered_from_the_catalogue_then_the_bot_listens(predictions):
    assert predictions["flagged"] == "action_answer_from_catalogue"
    assert predictions["then"] == "action_listen"


def test_no_opinion_without_the_flag_inside_a_form_or_when_a_hand_off_is_due(predictions):
    assert predictions["not_flagged"] is None
    assert predictions["in_a_form"] is None
    assert predictions["handoff_due"] is None


def test_it_outranks_the_rules_on_a_tie(predictions):
    assert predictions["priority"] > 6  # RulePolicy's priority in Rasa 3.6
