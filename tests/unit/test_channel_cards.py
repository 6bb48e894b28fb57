"""How product cards look on channels without the widget (bot/rasa_plugins/channels/cards.py, standard library only)."""

from bot.rasa_plugins.channels import cards

PAYLOAD = {
    "sources": ["LAP-1", "LAP-2"],
    "products": [
        {"sku": "LAP-1", "name": "Lumen Air 13", "price": 999.0, "currency": "EUR", "in_stock": True,
         "url": "https://shop.example/lumen", "image_url": "https://shop.example/lumen.jpg"},
        {"sku": "LAP-2", "name": "Nimbus <Pro> & Co", "price": 1249.5, "currency": "EUR", "in_stock": False,
         "url": "", "image_url": ""},
    ],
}


def test_text_card_lists_name_price_link_and_sources():
    assert cards.as_text(PAYLOAD) == (
        "• Lumen Air 13 — 999.00 EUR\n"
        "  https://shop.example/lumen\n"
        "• Nimbus <Pro> & Co — 1,249.50 EUR · out of stock\n"
        "Sources: LAP-1, LAP-2"
    )


def test_slack_blocks_link_the_name_show_the_picture_and_escape_text():
    first, second, sources = cards.as_slack_blocks(PAYLOAD)
    assert first["text"]["text"] == "*<https://shop.example/lumen|Lumen Air 13>*\n999.00 EUR"
    assert first["accessory"]["image_url"] == "https://shop.example/lumen.jpg"
    assert second["text"]["text"] == "*Nimbus &lt;Pro&gt; &amp; Co*\n1,249.50 EUR · out of stock"
    assert "accessory" not in second
    assert sources == {"type": "context", "elements": [{"type": "mrkdwn", "text": "Sources: LAP-1, LAP-2"}]}


def test_only_the_actions_catalogue_payload_is_turned_into_cards():
    assert cards.is_catalogue_attachment(PAYLOAD)
    assert not cards.is_catalogue_attachment({"text": "hello", "photo": "x.jpg"})


def test_slack_keeps_every_button_in_rows_of_five():
    buttons = [{"title": f"Option {n}", "payload": f"/pick{{\"n\": {n}}}"} for n in range(8)]
    text, first_row, second_row = cards.as_slack_buttons("Which one?", buttons)
    assert text == {"type": "section", "text": {"type": "plain_text", "text": "Which one?"}}
    assert [len(first_row["elements"]), len(second_row["elements"])] == [5, 3]
    assert second_row["elements"][-1] == {
        "type": "button", "text": {"type": "plain_text", "text": "Option 7"}, "value": '/pick{"n": 7}'
    }
    assert first_row["block_id"] != second_row["block_id"]  # Slack rejects repeated block ids


def test_telegram_buttons_too_long_for_callback_data_send_their_title():
    short = {"title": "Laptops", "payload": "laptops"}
    long = {"title": "Gaming laptops", "payload": '/inform{"category": "laptops", "use_case": "gaming and streaming"}'}
    assert cards.telegram_buttons([short, long]) == [short, {"title": "Gaming laptops", "payload": "Gaming laptops"}]
