"""Security end to end: the API fuzzed from its OpenAPI schema (schemathesis, live server, a
user's token: no 5xx), every operation as another user and anonymously (nothing of Alice's
shows or changes), CSRF on session writes, login lockout, security headers."""
from __future__ import annotations

import http.cookiejar
import json
import os
import re
import secrets
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.hardening import media
from tests.hardening.uploads import post_file
from tests.webapp.conftest import REPO_ROOT
from tests.webapp.conftest import _flush_broker as flush_broker
from webapp.accounts.services import api_token_create
from webapp.alerts import services as alert_services
from webapp.alerts.models import Delivery, DeliveryChannel, DeliveryStatus, WebhookEndpoint
from webapp.videos.models import Analysis, AnalysisStatus, Video

pytestmark = pytest.mark.django_db(transaction=True)

#: In the names of Alice's things: it must never reach anyone else.
MARK = "alice-private-7c1e"


@pytest.fixture(autouse=True)
def _empty_broker() -> Iterator[None]:
    flush_broker()
    yield
    flush_broker()


@pytest.fixture
def alice(owned, user):
    """Alice's video, analysis, alert rule, alert, webhook and delivery; the strings that
    identify them."""
    video, analysis = owned
    Video.objects.filter(pk=video.pk).update(original_name=f"{MARK}.mp4",
                                             source_tag=f"{MARK}-cam")
    rule = alert_services.alert_rule_create(owner=user, name=f"{MARK}-rule",
                                            labels=["abseiling"])
    alerts = alert_services.alerts_evaluate(analysis_id=analysis.pk)
    assert alerts, "the owned analysis should raise an alert"
    webhook = WebhookEndpoint.objects.create(owner=user, name=f"{MARK}-hook",
                                             url=f"https://hooks.example.com/{MARK}")
    now = timezone.now()
    delivery = Delivery.objects.create(
        owner=user, channel=DeliveryChannel.WEBHOOK, webhook=webhook, alert=alerts[0],
        attempt=1, status=DeliveryStatus.SUCCEEDED, status_code=200, target=webhook.url,
        started_at=now, finished_at=now)
    video.refresh_from_db()
    ids = {"videos": str(video.pk), "analyses": str(analysis.pk), "alert-rules": rule.pk,
           "alerts": alerts[0].pk, "webhooks": webhook.pk, "deliveries": delivery.pk}
    markers = [MARK, str(video.pk), str(analysis.pk), video.sha256, webhook.secret,
               user.username]
    return {"ids": ids, "markers": markers, "video": video, "analysis": analysis,
            "rule": rule, "webhook": webhook}


def api_schema(client: APIClient) -> dict:
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def operations(schema: dict) -> Iterator[tuple[str, str, dict]]:
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield method, path, operation


def concrete_paths(path: str, operation: dict, ids: dict) -> list[tuple[str, bool]]:
    """``(url, owned)``: the path with Alice's ids filled in (``owned``: an id of the very
    resource the path names); every id of the matching type when the resource is not hers."""
    names = re.findall(r"{(\w+)}", path)
    if not names:
        return [(path, False)]
    resource = path.removeprefix("/api/v1/").split("/", 1)[0]
    if resource in ids and names == ["id"]:
        return [(path.replace("{id}", str(ids[resource])), True)]
    params = {p["name"]: p.get("schema", {}) for p in operation.get("parameters", [])
              if p.get("in") == "path"}
    urls = []
    for name in names:
        kind = params.get(name, {})
        pool = [v for v in ids.values() if isinstance(v, str)] \
            if kind.get("format") == "uuid" or kind.get("type") == "string" \
            else [v for v in ids.values() if isinstance(v, int)]
        urls = [path.replace(f"{{{name}}}", str(value)) for value in pool]
    return [(url, False) for url in urls if "{" not in url]


def reference_body(ids: dict) -> dict:
    """A write body naming Alice's objects in every field a reference could have."""
    return {"video": ids["videos"], "analysis": ids["analyses"], "rule": ids["alert-rules"],
            "alert": ids["alerts"], "webhook": ids["webhooks"], "video_id": ids["videos"],
            "analysis_id": ids["analyses"], "name": "bob's", "labels": ["abseiling"]}


