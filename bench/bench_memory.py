"""Peak memory of ``analyze`` for a 1-minute and a 10-minute 720p clip (it must stay flat).

    .venv/bin/python -m bench.bench_memory [--minutes 1 10] [--model r2plus1d_18]

Each analysis runs in its own process (``python -m inference analyze``, annotated render
included); its peak RSS comes from ``wait4``'s resource usage for that child alone.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

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
    args = parser.parse_args()
    rows = []
    first_rss = None
    for minutes in args.minutes:
        clip = make_clip(REPO / "bench" / "out" / f"clip_{int(minutes * 60)}s_720p.mp4",
                         seconds=minutes * 60)
        with tempfile.TemporaryDirectory() as out:
            rss, wall = peak_rss_mib([
                sys.executable, "-m", "inference", "analyze", str(clip), "--model", args.model,
                "--weights", "none", "--out", out, "--stride-sec", str(args.stride_sec)])
        first_rss = first_rss or rss
        rows.append([f"{minutes:g} min 1280x720", rss, rss / first_rss, wall])
    print_table(f"peak RSS of `python -m inference analyze` ({args.model}, render included)",
                ["clip", "peak_rss_mib", "x first", "wall_s"], rows)


if __name__ == "__main__":
    main()
