"""`salesbot eval conversations`: customers' questions and follow-ups over REST, on test shops.

Each test shop (data/eval/shops/<shop>/: `catalog/`, `questions.jsonl`, `conversations.jsonl`, see the
README there) is set up the way a shop sets itself up: its catalogue is ingested into its own collection
and the action server runs with SALESBOT_SHOP set to it, beside the one Rasa model trained on the
shop-neutral NLU data. Every single question is a conversation of one turn; every turn of every
conversation is checked against the shop's own data, independently of the engine.
"""

from __future__ import annotations

import json
import re
import statistics
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field, replace
from itertools import combinations
from pathlib import Path
from typing import Any

from bot.cli import rest, supervisor
from config.settings import PROJECT_ROOT, Settings
from knowledge import answers
from knowledge.catalog import LoadResult, Product, format_price, load_catalog
from knowledge.gate import check_reply
from knowledge.policy_search import readable_sentences
from knowledge.text import parse_budget

SHOPS_DIR = PROJECT_ROOT / "data" / "eval" / "shops"
EXPECTATIONS = ("expected_skus", "expected_facts", "expected_winner", "max_price", "must_refuse", "forbidden")
REFUSAL_MARKERS = (
    "don't sell",
    "isn't in our catalogue",
    "don't have that information",
    "doesn't list",
    "don't list",
    "couldn't find",
    "can't say",
    "can't offer or confirm",
    "don't carry",
    "can only help",
    "not something i can help",
    "nothing fits",
)
# Kept aside while the understanding code is tuned on the other shops; run them with --final only. The thirty
# other shops have all been looked at while tuning (all but furniture and running were kept aside or run unseen
# before, artsupply and homebrew last), so they are tuning shops now (data/eval/shops/README.md).
FINAL_CHECK_SHOPS = ("ski", "textiles")
EVAL_PORTS = {"rasa_port": 5205, "action_port": 5255}  # beside a running `make run` (5005/5055)


class ConversationEvalError(ValueError):
    pass


@dataclass
class Turn:
    text: str
    kind: str
    expect: dict[str, Any]


@dataclass
class Conversation:
    id: str
    turns: list[Turn]


@dataclass
class TurnResult:
    turn: Turn
    index: int
    reply: str
    problems: list[str]
    seconds: float


