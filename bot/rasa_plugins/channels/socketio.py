"""socket.io channel for the web widget.

Rasa 3.6's socket.io output passes a custom payload to `AsyncServer.emit` as keyword arguments,
which fails (`unexpected keyword argument 'products'`) for the product cards our actions attach.
Here a custom payload is emitted as `{"custom": payload}`, the shape the widget reads.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput


class WidgetSocketIOOutput(SocketIOOutput):
    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class WidgetSocketIOInput(SocketIOInput):
    """Rasa's socket.io input (same name, path and options) with the output above."""

    def get_output_channel(self) -> SocketIOOutput | None:
        channel = super().get_output_channel()
        return WidgetSocketIOOutput(self.sio, self.bot_message_evt) if channel else None

    def blueprint(self, on_new_message: Any) -> Any:
        async def with_widget_output(message: Any) -> Any:
            message.output_channel = WidgetSocketIOOutput(message.output_channel.sio, self.bot_message_evt)
            return await on_new_message(message)

        return super().blueprint(with_widget_output)
