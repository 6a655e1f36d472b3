"""Writes for accounts: sign-up, login throttling, API tokens."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from webapp.accounts.models import ApiToken, LoginFailure

TOKEN_BYTES = 32


def user_create(*, username: str, password: str, email: str = "") -> User:
    """A regular (non-staff) user; the password must pass the validators."""
    user_model = get_user_model()
    user = user_model(username=username, email=email)
    validate_password(password, user=user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


# --- Login throttling --------------------------------------------------------------------------

def normalize_username(username: str) -> str:
    return (username or "").strip().lower()[:150]


def login_failure_record(*, username: str, ip_address: str,
                         now: datetime | None = None) -> LoginFailure:
    """Count a failed sign-in for (username, IP); lock it after ``VIGIL_LOGIN_MAX_FAILURES``.

    Failures older than the lockout window are forgotten, so N failures must happen within
    ``VIGIL_LOGIN_LOCKOUT_MINUTES`` to lock; the lock then lasts that many minutes.
    """
    now = now or timezone.now()
    window = timedelta(minutes=settings.VIGIL_LOGIN_LOCKOUT_MINUTES)
    with transaction.atomic():
        record, _ = LoginFailure.objects.select_for_update().get_or_create(
            username=normalize_username(username), ip_address=ip_address or "",
            defaults={"first_failure_at": now},
        )
        expired_lock = record.locked_until is not None and record.locked_until <= now
        if expired_lock or record.first_failure_at < now - window:
            record.failures = 0
            record.first_failure_at = now
            record.locked_until = None
        record.failures += 1
        if record.failures >= settings.VIGIL_LOGIN_MAX_FAILURES:
            record.locked_until = now + window
        record.save()
    return record


def login_success(*, username: str, ip_address: str) -> None:
    """Forget the failures of (username, IP) after a successful sign-in."""
    LoginFailure.objects.filter(username=normalize_username(username),
                                ip_address=ip_address or "").delete()


def login_failures_purge(*, now: datetime | None = None) -> int:
    """Delete counters whose window and lock have both passed."""
    now = now or timezone.now()
    window = timedelta(minutes=settings.VIGIL_LOGIN_LOCKOUT_MINUTES)
    stale = LoginFailure.objects.filter(first_failure_at__lt=now - window).exclude(
        locked_until__gt=now)
    return stale.delete()[0]


# --- API tokens --------------------------------------------------------------------------------

def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def api_token_create(*, user: User, name: str,
                     expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user``: the row and the key (returned once, never stored).

    ``expires_at``: refused from then on (``None``: until revoked)."""
    key = "vgl_" + secrets.token_urlsafe(TOKEN_BYTES)
    token = ApiToken.objects.create(
        user=user, name=(name or "API token").strip()[:100] or "API token",
        prefix=key[:12], key_hash=hash_token(key), expires_at=expires_at,
    )
    return token, key


def api_token_revoke(*, user: User, token_id: int) -> bool:
    """Delete one of ``user``'s tokens; False when it is not theirs or does not exist."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return deleted > 0


def api_tokens_revoke_all(*, user: User) -> int:
    """Delete every token of ``user`` (offered with a password change); how many there were."""
    return ApiToken.objects.filter(user=user).delete()[0]


def api_token_authenticate(*, key: str) -> User | None:
    """The active user owning ``key``, marking the token used; ``None`` if unknown or expired."""
    token = (ApiToken.objects.select_related("user")
             .filter(key_hash=hash_token(key)).first())
    now = timezone.now()
    if token is None or not token.user.is_active or token.expired(now):
        return None
    if token.last_used_at is None or token.last_used_at < now - timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
