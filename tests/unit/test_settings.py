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
    ],
)
def test_bad_values_name_the_variable(env, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(env)


def test_the_settings_accept_exactly_the_generator_backends_that_exist():
    from config.settings import LLM_BACKENDS
    from knowledge.generation import BACKENDS

    assert LLM_BACKENDS == BACKENDS
