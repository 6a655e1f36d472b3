"""Optical flow between frame pairs, clipped and quantised to uint8 as in two-stream networks.

Methods: ``tvl1`` (OpenCV contrib ``cv2.optflow.DualTVL1OpticalFlow``), ``farneback``,
``dis`` (DIS, preset ``ultrafast``: the default, cheap enough to add a flow stream on a CPU)
and ``dis_ultrafast`` / ``dis_fast`` / ``dis_medium`` on CPU;
``raft`` (torchvision ``raft_small``) on CUDA. Input is grayscale ``(H, W)`` uint8 frames at
the model's size; output is a ``(2·L, H, W)`` uint8 stack for L pairs (x then y per pair),
where a displacement ``f`` px becomes ``round((clip(f, ±bound) + bound) * 255 / (2 * bound))``
(so 0 px is 127.5 -> 128). :class:`FlowCache` keeps a video's flow on disk by (video sha256,
method, size, bound) so a second analysis reads instead of recomputing.
"""
from __future__ import annotations

import contextlib
import functools
import os
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from inference.types import FLOW_METHODS

#: Displacements beyond ±bound px are clipped before quantisation (TSN / two-stream: 20).
DEFAULT_BOUND = 20.0
DEFAULT_METHOD = "dis"
METHODS = FLOW_METHODS
CACHE_ENV = "VIGIL_FLOW_CACHE_DIR"

_DIS_PRESETS = {
    "dis": "ULTRAFAST",
    "dis_ultrafast": "ULTRAFAST",
    "dis_fast": "FAST",
    "dis_medium": "MEDIUM",
}



def distinct_methods(methods: Sequence[str] = METHODS) -> tuple[str, ...]:
    """``methods`` without the aliases: a method running the same algorithm as one before it
    (``dis_ultrafast`` is ``dis``) is left out, so a choice lists each algorithm once."""
    seen: set[str] = set()
    kept = []
    for method in methods:
        algorithm = f"dis:{_DIS_PRESETS[method]}" if method in _DIS_PRESETS else method
        if algorithm not in seen:
            seen.add(algorithm)
            kept.append(method)
    return tuple(kept)


#: ``(previous, next) -> (H, W, 2)`` float32 displacement in px, both frames ``(H, W)`` uint8.
FlowFn = Callable[[np.ndarray, np.ndarray], np.ndarray]


def flow_function(method: str, *, device: str = "auto", pretrained: bool = True,
                  model_dir: str | os.PathLike[str] | None = None) -> FlowFn:
    """A callable computing raw float flow for one pair with ``method`` (see module doc).

    ``device``, ``pretrained`` and ``model_dir`` only matter for ``raft``: ``auto``/``cuda``
    need a GPU, ``cpu`` forces CPU; its weights are read from ``model_dir`` (default: the model
    directory) and never downloaded here: without the file it raises ``ModelError``
    (``weights_missing``). ``pretrained=False`` (tests only) runs random weights.
    """
    if method in _DIS_PRESETS:
        preset = getattr(cv2, f"DISOPTICAL_FLOW_PRESET_{_DIS_PRESETS[method]}")
        dis = cv2.DISOpticalFlow.create(preset)
        # None: OpenCV allocates the output (its stubs omit that).
        return lambda prev, nxt: dis.calc(prev, nxt, None)  # type: ignore[call-overload]
    if method == "farneback":
        return lambda prev, nxt: cv2.calcOpticalFlowFarneback(  # type: ignore[call-overload]
            prev, nxt, None, pyr_scale=0.5, levels=3, winsize=15, iterations=3, poly_n=5,
            poly_sigma=1.2, flags=0)  # None: OpenCV allocates the output (stubs omit that)
    if method == "tvl1":
        optflow = getattr(cv2, "optflow", None)  # contrib only: not in OpenCV's stubs
        if optflow is None:
            raise RuntimeError("TV-L1 flow needs opencv-contrib-python-headless (cv2.optflow)")
        tvl1 = optflow.DualTVL1OpticalFlow_create()
        return lambda prev, nxt: tvl1.calc(prev, nxt, None)
    if method == "raft":
        return _raft_function(device, pretrained=pretrained, model_dir=model_dir)
    raise ValueError(f"unknown flow method {method!r}; known: {', '.join(METHODS)}")


@contextlib.contextmanager
def opencv_threads(count: int) -> Iterator[None]:
    """OpenCV's thread pool limited to ``count`` inside the block (restored after).

    Flow is computed beside the model, which already keeps every core busy: on 2 cores, one
    OpenCV thread made DIS flow 8-14% cheaper than OpenCV's default pool (tsn_resnet18, 60 s).
    """
    previous = cv2.getNumThreads()
    cv2.setNumThreads(count)
    try:
        yield
    finally:
        cv2.setNumThreads(previous)


