"""The LoRA adapter: training data checks, a real (tiny) training run on the small packaged model, merging."""

import json
import re
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.cli import finetune
from bot.cli.conversation_eval import FINAL_CHECK_SHOPS
from bot.cli.reply_eval import Turn
from config.settings import PROJECT_ROOT, Settings
from knowledge.answers import CustomerContext, lookup
from knowledge.finetuning import (
    AdapterError,
    Example,
    TrainingSettings,
    adapter_info,
    merged_model,
    read_examples,
    train_adapter,
)
from knowledge.text import SpecQuery
from knowledge.writer import Reply

SYSTEM = {"role": "system", "content": "You write a shop assistant's chat reply from the NOTES."}


def example(notes: str, reply: str) -> Example:
    return Example([SYSTEM, {"role": "user", "content": f"NOTES:\n{notes}"}, {"role": "assistant", "content": reply}])


def test_a_bad_line_of_training_data_is_named_by_its_number(tmp_path: Path):
    data = tmp_path / "replies.jsonl"
    good = json.dumps({"messages": example("[1] {1.name}", "The {1.name}.").messages})
    data.write_text(f"{good}\n{json.dumps({'messages': [SYSTEM]})}\n", encoding="utf-8")
    with pytest.raises(AdapterError, match=r"replies.jsonl:2: .*ends with the assistant's reply"):
        read_examples(data)
    data.write_text(f"{good}\n{{oops\n", encoding="utf-8")
    with pytest.raises(AdapterError, match=r"replies\.jsonl:2"):
        read_examples(data)


def test_no_shop_a_reply_figure_is_reported_on_is_a_training_shop():
    shops = finetune.training_shops()
    assert len(shops) >= 10
    assert not set(shops) & (set(finetune.REPLY_EVAL_SHOPS) | set(FINAL_CHECK_SHOPS))


def test_the_shipped_training_data_holds_only_training_shops_and_unfilled_references():
    lines = finetune.DATA_FILE.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(read_examples(finetune.DATA_FILE)) == len(records) >= 200
    assert {r["shop"] for r in records} <= set(finetune.training_shops())
    replies = [r["messages"][-1]["content"] for r in records]
    assert all("{1.name}" in r or "{1.price}" in r for r in replies)
    assert not any(re.search(r"\d", re.sub(r"\{[^}]*\}", "", r)) for r in replies)  # no number typed
    assert all(len(r["messages"]) == 3 for r in records)  # instructions and notes, no worked example


class FakeWriter:
    def __init__(self) -> None:
        self.generator = SimpleNamespace(name="greedy", continues_replies=False)


class FakeEngine:
    """Replies in the order given: what the greedy draft and the samples would be."""

    def __init__(self, replies: list[Reply]) -> None:
        self.replies = replies
        self.writer = FakeWriter()
        self.samplers: list[bool] = []

    def phrase(self, *args: object) -> Reply:
        self.samplers.append(isinstance(self.writer.generator, finetune._Sampling))
        return self.replies.pop(0)


def written(text: str) -> Reply:
    return Reply(text.replace("{1.name}", "Lumen Air 13"), generated=True, draft=text)


def test_a_passing_greedy_draft_is_kept_and_a_failed_or_common_one_is_drawn_again(monkeypatch, products):
    monkeypatch.setattr(finetune, "passes_checks", lambda engine, turn, reply: reply.generated)
    turn = Turn("is it in stock?", CustomerContext(), lookup([products[0]], SpecQuery("stock")))
    counts = finetune.Drafting()
    engine = FakeEngine([written("The {1.name} is in stock.")])
    assert finetune.draft_for(engine, turn, Counter(), 0, 5, counts) == "The {1.name} is in stock."
    assert engine.samplers == [False] and counts.kept_greedy == 1

    rejected = Reply("rendered", rejected=["typed numbers itself"])
    engine = FakeEngine([rejected, written("Yes, the {1.name} is in stock.")])
    assert finetune.draft_for(engine, turn, Counter(), 0, 5, counts) == "Yes, the {1.name} is in stock."
    assert engine.samplers == [False, True] and counts.rejected_by_gate == 1

    common = Counter({"the lumen air": 10})  # already in 10 of 40 kept drafts
    engine = FakeEngine([written("The {1.name} is in stock."), rejected, rejected])
    assert finetune.draft_for(engine, turn, common, 40, 5, counts) is None
    assert engine.samplers == [False, True, True] and counts.common_opening == 1


@pytest.fixture(scope="module")
def small_model() -> Path:
    from knowledge.packaged_models import ModelPackageMissing, prepare_model

    pytest.importorskip("peft")
    try:
        return prepare_model("smollm2-135m", Settings().model_cache)
    except ModelPackageMissing as exc:
        pytest.skip(str(exc))


def test_a_trained_adapter_changes_the_model_and_is_merged_once(small_model: Path, tmp_path: Path):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    examples = [example(f"[1] {{1.name}} {{1.price}} #{i}", "The {1.name} costs {1.price}.") for i in range(4)]
    out = tmp_path / "adapter"
    settings = TrainingSettings(batch=2, learning_rate=1e-2, threads=2)
    info = train_adapter(small_model, examples, out, settings, base_model="smollm2-135m")
    assert info["examples"] == 4 and info["base_model"] == "smollm2-135m"
    assert info["last_loss"] < info["first_loss"]  # it learnt the reply
    assert adapter_info(out, "smollm2-135m")["data_sha256"] == info["data_sha256"]
    with pytest.raises(AdapterError, match="trained on 'smollm2-135m', not on SALESBOT_LLM_MODEL='other'"):
        adapter_info(out, "other")

    models = tmp_path / "models"
    models.mkdir()
    base = models / "hf"
    base.symlink_to(small_model, target_is_directory=True)
    merged = merged_model(base, out, "smollm2-135m")
    assert merged_model(base, out, "smollm2-135m") == merged  # made once
    tokenizer = AutoTokenizer.from_pretrained(merged)
    ids = tokenizer("The Lumen Air 13 costs", return_tensors="pt")["input_ids"]
    with torch.inference_mode():
        before = AutoModelForCausalLM.from_pretrained(small_model)(ids).logits
        after = AutoModelForCausalLM.from_pretrained(merged)(ids).logits
    assert not torch.allclose(before, after, atol=1e-4)


def test_a_missing_adapter_is_named():
    with pytest.raises(AdapterError, match="no adapter there"):
        adapter_info(PROJECT_ROOT / "no-such-adapter", "qwen2.5-coder-0.5b")


def test_the_adapter_setting_is_a_folder_or_none_and_only_for_the_transformers_backend():
    assert Settings().llm_adapter_path is None or Settings().llm_adapter_path.is_dir()
    assert Settings(llm_adapter="none").llm_adapter_path is None
    assert (
        Settings(llm_adapter="knowledge/adapters/replies").llm_adapter_path
        == PROJECT_ROOT / "knowledge/adapters/replies"
    )
    assert Settings(llm_adapter="knowledge/adapters/replies", llm_backend="llamacpp").llm_adapter_path is None


def test_an_adapter_setting_naming_no_adapter_is_refused_at_start(tmp_path: Path):
    from config.settings import SettingsError, load_settings

    with pytest.raises(SettingsError, match="SALESBOT_LLM_ADAPTER='nowhere': no adapter at"):
        load_settings({"SALESBOT_LLM_ADAPTER": "nowhere"})
    assert load_settings({"SALESBOT_LLM_ADAPTER": "nowhere", "SALESBOT_LLM_BACKEND": "none"}).llm_adapter_path is None
