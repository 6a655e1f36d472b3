from __future__ import annotations

from django.contrib import admin

from webapp.accounts.models import ApiToken, LoginFailure


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "expires_at")
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    list_display = ("username", "ip_address", "failures", "first_failure_at", "locked_until")
    search_fields = ("username", "ip_address")
