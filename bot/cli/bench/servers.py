"""Sections 1, 5 and 6: the real servers over REST, simulated customers, and peak memory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.cli import rest, supervisor
from bot.cli.bench.common import (
    REST_TIMEOUT,
    RSS_WARN_MB,
    SAMPLE_CATALOG,
    SERVER_NAMES,
    error_text,
    latency_summary,
    local_model_backend,
    ratio,
    record_error,
    settings_env,
    write_result,
)
from config.settings import PROJECT_ROOT, Settings

REQUESTS_PER_TURN_TYPE = 20


WIDGET_PAGE_LOAD = ("/widget.js", "/widget.css", "/vendor/socket.io.min.js", "/widget/config")


TEMPLATE_TURNS = (
    "hi",
    "thanks",
    "are you a bot?",
    "hello there",
    "thank you",
    "are you a human?",
    "good morning",
    "perfect, thanks",
)


# Questions about the sample catalogue, each naming its products: used for the factual and the
# generative sets and by the simulated customers, so every generative reply has a factual reference.
PRODUCT_TURNS = (
    "how much is the Lumen Air 13?",
    "is the Corvid Talon 15 in stock?",
    "compare the Sonora Aria and the Hushwave Lull",
    "what does the Nimbus Breeze cost?",
    "do you have the Tessel Slate 11 in stock?",
    "which is lighter, the Lumen Air 13 or the Nimbus Cirrus 13?",
    "price of the Vistara Horizon 27",
    "how much is the Arcfield Bastion?",
    "compare the Lumen Pulse 6 and the Corvid Raptor X",
    "is the Nimbus Kite 10 available?",
    "tell me about the Corvid Apex 27",
    "how much does the Corvid Blade 16 Pro cost?",
    "is the Sonora Echo in stock?",
    "compare the Arcfield Tally 24 with the Nimbus Glide 24",
    "what's the price of the Tessel Quill 14?",
    "does the Lumen Orbit have noise cancelling?",
    "how much is the Nimbus Zephyr 5?",
    "which has the longer battery, the Sonora Aria or the Corvid Vortex?",
    "is the Vistara Vue 12 available?",
    "what does the Arcfield Ledger 14 cost?",
)


POLICY_TURNS = (
    "how long does delivery take?",
    "what's your return policy?",
    "what payment methods do you accept?",
    "how long is the warranty?",
)


def classify_reply(reply: str, reference: str | None) -> str:
    """How a generative reply relates to the factual reply for the same question.

    "model_sentence": the facts with the model's sentence in front; "facts_only": the facts as
    rendered (the sentence was rejected or not needed); "apology": the action gave up;
    "other": anything else (e.g. NLU routed the question elsewhere); "unknown": no reference.
    """
    if supervisor.TROUBLE_MARKER in reply:
        return "apology"
    if not reference:
        return "unknown"
    if reply == reference:
        return "facts_only"
    if reply.endswith("\n" + reference) and reply[: -len(reference)].strip():
        return "model_sentence"
    return "other"


def customer_script(index: int, turns: int) -> list[tuple[str, str]]:
    """A simulated customer's turns as (kind, text); kinds: template, generative, policy."""
    p = PRODUCT_TURNS
    pattern = [
        ("template", "hi"),
        ("generative", p[index % len(p)]),
        ("policy", POLICY_TURNS[index % len(POLICY_TURNS)]),
        ("generative", p[(index + 5) % len(p)]),
        ("template", "are you a bot?"),
        ("generative", p[(index + 10) % len(p)]),
        ("policy", POLICY_TURNS[(index + 1) % len(POLICY_TURNS)]),
        ("generative", p[(index + 15) % len(p)]),
        ("template", "thanks"),
        ("template", "bye"),
    ]
    return [pattern[i % len(pattern)] for i in range(turns)]


