"""The int8 language model, cached on disk beside the converted model.

transformers memory-maps the float32 weights; quantising touches every page of the
mapping, and those pages stay resident (about 3 GB of RSS for the 0.5B model, of which
1.2 GB is the model actually used). So the first start quantises once and writes the int8
weights, with every other tensor, to `int8.safetensors`; later starts build the model's
skeleton without memory (meta device), put quantised layers in place and read the
tensors into ordinary memory. The result is the same model, bit for bit, in less memory.
(`_weight_bias` and `_make_per_tensor_quantized_tensor` are torch's own, if private, ways
to take a dynamic-int8 layer apart and put it back together.)
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

CACHE_NAME = "int8.safetensors"
FORMAT = "salesbot-int8-1"
_ROOT = Path(__file__).resolve().parent.parent  # so the child process imports this same package
_WEIGHT, _SCALE, _ZERO, _BIAS = "int8_weight", "int8_scale", "int8_zero_point", "int8_bias"


class QuantizedCacheError(RuntimeError):
    pass


def quantize(model: Any) -> Any:
    """Dynamic int8 matmuls for every Linear layer, in place (no second float copy)."""
    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao.quantization's notice that it moves to torchao
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)


def _source_fingerprint(model_dir: Path) -> str:
    """Changes when the converted float model is rebuilt, so a stale cache is never used."""
    weights = sorted(model_dir.glob("*.safetensors"))
    parts = [f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in weights if p.name != CACHE_NAME]
    return ";".join(parts)


def _linear_class() -> Any:
    from torch.ao.nn.quantized.dynamic import Linear

    return Linear


def save(model: Any, model_dir: Path) -> Path:
    """Write a model quantised by `quantize` to `model_dir/int8.safetensors` (atomically)."""
    import torch
    from safetensors.torch import save_file

    linear = _linear_class()
    tensors: dict[str, Any] = {}
    layers = [name for name, module in model.named_modules() if isinstance(module, linear)]
    for name in layers:
        weight, bias = model.get_submodule(name)._weight_bias()
        if weight.qscheme() != torch.per_tensor_affine:
            raise QuantizedCacheError(f"{name}: only per-tensor int8 weights are cached, not {weight.qscheme()}")
        tensors[f"{name}.{_WEIGHT}"] = weight.int_repr().contiguous()
        tensors[f"{name}.{_SCALE}"] = torch.tensor([weight.q_scale()], dtype=torch.float64)
        tensors[f"{name}.{_ZERO}"] = torch.tensor([weight.q_zero_point()], dtype=torch.int64)
        if bias is not None:
            tensors[f"{name}.{_BIAS}"] = bias.detach().contiguous()
    # Parameters and buffers, non-persistent ones too (rotary frequencies): the skeleton has none.
    for name, tensor in [*model.named_parameters(), *model.named_buffers()]:
        tensors[name] = tensor.detach().contiguous()
    path = model_dir / CACHE_NAME
    tmp = path.with_name(f".{CACHE_NAME}.{os.getpid()}.tmp")
    metadata = {"format": FORMAT, "source": _source_fingerprint(model_dir), "layers": json.dumps(layers)}
    try:
        save_file(tensors, str(tmp), metadata=metadata)
        tmp.chmod(0o644)  # shared like the converted model beside it
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def prepare(model_dir: Path) -> None:
    """Quantise and cache the model in a child process, so this process never holds the float weights."""
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run(
        [sys.executable, "-m", "knowledge.quantized", str(model_dir)], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise QuantizedCacheError(f"quantising {model_dir} failed: {done.stderr.strip()[-2000:]}")
    log.info("quantised %s to int8 in %.1fs", model_dir, time.perf_counter() - started)


def _quantize_and_save(model_dir: Path) -> None:
    import torch
    from transformers import AutoModelForCausalLM

    save(quantize(AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32).eval()), model_dir)


def load(model_dir: Path) -> Any | None:
    """The cached int8 model, or None when there is no cache for this converted model."""
    import torch
    from safetensors import safe_open
    from transformers import AutoConfig, AutoModelForCausalLM, GenerationConfig

    path = model_dir / CACHE_NAME
    if not path.exists():
        return None
    # Tensor by tensor into ordinary memory (pread): neither a resident mapping nor a second copy.
    with safe_open(str(path), framework="pt", backend="pread") as handle:
        metadata = handle.metadata() or {}
        if metadata.get("format") != FORMAT or metadata.get("source") != _source_fingerprint(model_dir):
            log.info("the int8 cache %s is outdated; quantising again", path)
            return None
        config = AutoConfig.from_pretrained(model_dir)
        with torch.device("meta"):
            model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
        names = set(handle.keys())

        def take(name: str) -> Any:
            names.remove(name)
            return handle.get_tensor(name)

        linear = _linear_class()
        for name in json.loads(metadata["layers"]):
            skeleton = model.get_submodule(name)
            bias = take(f"{name}.{_BIAS}") if f"{name}.{_BIAS}" in names else None
            layer = linear(skeleton.in_features, skeleton.out_features, bias_=bias is not None, dtype=torch.qint8)
            weight = torch._make_per_tensor_quantized_tensor(
                take(f"{name}.{_WEIGHT}"), float(take(f"{name}.{_SCALE}").item()), int(take(f"{name}.{_ZERO}").item())
            )
            layer.set_weight_bias(weight, bias)
            parent, _, attribute = name.rpartition(".")
            setattr(model.get_submodule(parent), attribute, layer)
        for name in sorted(names):
            owner, _, attribute = name.rpartition(".")
            module = model.get_submodule(owner)
            if attribute in module._parameters:
                module._parameters[attribute] = torch.nn.Parameter(handle.get_tensor(name), requires_grad=False)
            elif attribute in module._buffers:
                module._buffers[attribute] = handle.get_tensor(name)
            else:
                raise QuantizedCacheError(f"{path}: {name} is not part of the {config.model_type} model")
    missing = [n for n, t in [*model.named_parameters(), *model.named_buffers()] if t.is_meta]
    if missing:
        raise QuantizedCacheError(f"{path} lacks {', '.join(missing[:5])}; delete it to quantise again")
    if (model_dir / "generation_config.json").exists():
        model.generation_config = GenerationConfig.from_pretrained(model_dir)  # end-of-turn tokens
    return model.eval()


if __name__ == "__main__":
    _quantize_and_save(Path(sys.argv[1]))
