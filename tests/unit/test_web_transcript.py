import pytest

from bot.web.transcript import NotAWidgetConversation, widget_history

BUTTONS = [{"title": "Laptops", "payload": "laptops"}, {"title": "Phones", "payload": "phones"}]
CARD = {"sources": ["LAP-1"], "products": [{"sku": "LAP-1", "name": "Lumen Air 13", "price": 999.0}]}


def user(text, channel="socketio"):
    return {"event": "user", "text": text, "input_channel": channel}


def bot(text, **data):
    return {"event": "bot", "text": text, "data": data}


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
