"""Slack and Telegram against the real assistant: the channels' own webhook payloads go in, and what the
bot sends out is caught by a local capture server that stands in for the Slack Web API and the Telegram
Bot API (the channels' API base URLs point at it)."""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from bot.cli import supervisor
from config.settings import PROJECT_ROOT, Settings
from knowledge.catalog import load_catalog

pytestmark = pytest.mark.e2e

SLACK_TOKEN = "xoxb-test-token"
SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TELEGRAM_TOKEN = "123456:TEST-token_for-capture"
TELEGRAM_BOT = "demo_shop_bot"
WAIT_S = 90


@dataclass
class Call:
    api: str  # "slack" or "telegram"
    method: str  # chat.postMessage, sendMessage, getMe…
    fields: dict[str, Any]
    at: float


class CaptureServer:
    """Answers like Slack's Web API under /slack/api/ and the Telegram Bot API under /telegram/, and records calls."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.slow_slack_s = 0.0  # make chat.postMessage slow, as a congested Slack would be
        capture = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                api, method = capture.route(self.path)
                fields = parse_body(self.headers.get("Content-Type", ""), body)
                capture.calls.append(Call(api, method, fields, time.monotonic()))
                if api == "slack" and capture.slow_slack_s:
                    time.sleep(capture.slow_slack_s)
                reply = json.dumps(capture.answer(api, method, fields)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            do_GET = do_POST

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @staticmethod
    def route(path: str) -> tuple[str, str]:
        parts = urllib.parse.urlsplit(path).path.strip("/").split("/")
        return parts[0], parts[-1]  # /slack/api/chat.postMessage, /telegram/bot<token>/sendMessage

    @staticmethod
    def answer(api: str, method: str, fields: dict[str, Any]) -> dict[str, Any]:
        if api == "slack":
            return {"ok": True, "channel": fields.get("channel"), "ts": f"{time.time():.6f}"}
        if method == "getMe":
            return {"ok": True, "result": {"id": 42, "is_bot": True, "first_name": "Shop", "username": TELEGRAM_BOT}}
        if method == "sendMessage":
            chat = {"id": int(fields["chat_id"]), "type": "private"}
            return {"ok": True, "result": {"message_id": 1, "date": int(time.time()), "chat": chat, "text": "ok"}}
        return {"ok": True, "result": True}

    def of(self, api: str, method: str, where: Callable[[Call], bool] = lambda call: True) -> list[Call]:
        return [c for c in list(self.calls) if c.api == api and c.method == method and where(c)]

    def wait_for(self, api: str, method: str, where: Callable[[Call], bool], count: int = 1) -> list[Call]:
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            found = self.of(api, method, where)
            if len(found) >= count:
                return found
            time.sleep(0.2)
        seen = [(c.method, c.fields) for c in self.calls if c.api == api][-5:]
        raise AssertionError(f"no {api} {method} call matched within {WAIT_S}s; last calls: {seen}")

    def close(self) -> None:
        self.server.shutdown()


def parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    """Slack's client sends JSON; aiogram sends a form (urlencoded or multipart)."""
    if content_type.startswith("application/json"):
        return json.loads(body or b"{}")
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
        parts = message.iter_parts()
        return {part.get_param("name", header="content-disposition"): part.get_content() for part in parts}
    return {key: values[-1] for key, values in urllib.parse.parse_qs(body.decode()).items()}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def capture() -> Iterator[CaptureServer]:
    server = CaptureServer()
    yield server
    server.close()


@pytest.fixture(scope="module")
def channels_rasa(assistant, capture: CaptureServer) -> Iterator[Settings]:
    """A second Rasa server, sharing the action server, with Slack and Telegram turned on."""
    base = assistant.settings
    port = free_port()
    settings = replace(
        base,
        rasa_port=port,
        tracker_db=str(base.var_dir / "channels-tracker.db"),
        slack_token=SLACK_TOKEN,
        slack_signing_secret=SLACK_SECRET,
        slack_api_url=f"{capture.url}/slack/api/",
        telegram_token=TELEGRAM_TOKEN,
        telegram_bot_name=TELEGRAM_BOT,
        telegram_webhook_url=f"https://shop.example.com/webhooks/telegram/webhook?p={port}",
        telegram_api_url=f"{capture.url}/telegram",
    )
    (base.var_dir / "channels-tracker.db").unlink(missing_ok=True)
    shutil.rmtree(base.var_dir / "logs" / "channels", ignore_errors=True)
    service = supervisor.rasa_service(settings)
    supervisor.start_all([service], base.var_dir / "logs" / "channels")
    yield settings
    supervisor.stop_all([service])


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str], float]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), time.monotonic() - started


