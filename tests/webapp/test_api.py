"""REST API behaviour, HTTP Range on media, CSV export, schema."""
from __future__ import annotations

import csv
import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.webapp.conftest import SHORT_CLIP
from webapp.core.http import parse_range
from webapp.videos.models import Analysis, AnalysisStatus, Segment

pytestmark = pytest.mark.django_db


@pytest.fixture
def segments(owned):
    _, analysis = owned
    analysis.watched_labels = ["abseiling", "archery"]
    analysis.save()
    Segment.objects.filter(analysis=analysis).delete()
    for index, (a, b) in enumerate([(0.1, 0.7), (0.8, 0.2), (0.55, 0.9), (0.3, 0.1)]):
        Segment.objects.create(
            analysis=analysis, index=index, start_sec=index * 1.0, end_sec=index + 2.0,
            top=[["=cmd|evil", 0.95], ["abseiling", a]], scores={"abseiling": a, "archery": b},
            label_scores={"=cmd|evil": 0.95, "abseiling": a, "archery": b},
            top_label="=cmd|evil", top_score=0.95, max_score=max(a, b))
    return analysis


def test_range_requests_on_the_annotated_video(owned, client, user):
    _, analysis = owned
    client.force_login(user)
    url = reverse("videos:analysis_annotated", args=[analysis.pk])
    data = SHORT_CLIP.read_bytes()
    size = len(data)

    full = client.get(url)
    assert full.status_code == 200
    assert full["Accept-Ranges"] == "bytes"
    assert int(full["Content-Length"]) == size
    assert full["Content-Type"] == "video/mp4"

    part = client.get(url, HTTP_RANGE="bytes=100-1099")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-1099/{size}"
    assert part["Content-Length"] == "1000"
    assert b"".join(part.streaming_content) == data[100:1100]

    tail = client.get(url, HTTP_RANGE="bytes=-500")
    assert tail.status_code == 206
    assert b"".join(tail.streaming_content) == data[-500:]

    open_end = client.get(url, HTTP_RANGE=f"bytes={size - 10}-")
    assert open_end["Content-Range"] == f"bytes {size - 10}-{size - 1}/{size}"

    beyond = client.get(url, HTTP_RANGE=f"bytes={size + 5}-")
    assert beyond.status_code == 416
    assert beyond["Content-Range"] == f"bytes */{size}"

    stale = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"not-the-etag"')
    assert stale.status_code == 200


@pytest.mark.parametrize(
    ("header", "size", "expected"),
    [("bytes=0-0", 10, (0, 0)), ("bytes=5-100", 10, (5, 9)), ("bytes=-3", 10, (7, 9)),
     ("bytes=10-", 10, None), ("bytes=-0", 10, None)],
)
def test_parse_range(header, size, expected):
    assert parse_range(header, size) == expected


def test_parse_range_rejects_multiple_ranges():
    with pytest.raises(ValueError):
        parse_range("bytes=0-1,5-6", 10)


def test_segments_pagination_and_filters(segments, api_client, user):
    api_client.force_authenticate(user)
    url = f"/api/v1/analyses/{segments.pk}/segments/"
    page = api_client.get(url, {"page_size": 2}).json()
    assert page["count"] == 4
    assert [s["index"] for s in page["results"]] == [0, 1]
    assert page["next"]
    second = api_client.get(url, {"page_size": 2, "page": 2}).json()
    assert [s["index"] for s in second["results"]] == [2, 3]

    archery = api_client.get(url, {"label": "archery", "min_score": 0.5}).json()
    assert [s["index"] for s in archery["results"]] == [0, 2]
    abseiling = api_client.get(url, {"label": "abseiling", "min_score": "0.5"}).json()
    assert [s["index"] for s in abseiling["results"]] == [1, 2]
    best = api_client.get(url, {"min_score": 0.75}).json()
    assert [s["index"] for s in best["results"]] == [1, 2]
    unknown = api_client.get(url, {"label": "juggling balls"}).json()
    assert unknown["count"] == 0
    assert api_client.get(url, {"min_score": "high"}).status_code == 400


def test_progress_returns_only_new_segments(segments, api_client, user):
    api_client.force_authenticate(user)
    body = api_client.get(f"/api/v1/analyses/{segments.pk}/progress/", {"after": 1}).json()
    assert [s["index"] for s in body["segments"]] == [2, 3]
    assert body["status"] == "succeeded"
    assert body["finished"] is True
    assert body["events"][0]["label"] == "abseiling"
    assert body["annotated_url"].endswith("/annotated.mp4")


