"""A LoRA adapter for the reply writer: trained with `peft` on the CPU, merged into the packaged model for use.

Training examples are chat messages whose last message is the reply to learn (`Example`); the loss covers
only that reply. The adapter is small (about 4 MB at rank 8 on the attention projections) and ships in the
repository with `adapter.json`, which names the base model it was trained on, so a shop needs no training.
For use, the adapter is merged into a copy of the converted model once (`merged_model`), which the
transformers backend then loads and quantises like the plain model.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

Message = dict[str, str]
ADAPTER_INFO = "adapter.json"
_MODEL_FILES = (
    "config.json",
    "generation_config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "chat_template.jinja",
    "special_tokens_map.json",
    "vocab.json",
    "merges.txt",
)


class AdapterError(ValueError):
    pass


@dataclass(frozen=True)
class TrainingSettings:
    """Everything that decides the adapter besides the data; written into `adapter.json`."""

    seed: int = 0
    epochs: int = 2
    rank: int = 8
    alpha: int = 16
    learning_rate: float = 2e-4
    batch: int = 8  # examples per optimiser step (gradients accumulated one example at a time)
    max_tokens: int = 512  # longer examples are left out, not cut
    threads: int = 2
    target_modules: tuple[str, ...] = ("q_proj", "k_proj", "v_proj", "o_proj")


@dataclass(frozen=True)
class Example:
    messages: list[Message]  # system, user, …, and last the assistant reply to learn

    def __post_init__(self) -> None:
        if len(self.messages) < 2 or self.messages[-1].get("role") != "assistant":
            raise AdapterError("a training example ends with the assistant's reply")


def read_examples(path: Path) -> list[Example]:
    """One JSON object with a "messages" list per line; a bad line is named with its number."""
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            examples.append(Example(json.loads(line)["messages"]))
        except (json.JSONDecodeError, KeyError, TypeError, AdapterError) as exc:
            raise AdapterError(f"{path}:{number}: not a training example ({exc})") from exc
    if not examples:
        raise AdapterError(f"{path}: no training examples")
    return examples


def _tokenised(tokenizer: Any, example: Example) -> tuple[list[int], int]:
    """The example's token ids and how many of them are the prompt (not learnt)."""
    prompt = tokenizer.apply_chat_template(example.messages[:-1], tokenize=False, add_generation_prompt=True)
    whole = tokenizer.apply_chat_template(example.messages, tokenize=False)
    if not whole.startswith(prompt):
        raise AdapterError("the chat template does not put the reply after the prompt")
    prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    reply_ids = tokenizer(whole[len(prompt) :].rstrip(), add_special_tokens=False)["input_ids"]
    return prompt_ids + reply_ids, len(prompt_ids)


