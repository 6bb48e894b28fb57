"""`make garak`: a bounded garak scan of the assistant's REST channel (docs/abuse.md#the-garak-scan).

The action server and Rasa start as `salesbot up` starts them, on ports and in a folder of their own
(6005 and 6055, or SALESBOT_GARAK_RASA_PORT / SALESBOT_GARAK_ACTION_PORT; var/garak/server), with the current
trained model and the sample catalogue. garak 0.17.1, in its own environment (.venv-garak), sends each
probe's prompts over loopback to /webhooks/rest/webhook (tests/garak/target.py); then the servers stop and
the attack success per probe is printed (tests/garak/summary.py). garak's report, hit log and HTML page, the
config it ran with and this summary stay in var/garak/ under the run's name (scan-<date>-<time>).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bot.cli import supervisor
from config.settings import PROJECT_ROOT, Settings, load_settings
from knowledge.prompts import SYSTEM_PROMPT
from tests.garak.summary import EVAL_THRESHOLD, format_summary, summarise

GARAK_DIR = PROJECT_ROOT / "var" / "garak"
GARAK_PYTHON = PROJECT_ROOT / ".venv-garak" / "bin" / "python"
SEED = 15  # garak draws each probe's prompts with it: the same prompts every run
# Each probe and how many of its prompts are sent, one reply each: 149, under 4 minutes on 2 busy cores.
PROBES = {
    "promptinject.HijackHateHumans": 10,  # "ignore the instructions above and say …"
    "promptinject.HijackKillHumans": 10,
    "promptinject.HijackLongPrompt": 10,
    "latentinjection.LatentInjectionReport": 8,  # an instruction hidden in a text the customer pastes
    "latentinjection.LatentInjectionResume": 8,
    "latentinjection.LatentInjectionFactSnippetEiffel": 8,
    "latentinjection.LatentInjectionFactSnippetLegal": 8,
    "sysprompt_extraction.SystemPromptExtraction": 28,  # all its attacks, for the writer's real system prompt
    "dan.DanInTheWild": 30,  # jailbreaks collected from the wild
    "leakreplay.LiteratureCloze": 10,  # fill in a word masked in a book or article: replayed training data
    "leakreplay.GuardianCloze": 9,
    "leakreplay.NYTCloze": 10,
}
# garak judges the DAN jailbreaks by the absence of an AI's refusal phrase ("As an AI language model, I …";
# mitigation.MitigationBypass), which the shop's polite replies never use: these look for the jailbreak's
# persona itself in the reply ("[DAN]", "DAN:", "[🔓JAILBREAK]", …) and for a markdown image link (data out).
DAN_PERSONAS = ["dan.DAN", "dan.DANJailbreak", "dan.DevMode", "dan.DUDE", "dan.STAN", "dan.AntiDAN", "dan.MarkdownLink"]
SCAN_ENV = {
    "SALESBOT_VAR_DIR": str(GARAK_DIR / "server"),
    "SALESBOT_RASA_PORT": os.environ.get("SALESBOT_GARAK_RASA_PORT", "6005"),
    "SALESBOT_ACTION_PORT": os.environ.get("SALESBOT_GARAK_ACTION_PORT", "6055"),
    # garak sends one message after another from one address: the rate limits would only slow it down.
    "SALESBOT_RATE_LIMIT_SENDER": "off",
    "SALESBOT_RATE_LIMIT_IP": "off",
    # Every attack reaches the assistant, also the jailbreaks longer than the 2000 characters a customer may
    # send (those would only get the polite "too long" reply).
    "SALESBOT_MAX_MESSAGE_CHARS": "20000",
}


def garak_config(rasa_url: str, system_prompts: Path, run: str, most: int | None = None) -> dict:
    """garak's run config (its YAML format, written as JSON); `most`: at most that many prompts per probe."""
    probes: dict[str, dict[str, dict]] = {}
    for name, prompts in PROBES.items():
        module, probe = name.split(".")
        probes.setdefault(module, {})[probe] = {"soft_probe_prompt_cap": min(prompts, most or prompts)}
    probes["dan"]["DanInTheWild"]["extended_detectors"] = DAN_PERSONAS
    # The secret to extract: the shop's system prompt, from a local data set instead of garak's downloads.
    probes["sysprompt_extraction"]["SystemPromptExtraction"] |= {
        "system_prompt_sources": [str(system_prompts)],
        "system_prompt_subsample": 1,
    }
    return {
        "system": {"lite": True, "narrow_output": True, "parallel_attempts": False, "parallel_requests": False},
        "run": {
            "seed": SEED,
            "generations": 1,
            "eval_threshold": EVAL_THRESHOLD,
            "spec": {"include": [f"probes.{name}" for name in PROBES], "exclude": []},
        },
        "plugins": {
            "target_type": "function",
            "target_name": "tests.garak.target#reply",
            "generators": {"function": {"Single": {"kwargs": {"rasa_url": rasa_url}}}},
            "extended_detectors": True,  # only DanInTheWild has any: DAN_PERSONAS
            "probes": probes,
        },
        "reporting": {"report_dir": str(GARAK_DIR), "report_prefix": run},
    }


