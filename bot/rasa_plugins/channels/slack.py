"""Slack channel: Rasa's connector with a configurable API base URL, product cards as Block Kit,
more than five buttons kept (in rows), and each Slack event handled once even when Slack retries."""

from __future__ import annotations

import logging
from collections import OrderedDict
from http import HTTPStatus
from typing import Any

from rasa.core.channels.slack import SlackBot, SlackInput
from sanic import response
from slack_sdk.web.async_client import AsyncWebClient

from bot.rasa_plugins.channels import cards

log = logging.getLogger(__name__)

SLACK_API_URL = "https://slack.com/api/"
SEEN_EVENTS_KEPT = 10_000


class ShopSlackBot(SlackBot):
    def __init__(
        self,
        token: str,
        slack_channel: str | None = None,
        thread_id: str | None = None,
        proxy: str | None = None,
        api_url: str = SLACK_API_URL,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        self.client = AsyncWebClient(token, base_url=api_url, proxy=proxy)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        blocks = cards.as_slack_buttons(text, buttons)
        await self._post_message(channel=self.slack_channel or recipient_id, as_user=True, text=text, blocks=blocks)

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        if not cards.is_catalogue_attachment(json_message):
            await super().send_custom_json(recipient_id, json_message, **kwargs)
            return
        await self._post_message(
            channel=self.slack_channel or recipient_id,
            as_user=True,
            text=cards.as_text(json_message),  # notifications and clients without blocks
            blocks=cards.as_slack_blocks(json_message),
        )


class ShopSlackInput(SlackInput):
    """Registered in credentials.yml as `bot.rasa_plugins.channels.slack.ShopSlackInput`; extra key: `api_url`."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SlackInput:
        channel = super().from_credentials(credentials)
        channel.api_url = (credentials or {}).get("api_url") or SLACK_API_URL  # type: ignore[attr-defined]
        return channel

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.api_url = SLACK_API_URL
        self._seen_events: OrderedDict[str, None] = OrderedDict()

    def get_output_channel(self, channel: str | None = None, thread_id: str | None = None) -> ShopSlackBot:
        return ShopSlackBot(self.slack_token, channel or self.slack_channel, thread_id, self.proxy, self.api_url)

    def first_delivery(self, event_id: str) -> bool:
        """Slack resends an event it thinks was lost (timeouts, errors); only the first copy is answered."""
        if event_id in self._seen_events:
            return False
        self._seen_events[event_id] = None
        if len(self._seen_events) > SEEN_EVENTS_KEPT:
            self._seen_events.popitem(last=False)
        return True

    async def process_message(
        self, request: Any, on_new_message: Any, text: str, sender_id: str | None, metadata: dict | None
    ) -> Any:
        event_id = self._event_id(request)
        if event_id and not self.first_delivery(event_id):
            retry = request.headers.get(self.retry_num_header)
            log.info("Slack event %s delivered again (retry %s); already handled", event_id, retry)
            return response.text("", status=HTTPStatus.OK, headers={"X-Slack-No-Retry": "1"})
        return await super().process_message(request, on_new_message, text, sender_id, metadata)

    @staticmethod
    def _event_id(request: Any) -> str:
        """Events API envelopes carry `event_id`; button clicks (form-encoded) carry none and are not retried."""
        if request.headers.get("content-type") == "application/json":
            return str((request.json or {}).get("event_id") or "")
        return ""
