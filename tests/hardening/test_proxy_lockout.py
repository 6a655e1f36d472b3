"""Login lockout behind the shipped nginx: keyed on the client's address from X-Forwarded-For
as nginx appends it, never on nginx's own address (which would lock everyone out) and never
on what the client claims in that header."""
from __future__ import annotations

import functools
import http.client
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.urls import reverse

from tests.webapp.test_nginx import nginx  # noqa: F401  (fixture: docker/nginx.conf, for real)
from webapp.accounts.models import LoginFailure
from webapp.core.clientip import client_ip

pytestmark = pytest.mark.django_db(transaction=True)

ATTACKER, VICTIM = "127.0.0.2", "127.0.0.3"  # loopback source addresses nginx sees


class _FromAddress(urllib.request.HTTPHandler):
    """Connects from a chosen local address, so nginx sees distinct clients."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source

    def http_open(self, req):
        return self.do_open(functools.partial(http.client.HTTPConnection,
                                              source_address=(self.source, 0)), req)


class Browser:
    def __init__(self, base_url: str, *, source: str) -> None:
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(_FromAddress(source),
                                                  urllib.request.HTTPCookieProcessor(self.jar))

    def open(self, path: str, data: dict[str, str] | None = None, **headers: str):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(f"{self.base_url}{path}", data=body, headers=headers)
        try:
            return self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            return error

    def sign_in(self, username: str, password: str, **headers: str) -> tuple[str, bytes]:
        """POST the login form; the final URL and page."""
        login = reverse("accounts:login")
        page = self.open(login).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        response = self.open(login, {"username": username, "password": password,
                                     "csrfmiddlewaretoken": token}, **headers)
        return response.geturl(), response.read()

    @property
    def signed_in(self) -> bool:
        return any(cookie.name == "sessionid" for cookie in self.jar)


def test_a_locked_out_attacker_behind_nginx_does_not_lock_out_the_user(
        nginx, user, password, settings):  # noqa: F811
    settings.VIGIL_TRUSTED_PROXIES = ["127.0.0.1/32"]  # nginx connects from here
    settings.VIGIL_LOGIN_MAX_FAILURES = 4
    attacker = Browser(nginx, source=ATTACKER)
    for n in range(4):  # each attempt claims another address: the claim is not believed
        _, page = attacker.sign_in(user.username, "wrong", **{
            "X-Forwarded-For": f"198.51.100.{n}"})
        assert b"Please enter a correct username and password" in page
    assert list(LoginFailure.objects.values_list("ip_address", "failures")) == [(ATTACKER, 4)]
    _, page = attacker.sign_in(user.username, password, **{"X-Forwarded-For": VICTIM})
    assert b"Too many failed sign-ins" in page and not attacker.signed_in

    victim = Browser(nginx, source=VICTIM)
    url, _ = victim.sign_in(user.username, password)
    assert victim.signed_in
    assert url == f"{nginx}{reverse('videos:list')}"


def test_without_trusted_proxies_nginx_is_one_client(nginx, user, password, settings):  # noqa: F811
    """The control: keyed on REMOTE_ADDR (today's behaviour) nginx's address is locked."""
    settings.VIGIL_TRUSTED_PROXIES = []
    settings.VIGIL_LOGIN_MAX_FAILURES = 2
    attacker = Browser(nginx, source=ATTACKER)
    for _ in range(2):
        attacker.sign_in(user.username, "wrong")
    assert list(LoginFailure.objects.values_list("ip_address", flat=True)) == ["127.0.0.1"]
    victim = Browser(nginx, source=VICTIM)
    _, page = victim.sign_in(user.username, password)
    assert b"Too many failed sign-ins" in page and not victim.signed_in


@pytest.mark.parametrize(("meta", "expected"), [
    # No trusted proxy configured for this peer: the header is the client's word, ignored.
    ({"REMOTE_ADDR": "203.0.113.5", "HTTP_X_FORWARDED_FOR": "10.9.9.9"}, "203.0.113.5"),
    # From nginx: the last entry is what nginx saw; earlier ones the client wrote.
    ({"REMOTE_ADDR": "172.18.0.3", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.5"},
     "203.0.113.5"),
    # A chain of trusted proxies is skipped from the right.
    ({"REMOTE_ADDR": "172.18.0.3", "HTTP_X_FORWARDED_FOR": "203.0.113.5, 172.18.0.9"},
     "203.0.113.5"),
    # Garbage ends the walk at the last good hop; no header: the proxy itself.
    ({"REMOTE_ADDR": "172.18.0.3", "HTTP_X_FORWARDED_FOR": "nonsense, 172.18.0.9"},
     "172.18.0.9"),
    ({"REMOTE_ADDR": "172.18.0.3"}, "172.18.0.3"),
    ({"REMOTE_ADDR": "::ffff:172.18.0.3", "HTTP_X_FORWARDED_FOR": "[2001:db8::1]"},
     "2001:db8::1"),
])
def test_client_ip_trusts_forwarded_for_only_from_configured_proxies(meta, expected):
    assert client_ip(meta, trusted_proxies=["172.16.0.0/12"]) == expected
