"""Pages that belong to no app: the home redirect, the health check, the staff ops page."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from webapp.core.health import health_report
from webapp.core.selectors import ops_overview


@login_required
def ops(request: HttpRequest) -> HttpResponse:
    """Staff-only operations page (queues, workers, analyses in flight); others get a 404."""
    if not request.user.is_staff:
        raise Http404("no such page")
    return render(request, "core/ops.html", {"ops": ops_overview()})


def home(request: HttpRequest) -> HttpResponse:
    return redirect("videos:list")


def healthz(request: HttpRequest) -> JsonResponse:
    """200 when database, broker and storage all answer; 503 naming the failing parts.
    Also counts the workers alive by their heartbeat (never a failure: see ``workers_summary``).

    Normally answered by :class:`webapp.core.middleware.HealthCheckMiddleware` before any
    session, host or CSRF handling; this view serves it when that middleware is absent.
    """
    return healthz_response()


def healthz_response() -> JsonResponse:
    ok, report = health_report()
    response = JsonResponse(report, status=200 if ok else 503)
    response["Cache-Control"] = "no-store"
    return response
