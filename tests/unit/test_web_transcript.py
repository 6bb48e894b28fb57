import pytest

from bot.web.transcript import NotAWidgetConversation, console_transcript, widget_history

BUTTONS = [{"title": "Laptops", "payload": "laptops"}, {"title": "Phones", "payload": "phones"}]
CARD = {"sources": ["LAP-1"], "products": [{"sku": "LAP-1", "name": "Lumen Air 13", "price": 999.0}]}


def user(text, channel="socketio"):
    return {"event": "user", "text": text, "input_channel": channel}


def bot(text, agent=None, **data):
    return {"event": "bot", "text": text, "data": data, "metadata": {"agent": agent} if agent else {}}


def test_history_matches_what_socket_io_sent_live():
    events = [
        {"event": "action", "name": "action_session_start"},
        user("recommend something"),
        bot("Happy to help.\n\nWhat kind of product are you looking for?", buttons=BUTTONS),
        user("laptops"),
        bot("The Lumen Air 13 costs 999.00 EUR.", custom=CARD),
    ]
    assert widget_history(events) == [
        {"sender": "user", "text": "recommend something"},
        {"sender": "bot", "text": "Happy to help."},
        {
            "sender": "bot",
            "text": "What kind of product are you looking for?",
            "quick_replies": [
                {"content_type": "text", "title": "Laptops", "payload": "laptops"},
                {"content_type": "text", "title": "Phones", "payload": "phones"},
            ],
        },
        {"sender": "user", "text": "Laptops"},  # the clicked button's title, as the widget showed it
        {"sender": "bot", "text": "The Lumen Air 13 costs 999.00 EUR."},
        {"sender": "bot", "custom": CARD},
    ]


def test_typed_text_equal_to_an_old_payload_is_shown_as_typed():
    events = [bot("Which?", buttons=BUTTONS), user("laptops"), bot("And?"), user("phones")]
    assert [m["text"] for m in widget_history(events) if m["sender"] == "user"] == ["Laptops", "phones"]


@pytest.mark.parametrize("channel", ["slack", "telegram", "rest"])
def test_conversations_of_other_channels_are_not_shown(channel):
    with pytest.raises(NotAWidgetConversation):
        widget_history([user("hi"), bot("Hello!"), user("my address is …", channel)])


def test_a_new_conversation_has_no_history():
    assert widget_history([]) == []


def test_console_transcript_tells_customer_bot_and_agent_apart():
    events = [
        {**user("help"), "timestamp": 1},
        {**bot("I'm bringing in a person"), "timestamp": 2},
        {"event": "pause", "timestamp": 3},
        bot("Hi, Sam here", agent="Sam"),
        bot("", custom=CARD),  # a card alone: nothing for the agent to read
        user(""),
        {"event": "resume"},
    ]
    assert console_transcript(events) == [
        {"sender": "customer", "text": "help", "ts": 1},
        {"sender": "bot", "text": "I'm bringing in a person", "ts": 2, "agent": None},
        {"sender": "system", "text": "bot paused", "ts": 3},
        {"sender": "agent", "text": "Hi, Sam here", "ts": None, "agent": "Sam"},
        {"sender": "system", "text": "bot resumed", "ts": None},
    ]


def test_the_widget_and_the_console_read_the_same_conversation():
    events = [user("recommend something"), bot("Which?", buttons=BUTTONS), bot("Sam here, hello!", agent="Sam")]
    assert [m["text"] for m in widget_history(events)] == ["recommend something", "Which?", "Sam here, hello!"]
    assert [m["text"] for m in console_transcript(events)] == ["recommend something", "Which?", "Sam here, hello!"]
