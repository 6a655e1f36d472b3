"""Account pages: sign in/out/up, password change, profile with API tokens."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from webapp.accounts import selectors, services
from webapp.accounts.forms import SignupForm, ThrottledAuthenticationForm, TokenCreateForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, "Your password was changed.")
        return super().form_valid(form)


def signup(request: HttpRequest) -> HttpResponse:
    if not settings.VIGIL_SIGNUP_ENABLED:
        raise Http404("sign-up is disabled")
    if request.user.is_authenticated:
        return redirect("videos:list")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome to Vigil.")
        return redirect("videos:list")
    return render(request, "accounts/signup.html", {"form": form})


@never_cache
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """Lists tokens; a POST creates one and shows its key once (never stored in clear).

    ``Cache-Control: no-store`` (``never_cache``): the page that shows a new key must not stay
    in a browser's or a proxy's cache, where the back button or a shared cache would show it
    again."""
    form = TokenCreateForm(request.POST or None)
    new_key = None
    status = 200
    if request.method == "POST" and form.is_valid():
        _, new_key = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
        form = TokenCreateForm()
        status = 201
    return render(request, "accounts/profile.html", {
        "form": form,
        "tokens": selectors.api_token_list(user=request.user),
        "new_key": new_key,
    }, status=status)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    if not services.api_token_revoke(user=request.user, token_id=token_id):
        raise Http404("no such token")
    messages.success(request, "The token was revoked.")
    return redirect("accounts:profile")
