"""``/healthz`` against the real database, broker and media storage, and with each broken."""
from __future__ import annotations

import socket

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A local TCP port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_all_parts_ok_without_auth_or_session(settings):
    assert settings.CELERY_BROKER_URL  # the real broker of this test run
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["failing"] == []
    assert {name: part["status"] for name, part in body["checks"].items()} == {
        "database": "ok", "broker": "ok", "storage": "ok"}
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies
    assert response["Cache-Control"] == "no-store"
    # The storage probe leaves nothing behind.
    assert not [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]


def test_answers_probes_whatever_their_host(settings):
    """Container health checks use the container's address, not a public host name."""
    settings.ALLOWED_HOSTS = ["vigil.example"]
    assert Client().get("/healthz", HTTP_HOST="172.17.0.5:8000").status_code == 200
    assert Client().get("/accounts/login/", HTTP_HOST="172.17.0.5:8000").status_code == 400


def test_a_closed_broker_port_is_503_naming_the_broker(settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["failing"] == ["broker"]
    assert body["checks"]["broker"]["status"] == "error"
    assert body["checks"]["database"]["status"] == body["checks"]["storage"]["status"] == "ok"
    assert body["checks"]["broker"]["ms"] < 5000


def test_unwritable_storage_is_503_naming_storage(settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"x")
    settings.MEDIA_ROOT = blocker / "media"  # a folder inside a file: nothing can be written
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["storage"]


@pytest.mark.django_db(transaction=True)
def test_a_closed_database_port_is_503_naming_the_database(settings):
    from django.db import connections

    conn = connections["default"]
    if conn.vendor != "postgresql":
        pytest.skip("needs PostgreSQL to point at a closed port")
    from webapp.core import health

    original = conn.settings_dict.copy()
    conn.close()
    conn.settings_dict["PORT"] = closed_port()
    conn.settings_dict["HOST"] = "127.0.0.1"
    try:
        ok, report = health.health_report()
    finally:
        conn.close()
        conn.settings_dict.update(original)
    assert not ok
    assert report["failing"] == ["database"]