def quantize(flow: np.ndarray, *, bound: float = DEFAULT_BOUND) -> np.ndarray:
    """``(H, W, 2)`` float px -> ``(2, H, W)`` uint8: clip to ±bound, map to 0..255."""
    scaled = (np.clip(flow, -bound, bound) + bound) * (255.0 / (2.0 * bound))
    quantized: np.ndarray = np.rint(scaled).astype(np.uint8).transpose(2, 0, 1).copy()
    return quantized


def dequantize(stack: np.ndarray, *, bound: float = DEFAULT_BOUND) -> np.ndarray:
    """Inverse of :func:`quantize` (up to the quantisation step ``2·bound/255`` px)."""
    return stack.astype(np.float32) * (2.0 * bound / 255.0) - bound


def to_gray(frames: np.ndarray) -> np.ndarray:
    """``(T, H, W, 3)`` RGB uint8 -> ``(T, H, W)`` grayscale uint8 (ITU-R BT.601)."""
    return np.stack([cv2.cvtColor(f, cv2.COLOR_RGB2GRAY) for f in frames])


def flow_stack(gray: np.ndarray, *, method: str = DEFAULT_METHOD, bound: float = DEFAULT_BOUND,
               fn: FlowFn | None = None) -> np.ndarray:
    """``(L+1, H, W)`` grayscale frames -> ``(2L, H, W)`` uint8 flow of the L consecutive pairs."""
    fn = fn or flow_function(method)
    pairs = [quantize(fn(gray[i], gray[i + 1]), bound=bound) for i in range(len(gray) - 1)]
    return np.concatenate(pairs, axis=0)


#: Flow pairs per second of video a TSN flow stream needs (5 consecutive pairs per snippet,
#: 8 snippets per 2 s window, 1 s stride; shared pairs computed once): measured 400 pairs
#: for a 20 s clip with ``pipeline.flow_pairs_needed``.
TSN_PAIRS_PER_VIDEO_SEC = 20.0


@functools.cache
def minutes_per_video_minute(method: str, *, size: tuple[int, int] = (224, 224)) -> float | None:
    """Estimated CPU minutes of flow for one minute of video with a TSN flow stream.

    Measured once per process on this machine (one pair after a warm-up); ``None`` for
    ``raft``, which needs a GPU.
    """
    if method == "raft":
        return None
    per_pair_sec = seconds_per_pair(method, size=size, repeats=1)
    return per_pair_sec * TSN_PAIRS_PER_VIDEO_SEC


def seconds_per_pair(method: str, *, size: tuple[int, int], sample: np.ndarray | None = None,
                     repeats: int = 3) -> float:
    """Measured seconds per pair of ``method`` at ``size = (width, height)`` (median).

    ``sample`` is ``(2+, H, W)`` grayscale frames; a random texture shifted by 2 px otherwise.
    """
    width, height = size
    if sample is None:
        rng = np.random.default_rng(0)
        noise = rng.integers(0, 256, (height, width + 2), dtype=np.uint8)
        base = cv2.GaussianBlur(noise, (5, 5), 0)
        sample = np.stack([base[:, 2:], base[:, :-2]])
    fn = flow_function(method)
    fn(sample[0], sample[1])  # warm-up (allocations, RAFT weights)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(sample[0], sample[1])
        times.append(time.perf_counter() - start)
    return float(np.median(times))


