"""Accounts: password reset by e-mail (Django's views, the site's templates, links on the public
URL), a password change that ends other sessions and, when asked, revokes the API tokens, and
API tokens that expire."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from webapp.accounts.models import ApiToken
from webapp.accounts.services import api_token_create

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a whole new battery staple 77"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def token_works(key: str) -> bool:
    status = Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/me/").status_code
    assert status in (200, 401)
    return status == 200


def test_password_reset_by_email_end_to_end(user, password, settings):
    settings.VIGIL_PUBLIC_URL = "https://vigil.example.org"
    user.email = "alice@example.com"
    user.save()
    client = Client()
    login_page = client.get(reverse("accounts:login")).content.decode()
    assert reverse("accounts:password_reset") in login_page
    page = client.get(reverse("accounts:password_reset"))
    assert page.status_code == 200 and b"Reset your password" in page.content
    assert b'href="/static/vigil/app.css"' in page.content or b"app.css" in page.content
    # An unknown address looks the same from outside, and sends nothing.
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []
    # A forged Host header does not choose the link's host.
    response = client.post(reverse("accounts:password_reset"), {"email": "ALICE@example.com"},
                           HTTP_HOST="localhost")
    assert response["Location"] == reverse("accounts:password_reset_done")
    (message,) = mail.outbox
    assert message.to == ["alice@example.com"]
    assert message.subject == "[Vigil] Reset your password"
    link = re.search(r"https://vigil\.example\.org(/accounts/password/reset/\S+/\S+/)",
                     message.body).group(1)
    assert "localhost" not in message.body
    # Django swaps the token in the URL for one in the session, then shows the form.
    form_url = client.get(link)["Location"]
    page = client.get(form_url)
    assert page.status_code == 200 and b"Choose a new password" in page.content
    assert b"Also revoke my API tokens" in page.content
    response = client.post(form_url, {"new_password1": NEW_PASSWORD,
                                      "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert b"Password set" in client.get(response["Location"]).content
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD) and not user.check_password(password)
    # The link works once.
    assert b"This link is not valid" in client.get(link, follow=True).content
    assert Client().login(username=user.username, password=NEW_PASSWORD)


def test_password_change_ends_other_sessions_and_revokes_tokens_only_when_asked(user,
                                                                                 password):
    _, key = api_token_create(user=user, name="ci")
    here, elsewhere = signed_in(user), signed_in(user)
    page = here.get(reverse("accounts:password_change")).content.decode()
    assert "Also revoke my API tokens" in page
    response = here.post(reverse("accounts:password_change"), {
        "old_password": password, "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert here.get(reverse("accounts:profile")).status_code == 200  # this session goes on
    assert elsewhere.get(reverse("accounts:profile")).status_code == 302  # the other ended
    assert token_works(key)  # not asked: the token keeps working
    response = here.post(reverse("accounts:password_change"), {
        "old_password": NEW_PASSWORD, "new_password1": password, "new_password2": password,
        "revoke_tokens": "on"}, follow=True)
    assert b"1 API token(s) revoked" in response.content
    assert not token_works(key)
    assert not ApiToken.objects.filter(user=user).exists()


def test_tokens_expire(user):
    client = signed_in(user)
    response = client.post(reverse("accounts:profile"), {"name": "week",
                                                         "expires_in_days": "7"})
    assert response.status_code == 201
    key = re.search(r'<code class="token">(vgl_[^<]+)</code>', response.content.decode()).group(1)
    token = ApiToken.objects.get(user=user)
    assert token.expires_at - timezone.now() == pytest.approx(timedelta(days=7),
                                                             abs=timedelta(minutes=1))
    assert token_works(key)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert not token_works(key)
    # Token-authenticated file views refuse it too.
    assert Client(HTTP_AUTHORIZATION=f"Token {key}").get(
        reverse("videos:list")).status_code in (302, 401)
    assert b"expired" in client.get(reverse("accounts:profile")).content
    # Left out, the expiry is the default; "never" exists for tokens that must not expire.
    client.post(reverse("accounts:profile"), {"name": "script"})
    assert ApiToken.objects.get(name="script").expires_at > timezone.now() + timedelta(days=89)
    response = client.post(reverse("accounts:profile"), {"name": "ci", "expires_in_days": "0"})
    never = re.search(r'<code class="token">(vgl_[^<]+)</code>', response.content.decode())
    assert ApiToken.objects.get(name="ci").expires_at is None
    assert token_works(never.group(1))