def test_segments_csv_is_escaped_for_spreadsheets(segments, client, user):
    client.force_login(user)
    response = client.get(reverse("videos:analysis_segments_csv", args=[segments.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:5] == ["index", "start_sec", "end_sec", "top_label", "top_score"]
    assert rows[0][5:7] == ["score:abseiling", "score:archery"]
    assert len(rows) == 5
    assert rows[1][3] == "'=cmd|evil"  # a formula would run in a spreadsheet
    assert float(rows[3][6]) == pytest.approx(0.9)


def test_results_endpoint_needs_a_finished_analysis(owned, api_client, user):
    _, analysis = owned
    api_client.force_authenticate(user)
    assert api_client.get(f"/api/v1/analyses/{analysis.pk}/results/").json() == {
        "schema": "vigil.results/1"}
    Analysis.objects.filter(pk=analysis.pk).update(status=AnalysisStatus.RUNNING)
    response = api_client.get(f"/api/v1/analyses/{analysis.pk}/results/")
    assert response.status_code == 409
    assert response.json()["code"] == "not_ready"


def test_create_and_cancel_analysis(owned, api_client, user, model_version, settings,
                                    django_capture_on_commit_callbacks):
    settings.VIGIL_GPU_WORKERS = True  # device=cuda needs a GPU worker
    video, _ = owned
    api_client.force_authenticate(user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api_client.post("/api/v1/analyses/", {
            "video": str(video.pk), "model_version": model_version.pk, "labels": ["archery"],
            "segment_sec": 1.5, "stride_sec": 0.5, "threshold": 0.7, "device": "cuda"},
            format="json")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "queued"
    assert body["queue"] == "gpu"  # the queue its device asks for
    assert len(callbacks) == 1
    cancel = api_client.post(f"/api/v1/analyses/{body['id']}/cancel/")
    assert cancel.status_code == 200
    assert cancel.json()["status"] == "cancelled"
    bad = api_client.post("/api/v1/analyses/", {"video": str(video.pk), "threshold": 3},
                          format="json")
    assert bad.status_code == 400
    assert "threshold" in bad.json()["fields"]


def test_cancel_of_a_running_analysis_is_a_request(owned, api_client, user):
    _, analysis = owned
    Analysis.objects.filter(pk=analysis.pk).update(status=AnalysisStatus.RUNNING)
    api_client.force_authenticate(user)
    body = api_client.post(f"/api/v1/analyses/{analysis.pk}/cancel/").json()
    assert body["status"] == "running"
    assert body["cancel_requested"] is True


def test_delete_video_removes_rows_and_files(owned, api_client, user, settings,
                                             django_capture_on_commit_callbacks):
    video, analysis = owned
    api_client.force_authenticate(user)
    stored = [settings.MEDIA_ROOT / video.file, settings.MEDIA_ROOT / video.thumbnail,
              settings.MEDIA_ROOT / analysis.annotated_file]
    assert all(path.exists() for path in stored)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.delete(f"/api/v1/videos/{video.pk}/")
    assert response.status_code == 204
    assert not Analysis.objects.filter(pk=analysis.pk).exists()
    assert not any(path.exists() for path in stored)


def test_model_versions_list(model_version, api_client, user):
    api_client.force_authenticate(user)
    body = api_client.get("/api/v1/model-versions/").json()
    assert body["count"] == 1
    version = body["results"][0]
    assert version["name"] == model_version.name
    assert version["untrained"] is True
    assert version["label_count"] == 400


def test_openapi_schema_validates_without_warnings(client):
    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    schema = out.getvalue()
    assert "/api/v1/videos/" in schema
    assert "/api/v1/analyses/{id}/segments/" in schema
    assert "tokenAuth" in schema


def test_swagger_ui_is_served_locally(client, user):
    client.force_login(user)
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()
    assert "Content-Security-Policy" in page


def test_analysis_options_are_cleaned_once_per_request(owned, api_client, user, model_version,
                                                       monkeypatch):
    """The serializer cleans the options; the service takes that value as it is."""
    from webapp.videos import api, forms, options
    from webapp.videos.services import analyses, uploads

    calls = []

    def counting(**kwargs):
        calls.append(kwargs)
        return options.analysis_options_clean(**kwargs)

    for module in (api, forms, analyses, uploads):
        monkeypatch.setattr(module, "analysis_options_clean", counting)
    video, _ = owned
    api_client.force_authenticate(user)
    response = api_client.post("/api/v1/analyses/", {
        "video": str(video.pk), "labels": ["archery, abseiling"], "threshold": 0.6},
        format="json")
    assert response.status_code == 202, response.content
    assert len(calls) == 1
    analysis = Analysis.objects.get(pk=response.json()["id"])
    assert (analysis.labels, analysis.threshold) == (["archery", "abseiling"], 0.6)
    assert analysis.model_version == model_version  # the default version