def call(client: APIClient, method: str, url: str, body: dict | None):
    if method in {"get", "delete"}:
        return getattr(client, method)(url)
    return getattr(client, method)(url, body or {}, format="json")


def snapshot(client: APIClient, schema: dict, ids: dict) -> dict[str, object]:
    """Everything Alice can read (list operations and her objects), as she reads it."""
    seen: dict[str, object] = {}
    for method, path, operation in operations(schema):
        if method != "get":
            continue
        for url, owned in concrete_paths(path, operation, ids):
            if "{" in path and not owned:
                continue
            response = client.get(url)
            seen[url] = (response.status_code, response.content)
    return seen


def leaked(content: bytes, markers: list[str]) -> list[str]:
    text = content.decode("utf-8", errors="replace")
    return [marker for marker in markers if marker in text]


def test_no_api_operation_shows_or_changes_another_users_data(alice, user, other_user):
    ids, markers = alice["ids"], alice["markers"]
    _, alice_token = api_token_create(user=user, name="alice")
    _, bob_token = api_token_create(user=other_user, name="bob")
    as_alice, as_bob, anonymous = APIClient(), APIClient(), APIClient()
    as_alice.credentials(HTTP_AUTHORIZATION=f"Token {alice_token}")
    as_bob.credentials(HTTP_AUTHORIZATION=f"Token {bob_token}")
    schema = api_schema(as_bob)
    before = snapshot(as_alice, schema, ids)
    assert leaked(as_alice.get(f"/api/v1/videos/{ids['videos']}/").content, markers)

    problems, calls, attacked = [], 0, set()
    for method, path, operation in operations(schema):
        for url, owned in concrete_paths(path, operation, ids):
            if owned:
                attacked.add(url.removeprefix("/api/v1/").split("/", 1)[0])
            for who, client in (("bob", as_bob), ("anonymous", anonymous)):
                for body in ((None, reference_body(ids)) if method in {"post", "put", "patch"}
                             else (None,)):
                    response = call(client, method, url, body)
                    calls += 1
                    where = f"{who} {method.upper()} {url} -> {response.status_code}"
                    if leaked(response.content, markers):
                        problems.append(f"{where} shows {leaked(response.content, markers)}")
                    if response.status_code >= 500:
                        problems.append(f"{where}: server error")
                    if who == "anonymous" and response.status_code not in (401, 403):
                        problems.append(f"{where}: anonymous access")
                    if who == "bob" and owned and response.status_code not in (403, 404, 405):
                        problems.append(f"{where} on Alice's object")
    assert problems == [], "\n".join(problems)
    assert calls >= 2 * len(list(operations(schema)))
    assert attacked == set(ids)  # every kind of Alice's objects was asked for by id
    assert snapshot(as_alice, schema, ids) == before  # nothing of hers changed or went
    analysis = Analysis.objects.get(pk=ids["analyses"])
    assert analysis.status == AnalysisStatus.SUCCEEDED and not analysis.cancel_requested


def test_schemathesis_finds_no_server_errors(live_server, alice, user, tmp_path):
    """Property-based requests from the OpenAPI schema, with Alice's token, over real HTTP."""
    _, token = api_token_create(user=user, name="schemathesis")
    report = tmp_path / "schemathesis"
    # Alice's real ids for the {id} of her resources, so requests reach past the lookup
    # (not for DELETE: the rest of the run needs them).
    client = APIClient()
    client.force_authenticate(user)
    config = tmp_path / "schemathesis.toml"
    config.write_text("".join(
        f"[[operations]]\ninclude-operation-id = '{operation['operationId']}'\n"
        f"parameters = {{ \"path.id\" = {json.dumps(alice['ids'][resource])} }}\n\n"
        for method, path, operation in operations(api_schema(client)) if method != "delete"
        for resource in [path.removeprefix("/api/v1/").split("/", 1)[0]]
        if resource in alice["ids"] and "{id}" in path))
    command = [
        str(Path(sys.executable).with_name("st")), "--config-file", str(config), "run",
        f"{live_server.url}/api/v1/schema/",
        "--header", f"Authorization: Token {token}", "--checks", "not_a_server_error",
        "--phases", "examples,fuzzing", "--max-examples", "5", "--seed", "20261124",
        "--workers", "1", "--request-timeout", "30", "--max-failures", "20",
        "--suppress-health-check", "all", "--report", "junit", "--report-dir", str(report),
        # Staff-only model imports read server paths; Alice is not staff (403 either way).
        "--exclude-operation-id", "model_versions_import_create",
    ]
    env = {**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": ""}
    result = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=420, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-8000:]
    generated = re.search(r"(\d+) generated, (\d+) passed", output)
    assert generated and int(generated.group(1)) == int(generated.group(2)) >= 200, \
        output[-3000:]
    assert "Server error" not in output


