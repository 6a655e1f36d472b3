"""Reads for accounts."""
from __future__ import annotations

from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from webapp.accounts.models import ApiToken, LoginFailure
from webapp.accounts.services import normalize_username


def login_locked_until(*, username: str, ip_address: str,
                       now: datetime | None = None) -> datetime | None:
    """When (username, IP) may try again, or ``None`` if it is not locked out."""
    now = now or timezone.now()
    record = LoginFailure.objects.filter(username=normalize_username(username),
                                         ip_address=ip_address or "").first()
    if record and record.locked_until and record.locked_until > now:
        return record.locked_until
    return None


def api_token_list(*, user: AbstractBaseUser) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")
