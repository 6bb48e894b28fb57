"""The web app in process, over HTTP (aiohttp's test server); the history route is covered end to end
in tests/e2e/test_widget.py with the real Rasa server."""

import asyncio
import socket

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.web import widget
from bot.web.app import create_app
from config.settings import load_settings


def run_with_client(settings, check):
    async def go():
        async with TestClient(TestServer(create_app(settings))) as client:
            await check(client)

    asyncio.run(go())


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_demo_page_embeds_the_widget_with_one_script_tag():
    async def check(client):
        page = await (await client.get("/")).text()
        assert '<script src="/widget.js" defer></script>' in page
        script = await client.get("/widget.js")
        assert script.status == 200 and script.headers["Access-Control-Allow-Origin"] == "*"
        assert "session_request" in await script.text()
        vendor = await client.get("/vendor/socket.io.min.js")
        assert vendor.status == 200 and "Socket.IO v4" in (await vendor.text())[:200]

    run_with_client(load_settings({}), check)


def test_config_points_the_browser_at_rasa():
    async def check(client):
        config = await (await client.get("/widget/config", headers={"Host": "shop.example:5080"})).json()
        assert config == {"socket_url": "http://shop.example:5005", "socket_path": "/socket.io"}

    run_with_client(load_settings({}), check)

    async def check_public(client):
        config = await (await client.get("/widget/config")).json()
        assert config["socket_url"] == "https://bot.example.com"

    run_with_client(load_settings({"SALESBOT_PUBLIC_RASA_URL": "https://bot.example.com/"}), check_public)


def test_history_refuses_odd_ids_and_says_when_rasa_is_down():
    async def check(client):
        odd = await client.get("/api/conversations/..%2Fstatus/messages")
        assert odd.status == 400 and "16 to 64" in await odd.text()  # "../status" is no session id
        short = await client.get("/api/conversations/abc/messages")
        assert short.status == 400 and "16 to 64" in await short.text()
        down = await client.get("/api/conversations/0123456789abcdef0123456789abcdef/messages")
        assert down.status == 503 and down.headers["Access-Control-Allow-Origin"] == "*"
        assert "not reachable" in await down.text()

    run_with_client(load_settings({"SALESBOT_RASA_PORT": str(closed_port())}), check)


def test_missing_socket_io_client_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setattr(widget, "SOCKET_IO_CLIENT", tmp_path / "socket.io.min.js")
    with pytest.raises(widget.WidgetAssetsMissing, match="make web-assets"):
        create_app(load_settings({}))
