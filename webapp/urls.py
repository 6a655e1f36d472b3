"""URLs: pages, ``/api/v1/`` (with its OpenAPI schema and Swagger UI), admin."""
from __future__ import annotations

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from webapp.accounts.api import MeView
from webapp.alerts.api import AlertRuleViewSet, AlertViewSet, DeliveryViewSet, WebhookViewSet
from webapp.cameras.api import CameraIncidentViewSet, CameraViewSet
from webapp.core import views as core_views
from webapp.core.api import OpsView, SchemaView
from webapp.datasets.api import (
    DatasetClipViewSet,
    DatasetImportViewSet,
    DatasetViewSet,
    FeedbackViewSet,
)
from webapp.models_registry.api import ModelVersionViewSet
from webapp.training_runs.api import (
    CompareView,
    EvaluationViewSet,
    RescoreView,
    TrainingRunViewSet,
)
from webapp.videos.api import AnalysisViewSet, VideoViewSet
from webapp.videos.resumable_api import ResumableUploadViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
ROUTES = (  # (prefix, viewset, basename)
    ("videos", VideoViewSet, "video"),
    ("analyses", AnalysisViewSet, "analysis"),
    ("model-versions", ModelVersionViewSet, "model-version"),
    ("alert-rules", AlertRuleViewSet, "alert-rule"),
    ("alerts", AlertViewSet, "alert"),
    ("webhooks", WebhookViewSet, "webhook"),
    ("deliveries", DeliveryViewSet, "delivery"),
    ("datasets", DatasetViewSet, "dataset"),
    ("dataset-clips", DatasetClipViewSet, "dataset-clip"),
    ("dataset-imports", DatasetImportViewSet, "dataset-import-job"),
    ("feedback", FeedbackViewSet, "feedback"),
    ("training-runs", TrainingRunViewSet, "training-run"),
    ("evaluations", EvaluationViewSet, "evaluation"),
    ("cameras", CameraViewSet, "camera"),
    ("camera-incidents", CameraIncidentViewSet, "camera-incident"),
)
for prefix, viewset, basename in ROUTES:
    router.register(prefix, viewset, basename=basename)

api_patterns: list[URLPattern | URLResolver] = [
    path("", include(router.urls)),
    # tus resumable uploads: the protocol's methods, not a router's.
    path("uploads/", ResumableUploadViewSet.as_view({"post": "create", "options": "discover"}),
         name="resumable-upload-list"),
    path("uploads/<uuid:pk>/", ResumableUploadViewSet.as_view({
        "head": "head", "get": "retrieve", "patch": "partial_update", "delete": "destroy",
        "options": "discover"}), name="resumable-upload-detail"),
    path("me/", MeView.as_view(), name="me"),
    path("ops/", OpsView.as_view(), name="ops"),
    path("rescore/", RescoreView.as_view(), name="rescore"),
    path("compare/", CompareView.as_view(), name="compare"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("ops/", core_views.ops, name="ops"),
    # Admin sign-in goes through the throttled login page.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("admin/", admin.site.urls),
    path("accounts/", include("webapp.accounts.urls")),
    path("api/v1/", include((api_patterns, "api"))),
    path("", include("webapp.videos.urls")),
    path("", include("webapp.alerts.urls")),
    path("", include("webapp.datasets.urls")),
    path("", include("webapp.training_runs.urls")),
    path("", include("webapp.cameras.urls")),
]
