"""Reads for accounts."""
from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.request import Request

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


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """``user``'s API tokens, newest first."""
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def request_user(request: HttpRequest | Request) -> User:
    """The signed-in user of ``request``, for views behind ``login_required``, a token or
    ``IsAuthenticated`` (where it is never anonymous); ``PermissionDenied`` if it is."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
