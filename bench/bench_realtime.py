"""Real-time factor of the default detector against the decode-only floor, before vs after
shared scoring (:mod:`inference.spans`).

    .venv/bin/python -m bench.bench_realtime [--seconds 60] [--model fight_detector]
        [--weights default] [--modes auto] [--backends torch,openvino,onnx]

On the 60 s 1280x720 clip of :func:`bench.clips.make_clip`, in one run:
  decode all     every frame decoded, none converted (the codec's own cost);
  decode floor   what an analysis must decode: the sampled frames, scaled to the model's size
                 (``inference.batches.iter_clips`` over the analysis's windows);
  pipeline       ``inference.pipeline.run`` with and without the render, per inference backend
                 (``--backends``; each converted and loaded on a 4 s clip before the clock) and
                 per ``--modes``: each window scored on its own (``VIGIL_SHARED_SCORING=0``,
                 before), shared scoring where it holds (``auto``, after), span pooling forced
                 (``span``).
Wall and CPU seconds (all threads of this process) are printed: on a busy machine the CPU
seconds are the steadier number. Ratio = pipeline wall / decode-floor wall.
"""
from __future__ import annotations

import argparse
import dataclasses
import functools
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.clips import REPO, make_clip, print_table
from inference.backends import BACKENDS, runtime_available
from inference.batches import iter_clips
from inference.decode import iter_frames
from inference.pipeline import load_model, run
from inference.probe import probe
from inference.sampling import windows
from inference.spans import SHARED_SCORING_ENV
from inference.types import PipelineConfig

#: ``$VIGIL_SHARED_SCORING`` values and what the table calls them.
MODES = {"0": "per window (before)", "auto": "shared where it holds",
         "span": "span pooling forced"}


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """``(wall s, CPU s)`` of one call."""
    cpu, wall = time.process_time(), time.perf_counter()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def decode_all(path: Path) -> None:
    for _ in iter_frames(probe(str(path))):
        pass


def decode_floor(path: Path, config: PipelineConfig) -> None:
    spec = load_model(config).info.input_spec
    meta = probe(str(path))
    plan = windows(duration_sec=meta.duration_sec, clip_len=config.clip_len or spec.clip_len,
                   segment_sec=config.segment_sec, stride_sec=config.stride_sec)
    for _ in iter_clips(meta, plan, spec=spec):
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--model", default="fight_detector")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--weights", default="default",
                        help="'none' for models without shipped weights (same compute)")
    parser.add_argument("--modes", default="auto",
                        help=f"${SHARED_SCORING_ENV} values to compare: {MODES}")
    parser.add_argument("--backends", default=",".join(BACKENDS),
                        help="inference backends to compare (those installed)")
    args = parser.parse_args()
    path = make_clip(REPO / "bench" / "out" / f"cctv-{args.seconds:.0f}s-720p.mp4",
                     seconds=args.seconds)
    config = PipelineConfig(model=args.model, weights=args.weights, num_threads=args.threads,
                            model_dir=os.environ.get("VIGIL_MODEL_DIR"))
    load_model(config)  # built once, outside every timing
    rows: list[list[object]] = []
    floor_wall, floor_cpu = timed(lambda: decode_floor(path, config))
    all_wall, all_cpu = timed(lambda: decode_all(path))
    rows.append(["decode all frames", "-", "-", all_wall, all_cpu, args.seconds / all_wall, "-"])
    rows.append(["decode floor (sampled, scaled)", "-", "-", floor_wall, floor_cpu,
                 args.seconds / floor_wall, 1.0])
    backends = [b for b in args.backends.split(",") if runtime_available(b)]
    warm_clip = make_clip(REPO / "bench" / "out" / "cctv-4s-720p.mp4", seconds=4)
    previous = os.environ.get(SHARED_SCORING_ENV)
    try:
        for backend in backends:
            backend_config = dataclasses.replace(config, backend=backend)
            with tempfile.TemporaryDirectory() as out:  # convert + load outside the clock
                run(str(warm_clip), config=dataclasses.replace(backend_config, render=False),
                    out_dir=out)
            for shared in args.modes.split(","):
                os.environ[SHARED_SCORING_ENV] = shared
                for render in (False, True):
                    with tempfile.TemporaryDirectory() as out:
                        wall, cpu = timed(functools.partial(
                            run, str(path),
                            config=dataclasses.replace(backend_config, render=render),
                            out_dir=out))
                    rows.append([f"pipeline {'with' if render else 'without'} render",
                                 backend, MODES.get(shared, shared), wall, cpu,
                                 args.seconds / wall, wall / floor_wall])
                    print("measured:", *rows[-1], flush=True)  # long runs: progress
    finally:
        if previous is None:
            os.environ.pop(SHARED_SCORING_ENV, None)
        else:
            os.environ[SHARED_SCORING_ENV] = previous
    print_table(f"{args.model} on {args.seconds:.0f} s of 1280x720 CCTV, {args.threads} threads "
                f"(load average {os.getloadavg()[0]:.1f} at the end)",
                ["what", "backend", "scoring", "wall s", "CPU s", "x real time",
                 "/ decode floor"], rows)


if __name__ == "__main__":
    main()
