"""Scale-out by configuration: one conversation served by two Rasa instances that share PostgreSQL and
Redis, through nginx and directly, including one instance being killed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import sqlalchemy as sa

from bot.cli import supervisor
from bot.cli.rest import Reply, say, tracker
from config.settings import PROJECT_ROOT, parse_redis_url
from customers.appdb import NewLead, open_app_db
from knowledge.catalog import Product, format_price, load_catalog
from tests.scale.conftest import PROXY_URL, RASA_PORTS, Cluster, needs_services, upstream, user_texts

pytestmark = [pytest.mark.e2e, needs_services]

CATALOG = load_catalog(PROJECT_ROOT / "data" / "catalog").products
LAPTOPS_IN_STOCK = [p for p in CATALOG if p.category == "laptops" and p.stock > 0]


def new_sender() -> str:
    return f"scale-{uuid.uuid4().hex[:8]}"


def states_price(reply: Reply, product: Product) -> bool:
    digits = re.sub(r"[,\s]", "", format_price(product.price, ""))
    return digits in re.sub(r"[,\s]", "", reply.text)


def stored_user_texts(cluster: Cluster, sender: str) -> list[str]:
    """The user messages of the conversation as PostgreSQL holds them (Rasa's `events` table)."""
    engine = sa.create_engine(cluster.settings.tracker_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT data FROM events WHERE sender_id = :sender AND type_name = 'user' ORDER BY id"),
                {"sender": sender},
            )
            return [json.loads(row.data)["text"] for row in rows]
    finally:
        engine.dispose()


def redis_set_calls(cluster: Cluster) -> int:
    """How many SET commands the Redis server has run (each lock ticket is one)."""
    redis = parse_redis_url(cluster.settings.lock_store_url)
    stats = subprocess.run(
        ["redis-cli", "-h", redis.host, "-p", str(redis.port), "info", "commandstats"],
        capture_output=True, text=True, check=True,
    ).stdout
    match = re.search(r"cmdstat_set:calls=(\d+)", stats)
    return int(match.group(1)) if match else 0


# Run in the Rasa environment by several processes at once: take tickets for one conversation
# through the lock store that endpoints.yml configures, starting together at time argv[1].
TAKE_TICKETS = """
import json, sys, time
from rasa.core.lock_store import LockStore
from rasa.core.utils import read_endpoints_from_path

store = LockStore.create(read_endpoints_from_path("endpoints.yml").lock_store)
start, conversation = float(sys.argv[1]), sys.argv[2]
time.sleep(max(0.0, start - time.time()))
print(json.dumps([store.issue_ticket(conversation) for _ in range(50)]))
"""


def test_lock_tickets_are_unique_across_processes(scale_settings):
    """Rasa's own RedisLockStore hands out duplicate tickets here (RasaHQ/rasa#9213); our lock store must not."""
    python = str(scale_settings.rasa_venv / "bin" / "python")
    start, conversation = str(time.time() + 8), new_sender()
    env = {**os.environ, **supervisor.rasa_env(scale_settings)}
    command = [python, "-c", TAKE_TICKETS, start, conversation]
    processes = [subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE) for _ in range(4)]
    tickets = [ticket for process in processes for ticket in json.loads(process.communicate(timeout=60)[0])]
    assert sorted(tickets) == list(range(len(tickets))), "two messages got the same ticket"


def test_ingest_went_to_the_chroma_server(ingested, scale_settings):
    assert f"{len(CATALOG)} products" in ingested.stdout, ingested.stdout
    assert not scale_settings.chroma_path.exists(), "the embedded store was used instead of the Chroma server"


def test_leads_are_stored_in_the_shared_postgresql(scale_settings):
    """The action server's app database, by SALESBOT_APP_DB_URL, beside Rasa's tracker store."""
    sender = new_sender()
    lead = NewLead(sender_id=sender, name="Ada Scale", email="ada@example.com")
    lead_id = open_app_db(scale_settings).save_lead(lead)
    engine = sa.create_engine(scale_settings.app_db_url)
    try:
        assert engine.dialect.name == "postgresql"
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT id, name, email FROM leads WHERE sender_id = :s"), {"s": sender})
            assert [tuple(row) for row in rows] == [(lead_id, "Ada Scale", "ada@example.com")]
    finally:
        engine.dispose()


