"""The one REST "say" helper (bot/cli/rest.py) that the CLI chat, the benchmark and the e2e/scale tests use."""

import json

import httpx
import pytest

from bot.cli import rest


def rasa(reply: list[dict] | None, status: int = 200) -> tuple[httpx.Client, list[httpx.Request]]:
    """A client whose requests reach a stand-in for Rasa's REST channel instead of the network."""
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        content = b"" if reply is None else json.dumps(reply).encode()
        return httpx.Response(status, content=content, headers={"X-Upstream": "127.0.0.1:5005"})

    return httpx.Client(transport=httpx.MockTransport(handle)), seen


def test_say_posts_the_message_and_reads_text_cards_and_headers():
    card = {"sources": ["LAP-1"], "products": [{"sku": "LAP-1", "name": "Lumen Air 13"}]}
    client, seen = rasa([{"recipient_id": "anna", "text": "It costs 999.00 EUR."}, {"custom": card}])
    reply = rest.say("http://rasa:5005/", "anna", "how much?", client=client)
    assert str(seen[0].url) == "http://rasa:5005/webhooks/rest/webhook"
    assert json.loads(seen[0].content) == {"sender": "anna", "message": "how much?"}
    assert reply.text == "It costs 999.00 EUR."  # the card-only message adds no empty line
    assert reply.has_custom and reply.messages[1]["custom"] == card
    assert reply.headers.get("x-upstream") == "127.0.0.1:5005"


def test_no_reply_is_an_empty_list_and_a_failing_rasa_raises():
    client, _ = rasa(None)
    reply = rest.say("http://rasa:5005", "anna", "", client=client)
    assert reply.messages == [] and reply.text == "" and not reply.has_custom
    client, _ = rasa([], status=500)
    with pytest.raises(httpx.HTTPStatusError):
        rest.say("http://rasa:5005", "anna", "hi", client=client)
