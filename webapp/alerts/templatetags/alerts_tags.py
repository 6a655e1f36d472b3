"""``{% analysis_alerts analysis as alerts %}``: the viewer's alerts of one analysis (the
results page lists them without the videos app importing alerts)."""
from __future__ import annotations

from typing import Any

from django import template

from webapp.alerts.models import Alert
from webapp.alerts.selectors import alert_list

register = template.Library()

MAX_ALERTS = 100


@register.simple_tag(takes_context=True)
def analysis_alerts(context: template.Context, analysis: Any) -> list[Alert]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if analysis is None or user is None:
        return []
    return list(alert_list(user=user, analysis=analysis)[:MAX_ALERTS])
