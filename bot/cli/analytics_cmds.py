"""The analytics commands of `salesbot`: experiments, report, orders import (analytics/)."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from analytics.experiment_report import experiment_report, format_report
from analytics.experiments import Experiment, ExperimentError, load_experiments
from analytics.funnel import build_funnel, format_funnel
from analytics.orders import OrderError, import_csv
from analytics.profiles import format_segments, segments, write_profiles_csv, write_segments_csv
from analytics.store import AnalyticsError, open_analytics
from bot.cli import supervisor
from config.settings import Settings


def experiments_of(settings: Settings) -> list[Experiment]:
    if not settings.experiments_file:
        raise ExperimentError("no experiments: set SALESBOT_EXPERIMENTS_FILE to your experiments YAML file")
    return load_experiments(Path(settings.experiments_file))


def cmd_experiments(settings: Settings, args: argparse.Namespace) -> int:
    experiments = experiments_of(settings)
    if args.name:
        experiments = [e for e in experiments if e.name == args.name]
        if not experiments:
            raise ExperimentError(f"{settings.experiments_file}: no experiment named {args.name!r}")
    if args.action == "check":
        for e in experiments:
            shares = ", ".join(f"{v.name} {v.share:.0%}" for v in e.variants)
            print(f"{e.name}: conversion {e.conversion}; {shares}")
        return 0
    store = open_analytics(settings)
    print("\n\n".join(format_report(experiment_report(store, e)) for e in experiments) or "no experiments defined")
    return 0


def since_date(raw: str) -> datetime:
    try:
        return datetime.fromisoformat(raw).replace(tzinfo=UTC)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{raw!r}: use a date like 2026-12-01") from exc


def cmd_report(settings: Settings, args: argparse.Namespace) -> int:
    funnel = build_funnel(open_analytics(settings), args.since)
    found = segments(funnel)
    print(format_funnel(funnel))
    print("segments (conversion by interest, budget band, stage):")
    print(format_segments(found))
    if args.profiles:
        with open(args.profiles, "w", newline="") as out:
            write_profiles_csv(out, funnel)
        print(f"{len(funnel.conversations)} customer profile(s) written to {args.profiles}")
    if args.segments:
        with open(args.segments, "w", newline="") as out:
            write_segments_csv(out, found)
        print(f"{len(found)} segment(s) written to {args.segments}")
    return 0


def cmd_orders(settings: Settings, args: argparse.Namespace) -> int:
    result = import_csv(open_analytics(settings), Path(args.file))
    for error in result.errors:
        print(f"rejected: {error}", file=sys.stderr)
    print(
        f"{result.added} new order(s) recorded ({result.unmatched} not matched to a conversation), "
        f"{result.already} reported before and left as they were, {len(result.errors)} rejected"
    )
    return 1 if result.errors else 0


def cmd_simulate(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli import ab_simulation as sim

    repeated = sim.repeated_runs(args.runs, args.baseline, args.effect)
    print(
        f"{repeated.runs} simulated runs of {repeated.customers} customers (planned {repeated.planned} per variant, "
        f"baseline {args.baseline:.0%}, planted effect +{args.effect * 100:g} points, alpha {repeated.alpha:g}):\n"
        f"  planted effect found (power): {repeated.power:.1%}\n"
        f"  A/A false-positive rate:      {repeated.false_positive_rate:.1%}"
    )
    if not args.live:
        return 0
    from bot.cli.bench.common import settings_env
    from bot.cli.bench.servers import prepare_servers

    s = sim.simulation_settings(settings)
    sim.write_experiments(s, args.baseline, args.effect)
    (s.var_dir / "app.db").unlink(missing_ok=True)  # the simulation's own database, fresh each time
    print(f"live: preparing servers in {s.var_dir} (Rasa :{s.rasa_port}, actions :{s.action_port}, "
          f"web :{s.web_port}; loopback only)...", flush=True)  # fmt: skip
    prepare_servers(settings, s)
    services = [supervisor.action_service(s), supervisor.rasa_service(s), supervisor.web_service(s)]
    for service in services:
        service.env = {**settings_env(s), **service.env}
    customers = args.customers or 2 * repeated.planned + 2 * repeated.planned // 10
    try:
        supervisor.start_all(services, s.var_dir / "logs", timeout=600)
        supervisor.warm_up_actions(s)
        started = time.perf_counter()
        live = sim.live_run(s, customers, args.baseline, args.effect, args.concurrency,
                            lambda done: print(f"\r  {done}/{customers} customers", end="", flush=True))  # fmt: skip
    finally:
        supervisor.stop_all(services)
    print(f"\nlive: {customers} real conversations in {time.perf_counter() - started:.0f} s; shown: {live['seen']}")
    print(format_report(live["planted"]))
    print(format_report(live["aa"]))
    return 0


def cmd_scripts(settings: Settings, args: argparse.Namespace) -> int:
    from dataclasses import replace

    from config.wiring import build_engine
    from knowledge.rep_scripts import markdown, rep_script, select

    engine = build_engine(replace(settings, llm_backend="none"))  # decided answers only: no model is needed
    try:
        products = select(engine, args.what)
    except LookupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    text = f"# Sales scripts: {args.what or 'all products'}\n\n" + markdown([rep_script(engine, p) for p in products])
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"scripts for {len(products)} product(s) written to {args.out}")
    else:
        print(text)
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    scripts = sub.add_parser("scripts", help="sales scripts for human reps, per product, as Markdown")
    scripts.add_argument("what", nargs="?", help="a SKU or a category (default: every product)")
    scripts.add_argument("--out", metavar="FILE", help="write to this file instead of the terminal")
    scripts.set_defaults(func=cmd_scripts)

    report = sub.add_parser("report", help="the sales funnel, revenue, unanswered questions, segments")
    report.add_argument("--since", type=since_date, help="only conversations started on or after this date")
    report.add_argument("--profiles", metavar="FILE", help="also write the customer profiles as CSV")
    report.add_argument("--segments", metavar="FILE", help="also write the segments as CSV")
    report.set_defaults(func=cmd_report)

    orders = sub.add_parser("orders", help="purchases reported by the shop")
    orders.add_argument("action", choices=("import",))
    orders.add_argument("file", help="CSV with order_id, amount, currency and conversation_id, email or click")
    orders.set_defaults(func=cmd_orders)

    experiments = sub.add_parser("experiments", help="A/B tests of the sales strategy (SALESBOT_EXPERIMENTS_FILE)")
    experiments_sub = experiments.add_subparsers(dest="action", required=True)
    report_help = "per variant: conversions, intervals, p-value, verdict"
    for action, text in (("report", report_help), ("check", "read the file")):
        command = experiments_sub.add_parser(action, help=text)
        command.add_argument("--name", help="only this experiment")
        command.set_defaults(func=cmd_experiments)

    simulate = experiments_sub.add_parser("simulate", help="benchmark: planted-effect and A/A runs, simulated buyers")
    simulate.add_argument("--runs", type=int, default=400, help="repeated runs (outcomes drawn in memory)")
    simulate.add_argument("--baseline", type=float, default=0.2, help="conversion rate of the control")
    simulate.add_argument("--effect", type=float, default=0.1, help="planted difference, in rate points")
    simulate.add_argument("--live", action="store_true", help="also one run of real conversations over REST")
    simulate.add_argument("--customers", type=int, default=0, help="live customers (default: the planned size)")
    simulate.add_argument("--concurrency", type=int, default=2, help="live conversations at a time")
    simulate.set_defaults(func=cmd_simulate)


ERRORS = (ExperimentError, AnalyticsError, OrderError)  # reported by main() as `error: …`
