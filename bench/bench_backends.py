"""Inference backends side by side: torch, OpenVINO (FP32), ONNX Runtime.

    .venv/bin/python -m bench.bench_backends [--models fight_detector i3d] [--seconds 60]
        [--rounds 3] [--skip-rtf] [--threads N]

Table 1, per registry model whose weights are available offline: windows scored per second
(batches of ``--batch-size`` real windows of ``fight_0002.mpeg`` at the model's own input,
already decoded: the model alone) and the max |diff| of the probabilities vs torch. The
conversion (once per model and shape, cached in the model directory, checked against torch)
happens before the clock; ``runs in`` says which backend scored (``torch`` after a refusal).
On a CPU with native bf16, OpenVINO also runs with ``precision bf16`` (admitted only where
its probabilities stay within :data:`inference.backends.select.BF16_MAX_PROB_DIFF` of torch's
on the first batch: ``runs in`` says ``openvino`` when it was refused).

Table 2: the real-time factor (video seconds / wall seconds) of ``inference.pipeline.run`` with
the default detector (``fight_detector``) on the 60 s 1280x720 clip of :mod:`bench.clips`,
with and without the annotated render, per backend, rounds interleaved
(:func:`bench.bench_pipeline.analyze_seconds`).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import replace

import numpy as np
import torch

from bench.bench_pipeline import analyze_seconds
from bench.clips import REPO, SAMPLES, make_clip, print_table
from inference import models
from inference.backends import BACKENDS, runtime_available
from inference.backends.runtimes import openvino_bf16_native
from inference.backends.select import BackendClassifier, make_classifier
from inference.models.weights import default_model_dir
from inference.pipeline import iter_clips, load_model
from inference.probe import probe
from inference.sampling import windows
from inference.types import InputSpec, PipelineConfig

DEFAULT_DETECTOR = "fight_detector"


def real_clips(input_spec: InputSpec, *, count: int) -> np.ndarray:
    """``count`` consecutive windows of the real fight sample at ``input_spec``."""
    meta = probe(str(SAMPLES / "fight_0002.mpeg"))
    plan = [w for w in windows(duration_sec=meta.duration_sec, clip_len=input_spec.clip_len,
                               segment_sec=2.0, stride_sec=1.0) if w.start_sec >= 10.0]
    return np.stack([clip for _, clip in iter_clips(meta, plan[:count], spec=input_spec)])


def model_rows(names: list[str], *, model_dir: str, batch_size: int, rounds: int,
               threads: int) -> list[list[object]]:
    """One row per (model, backend): windows/s, max |diff| vs torch, who ran it."""
    rows: list[list[object]] = []
    for name in names:
        config = PipelineConfig(model=name, model_dir=model_dir, num_threads=threads)
        loaded = load_model(config)  # BatchNorm folded, as the pipeline runs it
        clips = real_clips(loaded.info.input_spec, count=batch_size)
        reference: np.ndarray | None = None
        variants = [(backend, "f32") for backend in BACKENDS if runtime_available(backend)]
        if runtime_available("openvino") and openvino_bf16_native():
            variants.append(("openvino", "bf16"))
        for backend, precision in variants:
            classifier = make_classifier(loaded, backend=backend, model_dir=model_dir,
                                         num_threads=threads, fold_bn=False,
                                         precision=precision)
            probs = classifier.predict(clips)  # converts (once, cached) and warms up
            started = time.perf_counter()
            for _ in range(rounds):
                classifier.predict(clips)
            per_sec = rounds * len(clips) / (time.perf_counter() - started)
            reference = probs if reference is None else reference
            runs_in = (next(iter(classifier.used.values()))
                       if isinstance(classifier, BackendClassifier) else "torch")
            rows.append([name, "x".join(map(str, clips.shape[1:4])), backend, precision,
                         runs_in, per_sec, f"{np.abs(probs - reference).max():.1e}"])
            print("measured:", *rows[-1], file=sys.stderr, flush=True)  # long runs: progress
    return rows


def rtf_rows(*, seconds: float, model_dir: str, repeat: int, threads: int,
             ) -> list[list[object]]:
    """Real-time factor of the default detector per backend, with and without render."""
    clip = make_clip(REPO / "bench" / "out" / f"clip_{int(seconds)}s_720p.mp4", seconds=seconds)
    duration = probe(str(clip)).duration_sec
    base = PipelineConfig(model=DEFAULT_DETECTOR, model_dir=model_dir, num_threads=threads,
                          batch_size=2)
    configs = {(backend, render): replace(base, backend=backend, render=render)
               for backend in BACKENDS if runtime_available(backend)
               for render in (False, True)}
    for config in configs.values():  # load and convert outside every measurement
        analyze_seconds(make_clip(REPO / "bench" / "out" / "clip_4s_720p.mp4", seconds=4),
                        replace(config, render=False))
    times: dict[tuple[str, bool], list[float]] = {key: [] for key in configs}
    for _ in range(repeat):
        for key, config in configs.items():
            times[key].append(analyze_seconds(clip, config))
    return [[backend, "yes" if render else "no", statistics.median(values),
             duration / statistics.median(values)]
            for (backend, render), values in times.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="*", default=None,
                        help="registry names (default: every one with offline weights)")
    parser.add_argument("--batch-size", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="timed batches per backend")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--repeat", type=int, default=1, help="rounds of table 2")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--skip-rtf", action="store_true", help="table 1 only")
    args = parser.parse_args()
    threads = args.threads or len(os.sched_getaffinity(0))
    torch.set_num_threads(threads)
    model_dir = str(default_model_dir())
    # Streams of other modalities (flow, RGB difference) take other inputs than real RGB clips.
    names = args.models or [e.name for e in models.list_models() if e.modality == "rgb"
                            and models.weights_available(e, model_dir=model_dir)]
    print_table(f"windows scored per second (model alone, batch {args.batch_size}, {threads} "
                f"threads; max |diff| of probabilities vs torch)",
                ["model", "input TxHxW", "backend", "precision", "runs in", "windows/s",
                 "max |diff|"],
                model_rows(names, model_dir=model_dir, batch_size=args.batch_size,
                           rounds=args.rounds, threads=threads))
    if not args.skip_rtf:
        print_table(f"{DEFAULT_DETECTOR}: `inference.pipeline.run` of a {args.seconds:g} s "
                    f"1280x720 clip, {threads} threads, median of {args.repeat}",
                    ["backend", "render", "wall_s", "rtf (video s / wall s)"],
                    rtf_rows(seconds=args.seconds, model_dir=model_dir, repeat=args.repeat,
                             threads=threads))


if __name__ == "__main__":
    main()
