"""How the product cards and sources that actions attach (`custom` payload) look where a channel
has no widget: plain text for Telegram, Block Kit for Slack. Standard library only.

The payload's fields are documented in docs/card-payload.md (schema: docs/card-payload.schema.json)."""

from __future__ import annotations

from typing import Any

SLACK_BUTTONS_PER_ROW = 5  # Slack shows at most five buttons side by side
TELEGRAM_CALLBACK_LIMIT = 64  # bytes; Telegram rejects the whole message when a button carries more


def is_catalogue_attachment(payload: dict[str, Any]) -> bool:
    """True for the `{"sources": [...], "products": [...]}` payload of actions/replies.py."""
    return isinstance(payload, dict) and ("products" in payload or "sources" in payload)


def price_line(product: dict[str, Any]) -> str:
    price = product.get("price")
    text = f"{price:,.2f} {product.get('currency', '')}".strip() if isinstance(price, int | float) else ""
    if product.get("in_stock") is False:
        text = f"{text} · out of stock" if text else "out of stock"
    return text


def sources_line(payload: dict[str, Any]) -> str:
    sources = [str(source) for source in payload.get("sources") or []]
    return f"Sources: {', '.join(sources)}" if sources else ""


def as_text(payload: dict[str, Any]) -> str:
    """One message: a bullet per product (name, price, link), then the sources."""
    lines = []
    for product in payload.get("products") or []:
        details = " — ".join(part for part in (product.get("name", ""), price_line(product)) if part)
        lines.append(f"• {details}")
        if product.get("url"):
            lines.append(f"  {product['url']}")
    if sources_line(payload):
        lines.append(sources_line(payload))
    return "\n".join(lines)


def slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def as_slack_blocks(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """A section per product (linked name, price, picture when there is one) and a context line of sources."""
    blocks: list[dict[str, Any]] = []
    for product in payload.get("products") or []:
        name = slack_escape(product.get("name", ""))
        title = f"*<{product['url']}|{name}>*" if product.get("url") else f"*{name}*"
        block: dict[str, Any] = {
            "type": "section",
            "text": {"type": "mrkdwn", "text": f"{title}\n{slack_escape(price_line(product))}".strip()},
        }
        if product.get("image_url"):
            block["accessory"] = {"type": "image", "image_url": product["image_url"], "alt_text": name or "product"}
        blocks.append(block)
    sources = sources_line(payload)
    if sources:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": slack_escape(sources)}]})
    return blocks


def as_slack_buttons(text: str, buttons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The text, then the buttons in rows of five (Rasa's own Slack output drops them all past five)."""
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "plain_text", "text": text}}]
    for start in range(0, len(buttons), SLACK_BUTTONS_PER_ROW):
        row = buttons[start : start + SLACK_BUTTONS_PER_ROW]
        elements = [
            {"type": "button", "text": {"type": "plain_text", "text": b["title"]}, "value": b["payload"]} for b in row
        ]
        number = start // SLACK_BUTTONS_PER_ROW
        blocks.append({"type": "actions", "block_id": f"buttons-{number}", "elements": elements})
    return blocks


def telegram_buttons(buttons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A payload too long for Telegram's callback data is replaced by the title, which the NLU understands."""
    return [
        {**b, "payload": b["payload"] if len(b["payload"].encode()) <= TELEGRAM_CALLBACK_LIMIT else b["title"]}
        for b in buttons
    ]
