"""Account forms; the throttling itself lives in services/selectors."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    SetPasswordForm,
    UserCreationForm,
)
from django.utils import timezone

from webapp.accounts import selectors, services
from webapp.core.clientip import client_ip


class ThrottledAuthenticationForm(AuthenticationForm):
    """Refuses to even try a password while (username, IP) is locked out."""

    error_messages: dict[str, Any] = {  # noqa: RUF012  (an instance variable in Django's base)
        **AuthenticationForm.error_messages,
        "locked": "Too many failed sign-ins. Try again in %(minutes)d minute(s).",
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip_address = client_ip(self.request.META) if self.request else ""
        locked_until = selectors.login_locked_until(username=username, ip_address=ip_address)
        if locked_until is not None:
            minutes = max(1, int((locked_until - timezone.now()).total_seconds() // 60) + 1)
            raise forms.ValidationError(self.error_messages["locked"], code="locked",
                                        params={"minutes": minutes})
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                services.login_failure_record(username=username, ip_address=ip_address)
            raise
        services.login_success(username=username, ip_address=ip_address)
        return cleaned


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=False)

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def save(self, commit: bool = True):
        return services.user_create(username=self.cleaned_data["username"],
                                    email=self.cleaned_data.get("email") or "",
                                    password=self.cleaned_data["password1"])


DEFAULT_TOKEN_DAYS = 90


class TokenCreateForm(forms.Form):
    name = forms.CharField(max_length=100, initial="API token")
    expires_in_days = forms.TypedChoiceField(
        label="Expires", coerce=int, initial=DEFAULT_TOKEN_DAYS, required=False,
        # Django hands empty_value back as it is; the stubs want a str.
        empty_value=DEFAULT_TOKEN_DAYS,  # type: ignore[arg-type]
        choices=(
            (7, "in 7 days"), (30, "in 30 days"), (90, "in 90 days"), (365, "in a year"),
            (0, "never")))

    def expires_at(self) -> datetime | None:
        """Left out (a script posting only ``name``): the default, never "never"."""
        days = self.cleaned_data["expires_in_days"]
        return timezone.now() + timedelta(days=days) if days else None


REVOKE_TOKENS_LABEL = "Also revoke my API tokens"
REVOKE_TOKENS_HELP = ("A new password signs out your other sessions, but API tokens keep "
                      "working until revoked: tick this if a token may have leaked too.")


class VigilPasswordChangeForm(PasswordChangeForm):
    revoke_tokens = forms.BooleanField(required=False, label=REVOKE_TOKENS_LABEL,
                                       help_text=REVOKE_TOKENS_HELP)


class VigilSetPasswordForm(SetPasswordForm):
    """The last step of a password reset."""

    revoke_tokens = forms.BooleanField(required=False, label=REVOKE_TOKENS_LABEL,
                                       help_text=REVOKE_TOKENS_HELP)