@dataclass
class ConversationResult:
    shop: str
    conversation: Conversation
    turns: list[TurnResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(not t.problems for t in self.turns)


def _turn(raw: dict[str, Any], where: str) -> Turn:
    text = raw.get("text") or raw.get("question")
    if not isinstance(text, str) or not text.strip():
        raise ConversationEvalError(f"{where}: a turn needs its customer text ('text' or 'question')")
    return Turn(text, str(raw.get("type") or "other"), {k: raw[k] for k in EXPECTATIONS if k in raw})


def load_shop_conversations(shop_dir: Path) -> list[Conversation]:
    """The shop's single questions (one turn each) and multi-turn conversations."""
    conversations: list[Conversation] = []
    for name in ("questions.jsonl", "conversations.jsonl"):
        path = shop_dir / name
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{path}, line {number}"
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ConversationEvalError(f"{where}: {exc}") from exc
            turns = [_turn(t, where) for t in raw["turns"]] if "turns" in raw else [_turn(raw, where)]
            conversations.append(Conversation(str(raw.get("id") or f"{name}:{number}"), turns))
    if not conversations:
        raise ConversationEvalError(f"{shop_dir} has no questions.jsonl or conversations.jsonl")
    return conversations


_NO_DISCOUNT = re.compile(r"\b(?:can't|cannot|can not|don't|do not) offer (?:a |any )?discount", re.I)


def shop_names(shops_dir: Path = SHOPS_DIR) -> list[str]:
    return sorted(p.name for p in shops_dir.iterdir() if (p / "catalog").is_dir())


def check_turn(
    turn: Turn,
    reply: str,
    cards: list[dict[str, Any]],
    shop: LoadResult,
    foreign: list[str],
    said_before: list[str] | None = None,
) -> list[str]:
    """What is wrong with one reply, judged only by the shop's data, what the customer said in the
    conversation so far and the turn's expectations."""
    lowered = reply.lower()
    by_sku = {p.sku: p for p in shop.products}
    shown = {str(c.get("sku")) for c in cards}
    named = names_in(lowered, shop.products)
    expect = turn.expect
    problems = []
    for sku in expect.get("expected_skus", []):
        product = by_sku.get(sku)
        if sku not in shown and product not in named:
            problems.append(f"does not name {product.name if product else sku}")
    problems += [f"missing {fact!r}" for fact in expect.get("expected_facts", []) if fact.lower() not in lowered]
    winner = expect.get("expected_winner")
    if winner and winner.lower() not in lowered:
        problems.append(f"winner should be {winner}")
    limit = expect.get("max_price")
    if limit is not None:
        over = [p.name for p in named if p.price > limit] + [
            str(c.get("name")) for c in cards if float(c.get("price") or 0) > limit
        ]
        if over:
            problems.append(f"over the budget of {limit}: {', '.join(sorted(set(over)))}")
    if expect.get("must_refuse") and not any(marker in lowered for marker in REFUSAL_MARKERS):
        problems.append("did not refuse")
    problems += [f"forbidden {f!r}" for f in expect.get("forbidden", []) if f.lower() in lowered]
    problems += [f"another shop's words: {f!r}" for f in foreign if f.lower() in lowered]
    overviews = [_overview_of(shop, category) for category in {p.category for p in named}]
    # "- contact lenses: 6 models, 89.00 PLN to 229.00 PLN": a category the reply names, its count and price range
    overviews += [_range_of(shop, c) for c in {p.category for p in shop.products} if c.lower() in lowered]
    policies = [" ".join(readable_sentences(page.text)) for page in shop.policies]  # as replies quote them
    said = [*(said_before or []), turn.text]
    amounts = [amount for text in said if (amount := parse_budget(text)) is not None]  # "two hundred", "10만원"
    money = shop.products[0].currency
    budgets = [answers.budget_text(a, currency) for a in amounts for currency in (None, money)]
    # "If you'd like to spend less, …: 799.00 GBP, 450.00 GBP less": a difference of two prices it names is a fact,
    # and "I can't offer a discount" is no discount offered
    differences = [format_price(abs(a.price - b.price), a.currency) for a, b in combinations(named, 2)]
    refused = ["discount"] if _NO_DISCOUNT.search(reply) else []
    reference = "\n".join(
        [*said, *budgets, *(_facts_of(p) for p in named), *overviews, *policies, *differences, *refused]
    )
    invented = check_reply(
        reply,
        reference,
        allowed_names=[p.name for p in shop.products],
        catalogue_names=[p.name for p in shop.products],
        catalogue_brands=[],
        secret_fragments=[],
    ).reasons
    return problems + [f"invented: {reason}" for reason in invented]


def names_in(lowered: str, products: list[Product]) -> list[Product]:
    """The products a (lower-cased) reply names: a name inside a longer one it names ("Possum's Big Night" in
    "Possum's Big Night Board Book") is not named there."""
    covered = [False] * len(lowered)
    named = []
    for product in sorted(products, key=lambda p: -len(p.name)):
        for match in re.finditer(re.escape(product.name.lower()), lowered):
            if not any(covered[match.start() : match.end()]):
                covered[match.start() : match.end()] = [True] * (match.end() - match.start())
                if product not in named:
                    named.append(product)
    return named


def _facts_of(product: Product) -> str:
    return "\n".join([*answers.lookup([product], None).lines, answers.list_item(product), product.category])


def _overview_of(shop: LoadResult, category: str) -> str:
    """What the catalogue says about a whole category (how many models, how many in stock)."""
    return answers.category_overview(category, [p for p in shop.products if p.category == category]).rendered


def _range_of(shop: LoadResult, category: str) -> str:
    """How many products a category has and its lowest and highest price, from the catalogue itself."""
    prices = sorted((p.price, p.currency) for p in shop.products if p.category == category)
    return f"{category}: {len(prices)} models, {format_price(*prices[0])} to {format_price(*prices[-1])}"


def foreign_words(shop: str, shops_dir: Path = SHOPS_DIR) -> list[str]:
    """Product names of the other test shops and the demo shop: none may reach this shop's customers."""
    words: list[str] = []
    others = [shops_dir / name / "catalog" for name in shop_names(shops_dir) if name != shop]
    for catalog in [*others, PROJECT_ROOT / "data" / "catalog"]:
        words += [p.name for p in load_catalog(catalog).products]
    return words


def run_shop(settings: Settings, shop: str, shops_dir: Path = SHOPS_DIR) -> list[ConversationResult]:
    """Ingest the shop, start its action server and a Rasa server, and talk to them over REST."""
    from config.wiring import open_store

    shop_dir = shops_dir / shop
    conversations = load_shop_conversations(shop_dir)
    loaded = load_catalog(shop_dir / "catalog")
    if loaded.errors:
        raise ConversationEvalError(f"{shop_dir / 'catalog'}: {len(loaded.errors)} rows rejected: {loaded.errors[:3]}")
    shop_settings = replace(settings, shop=f"eval-{shop}", catalog_path=shop_dir / "catalog", **EVAL_PORTS)
    open_store(shop_settings).sync(loaded)
    env = {
        "SALESBOT_SHOP": shop_settings.shop,
        "SALESBOT_CATALOG_PATH": str(shop_settings.catalog_path),
        "SALESBOT_VAR_DIR": str(shop_settings.var_dir),
        "SALESBOT_LLM_BACKEND": shop_settings.llm_backend,
        "SALESBOT_RASA_PORT": str(shop_settings.rasa_port),
        "SALESBOT_ACTION_PORT": str(shop_settings.action_port),
        "SALESBOT_RASA_AUTH_TOKEN": "",
    }
    services = [supervisor.action_service(shop_settings), supervisor.rasa_service(shop_settings)]
    for service in services:
        service.env = {**service.env, **env}
    supervisor.start_all(services, shop_settings.var_dir / "logs" / f"eval-{shop}")
    try:
        supervisor.warm_up_actions(shop_settings)
        foreign = foreign_words(shop, shops_dir)
        results = []
        for conversation in conversations:
            sender = f"eval-{shop}-{conversation.id}-{uuid.uuid4().hex[:8]}"
            result = ConversationResult(shop, conversation)
            for index, turn in enumerate(conversation.turns):
                started = time.perf_counter()
                answer = rest.say(shop_settings.rasa_url, sender, turn.text)
                seconds = time.perf_counter() - started
                reply = answer.text
                cards = [c for m in answer.messages for c in ((m.get("custom") or {}).get("products") or [])]
                problems = check_turn(turn, reply, cards, loaded, foreign, [t.text for t in conversation.turns[:index]])
                result.turns.append(TurnResult(turn, index, reply, problems, seconds))
            results.append(result)
        return results
    finally:
        supervisor.stop_all(services)


def summarize(results: list[ConversationResult]) -> dict[str, Any]:
    """Pass rates per shop, per kind of turn and for follow-ups, with latency."""
    by_shop: dict[str, list[ConversationResult]] = defaultdict(list)
    for result in results:
        by_shop[result.shop].append(result)
    turns = [t for r in results for t in r.turns]
    kinds: dict[str, list[TurnResult]] = defaultdict(list)
    for turn in turns:
        kinds[turn.turn.kind].append(turn)
    follow_ups = [t for t in turns if t.index > 0]
    latencies = sorted(t.seconds for t in turns)

    def rate(items: list[Any], ok: Any) -> float | None:
        return round(sum(map(ok, items)) / len(items), 3) if items else None

    return {
        "conversations": len(results),
        "passed": rate(results, lambda r: r.passed),
        "by_shop": {
            shop: {
                "conversations": len(rs),
                "passed": rate(rs, lambda r: r.passed),
                "single_questions": rate([r for r in rs if len(r.turns) == 1], lambda r: r.passed),
                "multi_turn": rate([r for r in rs if len(r.turns) > 1], lambda r: r.passed),
            }
            for shop, rs in sorted(by_shop.items())
        },
        "by_kind": {kind: rate(ts, lambda t: not t.problems) for kind, ts in sorted(kinds.items())},
        "follow_ups": rate(follow_ups, lambda t: not t.problems),
        "invented": sum(any(p.startswith("invented") for p in t.problems) for t in turns),
        "another_shops_words": sum(any(p.startswith("another shop") for p in t.problems) for t in turns),
        "latency_p50_s": round(statistics.median(latencies), 3) if latencies else None,
        "latency_p95_s": round(latencies[max(0, round(0.95 * len(latencies)) - 1)], 3) if latencies else None,
    }


def failures(results: list[ConversationResult]) -> list[str]:
    lines = []
    for result in results:
        for turn in result.turns:
            if turn.problems:
                reply = re.sub(r"\s+", " ", turn.reply)[:200]
                lines.append(
                    f"{result.shop}/{result.conversation.id} turn {turn.index + 1}: {turn.turn.text!r} -> "
                    f"{'; '.join(turn.problems)} | reply: {reply}"
                )
    return lines


def transcripts(results: list[ConversationResult]) -> list[dict[str, Any]]:
    """Every conversation as it went, for people to read: what the customer said, what the shop replied."""
    return [
        {
            "shop": r.shop,
            "id": r.conversation.id,
            "passed": r.passed,
            "turns": [{"customer": t.turn.text, "reply": t.reply, "problems": t.problems} for t in r.turns],
        }
        for r in results
    ]


def format_summary(summary: dict[str, Any]) -> str:
    rows = [f"conversations: {summary['conversations']}, passed {summary['passed']}"]
    for shop, figures in summary["by_shop"].items():
        rows.append(
            f"  {shop:<12} {figures['conversations']:>4} conversations  passed {figures['passed']}  "
            f"(single questions {figures['single_questions']}, multi-turn {figures['multi_turn']})"
        )
    rows.append("  by kind of turn: " + ", ".join(f"{k} {v}" for k, v in summary["by_kind"].items()))
    rows.append(
        f"  follow-ups {summary['follow_ups']}, invented facts {summary['invented']}, "
        f"another shop's words {summary['another_shops_words']}, "
        f"latency p50 {summary['latency_p50_s']} s, p95 {summary['latency_p95_s']} s"
    )
    return "\n".join(rows)