# --- CSRF, lockout, headers ------------------------------------------------------------------

def csrf_client(user) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.get(reverse("videos:upload"))
    return client, response.cookies["csrftoken"].value


def test_session_writes_need_the_csrf_token(alice, user):
    video, analysis, rule = alice["video"], alice["analysis"], alice["rule"]
    client, token = csrf_client(user)
    writes = [
        (reverse("videos:analysis_create", args=[video.pk]), {"segment_sec": "2"}),
        (reverse("videos:analysis_cancel", args=[analysis.pk]), {}),
        (reverse("alerts:rule_delete", args=[rule.pk]), {}),
        (reverse("videos:delete", args=[video.pk]), {}),
        (reverse("accounts:logout"), {}),
    ]
    for url, data in writes:
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert b"CSRF" in response.content
    # The API with the session cookie (no token) is a session write too.
    api_writes = [("post", "/api/v1/alert-rules/", {"name": "x", "labels": ["abseiling"]}),
                  ("delete", f"/api/v1/videos/{video.pk}/", None),
                  ("post", f"/api/v1/analyses/{analysis.pk}/cancel/", None)]
    for method, url, data in api_writes:
        response = getattr(client, method)(url, json.dumps(data) if data else None,
                                           content_type="application/json")
        assert response.status_code == 403, url
        assert "CSRF" in response.json()["detail"]
    response = post_file(client, reverse("videos:upload"), "clip.mp4",
                         media.TINY_CLIPS[0].read_bytes(), {"analyze": "on"})
    assert response.status_code == 403
    assert Video.objects.count() == 1 and Analysis.objects.count() == 1  # nothing happened
    rule.refresh_from_db()
    # With the token the same writes go through: the check above can fail.
    response = client.post(reverse("videos:delete", args=[video.pk]),
                           {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert not Video.objects.filter(pk=video.pk).exists()
    response = client.post("/api/v1/alert-rules/", {"name": "x", "labels": ["abseiling"]},
                           content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201


def http_session(base_url: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def get(path: str):
        return opener.open(f"{base_url}{path}", timeout=30)

    def post_form(path: str, fields: dict[str, str], **headers: str):
        token = next(c.value for c in jar if c.name == "csrftoken")
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(f"{base_url}{path}", data=data, headers={
            "Referer": f"{base_url}{path}", **headers})
        try:
            return opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            return error

    return get, post_form, jar


def test_login_locks_out_after_repeated_failures_over_http(live_server, user, password,
                                                             settings):
    settings.VIGIL_LOGIN_MAX_FAILURES = 4
    get, post_form, jar = http_session(live_server.url)
    login = reverse("accounts:login")
    get(login)
    for _ in range(4):
        page = post_form(login, {"username": user.username, "password": "wrong"}).read()
        assert b"Please enter a correct username and password" in page
    # The right password is refused now, also when the client claims another address.
    for headers in ({}, {"X-Forwarded-For": "198.51.100.9", "X-Real-IP": "198.51.100.9"}):
        response = post_form(login, {"username": user.username, "password": password},
                             **headers)
        assert b"Too many failed sign-ins" in response.read()
        assert response.geturl().endswith(login)
        assert not any(c.name == "sessionid" for c in jar)
    assert get(reverse("videos:list")).geturl().startswith(f"{live_server.url}{login}")
    # The admin's sign-in is the same throttled page.
    assert get("/admin/login/").geturl().startswith(f"{live_server.url}{login}")


def assert_security_headers(response, where: str) -> None:
    csp = response.get("Content-Security-Policy", "")
    directives = dict([*part.strip().split(" ", 1), ""][:2] for part in csp.split(";")
                      if part.strip())
    scripts = directives.get("script-src", directives.get("default-src", ""))
    assert scripts and "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, \
        (where, csp)
    assert "'none'" in directives.get("object-src", ""), (where, csp)
    assert response.get("X-Content-Type-Options") == "nosniff", where
    assert response.get("X-Frame-Options") == "DENY", where
    assert response.get("Referrer-Policy"), where


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def test_security_headers_on_pages_api_and_media(alice, user):
    video, analysis = alice["video"], alice["analysis"]
    client = Client()
    client.force_login(user)
    pages = [reverse("videos:list"), reverse("videos:upload"),
             reverse("videos:detail", args=[video.pk]),
             reverse("videos:analysis_detail", args=[analysis.pk]), reverse("alerts:inbox"),
             reverse("alerts:rules"), reverse("alerts:webhooks"), reverse("accounts:profile")]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_security_headers(response, url)
        html = response.content.decode()
        assert INLINE_SCRIPT.findall(html) == [], url
        assert INLINE_HANDLER.findall(html) == [], url
    media_urls = [reverse("videos:source", args=[video.pk]),
                  reverse("videos:thumbnail", args=[video.pk]),
                  reverse("videos:analysis_annotated", args=[analysis.pk]),
                  reverse("videos:analysis_results", args=[analysis.pk]),
                  reverse("videos:analysis_segments_csv", args=[analysis.pk])]
    for url in media_urls:
        response = client.get(url, HTTP_RANGE="bytes=0-99")
        assert response.status_code in (200, 206), url
        assert_security_headers(response, url)
        assert response["Content-Type"].split(";")[0] in {
            "video/mp4", "image/jpeg", "application/json", "text/csv"}, url
    anonymous = Client()
    for url in (reverse("accounts:login"), "/api/v1/videos/"):
        assert_security_headers(anonymous.get(url), url)


PRODUCTION_PROBE = """
import json, django
django.setup()
from django.test import Client
client = Client()
out = {}
for url in ("/api/v1/videos/", "/api/v1/me/"):
    response = client.get(url, secure=True, HTTP_HOST="vigil.example.com")
    out[url] = [response.status_code, dict(response.headers)]
plain = client.get("/api/v1/videos/", HTTP_HOST="vigil.example.com")
out["http"] = [plain.status_code, dict(plain.headers)]
print(json.dumps(out))
"""


def test_production_adds_hsts_and_redirects_to_https(tmp_path):
    env = {key: value for key, value in os.environ.items()
           if key not in {"DEBUG", "DJANGO_ENV", "VIGIL_BEHIND_TLS_PROXY"}}
    env.update({"DJANGO_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(50),
                "ALLOWED_HOSTS": "vigil.example.com", "VIGIL_VAR_DIR": str(tmp_path),
                "DJANGO_SETTINGS_MODULE": "webapp.settings",
                "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    result = subprocess.run([sys.executable, "-c", PRODUCTION_PROBE], cwd=REPO_ROOT, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-4000:]
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    # (API answers: pages need collectstatic's manifest in production.)
    for url in ("/api/v1/videos/", "/api/v1/me/"):
        status, headers = answers[url]
        assert status in (200, 401, 403), (url, status)
        hsts = headers.get("Strict-Transport-Security", "")
        assert re.search(r"max-age=(\d+)", hsts) and int(
            re.search(r"max-age=(\d+)", hsts).group(1)) >= 31_536_000, (url, hsts)
        assert "includeSubDomains" in hsts
        assert headers.get("X-Content-Type-Options") == "nosniff"
        assert "'unsafe-inline'" not in headers.get("Content-Security-Policy", "x'unsafe-inline'")
    status, headers = answers["http"]
    assert status == 301 and headers["Location"].startswith("https://vigil.example.com/")