def _process_tree(pid: int) -> list[Any]:
    import psutil

    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def _vm_hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class RssMonitor:
    """Samples the summed RSS of each service's process tree; at stop, reads each process's VmHWM."""

    def __init__(self, services: list[supervisor.Service], interval: float = 0.5) -> None:
        self.services = services
        self.interval = interval
        self.peaks: dict[str, float] = {s.name: 0.0 for s in services}
        self.peak_total = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-rss", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _sample(self) -> None:
        total = 0.0
        for service in self.services:
            if service.process is None:
                continue
            rss = 0.0
            for process in _process_tree(service.process.pid):
                try:
                    rss += process.memory_info().rss / 2**20
                except Exception:  # the process ended between listing and reading
                    continue
            self.peaks[service.name] = max(self.peaks[service.name], rss)
            total += rss
        self.peak_total = max(self.peak_total, total)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def stop(self) -> dict[str, Any]:
        self._sample()
        self._stop.set()
        self._thread.join(timeout=5)
        out: dict[str, Any] = {"sampled_peak_total_mb": self.peak_total}
        for service in self.services:
            tree = _process_tree(service.process.pid) if service.process else []
            processes = []
            for process in tree:
                try:
                    rss = process.memory_info().rss / 2**20
                    command = " ".join(process.cmdline())[-90:]
                except Exception:  # it ended meanwhile
                    continue
                processes.append({"pid": process.pid, "cmd": command, "hwm_mb": _vm_hwm_mb(process.pid), "rss_mb": rss})
            hwm = [p["hwm_mb"] for p in processes if p["hwm_mb"] is not None]
            out[service.name] = {
                "pid": service.process.pid if service.process else None,
                "processes": len(processes),
                "hwm_mb": sum(hwm) if hwm else None,
                "sampled_peak_mb": self.peaks[service.name],
                "rss_at_end_mb": sum(p["rss_mb"] for p in processes),
                "by_process": processes,
            }
        return out


