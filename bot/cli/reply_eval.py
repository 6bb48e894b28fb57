"""`salesbot eval replies`: product replies the model writes, beside the rendered replies, on test shops.

Each test shop's catalogue is ingested into its own collection; its single questions and conversations
(data/eval/shops/<shop>/) are played through the knowledge engine, and every conversation that ends with
products in focus goes on with a price objection, a closing and a cross-sell question, so every kind of
product reply is measured. For each product reply the rendered answer (what the customer got before: the
model's lead-in passed in 0-2 % of replies) and the written one are checked by the same independent
checks: invented facts (the gate's `check_reply` against everything the catalogue says about the products
the reply names), unsupported praise (a word list wider than the gate's lexicon), answer first, the
customer's need, a next step, repeated openings, length and latency.
"""

from __future__ import annotations

import json
import random
import re
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bot.cli.conversation_eval import SHOPS_DIR
from config.settings import Settings
from config.wiring import build_engine
from knowledge import answers, sales
from knowledge.answers import Answer, CustomerContext
from knowledge.catalog import Product, load_catalog
from knowledge.claims import CLAIMS, on_side
from knowledge.engine import KnowledgeEngine
from knowledge.focus import Focus
from knowledge.gate import check_reply
from knowledge.prompts import SECRET_FRAGMENTS
from knowledge.references import FactSheet, UnknownReference
from knowledge.text import content_words, singular
from knowledge.writer import Reply, addressed

SAMPLED_CONVERSATIONS = 30
# Sales turns played after each conversation that left products in focus.
SALES_TURNS: tuple[tuple[str, Callable[[KnowledgeEngine, Product], Answer]], ...] = (
    ("hmm, that's too expensive", lambda engine, focus: sales.objection(engine, "price", focus, CustomerContext())),
    ("ok, I'll take it", lambda engine, focus: sales.closing(engine, focus, offer_accessory=True)[0]),
    ("anything that goes with it?", lambda engine, focus: sales.accessories(engine, focus)),
)
# Praise a reply may only give when the product's data backs it: wider than the gate's lexicon on purpose.
PRAISE = re.compile(
    r"\b(light(?:weight)?|compact|small|slim|spacious|roomy|large|big|wide|durable|sturdy|solid|comfortable|comfy|"
    r"cosy|cozy|stylish|elegant|beautiful|premium|luxurious|affordable|cheap|budget[- ]friendly|inexpensive|"
    r"powerful|fast|quiet|perfect|ideal|excellent|amazing|fantastic|outstanding|superb|best|top[- ]quality|"
    r"high[- ]quality|well[- ]made|long battery|versatile|reliable|robust|soft|warm|waterproof|breathable|"
    r"popular|bestselling|best[- ]selling|favourite|favorite)\b",
    re.I,
)
NEXT_STEP = re.compile(r"\?\s*$|\bemail\b|\blet me know\b|\bjust ask\b", re.I)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass
class Turn:
    question: str
    context: CustomerContext
    answer: Answer
    before: str = ""
    after: Reply | None = None


@dataclass
class Conversation:
    shop: str
    id: str
    turns: list[Turn] = field(default_factory=list)


