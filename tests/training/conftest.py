from __future__ import annotations

import csv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CLIPS = REPO.parent / "shared" / "clips"
MANIFEST = CLIPS / "manifest.csv"


@pytest.fixture(scope="session")
def manifest() -> Path:
    if not MANIFEST.is_file():
        pytest.fail(f"the shared manifest is missing at {MANIFEST}")
    return MANIFEST


def _rows(split: str, label: str, n: int) -> list[dict[str, str]]:
    with open(MANIFEST, newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["split"] == split and r["label"] == label]
    return rows[:n]


@pytest.fixture(scope="session")
def tiny_manifest(tmp_path_factory: pytest.TempPathFactory, manifest: Path) -> Path:
    """6 train + 2 val real fight-surv clips, paths absolute (a manifest outside the clips)."""
    rows = [*_rows("train", "fight", 3), *_rows("train", "no_fight", 3),
            *_rows("val", "fight", 1), *_rows("val", "no_fight", 1)]
    path = tmp_path_factory.mktemp("tiny") / "manifest.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "path": str(CLIPS / row["path"])})
    return path
