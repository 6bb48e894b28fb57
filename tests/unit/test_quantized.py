"""The int8 cache against a real packaged model (SmolLM2-135M, the smallest one)."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import Settings
from knowledge import quantized
from knowledge.packaged_models import ModelPackageMissing, prepare_model

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")


@pytest.fixture(scope="module")
def converted() -> Path:
    try:
        return prepare_model("smollm2-135m", Settings().model_cache)
    except ModelPackageMissing as exc:
        pytest.skip(str(exc))


def _linked_copy(source: Path, folder: Path, skip: str = "") -> Path:
    folder.mkdir()
    for item in source.iterdir():
        if item.name != skip:
            (folder / item.name).symlink_to(item)
    return folder


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory, converted: Path) -> Path:
    """The converted model's files linked into a folder of the tests' own, cached there once (child process)."""
    folder = _linked_copy(converted, tmp_path_factory.mktemp("model") / "hf", skip=quantized.CACHE_NAME)
    assert quantized.load(folder) is None  # nothing cached yet
    quantized.prepare(folder)
    return folder


def test_the_cached_int8_model_computes_exactly_what_the_freshly_quantised_one_does(model_dir: Path):
    cached = quantized.load(model_dir)
    assert cached is not None
    fresh = quantized.quantize(transformers.AutoModelForCausalLM.from_pretrained(model_dir).eval())
    tokenizer = transformers.AutoTokenizer.from_pretrained(model_dir)
    inputs = tokenizer("The Lumen Air 13 weighs 1.18 kg and costs 999 EUR, so", return_tensors="pt")
    with torch.inference_mode():
        assert torch.equal(cached(**inputs).logits, fresh(**inputs).logits)
        settings = {"max_new_tokens": 12, "do_sample": False, "pad_token_id": tokenizer.eos_token_id}
        assert torch.equal(cached.generate(**inputs, **settings), fresh.generate(**inputs, **settings))
    assert cached.generation_config.eos_token_id == fresh.generation_config.eos_token_id
    assert not any(t.is_meta for t in cached.state_dict().values() if isinstance(t, torch.Tensor))


def test_a_cache_made_from_another_conversion_is_not_used(model_dir: Path, tmp_path: Path):
    rebuilt = _linked_copy(model_dir, tmp_path / "hf")
    assert quantized.load(rebuilt) is not None
    (rebuilt / "model-00002-of-00002.safetensors").write_bytes(b"")  # the float model was converted again
    assert quantized.load(rebuilt) is None


def test_a_failed_preparation_says_what_failed(tmp_path: Path):
    with pytest.raises(quantized.QuantizedCacheError, match=r"quantising .* failed"):
        quantized.prepare(tmp_path)  # no model there
