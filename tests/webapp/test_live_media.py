"""Media over real HTTP (the live server): only through the permission-checked Range view."""
from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from django.test import Client

from tests.webapp.conftest import SHORT_CLIP

pytestmark = pytest.mark.django_db(transaction=True)


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_media_is_served_by_the_checked_view_with_ranges(live_server, owned, user, other_user):
    video, analysis = owned
    url = f"{live_server.url}/analyses/{analysis.pk}/annotated.mp4"
    data = SHORT_CLIP.read_bytes()

    status, headers, body = fetch(url, Range="bytes=0-", Cookie=session_cookie(user))
    assert status == 206
    assert headers["Accept-Ranges"] == "bytes"
    assert headers["Content-Range"] == f"bytes 0-{len(data) - 1}/{len(data)}"
    assert body == data
    status, headers, body = fetch(url, Range="bytes=100-199", Cookie=session_cookie(user))
    assert (status, len(body), body) == (206, 100, data[100:200])

    # Bob, and anonymous visitors, get nothing, whatever the path looks like on disk.
    assert fetch(url, Range="bytes=0-", Cookie=session_cookie(other_user))[0] == 404
    status, _, body = fetch(url)
    assert status == 200 and b"Sign in" in body  # followed the redirect to the login page
    for path in (f"/media/{analysis.annotated_file}", f"/_protected-media/{analysis.results_file}",
                 f"/{video.file}", f"/_protected-media/{video.file}"):
        assert fetch(f"{live_server.url}{path}")[0] == 404, path
