from __future__ import annotations

from django.urls import path

from webapp.training_runs import views

app_name = "training"

urlpatterns = [
    path("training/runs/", views.run_list, name="runs"),
    path("training/runs/<uuid:pk>/", views.run_detail, name="run"),
    path("training/runs/<uuid:pk>/progress.json", views.run_progress, name="run_progress"),
    path("training/runs/<uuid:pk>/cancel/", views.run_cancel, name="run_cancel"),
    path("training/versions/", views.version_list, name="versions"),
    path("training/versions/rollback/", views.version_rollback, name="version_rollback"),
    path("training/versions/<int:pk>/promote/", views.version_promote, name="version_promote"),
    path("training/versions/<int:pk>/active/", views.version_active, name="version_active"),
    path("training/evaluations/", views.evaluation_list, name="evaluations"),
    path("training/rescore/", views.rescore, name="rescore"),
    path("training/compare/", views.compare, name="compare"),
]
