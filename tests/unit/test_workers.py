"""Quick turns never wait behind the model: real threads, real event loop, ordering asserted."""

from __future__ import annotations

import asyncio
import threading

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.needs_form import ValidateNeedsForm
from actions.product_actions import ActionAnswerProductQuestion
from config.settings import Settings
from knowledge.answers import CustomerContext
from knowledge.catalog import load_catalog
from knowledge.engine import KnowledgeEngine
from knowledge.store import CatalogStore, make_client
from knowledge.workers import BoundedWorkers, WorkersBusy
from knowledge.writer import ReplyWriter, addressed, with_next_step
from tests.unit.conftest import HashEmbeddings
from tests.unit.trackers import make_tracker

HOLD_LIMIT = 20.0  # a safety net only: every test releases the held job itself


class HeldGenerator:
    """A model whose generation runs until the test lets it finish."""

    name = "held"

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.calls = 0

    def load(self) -> None:
        pass

    def generate(self, messages, *, max_new_tokens: int, time_limit: float) -> str:
        self.calls += 1
        self.started.set()
        assert self.release.wait(HOLD_LIMIT), "the test never released the generation"
        return "Good news, Sam, here is what we found for you."


@pytest.fixture
def held(tmp_path, catalog_file, use_services) -> HeldGenerator:
    generator = HeldGenerator()
    store = CatalogStore(make_client(str(tmp_path / "chroma")), "salesbot_test", HashEmbeddings())
    store.sync(load_catalog(catalog_file))
    engine = KnowledgeEngine(store, ReplyWriter(generator))
    use_services(engine=engine, settings=Settings(llm_queue=0))  # pools sized from these settings
    yield generator
    generator.release.set()


def rendered(question: str) -> str:
    """The facts the engine decides for `question`, as sent instead of a model's reply: with its next step."""
    return with_next_step(services.engine().product_question(question, CustomerContext()))


async def _wait_until(event: threading.Event) -> None:
    assert await asyncio.to_thread(event.wait, HOLD_LIMIT), "the generation never started"


def test_a_lookup_turn_finishes_while_a_generation_is_still_running(held):
    first = CollectingDispatcher()

    async def scenario() -> None:
        slow = asyncio.create_task(
            ActionAnswerProductQuestion().run(first, make_tracker("how much is the Lumen Air 13?"), {})
        )
        await _wait_until(held.started)
        dispatcher = CollectingDispatcher()
        result = await ValidateNeedsForm().validate_category("a laptop please", dispatcher, make_tracker("laptop"), {})
        assert result == {"category": "laptops"}
        assert not slow.done()  # the model is still busy
        held.release.set()
        await slow

    asyncio.run(scenario())
    assert first.messages[0]["text"].endswith(rendered("how much is the Lumen Air 13?"))


def test_a_generative_turn_beyond_the_queue_gets_the_rendered_facts_at_once(held):
    async def scenario() -> tuple[list[dict], list[dict]]:
        first, second = CollectingDispatcher(), CollectingDispatcher()
        action = ActionAnswerProductQuestion()
        slow = asyncio.create_task(action.run(first, make_tracker("how much is the Lumen Air 13?"), {}))
        await _wait_until(held.started)
        busy = make_tracker("how much is the Nimbus Stratus 15?", slots={"customer_name": "Sam"})
        await action.run(second, busy, {})  # queue length 0: the model is busy
        assert not slow.done()
        held.release.set()
        await slow
        return first.messages, second.messages

    first, second = asyncio.run(scenario())
    assert held.calls == 1
    assert second[0]["text"] == addressed(rendered("how much is the Nimbus Stratus 15?"), "Sam")
    assert second[0]["text"].startswith("Sam, ")
    assert first[0]["text"].endswith(rendered("how much is the Lumen Air 13?"))


def test_bounded_workers_refuse_beyond_the_queue_and_cancel_what_waited_too_long():
    workers = BoundedWorkers("test", workers=1, max_waiting=1)
    release, ran = threading.Event(), []

    def hold() -> str:
        release.wait(HOLD_LIMIT)
        return "held"

    async def scenario() -> None:
        running = workers.submit(hold)
        with pytest.raises(TimeoutError):  # it waited in the queue and was given up on
            await workers.run(lambda: ran.append("late"), timeout=0.05)
        queued = workers.submit(lambda: ran.append("queued"))
        with pytest.raises(WorkersBusy, match="1 running and 1 waiting"):
            workers.submit(lambda: ran.append("refused"))
        release.set()
        assert await asyncio.wrap_future(running) == "held"
        await asyncio.wrap_future(queued)

    asyncio.run(scenario())
    assert ran == ["queued"]  # the cancelled job never ran; the refused one never queued
    workers.shutdown()


def test_services_use_new_settings_with_new_pools_and_reset_forgets_them(use_services):
    mine = Settings(lookup_workers=1, llm_queue=0)
    use_services(settings=mine)
    pool = services.lookups()
    assert services.settings() is mine and services.generation().max_waiting == 0
    use_services(settings=Settings(lookup_workers=2, llm_queue=3))
    assert services.lookups() is not pool and services.generation().max_waiting == 3
    services.reset()
    assert services.settings() is not mine  # read from the environment again