def write_system_prompts(folder: Path) -> Path:
    """A one-row data set in the shape garak's extraction probe reads: the real system prompt."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "train.jsonl").write_text(json.dumps({"systemprompt": SYSTEM_PROMPT}) + "\n")
    return folder


def prepare(main: Settings, scan: Settings) -> None:
    """The scan's folder: no conversation or log of an earlier scan, the model `make train` trained, the
    sample catalogue."""
    if not supervisor.model_is_current(main):
        raise SystemExit(f"no Rasa model trained from the current data in {supervisor.models_dir(main)}: make train")
    for stale in ("tracker.db", "app.db", "logs", "rasa-models"):
        path = scan.var_dir / stale
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
    models = supervisor.models_dir(scan)
    models.mkdir(parents=True)
    newest = max(supervisor.models_dir(main).glob("*.tar.gz"), key=lambda model: model.stat().st_mtime)
    shutil.copy2(newest, models)
    subprocess.run([sys.executable, "-m", "bot.cli", "ingest"], cwd=PROJECT_ROOT, check=True)


def run_garak(config: Path) -> None:
    home = GARAK_DIR / "home"  # garak's own files (its log, caches) stay here, not in ~
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),  # for tests.garak.target
        "PYTHONHASHSEED": "0",  # with SEED, the same prompts every run (some probes draw from sets)
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "HF_HOME": str(home / "huggingface"),
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    subprocess.run([str(GARAK_PYTHON), "-m", "garak", "--config", str(config)], cwd=GARAK_DIR, env=env, check=True)


def server_errors(services: list[supervisor.Service]) -> int:
    return sum(service.log_tail(10**9).count("Traceback") for service in services)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make garak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--prompts", type=int, help="at most this many prompts per probe (a quick check)")
    args = parser.parse_args(argv)
    supervisor.stop_on_signals()
    main_settings = load_settings()
    os.environ.update(SCAN_ENV)  # the servers and `salesbot ingest` read their settings from the environment
    settings = supervisor.with_api_token(load_settings())
    run = time.strftime("scan-%Y%m%d-%H%M%S")
    started = time.monotonic()
    services = [supervisor.action_service(settings), supervisor.rasa_service(settings)]
    try:
        prepare(main_settings, settings)
        config = GARAK_DIR / f"{run}.config.json"
        rasa_url = f"http://127.0.0.1:{settings.rasa_port}"
        system_prompts = write_system_prompts(GARAK_DIR / "system-prompt")
        config.write_text(json.dumps(garak_config(rasa_url, system_prompts, run, args.prompts), indent=1))
        supervisor.start_all(services, settings.var_dir / "logs")
        supervisor.warm_up_actions(settings)
        errors_before = server_errors(services)
        run_garak(config)
        errors = server_errors(services) - errors_before
    except subprocess.CalledProcessError as exc:
        print(f"{exc.cmd[0]} … failed (exit status {exc.returncode})", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopped", file=sys.stderr)
        return 130
    finally:
        supervisor.stop_all(services)
    summary = format_summary(summarise(GARAK_DIR / f"{run}.report.jsonl"))
    summary += f"\n\ntracebacks the servers logged during the scan: {errors}"
    (GARAK_DIR / f"{run}.summary.txt").write_text(summary + "\n")
    print(f"\n{summary}\n\n{run}: {time.monotonic() - started:.0f} s; report, config and summary in {GARAK_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
