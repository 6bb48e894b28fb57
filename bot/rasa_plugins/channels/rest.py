"""REST channel with abuse limits: Rasa's REST input (same name and path, /webhooks/rest/webhook) whose
messages first pass `throttle.limits.MessageGuard` (rate per sender and per client address, longest
message). A refused message never reaches the assistant; its sender gets one polite bot message.

The limits come from this channel's section of credentials.yml (values from SALESBOT_* variables that
`salesbot up` sets from config/settings.py; this Python 3.10 code cannot import the settings module).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.channels.rest import RestInput
from sanic import response
from sanic.exceptions import InvalidUsage
from sanic.request import Request

from throttle.limits import MessageGuard, client_address, parse_proxies

log = logging.getLogger(__name__)

MAX_SENDER_CHARS = 128


def _body_problem(body: Any) -> str:
    """What is wrong with a webhook body, or ''."""
    if not isinstance(body, dict):
        return 'send a JSON object: {"sender": "<conversation id>", "message": "<text>"}'
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not 1 <= len(sender) <= MAX_SENDER_CHARS:
        return f'"sender" must be a string of 1 to {MAX_SENDER_CHARS} characters'
    if not isinstance(message, str):
        return '"message" must be a string'
    return ""


class GuardedRestInput(RestInput):
    """Registered in credentials.yml as `bot.rasa_plugins.channels.rest.GuardedRestInput`; keys
    `sender_rate`, `ip_rate`, `max_message_chars` and (optional) `trusted_proxies`."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GuardedRestInput:
        credentials = credentials or {}
        return cls(
            MessageGuard.from_config(credentials, "credentials.yml, REST channel"),
            parse_proxies(str(credentials.get("trusted_proxies") or ""), "credentials.yml, REST channel"),
        )

    def __init__(self, guard: MessageGuard, trusted_proxies: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.guard = guard
        self.trusted_proxies = trusted_proxies

    @classmethod
    def name(cls) -> str:
        return "rest"

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()  # not the client's word: console replies go out on the conversation's channel

    def blueprint(self, on_new_message: Any) -> Any:
        webhook = super().blueprint(on_new_message)

        @webhook.middleware("request")
        async def guard(request: Request) -> Any:
            if request.method != "POST" or not request.path.rstrip("/").endswith("/webhook"):
                return None
            try:
                body = request.json
            except InvalidUsage:  # not JSON
                body = None
            problem = _body_problem(body)
            if problem:
                return response.json({"error": problem}, status=400)
            address = client_address(request.ip, request.headers.get("x-forwarded-for", ""), self.trusted_proxies)
            refusal = self.guard.check(body["sender"], address, body["message"])
            if refusal is None:
                return None
            log.info("REST message from %s (sender %.40r) refused: HTTP %s", address, body["sender"], refusal.status)
            headers = {"Retry-After": str(refusal.retry_after)} if refusal.retry_after else {}
            reply = [{"recipient_id": body["sender"], "text": refusal.text}]
            return response.json(reply, status=refusal.status, headers=headers)

        return webhook
