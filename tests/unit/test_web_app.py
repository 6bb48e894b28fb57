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


def test_every_response_carries_the_security_headers():
    async def check(client):
        for path in ("/", "/widget.js", "/widget/config", "/api/conversations/abc/messages", "/nowhere"):
            response = await client.get(path, headers={"Host": "shop.example:5080"})
            headers = response.headers
            assert headers["X-Content-Type-Options"] == "nosniff", path
            assert headers["X-Frame-Options"] == "DENY" and headers["Referrer-Policy"] == "no-referrer", path
            policy = headers["Content-Security-Policy"]
            assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy, path
            # the widget may talk to Rasa's socket.io, on the Rasa port of the same host
            assert "connect-src 'self' http://shop.example:5005 ws://shop.example:5005;" in policy, path

    run_with_client(load_settings({}), check)


def test_the_api_is_rate_limited_per_address_with_a_polite_429():
    settings = load_settings({"SALESBOT_RATE_LIMIT_WEB": "3/minute", "SALESBOT_RASA_PORT": str(closed_port())})

    async def check(client):
        api = "/api/conversations/abc/messages"  # a 400, but it still counts
        assert [(await client.get(api)).status for _ in range(3)] == [400, 400, 400]
        refused = await client.get(api)
        assert refused.status == 429 and refused.headers["Retry-After"] == "20"
        assert await refused.text() == "Too many requests from your address. Please wait 20 seconds and try again."
        assert refused.headers["Access-Control-Allow-Origin"] == "*"  # the widget on a shop's page can read it
        assert refused.headers["X-Content-Type-Options"] == "nosniff"
        assert (await client.get("/")).status == 200  # pages and files are not limited

    run_with_client(settings, check)


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit():
    settings = load_settings(
        {"SALESBOT_RATE_LIMIT_WEB": "1/minute", "SALESBOT_TRUSTED_PROXIES": "127.0.0.1",
         "SALESBOT_RASA_PORT": str(closed_port())}
    )  # fmt: skip

    async def check(client):
        api = "/api/conversations/abc/messages"
        first = {"X-Forwarded-For": "198.51.100.1"}
        assert (await client.get(api, headers=first)).status == 400
        assert (await client.get(api, headers=first)).status == 429
        assert (await client.get(api, headers={"X-Forwarded-For": "198.51.100.2"})).status == 400

    run_with_client(settings, check)