def train_adapter(
    model_dir: Path,
    examples: list[Example],
    out_dir: Path,
    settings: TrainingSettings,
    base_model: str,
    on_step: Callable[[int, int, float], None] | None = None,
) -> dict[str, Any]:
    """Train a LoRA adapter on `examples` and write it to `out_dir` (replaced only when training succeeds).

    Deterministic for the same data, settings and machine: seeded shuffling, no dropout, one thread count.
    Returns what `adapter.json` records (base model, data fingerprint, settings, loss, time); `on_step` hears
    each optimiser step's number, the number of steps and the batch's mean loss.
    """
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    started = time.perf_counter()
    random.seed(settings.seed)
    torch.manual_seed(settings.seed)
    torch.set_num_threads(settings.threads)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    encoded = [_tokenised(tokenizer, e) for e in examples]
    kept = [(ids, prompt) for ids, prompt in encoded if len(ids) <= settings.max_tokens]
    if not kept:
        raise AdapterError(f"every example is longer than {settings.max_tokens} tokens")
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    lora = LoraConfig(
        r=settings.rank,
        lora_alpha=settings.alpha,
        lora_dropout=0.0,
        target_modules=list(settings.target_modules),
        task_type="CAUSAL_LM",
    )
    model = get_peft_model(model, lora)
    model.train()
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(trainable, lr=settings.learning_rate)
    steps = settings.epochs * -(-len(kept) // settings.batch)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda step: max(0.0, 1 - step / steps))
    losses: list[float] = []
    order = list(range(len(kept)))
    for epoch in range(settings.epochs):
        random.Random(settings.seed + epoch).shuffle(order)
        for start in range(0, len(order), settings.batch):
            batch = [kept[i] for i in order[start : start + settings.batch]]
            for ids, prompt_length in batch:
                input_ids = torch.tensor([ids])
                labels = input_ids.clone()
                labels[0, :prompt_length] = -100
                loss = model(input_ids=input_ids, labels=labels).loss / len(batch)
                loss.backward()
                losses.append(float(loss.detach()) * len(batch))
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            if on_step is not None:
                on_step(len(losses) // settings.batch, steps, sum(losses[-len(batch) :]) / len(batch))
    info = {
        "base_model": base_model,
        "examples": len(kept),
        "left_out_too_long": len(encoded) - len(kept),
        "data_sha256": _fingerprint(examples),
        "settings": asdict(settings),
        "first_loss": round(sum(losses[: settings.batch]) / min(len(losses), settings.batch), 4),
        "last_loss": round(sum(losses[-settings.batch :]) / min(len(losses), settings.batch), 4),
        "seconds": round(time.perf_counter() - started),
    }
    staging = out_dir.with_name(f".{out_dir.name}.{os.getpid()}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    model.peft_config["default"].base_model_name_or_path = base_model  # not this machine's path
    model.save_pretrained(staging)
    (staging / "README.md").unlink(missing_ok=True)  # peft's blank model card; adapter.json says what it is
    (staging / ADAPTER_INFO).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(out_dir, ignore_errors=True)
    staging.rename(out_dir)
    return info


def _fingerprint(examples: list[Example]) -> str:
    digest = hashlib.sha256()
    for example in examples:
        digest.update(json.dumps(example.messages, sort_keys=True).encode())
    return digest.hexdigest()


def adapter_info(adapter_dir: Path, base_model: str) -> dict[str, Any]:
    """What `adapter.json` says, after checking the adapter is there and was trained on `base_model`."""
    info_path = adapter_dir / ADAPTER_INFO
    if not info_path.is_file() or not (adapter_dir / "adapter_model.safetensors").is_file():
        raise AdapterError(
            f"SALESBOT_LLM_ADAPTER={adapter_dir}: no adapter there (adapter.json and "
            "adapter_model.safetensors, written by `salesbot finetune`)"
        )
    info = json.loads(info_path.read_text(encoding="utf-8"))
    if info.get("base_model") != base_model:
        raise AdapterError(
            f"SALESBOT_LLM_ADAPTER={adapter_dir} was trained on {info.get('base_model')!r}, not on "
            f"SALESBOT_LLM_MODEL={base_model!r}: set one to match the other, or SALESBOT_LLM_ADAPTER=none"
        )
    return info


def merged_model(model_dir: Path, adapter_dir: Path, base_model: str) -> Path:
    """A copy of the converted model with the adapter merged into its weights, made once per adapter
    (beside `model_dir`, named by the adapter's fingerprint), so loading and int8 caching work unchanged."""
    adapter_info(adapter_dir, base_model)
    digest = hashlib.sha256((adapter_dir / "adapter_model.safetensors").read_bytes()).hexdigest()[:16]
    target = model_dir.parent / f"{model_dir.name}-lora-{digest}"
    if (target / "model.safetensors").is_file():
        return target
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    started = time.perf_counter()
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    merged = PeftModel.from_pretrained(model, adapter_dir).merge_and_unload()
    staging = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    merged.save_pretrained(staging)
    for name in _MODEL_FILES:
        if (model_dir / name).is_file() and not (staging / name).is_file():
            shutil.copy2(model_dir / name, staging / name)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    log.info("merged the adapter %s into %s in %.1fs", adapter_dir, target, time.perf_counter() - started)
    return target
