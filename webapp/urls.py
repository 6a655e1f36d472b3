"""URLs: pages, ``/api/v1/`` (with its OpenAPI schema and Swagger UI), admin."""
from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from webapp.accounts.api import MeView
from webapp.alerts.api import AlertRuleViewSet, AlertViewSet, DeliveryViewSet, WebhookViewSet
from webapp.core import views as core_views
from webapp.models_registry.api import ModelVersionViewSet
from webapp.videos.api import AnalysisViewSet, VideoViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("videos", VideoViewSet, basename="video")
router.register("analyses", AnalysisViewSet, basename="analysis")
router.register("model-versions", ModelVersionViewSet, basename="model-version")
router.register("alert-rules", AlertRuleViewSet, basename="alert-rule")
router.register("alerts", AlertViewSet, basename="alert")
router.register("webhooks", WebhookViewSet, basename="webhook")
router.register("deliveries", DeliveryViewSet, basename="delivery")

api_patterns = [
    path("", include(router.urls)),
    path("me/", MeView.as_view(), name="me"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    # Admin sign-in goes through the throttled login page.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("admin/", admin.site.urls),
    path("accounts/", include("webapp.accounts.urls")),
    path("api/v1/", include((api_patterns, "api"))),
    path("", include("webapp.videos.urls")),
    path("", include("webapp.alerts.urls")),
]
