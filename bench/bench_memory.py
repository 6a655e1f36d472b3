"""Peak memory of ``analyze`` for a 1-minute and a 10-minute 720p clip (it must stay flat).

    .venv/bin/python -m bench.bench_memory [--minutes 1 10] [--model r2plus1d_18]
        [--weights none] [--backends torch openvino onnx]

Each analysis runs in its own process (``python -m inference analyze``, annotated render
included); its peak RSS comes from ``wait4``'s resource usage for that child alone. With
``--backends``, one row per backend (a short clip of the same size is analysed first, so the
conversion is cached and not measured); ``openvino`` also measures the torch-free scorer
(:func:`inference.backends.score.score_video`: scoring only, no render, no torch import).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

from bench.clips import REPO, make_clip, print_table


def peak_rss_mib(argv: list[str]) -> tuple[float, float]:
    """Run ``argv`` to completion; return (peak RSS MiB, wall seconds)."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, cwd=REPO, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed with {child.returncode}")
    return usage.ru_maxrss / 1024, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, nargs="+", default=[1.0, 10.0])
    parser.add_argument("--model", default="r2plus1d_18")
    parser.add_argument("--stride-sec", type=float, default=1.0)
    parser.add_argument("--weights", default="none")
    parser.add_argument("--backends", nargs="*", default=[],
                        help="one row per inference backend (torch, openvino, onnx)")
    args = parser.parse_args()
    rows = []
    first_rss: dict[str, float] = {}
    runs = {backend or "default": _analyze_argv(args, backend) for backend in args.backends or [""]}
    if "openvino" in args.backends:
        runs["openvino, torch-free scorer"] = _scorer_argv(args)
    if args.backends:  # convert once, outside the measurements
        warm = make_clip(REPO / "bench" / "out" / "clip_4s_720p.mp4", seconds=4)
        for backend in args.backends:
            with tempfile.TemporaryDirectory() as out:
                peak_rss_mib([*_analyze_argv(args, backend)(str(warm), out), "--no-render"])
    for minutes in args.minutes:
        clip = make_clip(REPO / "bench" / "out" / f"clip_{int(minutes * 60)}s_720p.mp4",
                         seconds=minutes * 60)
        for name, argv in runs.items():
            with tempfile.TemporaryDirectory() as out:
                rss, wall = peak_rss_mib(argv(str(clip), out))
            first_rss.setdefault(name, rss)
            rows.append([f"{minutes:g} min 1280x720", name, rss, rss / first_rss[name], wall])
    print_table(f"peak RSS of `python -m inference analyze` ({args.model}, render included)",
                ["clip", "backend", "peak_rss_mib", "x first", "wall_s"], rows)


def _analyze_argv(args: argparse.Namespace, backend: str) -> Callable[[str, str], list[str]]:
    def argv(clip: str, out: str) -> list[str]:
        return [sys.executable, "-m", "inference", "analyze", clip, "--model", args.model,
                "--weights", args.weights, "--out", out, "--stride-sec", str(args.stride_sec),
                *(["--backend", backend] if backend else [])]
    return argv


def _scorer_argv(args: argparse.Namespace) -> Callable[[str, str], list[str]]:
    def argv(clip: str, out: str) -> list[str]:
        code = ("import sys; from inference.backends.score import score_video; "
                f"score_video(sys.argv[1], model={args.model!r}, stride_sec={args.stride_sec}); "
                "assert 'torch' not in sys.modules")
        return [sys.executable, "-c", code, clip]
    return argv


if __name__ == "__main__":
    main()
