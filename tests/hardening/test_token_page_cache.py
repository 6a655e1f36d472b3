"""The page that shows a new API token's key is never cached (issue 13)."""
from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_page_showing_a_new_token_key_is_never_stored_by_a_cache(user):
    client = Client()
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {"name": "laptop"})
    assert response.status_code == 201
    assert b'<code class="token">' in response.content
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives
    listing = client.get(reverse("accounts:profile"))
    assert "no-store" in listing["Cache-Control"]
