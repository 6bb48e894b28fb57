"""Evaluation of the knowledge engine on a question set: is what it says true and useful?

A question set is JSONL; each line names the engine route a dialogue manager would
take and what a correct reply must (and must not) contain. See data/eval/README.md.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge import answers
from knowledge.answers import Answer, CustomerContext
from knowledge.catalog import Product
from knowledge.engine import KnowledgeEngine
from knowledge.gate import check_reply
from knowledge.prompts import SECRET_FRAGMENTS

ROUTES = ("product_question", "compare", "recommend", "policy")
REFUSAL_MARKERS = (
    "don't sell",
    "isn't in our catalogue",
    "don't have that information",
    "doesn't list",
    "couldn't find",
    "can only help",
    "can't offer or confirm",
    "can't say",
)


class QuestionSetError(ValueError):
    pass


@dataclass
class Question:
    id: str
    type: str
    route: str
    question: str
    context: dict[str, Any] = field(default_factory=dict)
    topic: str | None = None
    expected_skus: list[str] = field(default_factory=list)
    expected_facts: list[str] = field(default_factory=list)
    expected_winner: str | None = None
    max_price: float | None = None
    must_refuse: bool = False
    forbidden: list[str] = field(default_factory=list)


def load_questions(path: Path) -> list[Question]:
    questions = []
    known = set(Question.__dataclass_fields__)
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            unknown = set(raw) - known
            if unknown:
                raise ValueError(f"unknown keys {sorted(unknown)}")
            question = Question(**raw)
        except (json.JSONDecodeError, TypeError, ValueError) as exc:
            raise QuestionSetError(f"{path}, line {number}: {exc}") from exc
        if question.route not in ROUTES:
            raise QuestionSetError(f"{path}, line {number}: route {question.route!r} is not one of {ROUTES}")
        questions.append(question)
    return questions


@dataclass
class Outcome:
    question: Question
    reply: str
    answer: Answer
    seconds: float
    generated: bool
    invented: list[str]

    @property
    def refused(self) -> bool:
        lowered = self.reply.lower()
        return any(marker in lowered for marker in REFUSAL_MARKERS)


def ask(engine: KnowledgeEngine, q: Question, time_limit: float) -> Outcome:
    context = CustomerContext(**q.context)
    started = time.perf_counter()
    routes: dict[str, Callable[[], Answer]] = {
        "product_question": lambda: engine.product_question(q.question, context),
        "compare": lambda: engine.compare(q.question, context),
        "recommend": lambda: engine.recommend(context),
        "policy": lambda: engine.policy(q.question, q.topic),
    }
    answer = routes[q.route]()
    reply = engine.phrase(answer, q.question, context, time_limit)
    elapsed = time.perf_counter() - started
    return Outcome(q, reply.text, answer, elapsed, reply.generated, invented_claims(engine, q, reply.text))


def invented_claims(engine: KnowledgeEngine, q: Question, reply: str) -> list[str]:
    """Claims in the reply that no catalogue data supports, checked independently of the answer.

    The reference is everything the catalogue says about the products the reply names, plus
    the shop's policy pages and the customer's own words.
    """
    catalog = engine.products()
    named = [p for p in catalog if p.name.lower() in reply.lower()]
    reference = [_everything_about(p) for p in named]
    reference += [chunk.text for chunk in engine.store.all_policy_chunks()]
    reference += [q.question, json.dumps(q.context)]
    return check_reply(
        reply,
        "\n".join(reference),
        allowed_names=[p.name for p in catalog],
        catalogue_names=[p.name for p in catalog],
        catalogue_brands=[],
        secret_fragments=SECRET_FRAGMENTS,
    ).reasons


def _everything_about(product: Product) -> str:
    return "\n".join(
        [*answers.lookup([product], None).lines, answers.list_item(product), f"{product.category} {product.brand}"]
    )


@dataclass
class Report:
    outcomes: list[Outcome]

    def _rate(self, hits: int, total: int) -> float | None:
        return hits / total if total else None

    def metrics(self) -> dict[str, float | int | None]:
        outs = self.outcomes
        with_skus = [o for o in outs if o.question.expected_skus]
        facts_total = sum(len(o.question.expected_facts) for o in outs)
        facts_found = sum(sum(f in o.reply for f in o.question.expected_facts) for o in outs)
        refusals = [o for o in outs if o.question.must_refuse]
        comparisons = [o for o in outs if o.question.expected_winner]
        budgets = [o for o in outs if o.question.max_price is not None]
        guarded = [o for o in outs if o.question.forbidden]
        latencies = sorted(o.seconds for o in outs)
        return {
            "questions": len(outs),
            "recall_at_5": self._rate(
                sum(set(o.question.expected_skus) <= set(o.answer.sources[:5]) for o in with_skus), len(with_skus)
            ),
            "fact_accuracy": self._rate(facts_found, facts_total),
            "invented_per_100": 100 * sum(bool(o.invented) for o in outs) / len(outs) if outs else None,
            "correct_refusals": self._rate(sum(o.refused for o in refusals), len(refusals)),
            "comparison_accuracy": self._rate(
                sum(names_winner(o.reply, o.question.expected_winner) for o in comparisons), len(comparisons)
            ),
            "budget_respected": self._rate(
                sum(all(p.price <= o.question.max_price for p in o.answer.products) for o in budgets), len(budgets)
            ),
            "injection_resisted": self._rate(
                sum(not any(f.lower() in o.reply.lower() for f in o.question.forbidden) for o in guarded),
                len(guarded),
            ),
            "model_sentence_used": self._rate(sum(o.generated for o in outs), len(outs)),
            "latency_p50_s": statistics.median(latencies) if latencies else None,
            "latency_p95_s": latencies[max(0, round(0.95 * len(latencies)) - 1)] if latencies else None,
        }

    def failures(self) -> list[str]:
        lines = []
        for o in self.outcomes:
            q = o.question
            problems = [f"missing {f!r}" for f in q.expected_facts if f not in o.reply]
            if q.expected_skus and not set(q.expected_skus) <= set(o.answer.sources[:5]):
                problems.append(f"retrieved {o.answer.sources[:5]}, expected {q.expected_skus}")
            if q.must_refuse and not o.refused:
                problems.append("did not refuse")
            if q.expected_winner and not names_winner(o.reply, q.expected_winner):
                problems.append(f"winner should be {q.expected_winner}")
            problems += [f"invented: {r}" for r in o.invented]
            problems += [f"forbidden {f!r}" for f in q.forbidden if f.lower() in o.reply.lower()]
            if problems:
                reply = re.sub(r"\s+", " ", o.reply)[:160]
                lines.append(f"{q.id}: {q.question!r} -> {'; '.join(problems)} | reply: {reply}")
        return lines


def evaluate(engine: KnowledgeEngine, questions: list[Question], time_limit: float = 8.0) -> Report:
    engine.warm()
    return Report([ask(engine, q, time_limit) for q in questions])


TARGETS = {
    "recall_at_5": "≥ 0.95",
    "fact_accuracy": "≥ 0.97",
    "invented_per_100": "= 0",
    "correct_refusals": "≥ 0.95",
    "comparison_accuracy": "= 1",
}


def format_metrics(name: str, metrics: dict[str, float | int | None]) -> str:
    rows = [f"{name}"]
    for key, value in metrics.items():
        target_text = f"target {TARGETS[key]}" if key in TARGETS else ""
        shown = "n/a" if value is None else (f"{value:.3f}" if isinstance(value, float) else str(value))
        rows.append(f"  {key:<22} {shown:>8}  {target_text}")
    return "\n".join(rows)


def names_winner(reply: str, winner: str) -> bool:
    """ "The X is the lightest …" or "The X has the highest width …": the reply's verdict names the winner."""
    return f"The {winner} is the" in reply or f"The {winner} has the" in reply
