"""The embedded default (``make run``) is safe on a LAN: DEBUG off unless asked for, a secret
key of its own, static files still served, styled 404/500 pages that show no routes, no
traceback and no settings (issue 13)."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.webapp.conftest import REPO_ROOT

#: The variables a developer's shell or CI may set that would hide the embedded default.
SERVER_VARIABLES = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_ENV", "DEBUG",
                    "VIGIL_DEBUG", "SECRET_KEY", "VIGIL_SECRET_KEY_FILE", "ALLOWED_HOSTS",
                    "VIGIL_VAR_DIR", "VIGIL_MEDIA_ROOT", "STATIC_ROOT")

#: Runs with the embedded default settings (not pytest-django's): requests through Django's
#: test client, a view that fails on purpose, the answers as JSON.
PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.urls import clear_url_caches, path
import webapp.urls

def boom(request):
    raise RuntimeError("boom-detail-that-must-not-leak")

webapp.urls.urlpatterns.insert(0, path("boom-for-test/", boom))
clear_url_caches()
client = Client(raise_request_exception=False)
out = {"debug": settings.DEBUG, "key_len": len(settings.SECRET_KEY)}
for name, url in (("missing", "/no/such/page/"), ("boom", "/boom-for-test/"),
                  ("static", "/static/vigil/app.css")):
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    out[name] = [response.status_code, body.decode("utf-8", "replace")]
print(json.dumps(out))
"""


def _embedded_env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SERVER_VARIABLES}
    env.update({"DJANGO_SETTINGS_MODULE": "webapp.settings", "VIGIL_VAR_DIR": str(var_dir)})
    env.update(extra)
    return env


def _probe(var_dir: Path, **extra: str) -> dict:
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO_ROOT,
                            env=_embedded_env(var_dir, **extra), capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_embedded_default_has_debug_off_and_styled_error_pages(tmp_path: Path) -> None:
    answers = _probe(tmp_path)
    assert answers["debug"] is False

    status, body = answers["missing"]
    assert status == 404
    assert "Not found" in body and "vigil/app.css" in body  # the site's own page
    for leak in ("Using the URLconf", "api/v1/", "training/compare/", "Page not found at"):
        assert leak not in body

    status, body = answers["boom"]
    assert status == 500
    assert "Something went wrong" in body and "vigil/app.css" in body
    for leak in ("Traceback", "boom-detail-that-must-not-leak", "SECRET_KEY", "RuntimeError",
                 "DATABASES"):
        assert leak not in body

    status, body = answers["static"]  # WhiteNoise serves static files without DEBUG
    assert status == 200 and ".topbar" in body


def test_the_embedded_default_generates_its_secret_key_once(tmp_path: Path) -> None:
    script = "import django; django.setup(); from django.conf import settings as s; " \
             "print(s.SECRET_KEY)"
    keys = []
    for _ in range(2):
        result = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT,
                                env=_embedded_env(tmp_path), capture_output=True, text=True,
                                timeout=120, check=False)
        assert result.returncode == 0, result.stderr[-4000:]
        keys.append(result.stdout.strip().splitlines()[-1])
    key_file = tmp_path / "secret-key"
    assert keys[0] == keys[1] == key_file.read_text().strip()
    assert len(keys[0]) >= 50 and "insecure" not in keys[0]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_debug_is_on_only_when_asked_for(tmp_path: Path) -> None:
    assert _probe(tmp_path, VIGIL_DEBUG="1")["debug"] is True
    assert _probe(tmp_path, DEBUG="true")["debug"] is True


@pytest.mark.django_db
def test_a_server_error_in_a_page_shows_the_styled_page(user, monkeypatch) -> None:
    """In the test settings too: a failing page answers the styled 500, nothing of the error."""
    from webapp.videos import selectors

    def fail(**_kwargs):
        raise RuntimeError("boom-detail-that-must-not-leak")

    monkeypatch.setattr(selectors, "video_list", fail)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    response = client.get("/videos/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    assert "boom-detail-that-must-not-leak" not in body and "Traceback" not in body