def slack_post(
    settings: Settings, body: bytes, content_type: str = "application/json", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], float]:
    timestamp = str(int(time.time()))
    digest = hmac.new(SLACK_SECRET.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    signed = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": f"v0={digest}",
        **(headers or {}),
    }
    return post(f"{settings.rasa_url}/webhooks/slack/webhook", body, signed)


def slack_message(user: str, channel: str, text: str, event_id: str | None = None) -> bytes:
    """An Events API `event_callback` for a direct message to the app."""
    ts = f"{time.time():.6f}"
    event = {"type": "message", "channel": channel, "user": user, "text": text, "ts": ts, "channel_type": "im"}
    envelope = {
        "token": "legacy-verification-token",
        "team_id": "T0SHOP",
        "api_app_id": "A0SHOP",
        "event": {**event, "event_ts": ts},
        "type": "event_callback",
        "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": "T0SHOP", "user_id": "U0SHOPBOT", "is_bot": True}],
    }
    return json.dumps(envelope).encode()


def slack_button_click(user: str, channel: str, value: str) -> bytes:
    payload = {
        "type": "block_actions",
        "user": {"id": user},
        "channel": {"id": channel},
        "message": {"ts": f"{time.time():.6f}"},
        "actions": [{"type": "button", "action_id": "pick", "block_id": "buttons-0", "value": value}],
    }
    return urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()


def to_channel(channel: str) -> Callable[[Call], bool]:
    return lambda call: call.fields.get("channel") == channel


def new_ids() -> tuple[str, str]:
    suffix = uuid.uuid4().hex[:8].upper()
    return f"U{suffix}", f"D{suffix}"


def test_slack_rejects_a_request_with_a_bad_signature(channels_rasa):
    body = slack_message("UFORGED", "DFORGED", "hi")
    status, _, _ = post(
        f"{channels_rasa.rasa_url}/webhooks/slack/webhook",
        body,
        {"Content-Type": "application/json", "X-Slack-Request-Timestamp": str(int(time.time())),
         "X-Slack-Signature": "v0=" + "0" * 64},
    )
    assert status == 400


def test_slack_answers_once_and_acknowledges_at_once_even_when_retried(channels_rasa, capture):
    user, channel = new_ids()
    capture.slow_slack_s = 4.0  # the bot's turn now takes longer than Slack's 3 seconds
    try:
        body = slack_message(user, channel, "how much is the Lumen Air 13?")
        status, _, took = slack_post(channels_rasa, body)
        assert status == 200 and took < 3, (status, took)
        # Slack saw no answer in time and delivers the same event again (same event_id), twice.
        for attempt, reason in ((1, "http_timeout"), (2, "http_error")):
            headers = {"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": reason}
            status, _, took = slack_post(channels_rasa, body, headers=headers)
            assert status == 200 and took < 3
        replies = capture.wait_for("slack", "chat.postMessage", to_channel(channel), count=2)
    finally:
        capture.slow_slack_s = 0.0
    time.sleep(8)  # anything a duplicate turn would send has arrived by now
    replies = capture.of("slack", "chat.postMessage", to_channel(channel))
    cards = [call for call in replies if "Sources: LAP-LUM-AIR13" in json.dumps(call.fields.get("blocks"))]
    assert len(cards) == 1, [call.fields for call in replies]  # one turn, not one per delivery
    assert any("999.00 EUR" in call.fields["text"] for call in replies if call not in cards)
    card = cards[0].fields["blocks"]
    assert card[0]["type"] == "section" and "Lumen Air 13" in card[0]["text"]["text"]
    assert "999.00 EUR" in card[0]["text"]["text"]
    assert card[-1]["type"] == "context"


