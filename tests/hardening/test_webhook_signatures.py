"""Replayed webhooks: deliveries are signed over id + timestamp + body (Standard Webhooks), and
the README's receiver snippet, run as written, accepts a real delivery once and rejects it
replayed later, replayed again, tampered with or checked with another secret."""
from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest

from tests.webapp.alert_receiver import Receiver
from tests.webapp.conftest import REPO_ROOT
from webapp.alerts import services, signing
from webapp.alerts.models import WebhookEndpoint

pytestmark = pytest.mark.django_db


def readme_verifier() -> SimpleNamespace:
    """The ``verify_vigil_webhook`` snippet of the README, executed as a receiver would paste it."""
    readme = (REPO_ROOT / "README.md").read_text()
    blocks = [b for b in re.findall(r"```python\n(.*?)```", readme, re.DOTALL)
              if "def verify_vigil_webhook" in b]
    assert len(blocks) == 1, "the README should hold one receiver snippet"
    namespace: dict = {}
    exec(compile(blocks[0], "README.md", "exec"), namespace)
    return SimpleNamespace(**namespace)


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def delivered(owned, user, receiver, settings):
    """A real alert delivered over HTTP to a local receiver: (endpoint, received request)."""
    settings.VIGIL_WEBHOOK_ALLOW_PRIVATE = True
    _, analysis = owned
    services.alert_rule_create(owner=user, name="watch", labels=["abseiling"],
                               enter_threshold=0.5)
    (alert,) = services.alerts_evaluate(analysis_id=analysis.pk)
    webhook = services.webhook_create(owner=user, url=receiver.url)
    attempt = services.webhook_deliver(webhook_id=webhook.pk, alert_id=alert.pk, attempt=1,
                                       final=True)
    assert attempt is not None and attempt.status == "succeeded", attempt
    (request,) = receiver.requests
    assert json.loads(request.body)["alert"]["id"] == alert.pk
    return webhook, request


def test_new_endpoints_get_standard_webhooks_secrets(user):
    webhook = WebhookEndpoint.objects.create(owner=user, url="https://93.184.216.34/x")
    assert webhook.secret.startswith("whsec_")
    assert len(signing.secret_key(webhook.secret)) == 32


def test_a_delivery_is_signed_over_id_timestamp_and_body(delivered):
    webhook, request = delivered
    assert "X-Vigil-Signature" not in request.headers
    message_id = request.headers["webhook-id"]
    timestamp = int(request.headers["webhook-timestamp"])
    assert request.headers["webhook-signature"] == signing.sign(
        secret=webhook.secret, message_id=message_id, timestamp_sec=timestamp,
        body=request.body)
    # The same body under another id or time has another signature: they are covered.
    assert signing.sign(secret=webhook.secret, message_id=message_id + "x",
                        timestamp_sec=timestamp, body=request.body) \
        != request.headers["webhook-signature"]
    assert signing.sign(secret=webhook.secret, message_id=message_id,
                        timestamp_sec=timestamp + 1, body=request.body) \
        != request.headers["webhook-signature"]


def test_the_readme_snippet_accepts_a_delivery_once_and_rejects_replays(delivered):
    webhook, request = delivered
    readme = readme_verifier()
    sent_at = int(request.headers["webhook-timestamp"])
    seen: set[str] = set()

    def verify(**overrides):
        arguments = {"secret": webhook.secret, "headers": request.headers,
                     "body": request.body, "seen_ids": seen, "now": sent_at + 2, **overrides}
        return readme.verify_vigil_webhook(**arguments)

    def rejected(reason: str, **overrides) -> None:
        with pytest.raises(readme.WebhookRejected, match=reason):
            verify(**overrides)

    # Replayed 5 minutes and 1 second later (or sent "from the future"): too old.
    rejected("timestamp outside the tolerance", now=sent_at + readme.TOLERANCE_SEC + 1)
    rejected("timestamp outside the tolerance", now=sent_at - readme.TOLERANCE_SEC - 1)
    # Tampered with, or signed with another endpoint's secret.
    rejected("no valid signature", body=request.body.replace(b'"abseiling"', b'"fight"'))
    rejected("no valid signature", secret=signing.new_secret())
    rejected("no valid signature", headers={**request.headers, "webhook-timestamp":
                                            str(sent_at + 1)}, now=sent_at + 1)
    rejected("missing header", headers={k: v for k, v in request.headers.items()
                                        if k != "webhook-signature"})
    assert seen == set()
    verify()  # the genuine delivery, within the tolerance: accepted
    assert seen == {request.headers["webhook-id"]}
    rejected("already received")  # the same delivery replayed within the window


def test_secrets_made_before_whsec_still_verify(delivered, user, receiver):
    webhook, _ = delivered
    WebhookEndpoint.objects.filter(pk=webhook.pk).update(secret="legacy-secret-token-urlsafe")
    services.webhook_deliver(webhook_id=webhook.pk, alert_id=None, attempt=1, final=True)
    request = receiver.requests[-1]
    assert json.loads(request.body)["type"] == "vigil.test"
    readme_verifier().verify_vigil_webhook(
        "legacy-secret-token-urlsafe", request.headers, request.body, seen_ids=set(),
        now=int(request.headers["webhook-timestamp"]))
