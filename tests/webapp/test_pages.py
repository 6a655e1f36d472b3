"""Pages: list (search, pagination, top event), results page, re-run, cancel, delete, CSP."""
from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from webapp.videos.models import Analysis, AnalysisStatus, Video

pytestmark = pytest.mark.django_db


def make_videos(owner, count: int) -> list[Video]:
    return [Video.objects.create(
        owner=owner, original_name=f"clip-{i:02d}.mp4", file=f"videos/x/{i}.mp4",
        sha256="0" * 64, size_bytes=1, container="mov", codec="h264", width=2, height=2,
        fps=30, frame_count=1, duration_sec=1.0) for i in range(count)]


def test_list_paginates_and_searches(user, other_user):
    make_videos(user, 15)
    make_videos(other_user, 2)
    client = Client()
    client.force_login(user)
    first = client.get(reverse("videos:list"))
    assert len(first.context["page"].object_list) == 12
    assert first.context["page"].paginator.count == 15
    second = client.get(reverse("videos:list"), {"page": 2})
    assert len(second.context["page"].object_list) == 3
    found = client.get(reverse("videos:list"), {"q": "clip-1"})
    assert sorted(v.original_name for v in found.context["page"].object_list) == [
        f"clip-{i}.mp4" for i in range(10, 15)]
    assert b"Page 1 of 1" in found.content


def test_list_shows_status_and_top_event(owned, user):
    video, _ = owned
    client = Client()
    client.force_login(user)
    page = client.get(reverse("videos:list"))
    row = page.context["page"].object_list[0]
    assert row.pk == video.pk
    assert row.latest_status == "succeeded"
    assert row.top_event_label == "abseiling"
    html = page.content.decode()
    assert reverse("videos:thumbnail", args=[video.pk]) in html
    assert "abseiling 0.90" in html


def test_results_page_has_player_chart_tables_and_downloads(owned, user):
    video, analysis = owned
    client = Client()
    client.force_login(user)
    page = client.get(reverse("videos:analysis_detail", args=[analysis.pk]))
    html = page.content.decode()
    assert f'src="{reverse("videos:analysis_annotated", args=[analysis.pk])}"' in html
    assert '<canvas id="chart"' in html
    assert f'data-progress-url="/api/v1/analyses/{analysis.pk}/progress/"' in html
    for name in ("analysis_annotated", "analysis_results", "analysis_segments_csv"):
        assert reverse(f"videos:{name}", args=[analysis.pk]) in html
    assert 'data-index="0"' in html
    assert "<script>" not in html and " style=" not in html  # strict CSP: nothing inline
    assert "script-src 'self'" in page["Content-Security-Policy"]
    # The video page shows its latest analysis.
    assert client.get(reverse("videos:detail", args=[video.pk])).context["analysis"] == analysis


def test_rerun_with_another_model_version_creates_a_new_analysis(
        owned, user, model_version, django_capture_on_commit_callbacks):
    video, first = owned
    other = type(model_version).objects.create(
        name="r3d_18.untrained", arch="r3d_18", weights="none", labels=model_version.labels)
    client = Client()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("videos:analysis_create", args=[video.pk]), {
            "model_version": other.pk, "labels": "archery, abseiling", "segment_sec": "2",
            "stride_sec": "1", "threshold": "0.4", "device": "cpu"})
    assert response.status_code == 302
    rerun = Analysis.objects.exclude(pk=first.pk).get(video=video)
    assert response["Location"] == reverse("videos:analysis_detail", args=[rerun.pk])
    assert rerun.model_version == other
    assert rerun.labels == ["archery", "abseiling"]
    assert len(callbacks) == 1
    bad = client.post(reverse("videos:analysis_create", args=[video.pk]),
                      {"labels": "no such label"})
    assert bad.status_code == 400
    assert b"unknown label" in bad.content


def test_cancel_and_delete_from_the_page(owned, user, settings):
    video, analysis = owned
    Analysis.objects.filter(pk=analysis.pk).update(status=AnalysisStatus.QUEUED)
    client = Client()
    client.force_login(user)
    response = client.post(reverse("videos:analysis_cancel", args=[analysis.pk]))
    assert response.status_code == 302
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.CANCELLED
    assert client.get(reverse("videos:analysis_cancel", args=[analysis.pk])).status_code == 405
    response = client.post(reverse("videos:delete", args=[video.pk]))
    assert response.status_code == 302
    assert not Video.objects.filter(pk=video.pk).exists()


def test_upload_page_has_a_drop_zone_and_progress_bar(user, model_version):
    client = Client()
    client.force_login(user)
    html = client.get(reverse("videos:upload")).content.decode()
    assert 'id="dropzone"' in html and 'type="file"' in html
    assert '<progress id="upload-bar"' in html
    assert 'data-api-url="/api/v1/videos/"' in html
    assert "vigil/upload.js" in html