def prepare_servers(settings: Settings, bs: Settings) -> dict[str, Any]:
    """A Rasa model in the bench models dir (the user's linked, else trained), a fresh tracker, the sample store."""
    info: dict[str, Any] = {}
    target = supervisor.models_dir(bs)
    target.mkdir(parents=True, exist_ok=True)
    trained = sorted(supervisor.models_dir(settings).glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if trained:
        for old in target.iterdir():
            old.unlink() if old.is_file() or old.is_symlink() else shutil.rmtree(old)
        (target / trained[-1].name).symlink_to(trained[-1].resolve())
        info["rasa_model"] = f"linked {trained[-1]}"
    elif not list(target.glob("*.tar.gz")):
        started = time.perf_counter()
        done = subprocess.run(
            supervisor.train_command(bs),
            cwd=PROJECT_ROOT,
            env={**os.environ, **supervisor.rasa_env(bs)},
            capture_output=True,
            text=True,
            timeout=3600,
        )
        if done.returncode != 0:
            raise RuntimeError(f"rasa train failed: {done.stdout[-1500:]}\n{done.stderr[-1500:]}")
        info["rasa_model"] = f"trained in {time.perf_counter() - started:.0f} s"
    else:
        info["rasa_model"] = f"kept {sorted(target.glob('*.tar.gz'))[-1]}"
    Path(bs.tracker_db_path).unlink(missing_ok=True)
    shutil.rmtree(bs.var_dir / "logs", ignore_errors=True)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ingest", str(SAMPLE_CATALOG)],
        cwd=PROJECT_ROOT,
        env={**os.environ, **settings_env(bs)},
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if done.returncode != 0:
        raise RuntimeError(f"ingest of the sample catalogue failed: {done.stdout[-1500:]}\n{done.stderr[-1500:]}")
    info["ingest"] = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    info["ingest_s"] = time.perf_counter() - started
    return info


@contextmanager
def running_assistant(bs: Settings, backend: str, record: dict[str, Any]) -> Iterator[Settings]:
    """All three servers with this LLM backend, healthy and warmed up; peak RSS goes into record["rss"]."""
    s = replace(bs, llm_backend=backend)
    env = settings_env(s)
    services = [supervisor.action_service(s), supervisor.rasa_service(s), supervisor.web_service(s)]
    for service in services:
        service.env = {**env, **service.env}
    started = time.perf_counter()
    supervisor.start_all(services, s.var_dir / "logs", timeout=600)
    monitor = RssMonitor(services)
    monitor.start()
    try:
        record["start_s"] = time.perf_counter() - started
        started = time.perf_counter()
        supervisor.warm_up_actions(s)
        record["warm_up_actions_s"] = time.perf_counter() - started
        record["warm_up_apologies"] = _warm_up_over_rest(s)
        record["warm_up_s"] = time.perf_counter() - started
        record["logs"] = str(s.var_dir / "logs")
        yield s
    finally:
        try:
            record["rss"] = monitor.stop()
        finally:
            supervisor.stop_all(services)


def _warm_up_over_rest(s: Settings, deadline_s: float = 600) -> int:
    """Untimed turns until a product question gets a real answer; returns how many apologies came first.

    `supervisor.warm_up_actions` gives up after SALESBOT_ACTION_TIME_LIMIT while the engine may still be
    loading the language model, so it does not prove the action server is warm.
    """
    apologies = 0
    deadline = time.monotonic() + deadline_s
    with _client() as client:
        _turn(client, s, f"bench-warm-{uuid.uuid4().hex[:6]}", "warm", "hi")  # Rasa's first turn is slow
        while time.monotonic() < deadline:
            record = _turn(client, s, f"bench-warm-{uuid.uuid4().hex[:6]}", "warm", PRODUCT_TURNS[0])
            if record.get("ok") and supervisor.TROUBLE_MARKER not in record.get("reply", ""):
                _turn(client, s, f"bench-warm-{uuid.uuid4().hex[:6]}", "warm", POLICY_TURNS[0])
                return apologies
            apologies += 1
            time.sleep(2)
    raise RuntimeError(f"the assistant still apologised for product questions after {deadline_s:.0f} s of warm-up")


def _client() -> Any:
    import httpx

    return httpx.Client(timeout=REST_TIMEOUT)


@contextmanager
def _timed_request(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Times the block into record["seconds"]; an exception marks the record failed instead of escaping."""
    started = time.perf_counter()
    try:
        yield record
        record["ok"] = True
    except Exception as exc:
        record["ok"] = False
        record["error"] = error_text(exc)
    record["seconds"] = time.perf_counter() - started


def _turn(client: Any, s: Settings, sender: str, kind: str, text: str) -> dict[str, Any]:
    with _timed_request({"kind": kind, "text": text, "sender": sender}) as record:
        reply = rest.say(s.rasa_url, sender, text, timeout=REST_TIMEOUT, client=client)
        record["reply"] = reply.text
        record["custom"] = reply.has_custom
    return record


def _web_get(client: Any, s: Settings, path: str) -> dict[str, Any]:
    with _timed_request({"kind": "web", "text": path}) as record:
        client.get(f"http://localhost:{s.web_port}{path}").raise_for_status()
    return record


def summarise_turns(records: list[dict[str, Any]], references: dict[str, str] | None = None) -> dict[str, Any]:
    ok = [r for r in records if r.get("ok")]
    out: dict[str, Any] = {
        "requests": len(records),
        "errors": len(records) - len(ok),
        "apologies": sum(supervisor.TROUBLE_MARKER in r.get("reply", "") for r in ok),
        "with_custom": sum(bool(r.get("custom")) for r in ok),
        "latency": latency_summary([r["seconds"] for r in ok]),
        "error_examples": sorted({r["error"] for r in records if not r.get("ok")})[:5],
    }
    if references is not None:
        kinds: dict[str, int] = {}
        for r in ok:
            kind = classify_reply(r.get("reply", ""), references.get(r["text"]))
            r["reply_kind"] = kind
            kinds[kind] = kinds.get(kind, 0) + 1
        out["kinds"] = kinds
    return out


def _sequential(s: Settings, kind: str, texts: Sequence[str], count: int) -> list[dict[str, Any]]:
    run = uuid.uuid4().hex[:6]
    with _client() as client:
        return [_turn(client, s, f"bench-{kind}-{run}-{i}", kind, texts[i % len(texts)]) for i in range(count)]


def load_test(s: Settings, customers: int, turns: int, references: dict[str, str]) -> dict[str, Any]:
    run = uuid.uuid4().hex[:6]
    barrier = threading.Barrier(customers)
    records: list[dict[str, Any]] = []
    web_records: list[dict[str, Any]] = []
    lock = threading.Lock()

    def customer(index: int) -> None:
        sender = f"bench-load-{run}-{index}"
        with _client() as client:
            barrier.wait(timeout=60)
            for path in WIDGET_PAGE_LOAD:  # what the shop page fetches from the web app
                record = _web_get(client, s, path)
                with lock:
                    web_records.append(record)
            for kind, text in customer_script(index, turns):
                record = _turn(client, s, sender, kind, text)
                with lock:
                    records.append(record)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=customers, thread_name_prefix="bench-customer") as pool:
        for future in [pool.submit(customer, i) for i in range(customers)]:
            future.result()
    wall = time.perf_counter() - started
    overall = summarise_turns(records)
    by_kind = {}
    for kind in ("template", "policy", "generative"):
        subset = [r for r in records if r["kind"] == kind]
        by_kind[kind] = summarise_turns(subset, references if kind == "generative" else None)
    return {
        "customers": customers,
        "turns_each": turns,
        "turns": len(records),
        "errors": overall["errors"],
        "apologies": overall["apologies"],
        "error_examples": overall["error_examples"],
        "wall_s": wall,
        "turns_per_s": len(records) / wall if wall else None,
        "latency": overall["latency"],
        "by_kind": by_kind,
        "apology_examples": [r["text"] for r in records if supervisor.TROUBLE_MARKER in r.get("reply", "")][:5],
        "web_page_loads": summarise_turns(web_records),
    }


def bench_servers(settings: Settings, bs: Settings, result: dict, out_json: Path, concurrency: int, turns: int) -> None:
    """Sections 1, 5 and 6: two starts of the real assistant (LLM none, then the local model)."""
    rest = result.setdefault("rest_latency", {})
    rss = result.setdefault("rss", {})
    servers = result.setdefault("servers", {})
    try:
        servers["prepare"] = prepare_servers(settings, bs)
    except Exception as exc:
        error = record_error(result, "servers.prepare", exc)
        servers["prepare"] = error
        for key in ("template", "factual", "generative"):
            rest[key] = {"error": f"not measured: {error['error']}"}
        result["load"] = {"error": f"not measured: {error['error']}"}
        return

    references: dict[str, str] = {}
    record: dict[str, Any] = {}
    servers["llm_none"] = record
    try:
        with running_assistant(bs, "none", record) as s:
            for key, texts in (("template", TEMPLATE_TURNS), ("factual", PRODUCT_TURNS)):
                try:
                    records = _sequential(s, key, texts, REQUESTS_PER_TURN_TYPE)
                    rest[key] = summarise_turns(records)
                    rest[key]["samples"] = sorted({r.get("reply", "")[:120] for r in records if r.get("ok")})[:8]
                    if key == "factual":
                        references = {r["text"]: r["reply"] for r in records if r.get("ok")}
                except Exception as exc:
                    rest[key] = record_error(result, f"rest_latency.{key}", exc)
                write_result(result, out_json)
    except Exception as exc:
        error = record_error(result, "servers.llm_none", exc)
        record.update(error)
        for key in ("template", "factual"):
            rest.setdefault(key, {"error": f"not measured: {error['error']}"})
    rss["llm_none"] = record.get("rss") or {"error": record.get("error", "not measured")}
    write_result(result, out_json)

    record = {}
    backend = local_model_backend(bs)
    servers[f"llm_{backend}"] = record
    try:
        with running_assistant(bs, backend, record) as s:
            try:
                records = _sequential(s, "generative", PRODUCT_TURNS, REQUESTS_PER_TURN_TYPE)
                rest["generative"] = summarise_turns(records, references)
                rest["generative"]["examples"] = [
                    {"text": r["text"], "kind": r.get("reply_kind"), "reply": r.get("reply", "")[:200]}
                    for r in records
                    if r.get("reply_kind") in ("model_sentence", "other", "apology")
                ][:8]
            except Exception as exc:
                rest["generative"] = record_error(result, "rest_latency.generative", exc)
            write_result(result, out_json)
            try:
                load = load_test(s, concurrency, turns, references)
                single = (rest.get("generative") or {}).get("latency", {}).get("p95_s")
                loaded = load["by_kind"]["generative"]["latency"]["p95_s"]
                load["generative_p95_single_s"] = single
                load["generative_p95_ratio"] = ratio(loaded, single)
                result["load"] = load
            except Exception as exc:
                result["load"] = record_error(result, "load", exc)
    except Exception as exc:
        error = record_error(result, f"servers.llm_{backend}", exc)
        record.update(error)
        rest.setdefault("generative", {"error": f"not measured: {error['error']}"})
        result.setdefault("load", {"error": f"not measured: {error['error']}"})
    rss[f"llm_{backend}"] = record.get("rss") or {"error": record.get("error", "not measured")}
    rss["over_3gb"] = [
        f"{start}/{name}"
        for start, part in rss.items()
        if isinstance(part, dict)
        for name in SERVER_NAMES
        if ((part.get(name) or {}).get("hwm_mb") or 0) > RSS_WARN_MB
    ]
