"""One classifier per stream on the backend a worker chose: torch, or a converted model.

:func:`make_classifier` is what the scoring path calls. For ``openvino``/``onnx`` it returns a
:class:`BackendClassifier`, which converts (or finds in the cache) the model for each input
shape it is given, the first batch of that shape serving as the real clip of the conversion
check; a model that fails the check, or whose conversion fails, runs in torch for that shape
(logged as a warning).

OpenVINO in bf16 (``$VIGIL_OPENVINO_PRECISION=bf16``) is admitted per analysis and shape: the
first batch is scored by torch and by the bf16 model, and bf16 runs only if every probability
is within :data:`BF16_MAX_PROB_DIFF` of torch's and every head's top-1 is the same; otherwise
the FP32 model runs (logged).
"""
from __future__ import annotations

import itertools
import logging
from typing import Protocol

import numpy as np
import torch

from inference.backends import resolve_backend, resolve_precision
from inference.backends.cache import ConvertedCacheError, ConvertedKey, ConvertedModel, lookup
from inference.backends.convert import export, weights_sha256
from inference.backends.runtimes import openvino_bf16_native
from inference.backends.scorer import ConvertedClassifier, model_input_shape
from inference.classify import Classifier
from inference.models.registry import LoadedModel

log = logging.getLogger(__name__)

#: Largest admitted |bf16 - torch| of a probability on the first batch of an analysis. The
#: fight detector measured 0.007 at most over 30 fight-surv clips (mean 0.002, no decision
#: changed at 0.5); twice that leaves room for other clips, and a model that bf16 really moves
#: (I3D's 400 logits moved by 0.2) is refused.
BF16_MAX_PROB_DIFF = 0.02


class Predictor(Protocol):
    """``(B, T, H, W, C)`` uint8 clips -> ``(B, K)`` probabilities."""

    def predict(self, clips: np.ndarray) -> np.ndarray: ...


class BackendClassifier:
    """``loaded`` run by ``backend`` (``openvino`` or ``onnx``), converted per input shape."""

    def __init__(self, loaded: LoadedModel, *, backend: str, model_dir: str | None,
                 num_threads: int | None = None, fold_bn: bool = True,
                 precision: str = "f32") -> None:
        self.loaded = loaded
        self.backend = backend
        self.precision = precision if backend == "openvino" else "f32"
        self.model_dir = model_dir
        self.num_threads = num_threads
        self.fold_bn = fold_bn
        self._sha256: str | None = None
        self._by_shape: dict[tuple[int, ...], Predictor] = {}
        self.used: dict[tuple[int, ...], str] = {}
        """Input shape -> the backend that scores it (``torch`` after a refusal,
        ``openvino-bf16`` when bf16 was admitted)."""

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
                    return self._admit(cached, clips)
                except ConvertedCacheError as exc:  # tampered or truncated: never run it
                    log.warning("%s; converting %s again", exc, key.stem)
            log.info("converting %s for %s (once; cached in %s)", info.name, self.backend,
                     self.model_dir or "$VIGIL_MODEL_DIR")
            return self._admit(export(self.loaded.module, key=key, model_dir=self.model_dir,
                                      spec=info.input_spec, labels=info.labels,
                                      head_sizes=info.head_sizes, check_clips=clips),
                               clips)
        except _Refused as exc:
            reason = str(exc)
        except Exception as exc:  # noqa: BLE001 - an unconvertible model still runs in torch
            reason = f"conversion failed: {type(exc).__name__}: {exc}"
        log.warning("%s on %s for input %s: %s; scoring it in torch", info.name, self.backend,
                    shape, reason)
        self.used[shape] = "torch"
        return self._torch()

    def _torch(self) -> Classifier:
        info = self.loaded.info
        return Classifier(self.loaded.module, spec=info.input_spec, device="cpu",
                          num_threads=self.num_threads, fold_bn=self.fold_bn,
                          head_sizes=info.head_sizes)

    def _admit(self, model: ConvertedModel, clips: np.ndarray) -> ConvertedClassifier:
        """``model`` on this backend if its check passed (files verified by sha256); in bf16
        if asked for and :meth:`_bf16_holds` on ``clips``, the first batch of that shape."""
        verdict = model.check.get(self.backend)
        if not (isinstance(verdict, dict) and verdict.get("passed")):
            raise _Refused(f"refused by its check against torch: {verdict or 'not checked'}")
        if self.precision == "bf16" and not openvino_bf16_native():
            log.info("no native bf16 on this CPU: %s runs in FP32", self.loaded.info.name)
            self.precision = "f32"
        if self.precision == "bf16":
            classifier = ConvertedClassifier(model, backend=self.backend,
                                             num_threads=self.num_threads, precision="bf16")
            if self._bf16_holds(classifier, clips):
                self.used[model.key.shape] = f"{self.backend}-bf16"
                return classifier
        classifier = ConvertedClassifier(model, backend=self.backend,
                                         num_threads=self.num_threads)
        self.used[model.key.shape] = self.backend
        return classifier

    def _bf16_holds(self, classifier: ConvertedClassifier, clips: np.ndarray) -> bool:
        """Whether bf16's probabilities on ``clips`` stay within :data:`BF16_MAX_PROB_DIFF` of
        torch's with the same top-1 per head (logged either way)."""
        expected = self._torch().predict(clips)
        got = classifier.predict(clips)
        diff = float(np.abs(got - expected).max())
        starts = np.cumsum([0, *(self.loaded.info.head_sizes or [got.shape[1]])])
        same_top1 = all(np.array_equal(got[:, a:b].argmax(axis=1),
                                       expected[:, a:b].argmax(axis=1))
                        for a, b in itertools.pairwise(starts))
        holds = diff <= BF16_MAX_PROB_DIFF and same_top1
        (log.info if holds else log.warning)(
            "%s in OpenVINO bf16: max |probability diff| %.4f vs torch (tolerance %g), top-1 "
            "%s; %s", self.loaded.info.name, diff, BF16_MAX_PROB_DIFF,
            "equal" if same_top1 else "differs", "admitted" if holds else "running FP32")
        return holds


class _Refused(Exception):
    """The conversion did not pass its check against torch for this backend."""


def make_classifier(loaded: LoadedModel, *, backend: str = "", device: str = "cpu",
                    num_threads: int | None = None, model_dir: str | None = None,
                    fold_bn: bool = True, precision: str = "") -> Classifier | BackendClassifier:
    """The classifier of ``loaded`` on the backend ``backend`` resolves to
    (:func:`inference.backends.resolve_backend`: empty reads ``$VIGIL_INFERENCE_BACKEND``);
    ``precision`` is OpenVINO's (empty reads ``$VIGIL_OPENVINO_PRECISION``, else ``f32``)."""
    chosen = resolve_backend(backend, device=device)
    if chosen == "torch":
        return Classifier(loaded.module, spec=loaded.info.input_spec, device=device,
                          num_threads=num_threads, fold_bn=fold_bn,
                          head_sizes=loaded.info.head_sizes)
    if num_threads:
        torch.set_num_threads(num_threads)  # the torch side: conversion check, fallback
    return BackendClassifier(loaded, backend=chosen, model_dir=model_dir,
                             num_threads=num_threads, fold_bn=fold_bn,
                             precision=resolve_precision(precision))
