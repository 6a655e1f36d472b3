"""The video list's filters (page and API, one FilterSet) and the duplicate flag."""
from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.webapp.conftest import LONGER_CLIP, SHORT_CLIP
from webapp.videos import services
from webapp.videos.models import Analysis, AnalysisStatus, Segment, Video


def upload(owner, clip, *, name: str, tag: str = "") -> Video:
    video, _ = services.video_upload(owner=owner, source_tag=tag,
                                     upload=SimpleUploadedFile(name, clip.read_bytes()))
    return video


def scored(video: Video, model_version, *, status: str, scores: list[dict[str, float]],
           watched: tuple[str, ...] = ("fight",)) -> Analysis:
    """An analysis of ``video`` with one stored segment per ``scores`` (label -> score), as
    the worker stores them (top-k and watched labels merged in ``label_scores``)."""
    analysis = Analysis.objects.create(
        video=video, model_version=model_version, segment_sec=2, stride_sec=2, threshold=0.5,
        labels=list(watched), watched_labels=list(watched), status=status)
    for index, label_scores in enumerate(scores):
        top_label, top_score = max(label_scores.items(), key=lambda item: item[1])
        Segment.objects.create(
            analysis=analysis, index=index, start_sec=2 * index, end_sec=2 * index + 2,
            top=[[top_label, top_score]], label_scores=label_scores, top_label=top_label,
            top_score=top_score,
            scores={k: v for k, v in label_scores.items() if k in watched},
            max_score=max([v for k, v in label_scores.items() if k in watched], default=0.0))
    return analysis


@pytest.fixture
def library(user, other_user, model_version) -> dict[str, Video]:
    gate = upload(user, SHORT_CLIP, name="gate.mp4", tag="gate")
    scored(gate, model_version, status=AnalysisStatus.SUCCEEDED,
           scores=[{"fight": 0.2, "walking": 0.7}, {"fight": 0.93, "walking": 0.05}])
    yard = upload(user, LONGER_CLIP, name="yard.mp4", tag="yard")
    scored(yard, model_version, status=AnalysisStatus.FAILED,
           scores=[{"fight": 0.5}, {"walking": 0.9}], watched=())
    Video.objects.filter(pk=yard.pk).update(
        created_at=timezone.now() - dt.timedelta(days=3))
    again = upload(user, SHORT_CLIP, name="gate-again.mp4")  # the same bytes as gate.mp4
    bobs = upload(other_user, SHORT_CLIP, name="bob.mp4", tag="gate")  # not Alice's copy
    scored(bobs, model_version, status=AnalysisStatus.SUCCEEDED, scores=[{"fight": 0.99}])
    return {"gate": gate, "yard": yard, "again": again, "bob": bobs}


FILTERS = [  # (parameters, Alice's videos they keep)
    ({}, {"gate", "yard", "again"}),
    ({"label": "fight", "min_score": "0.8"}, {"gate"}),
    ({"label": "fight", "min_score": "0.5"}, {"gate", "yard"}),
    ({"label": "fight"}, {"gate", "yard"}),
    ({"label": "walking", "min_score": "0.8"}, {"yard"}),  # a top-k label, not watched
    ({"min_score": "0.9"}, {"gate"}),  # the best watched label's score
    ({"label": "no such label"}, set()),
    ({"status": "succeeded"}, {"gate"}),
    ({"status": "failed"}, {"yard"}),
    ({"status": "none"}, {"again"}),
    ({"source_tag": "gate"}, {"gate"}),
    ({"uploaded_to": "{three_days_ago}"}, {"yard"}),
    ({"uploaded_from": "{today}"}, {"gate", "again"}),
    ({"uploaded_from": "{three_days_ago}", "uploaded_to": "{today}",
      "label": "fight"}, {"gate", "yard"}),
    ({"duplicate": "true"}, {"again"}),
    ({"duplicate": "false", "status": "succeeded"}, {"gate"}),
]


def _days(params: dict[str, str]) -> dict[str, str]:
    today = timezone.localdate()
    days = {"today": today.isoformat(),
            "three_days_ago": (today - dt.timedelta(days=3)).isoformat()}
    return {name: value.format(**days) for name, value in params.items()}


def test_the_api_lists_videos_by_status_day_tag_label_score_and_duplicate(
        library, api_client, user) -> None:
    api_client.force_authenticate(user)
    names = {str(video.pk): name for name, video in library.items()}
    for params, expected in FILTERS:
        response = api_client.get("/api/v1/videos/", _days(params))
        assert response.status_code == 200, (params, response.content)
        assert {names[row["id"]] for row in response.json()["results"]} == expected, params
    rows = {names[row["id"]]: row for row in api_client.get("/api/v1/videos/").json()["results"]}
    assert rows["again"]["duplicate_of"] == str(library["gate"].pk)
    assert rows["gate"]["duplicate_of"] is None  # the original is not flagged
    assert api_client.get(f"/api/v1/videos/{library['again'].pk}/").json()["duplicate_of"] == \
        str(library["gate"].pk)
    for name, value in (("min_score", "1.5"), ("min_score", "nan"), ("status", "lost"),
                        ("uploaded_from", "2020-13-45"), ("duplicate", "maybe"),
                        ("label", "\x00")):
        response = api_client.get("/api/v1/videos/", {name: value})
        assert response.status_code == 400 and name in response.json()["fields"], (name, value)


def test_an_upload_of_the_same_content_says_which_video_it_repeats(
        library, api_client, user) -> None:
    api_client.force_authenticate(user)
    with SHORT_CLIP.open("rb") as fh:
        response = api_client.post("/api/v1/videos/", {"file": fh, "analyze": "false"},
                                   format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["video"]["duplicate_of"] == str(library["gate"].pk)


def test_the_list_page_filters_the_same_way_and_badges_duplicates(library, user) -> None:
    client = Client()
    client.force_login(user)
    for params, expected in FILTERS:
        page = client.get("/videos/", _days(params))
        assert page.status_code == 200
        shown = {video.original_name.removesuffix(".mp4")
                 for video in page.context["page"].object_list}
        assert shown == {library[name].original_name.removesuffix(".mp4")
                         for name in expected}, params
    html = client.get("/videos/", {"label": "fight", "min_score": "0.8"}).content.decode()
    assert "fight 0.93" in html  # the best score of the label asked for
    assert 'name="min_score" value="0.8"' in html  # the filters stay filled in
    html = client.get("/videos/").content.decode()
    assert f'href="/videos/{library["gate"].pk}/">duplicate of gate.mp4</a>' in html
    assert html.count("duplicate of") == 1
    bad = client.get("/videos/", {"min_score": "2", "status": "succeeded"})
    assert b"Filter ignored: min_score" in bad.content
    assert {v.original_name for v in bad.context["page"].object_list} == {"gate.mp4"}


def test_the_schema_documents_the_video_list_filters(client) -> None:
    out = StringIO()
    call_command("spectacular", "--format", "openapi-json", stdout=out)
    parameters = {p["name"]: p for p in json.loads(out.getvalue())["paths"]["/api/v1/videos/"]
                  ["get"]["parameters"]}
    assert {"status", "uploaded_from", "uploaded_to", "source_tag", "label", "min_score",
            "duplicate"} <= set(parameters)
    assert parameters["min_score"]["schema"]["maximum"] == 1
    assert parameters["uploaded_from"]["schema"]["format"] == "date"
    assert "none" in parameters["status"]["schema"]["enum"]
