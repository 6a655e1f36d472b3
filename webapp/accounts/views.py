"""Account pages: sign in/out/up, password change and reset, profile with API tokens."""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic.edit import FormView

from webapp.accounts import selectors, services
from webapp.accounts.forms import (
    SignupForm,
    ThrottledAuthenticationForm,
    TokenCreateForm,
    VigilPasswordChangeForm,
    VigilSetPasswordForm,
)
from webapp.core.forms import redirect_with_success

if TYPE_CHECKING:  # what the mixin below is mixed into, for its super() call
    _PasswordFormView = FormView
else:
    _PasswordFormView = object


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class _RevokeTokensIfAsked(_PasswordFormView):
    """A password form's view that, once the form is valid, says ``done_message`` (if any) and
    revokes all of the user's API tokens when the form's ``revoke_tokens`` box is ticked."""

    done_message = ""

    def form_valid(self, form: VigilPasswordChangeForm | VigilSetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        if self.done_message:
            messages.success(self.request, self.done_message)
        if form.cleaned_data.get("revoke_tokens"):
            revoked = services.api_tokens_revoke_all(user=form.user)
            messages.success(self.request, f"{revoked} API token(s) revoked.")
        return response


class PasswordChangeView(_RevokeTokensIfAsked, auth_views.PasswordChangeView):
    """Other sessions end (Django rotates the session hash); tokens only when asked."""

    template_name = "accounts/password_change.html"
    form_class = VigilPasswordChangeForm
    success_url = reverse_lazy("accounts:profile")
    done_message = "Your password was changed."


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by e-mail; the link is built on VIGIL_PUBLIC_URL, never on the request's
    Host header (a forged Host would send the victim's token to the attacker's site)."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        self.extra_email_context = {"public_url": settings.VIGIL_PUBLIC_URL}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(_RevokeTokensIfAsked, auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = VigilSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def signup(request: HttpRequest) -> HttpResponse:
    if not settings.VIGIL_SIGNUP_ENABLED:
        raise Http404("sign-up is disabled")
    if request.user.is_authenticated:
        return redirect("videos:list")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect_with_success(request, "Welcome to Vigil.", "videos:list")
    return render(request, "accounts/signup.html", {"form": form})


@never_cache
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """Lists tokens; a POST creates one and shows its key once (never stored in clear).

    ``Cache-Control: no-store`` (``never_cache``): the page that shows a new key must not stay
    in a browser's or a proxy's cache, where the back button or a shared cache would show it
    again."""
    user = selectors.request_user(request)
    form = TokenCreateForm(request.POST or None)
    new_key = None
    status = 200
    if request.method == "POST" and form.is_valid():
        _, new_key = services.api_token_create(user=user, name=form.cleaned_data["name"],
                                               expires_at=form.expires_at())
        form = TokenCreateForm()
        status = 201
    return render(request, "accounts/profile.html", {
        "form": form,
        "tokens": selectors.api_token_list(user=user),
        "new_key": new_key,
    }, status=status)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    if not services.api_token_revoke(user=selectors.request_user(request), token_id=token_id):
        raise Http404("no such token")
    return redirect_with_success(request, "The token was revoked.", "accounts:profile")
