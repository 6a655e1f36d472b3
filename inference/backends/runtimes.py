"""Run a cached converted model: OpenVINO (FP32 pinned) or ONNX Runtime, on the CPU. Torch-free.

A runtime is a callable ``inputs -> (B, K) float32 logits`` over the graph's inputs in order
(``clips`` ``(B, C, T, H, W)`` float32, then ``motion`` ``(B, 66)`` when the graph has it).
"""
from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from inference.backends.cache import ConvertedModel

Runtime = Callable[[Sequence[np.ndarray]], np.ndarray]


def cpu_cores() -> int:
    """Cores this process may run on (its affinity mask), the default thread count."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def openvino_bf16_native() -> bool:
    """Whether OpenVINO's CPU plugin runs bf16 natively here (AVX-512 BF16 or AMX); elsewhere
    a bf16 hint would be emulated or ignored."""
    import openvino as ov  # noqa: PLC0415 - optional runtime

    return "BF16" in ov.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES")


def openvino_runtime(model: ConvertedModel, *, num_threads: int | None = None,
                     precision: str = "f32") -> Runtime:
    """Compile the IR for the CPU with ``INFERENCE_PRECISION_HINT`` ``precision`` (``f32``
    unless a caller that checks the outputs asks for ``bf16``) and ``INFERENCE_NUM_THREADS`` =
    ``num_threads`` (default: the cores). The precision is pinned: OpenVINO's default on a CPU
    with bf16 moved I3D logits by 0.2 (issue #15)."""
    import openvino as ov  # noqa: PLC0415 - optional runtime

    xml, _ = model.verified_paths("openvino")
    core = ov.Core()
    compiled = core.compile_model(str(xml), "CPU", {
        "INFERENCE_PRECISION_HINT": precision,
        "INFERENCE_NUM_THREADS": num_threads or cpu_cores(),
        "PERFORMANCE_HINT": "LATENCY",
    })
    request = compiled.create_infer_request()
    output = compiled.output(0)

    def run(inputs: Sequence[np.ndarray]) -> np.ndarray:
        result: Any = request.infer(list(inputs))
        return np.array(result[output], dtype=np.float32)

    return run


def onnx_runtime(model: ConvertedModel, *, num_threads: int | None = None) -> Runtime:
    """An ONNX Runtime CPU session with ``num_threads`` intra-op threads (default: the cores)."""
    import onnxruntime as ort  # noqa: PLC0415 - optional runtime

    (path,) = model.verified_paths("onnx")
    options = ort.SessionOptions()
    options.intra_op_num_threads = num_threads or cpu_cores()
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(path), sess_options=options,
                                   providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]

    def run(inputs: Sequence[np.ndarray]) -> np.ndarray:
        out = session.run(None, dict(zip(names, inputs, strict=True)))[0]
        return np.asarray(out, dtype=np.float32)

    return run


RUNTIMES: dict[str, Callable[..., Runtime]] = {"openvino": openvino_runtime,
                                               "onnx": onnx_runtime}


def open_runtime(model: ConvertedModel, *, backend: str, num_threads: int | None = None,
                 precision: str = "f32") -> Runtime:
    """``backend``'s runtime over ``model`` (its files verified by sha256 first); ``precision``
    is OpenVINO's (ONNX Runtime's CPU provider runs FP32)."""
    if backend == "openvino":
        return openvino_runtime(model, num_threads=num_threads, precision=precision)
    return RUNTIMES[backend](model, num_threads=num_threads)