class FlowCache:
    """One video's quantised flow pairs on disk: ``<dir>/<sha256>/<method>-<W>x<H>-b<bound>.npz``.

    Pairs are keyed by the two frames' times. Pairs computed during a run are streamed into a
    temporary zip (memory stays flat) and published atomically by :meth:`close`, merged with
    what the file already held. ``directory`` defaults to ``$VIGIL_FLOW_CACHE_DIR``; with
    neither, nothing goes to disk. Recent pairs are also kept in memory (overlapping windows
    share snippets) until :meth:`forget_before` drops them.
    """

    def __init__(self, directory: str | os.PathLike[str] | None, *, video_sha256: str,
                 method: str, size: tuple[int, int], bound: float = DEFAULT_BOUND) -> None:
        directory = directory or os.environ.get(CACHE_ENV) or None
        self.path: Path | None = None
        self._reader: Any = None
        self._writer: zipfile.ZipFile | None = None
        self._tmp: str | None = None
        self._written: set[str] = set()
        self._memory: dict[tuple[float, float], np.ndarray] = {}
        if directory is not None:
            width, height = size
            self.path = Path(directory) / video_sha256 / f"{method}-{width}x{height}-b{bound:g}.npz"
            if self.path.is_file():
                try:
                    self._reader = np.load(self.path, allow_pickle=False)
                except (OSError, ValueError, zipfile.BadZipFile):
                    self._reader = None  # a damaged file is recomputed and replaced

    @staticmethod
    def key(t0_sec: float, t1_sec: float) -> str:
        return f"{t0_sec:.6f}_{t1_sec:.6f}"

    def get(self, t0_sec: float, t1_sec: float, compute: Callable[[], np.ndarray]) -> np.ndarray:
        """The ``(2, H, W)`` uint8 pair for frames at ``t0_sec -> t1_sec``; computed if missing."""
        remembered = self._memory.get((t0_sec, t1_sec))
        if remembered is not None:
            return remembered
        key = self.key(t0_sec, t1_sec)
        pair: np.ndarray
        if self._reader is not None and key in self._reader.files:
            pair = self._reader[key]
        else:
            pair = compute()
            if self.path is not None and key not in self._written:
                self._write(key, pair)
        self._memory[(t0_sec, t1_sec)] = pair
        return pair

    def forget_before(self, t_sec: float) -> None:
        """Drop in-memory pairs that start before ``t_sec`` (keeps memory flat)."""
        for stale in [k for k in self._memory if k[0] < t_sec]:
            del self._memory[stale]

    def _write(self, key: str, pair: np.ndarray) -> None:
        if self._writer is None:
            assert self.path is not None
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".part",
                                             dir=self.path.parent)
            os.close(fd)
            self._writer = zipfile.ZipFile(self._tmp, "w", compression=zipfile.ZIP_STORED)
        with self._writer.open(f"{key}.npy", "w") as fh:
            np.lib.format.write_array(fh, np.ascontiguousarray(pair), allow_pickle=False)
        self._written.add(key)

    def close(self) -> None:
        """Publish the pairs computed so far (atomic rename); a no-op when nothing is new."""
        if self._writer is None:
            if self._reader is not None:
                self._reader.close()
                self._reader = None
            return
        assert self.path is not None and self._tmp is not None
        try:
            if self._reader is not None:
                for name in self._reader.files:
                    if name not in self._written:
                        self._write(name, self._reader[name])
                self._reader.close()
                self._reader = None
            self._writer.close()
            self._writer = None
            os.replace(self._tmp, self.path)
        finally:
            if self._writer is not None:
                self._writer.close()
                self._writer = None
            Path(self._tmp).unlink(missing_ok=True)
            self._tmp = None

    def __enter__(self) -> FlowCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _quantized_flow(fn: FlowFn, prev: np.ndarray, nxt: np.ndarray, *, bound: float,
                    ) -> np.ndarray:
    return quantize(fn(prev, nxt), bound=bound)


def cached_flow_stack(gray: np.ndarray, times_sec: Sequence[float], *, cache: FlowCache,
                      fn: FlowFn, bound: float = DEFAULT_BOUND) -> np.ndarray:
    """:func:`flow_stack` of ``(L+1, H, W)`` frames at ``times_sec``, pair by pair via ``cache``."""
    pairs = []
    for i in range(len(gray) - 1):
        a, b = gray[i], gray[i + 1]
        pairs.append(cache.get(times_sec[i], times_sec[i + 1],
                               functools.partial(_quantized_flow, fn, a, b, bound=bound)))
    return np.concatenate(pairs, axis=0)


#: The RAFT weights (torchvision's ``raft_small``), a file in the model directory.
RAFT_WEIGHTS = "torchvision:Raft_Small_Weights.C_T_V2"


def _raft_function(device: str, *, pretrained: bool,
                   model_dir: str | os.PathLike[str] | None = None) -> FlowFn:
    """torchvision ``raft_small`` on CUDA with its public weights, read from the model directory
    (placed there by ``fetch_default`` or by hand; a worker never downloads them). Random
    weights only with ``pretrained=False`` (tests)."""
    import torch  # noqa: PLC0415
    from torchvision.models.optical_flow import raft_small  # noqa: PLC0415

    from inference.errors import ModelError  # noqa: PLC0415
    from inference.models.weights import fetch_default  # noqa: PLC0415

    if device == "cpu":
        target = torch.device("cpu")  # explicit request only: far too slow for analyses
    elif torch.cuda.is_available():
        target = torch.device("cuda")
    else:
        raise ModelError("RAFT flow needs a CUDA GPU; use dis, farneback or tvl1 on CPU",
                         code="gpu_unavailable")
    model = raft_small(weights=None)
    if pretrained:
        path = fetch_default(RAFT_WEIGHTS, model_dir=model_dir, download=False)
        try:
            state = torch.load(path, map_location="cpu", weights_only=True)
            model.load_state_dict(state)
        except (OSError, RuntimeError, ValueError) as exc:
            raise ModelError(f"cannot load the RAFT weights {path}: {exc}",
                             code="weights_invalid") from exc
    model = model.to(target).eval()

    @torch.inference_mode()
    def compute(prev: np.ndarray, nxt: np.ndarray) -> np.ndarray:
        height, width = prev.shape
        pad_h, pad_w = (-height) % 8, (-width) % 8

        def prep(img: np.ndarray) -> torch.Tensor:
            t = torch.from_numpy(img).to(target).float().div(127.5).sub(1.0)
            t = t.expand(3, height, width)[None]
            return torch.nn.functional.pad(t, (0, pad_w, 0, pad_h), mode="replicate")

        flows: list[torch.Tensor] = model(prep(prev), prep(nxt), num_flow_updates=12)
        last = flows[-1][0, :, :height, :width]  # (2, H, W)
        flow_hw2: np.ndarray = last.permute(1, 2, 0).float().cpu().numpy()
        return flow_hw2

    return compute
