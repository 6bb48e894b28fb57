"""The OpenAI-compatible backend against a real local HTTP server."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest

from config.settings import Settings
from config.wiring import build_generator
from knowledge.generation import GenerationError, OpenAICompatibleGenerator, UnknownBackendError, make_generator


class ChatCompletions(BaseHTTPRequestHandler):
    delay = 0.0
    requests: ClassVar[list[dict]] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        ChatCompletions.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
        time.sleep(self.delay)
        payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": " Happy to help! "}}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = HTTPServer(("127.0.0.1", 0), ChatCompletions)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    ChatCompletions.requests, ChatCompletions.delay = [], 0.0
    yield f"http://127.0.0.1:{httpd.server_port}/v1"
    httpd.shutdown()


def test_sends_messages_and_returns_the_completion(server):
    generator = OpenAICompatibleGenerator(server, "qwen", api_key="k")
    messages = [{"role": "user", "content": "hi"}]
    assert generator.generate(messages, max_new_tokens=20, time_limit=5) == "Happy to help!"
    request = ChatCompletions.requests[0]
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer k"
    assert (request["model"], request["messages"], request["max_tokens"]) == ("qwen", messages, 20)


def test_slow_or_missing_server_raises_generation_error(server):
    ChatCompletions.delay = 1.0
    with pytest.raises(GenerationError):
        OpenAICompatibleGenerator(server, "qwen").generate([], max_new_tokens=5, time_limit=0.2)
    with pytest.raises(GenerationError):
        OpenAICompatibleGenerator("http://127.0.0.1:9/v1", "qwen").generate([], max_new_tokens=5, time_limit=1)


def test_backend_choice_is_validated(tmp_path):
    assert make_generator("none", model_name="x", cache_dir=tmp_path) is None
    with pytest.raises(UnknownBackendError, match="SALESBOT_LLM_URL"):
        make_generator("openai", model_name="x", cache_dir=tmp_path)
    with pytest.raises(UnknownBackendError, match="choose one of"):
        make_generator("magic", model_name="x", cache_dir=tmp_path)


def test_transformers_generator_reports_every_new_token(tmp_path):
    from config.settings import Settings
    from knowledge.generation import TransformersGenerator
    from knowledge.packaged_models import ModelPackageMissing, prepare_model

    try:
        prepare_model("smollm2-135m", Settings().model_cache)
    except ModelPackageMissing as exc:
        pytest.skip(str(exc))
    generator = TransformersGenerator("smollm2-135m", Settings().model_cache, int8=False)
    messages = [{"role": "user", "content": "Say hello to Sam."}]
    stamps: list[float] = []
    text = generator.generate(
        messages, max_new_tokens=6, min_new_tokens=6, time_limit=60, on_token=lambda: stamps.append(time.perf_counter())
    )
    assert len(stamps) == 6 and stamps == sorted(stamps)
    assert text and generator.prompt_tokens(messages) > 5


@pytest.mark.parametrize("share", [False, True])
def test_personal_data_leaves_for_an_llm_endpoint_only_when_allowed(server, tmp_path, share):
    settings = Settings(var_dir=tmp_path, llm_backend="openai", llm_url=server, share_pii=share)
    said = "I'm at anna@example.com or +49 171 2345678; is the Lumen Air 13 (1,299.00 EUR) in stock?"
    build_generator(settings).generate([{"role": "user", "content": said}], max_new_tokens=5, time_limit=5)
    sent = ChatCompletions.requests[0]["messages"][0]["content"]
    expected = said if share else "I'm at [email] or [phone]; is the Lumen Air 13 (1,299.00 EUR) in stock?"
    assert sent == expected


def test_a_prompt_that_starts_like_a_recent_one_reuses_its_prefilled_start(tmp_path, monkeypatch):
    from config.settings import Settings
    from knowledge import generation
    from knowledge.packaged_models import ModelPackageMissing, prepare_model

    try:
        prepare_model("smollm2-135m", Settings().model_cache)
    except ModelPackageMissing as exc:
        pytest.skip(str(exc))
    system = {"role": "system", "content": "You write short, friendly replies for a shop. " * 8}
    first = [system, {"role": "user", "content": "Say hello to Sam."}]
    second = [system, {"role": "user", "content": "Say goodbye to Ann."}]
    cached = generation.TransformersGenerator("smollm2-135m", Settings().model_cache, int8=False)
    cached.generate(first, max_new_tokens=8, time_limit=60)
    shared = cached._cached_prefix(cached._inputs(second)["input_ids"][0].tolist())
    assert shared is not None and generation.MIN_SHARED_PREFIX <= shared.get_seq_length() < cached.prompt_tokens(second)
    with_cache = cached.generate(second, max_new_tokens=8, time_limit=60)
    monkeypatch.setattr(generation, "MIN_SHARED_PREFIX", 10**6)  # never reuse: everything prefilled
    assert cached.generate(second, max_new_tokens=8, time_limit=60) == with_cache
