"""Hand-off in two real browser pages (Debian's Chromium driven by Playwright): a customer in the widget
asks for a person, an agent signs in to the console with their own account, sees the ticket and answers, the
customer sees the answer, the agent returns the conversation, and the bot answers the next question."""

from __future__ import annotations

import contextlib

import pytest

from config.privacy_wiring import agent_accounts, audit_log
from privacy.registry import PrivacyError
from tests.e2e.test_handoff import AGENT, HANDED_OFF, console, webhook  # noqa: F401 (fixtures)
from tests.e2e.test_widget import browser, send_and_wait, wait_for_reply  # noqa: F401 (fixture)

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 60_000
PASSWORD = "e2e agent password"


def fresh_account(settings) -> None:
    accounts = agent_accounts(settings)
    with contextlib.suppress(PrivacyError):  # none yet on the first run in this var folder
        accounts.remove(AGENT)
    accounts.add(AGENT, settings.shop, PASSWORD)


def test_an_agent_takes_over_in_the_console_and_gives_the_conversation_back(browser, console, e2e_settings):  # noqa: F811
    artefacts = e2e_settings.var_dir / "artefacts"
    artefacts.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    fresh_account(e2e_settings)

    agent = browser.new_context(viewport={"width": 1200, "height": 800}).new_page()
    agent.on("pageerror", lambda error: errors.append(f"console: {error}"))
    agent.goto(f"{console.url}/console")
    agent.fill("#agent-name", AGENT)
    agent.fill("#agent-password", PASSWORD)
    agent.click("#login button[type=submit]")
    agent.wait_for_selector("#status:has-text('Connected')", timeout=TIMEOUT_MS)

    customer = browser.new_context(viewport={"width": 1000, "height": 800}).new_page()
    customer.on("pageerror", lambda error: errors.append(f"widget: {error}"))
    customer.goto(console.url)
    customer.click(".sb-launcher")
    send_and_wait(customer, "hi")
    handed = send_and_wait(customer, "I want to talk to a real person")
    assert HANDED_OFF in handed, handed
    session_id = customer.evaluate("localStorage.getItem('salesbot.session')")

    ticket = agent.locator("#tickets li", has_text=session_id)
    ticket.wait_for(timeout=TIMEOUT_MS)
    ticket.click()
    agent.wait_for_selector("#transcript li.customer:has-text('I want to talk to a real person')", timeout=TIMEOUT_MS)
    assert "bot paused" in agent.locator("#ticket-title").inner_text()

    before = customer.locator(".sb-bot").count()
    agent.fill("#reply-text", "Hello, this is Sam from the shop. How can I help?")
    agent.click("#send")
    assert "this is Sam from the shop" in wait_for_reply(customer, before)
    agent.wait_for_selector("#transcript li.agent:has-text('this is Sam')", timeout=TIMEOUT_MS)
    agent.screenshot(path=str(artefacts / "handoff-console.png"))
    customer.screenshot(path=str(artefacts / "handoff-widget-agent-reply.png"))

    before = customer.locator(".sb-bot").count()
    agent.click("#resolve")
    assert "back with the shop's assistant" in wait_for_reply(customer, before)
    agent.wait_for_selector("#ticket-title:has-text('resolved')", timeout=TIMEOUT_MS)

    answer = send_and_wait(customer, "how much is the Lumen Air 13?")
    assert "Lumen Air 13" in answer and HANDED_OFF not in answer, answer
    customer.screenshot(path=str(artefacts / "handoff-widget-back-to-bot.png"))
    assert not errors, errors
    entries = audit_log(e2e_settings).entries(20)
    done = [(e.action, e.via) for e in entries if e.agent == AGENT and e.target == session_id]
    assert {("take", "password"), ("reply", "password"), ("return_to_bot", "password")} <= set(done)
