"""Webhook signatures, the Standard Webhooks way (https://www.standardwebhooks.com).

Every delivery carries three headers:

- ``webhook-id``: the message id, the same for every retry of one message (receivers dedupe);
- ``webhook-timestamp``: integer Unix seconds of this attempt;
- ``webhook-signature``: ``v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">``.

Signing the id and timestamp with the body is what stops replays: a captured delivery stays
valid only for the receiver's tolerance (5 minutes in the README's snippet), and a receiver
that remembers the ids it saw within that window rejects a second copy.

Secrets are ``whsec_<base64 of 32 random bytes>``; the HMAC key is the decoded bytes, so the
official Standard Webhooks libraries verify Vigil's deliveries as they are. Secrets made before
this format (no ``whsec_`` prefix) are used as their own UTF-8 bytes, as those libraries also
accept, so existing endpoints keep working without a new secret.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
SECRET_BYTES = 32
ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key of an endpoint's secret."""
    if secret.startswith(SECRET_PREFIX):
        return base64.b64decode(secret[len(SECRET_PREFIX):])
    return secret.encode()


def sign(*, secret: str, message_id: str, timestamp_sec: int, body: bytes) -> str:
    """The ``webhook-signature`` value: ``v1,<base64 HMAC-SHA256>``."""
    signed = f"{message_id}.{timestamp_sec}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(*, secret: str, message_id: str, timestamp_sec: int,
                   body: bytes) -> dict[str, str]:
    return {
        ID_HEADER: message_id,
        TIMESTAMP_HEADER: str(timestamp_sec),
        SIGNATURE_HEADER: sign(secret=secret, message_id=message_id,
                               timestamp_sec=timestamp_sec, body=body),
    }
