import socket

import pytest

from bot.settings import load_settings
from bot.supervisor import StartupError, ensure_port_free, rasa_service, train_command


def test_a_port_in_use_names_the_setting_to_change():
    with socket.socket() as busy:
        busy.bind(("0.0.0.0", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(StartupError, match=f"Port {port} .*SALESBOT_RASA_PORT"):
            ensure_port_free(port, "rasa", "SALESBOT_RASA_PORT")


def test_missing_rasa_environment_says_how_to_fix(tmp_path):
    settings = load_settings({"SALESBOT_RASA_VENV": str(tmp_path / "nowhere")})
    with pytest.raises(StartupError, match="make setup"):
        train_command(settings)


def test_auth_token_protects_the_api_and_the_health_check(tmp_path):
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "rasa").touch()
    service = rasa_service(load_settings({"SALESBOT_RASA_AUTH_TOKEN": "s3cret", "SALESBOT_RASA_VENV": str(tmp_path)}))
    assert service.command[service.command.index("--auth-token") + 1] == "s3cret"
    assert service.health_url.endswith("/status?token=s3cret")
