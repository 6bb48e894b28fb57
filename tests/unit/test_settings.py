import pytest

from config.settings import SettingsError, load_settings


def test_defaults_and_overrides():
    assert load_settings({}).rasa_port == 5005
    settings = load_settings({"SALESBOT_RASA_PORT": "6000", "SALESBOT_SHOP": "acme"})
    assert (settings.rasa_port, settings.collection) == (6000, "salesbot_acme")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SALESBOT_RASA_PORT": "abc"}, "SALESBOT_RASA_PORT"),
        ({"SALESBOT_SHOP": "My Shop"}, "SALESBOT_SHOP"),
        ({"SALESBOT_LLM_BACKEND": "magic"}, "SALESBOT_LLM_BACKEND"),
        ({"SALESBOT_LOOKUP_WORKERS": "0"}, "SALESBOT_LOOKUP_WORKERS"),
        ({"SALESBOT_LLM_QUEUE": "-1"}, "SALESBOT_LLM_QUEUE"),
        ({"SALESBOT_LOG_MAX_MB": "0"}, "SALESBOT_LOG_MAX_MB"),
        ({"SALESBOT_LOG_BACKUPS": "0"}, "SALESBOT_LOG_BACKUPS"),
        (
            {
                "SALESBOT_TRACKER_URL": "postgresql://u:p@db:5432/shop",
                "SALESBOT_APP_DB_URL": "postgresql://u:p@db:5432/shop",
            },
            "SALESBOT_APP_DB_URL names the tracker store's database",
        ),
    ],
)
def test_bad_values_name_the_variable(env, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(env)


def test_the_settings_accept_exactly_the_generator_backends_that_exist():
    from config.settings import LLM_BACKENDS
    from knowledge.generation import BACKENDS

    assert LLM_BACKENDS == BACKENDS


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("SALESBOT_RATE_LIMIT_SENDER", "20", r"SALESBOT_RATE_LIMIT_SENDER='20': write a count per"),
        ("SALESBOT_RATE_LIMIT_WEB", "5/day", r"SALESBOT_RATE_LIMIT_WEB='5/day'"),
        ("SALESBOT_MAX_MESSAGE_CHARS", "0", r"SALESBOT_MAX_MESSAGE_CHARS=0: use 1 or more"),
        ("SALESBOT_TRUSTED_PROXIES", "127.0.0.1, proxy", r"SALESBOT_TRUSTED_PROXIES: 'proxy' is not an IP address"),
        ("SALESBOT_CORS_ORIGINS", " ", r"SALESBOT_CORS_ORIGINS is empty"),
    ],
)
def test_a_bad_abuse_limit_names_the_variable(variable, value, message):
    with pytest.raises(SettingsError, match=message):
        load_settings({variable: value})


def test_abuse_limits_are_on_by_default_and_can_be_switched_off():
    default = load_settings({})
    assert (default.rate_limit_sender, default.rate_limit_ip, default.max_message_chars) == (
        "20/minute",
        "120/minute",
        2000,
    )
    assert load_settings({"SALESBOT_RATE_LIMIT_IP": "off"}).rate_limit_ip == "off"
