"""Pages: list (search, pagination, top event), results page, re-run, cancel, delete, CSP."""
from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

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
    assert 'id="chart"' in html and "vendor/uplot/uPlot.iife.min.js" in html
    assert "vendor/uplot/uPlot.min.css" in html and 'href="#segments"' in html  # table link
    assert f'data-progress-url="/api/v1/analyses/{analysis.pk}/progress/"' in html
    assert f'data-cards-url="{reverse("videos:analysis_cards", args=[analysis.pk])}"' in html
    for name in ("analysis_annotated", "analysis_results", "analysis_segments_csv"):
        assert reverse(f"videos:{name}", args=[analysis.pk]) in html
    assert 'id="feedback-form"' in html and "peak 0.90" in html  # _cards.html, included
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


def test_cards_fragment_is_the_pages_cards_and_private(owned, user, other_user):
    """The fragment the results page swaps in at a live finish: same template, owner only."""
    _, analysis = owned
    client = Client()
    client.force_login(user)
    url = reverse("videos:analysis_cards", args=[analysis.pk])
    fragment = client.get(url).content.decode()
    page = client.get(reverse("videos:analysis_detail", args=[analysis.pk])).content.decode()
    assert fragment.strip().startswith('<div id="result-cards"')
    for part in ('id="events"', 'id="feedback-form"', 'id="analysis-alerts"', "peak 0.90"):
        assert part in fragment and part in page
    client.force_login(other_user)
    assert client.get(url).status_code == 404


def test_thumbnail_sheet_is_served_to_its_owner_only(owned, user, other_user, settings):
    _, analysis = owned
    url = reverse("videos:analysis_thumbs", args=[analysis.pk])
    client = Client()
    client.force_login(user)
    assert client.get(url).status_code == 404  # none made yet
    sheet = settings.MEDIA_ROOT / "analyses" / str(analysis.pk) / "thumbs.jpg"
    Image.new("RGB", (256, 72), (200, 10, 10)).save(sheet, format="JPEG")
    analysis.thumbs_file = f"analyses/{analysis.pk}/thumbs.jpg"
    analysis.save()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    client.force_login(other_user)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(("value", "text"), [
    (0.9134, "0.91"), (0.01, "0.01"), (0.0042, "0.004"), (0.001, "0.001"), (0.0002, "<0.001"),
    (0.0, "0"), ("x", "")])
def test_scores_never_print_as_zero_point_zero_zero(value, text):
    from webapp.core.templatetags.score_tags import score

    assert score(value) == text
