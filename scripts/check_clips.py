"""Run the CLI on every sample clip and N fight-surv clips; check each output.

    .venv/bin/python scripts/check_clips.py [--fight-surv 20] [--model r2plus1d_18]

For each clip: ``python -m inference analyze`` exits 0, ``results.json`` validates, and
``annotated.mp4`` is h264/yuv420p with the moov atom before mdat and a duration within one
frame of the input. Prints a table; exits 1 if any clip fails.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.clips import print_table  # noqa: E402
from inference.mp4 import ffprobe_video, top_level_boxes  # noqa: E402
from inference.probe import probe  # noqa: E402
from inference.results import read_document  # noqa: E402

CLIPS = REPO.parent / "shared" / "clips"


def check(clip: Path, *, model: str) -> list[object]:
    meta = probe(str(clip))
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "inference", "analyze", str(clip),
                               "--model", model, "--weights", "none", "--out", out],
                              cwd=REPO, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
        if done.returncode != 0:
            return [clip.name, "FAIL", done.stderr.strip()[-80:], "", "", wall]
        document = read_document(Path(out) / "results.json")
        video = ffprobe_video(Path(out) / "annotated.mp4")
        boxes = [box for box, _ in top_level_boxes(Path(out) / "annotated.mp4")]
        delta = abs(video["duration"] - meta.duration_sec)
        ok = (video["codec_name"] == "h264" and video["pix_fmt"] == "yuv420p"
              and boxes.index("moov") < boxes.index("mdat") and delta <= 1 / meta.fps + 1e-3)
        return [clip.name, "ok" if ok else "FAIL", f"{video['codec_name']}/{video['pix_fmt']}",
                len(document["segments"]), f"{delta * 1000:.1f} ms (1 frame {1000 / meta.fps:.0f})",
                wall]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fight-surv", type=int, default=20)
    parser.add_argument("--model", default="r2plus1d_18")
    args = parser.parse_args()
    clips = sorted((CLIPS / "samples").iterdir())
    clips += sorted((CLIPS / "fight-surv").glob("*/*.mp4"))[:: max(1, 240 // args.fight_surv)][
        : args.fight_surv]
    rows = [check(clip, model=args.model) for clip in clips]
    print_table(f"{len(rows)} clips through `python -m inference analyze` ({args.model})",
                ["clip", "status", "codec", "segments", "|duration delta|", "wall_s"], rows)
    failed = [r[0] for r in rows if r[1] != "ok"]
    print(f"\n{len(rows) - len(failed)} ok, {len(failed)} failed {failed if failed else ''}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