def play_shop(engine: KnowledgeEngine, shop_dir: Path) -> list[Conversation]:
    """The shop's single questions and conversations through the engine, each followed by the sales turns."""
    conversations = []
    for line in (shop_dir / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        raw = json.loads(line)
        if raw["type"] not in ("lookup", "comparison", "recommendation"):
            continue
        context = CustomerContext(**raw.get("context", {}))
        turn = Turn(raw["question"], context, _decide(engine, raw["route"], raw["question"], context))
        conversations.append(_with_sales_turns(engine, Conversation(shop_dir.name, raw["id"], [turn])))
    for line in (shop_dir / "conversations.jsonl").read_text(encoding="utf-8").splitlines():
        raw = json.loads(line)
        conversation = Conversation(shop_dir.name, raw["id"])
        focus = Focus()
        for step in raw["turns"]:
            context = CustomerContext()
            answer = engine.understand(step["text"], context, focus) or engine.product_question(
                step["text"], context, focus=focus
            )
            conversation.turns.append(Turn(step["text"], context, answer))
            if answer.products:
                focus = Focus(list(answer.products), answer.products[0])
        conversations.append(_with_sales_turns(engine, conversation))
    return conversations


def _decide(engine: KnowledgeEngine, route: str, question: str, context: CustomerContext) -> Answer:
    """The engine's answer by the route a dialogue manager would take (data/eval/README.md)."""
    if route == "compare":
        return engine.compare(question, context)
    if route == "recommend":  # the needs the recommendation action gives its reasons for: the wish, a must-have
        must = engine.must_have_said(context, question)
        needs = [n for n in dict.fromkeys((context.feature, must)) if n]
        return sales.with_reasons(engine.recommend(context, question), context, needs)
    return engine.product_question(question, context)


def _with_sales_turns(engine: KnowledgeEngine, conversation: Conversation) -> Conversation:
    last = conversation.turns[-1].answer
    if last.kind in ("lookup", "compare", "recommend") and last.products and last.products[0].in_stock:
        for text, decide in SALES_TURNS:
            conversation.turns.append(Turn(text, CustomerContext(), decide(engine, last.products[0])))
    return conversation


def play_test_shop(
    engine: KnowledgeEngine, shop: str, limit: int | None, seed: int = 0
) -> tuple[list[Conversation], list[Turn]]:
    """The test shop's catalogue synced into the engine's collection and played (`play_shop`), with its product
    turns, `limit` of them sampled by `seed` (all when None)."""
    engine.store.sync(load_catalog(SHOPS_DIR / shop / "catalog"))
    engine.refresh()
    engine.warm()
    conversations = play_shop(engine, SHOPS_DIR / shop)
    turns = product_turns(conversations)
    if limit is not None:
        turns = random.Random(seed).sample(turns, min(limit, len(turns)))
    return conversations, turns


def product_turns(conversations: list[Conversation]) -> list[Turn]:
    return [t for c in conversations for t in c.turns if t.answer.task and t.answer.products]


def write_replies(engine: KnowledgeEngine, turns: list[Turn], time_limit: float) -> None:
    for turn in turns:
        turn.before = addressed(turn.answer.rendered, turn.context.name)
        turn.after = engine.phrase(turn.answer, turn.question, turn.context, time_limit)


# ---- independent checks ---------------------------------------------------------------------
def invented(engine: KnowledgeEngine, turn: Turn, reply: str) -> list[str]:
    """Facts in the reply that neither the decided answer nor what the catalogue says about the products the
    reply names supports (prices saved and "can't offer a discount" are the answer's own)."""
    catalogue = engine.products()
    named = [p for p in catalogue if p.name.lower() in reply.lower()]
    reference = [_everything_about(p) for p in named] + [c.text for c in engine.policy_chunks()]
    reference += [turn.answer.rendered, turn.question, json.dumps(turn.context.__dict__)]
    names = [p.name for p in catalogue]
    return check_reply(
        reply,
        "\n".join(reference),
        allowed_names=names,
        catalogue_names=names,
        catalogue_brands=[],
        secret_fragments=SECRET_FRAGMENTS,
    ).reasons


def _everything_about(product: Product) -> str:
    lines = [*answers.lookup([product], None).lines, answers.list_item(product), product.url]
    return "\n".join([*lines, f"{product.category} {product.brand}"])


def unsupported_praise(catalogue: list[Product], turn: Turn, reply: str) -> list[str]:
    """Praise words no data backs: not in the text of a product the reply names nor in the customer's words,
    and, for a word of the gate's lexicon, not on the claimed side of the category's median either."""
    named = [p for p in catalogue if p.name.lower() in reply.lower()] or turn.answer.products[:1]
    own = {singular(w) for p in named for w in content_words(p.document_text())}
    said = {singular(w) for w in content_words(f"{turn.question} {turn.context.use_case or ''}")}
    problems = []
    for match in PRAISE.finditer(_DATA_LABEL.sub(" ", _without_names(reply, catalogue))):
        words = {singular(w) for w in content_words(match.group(0))}
        if words <= own | said:
            continue
        claim = next((c for c in CLAIMS if re.fullmatch(c.pattern, match.group(0), re.I)), None)
        if claim and any(on_side(p, claim, catalogue) for p in named):
            continue
        problems.append(match.group(0).lower())
    return problems


# A yes/no spec shown as data ("waterproof: no | no", "(waterproof no, …)") praises nothing
_DATA_LABEL = re.compile(r"\b[\w-]+(?: [\w-]+)?:? (?:yes|no)\b(?: \| (?:yes|no)\b)*", re.I)


def _without_names(text: str, catalogue: list[Product]) -> str:
    for product in catalogue:
        text = re.sub(re.escape(product.name), " ", text, flags=re.I)
    return text


def answer_first(turn: Turn, reply: str) -> bool:
    """The first sentence holds what was asked (the answer's first key fact)."""
    if not turn.answer.key_facts:
        return True
    try:
        value = FactSheet(turn.answer.products, turn.context).value(turn.answer.key_facts[0])
    except UnknownReference:
        return False
    return value.lower() in _SENTENCE.split(reply.strip())[0].lower()


def need_referenced(turn: Turn, reply: str) -> bool | None:
    """None when the customer stated no need; else whether the reply speaks to one of them."""
    c = turn.context
    needs = [n for n in (c.use_case, c.feature, None if c.budget is None else answers.plain_number(c.budget)) if n]
    if not needs:
        return None
    lowered = reply.lower()
    return any(n.lower() in lowered or "budget" in lowered for n in needs)


def opening(reply: str) -> str:
    words = re.sub(r"^[\w'-]+, ", "", reply.strip()).split()[:3]  # "Ann, the …": the name is no opening
    return " ".join(w.lower().strip(",.!:;") for w in words)


def figures(engine: KnowledgeEngine, turns: list[Turn], after: bool) -> dict[str, Any]:
    catalogue = engine.products()
    replies = [(t, t.after.text if after and t.after else t.before) for t in turns]
    count = len(replies) or 1
    needs = [r for r in (need_referenced(t, text) for t, text in replies) if r is not None]
    openings = Counter(opening(text) for _, text in replies)
    top, top_count = openings.most_common(1)[0] if openings else ("", 0)
    result: dict[str, Any] = {
        "replies": len(replies),
        "written_by_model": sum(bool(after and t.after and t.after.generated) for t, _ in replies) / count,
        "invented_per_100": 100 * sum(bool(invented(engine, t, text)) for t, text in replies) / count,
        "unsupported_claims_per_100": 100 * sum(len(unsupported_praise(catalogue, t, x)) for t, x in replies) / count,
        "answer_first": sum(answer_first(t, text) for t, text in replies) / count,
        "need_referenced": sum(needs) / len(needs) if needs else None,
        "next_step": sum(bool(NEXT_STEP.search(_SENTENCE.split(text.strip())[-1])) for _, text in replies) / count,
        "top_opening": f"{top!r} {top_count / count:.0%}",
        "median_words": statistics.median(len(text.split()) for _, text in replies) if replies else None,
    }
    if after:
        seconds = sorted(t.after.seconds for t, _ in replies if t.after)
        result["latency_p50_s"] = statistics.median(seconds) if seconds else None
        result["latency_p95_s"] = seconds[max(0, round(0.95 * len(seconds)) - 1)] if seconds else None
    return result


TARGETS = {
    "written_by_model": "≥ 0.90",
    "invented_per_100": "= 0",
    "unsupported_claims_per_100": "≤ 2",
    "answer_first": "≥ 0.95",
    "need_referenced": "≥ 0.90",
    "next_step": "≥ 0.90",
    "top_opening": "≤ 10%",
    "median_words": "≤ 60",
    "latency_p50_s": "≤ 1.5",
}


def format_figures(before: dict[str, Any], after: dict[str, Any]) -> str:
    rows = [f"  {'':<28} {'rendered':>12} {'written':>12}  target"]
    for key in after:
        shown = []
        for value in (before.get(key, ""), after[key]):
            shown.append("n/a" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value))
        rows.append(f"  {key:<28} {shown[0]:>12} {shown[1]:>12}  {TARGETS.get(key, '')}")
    return "\n".join(rows)


