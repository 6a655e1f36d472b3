"""``{% quota_card %}``: the signed-in user's analyses and storage against their quotas (the
profile page shows it; the accounts app does not import videos)."""
from __future__ import annotations

from django import template

from webapp.videos.quotas import quota_usage

register = template.Library()


@register.inclusion_tag("videos/_quota.html", takes_context=True)
def quota_card(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"usage": None}
    return {"usage": quota_usage(user=user)}
