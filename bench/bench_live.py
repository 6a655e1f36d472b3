"""Live cameras on this machine: cameras per machine at 720p/15 fps, and incident latency.

    VIGIL_MODEL_DIR=/work/models .venv/bin/python -m bench.bench_live \
        [--model fight_detector] [--threads 2] [--decode-streams 3] [--decode-sec 20] [--runs 5]

1. **Scoring**: seconds and CPU core-seconds per window of the model (real clips: windows of
   a 720p fight clip cut by the live path's own code), ``--threads`` torch threads.
2. **Decoding**: ``--decode-streams`` RTSP cameras (gst-rtsp-server on loopback, 1280x720,
   15 fps, H.264) watched at once by ``LiveMonitor``s whose windows are all dropped before the
   model (``max_lag_sec=0``), so the process's CPU time is the whole decode path: RTP, H.264
   decode, pre-roll scaling, window sampling and crops. Core-seconds per stream-second.
3. **Cameras per machine**: ``cores / (decode + model / stride)`` for strides 1 and 2 s, the
   windows scored per second the cores allow, and so the stride each camera gets.
4. **Latency**: ``--runs`` times, a camera shows 8 s of people walking then a fight; for each
   run, window scored -> ``on_incident`` and fight on screen -> ``on_incident`` (the second
   includes the window length and the model's time). Median and p95.

Needs ``/usr/bin/python3`` with gst-rtsp-server and the ``ffmpeg`` binary (scripts/setup.sh
--test installs them). Numbers are for this machine under its current load (printed).
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import torch

from bench.clips import print_table
from inference.batches import iter_clips
from inference.live import LiveConfig, LiveIncident, LiveMonitor, scorer_for
from inference.models import recommended_threshold
from inference.probe import probe
from inference.sampling import windows
from tests.live_servers import RtspServer

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "clips" / "samples"
CALM_SEC = 8.0
SIZE = "1280:720"


def make_720p(out: Path) -> tuple[Path, Path]:
    """``fight.mp4`` (fight_0002's fight, 12-34 s, looped x4) and ``calm_then_fight.mp4``
    (vtest for 8 s, then the fight), both 1280x720, 15 fps, H.264, 1 s GOP."""
    encode = ["-an", "-c:v", "libx264", "-preset", "veryfast", "-bf", "0", "-g", "15",
              "-pix_fmt", "yuv420p"]
    scale = f"scale={SIZE},fps=15,setsar=1,setpts=PTS-STARTPTS"
    fight = out / "fight.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-stream_loop", "3", "-ss", "12", "-t", "88",
                    "-i", str(SAMPLES / "fight_0002.mpeg"), "-vf", scale, *encode, str(fight)],
                   check=True, timeout=600)
    mixed = out / "calm_then_fight.mp4"
    graph = (f"[0:v]trim=0:{CALM_SEC},{scale}[a];[1:v]trim=12:34,{scale}[b];"
             "[a][b]concat=n=2:v=1[v]")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(SAMPLES / "vtest.avi"), "-i",
                    str(SAMPLES / "fight_0002.mpeg"), "-filter_complex", graph, "-map", "[v]",
                    *encode, str(mixed)], check=True, timeout=600)
    return fight, mixed


def bench_scoring(config: LiveConfig, clip_path: Path, *, count: int) -> tuple[float, float]:
    """``(wall seconds, CPU core-seconds)`` per window, mean of ``count`` after a warm-up."""
    scorer = scorer_for(config)
    meta = probe(str(clip_path))
    plan = windows(duration_sec=meta.duration_sec, clip_len=scorer.clip_len,
                   segment_sec=config.window_sec, stride_sec=config.stride_sec)[:count + 1]
    clips = [(w, c) for w, c in iter_clips(meta, plan, spec=scorer.spec)]
    scorer.score(*clips[0])
    wall, cpu = time.perf_counter(), time.process_time()
    for window, clip in clips[1:]:
        scorer.score(window, clip)
    return (time.perf_counter() - wall) / count, (time.process_time() - cpu) / count


def bench_decode(config: LiveConfig, clip_path: Path, *, streams: int, seconds: float,
                 work: Path) -> tuple[float, float]:
    """``(core-seconds per stream-second, fps in per stream)`` of ``streams`` cameras."""
    decode_only = dataclasses.replace(config, max_lag_sec=0.0)
    servers = [RtspServer(clip_path).start() for _ in range(streams)]
    monitors = [LiveMonitor(s.url, config=decode_only, clip_dir=work / f"clips{i}",
                            on_incident=lambda incident: None) for i, s in enumerate(servers)]
    try:
        for monitor in monitors:
            monitor.start()
        deadline = time.monotonic() + 60
        while any(m.metrics().frames_in < 30 for m in monitors):
            if time.monotonic() > deadline:
                raise RuntimeError("the cameras did not go live")
            time.sleep(0.2)
        frames = sum(m.metrics().frames_in for m in monitors)
        wall, cpu = time.perf_counter(), time.process_time()
        time.sleep(seconds)
        cpu = time.process_time() - cpu
        wall = time.perf_counter() - wall
        frames = sum(m.metrics().frames_in for m in monitors) - frames
    finally:
        for monitor in monitors:
            monitor.stop()
        for server in servers:
            server.kill()
    return cpu / (wall * streams), frames / (wall * streams)


def bench_latency(config: LiveConfig, clip_path: Path, *, runs: int, work: Path,
                  window_sec: float) -> list[tuple[float, float, float]]:
    """Per run: ``(scored -> incident, fight on screen -> incident, incident score)``; a run
    gives up after the calm part plus a few windows' model time (``window_sec`` each)."""
    results = []
    give_up_sec = CALM_SEC + 30.0 + 6 * window_sec
    for run in range(runs):
        live_at: list[float] = []
        got: list[tuple[float, LiveIncident]] = []
        done = threading.Event()

        def on_state(state: str, _reason: str, live_at: list[float] = live_at) -> None:
            if state == "live" and not live_at:
                live_at.append(time.monotonic())

        def on_incident(incident: LiveIncident, got: list[tuple[float, LiveIncident]] = got,
                        done: threading.Event = done) -> None:
            got.append((time.monotonic(), incident))
            done.set()

        with RtspServer(clip_path) as server:
            monitor = LiveMonitor(server.url, config=config, clip_dir=work / f"latency{run}",
                                  on_incident=on_incident, on_state=on_state)
            monitor.start()
            done.wait(give_up_sec)
            monitor.stop(timeout_sec=give_up_sec)
        if not got or not live_at:
            print(f"run {run}: no incident within {give_up_sec:.0f} s")
            continue
        at, incident = got[0]
        results.append((at - incident.scored_monotonic, at - (live_at[0] + CALM_SEC),
                        incident.peak_score))
    return results


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="fight_detector")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--cores", type=float, default=2.0)
    parser.add_argument("--windows", type=int, default=4)
    parser.add_argument("--decode-streams", type=int, default=3)
    parser.add_argument("--decode-sec", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=5, help="latency runs (0: none)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    config = LiveConfig(model_name=args.model, threshold=recommended_threshold(args.model),
                        num_threads=args.threads, model_dir=os.environ.get("VIGIL_MODEL_DIR"),
                        max_lag_sec=2.0)
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start; "
          f"torch threads {args.threads}; model {args.model}")
    with tempfile.TemporaryDirectory(prefix="vigil-bench-live-") as tmp:
        work = Path(tmp)
        fight, mixed = make_720p(work)
        model_wall, model_cpu = bench_scoring(config, fight, count=args.windows)
        decode_cpu, fps_in = bench_decode(config, fight, streams=args.decode_streams,
                                          seconds=args.decode_sec, work=work)
        print_table("Per camera at 1280x720, 15 fps (H.264 over RTSP)",
                    ["what", "seconds", "core-seconds"],
                    [["model, per window", model_wall, model_cpu],
                     ["decode path, per stream-second", "", decode_cpu],
                     ["frames in per second per camera", fps_in, ""]])
        rows: list[list[object]] = []
        for stride_sec in (1.0, 2.0):
            per_camera = decode_cpu + model_cpu / stride_sec
            rows.append([stride_sec, per_camera, args.cores / per_camera])
        decode_only = args.cores / decode_cpu
        rows.append(["(decode only)", decode_cpu, decode_only])
        print_table(f"Cameras per {args.cores:g}-core machine",
                    ["stride (s)", "core-s per camera-second", "cameras"], rows)
        latencies = bench_latency(config, mixed, runs=args.runs, work=work,
                                  window_sec=model_wall)
    scored = [r[0] for r in latencies]
    onset = [r[1] for r in latencies]
    print_table(f"Latency over {len(latencies)} of {args.runs} runs (seconds)",
                ["from", "median", "p95", "max"],  # (empty rows: no incident in time)
                [["window scored -> on_incident", statistics.median(scored) if scored else 0.0,
                  percentile(scored, 95), max(scored, default=0.0)],
                 ["fight on screen -> on_incident", statistics.median(onset) if onset else 0.0,
                  percentile(onset, 95), max(onset, default=0.0)]])
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
