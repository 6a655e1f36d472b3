"""Score uint8 clips with a converted model: numpy in, numpy out, no torch.

:class:`ConvertedClassifier` has :class:`inference.classify.Classifier`'s ``predict``:
``(B, T, H, W, C)`` uint8 clips -> ``(B, K)`` probabilities. A detector's motion statistics
(:mod:`inference.motion`, OpenCV) are computed here from the same uint8 frames that I3D sees
and fed to the graph as its second input.
"""
from __future__ import annotations

import numpy as np

from inference.backends.cache import ConvertedModel
from inference.backends.preprocess import softmax_heads, to_input
from inference.backends.runtimes import Runtime, open_runtime
from inference.types import InputSpec


def model_input_shape(clips: np.ndarray, *, spec: InputSpec) -> tuple[int, ...]:
    """``(C', T, H, W)`` of the model input made from ``(B, T, H, W, C)`` clips (``rgbdiff``:
    C = 3(L+1) frames give C' = 3L differences)."""
    steps, height, width, channels = clips.shape[1:]
    if spec.modalities[0] == "rgbdiff":
        channels = 3 * (channels // 3 - 1)
    return (channels, steps, height, width)


class ConvertedClassifier:
    """One cached conversion on one backend (``openvino`` or ``onnx``)."""

    def __init__(self, model: ConvertedModel, *, backend: str,
                 num_threads: int | None = None, precision: str = "f32") -> None:
        self.model = model
        self.backend = backend
        self.precision = precision
        self.spec = model.input_spec
        self._run: Runtime = open_runtime(model, backend=backend, num_threads=num_threads,
                                          precision=precision)
        self._motion = None
        if "motion" in model.inputs:
            from inference.motion import MotionStats  # noqa: PLC0415 - detectors only

            self._motion = MotionStats()

    def inputs(self, clips: np.ndarray) -> list[np.ndarray]:
        """The graph's inputs for ``(B, T, H, W, C)`` uint8 clips."""
        shape = model_input_shape(clips, spec=self.spec)
        if shape != self.model.key.shape:
            raise ValueError(f"clips of shape {shape} (C, T, H, W) given to a model converted "
                             f"for {self.model.key.shape}")
        arrays = [to_input(clips, spec=self.spec)]
        if self._motion is not None:
            arrays.append(np.stack([self._motion(clip) for clip in clips]).astype(np.float32))
        return arrays

    def logits(self, clips: np.ndarray) -> np.ndarray:
        """``(B, K)`` raw outputs (what is compared against torch)."""
        return self._run(self.inputs(clips))

    def predict(self, clips: np.ndarray) -> np.ndarray:
        """``(B, K)`` probabilities for uint8 clips ``(B, T, H, W, C)``."""
        return softmax_heads(self.logits(clips), head_sizes=self.model.head_sizes)
