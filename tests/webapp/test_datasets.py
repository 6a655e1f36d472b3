"""Datasets: imports (folder zip, manifest zip, AVA rows), grouped splits, export round trip,
result feedback to clips, and staff-only pages/API."""
from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from inference.decode import iter_frames
from inference.probe import probe
from tests.webapp.conftest import SAMPLES, SHORT_CLIP, media_files, wait_for
from tests.webapp.test_browser import browser as chromium_browser  # noqa: F401  (fixture)
from tests.webapp.test_browser import sign_in
from training.datasets import ManifestError, load_manifest
from webapp.core.storage import local_name_path

FIGHT = SAMPLES.parent / "fight-surv"
FIGHT_CLIPS = sorted((FIGHT / "fight").glob("*.mp4"))[:4]
CALM_CLIPS = sorted((FIGHT / "noFight").glob("*.mp4"))[:4]


@pytest.fixture(autouse=True)
def _clips_available() -> None:
    if len(FIGHT_CLIPS) < 4 or len(CALM_CLIPS) < 4:
        pytest.fail(f"the fight-surv clips are missing under {FIGHT}")


@pytest.fixture
def dataset(db, staff_user):
    from webapp.datasets import services

    return services.dataset_create(name="fights", created_by=staff_user)


def _zip(members: dict[str, Path | bytes]) -> bytes:
    """A zip of ``{member name: file or bytes}``; names are stored as given (even unsafe)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, content in members.items():
            data = content.read_bytes() if isinstance(content, Path) else content
            zf.writestr(zipfile.ZipInfo(name), data)
    return buffer.getvalue()


def _ucf_folder_members() -> dict[str, Path]:
    """UCF101-style names: 2 source videos (gNN) per class, 2 clips (cNN) each."""
    members = {}
    for label, files in (("fight", FIGHT_CLIPS), ("calm", CALM_CLIPS)):
        for i, path in enumerate(files):
            members[f"{label}/v_{label}_g{i // 2 + 1:02d}_c{i % 2 + 1:02d}.mp4"] = path
    return members


def _manifest_csv(rows: list[list[str]], *, header=("path", "label", "split", "source",
                                                     "license")) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def _assert_nothing_stored() -> None:
    from webapp.datasets.models import DatasetClip

    assert DatasetClip.objects.count() == 0
    assert media_files() == []


def _decodable(path: Path) -> int:
    meta = probe(str(path))
    return sum(1 for _ in iter_frames(meta))


# --- Imports ---------------------------------------------------------------------------------

def test_folder_zip_import_groups_by_source_video(dataset) -> None:
    from webapp.datasets import services
    from webapp.datasets.models import DatasetClip

    upload = SimpleUploadedFile("ucf.zip", _zip(_ucf_folder_members()))
    clips = services.dataset_import_folder_zip(dataset=dataset, upload=upload,
                                               fractions=(0.5, 0.25, 0.25))
    assert len(clips) == 8
    rows = list(DatasetClip.objects.filter(dataset=dataset))
    assert Counter(c.label for c in rows) == {"fight": 4, "calm": 4}
    assert {c.origin for c in rows} == {"folder"}
    splits_of_group: dict[str, set[str]] = {}
    for clip in rows:
        splits_of_group.setdefault(clip.group, set()).add(clip.split)
        assert clip.file.startswith(f"datasets/{dataset.pk}/")
        stored = local_name_path(clip.file)
        assert stored.is_file() and clip.duration_sec > 0 and len(clip.sha256) == 64
    assert len(splits_of_group) == 4  # fight/v_fight_g01 ... calm/v_calm_g02
    assert all(len(s) == 1 for s in splits_of_group.values())
    dataset.refresh_from_db()
    assert sorted(dataset.labels) == ["calm", "fight"]


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_resplit_never_leaks_a_source_video(dataset, seed: int) -> None:
    from webapp.datasets import services

    services.dataset_import_folder_zip(
        dataset=dataset, upload=SimpleUploadedFile("ucf.zip", _zip(_ucf_folder_members())))
    counts = services.dataset_resplit(dataset=dataset, fractions=(0.5, 0.25, 0.25), seed=seed)
    assert sum(counts.values()) == 8
    groups: dict[str, set[str]] = {}
    for group, split in dataset.clips.values_list("group", "split"):
        groups.setdefault(group, set()).add(split)
    assert all(len(splits) == 1 for splits in groups.values()), groups
    assert len({s for splits in groups.values() for s in splits}) >= 2


def test_manifest_zip_import_and_export_round_trip(dataset, db) -> None:
    from webapp.datasets import services
    from webapp.datasets.models import DatasetClip

    rows = [[f"clips/{p.name}", "fight", split, "fight-surv", "MIT"]
            for p, split in zip(FIGHT_CLIPS, ("train", "train", "val", "test"), strict=True)]
    rows += [[f"clips/{p.name}", "no_fight", split, "fight-surv", "MIT"]
             for p, split in zip(CALM_CLIPS[:2], ("train", "val"), strict=True)]
    rows.append(["clips/demo.mp4", "", "sample", "", ""])  # sample rows are skipped
    members: dict[str, Path | bytes] = {"manifest.csv": _manifest_csv(rows)}
    members.update({f"clips/{p.name}": p for p in FIGHT_CLIPS + CALM_CLIPS[:2]})
    members["clips/demo.mp4"] = SHORT_CLIP
    clips = services.dataset_import_manifest_zip(
        dataset=dataset, upload=SimpleUploadedFile("m.zip", _zip(members)))
    expected = sorted((r[1], r[2]) for r in rows[:-1])
    assert sorted((c.label, c.split) for c in clips) == expected
    assert {c.origin for c in clips} == {"manifest"}

    archive = io.BytesIO()
    assert services.dataset_export_zip(dataset=dataset, out=archive) == 6
    with zipfile.ZipFile(io.BytesIO(archive.getvalue())) as zf:
        names = zf.namelist()
        header = zf.read("manifest.csv").decode().splitlines()[0]
    assert header == "path,label,split,source,license,group"
    assert len(names) == 7
    copy = services.dataset_create(name="copy")
    again = services.dataset_import_manifest_zip(
        dataset=copy, upload=SimpleUploadedFile("export.zip", archive.getvalue()))
    original = sorted((c.label, c.split, c.group, c.sha256)
                      for c in DatasetClip.objects.filter(dataset=dataset))
    assert sorted((c.label, c.split, c.group, c.sha256) for c in again) == original


def test_manifest_splits_that_leak_a_source_are_reported(dataset) -> None:
    from webapp.datasets import selectors, services

    rows = [[f"clips/{FIGHT_CLIPS[0].name}", "fight", "train", "", "", "cam-1"],
            [f"clips/{FIGHT_CLIPS[1].name}", "fight", "val", "", "", "cam-1"],
            [f"clips/{CALM_CLIPS[0].name}", "calm", "val", "", "", "cam-2"]]
    members: dict[str, Path | bytes] = {"manifest.csv": _manifest_csv(
        rows, header=("path", "label", "split", "source", "license", "group"))}
    members.update({f"clips/{p.name}": p for p in (FIGHT_CLIPS[0], FIGHT_CLIPS[1],
                                                    CALM_CLIPS[0])})
    services.dataset_import_manifest_zip(dataset=dataset,
                                         upload=SimpleUploadedFile("m.zip", _zip(members)))
    assert selectors.dataset_stats(dataset=dataset).leaking_groups == ["cam-1"]
    services.dataset_resplit(dataset=dataset)
    assert selectors.dataset_stats(dataset=dataset).leaking_groups == []


def test_written_manifest_is_what_training_reads(dataset, tmp_path: Path) -> None:
    from webapp.datasets import services

    services.dataset_import_folder_zip(
        dataset=dataset, upload=SimpleUploadedFile("ucf.zip", _zip(_ucf_folder_members())))
    path = services.dataset_write_manifest(dataset=dataset, directory=tmp_path / "run")
    loaded = load_manifest(path, splits=None)
    stored = {str(local_name_path(c.file).resolve()): (c.label, c.split, c.group)
              for c in dataset.clips.all()}
    assert {c.path: (c.label, c.split, c.group) for c in loaded} == stored
    only_train = services.dataset_write_manifest(dataset=dataset, directory=tmp_path / "t",
                                                 splits=["train"])
    assert {c.split for c in load_manifest(only_train, splits=None)} == {"train"}


def test_malformed_manifest_lists_every_bad_row_and_stores_nothing(dataset) -> None:
    from webapp.datasets import services

    rows = [
        [f"clips/{FIGHT_CLIPS[0].name}", "fight", "train", "", ""],   # line 2: fine
        [f"clips/{FIGHT_CLIPS[1].name}", "fight", "holdout", "", ""],  # 3: unknown split
        ["clips/missing.mp4", "fight", "train", "", ""],                # 4: missing file
        ["clips/notes.mp4", "fight", "val", "", ""],                    # 5: text, not video
        [f"clips/{CALM_CLIPS[0].name}", "", "val", "", ""],            # 6: empty label
    ]
    members: dict[str, Path | bytes] = {"manifest.csv": _manifest_csv(rows)}
    members.update({f"clips/{p.name}": p for p in (FIGHT_CLIPS[0], FIGHT_CLIPS[1],
                                                    CALM_CLIPS[0])})
    members["clips/notes.mp4"] = b"just some text pretending to be a video\n" * 50
    with pytest.raises(ManifestError) as info:
        services.dataset_import_manifest_zip(
            dataset=dataset, upload=SimpleUploadedFile("bad.zip", _zip(members)))
    assert [line for line, _ in info.value.problems] == [3, 4, 5, 6]
    message = str(info.value)
    assert message.startswith("bad.zip:manifest.csv: 4 bad row(s)")
    assert "unknown split 'holdout'" in message and "missing file" in message
    assert "notes.mp4: not a usable video" in message and "empty label" in message
    _assert_nothing_stored()


def test_folder_zip_with_a_clip_that_does_not_decode_stores_nothing(dataset) -> None:
    from webapp.datasets import services

    members: dict[str, Path | bytes] = dict(_ucf_folder_members())
    members["fight/renamed.mp4"] = b"this is a text file, not a video\n" * 100
    members["calm/also-text.avi"] = b"RIFF....AVI nothing here"
    with pytest.raises(ManifestError) as info:
        services.dataset_import_folder_zip(
            dataset=dataset, upload=SimpleUploadedFile("ucf.zip", _zip(members)))
    message = str(info.value)
    assert "2 bad row(s)" in message
    assert "fight/renamed.mp4: not a usable video" in message
    assert "calm/also-text.avi: not a usable video" in message
    _assert_nothing_stored()


@pytest.mark.parametrize("evil", ["../escape.mp4", "/tmp/absolute.mp4",
                                  "fight/../../escape.mp4", "..\\windows.mp4"])
def test_zip_slip_is_refused(dataset, evil: str, tmp_path: Path) -> None:
    from webapp.datasets import services

    members: dict[str, Path | bytes] = dict(_ucf_folder_members())
    members[evil] = FIGHT_CLIPS[0]
    before = sorted(p for p in tmp_path.parent.rglob("*escape.mp4"))
    archive = _zip(members)
    assert evil in zipfile.ZipFile(io.BytesIO(archive)).namelist()
    with pytest.raises(ManifestError, match="unsafe path"):
        services.dataset_import_folder_zip(
            dataset=dataset, upload=SimpleUploadedFile("slip.zip", archive))
    assert sorted(p for p in tmp_path.parent.rglob("*escape.mp4")) == before
    assert not Path("/tmp/absolute.mp4").exists()
    _assert_nothing_stored()


def test_zip_symlink_member_and_limits_are_refused(dataset, settings) -> None:
    from webapp.datasets import services

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.write(FIGHT_CLIPS[0], "fight/a.mp4")
        link = zipfile.ZipInfo("fight/link.mp4")
        link.external_attr = (0o120777 << 16)
        zf.writestr(link, "/etc/passwd")
    with pytest.raises(ManifestError, match="not a regular file"):
        services.dataset_import_folder_zip(
            dataset=dataset, upload=SimpleUploadedFile("link.zip", buffer.getvalue()))
    settings.VIGIL_DATASET_ZIP_MAX_MEMBERS = 3
    with pytest.raises(ManifestError, match="more than the limit of 3"):
        services.dataset_import_folder_zip(
            dataset=dataset, upload=SimpleUploadedFile("u.zip", _zip(_ucf_folder_members())))
    settings.VIGIL_DATASET_ZIP_MAX_MEMBERS = 100
    settings.VIGIL_DATASET_ZIP_MAX_BYTES = 100_000
    with pytest.raises(ManifestError, match="limit of 100000"):
        services.dataset_import_folder_zip(
            dataset=dataset, upload=SimpleUploadedFile("u.zip", _zip(_ucf_folder_members())))
    _assert_nothing_stored()


def test_uploaded_manifest_cannot_name_server_files(dataset) -> None:
    from webapp.datasets import services

    rows = [[str(FIGHT_CLIPS[0]), "fight", "train", "", ""],
            ["../../etc/passwd", "fight", "train", "", ""],
            [f"clips/{FIGHT_CLIPS[1].name}", "fight", "train", "", ""]]
    members = {"manifest.csv": _manifest_csv(rows), f"clips/{FIGHT_CLIPS[1].name}":
               FIGHT_CLIPS[1]}
    with pytest.raises(ManifestError) as info:
        services.dataset_import_manifest_zip(
            dataset=dataset, upload=SimpleUploadedFile("m.zip", _zip(members)))
    assert [line for line, _ in info.value.problems] == [2, 3]
    assert "outside the archive" in str(info.value)
    _assert_nothing_stored()


def test_ava_rows_cut_clips_around_timestamps(dataset, user, staff_user) -> None:
    from webapp.datasets import services
    from webapp.videos.services import video_upload

    video, _ = video_upload(owner=staff_user, upload=SimpleUploadedFile(
        "cam.mp4", SHORT_CLIP.read_bytes()))
    others, _ = video_upload(owner=user, upload=SimpleUploadedFile(
        "alice.mp4", SHORT_CLIP.read_bytes()))
    files_before = media_files()
    bad = (f"video,timestamp_sec,label,split\n{video.pk},1.5,fall,train\n"
           f"{others.pk},1.0,fall,\n{video.pk},99,fall,\n{video.pk},x,,holdout\n")
    with pytest.raises(ManifestError) as info:
        services.dataset_import_ava(dataset=dataset, user=staff_user, rows_csv=bad)
    assert [line for line, _ in info.value.problems] == [3, 4, 5]
    message = str(info.value)
    assert "no uploaded video of yours" in message and "past the video's end" in message
    assert "bad timestamp 'x'" in message and "empty label" in message
    assert media_files() == files_before

    rows = f"{video.pk},1.5,fall,train\n{video.pk},0.2,stand\n{video.pk},4.0,fall,\n"
    clips = services.dataset_import_ava(dataset=dataset, user=staff_user, rows_csv=rows,
                                        half_window_sec=0.5)
    assert [(c.label, c.start_sec, c.end_sec) for c in clips] == [
        ("fall", 1.0, 2.0), ("stand", 0.0, 0.7), ("fall", 3.5, 4.5)]
    assert {c.split for c in clips} == {"train"}  # one source video: one split
    assert {c.group for c in clips} == {f"video:{video.pk}"}
    for clip, expected in zip(clips, (1.0, 0.7, 1.0), strict=True):
        assert clip.origin == "ava" and clip.source_video_id == video.pk
        assert clip.duration_sec == pytest.approx(expected, abs=0.1)
        assert _decodable(local_name_path(clip.file)) > 0


def test_ava_rows_through_the_api(dataset, staff_user, api_client) -> None:
    from webapp.videos.services import video_upload

    video, _ = video_upload(owner=staff_user, upload=SimpleUploadedFile(
        "cam.mp4", SHORT_CLIP.read_bytes()))
    api_client.force_authenticate(staff_user)
    rows = f"\ufeffvideo,timestamp_sec,label\n{video.pk},2.5,fall\n{video.pk},1,stand\n"
    response = api_client.post(reverse("api:dataset-import", args=[dataset.pk]), {
        "kind": "ava", "file": SimpleUploadedFile("rows.csv", rows.encode()),
        "half_window_sec": 0.75}, format="multipart")
    job = _run_queued_import(api_client, response)
    assert (job["status"], job["imported"]) == ("succeeded", 2), job
    assert sorted((c.label, c.start_sec, c.end_sec) for c in dataset.clips.all()) == [
        ("fall", 1.75, 3.25), ("stand", 0.25, 1.75)]
    response = api_client.post(reverse("api:dataset-clip-list"), {
        "dataset": dataset.pk, "video": str(video.pk), "start_sec": 4, "end_sec": 5,
        "label": "walk"}, format="json")
    assert response.status_code == 201, response.content
    added = response.json()
    assert (added["origin"], added["group"]) == ("upload", f"video:{video.pk}")
    assert added["split"] == dataset.clips.get(label="fall").split  # one video: one split


def test_management_command_imports_a_folder_and_a_manifest(db, tmp_path: Path) -> None:
    from webapp.datasets.models import Dataset

    root = tmp_path / "ucf"
    for name, path in _ucf_folder_members().items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).symlink_to(path)
    out = io.StringIO()
    call_command("vigil_import_dataset", "ucf", str(root), stdout=out)
    assert "imported 8 clip(s)" in out.getvalue()
    assert Dataset.objects.get(name="ucf").clips.count() == 8

    manifest = tmp_path / "manifest.csv"
    manifest.write_bytes(_manifest_csv([[str(FIGHT_CLIPS[0]), "fight", "val", "", ""]]))
    call_command("vigil_import_dataset", "ucf", str(manifest), stdout=io.StringIO())
    assert Dataset.objects.get(name="ucf").clips.filter(split="val", label="fight").count() >= 1

    (root / "fight" / "broken.mp4").write_text("not a video\n" * 20)
    with pytest.raises(CommandError, match=r"broken\.mp4: not a usable video"):
        call_command("vigil_import_dataset", "other", str(root), stdout=io.StringIO())
    assert not Dataset.objects.filter(name="other").exists()


# --- Feedback ----------------------------------------------------------------------------------

def test_feedback_to_dataset_cuts_a_decodable_clip(owned, user, staff_user, dataset) -> None:
    from webapp.datasets import services
    from webapp.datasets.models import Feedback

    _, analysis = owned
    segment = analysis.segments.get()
    event = analysis.events.get()
    wrong = services.feedback_set(user=user, analysis=analysis, segment=segment,
                                  verdict="wrong", label="falling")
    again = services.feedback_set(user=user, analysis=analysis, segment=segment,
                                  verdict="wrong", label="falling down")
    assert again.pk == wrong.pk and Feedback.objects.count() == 1
    right = services.feedback_set(user=user, analysis=analysis, event=event, verdict="correct")
    clips = services.feedback_add_to_dataset(dataset=dataset, feedback=[again, right])
    assert [c.label for c in clips] == ["falling down", "abseiling"]
    for clip in clips:
        assert clip.origin == "feedback" and clip.group == f"video:{analysis.video_id}"
        assert (clip.start_sec, clip.end_sec) == (0.0, 2.0)
        assert clip.duration_sec == pytest.approx(2.0, abs=0.1)
        meta = probe(str(local_name_path(clip.file)))
        assert meta.duration_sec == pytest.approx(2.0, abs=0.1)
        assert _decodable(local_name_path(clip.file)) >= 30
    assert len({c.split for c in clips}) == 1
    assert set(Feedback.objects.values_list("clip_id", flat=True)) == {c.pk for c in clips}


def test_feedback_validation(owned, user) -> None:
    from django.core.exceptions import ValidationError

    from webapp.datasets import services

    _, analysis = owned
    segment = analysis.segments.get()
    with pytest.raises(ValidationError, match="right label"):
        services.feedback_set(user=user, analysis=analysis, segment=segment, verdict="wrong")
    with pytest.raises(ValidationError, match="exactly one"):
        services.feedback_set(user=user, analysis=analysis, verdict="correct")
    with pytest.raises(ValidationError):
        services.feedback_set(user=user, analysis=analysis, segment=segment, verdict="maybe")


# --- API and pages ---------------------------------------------------------------------------

def _token(user) -> str:
    from webapp.accounts.services import api_token_create

    return api_token_create(user=user, name="test")[1]


def _run_queued_import(api_client, response) -> dict:
    """Run the queued import the way the worker does (its task calls this one service)."""
    from webapp.datasets import services

    assert response.status_code == 202, response.content
    job = response.json()
    assert job["status"] == "queued" and not job["finished"]
    assert any("dataset-imports/" in str(p) for p in media_files())  # the staged upload
    assert services.dataset_import_run(job_id=job["id"]) in ("succeeded", "failed")
    assert services.dataset_import_run(job_id=job["id"]) == "skipped"  # re-delivered
    assert not any("dataset-imports/" in str(p) for p in media_files())  # staged: removed
    return api_client.get(job["url"]).json()


def test_api_import_export_and_stats_with_a_token(dataset, staff_user, api_client) -> None:
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {_token(staff_user)}")
    url = reverse("api:dataset-import", args=[dataset.pk])
    response = api_client.post(url, {"kind": "folder", "file": SimpleUploadedFile(
        "ucf.zip", _zip(_ucf_folder_members())), "train": 0.5, "val": 0.25, "test": 0.25},
        format="multipart")
    job = _run_queued_import(api_client, response)
    assert (job["status"], job["imported"], job["percent"]) == ("succeeded", 8, 100.0)
    stats = api_client.get(reverse("api:dataset-detail", args=[dataset.pk])).json()["stats"]
    assert {r["label"]: r["total"] for r in stats["labels"]} == {"calm": 4, "fight": 4}
    assert stats["imbalance"] == 1.0 and stats["total"] == 8

    bad = dict(_ucf_folder_members())
    bad["fight/readme.mp4"] = b"plain text\n" * 40
    response = api_client.post(url, {"kind": "folder", "file": SimpleUploadedFile(
        "bad.zip", _zip(bad))}, format="multipart")
    job = _run_queued_import(api_client, response)
    assert job["status"] == "failed" and job["imported"] == 0
    problems = job["problems"]
    assert len(problems) == 1 and "fight/readme.mp4: not a usable video" in problems[0]["reason"]
    assert "1 bad row(s)" in job["error"]
    assert dataset.clips.count() == 8
    response = api_client.post(url, {"kind": "tar", "file": SimpleUploadedFile(
        "x.zip", b"PK")}, format="multipart")
    assert response.status_code == 400 and "kind" in response.json()["fields"]

    clips = api_client.get(reverse("api:dataset-clip-list"), {"dataset": dataset.pk,
                                                                "label": "fight"}).json()
    assert clips["count"] == 4
    clip = clips["results"][0]
    player = api_client.get(clip["file_url"])
    assert player.status_code == 200 and player["Content-Type"] == "video/mp4"
    response = api_client.patch(reverse("api:dataset-clip-detail", args=[clip["id"]]),
                                {"split": "test"}, format="json")
    assert response.status_code == 200 and response.json()["split"] == "test"
    group = dataset.clips.get(pk=clip["id"]).group
    assert set(dataset.clips.filter(group=group).values_list("split", flat=True)) == {"test"}

    response = api_client.post(reverse("api:dataset-resplit", args=[dataset.pk]),
                               {"train": 0.5, "val": 0.5, "test": 0, "seed": 3}, format="json")
    assert response.status_code == 200
    assert response.json()["stats"]["totals"]["test"] == 0

    export = api_client.get(reverse("api:dataset-export", args=[dataset.pk]))
    assert export.status_code == 200 and export["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(b"".join(export.streaming_content))) as zf:
        assert len(zf.namelist()) == 9 and "manifest.csv" in zf.namelist()

    response = api_client.delete(reverse("api:dataset-clip-detail", args=[clip["id"]]))
    assert response.status_code == 204
    assert dataset.clips.count() == 7


def test_api_feedback_and_add_to_dataset(owned, user, staff_user, dataset, api_client) -> None:
    _, analysis = owned
    api_client.force_authenticate(user)
    targets = api_client.get(reverse("api:feedback-targets"),
                             {"analysis": str(analysis.pk)}).json()
    assert [t["kind"] for t in targets] == ["event", "segment"]
    response = api_client.post(reverse("api:feedback-list"), {
        "analysis": str(analysis.pk), "segment_index": 0, "verdict": "wrong",
        "label": "falling"}, format="json")
    assert response.status_code == 200, response.content
    feedback_id = response.json()["id"]
    assert response.json()["clip_label"] == "falling"
    segment = analysis.segments.get(index=0)  # what was judged, as the API reports it
    assert [response.json()[key] for key in ("start_sec", "end_sec", "model_label")] == [
        segment.start_sec, segment.end_sec, segment.top_label]
    response = api_client.post(reverse("api:feedback-list"), {
        "analysis": str(analysis.pk), "segment_index": 0, "verdict": "wrong"}, format="json")
    assert response.status_code == 400 and "label" in response.json()["fields"]
    # a user cannot turn feedback into clips
    response = api_client.post(reverse("api:dataset-add-feedback", args=[dataset.pk]),
                               {"feedback": [feedback_id]}, format="json")
    assert response.status_code == 403

    api_client.force_authenticate(staff_user)
    response = api_client.post(reverse("api:dataset-add-feedback", args=[dataset.pk]),
                               {"feedback": [feedback_id], "split": "val"}, format="json")
    assert response.status_code == 201, response.content
    clips = response.json()["clips"]
    assert [(c["label"], c["split"], c["origin"]) for c in clips] == [
        ("falling", "val", "feedback")]
    assert api_client.get(reverse("api:feedback-list"), {"unused": "1"}).json()["count"] == 0
    # staff read everyone's feedback but delete only their own
    detail = reverse("api:feedback-detail", args=[feedback_id])
    assert api_client.get(detail).status_code == 200
    refused = api_client.delete(detail)
    assert (refused.status_code, refused.json()["code"]) == (404, "not_found")
    api_client.force_authenticate(user)
    assert api_client.delete(detail).status_code == 204


def test_another_users_analysis_cannot_get_feedback(owned, other_user, api_client) -> None:
    _, analysis = owned
    api_client.force_authenticate(other_user)
    response = api_client.post(reverse("api:feedback-list"), {
        "analysis": str(analysis.pk), "segment_index": 0, "verdict": "correct"}, format="json")
    assert response.status_code == 404


def test_non_staff_get_403_or_404_everywhere(dataset, user, client, api_client,
                                             password) -> None:
    from webapp.datasets import services

    clip = services.dataset_import_folder_zip(
        dataset=dataset, upload=SimpleUploadedFile("ucf.zip", _zip(_ucf_folder_members())))[0]
    pages = [("get", reverse("datasets:list")), ("post", reverse("datasets:list")),
             ("get", reverse("datasets:feedback")),
             ("get", reverse("datasets:detail", args=[dataset.pk])),
             ("post", reverse("datasets:delete", args=[dataset.pk])),
             ("post", reverse("datasets:import", args=[dataset.pk])),
             ("post", reverse("datasets:resplit", args=[dataset.pk])),
             ("post", reverse("datasets:clip_add", args=[dataset.pk])),
             ("get", reverse("datasets:export", args=[dataset.pk])),
             ("post", reverse("datasets:clip_delete", args=[dataset.pk, clip.pk])),
             ("get", reverse("datasets:clip_file", args=[dataset.pk, clip.pk]))]
    for method, url in pages:  # anonymous: sent to sign in
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login" in response["Location"], url
    client.login(username=user.username, password=password)
    for method, url in pages:
        assert getattr(client, method)(url).status_code in (403, 404), url
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {_token(user)}")
    apis = [("get", reverse("api:dataset-list")), ("post", reverse("api:dataset-list")),
            ("get", reverse("api:dataset-detail", args=[dataset.pk])),
            ("patch", reverse("api:dataset-detail", args=[dataset.pk])),
            ("delete", reverse("api:dataset-detail", args=[dataset.pk])),
            ("post", reverse("api:dataset-import", args=[dataset.pk])),
            ("get", reverse("api:dataset-export", args=[dataset.pk])),
            ("post", reverse("api:dataset-resplit", args=[dataset.pk])),
            ("post", reverse("api:dataset-add-feedback", args=[dataset.pk])),
            ("get", reverse("api:dataset-clip-list")),
            ("post", reverse("api:dataset-clip-list")),
            ("get", reverse("api:dataset-clip-detail", args=[clip.pk])),
            ("patch", reverse("api:dataset-clip-detail", args=[clip.pk])),
            ("delete", reverse("api:dataset-clip-detail", args=[clip.pk]))]
    for method, url in apis:
        assert getattr(api_client, method)(url).status_code in (403, 404), (method, url)
    assert dataset.clips.count() == 8 and local_name_path(clip.file).is_file()


def test_pages_create_import_and_show_counts(staff_user, client, password) -> None:
    from webapp.datasets.models import Dataset

    client.login(username=staff_user.username, password=password)
    response = client.post(reverse("datasets:list"), {"name": "cams", "labels": "fight, calm"})
    dataset = Dataset.objects.get(name="cams")
    assert response.status_code == 302
    assert client.post(reverse("datasets:list"), {"name": "cams"}).status_code == 400
    from webapp.datasets import services
    from webapp.datasets.models import DatasetImport

    bad = dict(_ucf_folder_members())
    bad["calm/fake.mp4"] = b"not a video at all\n" * 40
    response = client.post(reverse("datasets:import", args=[dataset.pk]), {
        "kind": "folder", "file": SimpleUploadedFile("bad.zip", _zip(bad)), "train": 0.5,
        "val": 0.25, "test": 0.25, "seed": 0, "half_window_sec": 1.0})
    assert response.status_code == 302
    job = DatasetImport.objects.get()
    page = client.get(reverse("datasets:detail", args=[dataset.pk]))
    assert b'data-import-url="/api/v1/dataset-imports/' in page.content  # followed live
    services.dataset_import_run(job_id=job.pk)  # what the worker runs
    page = client.get(reverse("datasets:detail", args=[dataset.pk]))
    assert b"calm/fake.mp4: not a usable video" in page.content
    assert b"nothing was imported" in page.content
    assert dataset.clips.count() == 0 and media_files() == []
    response = client.post(reverse("datasets:import", args=[dataset.pk]), {
        "kind": "folder", "file": SimpleUploadedFile("ucf.zip", _zip(_ucf_folder_members())),
        "train": 0.5, "val": 0.25, "test": 0.25, "seed": 0, "half_window_sec": 1.0})
    services.dataset_import_run(job_id=DatasetImport.objects.latest("created_at").pk)
    response = client.get(reverse("datasets:detail", args=[dataset.pk]))
    assert response.status_code == 200 and b"succeeded" in response.content
    stats = response.context["stats"]
    assert {r.label: r.total for r in stats.rows} == {"calm": 4, "fight": 4}
    assert stats.imbalance == 1.0
    assert b'id="imbalance"' in response.content
    clip = dataset.clips.first()
    assert client.get(reverse("datasets:clip_file", args=[dataset.pk, clip.pk])) \
        .status_code == 200
    export = client.get(reverse("datasets:export", args=[dataset.pk]))
    assert export.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(b"".join(export.streaming_content))).testzip() is None
    response = client.post(reverse("datasets:clip_delete", args=[dataset.pk, clip.pk]))
    assert response.status_code == 302 and dataset.clips.count() == 7


def test_results_page_feedback_form_and_staff_add(owned, user, staff_user, dataset, client,
                                                  password) -> None:
    from webapp.datasets.models import Feedback

    _, analysis = owned
    client.login(username=user.username, password=password)
    page = client.get(reverse("videos:analysis_detail", args=[analysis.pk]))
    assert b'id="feedback-form"' in page.content
    segment = analysis.segments.get()
    response = client.post(reverse("datasets:feedback_set", args=[analysis.pk]), {
        "target": f"segment:{segment.pk}", "verdict": "wrong", "label": "falling"})
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.user, feedback.segment, feedback.verdict, feedback.label) == (
        user, segment, "wrong", "falling")
    page = client.get(reverse("videos:analysis_detail", args=[analysis.pk]))
    assert b"wrong, it is falling" in page.content

    client.logout()
    client.login(username=staff_user.username, password=password)
    listing = client.get(reverse("datasets:feedback"))
    assert b"falling" in listing.content
    response = client.post(reverse("datasets:feedback"), {
        "feedback": [feedback.pk], "dataset": dataset.pk, "split": ""})
    assert response.status_code == 302
    clip = dataset.clips.get()
    assert (clip.label, clip.origin, clip.source_video_id) == ("falling", "feedback",
                                                                 analysis.video_id)


@pytest.mark.slow
def test_browser_marks_a_segment_wrong(transactional_db, request, live_server, owned, user,
                                       password) -> None:
    """Headless Chromium: on a finished analysis page, pick a segment and mark it wrong."""
    from selenium.webdriver.common.by import By

    from webapp.datasets.models import Feedback

    _, analysis = owned
    driver = request.getfixturevalue("chromium_browser")
    sign_in(driver, live_server.url, user, password)
    driver.get(f"{live_server.url}{reverse('videos:analysis_detail', args=[analysis.pk])}")
    wait_for(lambda: driver.find_element(By.ID, "results").get_attribute("data-live") == "done",
             timeout=30, message="the finished analysis page")
    select = driver.find_element(By.ID, "feedback-target")
    event_value = select.get_attribute("value")
    assert event_value.startswith("event:")  # events come first
    # clicking the segment's time picks that segment in the form
    driver.find_element(By.CSS_SELECTOR, "#segments-body tr a[data-seek]").click()
    segment = analysis.segments.get()
    wait_for(lambda: select.get_attribute("value") == f"segment:{segment.pk}", timeout=5,
             message="the segment to be picked")
    # "Wrong" without a label is stopped in the page
    driver.find_element(By.ID, "feedback-wrong").click()
    assert driver.find_element(By.ID, "feedback-hint").is_displayed()
    assert not Feedback.objects.exists()
    driver.find_element(By.ID, "feedback-label").send_keys("falling")
    driver.find_element(By.ID, "feedback-wrong").click()
    mine = wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "#my-feedback li"),
                    timeout=30, message="the saved verdict on the page")
    assert "wrong, it is falling" in mine[0].text
    feedback = Feedback.objects.get()
    assert (feedback.segment_id, feedback.verdict, feedback.label) == (segment.pk, "wrong",
                                                                       "falling")
    problems = [entry["message"] for entry in driver.get_log("browser")
                if entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"]]
    assert problems == []


@pytest.mark.slow
def test_import_runs_on_a_real_worker(start_worker, worker_logs, staff_user, api_client) -> None:
    """The API queues the import; a real Celery worker validates and stores it."""
    from webapp.datasets import services

    worker = start_worker()
    worker_logs.append(worker)
    worker.wait_ready()
    dataset = services.dataset_create(name="worker", created_by=staff_user)
    api_client.force_authenticate(staff_user)
    response = api_client.post(reverse("api:dataset-import", args=[dataset.pk]), {
        "kind": "folder", "file": SimpleUploadedFile("ucf.zip", _zip(_ucf_folder_members()))},
        format="multipart")
    assert response.status_code == 202, response.content
    url = response.json()["url"]
    job = wait_for(lambda: (j := api_client.get(url).json())["finished"] and j, timeout=120,
                   message="the import to finish")
    assert (job["status"], job["imported"]) == ("succeeded", 8), job
    assert dataset.clips.count() == 8
    assert all(local_name_path(c.file).is_file() for c in dataset.clips.all())


def test_page_adds_a_time_range_of_an_uploaded_video(staff_user, other_user, dataset, client,
                                                     password) -> None:
    from webapp.videos.services import video_upload

    mine, _ = video_upload(owner=staff_user, upload=SimpleUploadedFile(
        "mine.mp4", SHORT_CLIP.read_bytes()))
    theirs, _ = video_upload(owner=other_user, upload=SimpleUploadedFile(
        "theirs.mp4", SHORT_CLIP.read_bytes()))
    client.login(username=staff_user.username, password=password)
    url = reverse("datasets:clip_add", args=[dataset.pk])
    response = client.post(url, {"video": theirs.pk, "start_sec": 0, "end_sec": 1,
                                 "label": "x"})
    assert response.status_code == 400 and dataset.clips.count() == 0  # not your video
    response = client.post(url, {"video": mine.pk, "start_sec": 3, "end_sec": 2,
                                 "label": "x"})
    assert response.status_code == 400 and b"bad time range" in response.content
    response = client.post(url, {"video": mine.pk, "start_sec": 1.0, "end_sec": 2.5,
                                 "label": "standing", "split": "val"})
    assert response.status_code == 302
    clip = dataset.clips.get()
    assert (clip.label, clip.split, clip.origin, clip.source_video_id) == (
        "standing", "val", "upload", mine.pk)
    assert clip.duration_sec == pytest.approx(1.5, abs=0.1)
    assert probe(str(local_name_path(clip.file))).duration_sec == pytest.approx(1.5, abs=0.1)


def test_api_cuts_clips_only_from_ones_own_uploads(staff_user, other_user, dataset,
                                                   api_client) -> None:
    from webapp.videos.services import video_upload

    theirs, _ = video_upload(owner=other_user, upload=SimpleUploadedFile(
        "theirs.mp4", SHORT_CLIP.read_bytes()))
    api_client.force_authenticate(staff_user)  # staff see every video, but cut only theirs
    response = api_client.post(reverse("api:dataset-clip-list"), {
        "dataset": dataset.pk, "video": str(theirs.pk), "start_sec": 0, "end_sec": 1,
        "label": "x"}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"video": ["no uploaded video of yours with this id"]}
    assert dataset.clips.count() == 0