def test_one_conversation_alternates_between_instances_and_keeps_its_state(cluster: Cluster):
    sender = new_sender()
    instance_a, instance_b = (cluster.url(port) for port in RASA_PORTS)
    product = LAPTOPS_IN_STOCK[0]
    sent: list[str] = []
    upstreams: set[str] = set()

    def turn(base_url: str, message: str) -> Reply:
        reply = say(base_url, sender, message)
        sent.append(message)
        upstreams.update(upstream(reply).split(", ") if upstream(reply) else [])
        assert reply.text.strip(), f"no reply to {message!r} from {base_url}"
        return reply

    turn(PROXY_URL, "hi there")
    price = turn(instance_a, f"how much is the {product.name}?")
    assert states_price(price, product), price.text  # the engine answered from the Chroma server
    reply = turn(instance_b, "can you recommend a laptop under 1000 euros?")
    if "budget" in reply.text.lower():
        turn(PROXY_URL, "1000 euros")
    turn(PROXY_URL, f"how much is the {LAPTOPS_IN_STOCK[1].name}?")
    turn(PROXY_URL, "thanks!")

    assert upstreams == {f"127.0.0.1:{port}" for port in RASA_PORTS}, "nginx did not use both instances"
    seen_by_a, seen_by_b = tracker(instance_a, sender), tracker(instance_b, sender)
    assert user_texts(seen_by_a["events"]) == user_texts(seen_by_b["events"]) == sent
    for seen in (seen_by_a, seen_by_b):
        assert seen["slots"]["category"] == "laptops" and float(seen["slots"]["budget"]) == 1000, seen["slots"]
    assert stored_user_texts(cluster, sender) == sent


def test_concurrent_messages_of_one_conversation_are_serialised(cluster: Cluster):
    sender = new_sender()
    say(PROXY_URL, sender, "hi")
    products = LAPTOPS_IN_STOCK[:8]
    questions = {f"how much is the {p.name}?": p for p in products}
    # half of the messages to each instance directly, all at once
    targets = [(cluster.url(RASA_PORTS[i % 2]), text) for i, text in enumerate(questions)]
    sets_before = redis_set_calls(cluster)
    with ThreadPoolExecutor(len(targets)) as pool:
        replies = list(pool.map(lambda target: say(target[0], sender, target[1]), targets))

    for (_, question), reply in zip(targets, replies, strict=True):
        assert states_price(reply, questions[question]), f"{question!r} got {reply.text!r}"
    assert redis_set_calls(cluster) - sets_before >= len(targets), "the lock store did not go through Redis"
    events = tracker(cluster.url(RASA_PORTS[0]), sender)["events"]
    assert sorted(user_texts(events)[1:]) == sorted(questions), "a message was lost or stored twice"
    # each message's turn is complete before the next message starts
    user_at = [i for i, e in enumerate(events) if e["event"] == "user"]
    for start, end in zip(user_at, [*user_at[1:], len(events)], strict=True):
        turn = events[start + 1 : end]
        assert [e for e in turn if e["event"] == "bot"], f"no reply stored for {events[start]['text']!r}"
        actions = [e["name"] for e in turn if e["event"] == "action"]
        assert actions and actions[-1] == "action_listen", f"turn of {events[start]['text']!r} overlaps: {actions}"


def test_a_killed_instance_loses_no_turns(cluster: Cluster):
    """Runs last: it leaves one instance dead."""
    sender = new_sender()
    victim, survivor = RASA_PORTS
    sent = ["hi there", "can you recommend a laptop under 1000 euros?"]
    for message in sent:
        say(cluster.url(victim), sender, message)

    cluster.kill(victim)
    later = ["1000 euros", *(f"how much is the {p.name}?" for p in LAPTOPS_IN_STOCK[:2]), "thanks!"]
    for message in later:
        reply = say(PROXY_URL, sender, message)
        assert reply.text.strip(), f"no reply to {message!r} after the kill"
        assert upstream(reply).endswith(f"127.0.0.1:{survivor}"), upstream(reply)
        sent.append(message)

    seen = tracker(cluster.url(survivor), sender)
    assert user_texts(seen["events"]) == sent
    assert seen["slots"]["category"] == "laptops" and float(seen["slots"]["budget"]) == 1000, seen["slots"]
    assert stored_user_texts(cluster, sender) == sent


def test_the_proxy_refuses_a_flood_from_one_address_politely(cluster: Cluster):
    """nginx's limit_req counts one address's messages for both instances together (run.sh: 10/s, bursts
    of 20): of 60 sent at once, the burst and what refilled meanwhile are answered, the rest get the polite
    429; none fails."""
    burst = int(os.environ.get("SALESBOT_SCALE_PROXY_BURST", "20"))
    webhook = f"{PROXY_URL}/webhooks/rest/webhook"

    def send(n: int) -> httpx.Response:
        return httpx.post(webhook, json={"sender": f"{new_sender()}-{n}", "message": "hi"}, timeout=120)

    started = time.monotonic()
    with ThreadPoolExecutor(60) as pool:  # all at once: the flood must not wait for Rasa's answers (a busy machine)
        replies = list(pool.map(send, range(60)))
    elapsed = time.monotonic() - started
    statuses = [r.status_code for r in replies]
    assert set(statuses) == {200, 429}, statuses
    assert burst <= statuses.count(200) <= burst + 10 * elapsed + 1, (statuses, elapsed)
    refused = next(r for r in replies if r.status_code == 429)
    assert refused.headers["Retry-After"] == "1"
    assert "faster than I can answer" in refused.json()[0]["text"]
    time.sleep(3)  # the bucket refills before any later test sends through the proxy
