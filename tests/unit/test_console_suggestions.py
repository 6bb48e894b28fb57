"""The agent console's suggested replies: the rep script of the product the customer discussed last."""

from __future__ import annotations

import asyncio

from aiohttp.test_utils import TestClient, TestServer

from bot.web.app import create_app
from bot.web.suggestions import ENGINE
from config.settings import PROJECT_ROOT, Settings
from customers.appdb import NewTicket, open_app_db
from knowledge.catalog import load_catalog
from knowledge.engine import KnowledgeEngine
from knowledge.store import CatalogStore, make_client
from knowledge.writer import ReplyWriter
from tests.unit.conftest import HashEmbeddings

AUTH = {"Authorization": "Bearer t", "X-Agent-Name": "Sam"}


def test_suggestions_are_about_the_last_product_discussed(tmp_path):
    catalog = load_catalog(PROJECT_ROOT / "data" / "catalog")
    store = CatalogStore(make_client(str(tmp_path / "chroma")), "salesbot_suggest", HashEmbeddings())
    store.sync(catalog)
    shop = KnowledgeEngine(store, ReplyWriter(None))
    first, last = catalog.products[0], next(p for p in catalog.products if p.in_stock and p.url)
    settings = Settings(var_dir=tmp_path, agent_token="t")
    database = open_app_db(settings)
    ticket = NewTicket("cust-1", "request_human", "open", "…", products_discussed=[first.sku, last.sku],
                       shop=settings.shop)  # fmt: skip
    with_products = database.create_ticket(ticket).id
    without = database.create_ticket(NewTicket("c2", "request_human", "open", "…", shop=settings.shop)).id
    elsewhere = NewTicket("c3", "request_human", "open", "…", products_discussed=[last.sku], shop="another-shop")
    other_shops = database.create_ticket(elsewhere).id

    async def check() -> None:
        async with TestClient(TestServer(create_app(settings))) as client:
            client.server.app[ENGINE]["engine"] = shop  # the engine the first request would build
            assert (await client.get(f"/console/api/tickets/{with_products}/suggestions")).status == 401
            found = await (await client.get(f"/console/api/tickets/{with_products}/suggestions", headers=AUTH)).json()
            assert found["product"] == last.name
            assert found["replies"][0].startswith(f"The {last.name} costs") and last.url in found["replies"][-1]
            assert found["questions"][0] == "What will you mainly use it for?"
            empty = await (await client.get(f"/console/api/tickets/{without}/suggestions", headers=AUTH)).json()
            assert empty == {"product": None, "replies": []}
            assert (await client.get(f"/console/api/tickets/{other_shops}/suggestions", headers=AUTH)).status == 404

    asyncio.run(check())
