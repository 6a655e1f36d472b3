"""Per-user quotas: analyses queued or running at once, and bytes of stored uploads.

``VIGIL_QUOTA_ACTIVE_ANALYSES`` and ``VIGIL_QUOTA_STORAGE_BYTES`` (0: no cap). Staff are exempt:
they rescore and evaluate in bulk, and they set the quotas. A refusal is
:class:`QuotaExceeded` with a reason code (``quota_analyses``, ``quota_storage``), answered
429 by the API and the pages.

Ordering: the checks that count (``lock=True``) run inside the caller's transaction after
locking the user's row, so two uploads or starts of one user at the same moment are counted
one after the other and cannot both slip under the cap.
"""
from __future__ import annotations

import dataclasses

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Sum

from webapp.core.errors import ServiceError
from webapp.videos.models import Analysis, AnalysisStatus, Video

ACTIVE_STATUSES = (AnalysisStatus.QUEUED, AnalysisStatus.RUNNING)


class QuotaExceeded(ServiceError):
    """A per-user quota refuses the request (HTTP 429)."""

    http_status = 429

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, code=code)


@dataclasses.dataclass(frozen=True)
class QuotaUsage:
    active_analyses: int
    max_active_analyses: int
    """0: no cap (also for staff)."""
    stored_bytes: int
    max_stored_bytes: int


def _exempt(user: User | None) -> bool:
    return user is None or user.is_staff


def _capped_user(user: User | None, *, limit: int, lock: bool) -> User | None:
    """``user`` when a cap of ``limit`` applies to them (their row locked first when ``lock``);
    ``None`` when no cap applies (no limit, no user, staff)."""
    if not limit or user is None or _exempt(user):
        return None
    if lock:
        list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk"))
    return user


def active_analyses(*, user: User) -> int:
    return Analysis.objects.filter(created_by=user, status__in=ACTIVE_STATUSES).count()


def stored_bytes(*, user: User) -> int:
    return Video.objects.filter(owner=user).aggregate(total=Sum("size_bytes"))["total"] or 0


def quota_usage(*, user: User) -> QuotaUsage:
    """What ``user`` uses and may use (the profile page shows it)."""
    exempt = _exempt(user)
    return QuotaUsage(
        active_analyses=active_analyses(user=user),
        max_active_analyses=0 if exempt else settings.VIGIL_QUOTA_ACTIVE_ANALYSES,
        stored_bytes=stored_bytes(user=user),
        max_stored_bytes=0 if exempt else settings.VIGIL_QUOTA_STORAGE_BYTES)


def analyses_quota_check(*, user: User | None, lock: bool = False) -> None:
    """Raise :class:`QuotaExceeded` if ``user`` may not queue one more analysis."""
    limit = settings.VIGIL_QUOTA_ACTIVE_ANALYSES
    capped = _capped_user(user, limit=limit, lock=lock)
    if capped is None:
        return
    active = active_analyses(user=capped)
    if active >= limit:
        raise QuotaExceeded("quota_analyses", (
            f"You have {active} analyses queued or running, the most allowed at once "
            f"({limit}); start more when one has finished, or cancel one."))


def storage_quota_check(*, user: User | None, adding_bytes: int,
                        lock: bool = False) -> None:
    """Raise :class:`QuotaExceeded` if storing ``adding_bytes`` more would pass the cap."""
    limit = settings.VIGIL_QUOTA_STORAGE_BYTES
    capped = _capped_user(user, limit=limit, lock=lock)
    if capped is None:
        return
    used = stored_bytes(user=capped)
    if used + adding_bytes > limit:
        raise QuotaExceeded("quota_storage", (
            f"This upload ({adding_bytes} bytes) would take your stored videos to "
            f"{used + adding_bytes} bytes, over your quota of {limit} bytes; delete videos "
            "you no longer need."))
