"""Accounts: sign-up switch, sign in/out, password change, login throttling, API tokens."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from webapp.accounts import selectors, services
from webapp.accounts.models import ApiToken, LoginFailure

pytestmark = pytest.mark.django_db


def test_throttle_locks_after_max_failures_per_username_and_ip(settings):
    settings.VIGIL_LOGIN_MAX_FAILURES = 3
    settings.VIGIL_LOGIN_LOCKOUT_MINUTES = 10
    now = timezone.now()
    for _ in range(2):
        services.login_failure_record(username="Alice", ip_address="10.0.0.1", now=now)
    assert selectors.login_locked_until(username="alice", ip_address="10.0.0.1", now=now) is None
    services.login_failure_record(username="alice ", ip_address="10.0.0.1", now=now)
    locked = selectors.login_locked_until(username="ALICE", ip_address="10.0.0.1", now=now)
    assert locked == now + timedelta(minutes=10)
    # Another address, or another username, is not locked.
    assert selectors.login_locked_until(username="alice", ip_address="10.0.0.2", now=now) is None
    assert selectors.login_locked_until(username="bob", ip_address="10.0.0.1", now=now) is None
    # The lock expires after M minutes.
    later = now + timedelta(minutes=10, seconds=1)
    assert selectors.login_locked_until(username="alice", ip_address="10.0.0.1",
                                        now=later) is None


def test_throttle_forgets_failures_outside_the_window(settings):
    settings.VIGIL_LOGIN_MAX_FAILURES = 3
    settings.VIGIL_LOGIN_LOCKOUT_MINUTES = 10
    start = timezone.now()
    services.login_failure_record(username="alice", ip_address="1.2.3.4", now=start)
    services.login_failure_record(username="alice", ip_address="1.2.3.4", now=start)
    record = services.login_failure_record(username="alice", ip_address="1.2.3.4",
                                           now=start + timedelta(minutes=11))
    assert record.failures == 1
    assert record.locked_until is None


def test_success_resets_and_purge_removes_old_counters(settings):
    now = timezone.now()
    services.login_failure_record(username="alice", ip_address="1.2.3.4", now=now)
    services.login_success(username="alice", ip_address="1.2.3.4")
    assert not LoginFailure.objects.exists()
    services.login_failure_record(username="carol", ip_address="1.2.3.4",
                                  now=now - timedelta(hours=2))
    assert services.login_failures_purge(now=now) == 1


def test_login_page_locks_out_after_repeated_failures(user, password, settings):
    settings.VIGIL_LOGIN_MAX_FAILURES = 3
    client = Client(REMOTE_ADDR="192.0.2.7")
    url = reverse("accounts:login")
    for _ in range(3):
        response = client.post(url, {"username": "alice", "password": "wrong"})
        assert response.status_code == 200
        assert b"Please enter a correct username and password" in response.content
    response = client.post(url, {"username": "alice", "password": password})
    assert response.status_code == 200
    assert b"Too many failed sign-ins" in response.content
    assert "_auth_user_id" not in client.session
    # From another address the right password still works.
    other = Client(REMOTE_ADDR="192.0.2.8")
    response = other.post(url, {"username": "alice", "password": password})
    assert response.status_code == 302
    assert response["Location"] == reverse("videos:list")


def test_sign_in_out_and_password_change(user, password):
    client = Client()
    response = client.post(reverse("accounts:login"),
                           {"username": "alice", "password": password})
    assert response.status_code == 302
    new_password = "another long passphrase 77"
    response = client.post(reverse("accounts:password_change"), {
        "old_password": password, "new_password1": new_password,
        "new_password2": new_password})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("videos:list")).status_code == 302


def test_signup_creates_a_regular_user_and_can_be_disabled(settings, django_user_model):
    client = Client()
    response = client.post(reverse("accounts:signup"), {
        "username": "dave", "email": "dave@example.com",
        "password1": "a sufficiently long pass 9", "password2": "a sufficiently long pass 9"})
    assert response.status_code == 302
    dave = django_user_model.objects.get(username="dave")
    assert not dave.is_staff
    weak = Client().post(reverse("accounts:signup"), {
        "username": "erin", "password1": "123", "password2": "123"})
    assert weak.status_code == 200
    assert not django_user_model.objects.filter(username="erin").exists()
    settings.VIGIL_SIGNUP_ENABLED = False
    assert Client().get(reverse("accounts:signup")).status_code == 404


def test_tokens_are_created_shown_once_used_and_revoked(user, other_user):
    client = Client()
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {"name": "laptop"})
    assert response.status_code == 201
    key = re.search(rb'<code class="token">([^<]+)</code>', response.content).group(1).decode()
    token = ApiToken.objects.get(user=user)
    assert token.key_hash != key and key not in token.key_hash  # only the hash is stored
    assert key.encode() not in client.get(reverse("accounts:profile")).content

    api = Client(HTTP_AUTHORIZATION=f"Token {key}")
    me = api.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "alice"
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/me/").status_code == 200

    # Bob cannot revoke Alice's token.
    bob = Client()
    bob.force_login(other_user)
    assert bob.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 302
    assert api.get("/api/v1/me/").status_code == 401


def test_admin_login_goes_through_the_throttled_page():
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
