"""``{% feedback_card %}``: the "is this right?" form on a finished analysis' results page."""
from __future__ import annotations

from django import template

from webapp.datasets import selectors
from webapp.videos.models import AnalysisStatus

register = template.Library()

MAX_TARGETS = 1000


@register.inclusion_tag("datasets/_feedback_card.html", takes_context=True)
def feedback_card(context) -> dict:
    analysis = context.get("analysis")
    request = context.get("request")
    user = getattr(request, "user", None)
    if analysis is None or analysis.status != AnalysisStatus.SUCCEEDED or user is None \
            or not user.is_authenticated:
        return {"show": False}
    mine = {(f.segment_id, f.event_id): f
            for f in selectors.feedback_list(user=user, analysis=analysis)}
    targets = selectors.feedback_targets(analysis=analysis)[:MAX_TARGETS]
    for target in targets:
        key = (target["id"], None) if target["kind"] == "segment" else (None, target["id"])
        target["mine"] = mine.get(key)
    return {"show": True, "analysis": analysis, "targets": targets,
            "marked": [t for t in targets if t["mine"] is not None],
            "labels": list(analysis.model_version.labels), "csrf_token": context.get(
                "csrf_token"), "user": user}
