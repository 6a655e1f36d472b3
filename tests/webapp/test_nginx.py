"""docker/nginx.conf with a real nginx in front of the live Django server: media bytes come
from nginx's internal /protected/ location only after Django's permission check (with Range),
static files from the static folder, and uploads over the limit stop at nginx (413 JSON)."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import Client

from tests.webapp.conftest import REPO_ROOT, SHORT_CLIP, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

UPLOAD_LIMIT = 4096


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, *, data: bytes | None = None, **headers: str
          ) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
    except OSError:  # not listening (yet)
        return 0, {}, b""


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


@pytest.fixture
def nginx(live_server, settings, tmp_path):
    """nginx running docker/nginx.conf, pointed at the live server and this test's folders."""
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                       else None)
    if binary is None:
        pytest.skip("nginx is not installed (scripts/setup.sh --test installs it)")
    settings.VIGIL_MEDIA_ACCEL_REDIRECT = "/protected/"
    static = tmp_path / "static"
    (static / "vigil").mkdir(parents=True)
    (static / "vigil" / "app.css").write_text("body{}")
    port = free_port()
    conf = (REPO_ROOT / "docker" / "nginx.conf").read_text()
    conf = (conf.replace("${VIGIL_MAX_UPLOAD_BYTES}", str(UPLOAD_LIMIT))
            .replace("server web:8000;", f"server {live_server.url.split('://', 1)[1]};")
            .replace("listen 8080;", f"listen 127.0.0.1:{port};")
            .replace("alias /data/media/;", f"alias {settings.MEDIA_ROOT}/;")
            .replace("alias /data/static/;", f"alias {static}/;"))
    assert "${" not in conf and "/data/" not in conf
    prefix = tmp_path / "nginx"
    (prefix / "logs").mkdir(parents=True)
    (prefix / "site.conf").write_text(conf)
    mime = Path("/etc/nginx/mime.types")
    # As root, nginx's workers would drop to "nobody", who cannot read pytest's private tmp.
    user = "user root root;" if os.geteuid() == 0 else ""
    (prefix / "nginx.conf").write_text(f"""
daemon off;
{user}
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 64; }}
http {{
    {f"include {mime};" if mime.exists() else ""}
    access_log {prefix}/logs/access.log;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/site.conf;
}}
""")
    check = subprocess.run([binary, "-t", "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: fetch(f"{base}/nginx-health")[0] == 200 if process.poll() is None
                 else True, timeout=30, message="nginx to start")
        assert process.poll() is None, process.stderr.read().decode()
        yield base
    finally:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_media_goes_through_django_then_nginx_with_ranges(nginx, owned, user, other_user):
    video, analysis = owned
    data = SHORT_CLIP.read_bytes()
    url = f"{nginx}/analyses/{analysis.pk}/annotated.mp4"
    status, headers, body = fetch(url, Range="bytes=100-199", Cookie=session_cookie(user))
    assert (status, body) == (206, data[100:200])
    assert headers["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert headers["Content-Type"] == "video/mp4"
    assert "X-Accel-Redirect" not in headers  # consumed by nginx
    status, _, body = fetch(url, Cookie=session_cookie(user))
    assert (status, body) == (200, data)
    # Bob and anonymous visitors get nothing; the internal location is unreachable directly.
    assert fetch(url, Cookie=session_cookie(other_user))[0] == 404
    assert b"Sign in" in fetch(url)[2]
    for path in (analysis.annotated_file, video.file, video.thumbnail):
        assert fetch(f"{nginx}/protected/{path}", Cookie=session_cookie(user))[0] == 404
    status, _, body = fetch(f"{nginx}/healthz")
    assert status == 200 and b'"status": "ok"' in body


def test_static_files_and_the_upload_limit(nginx, user):
    status, headers, body = fetch(f"{nginx}/static/vigil/app.css")
    assert (status, body) == (200, b"body{}")
    assert headers["Cache-Control"] == "public, max-age=2592000"
    status, headers, body = fetch(f"{nginx}/api/v1/videos/", data=b"x" * (UPLOAD_LIMIT + 1),
                                  **{"Content-Type": "application/octet-stream"})
    assert status == 413
    assert headers["Content-Type"].startswith("application/json")
    assert b"file_too_large" in body and str(UPLOAD_LIMIT).encode() in body


def test_request_ids_and_metrics_through_nginx(nginx, settings):
    settings.VIGIL_TRUSTED_PROXIES = ["127.0.0.1/32"]
    status, headers, _ = fetch(f"{nginx}/healthz", **{"X-Request-ID": "through-nginx-1"})
    assert status == 200 and headers["X-Request-ID"] == "through-nginx-1"
    status, headers, _ = fetch(f"{nginx}/healthz")
    assert status == 200 and len(headers["X-Request-ID"]) == 32  # nginx's (or Django's) id
    status, _, body = fetch(f"{nginx}/metrics")
    assert status == 200 and b"vigil_analyses" in body  # a loopback client
    # nginx appends the address it saw; Django reads the chain from the right.
    status, _, body = fetch(f"{nginx}/metrics", **{"X-Forwarded-For": "203.0.113.9"})
    assert status == 403 and b"vigil_" not in body
