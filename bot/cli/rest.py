"""Talking to the running assistant the way a client does: Rasa's REST channel and its tracker API.

The one way to send a customer message over HTTP, for everyone who does it: `salesbot chat`, the
benchmark, and the end-to-end and scale tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DEFAULT_TIMEOUT = 120.0  # seconds for one turn; the first turn after start-up loads models


@dataclass(frozen=True)
class Reply:
    """What Rasa sent back for one message: its messages (text, buttons, `custom` cards…) and the headers."""

    messages: list[dict[str, Any]]
    headers: Mapping[str, str] = field(default_factory=dict)  # case-insensitive when it came from a response

    @property
    def text(self) -> str:
        """Every message's text, one per line; messages without text (a card alone) add nothing."""
        return "\n".join(m["text"] for m in self.messages if m.get("text"))

    @property
    def has_custom(self) -> bool:
        """True when a message carries a `custom` payload (product cards and sources)."""
        return any("custom" in m for m in self.messages)


def webhook_url(rasa_url: str) -> str:
    return f"{rasa_url.rstrip('/')}/webhooks/rest/webhook"


def say(rasa_url: str, sender: str, text: str, *, timeout: float = DEFAULT_TIMEOUT, client: Any = None) -> Reply:
    """Send `text` as customer `sender`; raises `httpx.HTTPError` when Rasa cannot be reached or fails.

    `client`, an `httpx.Client`, keeps its connection open from one turn to the next (the benchmark's
    simulated customers); without one each call opens its own.
    """
    import httpx

    response = (client or httpx).post(webhook_url(rasa_url), json={"sender": sender, "message": text}, timeout=timeout)
    response.raise_for_status()
    return Reply((response.json() if response.content else None) or [], response.headers)


def tracker(rasa_url: str, sender: str, *, timeout: float = 30.0) -> dict[str, Any]:
    """The conversation's tracker (slots, events) from Rasa's HTTP API, which must run without a token."""
    import httpx

    response = httpx.get(f"{rasa_url.rstrip('/')}/conversations/{sender}/tracker", timeout=timeout)
    response.raise_for_status()
    return response.json()
