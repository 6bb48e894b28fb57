"""The click redirect, the orders API and the dashboard's API, in process (aiohttp's test server)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from analytics.store import open_analytics
from bot.web.app import create_app
from bot.web.dashboard import with_click
from config.privacy_wiring import agent_accounts, audit_log
from config.settings import Settings

AGENT = {"Authorization": "Bearer agent-token"}
SHOP = {"Authorization": "Bearer shop-token"}
PASSWORD = "correct horse battery"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(var_dir=tmp_path, agent_token="agent-token", orders_token="shop-token")


def serve(settings: Settings, check) -> None:
    async def go() -> None:
        async with TestClient(TestServer(create_app(settings))) as client:
            await check(client)

    asyncio.run(go())


def test_a_click_is_recorded_and_forwarded_to_the_stored_url_only(settings):
    store = open_analytics(settings)
    store.assign("cust-1", "fewer", "two")
    token = store.link_token("cust-1", "LAP-1", "https://shop.example/lap-1?colour=red")

    async def check(client: TestClient) -> None:
        response = await client.get(f"/go/{token}", allow_redirects=False)
        assert response.status == 302
        assert response.headers["Location"] == f"https://shop.example/lap-1?colour=red&sb_click={token}"
        assert (await client.get("/go/made-up", allow_redirects=False)).status == 404

    serve(settings, check)
    [click] = store.events(["link_clicked"])
    assert (click.sender_id, click.skus, click.variants) == ("cust-1", ["LAP-1"], {"fewer": "two"})


def test_with_click_replaces_an_earlier_token():
    assert with_click("https://s/p?sb_click=old&a=1", "new") == "https://s/p?a=1&sb_click=new"


def test_orders_need_the_shop_token_and_are_checked_before_anything_is_stored(settings):
    async def check(client: TestClient) -> None:
        order = {"order_id": "o-1", "amount": 99.5, "currency": "EUR", "conversation_id": "cust-1"}
        assert (await client.post("/api/orders", json=order)).status == 401
        bad = await client.post("/api/orders", json=[order, {"order_id": "o-2", "amount": "x", "currency": "EUR"}],
                                headers=SHOP)  # fmt: skip
        assert bad.status == 400 and "order 1: amount 'x'" in await bad.text()
        assert open_analytics(settings).orders() == []  # nothing of a bad request is stored
        first = await (await client.post("/api/orders", json=order, headers=SHOP)).json()
        again = await (await client.post("/api/orders", json=order, headers=SHOP)).json()
        assert first == {"orders": [{"order_id": "o-1", "added": True, "matched_by": "conversation"}]}
        assert again["orders"][0]["added"] is False

    serve(settings, check)
    assert [o.amount for o in open_analytics(settings).orders()] == [99.5]


def test_without_a_shop_token_the_orders_api_is_off(tmp_path):
    async def check(client: TestClient) -> None:
        response = await client.post("/api/orders", json={}, headers=SHOP)
        assert response.status == 503 and "SALESBOT_ORDERS_TOKEN" in await response.text()

    serve(Settings(var_dir=tmp_path), check)


def test_the_dashboard_is_behind_the_consoles_sign_in(settings, tmp_path):
    experiments = tmp_path / "experiments.yml"
    experiments.write_text(
        "experiments:\n  - name: fewer\n    variants:\n      - {name: control, share: 0.5}\n"
        "      - {name: two, share: 0.5, recommendations: 2}\n"
    )
    configured = Settings(**{**settings.__dict__, "experiments_file": str(experiments)})
    agent_accounts(configured).add("Sam", configured.shop, PASSWORD)

    async def check(client: TestClient) -> None:
        assert (await client.get("/console/api/dashboard/report")).status == 401
        wrong = {"Authorization": "Bearer wrong"}
        assert (await client.get("/console/api/dashboard/report", headers=wrong)).status == 401
        signed_out = await client.get("/dashboard", allow_redirects=False)
        assert (signed_out.status, signed_out.headers["Location"]) == (302, "/console/dashboard")
        to_sign_in = await client.get("/console/dashboard", allow_redirects=False)
        assert (to_sign_in.status, to_sign_in.headers["Location"]) == (302, "/console")
        assert (await client.get("/console/dashboard/chart.umd.min.js")).status == 200  # code only, no data

        report = await (await client.get("/console/api/dashboard/report", headers=AGENT)).json()  # a script
        assert report["stages"][0] == "conversations" and report["funnel"]["conversations"] == 0
        assert report["experiments"][0]["name"] == "fewer" and report["experiments"][0]["verdict"].startswith("TOO")
        bad = await client.get("/console/api/dashboard/report?since=last-week", headers=AGENT)
        assert bad.status == 400

        signed_in = await client.post("/console/api/sign-in", json={"name": "Sam", "password": PASSWORD})
        assert signed_in.status == 200  # from now on the client sends the session cookie (path /console)
        assert (await client.get("/console/api/dashboard/report")).status == 200
        csv = await client.get("/console/api/dashboard/profiles.csv")
        assert csv.status == 200 and (await csv.text()).startswith("sender_id,email")
        page = await client.get("/dashboard")
        assert page.status == 200 and "Sales dashboard" in await page.text()

    serve(configured, check)
    exports = [(e.agent, e.action) for e in audit_log(configured).entries() if e.action == "export"]
    assert exports == [("Sam", "export")]  # the profiles hold e-mails
