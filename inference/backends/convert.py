"""Convert a torch model once per (name, weights sha256, input shape) and admit it only if it
agrees with torch on real frames.

Conversion: ``torch.onnx.export`` (TorchScript exporter, batch dimension dynamic) writes the
ONNX file that ONNX Runtime reads; OpenVINO converts that file to its IR with FP32 weights. A
detector's motion statistics (numpy/OpenCV, :mod:`inference.motion`) cannot be in a graph:
the graph takes them as a second input, ``motion`` ``(B, 66)``, and everything else (I3D, the
heads, the late fusion of both streams) is the converted pure tensor function.

The check (:func:`check_converted`): the converted model and torch score the same real clips;
the converted model is refused for a backend when a top-1 label differs (per head) or the
largest absolute difference of the outputs exceeds :data:`MAX_ABS_DIFF`. The verdict is
recorded in the sidecar, so a refused conversion is not retried on every load.
"""
from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import time
import warnings
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from inference.backends import runtime_available
from inference.backends.cache import (
    BACKEND_FILES,
    ConvertedKey,
    ConvertedModel,
    converted_dir,
    write_sidecar,
)
from inference.backends.preprocess import to_input
from inference.digest import sha256_file
from inference.types import InputSpec

log = logging.getLogger(__name__)

#: Largest admitted |converted - torch| on the model's outputs (logits or log-probabilities).
#: FP32 runtimes differ from torch by float reordering only: measured 2e-7 on the fight
#: detector and 2e-5 on I3D's 400 logits; OpenVINO's default (bf16) precision was off by 0.2,
#: and anything near that must be refused. 1e-3 leaves 50x room above FP32 noise.
MAX_ABS_DIFF = 1e-3
ONNX_OPSET = 17


