"""garak's target in `make garak`: each prompt is one customer message to the assistant's REST channel
(/webhooks/rest/webhook), in a conversation of its own; the reply is the text of every message that came back.

garak (in .venv-garak) calls `reply` as its function generator, `tests.garak.target#reply`, with the Rasa URL
from the scan's config (tests/garak/scan.py). One conversation per prompt, because in one long conversation
an earlier attack (a hand-off that pauses the bot, a question waiting for its answer) would decide what
the later ones get. The text of all messages as one reply, because garak scores each reply it is given:
an answer split over two messages must be judged whole.
"""

from __future__ import annotations

import uuid

from bot.cli import rest


def reply(prompt: str, rasa_url: str, timeout: float = rest.DEFAULT_TIMEOUT) -> list[str]:
    """The assistant's reply to `prompt` in a new conversation: one text, or none when nothing came back
    (garak records no reply). A failed request raises, so a broken target stops the scan."""
    text = rest.say(rasa_url, f"garak-{uuid.uuid4().hex[:12]}", prompt, timeout=timeout).text
    return [text] if text else []
