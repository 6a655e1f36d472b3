from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from tests.training.conftest import CLIPS
from training.augment import TrainTransform, color_jitter, multiscale_crop
from training.datasets import (
    Clip,
    ClipDataset,
    ManifestError,
    grouped_split,
    load_folder,
    load_manifest,
    source_group,
)


def test_shared_manifest_counts(manifest: Path) -> None:
    clips = load_manifest(manifest)
    counts = Counter((c.split, c.label) for c in clips)
    assert counts == {("train", "fight"): 90, ("train", "no_fight"): 90,
                      ("val", "fight"): 30, ("val", "no_fight"): 30}
    assert all(Path(c.path).is_file() and c.line > 1 for c in clips)
    assert {c.split for c in load_manifest(manifest, splits=("sample",),
                                           check_decode=False)} == {"sample"}


def test_malformed_manifest_lists_every_bad_row(tmp_path: Path) -> None:
    good = "fight-surv/fight/fi002.mp4"
    (tmp_path / "fake.mp4").write_text("just some text pretending to be a video\n" * 20)
    (tmp_path / "ok.mp4").symlink_to(CLIPS / good)
    rows = [
        ["ok.mp4", "fight", "train"],          # line 2: fine
        ["ok.mp4", "fight", "holdout"],        # line 3: unknown split
        ["missing.mp4", "fight", "train"],     # line 4: missing file
        ["fake.mp4", "no_fight", "val"],       # line 5: text posing as a clip
        ["ok.mp4", "", "val"],                 # line 6: empty label
    ]
    path = tmp_path / "manifest.csv"
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["path", "label", "split", "source", "license"])
        writer.writerows([[*r, "src", "MIT"] for r in rows])
    with pytest.raises(ManifestError) as info:
        load_manifest(path)
    lines = [line for line, _ in info.value.problems]
    assert lines == [3, 4, 5, 6]
    message = str(info.value)
    assert "unknown split 'holdout'" in message
    assert "missing file 'missing.mp4'" in message
    assert "not a usable video" in message and "empty label" in message


def test_folder_per_class_and_grouped_split(tmp_path: Path) -> None:
    sources = sorted((CLIPS / "fight-surv" / "fight").glob("*.mp4"))[:4] + sorted(
        (CLIPS / "fight-surv" / "noFight").glob("*.mp4"))[:0]
    for label in ("Fight", "Walk"):
        (tmp_path / label).mkdir()
        for i, src in enumerate(sources):
            (tmp_path / label / f"v_{label}_g{i // 2 + 1:02d}_c{i % 2 + 1:02d}.mp4").symlink_to(src)
    (tmp_path / "Walk" / "notes.txt").write_text("ignored")
    clips = load_folder(tmp_path)
    assert Counter(c.label for c in clips) == {"Fight": 4, "Walk": 4}
    assert {c.group for c in clips} == {"Fight/v_Fight_g01", "Fight/v_Fight_g02",
                                       "Walk/v_Walk_g01", "Walk/v_Walk_g02"}
    split = grouped_split(clips, fractions=(0.5, 0.25, 0.25), seed=1)
    by_group: dict[str, set[str]] = {}
    for c in split:
        by_group.setdefault(c.group, set()).add(c.split)
    assert all(len(s) == 1 for s in by_group.values())


@pytest.mark.parametrize("seed", range(5))
def test_grouped_split_never_leaks_a_source(seed: int) -> None:
    rng = np.random.default_rng(seed)
    clips = [Clip(path=f"/x/{g}_{i}.mp4", label=str(g % 3), split="", group=f"src{g}")
             for g in range(40) for i in range(int(rng.integers(1, 6)))]
    split = grouped_split(clips, seed=seed)
    assert len(split) == len(clips)
    seen: dict[str, str] = {}
    for c in split:
        assert seen.setdefault(c.group, c.split) == c.split
    counts = Counter(c.split for c in split)
    assert set(counts) == {"train", "val", "test"}
    assert counts["train"] > counts["val"]
    assert grouped_split(clips, seed=seed) == split  # reproducible


