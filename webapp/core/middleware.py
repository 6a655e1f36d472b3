"""Request ids, health check, Content-Security-Policy header, and the early 413 for oversize
uploads."""
from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from webapp.core.errors import UploadTooLarge, error_body
from webapp.core.logs import log_context, request_id_from, request_id_here
from webapp.core.uploads import content_length_too_large, too_large_message

REQUEST_ID_HEADER = "X-Request-ID"


class RequestIdMiddleware:
    """Returns the request's id in ``X-Request-ID``: the one ``request_started`` opened the log
    context with (``webapp.core.logs``), else (ASGI) the client's valid one or a new one, in a
    context opened here. Tasks the request sends carry it on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_here()
        if request_id:
            response = self.get_response(request)
        else:
            request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
            with log_context(request_id=request_id):
                response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


class HealthCheckMiddleware:
    """Answers ``GET /healthz`` first: no session, no host check (probes use any Host)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == "/healthz" and request.method in ("GET", "HEAD"):
            from webapp.core.views import healthz_response  # noqa: PLC0415

            return healthz_response()
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Adds ``VIGIL_CSP`` to every response that has none (strict: no inline scripts)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.VIGIL_CSP and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.VIGIL_CSP
        return response


class UploadSizeLimitMiddleware:
    """Answers 413 to a multipart request whose ``Content-Length`` is over the upload limit.

    Runs before anything reads ``request.POST``/``FILES``, so the body is never parsed or stored.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (request.method in ("POST", "PUT", "PATCH")
                and request.content_type == "multipart/form-data"
                and content_length_too_large(request)):
            return too_large_response(request)
        return self.get_response(request)


def too_large_response(request: HttpRequest) -> HttpResponse:
    """413 as JSON for the API (or XHR), as a page otherwise."""
    message = too_large_message()
    wants_json = (request.path.startswith("/api/")
                  or "application/json" in request.headers.get("Accept", ""))
    if wants_json:
        response: HttpResponse = JsonResponse(
            error_body(code=UploadTooLarge.code, detail=message), status=413)
    else:
        response = HttpResponse(
            render_to_string("core/error.html", {"title": "File too large", "message": message},
                             request=request),
            status=413)
    return response
