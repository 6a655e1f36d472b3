"""One classifier per stream on the backend a worker chose: torch, or a converted model.

:func:`make_classifier` is what the scoring path calls. For ``openvino``/``onnx`` it returns a
:class:`BackendClassifier`, which converts (or finds in the cache) the model for each input
shape it is given, the first batch of that shape serving as the real clip of the conversion
check; a model that fails the check, or whose conversion fails, runs in torch for that shape
(logged as a warning).
"""
from __future__ import annotations

import logging
from typing import Protocol

import numpy as np
import torch

from inference.backends import resolve_backend
from inference.backends.cache import ConvertedCacheError, ConvertedKey, ConvertedModel, lookup
from inference.backends.convert import export, weights_sha256
from inference.backends.scorer import ConvertedClassifier, model_input_shape
from inference.classify import Classifier
from inference.models.registry import LoadedModel

log = logging.getLogger(__name__)


class Predictor(Protocol):
    """``(B, T, H, W, C)`` uint8 clips -> ``(B, K)`` probabilities."""

    def predict(self, clips: np.ndarray) -> np.ndarray: ...


class BackendClassifier:
    """``loaded`` run by ``backend`` (``openvino`` or ``onnx``), converted per input shape."""

    def __init__(self, loaded: LoadedModel, *, backend: str, model_dir: str | None,
                 num_threads: int | None = None, fold_bn: bool = True) -> None:
        self.loaded = loaded
        self.backend = backend
        self.model_dir = model_dir
        self.num_threads = num_threads
        self.fold_bn = fold_bn
        self._sha256: str | None = None
        self._by_shape: dict[tuple[int, ...], Predictor] = {}
        self.used: dict[tuple[int, ...], str] = {}
        """Input shape -> the backend that scores it (``torch`` after a refusal)."""

    def predict(self, clips: np.ndarray) -> np.ndarray:
        """Probabilities ``(B, K)`` for uint8 clips ``(B, T, H, W, C)``."""
        shape = model_input_shape(clips, spec=self.loaded.info.input_spec)
        predictor = self._by_shape.get(shape)
        if predictor is None:
            predictor = self._by_shape[shape] = self._open(shape, clips)
        return predictor.predict(clips)

    def _open(self, shape: tuple[int, ...], clips: np.ndarray) -> Predictor:
        info = self.loaded.info
        if self._sha256 is None:
            self._sha256 = weights_sha256(self.loaded.module)
        key = ConvertedKey(name=info.name, weights_sha256=self._sha256, shape=shape)
        try:
            cached = lookup(self.model_dir, key)
            if cached is not None:
                try:
                    return self._admit(cached)
                except ConvertedCacheError as exc:  # tampered or truncated: never run it
                    log.warning("%s; converting %s again", exc, key.stem)
            log.info("converting %s for %s (once; cached in %s)", info.name, self.backend,
                     self.model_dir or "$VIGIL_MODEL_DIR")
            return self._admit(export(self.loaded.module, key=key, model_dir=self.model_dir,
                                      spec=info.input_spec, labels=info.labels,
                                      head_sizes=info.head_sizes, check_clips=clips))
        except _Refused as exc:
            reason = str(exc)
        except Exception as exc:  # noqa: BLE001 - an unconvertible model still runs in torch
            reason = f"conversion failed: {type(exc).__name__}: {exc}"
        log.warning("%s on %s for input %s: %s; scoring it in torch", info.name, self.backend,
                    shape, reason)
        self.used[shape] = "torch"
        return Classifier(self.loaded.module, spec=info.input_spec, device="cpu",
                          num_threads=self.num_threads, fold_bn=self.fold_bn,
                          head_sizes=info.head_sizes)

    def _admit(self, model: ConvertedModel) -> ConvertedClassifier:
        """``model`` on this backend if its check passed (files verified by sha256)."""
        verdict = model.check.get(self.backend)
        if not (isinstance(verdict, dict) and verdict.get("passed")):
            raise _Refused(f"refused by its check against torch: {verdict or 'not checked'}")
        classifier = ConvertedClassifier(model, backend=self.backend,
                                         num_threads=self.num_threads)
        self.used[model.key.shape] = self.backend
        return classifier


class _Refused(Exception):
    """The conversion did not pass its check against torch for this backend."""


def make_classifier(loaded: LoadedModel, *, backend: str = "", device: str = "cpu",
                    num_threads: int | None = None, model_dir: str | None = None,
                    fold_bn: bool = True) -> Classifier | BackendClassifier:
    """The classifier of ``loaded`` on the backend ``backend`` resolves to
    (:func:`inference.backends.resolve_backend`: empty reads ``$VIGIL_INFERENCE_BACKEND``)."""
    chosen = resolve_backend(backend, device=device)
    if chosen == "torch":
        return Classifier(loaded.module, spec=loaded.info.input_spec, device=device,
                          num_threads=num_threads, fold_bn=fold_bn,
                          head_sizes=loaded.info.head_sizes)
    if num_threads:
        torch.set_num_threads(num_threads)  # the torch side: conversion check, fallback
    return BackendClassifier(loaded, backend=chosen, model_dir=model_dir,
                             num_threads=num_threads, fold_bn=fold_bn)
