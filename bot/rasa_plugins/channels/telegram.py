"""Telegram channel: Rasa's connector with a configurable Bot API base URL, product cards as a text
message, and buttons whose payload Telegram cannot carry sent as their title."""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram import Bot
from aiogram.bot.api import TelegramAPIServer
from aiogram.utils.exceptions import TelegramAPIError
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from rasa.shared.exceptions import RasaException

from bot.rasa_plugins.channels import cards

TELEGRAM_API_URL = "https://api.telegram.org"


class ShopTelegramOutput(TelegramOutput):
    def __init__(self, access_token: str | None, api_url: str = TELEGRAM_API_URL) -> None:
        Bot.__init__(self, access_token, server=TelegramAPIServer.from_base(api_url))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await super().send_text_with_buttons(recipient_id, text, cards.telegram_buttons(buttons), **kwargs)

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        if cards.is_catalogue_attachment(json_message):
            text = cards.as_text(json_message)
            if text:
                await self.send_message(recipient_id, text, disable_web_page_preview=True)
            return
        await super().send_custom_json(recipient_id, json_message, **kwargs)


class ShopTelegramInput(TelegramInput):
    """Registered in credentials.yml as `bot.rasa_plugins.channels.telegram.ShopTelegramInput`; extra key: `api_url`."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TelegramInput:
        channel = super().from_credentials(credentials)
        channel.api_url = (credentials or {}).get("api_url") or TELEGRAM_API_URL  # type: ignore[attr-defined]
        return channel

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.api_url = TELEGRAM_API_URL

    def get_output_channel(self) -> ShopTelegramOutput:
        """Like Rasa's: registers the webhook with Telegram, and fails start-up if Telegram refuses it."""
        channel = ShopTelegramOutput(self.access_token, self.api_url)

        async def register() -> None:
            try:
                await channel.set_webhook(url=self.webhook_url)
            finally:
                await channel.close()  # its HTTP session belongs to this short-lived loop; a new one opens later

        try:
            asyncio.run(register())
        except TelegramAPIError as error:
            raise RasaException(f"Telegram refused the webhook {self.webhook_url!r}: {error}") from error
        return channel
