"""The per-turn bookkeeping: one action server call per customer message scores the purchase intent,
checks the hand-off triggers, notes the name the customer gives and whether the catalogue answers the
message before its intent's flow.

`action_track_turn` is the custom slot mapping of `purchase_intent` (bot/domain/leads.yml) and of
`customer_name`, `handoff_due` and `handoff_reason` (bot/domain/handoff.yml). How Rasa 3.6 runs it (read in
rasa/core/actions/action.py, `ActionExtractSlots.run` and `_execute_custom_action`, Rasa 3.6.21):

- `action_extract_slots` runs after every customer message. It walks every slot's mappings and, for a
  `custom` mapping, calls the named action over HTTP unless that name is already in the set of custom
  actions executed in this run: an action shared by several slots' mappings is called ONCE per run.
  Two different actions were two round trips, each carrying the whole tracker.
- Every custom action of one run sees the same tracker, from before any of this run's slot events, so
  a second action never saw the first one's `purchase_intent`: the old hand-off check had to score the
  conversation again. One action scores once and uses that score for the hot-lead check.
- Only `SlotSet` (and `BotUttered`) events of a custom mapping action are kept, for any slot; the
  others are dropped with a log line. No `action_validate_slot_mappings` is in the domain, so no
  further call follows.
- `action_extract_slots` runs again when a form is activated (`FormAction.activate`), with the form
  already active: that turn has a second call, which re-scores and (inside a form) checks no trigger.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.lead_actions import conversation_of, purchase_intent, stated_name
from actions.sales_state import focus_of, list_slot
from customers import handoff


def handoff_reason(tracker: Tracker, score: float | None) -> str | None:
    """Why to hand off after this message, or None. Not inside a form, where the customer is answering
    a question, and not while a person owns the conversation."""
    if tracker.is_paused() or tracker.active_loop_name:
        return None
    settings = services.settings()
    turn = handoff.Turn(
        intent=(tracker.latest_message.get("intent") or {}).get("name"),
        text=str(tracker.latest_message.get("text") or ""),
        purchase_intent=score,
        reasons_before=tuple(list_slot(tracker, "handoff_reasons")),
    )
    reason = handoff.trigger(turn, handoff.parse_keywords(settings.handoff_keywords), settings.hot_lead_threshold)
    if reason == handoff.HOT_LEAD and "?" in turn.text and not _SAYS_BUYING.search(turn.text):
        return None  # "can i pay in EMI for this one?": the question is answered first; a later message hands over
    return reason


# "i'll take it", "i want to buy the …", "add it to my basket": buying said, not only asked about
_SAYS_BUYING = re.compile(
    r"\b(?:i'?ll|i will|i want to|i'd like to|let'?s) (?:take|buy|order|get)\b|\badd (?:it|them|\w+) to (?:my )?"
    r"(?:cart|basket)\b",
    re.I,
)


# Intents whose flow asks a question or handles an objection instead of looking in the catalogue, with the
# readings of the catalogue (`KnowledgeEngine.direct_answer`) that overrule each: a message the NLU put there that
# the catalogue answers outright is answered from the catalogue instead. The CatalogueFirstPolicy
# (bot/rasa_plugins/catalogue_policy.py) runs action_answer_from_catalogue when `catalogue_first` is set. The
# product and policy intents' own actions already ask the catalogue; buying or accessories for a named product
# stay what they are, but not a ranking ("ok which in-stock bag is the warmest then?" read as buying) or a
# category nothing in focus is of ("i want a bike for riding to the shops" read as buying).
_ANY = frozenset({"product", "ranking", "focus", "details", "correction", "policy", "service"})
# "sorry i meant for hiking, a light one" read as buying is a correction, not a purchase
_NO_PURCHASE_YET = frozenset({"ranking", "category", "details", "correction", "service", "policy"})
FLOWS_THE_CATALOGUE_OVERRULES: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        [
            "inform",
            "ask_recommendation",
            "objection_price",
            "objection_quality",
            "objection_competitor",
            "objection_timing",
            "just_browsing",
            "affirm",
            "deny",
            "thank",
            "skip_question",
            "ask_why",  # "go on, what about the second one?" is no "why do you ask?"
        ],
        _ANY,
    ),
    # "ok tell me about the 2nd one" is no purchase yet, "i'll take the second one" is; "if i buy the lumen as a
    # present, can i send it back?" asks the returns page
    "ready_to_buy": _NO_PURCHASE_YET,
    # "does it come with a bag?" asks what the product in focus has, not what goes with it
    "ask_accessories": _NO_PURCHASE_YET | {"focus"},
    # "hedge trimmer for a tall hedge, i don't want to be up a ladder" asks for no person (see catalogue_first)
    "request_human": _ANY | {"category"},
    # "need a fermentor with a tap so i can stop siphoning" leaves no contact details and asks for no call
    "give_contact": _ANY | {"category"},
    # "is it battery or automatic?" asks about the watch in focus, not whether a machine is answering
    "bot_challenge": frozenset({"product", "ranking", "focus", "details"}),
    # "hi, looking for vegan choc", "go on then, what's the second one like": more than a greeting or goodbye
    **dict.fromkeys(
        ["greet", "goodbye"], frozenset({"product", "ranking", "focus", "details", "correction", "category", "service"})
    ),
}


def catalogue_first(tracker: Tracker) -> bool:
    """Whether the catalogue answers this message instead of its intent's flow. Not inside a form (its
    own rules handle interruptions) and not while a person owns the conversation."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    overruled_by = FLOWS_THE_CATALOGUE_OVERRULES.get(str(intent), frozenset())
    if not overruled_by or tracker.is_paused() or tracker.active_loop_name:
        return False
    text = str(tracker.latest_message.get("text") or "")
    if (means_its_intent := _SAID_AS_MEANT.get(str(intent))) is not None and means_its_intent(text):
        return False  # "I need to talk to a person about a laptop", "can you email me about the laptops"
    engine = services.engine()
    reading = engine.direct_answer(text, focus_of(engine, tracker))
    if reading == "product" and intent == "ready_to_buy" and _ASKS_WHICH_OR_WHAT.search(text):
        # "which harvest year is the 1kg bulk cascade from? buying for the pub": a question about a product
        # named, asked before buying it, not a purchase yet ("i'll take the cascade, how do i pay?" is one)
        return not _SAYS_BUYING.search(text)
    return reading in overruled_by


