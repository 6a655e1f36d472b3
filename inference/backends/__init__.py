"""Inference backends: who runs a model's forward pass on a worker.

``torch``    PyTorch eager (:class:`inference.classify.Classifier`); CUDA workers always use
             it (with AMP), and it is every other backend's reference and fallback.
``openvino`` OpenVINO on the CPU, FP32 pinned (``INFERENCE_PRECISION_HINT`` f32: its default
             precision on a bf16-capable Xeon moved I3D logits by 0.2), threads = cores;
             ``$VIGIL_OPENVINO_PRECISION=bf16`` asks for bf16, admitted per analysis only
             where its probabilities stay within ``BF16_MAX_PROB_DIFF`` of torch's on the
             video's first batch (:mod:`.select`).
``onnx``     ONNX Runtime's CPU provider: the portable fallback.

A worker picks one with ``$VIGIL_INFERENCE_BACKEND`` (``auto|torch|openvino|onnx``; the CLI's
``--backend`` overrides it): ``auto`` is ``openvino`` when it is importable and the device is
the CPU, else ``torch``. Models are converted once per (model name, weights sha256, input
shape), cached beside the weights (:mod:`inference.backends.cache`), and checked against torch
on real frames when converted (:mod:`inference.backends.convert`); a model that fails the
check is refused and the worker runs it in torch (logged).

This package's runtime half (:mod:`.cache`, :mod:`.preprocess`, :mod:`.runtimes`,
:mod:`.scorer`) imports no torch: with a cached conversion, scoring needs only numpy,
OpenVINO (or ONNX Runtime) and PyAV. Only :mod:`.convert` and :mod:`.select` import torch.
"""
from __future__ import annotations

import importlib.util
import os

from inference.errors import ModelError

#: The backends a worker may run (``auto`` picks one of them).
BACKENDS = ("torch", "openvino", "onnx")
#: Per-worker choice: ``auto`` (default), ``torch``, ``openvino`` or ``onnx``.
BACKEND_ENV = "VIGIL_INFERENCE_BACKEND"
#: OpenVINO's inference precision: ``f32`` (default, exact to 1e-6) or ``bf16`` (checked).
PRECISIONS = ("f32", "bf16")
PRECISION_ENV = "VIGIL_OPENVINO_PRECISION"

__all__ = ["BACKENDS", "BACKEND_ENV", "PRECISIONS", "PRECISION_ENV", "resolve_backend",
           "resolve_precision", "runtime_available"]


def runtime_available(backend: str) -> bool:
    """Whether ``backend``'s runtime package is installed (found without importing it)."""
    module = {"torch": "torch", "openvino": "openvino", "onnx": "onnxruntime"}[backend]
    return importlib.util.find_spec(module) is not None


def resolve_backend(requested: str = "", *, device: str = "cpu") -> str:
    """The backend that runs: ``requested`` (empty means ``$VIGIL_INFERENCE_BACKEND``, else
    ``auto``). Any device but the CPU runs torch (CUDA keeps torch + AMP); ``auto`` is
    ``openvino`` when it is installed, else ``torch``. An unknown name is a :class:`ModelError`;
    a named runtime that is not installed too."""
    name = (requested or os.environ.get(BACKEND_ENV) or "auto").strip().lower()
    if name != "auto" and name not in BACKENDS:
        raise ModelError(f"unknown inference backend {name!r}; known: auto, "
                         f"{', '.join(BACKENDS)}", code="unknown_backend")
    if device == "auto":  # torch decides whether a GPU is there (and runs on it)
        from inference.classify import resolve_device  # noqa: PLC0415 - imports torch

        device = resolve_device(device).type
    if device != "cpu":
        return "torch"
    if name == "auto":
        return "openvino" if runtime_available("openvino") else "torch"
    if not runtime_available(name):
        raise ModelError(f"inference backend {name!r} is not installed (pip install "
                         f"{'onnxruntime' if name == 'onnx' else name})",
                         code="backend_unavailable")
    return name


def resolve_precision(requested: str = "") -> str:
    """OpenVINO's precision: ``requested``, else ``$VIGIL_OPENVINO_PRECISION``, else ``f32``;
    an unknown name is a :class:`ModelError`."""
    name = (requested or os.environ.get(PRECISION_ENV) or "f32").strip().lower()
    if name not in PRECISIONS:
        raise ModelError(f"unknown OpenVINO precision {name!r}; known: {', '.join(PRECISIONS)}",
                         code="unknown_precision")
    return name
