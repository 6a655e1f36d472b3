"""Live soak: one ``LiveMonitor`` over an hour of camera footage, resident memory sampled.

    VIGIL_MODEL_DIR=/work/models nice -n 10 .venv/bin/python -m bench.bench_live_soak \
        [--camera-sec 3600] [--speed 4] [--model fight_detector] [--threads 2] \
        [--sample-sec 10] [--row-min 5] [--warm-min 5] [--work DIR]

The camera is the loopback RTSP server (gst-rtsp-server, :class:`tests.live_servers.RtspServer`)
serving the fight clip (``fight_0002``, 384x216, 25 fps) looped to ``--camera-sec`` seconds of
footage and re-timed ``--speed`` times faster (:func:`tests.live_servers.looped_h264`: every
frame kept, ``25 x speed`` fps), so an hour of a 25 fps camera's frames goes through decoding,
the pre-roll buffer, window sampling, the model, incidents and their clips in
``camera-sec / speed`` seconds. A window every second of the (faster) stream is more than the
model scores, so windows are dropped all along, as on a camera whose model falls behind.

Every ``--sample-sec`` seconds it reads this process's RSS (``/proc/self/status``) and the
monitor's metrics, and prints a row every ``--row-min`` camera minutes (camera minutes: frames
decoded / 25 fps / 60): RSS, its peak so far, windows scored / dropped, reconnects, incidents.
The summary compares the RSS after ``--warm-min`` camera minutes (model loaded, buffers full)
with the highest RSS after it. Clips go to a temporary folder, deleted at the end.
"""
from __future__ import annotations

import argparse
import math
import os
import tempfile
import time
from pathlib import Path

from bench.clips import SAMPLES, print_table
from inference.live import LiveConfig, LiveMonitor
from inference.models import recommended_threshold
from tests.live_servers import RtspServer, looped_h264

SOURCE = SAMPLES / "fight_0002.mpeg"
SOURCE_FPS = 25.0
SOURCE_SEC = 35.0


def rss_mib() -> float:
    """This process's resident memory (MiB)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def soak(*, clip: Path, config: LiveConfig, camera_sec: float, sample_sec: float,
         row_min: float, work: Path) -> tuple[list[list[object]], list[tuple[float, float]]]:
    """Run the monitor until ``camera_sec`` of footage was decoded (or the stream ended for
    good); return the printed rows and every ``(camera minute, RSS MiB)`` sample."""
    incidents: list[object] = []
    rows: list[list[object]] = []
    samples: list[tuple[float, float]] = []
    peak = 0.0
    next_row = 0.0
    with RtspServer(clip) as server:
        monitor = LiveMonitor(server.url, config=config, clip_dir=work / "clips",
                              on_incident=incidents.append)
        started = time.monotonic()
        monitor.start()
        try:
            while True:
                metrics = monitor.metrics()
                minute = metrics.frames_in / SOURCE_FPS / 60
                rss = rss_mib()
                peak = max(peak, rss)
                samples.append((minute, rss))
                done = minute * 60 >= camera_sec
                if minute >= next_row or done:
                    rows.append([f"{minute:.1f}", f"{(time.monotonic() - started) / 60:.1f}",
                                 round(rss), round(peak), metrics.windows_scored,
                                 metrics.windows_dropped, metrics.reconnects, len(incidents),
                                 metrics.state])
                    print("  ".join(str(cell) for cell in rows[-1]), flush=True)
                    next_row = math.floor(minute / row_min + 1) * row_min
                if done:
                    break
                if time.monotonic() - started > 2 * camera_sec:
                    print("giving up: the stream ran at less than half the expected rate")
                    break
                time.sleep(sample_sec)
        finally:
            monitor.stop(timeout_sec=60)
    return rows, samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--camera-sec", type=float, default=3600.0,
                        help="seconds of 25 fps camera footage to send")
    parser.add_argument("--speed", type=float, default=4.0,
                        help="how many times faster than real time the stream runs")
    parser.add_argument("--model", default="fight_detector")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--sample-sec", type=float, default=10.0)
    parser.add_argument("--row-min", type=float, default=5.0)
    parser.add_argument("--warm-min", type=float, default=5.0)
    parser.add_argument("--work", type=Path, default=None,
                        help="folder to keep the transcoded stream in between runs")
    args = parser.parse_args()
    config = LiveConfig(model_name=args.model, threshold=recommended_threshold(args.model),
                        num_threads=args.threads, model_dir=os.environ.get("VIGIL_MODEL_DIR"))
    loops = math.ceil((args.camera_sec + 60) / SOURCE_SEC)
    work_dir = args.work or Path(tempfile.gettempdir()) / "vigil-bench-live-soak"
    work_dir.mkdir(parents=True, exist_ok=True)
    clip = looped_h264(SOURCE, work_dir / f"fight-x{loops}-speed{args.speed:g}.mp4",
                       loops=loops, speed=args.speed)
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start; "
          f"model {args.model}, {args.threads} torch threads; {args.camera_sec:g} s of "
          f"384x216 25 fps footage at {args.speed:g}x ({SOURCE_FPS * args.speed:g} fps)")
    header = ["camera min", "wall min", "RSS MiB", "peak MiB", "scored", "dropped",
              "reconnects", "incidents", "state"]
    print("  ".join(header), flush=True)
    with tempfile.TemporaryDirectory(prefix="vigil-bench-live-soak-") as tmp:
        rows, samples = soak(clip=clip, config=config, camera_sec=args.camera_sec,
                             sample_sec=args.sample_sec, row_min=args.row_min, work=Path(tmp))
    print_table(f"Soak: {args.model}, {args.camera_sec:g} s of footage at {args.speed:g}x",
                header, rows)
    warm = [rss for minute, rss in samples if minute >= args.warm_min]
    if warm:
        print(f"\nRSS after {args.warm_min:g} camera minutes: {warm[0]:.0f} MiB; highest after "
              f"it {max(warm):.0f} MiB (+{max(warm) - warm[0]:.0f}); at the end "
              f"{warm[-1]:.0f} MiB; load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