def test_source_group() -> None:
    assert source_group("v_ApplyEyeMakeup_g08_c01.avi") == "v_ApplyEyeMakeup_g08"
    assert source_group("fi001.mp4") == "fi001"


def test_dataset_decodes_once_and_caches(tiny_manifest: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    clips = load_manifest(tiny_manifest)[:2]
    labels = ("fight", "no_fight")
    data = ClipDataset(clips, labels=labels, segments=4, size=64, train=True,
                       transform=TrainTransform(size=64), cache_dir=tmp_path)
    data.prepare(workers=2)
    assert data.frames(0).shape[:2] == (4, 3) and data.frames(0).dtype == np.uint8
    clip, target = data[0]
    assert tuple(clip.shape) == (4, 64, 64, 3) and target == 0
    assert len(list(tmp_path.glob("*.npy"))) == 2

    import training.datasets as ds

    def no_decode(*args: object, **kwargs: object) -> None:
        raise AssertionError("decoded again")

    monkeypatch.setattr(ds, "decode_snippets", no_decode)
    again = ClipDataset(clips, labels=labels, segments=4, size=64, train=True, cache_dir=tmp_path)
    again.prepare()
    for _ in range(2):
        assert tuple(data[1][0].shape) == (4, 64, 64, 3)
    evaluation = ClipDataset(clips, labels=labels, segments=4, size=64, cache_dir=tmp_path)
    assert evaluation.candidates == 1


def test_augment_shapes() -> None:
    rng = np.random.default_rng(0)
    clip = rng.integers(0, 256, size=(3, 72, 96, 3), dtype=np.uint8)
    out = multiscale_crop(clip, size=48, rng=rng)
    assert out.shape == (3, 48, 48, 3) and out.dtype == np.uint8
    assert color_jitter(clip, rng=rng).shape == clip.shape
    assert TrainTransform(size=32)(clip).shape == (3, 32, 32, 3)


def test_manifest_group_column_overrides_path_group(tmp_path: Path) -> None:
    clips = [CLIPS / "fight-surv" / "fight" / "fi002.mp4", CLIPS / "fight-surv" / "fight" /
             "fi003.mp4", CLIPS / "fight-surv" / "noFight" / "nofi002.mp4"]
    path = tmp_path / "manifest.csv"
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["path", "label", "split", "source", "license", "group"])
        writer.writerow([str(clips[0]), "fight", "train", "", "", "camera-7"])
        writer.writerow([str(clips[1]), "fight", "train", "", "", "camera-7"])
        writer.writerow([str(clips[2]), "no_fight", "val", "", "", ""])  # empty: from the name
    loaded = load_manifest(path, check_decode=False)
    assert [c.group for c in loaded] == ["camera-7", "camera-7", source_group(clips[2].name)]
    assert len({c.split for c in grouped_split(loaded[:2])}) == 1


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_stratified_grouped_split_gives_every_label_each_split(seed: int) -> None:
    clips = [Clip(path=f"{label}{g}_{c}", label=label, split="", group=f"{label}-g{g}")
             for label in ("fight", "calm", "fall") for g in range(6) for c in range(2)]
    # one source group holding two labels: it counts for its most common label, stays whole
    clips += [Clip(path="mixed1", label="fall", split="", group="mixed"),
              Clip(path="mixed2", label="fall", split="", group="mixed"),
              Clip(path="mixed3", label="fight", split="", group="mixed")]
    split = grouped_split(clips, fractions=(0.5, 0.25, 0.25), seed=seed, stratify=True)
    assert [c.path for c in split] == [c.path for c in clips]
    splits_of: dict[str, set[str]] = {}
    for clip in split:
        splits_of.setdefault(clip.group, set()).add(clip.split)
    assert all(len(s) == 1 for s in splits_of.values())
    for label in ("fight", "calm"):
        assert {c.split for c in split if c.label == label and c.group != "mixed"} == {
            "train", "val", "test"}
    plain = grouped_split(clips, fractions=(0.5, 0.25, 0.25), seed=seed)
    assert all(len({c.split for c in plain if c.group == g}) == 1 for g in splits_of)
