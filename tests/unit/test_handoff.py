"""The hand-off's pure logic: triggers, business hours, the ticket summary and the notification payloads."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from config.settings import SettingsError, parse_business_hours
from customers import handoff
from customers.handoff import Turn, trigger

KEYWORDS = handoff.parse_keywords("complaint, cancel my order")


def fires(text: str, intent: str = "inform", score: float | None = None, before: tuple[str, ...] = ()) -> str | None:
    return trigger(Turn(intent, text, score, before), KEYWORDS, hot_lead_threshold=0.7)


def test_asking_for_a_person_hands_off():
    assert fires("can I talk to someone", intent="request_human") == handoff.REQUEST_HUMAN
    assert fires("agent", intent="request_human") == handoff.REQUEST_HUMAN


def test_a_message_the_nlu_read_as_asking_for_a_person_that_asks_for_none_is_no_hand_off():
    said = "hedge trimmer for a tall hedge, i don't want to be up a ladder"
    assert fires(said, intent="request_human") is None
    assert fires("ok, then a memory foam one for two people", intent="request_human") is None
    assert fires("can two people talk to someone?", intent="request_human") == handoff.REQUEST_HUMAN


def test_a_feeling_an_if_supposes_is_no_unhappy_customer():
    assert fires("if i buy a mattress and hate it after a month, can i give it back?") is None
    assert fires("what if the kids hate it?") is None
    assert fires("i hate it, it arrived broken") == handoff.NEGATIVE_SENTIMENT
    # a taste says what to recommend: no anger at the shop
    assert fires("a small camera i can carry all day, i hate big camera bags") is None
    assert fires("my son hates itchy socks") is None
    assert fires("i hate this bot") == handoff.NEGATIVE_SENTIMENT


def test_keywords_match_whole_words_and_phrases_case_insensitively():
    assert fires("I want to make a COMPLAINT about my delivery") == handoff.KEYWORD
    assert fires("please cancel   my order!") == handoff.KEYWORD
    assert fires("complaints department") is None  # a whole word, not a prefix
    assert handoff.keyword_in("Cancel my order now", KEYWORDS) == "cancel my order"


@pytest.mark.parametrize(
    "text",
    ["this is useless", "I hate this shop", "bad and confusing answers", "worst service ever, ridiculous"],
)
def test_clearly_negative_messages_hand_off(text):
    assert fires(text) == handoff.NEGATIVE_SENTIMENT


@pytest.mark.parametrize(
    "text",
    ["is it bad for gaming?", "not bad at all", "great, but the case feels poor", "how much is the Lumen Air 13?"],
)
def test_mild_or_mixed_messages_do_not(text):
    assert fires(text) is None


def test_a_hot_lead_is_handed_over_once():
    assert fires("ok", score=0.71) == handoff.HOT_LEAD
    assert fires("ok", score=0.69) is None
    assert fires("ok", score=0.9, before=(handoff.HOT_LEAD,)) is None
    assert fires("ok", score=0.9, before=(handoff.REQUEST_HUMAN,)) == handoff.HOT_LEAD


def test_button_payloads_are_not_the_customers_words():
    assert fires('/deny{"complaint": "useless"}') is None


def user(text: str, intent: str) -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}, "input_channel": "rest"}


FELL_BACK = {"event": "bot", "text": "Could you rephrase?", "metadata": {"utter_action": "utter_default"}}
ANSWERED = {"event": "bot", "text": "We sell sofas: …", "metadata": {}}


def test_fallbacks_are_counted_in_a_row_and_reset_by_understanding_or_resume():
    unsure = user("blorp", "nlu_fallback")
    assert handoff.consecutive_fallbacks([unsure, FELL_BACK, user("fizz", "nlu_fallback")]) == 2
    assert handoff.consecutive_fallbacks([unsure, FELL_BACK, user("hi", "greet"), user("x", "nlu_fallback")]) == 1
    resumed = [unsure, FELL_BACK, {"event": "resume"}, user("fizz", "nlu_fallback")]
    assert handoff.consecutive_fallbacks(resumed) == 1


def test_a_message_the_catalogue_answered_is_not_a_misunderstanding():
    """The NLU was unsure of "got any couches?", but the catalogue placed it: no hand-off for that."""
    answered = [user("got any couches?", "nlu_fallback"), ANSWERED, user("hm", "nlu_fallback")]
    assert handoff.consecutive_fallbacks(answered) == 1


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 23 + day, hour, minute, tzinfo=UTC)  # 2026-11-23 is a Monday


def test_business_hours_with_days_ranges_and_several_spans():
    hours = parse_business_hours("Mon-Fri 09:00-18:00; Sat 10:00-14:00")
    assert hours.is_open(at(0, 9)) and hours.is_open(at(4, 17, 59))
    assert not hours.is_open(at(0, 8, 59)) and not hours.is_open(at(2, 18))
    assert hours.is_open(at(5, 10)) and not hours.is_open(at(5, 14)) and not hours.is_open(at(6, 12))
    assert parse_business_hours("").is_open(at(6, 3))  # empty: always open
    assert parse_business_hours("Fri-Mon 00:00-24:00").is_open(at(6, 23, 59))  # ranges may wrap the week


def test_business_hours_are_read_in_the_configured_time_zone():
    berlin = parse_business_hours("Mon-Fri 09:00-18:00", "Europe/Berlin")  # UTC+1 in November
    assert berlin.is_open(at(0, 8)) and not berlin.is_open(at(0, 17))


@pytest.mark.parametrize(
    ("raw", "zone", "named"),
    [
        ("Mon-Fro 09:00-18:00", "UTC", "SALESBOT_BUSINESS_HOURS"),
        ("Mon 18:00-09:00", "UTC", "closes before it opens"),
        ("Mon 25:00-26:00", "UTC", "SALESBOT_BUSINESS_HOURS"),
        ("weekdays", "UTC", "cannot read"),
        ("Mon 09:00-18:00", "Mars/Olympus", "SALESBOT_TIMEZONE"),
    ],
)
def test_bad_business_hours_name_the_setting(raw, zone, named):
    with pytest.raises(SettingsError, match=named):
        parse_business_hours(raw, zone)


EVENTS = [
    {"event": "session_started"},
    user("hi, I need a laptop for video editing under 1200", "inform"),
    {"event": "bot", "text": "Here are two laptops…"},
    user("/affirm", "affirm"),
    user("how much is the Lumen Air 13?", "ask_price"),
    user("this is useless, I want a person", "request_human"),
]
SLOTS = {
    "category": "laptops",
    "budget": 1200,
    "use_case": "video editing",
    "features": [],
    "products_discussed": ["LUM-AIR-13", "ORB-15"],
    "customer_name": "Anna Meyer",
    "lead_email": "anna@example.com",
}


def test_the_summary_states_reason_needs_products_customer_and_latest_words():
    summary = handoff.summarize(handoff.NEGATIVE_SENTIMENT, EVENTS, SLOTS)
    assert summary.needs == {"category": "laptops", "budget": 1200, "use_case": "video editing"}
    assert summary.products_discussed == ["LUM-AIR-13", "ORB-15"]
    assert summary.lead == {"name": "Anna Meyer", "email": "anna@example.com"}
    assert summary.channel == "rest"
    assert summary.text.splitlines() == [
        "Hand-off: the customer sounds unhappy.",
        "Needs: category laptops; budget 1200; use case video editing.",
        "Products discussed: LUM-AIR-13, ORB-15.",
        "Customer: Anna Meyer, anna@example.com.",
        '3 customer message(s); latest: "hi, I need a laptop for video editing under 1200"; '
        '"how much is the Lumen Air 13?"; "this is useless, I want a person".',
    ]


def test_the_summary_of_an_empty_conversation_and_long_messages():
    assert handoff.summarize("request_human", [], {}).text.endswith("No customer message yet.")
    long = handoff.summarize("request_human", [user("x" * 500, "inform")], {}).text
    assert '"' + "x" * 159 + '…"' in long


TICKET = {
    "id": 7,
    "sender_id": "abc",
    "channel": "socketio",
    "reason": "hot_lead",
    "status": "open",
    "summary": "Hand-off: hot lead.",
    "needs": {"budget": 900},
    "products_discussed": ["LUM-AIR-13"],
    "lead": {"name": "Anna", "email": "anna@example.com"},
    "purchase_intent": 0.81,
    "created_at": "2026-11-23T10:00:00+00:00",
}


def test_generic_payload_carries_the_whole_ticket():
    payload = handoff.notification_payload(TICKET, "generic", "https://shop.example/")
    assert payload == {
        "event": "handoff.created",
        "ticket": TICKET,
        "console_url": "https://shop.example/console#ticket-7",
    }


def test_slack_payload_is_an_incoming_webhook_message():
    payload = handoff.notification_payload(TICKET, "slack", "https://shop.example")
    assert payload["text"].startswith("New hand-off #7 (waiting for an agent): hot lead")
    assert [b["type"] for b in payload["blocks"]] == ["section"] * 3
    assert payload["blocks"][2]["text"]["text"] == "<https://shop.example/console#ticket-7|Open in the agent console>"
    assert len(handoff.notification_payload(TICKET, "slack")["blocks"]) == 2  # no link without a console URL


def test_chatwoot_payload_looks_like_a_conversation_created_event():
    payload = handoff.notification_payload({**TICKET, "status": "follow_up"}, "chatwoot")
    assert payload["event"] == "conversation_created" and payload["status"] == "pending"
    assert payload["meta"]["sender"] == {
        "type": "contact",
        "identifier": "abc",
        "name": "Anna",
        "email": "anna@example.com",
        "phone_number": None,
    }
    assert payload["messages"][0]["message_type"] == "incoming"
    assert "Hand-off: hot lead." in payload["messages"][0]["content"]
    assert payload["custom_attributes"]["purchase_intent"] == 0.81


def test_an_unknown_format_names_the_setting():
    with pytest.raises(SettingsError, match="SALESBOT_HANDOFF_WEBHOOK_FORMAT"):
        handoff.notification_payload(TICKET, "teams")
