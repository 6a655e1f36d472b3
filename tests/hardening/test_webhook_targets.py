"""SSRF through IPv6 forms that carry an IPv4 address: 6to4, Teredo, NAT64, IPv4-compatible and
IPv4-mapped webhook targets are refused when the embedded address is not public, on save (API)
and at send time; the same forms of a public address still pass."""
from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from webapp.alerts import services
from webapp.alerts.addresses import address_refused
from webapp.alerts.models import Delivery, WebhookEndpoint

pytestmark = pytest.mark.django_db

# Teredo: server 65.54.227.120 (public); client obfuscated (XOR 0xffffffff) in the last 32 bits.
TEREDO_CLIENT_LOOPBACK = "2001:0:4136:e378:8000:63bf:80ff:fffe"  # client 127.0.0.1
TEREDO_SERVER_PRIVATE = "2001:0:a00:1:8000:63bf:f7f7:f7f7"       # server 10.0.0.1

REFUSED = [
    ("2002:7f00:1::", "loopback (6to4 of 127.0.0.1)"),
    ("2002:a9fe:a9fe::1", "link-local (6to4 of 169.254.169.254)"),
    ("2002:c0a8:101::", "private (6to4 of 192.168.1.1)"),
    (TEREDO_CLIENT_LOOPBACK, "loopback (Teredo client of 127.0.0.1)"),
    (TEREDO_SERVER_PRIVATE, "private (Teredo server of 10.0.0.1)"),
    ("64:ff9b::7f00:1", "loopback (NAT64 of 127.0.0.1)"),
    ("64:ff9b::a9fe:a9fe", "link-local (NAT64 of 169.254.169.254)"),
    ("::127.0.0.1", "loopback (IPv4-compatible of 127.0.0.1)"),
    ("::10.1.2.3", "private (IPv4-compatible of 10.1.2.3)"),
    ("::ffff:127.0.0.1", "loopback (IPv4-mapped of 127.0.0.1)"),
    ("::ffff:169.254.169.254", "link-local (IPv4-mapped of 169.254.169.254)"),
]


@pytest.mark.parametrize(("address", "reason"), REFUSED)
def test_embedded_ipv4_forms_of_internal_addresses_are_refused_with_the_embedded_reason(
        address, reason, settings):
    assert address_refused(address) == reason
    settings.VIGIL_WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(services.WebhookTargetRefused) as refused:
        services.webhook_url_validate(f"http://[{address}]:8080/hook")
    assert reason in refused.value.message_dict["url"][0]


@pytest.mark.parametrize("address", ["2002:808:808::1", "64:ff9b::808:808", "::ffff:8.8.8.8",
                                     "2001:4860:4860::8888", "8.8.8.8"])
def test_the_same_forms_of_public_addresses_pass(address):
    assert address_refused(address) is None


@pytest.mark.parametrize("address", [
    "::", "::1", "2001:0:4136:e378:8000:63bf:f7f7:f7f7",  # Teredo of public: still 2001::/23
])
def test_addresses_without_an_internal_ipv4_are_still_judged_on_their_own(address):
    assert address_refused(address) in {"unspecified", "loopback", "private"}


def test_the_api_refuses_a_6to4_loopback_webhook(api_client, user, settings):
    settings.VIGIL_WEBHOOK_ALLOW_PRIVATE = False
    api_client.force_authenticate(user)
    response = api_client.post("/api/v1/webhooks/", {"url": "http://[2002:7f00:1::]/"},
                               format="json")
    assert response.status_code == 400
    assert "6to4 of 127.0.0.1" in response.json()["fields"]["url"][0]
    assert not WebhookEndpoint.objects.exists()


def test_a_stored_6to4_target_is_refused_again_at_send_time(user, settings):
    settings.VIGIL_WEBHOOK_ALLOW_PRIVATE = False
    webhook = WebhookEndpoint.objects.create(owner=user, url="http://[2002:7f00:1::]:9/")
    attempt = services.webhook_deliver(webhook_id=webhook.pk, alert_id=None, attempt=1,
                                       final=False)
    assert attempt is not None and attempt.status == "failed"
    assert attempt.status_code is None and "6to4 of 127.0.0.1" in attempt.error
    assert Delivery.objects.get(webhook=webhook).status == "failed"


def test_allow_private_lets_embedded_forms_through(settings):
    settings.VIGIL_WEBHOOK_ALLOW_PRIVATE = True
    services.webhook_url_validate("http://[2002:7f00:1::]/")  # no error
    with pytest.raises(ValidationError):
        services.webhook_url_validate("gopher://[2002:7f00:1::]/")
