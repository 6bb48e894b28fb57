from pathlib import Path

import yaml

from bot.cli.credentials import write_credentials
from bot.cli.supervisor import channel_env
from config.settings import PROJECT_ROOT, load_settings

TEMPLATE = PROJECT_ROOT / "bot" / "credentials.yml"
SLACK = "bot.rasa_plugins.channels.slack.ShopSlackInput"
TELEGRAM = "bot.rasa_plugins.channels.telegram.ShopTelegramInput"
WIDGET = "bot.rasa_plugins.channels.socketio.WidgetSocketIOInput"
REST = "bot.rasa_plugins.channels.rest.GuardedRestInput"


def written(tmp_path: Path, environ: dict[str, str]) -> tuple[list[str], dict]:
    target = tmp_path / "credentials.yml"
    names = write_credentials(TEMPLATE, channel_env(load_settings(environ)), target)
    return names, yaml.safe_load(target.read_text())


def test_without_secrets_only_rest_and_the_widget_run(tmp_path):
    names, content = written(tmp_path, {})
    assert names == [REST, WIDGET]
    assert content[WIDGET]["session_persistence"] is True


def test_a_channel_is_on_when_all_its_values_are_set(tmp_path):
    slack = {"SALESBOT_SLACK_TOKEN": "xoxb-1", "SALESBOT_SLACK_SIGNING_SECRET": "s"}
    names, content = written(tmp_path, slack)
    assert names == [REST, WIDGET, SLACK]
    # secrets stay in the environment: Rasa expands the references itself
    assert content[SLACK]["slack_token"] == "${SALESBOT_SLACK_TOKEN}"
    assert "xoxb-1" not in (tmp_path / "credentials.yml").read_text()

    half_telegram = {"SALESBOT_TELEGRAM_TOKEN": "1:abc", "SALESBOT_TELEGRAM_BOT_NAME": "shop_bot"}
    assert TELEGRAM not in written(tmp_path, half_telegram)[0]  # no webhook URL yet
    full = {**half_telegram, "SALESBOT_TELEGRAM_WEBHOOK_URL": "https://x.example/webhooks/telegram/webhook"}
    assert TELEGRAM in written(tmp_path, full)[0]


def test_the_api_url_is_optional_and_left_out_unless_set(tmp_path):
    """The Slack and Telegram API URLs are the channels' own constants; tests point them at a capture server."""
    slack = {"SALESBOT_SLACK_TOKEN": "xoxb-1", "SALESBOT_SLACK_SIGNING_SECRET": "s"}
    names, content = written(tmp_path, slack)
    assert SLACK in names and "api_url" not in content[SLACK]
    names, content = written(tmp_path, {**slack, "SALESBOT_SLACK_API_URL": "http://127.0.0.1:9/slack/api/"})
    assert content[SLACK]["api_url"] == "${SALESBOT_SLACK_API_URL}"
    assert load_settings({}).slack_api_url == load_settings({}).telegram_api_url == ""  # no second default here


def test_the_web_channels_get_the_abuse_limits_and_a_proxy_only_when_one_is_trusted(tmp_path):
    _, content = written(tmp_path, {})
    for channel in (REST, WIDGET):
        assert content[channel]["sender_rate"] == "${SALESBOT_RATE_LIMIT_SENDER}"
        assert content[channel]["max_message_chars"] == "${SALESBOT_MAX_MESSAGE_CHARS}"
        assert "trusted_proxies" not in content[channel]
    assert content[WIDGET]["cors_origins"] == "${SALESBOT_CORS_ORIGINS}"
    env = channel_env(load_settings({"SALESBOT_RATE_LIMIT_IP": "5/second", "SALESBOT_TRUSTED_PROXIES": "10.0.0.2"}))
    assert env["SALESBOT_RATE_LIMIT_IP"] == "5/second" and env["SALESBOT_RATE_LIMIT_SENDER"] == "20/minute"
    _, content = written(tmp_path, {"SALESBOT_TRUSTED_PROXIES": "10.0.0.2"})
    assert content[REST]["trusted_proxies"] == "${SALESBOT_TRUSTED_PROXIES}"