def weights_sha256(module: nn.Module) -> str:
    """sha256 over the module's state dict (names, dtypes, shapes, bytes, in key order): the
    weights as they will run, whatever file or composition they came from."""
    digest = hashlib.sha256()
    for name, tensor in module.state_dict().items():
        value = tensor.detach().cpu().contiguous()
        digest.update(f"{name}:{value.dtype}:{tuple(value.shape)};".encode())
        digest.update(value.reshape(-1).view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()


def motion_detectors(module: nn.Module) -> list[nn.Module]:
    """The detectors inside ``module`` whose motion head reads numpy statistics."""
    from inference.models.detectors import I3DDetector  # noqa: PLC0415

    return [m for m in module.modules()
            if isinstance(m, I3DDetector) and m.motion is not None]


@contextmanager
def _motion_from(detectors: Sequence[nn.Module], stats: torch.Tensor) -> Any:
    """While inside, every detector's ``motion_features(x)`` returns ``stats`` (a graph input)."""
    for detector in detectors:
        detector.motion_features = lambda _x: stats  # type: ignore[assignment]
    try:
        yield
    finally:
        for detector in detectors:
            del detector.motion_features


class MotionInput(nn.Module):
    """``(clips (B, C, T, H, W), motion (B, 66)) -> (B, K)``: ``module`` with its detectors'
    motion statistics given as an input instead of computed in numpy."""

    def __init__(self, module: nn.Module) -> None:
        super().__init__()
        self.module = module
        self.detectors = motion_detectors(module)

    def forward(self, clips: torch.Tensor, motion: torch.Tensor) -> torch.Tensor:
        with _motion_from(self.detectors, motion):
            out: torch.Tensor = self.module(clips)
            return out


def export(module: nn.Module, *, key: ConvertedKey, model_dir: str | os.PathLike[str] | None,
           spec: InputSpec, labels: Sequence[str], head_sizes: Sequence[int],
           check_clips: np.ndarray) -> ConvertedModel:
    """Convert ``module`` (eval mode, CPU) for ``key.shape``, check it on ``check_clips``
    (``(B, T, H, W, C)`` uint8 real frames of that shape) per installed backend, and cache it
    all; returns the cached model (see its ``check`` for each backend's verdict)."""
    directory = converted_dir(model_dir)
    directory.mkdir(parents=True, exist_ok=True)
    module = module.eval()
    has_motion = bool(motion_detectors(module))
    # eval() on the wrapper too: the exporter restores the wrapper's mode recursively, and a
    # fresh module is in training mode (BatchNorm would then update its statistics)
    graph: nn.Module = MotionInput(module).eval() if has_motion else module
    inputs = ("clips", "motion") if has_motion else ("clips",)
    example = _torch_inputs(module, check_clips[:1], spec=spec, has_motion=has_motion)
    model = ConvertedModel(key=key, directory=directory, inputs=inputs, labels=tuple(labels),
                           input_spec=spec, head_sizes=tuple(head_sizes), files={}, check={})
    started = time.perf_counter()
    onnx_path = model.path(".onnx")
    tmp_onnx = onnx_path.with_suffix(f".{os.getpid()}.tmp.onnx")
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation and tracer notes
        torch.onnx.export(graph, tuple(example), str(tmp_onnx), dynamo=False,
                          input_names=list(inputs), output_names=["logits"],
                          dynamic_axes={**{n: {0: "batch"} for n in inputs},
                                        "logits": {0: "batch"}},
                          opset_version=ONNX_OPSET)
    os.replace(tmp_onnx, onnx_path)
    files = {".onnx": sha256_file(onnx_path)}
    if runtime_available("openvino"):
        files.update(_to_openvino(onnx_path, model.path(".xml")))
    model = dataclasses.replace(model, files=files)
    convert_sec = time.perf_counter() - started
    checks = {backend: check_converted(module, model, backend=backend, clips=check_clips,
                                       has_motion=has_motion)
              for backend in ("openvino", "onnx")
              if runtime_available(backend) and all(s in files for s in BACKEND_FILES[backend])}
    model = dataclasses.replace(model, check={**checks, "convert_sec": round(convert_sec, 2)})
    write_sidecar(model)
    return model


def check_converted(module: nn.Module, model: ConvertedModel, *, backend: str,
                    clips: np.ndarray, has_motion: bool) -> dict[str, Any]:
    """Score ``clips`` (real frames) with torch and with ``backend``'s converted model:
    ``{"passed", "max_abs_diff", "top1_equal", "tolerance", "clips"}``."""
    from inference.backends.scorer import ConvertedClassifier  # noqa: PLC0415

    converted = ConvertedClassifier(model, backend=backend).logits(clips)
    with torch.inference_mode():
        reference = module(*_torch_inputs(module, clips, spec=model.input_spec,
                                          has_motion=False)).float().numpy()
    diff = float(np.abs(converted - reference).max())
    sizes = list(model.head_sizes) or [reference.shape[1]]
    top1 = all(np.array_equal(a.argmax(axis=1), b.argmax(axis=1)) for a, b in
               zip(np.split(converted, np.cumsum(sizes)[:-1], axis=1),
                   np.split(reference, np.cumsum(sizes)[:-1], axis=1), strict=True))
    passed = top1 and diff <= MAX_ABS_DIFF
    if not passed:
        log.warning("converted %s refused for %s: top-1 equal %s, max |diff| %.2e (tolerance "
                    "%.0e); it runs in torch", model.key.stem, backend, top1, diff, MAX_ABS_DIFF)
    return {"passed": passed, "max_abs_diff": diff, "top1_equal": top1,
            "tolerance": MAX_ABS_DIFF, "clips": len(clips)}


def _torch_inputs(module: nn.Module, clips: np.ndarray, *, spec: InputSpec,
                  has_motion: bool) -> list[torch.Tensor]:
    """The graph's inputs in torch; ``motion`` computed by the detector's own torch path."""
    x = torch.from_numpy(to_input(clips, spec=spec))
    if not has_motion:
        return [x]
    detector = motion_detectors(module)[0]
    return [x, detector.motion_features(x).float()]  # type: ignore[operator]


def _to_openvino(onnx_path: Path, xml_path: Path) -> dict[str, str]:
    import openvino as ov  # noqa: PLC0415 - optional runtime

    tmp_xml = xml_path.with_suffix(f".{os.getpid()}.tmp.xml")
    ov.save_model(ov.convert_model(str(onnx_path)), str(tmp_xml), compress_to_fp16=False)
    bin_path = xml_path.with_suffix(".bin")
    os.replace(tmp_xml.with_suffix(".bin"), bin_path)  # OpenVINO reads <stem>.bin beside <stem>.xml
    os.replace(tmp_xml, xml_path)
    return {".xml": sha256_file(xml_path), ".bin": sha256_file(bin_path)}
