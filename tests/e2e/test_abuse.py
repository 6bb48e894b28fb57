"""Abuse, end to end: hostile inputs over REST against the real servers (tests/e2e/fixtures/hostile_inputs.yml),
the rate limits and the longest message on a Rasa instance of their own (the suite's own instance runs
without rate limits, see conftest.py), socket.io's origin check, and the customer's name."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
import websocket
import yaml

from bot.cli import rest, supervisor
from config.settings import PROJECT_ROOT, Settings
from knowledge.prompts import SECRET_FRAGMENTS
from throttle.limits import TOO_LONG, too_fast

pytestmark = pytest.mark.e2e

HOSTILE = yaml.safe_load((Path(__file__).parent / "fixtures" / "hostile_inputs.yml").read_text())["inputs"]
LIMITED_PORT = int(os.environ.get("SALESBOT_E2E_LIMITED_RASA_PORT", "5106"))
SHOP_ORIGIN = "http://shop.example"
# In no reply, whatever the input: error or internal detail, the prompt's instructions, an HTML tag.
NEVER_IN_A_REPLY = [
    *SECRET_FRAGMENTS, "Traceback", "Exception", "SALESBOT_", str(PROJECT_ROOT), "having trouble looking that up",
    "<script", "<img", "<b>",
]  # fmt: skip


def message_of(case: dict) -> str:
    if "repeat" in case:
        text, times = case["repeat"]
        return text * times
    return case["message"]


def tracebacks(assistant) -> int:
    return sum(s.log_tail(100_000).count("Traceback") for s in assistant.services)


@pytest.fixture(scope="module")
def tracebacks_before(assistant) -> int:
    return tracebacks(assistant)


@pytest.mark.parametrize("case", HOSTILE, ids=[case["id"] for case in HOSTILE])
def test_a_hostile_input_gets_a_normal_reply(assistant, tracebacks_before, case):
    sender, message = f"e2e-hostile-{case['id']}", message_of(case)
    response = httpx.post(
        rest.webhook_url(assistant.settings.rasa_url), json={"sender": sender, "message": message}, timeout=180
    )
    assert response.status_code == 200, response.text
    messages = response.json()
    text = "\n".join(m.get("text") or "" for m in messages)
    assert text.strip(), f"no reply text: {messages}"
    too_long = TOO_LONG.format(length=len(message), limit=assistant.settings.max_message_chars)
    if case.get("reply") == "too_long":
        assert messages == [{"recipient_id": sender, "text": too_long}]
    else:
        assert "too long for me" not in text
    lowered = text.lower()
    for forbidden in [*NEVER_IN_A_REPLY, *case.get("not_in_reply", [])]:
        assert forbidden.lower() not in lowered, f"{forbidden!r} in the reply {text!r}"
    for expected in case.get("in_reply", []):
        assert expected.lower() in lowered, f"{expected!r} not in the reply {text!r}"


def test_the_hostile_inputs_crashed_nothing(assistant, tracebacks_before):
    assert tracebacks(assistant) == tracebacks_before, "a server logged a traceback"
    assert all(service.healthy() for service in assistant.services)
    assert rest.say(assistant.settings.rasa_url, "e2e-hostile-after", "how much is the Lumen Air 13?").text


def test_the_widget_and_the_console_show_messages_as_text_never_as_html():
    """Customer and bot messages reach the page only through textContent; the pages' CSP (bot/web/guard.py)
    refuses inline scripts besides."""
    for script in ("widget.js", "console.js"):
        code = (PROJECT_ROOT / "bot" / "web" / "static" / script).read_text()
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
            assert sink not in code, f"{script} uses {sink}"


# --- the customer's name ---------------------------------------------------------------------------


def test_a_country_is_not_taken_for_the_customers_name(assistant):
    """The reply began "<country>, We ship to …": the name slot is what replies are addressed with."""
    for country in ("Austria", "Germany", "Norway"):
        assert "ship" in assistant.text(f"e2e-name-{country}", f"do you ship to {country}?").lower()
        assert assistant.tracker(f"e2e-name-{country}")["slots"]["customer_name"] is None


def test_a_name_the_customer_gives_is_used(assistant):
    assert "Anna" in assistant.text("e2e-name-given", "hi, I'm Anna")
    assert assistant.tracker("e2e-name-given")["slots"]["customer_name"] == "Anna"


# --- rate limits and the longest message on an instance of their own ---------------------------------


@pytest.fixture(scope="module")
def limited(assistant) -> Iterator[Settings]:
    """A second Rasa server with small limits, sharing the suite's action server and trained model.
    127.0.0.1 is a trusted proxy, so each test names its own client address in X-Forwarded-For."""
    folder = assistant.settings.var_dir / "limited"
    folder.mkdir(exist_ok=True)
    models = folder / "rasa-models"
    if not models.exists():
        models.symlink_to(supervisor.models_dir(assistant.settings))
    settings = replace(
        assistant.settings,
        var_dir=folder,
        rasa_port=LIMITED_PORT,
        rate_limit_sender="3/minute",
        rate_limit_ip="5/minute",
        max_message_chars=50,
        trusted_proxies="127.0.0.1",
        cors_origins=SHOP_ORIGIN,
    )
    service = supervisor.rasa_service(settings)
    supervisor.start_all([service], folder / "logs", timeout=300)
    yield settings
    supervisor.stop_all([service])


def post(settings: Settings, body: object, client: str) -> httpx.Response:
    return httpx.post(rest.webhook_url(settings.rasa_url), json=body, headers={"X-Forwarded-For": client}, timeout=180)


def test_a_sender_over_its_rate_is_refused_politely(limited):
    body = {"sender": "e2e-limit-sender", "message": "hi"}
    assert [post(limited, body, "198.51.100.1").status_code for _ in range(3)] == [200, 200, 200]
    refused = post(limited, body, "198.51.100.1")
    wait = int(refused.headers["Retry-After"])  # 20 s per message, less what refilled while the replies came
    assert refused.status_code == 429 and 1 <= wait <= 20
    assert refused.json() == [{"recipient_id": "e2e-limit-sender", "text": too_fast(wait)}]


def test_many_senders_from_one_address_are_refused_and_others_are_not(limited):
    statuses = [post(limited, {"sender": f"e2e-limit-ip-{n}", "message": "hi"}, "198.51.100.2") for n in range(6)]
    assert [s.status_code for s in statuses] == [200] * 5 + [429]
    assert post(limited, {"sender": "e2e-limit-ip-other", "message": "hi"}, "198.51.100.3").status_code == 200


def test_a_message_over_the_length_limit_gets_a_polite_reply(limited):
    body = {"sender": "e2e-limit-long", "message": "laptop " * 10}
    reply = post(limited, body, "198.51.100.4")
    assert reply.status_code == 200
    assert reply.json() == [{"recipient_id": "e2e-limit-long", "text": TOO_LONG.format(length=70, limit=50)}]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (["hi"], "send a JSON object"),
        ({"message": "hi"}, '"sender" must be a string of 1 to 128 characters'),
        ({"sender": "x" * 129, "message": "hi"}, '"sender" must be a string of 1 to 128'),
        ({"sender": "e2e-bad", "message": 42}, '"message" must be a string'),
    ],
)
def test_a_malformed_body_gets_a_clear_error(limited, body, problem):
    reply = post(limited, body, "198.51.100.5")
    assert reply.status_code == 400 and problem in reply.json()["error"]


def test_a_body_that_is_not_json_gets_a_clear_error(limited):
    reply = httpx.post(rest.webhook_url(limited.rasa_url), content=b"\xff\xfe not json", timeout=30)
    assert reply.status_code == 400 and "send a JSON object" in reply.json()["error"]


def test_a_flood_is_refused_cheaply_while_the_server_keeps_answering(limited):
    """One address sends 200 messages, 16 at a time: 5 are answered, the rest refused with 429, none
    fails; then another customer is answered as usual. Prints the figures for docs/abuse.md."""
    started = time.perf_counter()
    with ThreadPoolExecutor(16) as pool:
        flood = list(
            pool.map(lambda n: post(limited, {"sender": f"e2e-flood-{n}", "message": "hi"}, "198.51.100.6"), range(200))
        )
    seconds = time.perf_counter() - started
    statuses = [r.status_code for r in flood]
    answered = statuses.count(200)
    assert set(statuses) <= {200, 429} and 5 <= answered <= 5 + seconds / 12 + 1, (statuses, seconds)  # 5/minute
    other = post(limited, {"sender": "e2e-flood-bystander", "message": "how much is the Lumen Air 13?"}, "198.51.100.7")
    assert other.status_code == 200 and "999" in other.text
    print(f"\nflood: 200 messages in {seconds:.2f} s ({200 / seconds:.0f}/s), {200 - answered} refused with 429")


# --- socket.io ------------------------------------------------------------------------------------


def test_socket_io_accepts_only_the_configured_origins(limited):
    handshake = f"{limited.rasa_url}/socket.io/?EIO=4&transport=polling"
    accepted = httpx.get(handshake, headers={"Origin": SHOP_ORIGIN}, timeout=30)
    assert accepted.status_code == 200
    assert accepted.headers.get_list("Access-Control-Allow-Origin") == [SHOP_ORIGIN]  # once: browsers refuse two
    other = httpx.get(handshake, headers={"Origin": "http://evil.example"}, timeout=30)
    assert "Access-Control-Allow-Origin" not in other.headers  # a browser does not let that page read it
    refused = SocketIO(limited, "198.51.100.9", origin="http://evil.example", connect=False)
    try:
        refused.ws.send("40")
        assert refused.ws.recv().startswith("44")  # Socket.IO connect_error
    finally:
        refused.ws.close()


class SocketIO:
    """Just enough of the socket.io protocol (Engine.IO 4 over a websocket) to talk like the widget."""

    def __init__(self, settings: Settings, client: str, origin: str = SHOP_ORIGIN, connect: bool = True) -> None:
        url = f"ws://127.0.0.1:{settings.rasa_port}/socket.io/?EIO=4&transport=websocket"
        self.ws = websocket.create_connection(url, timeout=60, origin=origin, header=[f"X-Forwarded-For: {client}"])
        assert self.ws.recv().startswith("0")  # Engine.IO open
        if connect:
            self.ws.send("40")
            assert self.ws.recv().startswith("40")  # Socket.IO connected

    def emit(self, event: str, data: object) -> None:
        self.ws.send("42" + json.dumps([event, data]))

    def bot_texts_until(self, marker: str, seconds: float = 120) -> list[str]:
        """The texts of bot_uttered events, up to the first one containing `marker`."""
        texts: list[str] = []
        deadline = time.monotonic() + seconds
        while not any(marker in text for text in texts) and time.monotonic() < deadline:
            event, data = self.next_event()
            if event == "bot_uttered" and isinstance(data, dict):
                texts.append(str(data.get("text") or ""))
        return texts

    def next_event(self) -> tuple[str, object]:
        while True:
            packet = self.ws.recv()
            if packet == "2":  # ping
                self.ws.send("3")
            elif packet.startswith("42"):
                event, data = json.loads(packet[2:])
                return event, data


def test_the_widget_channel_refuses_a_fast_sender_politely(limited):
    channel = SocketIO(limited, "198.51.100.8")
    try:
        channel.emit("session_request", {"session_id": "e2e-limit-socket-0123456789"})
        assert channel.next_event() == ("session_confirm", "e2e-limit-socket-0123456789")
        for _ in range(4):
            channel.emit("user_uttered", {"message": "hi", "session_id": "e2e-limit-socket-0123456789"})
        refusal = channel.bot_texts_until("faster than I can answer")[-1]
        assert refusal in [too_fast(seconds) for seconds in range(1, 21)]
        channel.emit("user_uttered", {"message": "laptop " * 10, "session_id": "e2e-limit-socket-long-0123456789"})
        assert TOO_LONG.format(length=70, limit=50) in channel.bot_texts_until("too long for me")
    finally:
        channel.ws.close()
