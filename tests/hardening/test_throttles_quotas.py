"""Abuse limits: API throttles (per user, per client address, and on requests that start work)
and per-user quotas on queued/running analyses and stored bytes, refused with 429 and a reason
code, shown on the profile page. Rates and quotas are settings each test sets; the suite's
other tests run without them."""
from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.urls import reverse

from tests.webapp.conftest import SHORT_CLIP, media_files
from webapp.accounts.services import api_token_create
from webapp.videos import services
from webapp.videos.models import Analysis, AnalysisStatus, Video

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_cache(settings) -> None:
    """Throttle counters in a cache of this test's own (not the shared Redis)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"throttle-{uuid.uuid4().hex}"}}


def token_client(user) -> Client:
    _, key = api_token_create(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def upload(client: Client, data: bytes, name: str = "clip.mp4", **fields: str):
    return client.post("/api/v1/videos/", {"file": SimpleUploadedFile(name, data), **fields})


def test_twenty_uploads_in_a_burst_are_cut_off_by_the_uploads_rate(user, other_user, settings):
    settings.VIGIL_API_THROTTLE_RATES = {"uploads": "5/minute"}
    alice = token_client(user)
    answers = [upload(alice, b"not a video at all", analyze="false").status_code
               for _ in range(20)]
    assert answers[:5] == [422] * 5  # refused by the probe, but counted: they cost work
    assert set(answers[5:]) == {429}
    refused = upload(alice, b"x")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "throttled" in refused.json()["detail"]
    # Reading is not starting work; another user has their own budget.
    assert alice.get("/api/v1/videos/").status_code == 200
    assert upload(token_client(other_user), b"nope", analyze="false").status_code == 422


def test_the_user_rate_limits_every_request_of_one_user(user, other_user, settings):
    settings.VIGIL_API_THROTTLE_RATES = {"user": "3/minute"}
    alice = token_client(user)
    assert [alice.get("/api/v1/me/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert token_client(other_user).get("/api/v1/me/").status_code == 200


def test_the_anonymous_rate_counts_the_client_behind_the_proxy(settings):
    settings.VIGIL_API_THROTTLE_RATES = {"anon": "2/minute"}
    settings.VIGIL_TRUSTED_PROXIES = ["127.0.0.1/32"]
    docs = reverse("api:docs")

    def from_client(address: str, claimed: str = "") -> int:
        forwarded = f"{claimed}, {address}" if claimed else address
        return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded).get(
            docs).status_code

    assert [from_client("203.0.113.1") for _ in range(3)] == [200, 200, 429]
    # Claiming another address in the header does not get a fresh budget...
    assert from_client("203.0.113.1", claimed="198.51.100.77") == 429
    # ...but another client behind the same proxy has its own.
    assert from_client("203.0.113.2") == 200


def test_active_analyses_are_capped_per_user_with_a_reason(owned, user, other_user, staff_user,
                                                          settings):
    video, _ = owned
    settings.VIGIL_QUOTA_ACTIVE_ANALYSES = 2
    alice = token_client(user)
    start = {"video": str(video.pk), "segment_sec": 2}
    assert [alice.post("/api/v1/analyses/", start).status_code for _ in range(2)] == [202, 202]
    refused = alice.post("/api/v1/analyses/", start)
    assert refused.status_code == 429
    assert refused.json()["code"] == "quota_analyses"
    assert "2 analyses queued or running" in refused.json()["detail"]
    assert Analysis.objects.filter(status=AnalysisStatus.QUEUED).count() == 2
    # An upload that would start one is refused before anything is stored.
    files_before = media_files()
    refused = upload(alice, SHORT_CLIP.read_bytes())
    assert (refused.status_code, refused.json()["code"]) == (429, "quota_analyses")
    assert Video.objects.count() == 1 and media_files() == files_before
    # The re-run form says so too.
    page = Client()
    page.force_login(user)
    response = page.post(reverse("videos:analysis_create", args=[video.pk]), {"segment_sec": 2})
    assert response.status_code == 429 and b"quota_analyses" in response.content
    # When one finishes (here: is cancelled), the next one may start.
    queued = Analysis.objects.filter(status=AnalysisStatus.QUEUED).first()
    assert alice.post(f"/api/v1/analyses/{queued.pk}/cancel/").status_code == 200
    assert alice.post("/api/v1/analyses/", start).status_code == 202
    # Staff are exempt (bulk re-scoring).
    for _ in range(3):
        services.analysis_start(video=video, created_by=staff_user)
    assert Analysis.objects.filter(created_by=staff_user).count() == 3


def test_stored_bytes_are_capped_per_user(owned, user, other_user, settings):
    video, _ = owned
    settings.VIGIL_QUOTA_STORAGE_BYTES = video.size_bytes + SHORT_CLIP.stat().st_size // 2
    files_before = media_files()
    refused = upload(token_client(user), SHORT_CLIP.read_bytes(), analyze="false")
    assert refused.status_code == 429
    assert refused.json()["code"] == "quota_storage"
    assert str(settings.VIGIL_QUOTA_STORAGE_BYTES) in refused.json()["detail"]
    assert Video.objects.count() == 1 and media_files() == files_before
    # The upload page (no-script fallback) gives the same answer.
    page = Client()
    page.force_login(user)
    response = page.post(reverse("videos:upload"), {"file": SimpleUploadedFile(
        "clip.mp4", SHORT_CLIP.read_bytes())})
    assert response.status_code == 429 and b"quota_storage" in response.content
    # Bob's quota is his own.
    assert upload(token_client(other_user), SHORT_CLIP.read_bytes(),
                  analyze="false").status_code == 201


def test_the_profile_page_shows_usage_and_quotas(owned, user, settings):
    video, _ = owned
    settings.VIGIL_QUOTA_ACTIVE_ANALYSES = 3
    settings.VIGIL_QUOTA_STORAGE_BYTES = 5 * 1024**3
    Analysis.objects.filter(video=video).update(status=AnalysisStatus.RUNNING)
    client = Client()
    client.force_login(user)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "1 of 3 at once" in page
    used = filesizeformat(video.size_bytes)
    assert f"{used} of {filesizeformat(5 * 1024**3)}" in page
