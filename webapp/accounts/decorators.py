"""Page/file view access: a signed-in session, or an API token in ``Authorization``; the
views that serve an object's stored files behind it."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from webapp.accounts.services import api_token_authenticate
from webapp.core.http import file_response

TOKEN_KEYWORDS = ("token", "bearer")


def login_or_token_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous browsers are sent to the login page; a bad or missing token answers 401."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        if header:
            parts = header.split()
            user = None
            if len(parts) == 2 and parts[0].lower() in TOKEN_KEYWORDS:
                user = api_token_authenticate(key=parts[1])
            if user is None:
                response = JsonResponse({"detail": "Invalid or revoked token."}, status=401)
                response["WWW-Authenticate"] = 'Token realm="api"'
                return response
            request.user = user
        elif not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def file_view(lookup: Callable[[HttpRequest, Any], Model], field: str, *,
              content_type: str | None = None, missing: str = "no such file",
              download_name: str | None = None,
              download_on_request: bool = False) -> Callable[..., HttpResponse]:
    """A GET view serving the stored file ``field`` of the object ``lookup(request, pk)``
    (which raises ``Http404`` for another user's), for a session or an API token.

    ``content_type`` and ``missing`` go to :func:`~webapp.core.http.file_response`.
    ``download_name`` (``{pk}`` is the object's) makes the answer an attachment of that
    name: always, or with ``download_on_request`` only when the query asks (``?download=1``).
    """

    @login_or_token_required
    @require_GET
    def view(request: HttpRequest, pk: Any) -> HttpResponse:
        obj = lookup(request, pk)
        name = None
        if download_name is not None and (
                not download_on_request or request.GET.get("download") == "1"):
            name = download_name.format(pk=obj.pk)
        return file_response(request, getattr(obj, field), content_type=content_type,
                             download_name=name, missing=missing)

    return view