def markdown(conversations: list[Conversation], seed: int = 0) -> str:
    """Sampled conversations, the rendered reply beside the written one, for people to read."""
    lines = ["# Product replies: rendered (before) and written by the model (after)", ""]
    by_shop: dict[str, list[Conversation]] = {}
    for conversation in conversations:
        by_shop.setdefault(conversation.shop, []).append(conversation)
    for shop, items in by_shop.items():
        played = [c for c in items if any(t.after for t in c.turns)]
        sample = random.Random(seed).sample(played, min(SAMPLED_CONVERSATIONS, len(played)))
        lines += [f"## {shop}", ""]
        for conversation in sample:
            lines += [f"### {conversation.id}", ""]
            for turn in conversation.turns:
                lines.append(f"**Customer:** {turn.question}")
                if turn.after is None:
                    lines += ["", f"> (not a product reply) {_quote(turn.answer.rendered)}", ""]
                    continue
                lines += ["", f"- before: {_quote(turn.before)}", f"- after: {_quote(turn.after.text)}"]
                if turn.after.rejected:
                    lines.append(f"  - model draft rejected ({'; '.join(turn.after.rejected)}): `{turn.after.draft}`")
                lines.append("")
    return "\n".join(lines)


def _quote(text: str) -> str:
    return " / ".join(line.strip() for line in text.splitlines() if line.strip())


def run(
    settings: Settings,
    shops: list[str],
    limit: int | None,
    out: Path,
    openings: bool = False,
    worked_examples: bool | None = None,
) -> str:
    """Play the shops, write both replies, print the figures; the sampled conversations go to `out`.
    `worked_examples` overrides the writer's choice (with them unless a fine-tuned adapter is used)."""
    report = []
    everything: list[Conversation] = []
    for shop in shops:
        shop_settings = replace(settings, shop=f"eval-replies-{shop}", var_dir=settings.var_dir / "eval")
        engine = build_engine(shop_settings)
        engine.writer.openings = openings
        if worked_examples is not None:
            engine.writer.worked_examples = worked_examples
        conversations, turns = play_test_shop(engine, shop, limit)
        write_replies(engine, turns, settings.llm_time_limit)
        everything += conversations
        report += [
            f"shop {shop} (LLM: {shop_settings.llm_backend}, adapter {shop_settings.llm_adapter_path or 'none'}, "
            f"worked examples {'on' if engine.writer.worked_examples else 'off'}, "
            f"openings {'on' if openings else 'off'}), "
            f"{len(turns)} product replies:",
            format_figures(figures(engine, turns, after=False), figures(engine, turns, after=True)),
        ]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(markdown(everything), encoding="utf-8")
    return "\n".join([*report, f"sampled conversations: {out}"])
