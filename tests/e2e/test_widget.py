"""The web widget in a real browser (Debian's Chromium driven by Playwright) against the real assistant.

The browser reaches Rasa's socket.io through a TCP relay that the test can cut, to see the widget
lose its connection, say so, keep what the customer typed, and deliver it after reconnecting.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.cli import supervisor
from config.settings import Settings

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
# Flags for a closed network: without the background-networking ones Chromium keeps dialling out.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WEB_PORT = int(os.environ.get("SALESBOT_E2E_WEB_PORT", "5180"))
REPLY_TIMEOUT_MS = 120_000
WIDGET = "document.querySelector('#salesbot-widget').shadowRoot"  # Playwright's locators pierce it by themselves
ANSWERS = [  # the needs form's questions, answered the way a customer would
    (re.compile(r"budget|spend|price range", re.I), "under 1500 euros"),
    (re.compile(r"use it|use case|for what|what for|mainly", re.I), "for travel and office work"),
    (re.compile(r"feature|must|important|anything else", re.I), "no preference"),
]


class Relay:
    """A TCP relay from a local port to the Rasa server; `cut()` drops every connection and refuses new ones."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = self._listen(0)
        self.port = self.listener.getsockname()[1]
        self.connections: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    @staticmethod
    def _listen(port: int) -> socket.socket:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen()
        return listener

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            with self.lock:
                self.connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                end.close()

    def cut(self) -> None:
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(); close() alone would not
        self.listener.close()
        with self.lock:
            for connection in self.connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
                connection.close()
            self.connections.clear()

    def restore(self) -> None:
        self.listener = self._listen(self.port)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()


@pytest.fixture(scope="module")
def relay(e2e_settings: Settings) -> Iterator[Relay]:
    running = Relay(e2e_settings.rasa_port)
    yield running
    running.cut()


@pytest.fixture(scope="module")
def web_app(assistant, relay: Relay) -> Iterator[str]:
    settings = replace(assistant.settings, web_port=WEB_PORT, public_rasa_url=f"http://127.0.0.1:{relay.port}")
    service = supervisor.web_service(settings)
    supervisor.start_all([service], settings.var_dir / "logs", timeout=60)
    yield f"http://127.0.0.1:{WEB_PORT}"
    supervisor.stop_all([service])


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


def bot_texts(page) -> list[str]:
    return page.locator(".sb-bot").all_inner_texts()


def send_and_wait(page, text: str) -> str:
    """Type a message, wait for the bot's answer to finish (typing indicator gone), return the new bot text."""
    before = page.locator(".sb-bot").count()
    page.fill(".sb-input", text)
    page.press(".sb-input", "Enter")
    return wait_for_reply(page, before)


def wait_for_reply(page, before: int) -> str:
    page.wait_for_function(
        f"n => {WIDGET}.querySelectorAll('.sb-bot').length > n && {WIDGET}.querySelector('.sb-typing').hidden",
        arg=before,
        timeout=REPLY_TIMEOUT_MS,
    )
    page.wait_for_timeout(500)  # a product card follows its text as a second socket.io message
    return "\n".join(bot_texts(page)[before:])


def answer_form_until_cards(page, reply: str) -> None:
    """Answer the needs form's questions until product cards appear. A turn can send several messages
    ("No problem, let's skip that." and then the recommendation), so wait for a question or the cards."""
    question_or_cards = (
        "n => { const w = WIDGET; const bots = w.querySelectorAll('.sb-bot');"
        " return w.querySelector('.sb-card') || (bots.length > n && bots[bots.length - 1].textContent.includes('?')); }"
    ).replace("WIDGET", WIDGET)
    for _ in range(5):
        page.wait_for_timeout(1500)  # product cards follow the reply's text as a second socket.io message
        if page.locator(".sb-card").count():
            return
        answer = next((a for pattern, a in ANSWERS if pattern.search(reply)), "no preference")
        before = page.locator(".sb-bot").count()
        page.fill(".sb-input", answer)
        page.press(".sb-input", "Enter")
        page.wait_for_function(question_or_cards, arg=before, timeout=REPLY_TIMEOUT_MS)
        reply = "\n".join(bot_texts(page)[before:])
    assert page.locator(".sb-card").count(), f"no product cards after the needs form; last reply: {reply}"


def test_widget_recommends_keeps_history_and_survives_a_dropped_connection(browser, web_app, relay, e2e_settings):
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(web_app)
    page.click(".sb-launcher")

    greeting = send_and_wait(page, "hi there")
    assert greeting.strip()

    asked = send_and_wait(page, "can you recommend something?")
    quick_replies = page.locator(".sb-quick-reply")
    assert quick_replies.count() >= 2, f"no quick replies offered: {asked}"
    laptops = page.locator(".sb-quick-reply", has_text=re.compile("^laptops$", re.I))
    before = page.locator(".sb-bot").count()
    laptops.click()
    assert page.locator(".sb-user").last.inner_text() == "Laptops"
    answer_form_until_cards(page, wait_for_reply(page, before))

    page.wait_for_timeout(1500)  # the turn's last messages (sources) have arrived
    card = page.locator(".sb-card").first
    assert re.search(r"\d+\.\d{2} [A-Z]{3}", card.locator(".sb-card-price").inner_text())
    assert card.locator("a.sb-card-name").get_attribute("href")
    assert page.locator(".sb-sources").first.inner_text().startswith("Sources: ")
    artefacts = e2e_settings.var_dir / "artefacts"
    artefacts.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(artefacts / "widget-recommendation.png"))
    transcript = page.locator(".sb-messages").inner_text()
    session_id = page.evaluate("localStorage.getItem('salesbot.session')")

    # A reload shows the same conversation, read back from the tracker.
    page.reload()
    page.wait_for_selector(".sb-card", timeout=30_000)  # the history is rendered in one go
    assert page.evaluate("localStorage.getItem('salesbot.session')") == session_id
    assert page.locator(".sb-messages").inner_text() == transcript
    assert page.locator(".sb-user").first.inner_text() == "hi there"
    assert "Laptops" in page.locator(".sb-user").all_inner_texts()

    # The connection drops: the widget says so and keeps what the customer types meanwhile.
    relay.cut()
    page.wait_for_selector(".sb-problem:not([hidden])", timeout=30_000)
    assert "reconnect" in page.locator(".sb-problem").inner_text().lower()
    before = page.locator(".sb-bot").count()
    page.fill(".sb-input", "what is your return policy?")
    page.press(".sb-input", "Enter")
    assert page.locator(".sb-user.sb-pending").count() == 1
    page.wait_for_function(  # socket.io tries again after about 1, 2, 4… seconds
        f"() => {WIDGET}.querySelector('.sb-problem').textContent.includes(\"can't reach\")", timeout=20_000
    )

    relay.restore()
    reply = wait_for_reply(page, before)
    assert "return" in reply.lower(), reply
    assert page.locator(".sb-problem").is_hidden()
    assert page.locator(".sb-user.sb-pending").count() == 0
    assert page.locator(".sb-user").all_inner_texts().count("what is your return policy?") == 1
    page.screenshot(path=str(artefacts / "widget-after-reconnect.png"))
    assert not errors, errors
    context.close()
