"""Scale-out: one long video on 1 worker vs N workers (time chunks, then one merge).

    .venv/bin/python -m bench.bench_scaleout [--minutes 20] [--workers 1,2] [--chunk-sec 300]
        [--model r3d_18 --clip-len 8] [--stride-sec 1] [--render]

A looped real clip (``bench.clips.make_clip``: street CCTV, 640x360, 30 fps, H.264) is analysed
(1) as today, ``inference.pipeline.run`` in one process, and (2) as chunks
(``inference.chunks``): every chunk on a pool of N worker processes (spawned, one model each,
taking the next chunk when free as Celery workers with prefetch 1 do), then the merge in this
process. Each worker runs torch on one thread (``num_threads=1``): N workers use N cores.
Decoding uses FFmpeg's own threads in every row.

The table gives wall time, the speed-up over today's single run and whether the merged
results equal the single run's: the same segments (max |score diff|) and the same events,
both under the config's thresholds and at the median score of the watched label (where
events open and close all over the video, across chunk borders).

``--pin-cores`` gives every process one core of its own (``sched_setaffinity``: the single run
and worker 1 on core 0, worker 2 on core 1, ...), so "1 worker" is one core doing everything
(decode and model) and N workers are N cores: without it a single process already spreads its
decode and model threads over both cores of a 2-core machine, and a second worker has no core
left to use.

The default model is the cheap ``r3d_18`` with random weights at 8 frames per window (same
compute as trained weights); the chunking, not the model, is what this measures.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.queues import Queue

import numpy as np

from bench.clips import REPO, make_clip, print_table
from inference.chunks import Chunk, ChunkScores, analyse_chunk, merge_chunks, plan_chunks
from inference.events import detect_events
from inference.pipeline import run
from inference.probe import probe
from inference.types import EventRules, PipelineConfig, Results


def _score_chunk(path: str, config: PipelineConfig, chunk: Chunk) -> ChunkScores:
    return analyse_chunk(path, config=config, chunk=chunk)


def _pin_to_next_core(cores: Queue[int] | None) -> None:
    if cores is not None:
        os.sched_setaffinity(0, {cores.get()})


def run_on_workers(path: str, *, config: PipelineConfig, chunk_sec: float, workers: int,
                   out_dir: str, pin_cores: bool = False) -> tuple[Results, int]:
    """Chunks on ``workers`` spawned processes, then the merge here; ``(results, chunks)``.
    With ``pin_cores`` each process runs on one core of its own."""
    meta = probe(path, limits=config.limits)
    chunks = plan_chunks(duration_sec=meta.duration_sec, segment_sec=config.segment_sec,
                         stride_sec=config.stride_sec, chunk_sec=chunk_sec)
    context = multiprocessing.get_context("spawn")  # torch and fork do not mix
    cores: Queue[int] | None = None
    if pin_cores:
        cores = context.Queue()
        available = sorted(os.sched_getaffinity(0))
        for index in range(workers):
            cores.put(available[index % len(available)])
    with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                             initializer=_pin_to_next_core, initargs=(cores,)) as pool:
        parts = list(pool.map(_score_chunk, [path] * len(chunks), [config] * len(chunks),
                              chunks))
    return merge_chunks(path, config=config, parts=parts, out_dir=out_dir), len(chunks)


def compare(single: Results, merged: Results) -> tuple[float, bool, bool]:
    """``(max |score diff|, events equal, events equal at the median threshold)``."""
    if [(s.index, s.start_sec, s.end_sec) for s in single.segments] != \
            [(s.index, s.start_sec, s.end_sec) for s in merged.segments]:
        return float("inf"), False, False
    diff = max((abs(a.scores[k] - b.scores.get(k, np.inf)) for a, b in
                zip(single.segments, merged.segments, strict=True) for k in a.scores),
               default=0.0)
    label = single.watched_labels[0]
    median = float(np.median([s.scores[label] for s in single.segments]))
    rules = EventRules(enter_threshold=median, exit_threshold=median)

    def spans(results: Results) -> list[tuple[str, float, float]]:
        return [(e.label, e.start_sec, e.end_sec)
                for e in detect_events(results.segments, labels=(label,), rules=rules)]

    same = [(e.label, e.start_sec, e.end_sec) for e in single.events] == \
        [(e.label, e.start_sec, e.end_sec) for e in merged.events]
    return diff, same, spans(single) == spans(merged) and len(spans(single)) > 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--workers", default="1,2", help="worker counts for chunked runs")
    parser.add_argument("--chunk-sec", type=float, default=300.0)
    parser.add_argument("--model", default="r3d_18")
    parser.add_argument("--weights", default="none")
    parser.add_argument("--clip-len", type=int, default=8)
    parser.add_argument("--stride-sec", type=float, default=1.0, help="2 s windows every ...")
    parser.add_argument("--render", action="store_true", help="render the annotated video")
    parser.add_argument("--pin-cores", action="store_true",
                        help="one core per process: the single run and each worker")
    args = parser.parse_args()
    all_cores = os.sched_getaffinity(0)

    seconds = args.minutes * 60
    clip = make_clip(REPO / "bench" / "out" / f"clip-{seconds:g}s-360p.mp4", seconds=seconds,
                     width=640, height=360)
    config = PipelineConfig(model=args.model, weights=args.weights, clip_len=args.clip_len,
                            render=args.render, num_threads=1, batch_size=4,
                            segment_sec=2.0, stride_sec=args.stride_sec,
                            render_max_height=360)
    rows: list[list[object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.pin_cores:
            os.sched_setaffinity(0, {min(all_cores)})
        started = time.perf_counter()
        single = run(str(clip), config=config, out_dir=f"{tmp}/single")
        single_sec = time.perf_counter() - started
        os.sched_setaffinity(0, all_cores)
        rows.append(["1 (one task, today)", 1, single_sec, 1.0, seconds / single_sec, "-",
                     "-", "-"])
        print(f"single run: {single_sec:.1f} s, {len(single.segments)} windows", flush=True)
        for workers in (int(w) for w in args.workers.split(",")):
            started = time.perf_counter()
            merged, chunks = run_on_workers(str(clip), config=config, chunk_sec=args.chunk_sec,
                                            workers=workers, out_dir=f"{tmp}/w{workers}",
                                            pin_cores=args.pin_cores)
            wall_sec = time.perf_counter() - started
            diff, same, same_median = compare(single, merged)
            rows.append([f"{workers} (chunks + merge)", chunks, wall_sec,
                         single_sec / wall_sec, seconds / wall_sec, f"{diff:.1e}", same,
                         same_median])
            print(f"{workers} worker(s): {wall_sec:.1f} s", flush=True)
    render = "on" if args.render else "off"
    pinned = ", one core per process" if args.pin_cores else ""
    print_table(f"Scale-out{pinned}: {args.minutes:g} min 640x360 30 fps clip, {args.model} "
                f"({args.weights} weights, {args.clip_len} frames/window), 2 s windows every "
                f"{args.stride_sec:g} s, chunks of {args.chunk_sec:g} s, render {render}",
                ["workers", "chunks", "wall s", "speed-up", "x real time",
                 "max |diff|", "events ==", "median events =="], rows)


if __name__ == "__main__":
    main()
