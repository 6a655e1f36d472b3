"""Webhook endpoints: target checks (public addresses only, pinned at send time), CRUD, and one
signed delivery attempt."""
from __future__ import annotations

import dataclasses
import http.client
import json
import socket
import ssl
import time
import uuid
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from webapp.alerts import signing
from webapp.alerts.addresses import address_refused
from webapp.alerts.models import (
    Alert,
    Delivery,
    DeliveryChannel,
    DeliveryStatus,
    WebhookEndpoint,
)
from webapp.alerts.services.deliveries import (
    WEBHOOK_TASK,
    Attempt,
    DeliveryFailed,
    alert_payload,
    delivery_send,
)
from webapp.core.services import model_update


class WebhookTargetRefused(ValidationError):
    """The URL is not http(s), or its host resolves to an address webhooks may not target."""


class WebhookHostUnresolved(ValidationError):
    """The host does not resolve (now): refused on save, retried at send time."""


@dataclasses.dataclass(frozen=True)
class WebhookTarget:
    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]
    """Resolved and checked addresses; the request connects to the first one (pinned)."""


def webhook_target_resolve(url: str) -> WebhookTarget:
    """Parse, resolve and check a webhook URL.

    Only http and https; every address the host resolves to must be public (not private,
    loopback, link-local, multicast, reserved or unspecified, nor carry such an IPv4 address:
    :mod:`webapp.alerts.addresses`) unless ``VIGIL_WEBHOOK_ALLOW_PRIVATE``. Raises
    :class:`WebhookTargetRefused` or :class:`WebhookHostUnresolved` (both ``ValidationError``
    keyed ``url``).
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise WebhookTargetRefused({"url": "not a valid URL"}) from None
    if parts.scheme not in ("http", "https"):
        raise WebhookTargetRefused({"url": "only http and https URLs are allowed"})
    host = parts.hostname
    if not host:
        raise WebhookTargetRefused({"url": "the URL has no host"})
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise WebhookHostUnresolved({"url": f"the host {host!r} cannot be resolved"}) from None
    addresses = tuple(dict.fromkeys(str(info[4][0]) for info in infos))
    if not settings.VIGIL_WEBHOOK_ALLOW_PRIVATE:
        for address in addresses:
            reason = address_refused(address)
            if reason:
                raise WebhookTargetRefused(
                    {"url": f"the host {host!r} resolves to a {reason} address ({address}), "
                            "which webhooks may not target"})
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return WebhookTarget(parts.scheme, host, port, path, addresses)


def webhook_url_validate(url: str) -> None:
    """Raise ``ValidationError`` (keyed ``url``) unless ``url`` is an allowed webhook target."""
    webhook_target_resolve(url)


def webhook_create(*, owner: User, url: str, name: str = "",
                   is_active: bool = True) -> WebhookEndpoint:
    webhook_url_validate(url)
    return WebhookEndpoint.objects.create(owner=owner, url=url, name=name, is_active=is_active)


def webhook_update(*, webhook: WebhookEndpoint, **fields) -> WebhookEndpoint:
    if "url" in fields:
        webhook_url_validate(fields["url"])
    return model_update(instance=webhook, fields=("url", "name", "is_active"), data=fields)


def webhook_delete(*, webhook: WebhookEndpoint) -> None:
    webhook.delete()


def webhook_test(*, webhook: WebhookEndpoint) -> None:
    """Queue a test delivery (no alert) to the endpoint."""
    transaction.on_commit(partial(delivery_send, WEBHOOK_TASK, webhook.pk, None))


def webhook_message_id(*, webhook_id: int, alert_id: int | None) -> str:
    """``webhook-id``: one per (alert, endpoint), so every retry of it carries the same id; a
    test message is a new message each time."""
    if alert_id is None:
        return f"msg_test_{uuid.uuid4().hex}"
    return f"msg_alert{alert_id}_hook{webhook_id}"


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to an address checked beforehand (no second DNS lookup to rebind)."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.pinned_address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.pinned_address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to a checked address; SNI and the certificate check use the URL's host name."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        self.tls_context = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls_context)
        self.pinned_address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.pinned_address, self.port), self.timeout)
        self.sock = self.tls_context.wrap_socket(sock, server_hostname=self.host)


def _post(target: WebhookTarget, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    """POST to the pinned address; redirects are answers like any other (never followed)."""
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" \
        else _PinnedHTTPConnection
    connection = connection_class(target.host, target.port, address=target.addresses[0],
                                  timeout=settings.VIGIL_WEBHOOK_TIMEOUT_SEC)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(65536)
    except (OSError, http.client.HTTPException) as exc:
        return None, f"{type(exc).__name__}: {exc}"
    finally:
        connection.close()
    if 200 <= response.status < 300:
        return response.status, ""
    return response.status, f"HTTP {response.status} {response.reason}"


def webhook_deliver(*, webhook_id: int, alert_id: int | None, attempt: int,
                    final: bool) -> Attempt | None:
    """One attempt: validate the target again, POST the signed body, log a Delivery row.

    Returns ``None`` when the webhook or alert is gone. Raises :class:`DeliveryFailed` when
    the attempt failed and is not ``final`` (the task then retries).
    """
    webhook = WebhookEndpoint.objects.filter(pk=webhook_id).first()
    alert = (Alert.objects.select_related("analysis__video", "analysis__model_version")
             .filter(pk=alert_id).first() if alert_id is not None else None)
    if webhook is None or (alert_id is not None and alert is None):
        return None
    started = timezone.now()
    try:
        target = webhook_target_resolve(webhook.url)  # again at send time: DNS may change
    except ValidationError as exc:
        code, error = None, "; ".join(exc.message_dict.get("url", exc.messages))
        retryable = isinstance(exc, WebhookHostUnresolved)
    else:
        body = json.dumps(alert_payload(alert=alert), separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json", "User-Agent": "Vigil-Webhook/1",
                   **signing.signed_headers(
                       secret=webhook.secret, body=body, timestamp_sec=int(time.time()),
                       message_id=webhook_message_id(webhook_id=webhook.pk,
                                                     alert_id=alert_id))}
        code, error = _post(target, body, headers)
        retryable = True
    ok = code is not None and 200 <= code < 300
    status = DeliveryStatus.SUCCEEDED if ok else (
        DeliveryStatus.FAILED if final or not retryable else DeliveryStatus.RETRYING)
    Delivery.objects.create(
        owner_id=webhook.owner_id, channel=DeliveryChannel.WEBHOOK, webhook=webhook,
        alert=alert, attempt=attempt, status=status, status_code=code, error=error[:2000],
        target=webhook.url[:500], started_at=started, finished_at=timezone.now())
    if status == DeliveryStatus.RETRYING:
        raise DeliveryFailed(error or f"HTTP {code}")
    return Attempt(status, code, error)
