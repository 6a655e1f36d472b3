"""Page/file view access: a signed-in session, or an API token in ``Authorization``."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse

from webapp.accounts.services import api_token_authenticate

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