def test_slack_offers_every_category_as_a_button_and_takes_the_click(channels_rasa, capture):
    user, channel = new_ids()
    slack_post(channels_rasa, slack_message(user, channel, "can you recommend something?"))
    question = capture.wait_for("slack", "chat.postMessage", lambda c: to_channel(channel)(c) and "blocks" in c.fields)
    blocks = question[0].fields["blocks"]
    rows = [block["elements"] for block in blocks if block["type"] == "actions"]
    buttons = [button for row in rows for button in row]
    categories = {product.category.capitalize() for product in load_catalog(PROJECT_ROOT / "data" / "catalog").products}
    assert {b["text"]["text"] for b in buttons} == categories, blocks
    assert all(len(row) <= 5 for row in rows), blocks
    laptops = next(b for b in buttons if b["text"]["text"] == "Laptops")

    before = len(capture.of("slack", "chat.postMessage", to_channel(channel)))
    status, _, _ = slack_post(
        channels_rasa, slack_button_click(user, channel, laptops["value"]), "application/x-www-form-urlencoded"
    )
    assert status == 200
    after = capture.wait_for("slack", "chat.postMessage", to_channel(channel), count=before + 1)
    assert after[-1].fields["text"] != question[0].fields["text"]  # the form moved on to its next question


def telegram_update(chat_id: int, text: str | None = None, button: str | None = None) -> bytes:
    person = {"id": chat_id, "is_bot": False, "first_name": "Ann"}
    message = {"message_id": 7, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"}, "from": person}
    update: dict[str, Any] = {"update_id": int(time.time() * 1000) % 2**31}
    if button is None:
        update["message"] = {**message, "text": text}
    else:
        update["callback_query"] = {"id": "cb1", "from": person, "chat_instance": "ci", "data": button,
                                    "message": {**message, "text": "What kind of product are you looking for?"}}
    return json.dumps(update).encode()


def telegram_post(settings: Settings, body: bytes) -> int:
    url = f"{settings.rasa_url}/webhooks/telegram/webhook"
    status, _, _ = post(url, body, {"Content-Type": "application/json"})
    return status


def to_chat(chat_id: int) -> Callable[[Call], bool]:
    return lambda call: str(call.fields.get("chat_id")) == str(chat_id)


def test_telegram_registers_its_webhook_at_start_up(channels_rasa, capture):
    registered = capture.of("telegram", "setWebhook")
    assert registered and registered[-1].fields["url"] == channels_rasa.telegram_webhook_url


def test_telegram_answers_with_facts_and_a_product_card(channels_rasa, capture):
    chat_id = int(time.time()) % 10**6 + 10**6
    assert telegram_post(channels_rasa, telegram_update(chat_id, "how much is the Lumen Air 13?")) == 200
    messages = capture.wait_for("telegram", "sendMessage", to_chat(chat_id), count=2)
    texts = [m.fields["text"] for m in messages]
    assert any("999.00 EUR" in text for text in texts), texts
    card = next(text for text in texts if text.startswith("• "))
    assert "Lumen Air 13 — 999.00 EUR" in card and "Sources: LAP-LUM-AIR13" in card


def test_telegram_offers_buttons_and_takes_the_click(channels_rasa, capture):
    chat_id = int(time.time()) % 10**6 + 2 * 10**6
    telegram_post(channels_rasa, telegram_update(chat_id, "can you recommend something?"))
    question = capture.wait_for("telegram", "sendMessage", lambda c: to_chat(chat_id)(c) and "reply_markup" in c.fields)
    keyboard = json.loads(question[0].fields["reply_markup"])["inline_keyboard"]
    buttons = {b["text"]: b["callback_data"] for row in keyboard for b in row}
    assert buttons.get("Laptops") == "laptops", buttons

    before = len(capture.of("telegram", "sendMessage", to_chat(chat_id)))
    assert telegram_post(channels_rasa, telegram_update(chat_id, button=buttons["Laptops"])) == 200
    after = capture.wait_for("telegram", "sendMessage", to_chat(chat_id), count=before + 1)
    assert after[-1].fields["text"] != question[0].fields["text"]
