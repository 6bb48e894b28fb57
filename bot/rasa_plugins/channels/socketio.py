"""socket.io channel for the web widget.

Rasa 3.6's socket.io output passes a custom payload to `AsyncServer.emit` as keyword arguments,
which fails (`unexpected keyword argument 'products'`) for the product cards our actions attach.
Here a custom payload is emitted as `{"custom": payload}`, the shape the widget reads.

Abuse limits: every customer message first passes `throttle.limits.MessageGuard` (rate per conversation
and per client address, longest message); a refused one never reaches the assistant and its sender gets
one polite bot message. Pages of origins other than `cors_origins` cannot connect (Rasa turns engine.io's
origin check off). Both come from this channel's section of credentials.yml.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput

from throttle.limits import MessageGuard, client_address, parse_proxies

log = logging.getLogger(__name__)

LIMIT_KEYS = ("sender_rate", "ip_rate", "max_message_chars", "trusted_proxies", "cors_origins")


class WidgetSocketIOOutput(SocketIOOutput):
    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class WidgetSocketIOInput(SocketIOInput):
    """Rasa's socket.io input (same name, path and options) with the output above and the limits; extra
    keys `sender_rate`, `ip_rate`, `max_message_chars`, `cors_origins` and (optional) `trusted_proxies`."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SocketIOInput:
        credentials = credentials or {}
        channel = super().from_credentials({k: v for k, v in credentials.items() if k not in LIMIT_KEYS})
        where = "credentials.yml, socket.io channel"
        channel.guard = MessageGuard.from_config(credentials, where)  # type: ignore[attr-defined]
        channel.trusted_proxies = parse_proxies(str(credentials.get("trusted_proxies") or ""), where)  # type: ignore[attr-defined]
        origins = [o.strip() for o in str(credentials.get("cors_origins") or "*").split(",") if o.strip()]
        channel.cors_origins = "*" if "*" in origins else origins  # type: ignore[attr-defined]
        return channel

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.guard = MessageGuard(None, None, 2000)
        self.trusted_proxies: frozenset[str] = frozenset()
        self.cors_origins: str | list[str] = "*"

    def get_output_channel(self) -> SocketIOOutput | None:
        channel = super().get_output_channel()
        return WidgetSocketIOOutput(self.sio, self.bot_message_evt) if channel else None

    def blueprint(self, on_new_message: Any) -> Any:
        async def with_widget_output(message: Any) -> Any:
            message.output_channel = WidgetSocketIOOutput(message.output_channel.sio, self.bot_message_evt)
            return await on_new_message(message)

        webhook = super().blueprint(with_widget_output)
        sio = self.sio
        handlers = sio.handlers[self.namespace or "/"]
        handle_message, connect = handlers[self.user_message_evt], handlers["connect"]

        async def connect_from_allowed_origins(sid: str, environ: dict, auth: Any = None) -> bool:
            # Checked here, not by engine.io's own origin check: that one also adds CORS headers, and
            # Rasa's --cors (the same origins) adds them too; a browser refuses a doubled header.
            origin = environ.get("HTTP_ORIGIN")
            if self.cors_origins != "*" and origin and origin not in self.cors_origins:
                log.info("socket.io connection from %s refused: not one of SALESBOT_CORS_ORIGINS", origin)
                return False
            return await connect(sid, environ, auth)

        async def guarded(sid: str, data: Any) -> None:
            data = data if isinstance(data, dict) else {}
            text = data.get("message")
            if not isinstance(text, str):
                return  # not a customer message the widget sends
            request = (sio.get_environ(sid, self.namespace) or {}).get("sanic.request")
            peer = request.ip if request is not None else ""
            forwarded = request.headers.get("x-forwarded-for", "") if request is not None else ""
            address = client_address(peer, forwarded, self.trusted_proxies)
            sender = str(data.get("session_id") or sid)
            refusal = self.guard.check(sender, address, text)
            if refusal is None:
                await handle_message(sid, data)
                return
            log.info("socket.io message from %s (session %.40r) refused: %s", address, sender, refusal.status)
            await sio.emit(self.bot_message_evt, {"text": refusal.text}, room=sid)

        sio.on("connect", connect_from_allowed_origins, namespace=self.namespace)
        sio.on(self.user_message_evt, guarded, namespace=self.namespace)
        return webhook
