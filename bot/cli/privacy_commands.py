"""`salesbot customers …` (export, erase, apply the retention period), `salesbot agents …` (console accounts)
and `salesbot audit` (who did what). The work is in privacy/; this module reads arguments and prints."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from config.privacy_wiring import agent_accounts, audit_log, privacy_registry
from config.settings import Settings
from privacy.audit import pseudonym
from privacy.registry import Customer, PrivacyError


def _cli_agent() -> str:
    return f"cli:{getpass.getuser()}"


def _described(customer: Customer) -> str:
    conversations, emails = ", ".join(sorted(customer.sender_ids)), ", ".join(sorted(customer.emails))
    return f"conversations {conversations or '-'}; e-mails {emails or '-'}"


def cmd_customers_export(settings: Settings, args: argparse.Namespace) -> int:
    registry = privacy_registry(settings)
    customer = registry.resolve(args.customer)
    data = json.dumps(registry.export(customer), indent=2, ensure_ascii=False, default=str)
    for sender_id in sorted(customer.sender_ids) or [None]:
        audit_log(settings).record(_cli_agent(), "cli", "export", shop=settings.shop, target=sender_id)
    if args.out:
        Path(args.out).write_text(data + "\n")
        print(f"{_described(customer)}: written to {args.out}")
    else:
        print(data)
    return 0


def cmd_customers_forget(settings: Settings, args: argparse.Namespace) -> int:
    registry = privacy_registry(settings)
    customer = registry.resolve(args.customer)
    if not customer.known:
        print(f"nothing is stored about {args.customer!r}")
        return 0
    what = _described(customer)
    if not args.yes:
        if not sys.stdin.isatty():
            raise PrivacyError("forget erases for good: add --yes to confirm when not typing at a terminal")
        if input(f"erase everything about {what}? [y/N] ").strip().lower() not in ("y", "yes"):
            print("nothing erased")
            return 1
    erased = registry.forget(customer)
    for sender_id in sorted(customer.sender_ids) or [args.customer]:
        audit_log(settings).record(
            _cli_agent(), "cli", "forget", shop=settings.shop, target=pseudonym(sender_id), detail=erased
        )
    print(f"erased {what}: " + ", ".join(f"{name} {count}" for name, count in erased.items()))
    return 0


def cmd_customers_expire(settings: Settings, args: argparse.Namespace) -> int:
    if settings.retention_days == 0:
        print("SALESBOT_RETENTION_DAYS=0: data is kept without limit; nothing erased")
        return 0
    before = datetime.now(UTC) - timedelta(days=settings.retention_days)
    erased = privacy_registry(settings).expire(before)
    print(f"erased what is older than {settings.retention_days} days ({before:%Y-%m-%d %H:%M} UTC): "
          + ", ".join(f"{name} {count}" for name, count in erased.items()))  # fmt: skip
    return 0


def _new_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("new password: ")
    if getpass.getpass("again: ") != first:
        raise PrivacyError("the two passwords differ; nothing changed")
    return first


def cmd_agents(settings: Settings, args: argparse.Namespace) -> int:
    accounts = agent_accounts(settings)
    if args.action == "add":
        account = accounts.add(args.name, args.shop or settings.shop, _new_password(args))
        print(f"agent {account.name!r} added to shop {account.shop!r}; they sign in at /console")
    elif args.action == "remove":
        accounts.remove(args.name)
        print(f"agent {args.name!r} removed; their sessions ended (the audit log keeps their actions)")
    elif args.action == "reset":
        accounts.reset(args.name, _new_password(args))
        print(f"agent {args.name!r} has a new password; their sessions ended")
    else:
        for account in accounts.list():
            print(f"{account.name:30}  shop {account.shop:20}  since {account.created_at:%Y-%m-%d}")
    return 0


def cmd_audit(settings: Settings, args: argparse.Namespace) -> int:
    for entry in reversed(audit_log(settings).entries(args.limit)):
        ticket = f"ticket {entry.ticket_id}" if entry.ticket_id is not None else ""
        print(f"{entry.at:%Y-%m-%d %H:%M:%S}  {entry.agent:24} {entry.via:13} {entry.action:14} {ticket:11} "
              f"{entry.target or ''}")  # fmt: skip
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    customers = sub.add_parser("customers", help="one customer's data: export, erase; the retention period")
    customers_sub = customers.add_subparsers(dest="action", required=True)
    which = "the customer's conversation id or e-mail address"
    export = customers_sub.add_parser("export", help="everything stored about a customer, as JSON")
    export.add_argument("customer", help=which)
    export.add_argument("--out", metavar="FILE", help="write to this file (default: standard output)")
    export.set_defaults(func=cmd_customers_export)
    forget = customers_sub.add_parser("forget", help="erase a customer from every store (asks first)")
    forget.add_argument("customer", help=which)
    forget.add_argument("--yes", action="store_true", help="do not ask")
    forget.set_defaults(func=cmd_customers_forget)
    expire = customers_sub.add_parser("expire", help="erase now what is older than SALESBOT_RETENTION_DAYS")
    expire.set_defaults(func=cmd_customers_expire)

    agents = sub.add_parser("agents", help="agent console accounts")
    agents.set_defaults(func=cmd_agents, action="list")
    agents_sub = agents.add_subparsers(dest="action")
    agents_sub.add_parser("list", help="the accounts and their shops")
    for action, text in (("add", "a new account"), ("remove", "remove an account"), ("reset", "a new password")):
        command = agents_sub.add_parser(action, help=text)
        command.add_argument("name")
        if action == "add":
            command.add_argument("--shop", help="the shop whose hand-offs they see (default: SALESBOT_SHOP)")
        if action != "remove":
            command.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    audit = sub.add_parser("audit", help="the audit log: who did what to which conversation, newest last")
    audit.add_argument("--limit", type=int, default=50)
    audit.set_defaults(func=cmd_audit)
