"""Command line: ``python -m inference analyze|models|probe``.

Bad input ends with one line on stderr and a non-zero exit code, never a traceback
(``--debug`` shows it): 3 = the video was rejected, 4 = model/weights/labels problem,
5 = cancelled, 1 = anything unexpected.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from typing import TextIO

from inference.backends import BACKENDS
from inference.errors import Cancelled, ModelError, VideoRejected, VigilError
from inference.types import FLOW_METHODS, EventRules, PipelineConfig, ProbeLimits, Results

EXIT_REJECTED = 3
EXIT_MODEL = 4
EXIT_CANCELLED = 5
DEFAULT_LIMITS = ProbeLimits()


class ProgressBar:
    """Stage and percent on one redrawn terminal line; silent when not a terminal."""

    def __init__(self, stream: TextIO, *, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.tty = stream.isatty()
        self.stage = ""
        self.last_draw = 0.0

    def __call__(self, stage: str, fraction: float) -> None:
        if not self.tty:
            return
        now = time.monotonic()
        changed = stage != self.stage
        if not changed and fraction < 1.0 and now - self.last_draw < 0.1:
            return
        self.last_draw = now
        if changed and self.stage:
            self.stream.write("\n")
        filled = round(self.width * fraction)
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r{stage:<10} [{bar}] {fraction * 100:5.1f}%")
        self.stage = stage
        self.stream.flush()

    def close(self) -> None:
        if self.tty and self.stage:
            self.stream.write("\n")
            self.stream.flush()


def _labels(value: str) -> tuple[str, ...]:
    return tuple(label.strip() for label in value.split(",") if label.strip())


def _fusion_weights(value: str) -> dict[str, float]:
    weights: dict[str, float] = {}
    for item in _labels(value):
        name, sep, number = item.partition("=")
        try:
            weights[name.strip()] = float(number)
        except ValueError:
            sep = ""
        if not sep or not name.strip():
            raise argparse.ArgumentTypeError(f"expected modality=weight, got {item!r}")
    return weights


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m inference",
                                     description="Vigil action recognition on video files.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True)

    analyze = sub.add_parser("analyze", help="analyse videos: results.json + annotated.mp4")
    analyze.add_argument("videos", nargs="+", metavar="video",
                         help="video files or folders (every video file in a folder)")
    analyze.add_argument("--model", default="i3d",
                         help="registry name (see `models`): i3d (Kinetics-400 actions), "
                              "fight_detector, fall_detector, ...")
    analyze.add_argument("--weights", default="default",
                         help="'default' (shipped, converted or downloaded weights), a weights "
                              "file, or 'none' (random init, for tests only)")
    analyze.add_argument("--model-dir", default=None, help="where downloaded weights live")
    analyze.add_argument("--out", required=True,
                         help="output folder (one subfolder per video when given several)")
    analyze.add_argument("--device", default="cpu", help="cpu, cuda, cuda:N or auto")
    analyze.add_argument("--segment-sec", type=float, default=2.0)
    analyze.add_argument("--stride-sec", type=float, default=1.0)
    analyze.add_argument("--clip-len", type=int, default=None, help="frames per window")
    analyze.add_argument("--labels", type=_labels, default=(),
                         help="comma-separated labels to watch (events, chart)")
    analyze.add_argument("--threshold", type=float, default=None,
                         help="event enter threshold (default: the detector's model-card "
                              "threshold, else 0.5)")
    analyze.add_argument("--exit-threshold", type=float, default=None)
    analyze.add_argument("--min-event-sec", type=float, default=0.0)
    analyze.add_argument("--merge-gap-sec", type=float, default=0.0)
    analyze.add_argument("--batch-size", type=int, default=2)
    analyze.add_argument("--threads", type=int, default=None, help="CPU threads for the model")
    analyze.add_argument("--top-k", type=int, default=5)
    analyze.add_argument("--no-render", action="store_true", help="skip annotated.mp4")
    analyze.add_argument("--render-height", type=int, default=360,
                         help="max height of annotated.mp4")
    analyze.add_argument("--max-duration-sec", type=float, default=DEFAULT_LIMITS.max_duration_sec)
    analyze.add_argument("--max-height", type=int, default=DEFAULT_LIMITS.max_height,
                         help="largest accepted frame height (width limit scales with it)")
    analyze.add_argument("--modalities", type=_labels, default=(),
                         help="streams to run and fuse, e.g. rgb,flow (default: the model's); "
                              "stream <m> uses model <model>.<m>")
    analyze.add_argument("--fusion-weights", type=_fusion_weights, default={},
                         help="late-fusion weights, e.g. rgb=1,flow=1.5 (others 1)")
    analyze.add_argument("--flow-method", default="dis", choices=list(FLOW_METHODS),
                         help="optical flow for flow streams (tvl1 is accurate but slow)")
    analyze.add_argument("--flow-cache-dir", default=None,
                         help="cache computed flow here (default: $VIGIL_FLOW_CACHE_DIR)")
    analyze.add_argument("--backend", default=None, choices=["auto", *BACKENDS],
                         help="who runs the model on the CPU (default: "
                              "$VIGIL_INFERENCE_BACKEND, else auto = openvino if installed)")

    sub.add_parser("models", help="list the registered models")

    probe_cmd = sub.add_parser("probe", help="check a file and print what it contains")
    probe_cmd.add_argument("video")
    return parser


def _config(args: argparse.Namespace) -> PipelineConfig:
    if args.threshold is None:
        from inference.models import recommended_threshold  # noqa: PLC0415

        args.threshold = recommended_threshold(args.model)
    for name in ("segment_sec", "stride_sec", "threshold"):
        if getattr(args, name) <= 0:
            raise VigilError(f"--{name.replace('_', '-')} must be positive", code="usage")
    if not 0 < args.threshold <= 1:
        raise VigilError("--threshold must be in (0, 1]", code="usage")
    scale = args.max_height / DEFAULT_LIMITS.max_height
    limits = ProbeLimits(max_duration_sec=args.max_duration_sec,
                         max_height=args.max_height,
                         max_width=int(DEFAULT_LIMITS.max_width * scale),
                         max_pixels=int(DEFAULT_LIMITS.max_pixels * scale * scale))
    return PipelineConfig(
        model=args.model,
        weights=args.weights,
        device=args.device,
        segment_sec=args.segment_sec,
        stride_sec=args.stride_sec,
        clip_len=args.clip_len,
        labels=args.labels,
        events=EventRules(enter_threshold=args.threshold, exit_threshold=args.exit_threshold,
                          min_duration_sec=args.min_event_sec, merge_gap_sec=args.merge_gap_sec),
        batch_size=max(1, args.batch_size),
        num_threads=args.threads,
        top_k=args.top_k,
        render=not args.no_render,
        render_max_height=args.render_height,
        model_dir=args.model_dir,
        limits=limits,
        modalities=args.modalities,
        fusion_weights=args.fusion_weights,
        flow_method=args.flow_method,
        flow_cache_dir=args.flow_cache_dir,
        backend=args.backend or "",
    )


#: File name extensions taken from a folder given to ``analyze``.
VIDEO_EXTENSIONS = (".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".mpeg", ".mpg", ".ts",
                    ".mts", ".flv", ".wmv", ".3gp")


def video_paths(paths: Sequence[str]) -> list[str]:
    """Files as given, folders expanded to their video files (sorted, not recursive)."""
    out: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            found = sorted(os.path.join(path, name) for name in os.listdir(path)
                           if name.lower().endswith(VIDEO_EXTENSIONS)
                           and os.path.isfile(os.path.join(path, name)))
            if not found:
                raise VigilError(f"no video files in folder {path}", code="usage")
            out.extend(found)
        else:
            out.append(path)
    return out


def _analyze(args: argparse.Namespace) -> int:
    """One video: its results and events; several: one line per video, results in
    ``<out>/<name>/``, and the worst exit code (every video is attempted)."""
    from inference.pipeline import ANNOTATED_NAME, RESULTS_NAME, run  # noqa: PLC0415
    from inference.thumbsheet import SHEET_NAME  # noqa: PLC0415

    config = _config(args)
    videos = video_paths(args.videos)
    if len(videos) == 1:
        video, out_dir = videos[0], args.out
        if "flow" in config.modalities and config.flow_method == "tvl1":
            print(_tvl1_estimate(video, config), file=sys.stderr)
        bar = ProgressBar(sys.stderr)
        try:
            results = run(video, config=config, out_dir=out_dir, on_progress=bar)
        finally:
            bar.close()
        print(_summary_line(results))
        for event in results.events:
            print(f"  {event.label}: {event.start_sec:.1f}-{event.end_sec:.1f} s "
                  f"(peak {event.peak_score:.2f})")
        print(os.path.join(out_dir, RESULTS_NAME))
        if config.render:
            print(os.path.join(out_dir, ANNOTATED_NAME))
            print(os.path.join(out_dir, SHEET_NAME))
        return 0
    worst = 0
    names: dict[str, int] = {}
    for video in videos:
        stem = os.path.splitext(os.path.basename(video))[0] or "video"
        names[stem] = names.get(stem, 0) + 1
        out_dir = os.path.join(args.out, stem if names[stem] == 1 else f"{stem}-{names[stem]}")
        try:
            results = run(video, config=config, out_dir=out_dir)
        except VigilError as exc:
            code = _exit_code(exc)
            worst = max(worst, code)
            print(f"{video}\terror [{exc.code}]: {exc.message}")
            continue
        peaks = {label: max((s.scores.get(label, 0.0) for s in results.segments), default=0.0)
                 for label in results.watched_labels}
        events = ", ".join(f"{e.label} {e.start_sec:.1f}-{e.end_sec:.1f} s ({e.peak_score:.2f})"
                           for e in results.events) or "no events"
        peak_text = " ".join(f"max {label}={score:.2f}" for label, score in peaks.items())
        print(f"{video}\t{_summary_line(results)}; {peak_text}; {events}\t{out_dir}")
    return worst


def _summary_line(results: Results) -> str:
    wall = results.timings_sec.get("total", 0.0)
    return (f"{len(results.segments)} segments, {len(results.events)} events, "
            f"{results.video.duration_sec:.1f} s of video in {wall:.1f} s "
            f"({results.video.duration_sec / wall if wall else 0:.2f}x real time)")


def _exit_code(exc: VigilError) -> int:
    if isinstance(exc, VideoRejected):
        return EXIT_REJECTED
    if isinstance(exc, ModelError):
        return EXIT_MODEL
    if isinstance(exc, Cancelled):
        return EXIT_CANCELLED
    return 2 if exc.code == "usage" else 1


def _tvl1_estimate(path: str, config: PipelineConfig) -> str:
    """``TV-L1: N pairs x s/pair ~ T s`` measured on two frames of the video at model size."""
    from inference import flow  # noqa: PLC0415
    from inference.models import get  # noqa: PLC0415
    from inference.pipeline import flow_pairs_needed, iter_clips, stream_model_name  # noqa: PLC0415
    from inference.probe import probe  # noqa: PLC0415
    from inference.types import Window  # noqa: PLC0415

    meta = probe(path, limits=config.limits)
    spec = get(stream_model_name(config.model, "flow")).input_spec
    pairs = flow_pairs_needed(meta, config, spec)
    middle = meta.duration_sec / 2
    step = 1.0 / meta.fps if meta.fps > 0 else 1.0 / 30
    probe_window = Window(0, middle, middle + 2 * step, (round(middle, 6),
                                                         round(middle + step, 6)))
    frames = next(iter(iter_clips(meta, [probe_window], spec=spec)))[1]
    size = (spec.crop_size, spec.crop_size)
    per_pair = flow.seconds_per_pair("tvl1", size=size, sample=flow.to_gray(frames), repeats=1)
    return (f"TV-L1 flow: {pairs} pairs x {per_pair:.3f} s/pair at {size[0]}x{size[1]} "
            f"~ {pairs * per_pair:.0f} s on this machine (dis: see bench/bench_flow.py)")


def _models() -> int:
    from inference.models import list_models, weights_status  # noqa: PLC0415

    for entry in list_models():
        spec = entry.input_spec
        print(f"{entry.name:<31} {entry.family:<18} clip_len={spec.clip_len:<3} "
              f"size={spec.crop_size:<4} weights={entry.default_weights or 'file only'} "
              f"({weights_status(entry)})")
    return 0


def _probe(args: argparse.Namespace) -> int:
    from dataclasses import asdict  # noqa: PLC0415

    from inference.probe import probe  # noqa: PLC0415

    print(json.dumps(asdict(probe(args.video)), indent=1))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "analyze":
            return _analyze(args)
        if args.command == "models":
            return _models()
        return _probe(args)
    except VideoRejected as exc:
        print(f"error: {exc.message} [{exc.code}]", file=sys.stderr)
        return EXIT_REJECTED
    except ModelError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return EXIT_MODEL
    except Cancelled as exc:
        print(f"cancelled: {exc.message}", file=sys.stderr)
        return EXIT_CANCELLED
    except (VigilError, OSError, RuntimeError, ValueError) as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, VigilError) and exc.code == "usage" else 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
