from __future__ import annotations

from django.urls import path

from webapp.cameras import views

app_name = "cameras"

urlpatterns = [
    path("cameras/", views.camera_list, name="list"),
    path("cameras/add/", views.camera_add, name="add"),
    path("cameras/ops/", views.camera_ops, name="ops"),
    path("cameras/<int:pk>/", views.camera_detail, name="detail"),
    path("cameras/<int:pk>/edit/", views.camera_edit, name="edit"),
    path("cameras/<int:pk>/delete/", views.camera_delete, name="delete"),
    path("cameras/<int:pk>/test/", views.camera_test, name="test"),
    path("cameras/<int:pk>/status.json", views.camera_status_json, name="status"),
    path("cameras/<int:pk>/preview.jpg", views.camera_preview, name="preview"),
    path("cameras/incidents/<int:pk>/clip.mp4", views.incident_clip, name="incident_clip"),
    path("cameras/incidents/<int:pk>/peak.jpg", views.incident_peak, name="incident_peak"),
]
