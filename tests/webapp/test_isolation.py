"""Every page, API endpoint and media URL shows a user only their own things (staff: all)."""
from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.webapp.conftest import SHORT_CLIP
from webapp.accounts.services import api_token_create
from webapp.videos.models import Analysis, AnalysisStatus

pytestmark = pytest.mark.django_db


def page_urls(video, analysis) -> list[str]:
    return [
        reverse("videos:detail", args=[video.pk]),
        reverse("videos:source", args=[video.pk]),
        reverse("videos:thumbnail", args=[video.pk]),
        reverse("videos:analysis_detail", args=[analysis.pk]),
        reverse("videos:analysis_annotated", args=[analysis.pk]),
        reverse("videos:analysis_results", args=[analysis.pk]),
        reverse("videos:analysis_segments_csv", args=[analysis.pk]),
    ]


def post_urls(video, analysis) -> list[str]:
    return [
        reverse("videos:delete", args=[video.pk]),
        reverse("videos:analysis_create", args=[video.pk]),
        reverse("videos:analysis_cancel", args=[analysis.pk]),
    ]


def api_urls(video, analysis) -> list[str]:
    return [
        f"/api/v1/videos/{video.pk}/",
        f"/api/v1/analyses/{analysis.pk}/",
        f"/api/v1/analyses/{analysis.pk}/results/",
        f"/api/v1/analyses/{analysis.pk}/segments/",
        f"/api/v1/analyses/{analysis.pk}/progress/",
    ]


def test_owner_sees_everything(owned, user):
    video, analysis = owned
    client = Client()
    client.force_login(user)
    for url in page_urls(video, analysis):
        response = client.get(url)
        assert response.status_code == 200, url
    for url in api_urls(video, analysis):
        assert client.get(url).status_code == 200, url


def test_other_user_gets_404_on_pages_files_and_posts(owned, other_user):
    video, analysis = owned
    client = Client()
    client.force_login(other_user)
    for url in page_urls(video, analysis):
        assert client.get(url).status_code == 404, url
    for url in post_urls(video, analysis):
        assert client.post(url, {"segment_sec": "2"}).status_code == 404, url
    listing = client.get(reverse("videos:list"))
    assert listing.status_code == 200
    assert str(video.pk) not in listing.content.decode()
    video.refresh_from_db()  # still there: the delete above did nothing
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.SUCCEEDED


def test_other_user_gets_404_from_the_api(owned, other_user, api_client):
    video, analysis = owned
    api_client.force_authenticate(other_user)
    for url in api_urls(video, analysis):
        assert api_client.get(url).status_code == 404, url
    assert api_client.delete(f"/api/v1/videos/{video.pk}/").status_code == 404
    assert api_client.post(f"/api/v1/analyses/{analysis.pk}/cancel/").status_code == 404
    assert api_client.get("/api/v1/videos/").json()["count"] == 0
    assert api_client.get("/api/v1/analyses/").json()["count"] == 0
    response = api_client.post("/api/v1/analyses/", {"video": str(video.pk)}, format="json")
    assert response.status_code == 400
    assert Analysis.objects.filter(video=video).count() == 1


def test_other_users_token_cannot_fetch_files(owned, other_user):
    video, analysis = owned
    _, key = api_token_create(user=other_user, name="bob's")
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    for url in page_urls(video, analysis)[1:3] + page_urls(video, analysis)[4:]:
        assert client.get(url).status_code == 404, url
    bad = Client(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert bad.get(page_urls(video, analysis)[4]).status_code == 401


def test_owner_token_fetches_files(owned, user):
    _, analysis = owned
    _, key = api_token_create(user=user, name="cli")
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get(reverse("videos:analysis_annotated", args=[analysis.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == SHORT_CLIP.read_bytes()


def test_staff_see_all(owned, staff_user, api_client):
    video, analysis = owned
    client = Client()
    client.force_login(staff_user)
    for url in page_urls(video, analysis):
        assert client.get(url).status_code == 200, url
    api_client.force_authenticate(staff_user)
    assert api_client.get("/api/v1/videos/").json()["count"] == 1
    assert api_client.get(f"/api/v1/analyses/{analysis.pk}/").status_code == 200


def test_anonymous_is_redirected_or_401(owned):
    video, analysis = owned
    client = Client()
    for url in [*page_urls(video, analysis), reverse("videos:list"), reverse("videos:upload")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url
    for url in [*api_urls(video, analysis), "/api/v1/videos/", "/api/v1/model-versions/"]:
        response = client.get(url)
        assert response.status_code == 401, url
        assert "WWW-Authenticate" in response
    assert client.post("/api/v1/videos/", {}).status_code == 401


def test_unknown_ids_are_404(user):
    client = Client()
    client.force_login(user)
    assert client.get("/videos/00000000-0000-0000-0000-000000000000/").status_code == 404
    api = Client()
    api.force_login(user)
    assert api.get("/api/v1/analyses/not-a-uuid/").status_code == 404
