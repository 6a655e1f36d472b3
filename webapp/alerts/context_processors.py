"""Template context from alerts on every page: the navigation's unread badge."""
from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial

from django.http import HttpRequest

from webapp.alerts.selectors import alert_unread_count


def unread_alerts(request: HttpRequest) -> dict[str, Callable[[], int]]:
    """``alerts_unread``: the signed-in user's unread alerts, counted once and only when a
    template reads it (templates call callables), so pages and errors without the
    navigation cost nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"alerts_unread": cache(partial(alert_unread_count, user=user))}
