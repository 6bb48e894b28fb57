"""The catalogue before the dialogue's flow: a policy that runs `action_answer_from_catalogue` for a message the
action server found the catalogue answers outright, whatever the NLU's intent.

The NLU is trained on shop-neutral sentences, so a shop's own words can land a message in a flow that cannot
answer it: "lightest hair dryer?" as a needs statement (the form would ask what it is for), "and to nz?" as a
yes, "how many are left?" as an objection. The action server decides, at every message and with the catalogue
and the conversation's focus at hand, whether the catalogue answers it (`catalogue_first`, set by
`action_track_turn` in the slot extraction that runs before any policy predicts; actions/turn_actions.py).
This policy only reads that slot: nothing here knows the catalogue, and nothing is trained.

Its priority is above the RulePolicy's, so its prediction wins a tie at confidence 1; it predicts nothing
inside a form, while a hand-off is due or after any other action than listening.
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

ANSWER_ACTION = "action_answer_from_catalogue"
SLOT = "catalogue_first"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False)
class CatalogueFirstPolicy(Policy):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"priority": 7}  # RulePolicy: 6

    def train(self, training_trackers: list[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        action = next_action(tracker)
        if action is not None:
            probabilities[domain.index_for_action(action)] = 1.0
        return self._prediction(probabilities)


def next_action(tracker: DialogueStateTracker) -> str | None:
    """The catalogue's answer right after the customer's message when the action server asked for it, then
    listening; None (no opinion) otherwise."""
    if not tracker.get_slot(SLOT) or tracker.active_loop_name or tracker.get_slot("handoff_due"):
        return None
    latest = tracker.latest_action_name
    if latest == ACTION_LISTEN_NAME and tracker.latest_message and tracker.latest_message.text:
        return ANSWER_ACTION
    if latest == ANSWER_ACTION:
        return ACTION_LISTEN_NAME
    return None