# "contact me", "ring me about the cat tree", "my email is …", "keep me posted": being contacted is what is asked
_SPEAKS_OF_CONTACT = re.compile(
    r"@|\d[\d\s-]{6,}|\b(?:cont\w*|call|ring|e-?mail|mail|number|phone|touch|posted|write|reach|whatsapp|details|"
    r"info|quote|follow|send|sent|inbox|message|line|list)\b",
    re.I,
)
_ASKS_WHICH_OR_WHAT = re.compile(r"^\W*(?:which|what|what's|whats|how|where|when)\b", re.I)
# Intents the catalogue may overrule, and what a message says when it does mean them after all
_SAID_AS_MEANT: dict[str, Callable[[str], bool]] = {
    handoff.REQUEST_HUMAN: handoff.asks_for_a_person,
    "give_contact": lambda text: bool(_SPEAKS_OF_CONTACT.search(text)),
}


def customer_name(tracker: Tracker) -> str | None:
    """The name the customer gives in this message ("I'm Anna"), if any. A `customer_name` entity alone is
    not enough: the NLU also tags places and products ("do you ship to Austria?"). The lead form's name
    question is left to the form (its answer is the name, whole)."""
    if tracker.active_loop_name and tracker.get_slot("requested_slot") == "customer_name":
        return None
    entities = tracker.latest_message.get("entities") or []
    candidates = [str(e.get("value") or "") for e in entities if e.get("entity") == "customer_name"]
    return stated_name(str(tracker.latest_message.get("text") or ""), candidates)


class ActionTrackTurn(Action):
    """Runs at every customer message: sets purchase_intent, customer_name when the customer gives their
    name, catalogue_first, and handoff_due with handoff_reason when a trigger fires (a rule in
    data/rules/handoff.yml then runs action_handoff, which resets them)."""

    def name(self) -> str:
        return "action_track_turn"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        score, _ = purchase_intent(conversation_of(tracker))
        events = [] if score is None else [SlotSet("purchase_intent", score)]
        first = await services.run_blocking(lambda: catalogue_first(tracker))
        if first or tracker.get_slot("catalogue_first"):
            events.append(SlotSet("catalogue_first", first))
        name = customer_name(tracker)
        if name is not None:
            events.append(SlotSet("customer_name", name))
        if tracker.get_slot("handoff_due"):  # a pending hand-off stays until it is made
            return events
        reason = handoff_reason(tracker, score)
        if reason is not None:
            events += [SlotSet("handoff_due", True), SlotSet("handoff_reason", reason)]
        return events
