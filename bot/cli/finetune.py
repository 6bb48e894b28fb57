"""`salesbot finetune`: the reply writer's training data, and a LoRA adapter trained on it.

The data are made by the packaged model itself and kept only where every check agrees (rejection sampling):
the training shops' questions and conversations are played as `salesbot eval replies` plays them; the model
writes each product reply with its worked example (greedy, then up to two samples when that draft fails or its
opening is already common); a draft is kept only when the fact gate passed it and the evaluation's independent
checks find no invented fact and no unsupported praise. The example learnt is the prompt *without* a worked
example and the kept draft (references unfilled), so the adapted model writes such replies from the notes alone.

Training shops are every test shop except the reply evaluation's shops and the final check's: no shop a figure
is reported on is seen in training.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bot.cli import conversation_eval
from bot.cli.reply_eval import Turn, invented, opening, play_test_shop, unsupported_praise
from config.settings import PROJECT_ROOT, Settings
from config.wiring import build_engine
from knowledge.engine import KnowledgeEngine
from knowledge.finetuning import TrainingSettings, read_examples, train_adapter
from knowledge.generation import Message
from knowledge.packaged_models import prepare_model
from knowledge.writer import Reply, ReplyWriter

REPLY_EVAL_SHOPS = ("furniture", "running", "music", "garden")  # the shops reply figures are reported on
DATA_FILE = PROJECT_ROOT / "data" / "finetune" / "replies.jsonl"
ADAPTER_DIR = PROJECT_ROOT / "knowledge" / "adapters" / "replies"
TEMPERATURE = 0.8  # for the second and third drafts
MAX_OPENING_SHARE = 0.08  # a draft whose opening is already this common is drawn again (target: ≤ 10 %)


def training_shops() -> list[str]:
    held_out = set(REPLY_EVAL_SHOPS) | set(conversation_eval.FINAL_CHECK_SHOPS)
    return [shop for shop in conversation_eval.shop_names() if shop not in held_out]


@dataclass
class Drafting:
    """Counts of one data-building run, printed after each shop."""

    turns: int = 0
    kept: int = 0
    kept_greedy: int = 0
    rejected_by_gate: int = 0
    rejected_by_checks: int = 0
    common_opening: int = 0

    def summary(self) -> str:
        return ", ".join(f"{key} {value}" for key, value in self.__dict__.items())


class _Sampling:
    """The generator, sampling at a temperature instead of decoding greedily."""

    def __init__(self, generator: Any, temperature: float) -> None:
        self.generator = generator
        self.temperature = temperature
        self.name = generator.name
        self.continues_replies = generator.continues_replies

    def load(self) -> None:
        self.generator.load()

    def generate(self, messages: list[Message], *, max_new_tokens: int, time_limit: float) -> str:
        return self.generator.generate(
            messages, max_new_tokens=max_new_tokens, time_limit=time_limit, temperature=self.temperature
        )


def passes_checks(engine: KnowledgeEngine, turn: Turn, reply: Reply) -> bool:
    """The gate kept the model's reply and the evaluation's independent checks find nothing wrong with it."""
    return (
        reply.generated
        and not invented(engine, turn, reply.text)
        and not unsupported_praise(engine.products(), turn, reply.text)
    )


def draft_for(
    engine: KnowledgeEngine, turn: Turn, openings: Counter[str], kept: int, time_limit: float, counts: Drafting
) -> str | None:
    """The draft to learn for this turn: the greedy one when it passes and its opening is not common yet,
    else the first passing sample whose opening is not common; None when no draft qualifies."""
    greedy = engine.writer.generator
    for attempt in range(3):
        if attempt:
            engine.writer.generator = _Sampling(greedy, TEMPERATURE)
        try:
            reply = engine.phrase(turn.answer, turn.question, turn.context, time_limit)
        finally:
            engine.writer.generator = greedy
        if not reply.generated:
            counts.rejected_by_gate += 1
            continue
        if not passes_checks(engine, turn, reply):
            counts.rejected_by_checks += 1
            continue
        if kept >= 20 and openings[opening(reply.text)] >= MAX_OPENING_SHARE * kept:
            counts.common_opening += 1
            continue
        counts.kept_greedy += attempt == 0
        openings[opening(reply.text)] += 1
        return reply.draft
    return None


def build_data(settings: Settings, shops: list[str], per_shop: int, out: Path, seed: int = 0) -> Drafting:
    """Play the shops, draft and check replies, and write the kept examples to `out` (JSON lines)."""
    import torch

    torch.manual_seed(seed)
    settings = replace(settings, llm_backend="transformers", llm_adapter="none", var_dir=settings.var_dir / "finetune")
    student = ReplyWriter(None, worked_examples=False)
    counts, openings, examples = Drafting(), Counter[str](), []
    writer: ReplyWriter | None = None
    for shop in shops:
        engine = build_engine(replace(settings, shop=f"finetune-{shop}"))
        if writer is None:
            writer = engine.writer
        engine.writer = writer  # one model for every shop
        _, turns = play_test_shop(engine, shop, per_shop, seed)
        for turn in turns:
            counts.turns += 1
            draft = draft_for(engine, turn, openings, len(examples), settings.llm_time_limit, counts)
            if draft is None:
                continue
            messages = student.messages(turn.answer, turn.question, turn.context)
            examples.append({"shop": shop, "messages": [*messages, {"role": "assistant", "content": draft}]})
            counts.kept = len(examples)
        print(f"{shop}: {counts.summary()}", flush=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in examples), encoding="utf-8")
    return counts


def train(settings: Settings, data: Path, out: Path, training: TrainingSettings) -> dict[str, Any]:
    model_dir = prepare_model(settings.llm_model, settings.model_cache)

    def progress(step: int, steps: int, loss: float) -> None:
        if step % 10 == 0 or step == steps:
            print(f"step {step}/{steps}: loss {loss:.3f}", flush=True)

    examples = read_examples(data)
    print(f"training on {len(examples)} examples from {data}", flush=True)
    return train_adapter(model_dir, examples, out, training, base_model=settings.llm_model, on_step=progress)
