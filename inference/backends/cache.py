"""Converted models cached beside the weights, each file pinned by its sha256.

Layout under ``<model_dir>/converted/`` for one (model name, weights sha256, input shape)::

    <name>-<sha8>-<C>x<T>x<H>x<W>.onnx         ONNX (ONNX Runtime reads it; OpenVINO's source)
    <name>-<sha8>-<C>x<T>x<H>x<W>.xml / .bin   OpenVINO IR, FP32 weights
    <name>-<sha8>-<C>x<T>x<H>x<W>.json         the sidecar: the key, every file's sha256, the
                                               inputs, labels, input spec, head sizes and the
                                               check against torch that admitted it

Every load re-hashes the files the backend reads and refuses any that differ from the sidecar
(:class:`ConvertedCacheError`): a tampered or half-written file is never run. Files are written
to temporary names and renamed, the sidecar last, so a crash leaves no sidecar that vouches for
missing files. Torch-free.
"""
from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inference.digest import sha256_file
from inference.errors import ModelError
from inference.types import InputSpec

#: Sub-directory of the model directory that holds converted models.
CONVERTED_DIR = "converted"
SIDECAR_FORMAT = "vigil.converted/1"
#: The files each backend reads (by suffix).
BACKEND_FILES = {"openvino": (".xml", ".bin"), "onnx": (".onnx",)}


class ConvertedCacheError(ModelError):
    """A cached converted model is missing a file or a file's sha256 differs from its sidecar."""

    code = "converted_cache"


@dataclass(frozen=True)
class ConvertedKey:
    """What a conversion is valid for: the model, its exact weights, one input shape
    ``(C, T, H, W)`` (the batch dimension stays dynamic)."""

    name: str
    weights_sha256: str
    shape: tuple[int, ...]

    @property
    def stem(self) -> str:
        """``<name>-<sha8>-<C>x<T>x<H>x<W>``: the cache files' common name."""
        return f"{self.name}-{self.weights_sha256[:8]}-{'x'.join(map(str, self.shape))}"


@dataclass(frozen=True)
class ConvertedModel:
    """A cached conversion, as its sidecar describes it."""

    key: ConvertedKey
    directory: Path
    inputs: tuple[str, ...]
    """Graph inputs in order: ``clips`` ``(B, C, T, H, W)``, and ``motion`` ``(B, 66)`` for a
    detector whose motion statistics are computed outside the graph (numpy)."""
    labels: tuple[str, ...]
    input_spec: InputSpec
    head_sizes: tuple[int, ...]
    files: dict[str, str]
    """Suffix -> sha256 of every converted file."""
    check: dict[str, Any]
    """How it was admitted: ``max_abs_diff``, ``tolerance``, ``top1_equal``, ``clips``."""

    def path(self, suffix: str) -> Path:
        return self.directory / f"{self.key.stem}{suffix}"

    def verified_paths(self, backend: str) -> tuple[Path, ...]:
        """The files ``backend`` reads, each re-hashed against the sidecar now."""
        paths = []
        for suffix in BACKEND_FILES[backend]:
            path = self.path(suffix)
            expected = self.files.get(suffix)
            if expected is None or not path.is_file():
                raise ConvertedCacheError(f"converted model {path} is missing")
            if sha256_file(path) != expected:
                raise ConvertedCacheError(f"converted model {path} does not match the sha256 "
                                          "its sidecar recorded: refused")
            paths.append(path)
        return tuple(paths)


def converted_dir(model_dir: str | os.PathLike[str] | None) -> Path:
    """``<model_dir>/converted``; ``None`` is ``$VIGIL_MODEL_DIR`` (else ~/.cache/vigil/models,
    the default of :func:`inference.models.weights.default_model_dir`)."""
    base = model_dir or os.environ.get("VIGIL_MODEL_DIR") or "~/.cache/vigil/models"
    return Path(base).expanduser() / CONVERTED_DIR


def write_sidecar(model: ConvertedModel) -> Path:
    """Record ``model`` (its files must be in place); written atomically, last."""
    document = {
        "format": SIDECAR_FORMAT,
        "key": {"name": model.key.name, "weights_sha256": model.key.weights_sha256,
                "shape": list(model.key.shape)},
        "inputs": list(model.inputs),
        "labels": list(model.labels),
        "input_spec": dataclasses.asdict(model.input_spec),
        "head_sizes": list(model.head_sizes),
        "files": model.files,
        "check": model.check,
    }
    path = model.path(".json")
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(document, indent=1), encoding="utf-8")
    os.replace(tmp, path)
    return path


def read_sidecar(path: Path) -> ConvertedModel:
    """The :class:`ConvertedModel` a sidecar describes (files not yet verified)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc.get("format") != SIDECAR_FORMAT:
            raise ValueError(f"format {doc.get('format')!r}")
        spec = doc["input_spec"]
        return ConvertedModel(
            key=ConvertedKey(name=doc["key"]["name"],
                             weights_sha256=doc["key"]["weights_sha256"],
                             shape=tuple(int(n) for n in doc["key"]["shape"])),
            directory=path.parent,
            inputs=tuple(doc["inputs"]),
            labels=tuple(doc["labels"]),
            input_spec=InputSpec(**{**spec, **{k: tuple(spec[k]) for k in
                                               ("mean", "std", "modalities")}}),
            head_sizes=tuple(int(n) for n in doc["head_sizes"]),
            files={str(k): str(v) for k, v in doc["files"].items()},
            check=dict(doc["check"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConvertedCacheError(f"unreadable converted-model sidecar {path}: {exc}") from exc


def lookup(model_dir: str | os.PathLike[str] | None, key: ConvertedKey) -> ConvertedModel | None:
    """The cached conversion for exactly ``key``, or None when there is none."""
    path = converted_dir(model_dir) / f"{key.stem}.json"
    if not path.is_file():
        return None
    model = read_sidecar(path)
    if model.key != key:
        raise ConvertedCacheError(f"sidecar {path} describes {model.key}, not {key}")
    return model


def find_by_name(model_dir: str | os.PathLike[str] | None, *, name: str,
                 ) -> list[ConvertedModel]:
    """Every cached conversion of model ``name`` (any weights, any shape), newest first: the
    torch-free path picks the one whose shape its frames have (it cannot hash torch weights)."""
    directory = converted_dir(model_dir)
    if not directory.is_dir():
        return []
    found = []
    for path in sorted(directory.glob(f"{name}-*.json"), key=lambda p: p.stat().st_mtime,
                       reverse=True):
        model = read_sidecar(path)
        if model.key.name == name:
            found.append(model)
    return found
