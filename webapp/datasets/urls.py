from __future__ import annotations

from django.urls import path

from webapp.datasets import views

app_name = "datasets"

urlpatterns = [
    path("datasets/", views.dataset_list, name="list"),
    path("datasets/feedback/", views.feedback_list, name="feedback"),
    path("datasets/<int:pk>/", views.dataset_detail, name="detail"),
    path("datasets/<int:pk>/delete/", views.dataset_delete, name="delete"),
    path("datasets/<int:pk>/import/", views.dataset_import, name="import"),
    path("datasets/<int:pk>/resplit/", views.dataset_resplit, name="resplit"),
    path("datasets/<int:pk>/export.zip", views.dataset_export, name="export"),
    path("datasets/<int:pk>/clips/", views.clip_add, name="clip_add"),
    path("datasets/<int:pk>/clips/<int:clip_pk>/delete/", views.clip_delete,
         name="clip_delete"),
    path("datasets/<int:pk>/clips/<int:clip_pk>/file", views.clip_file, name="clip_file"),
    path("analyses/<uuid:pk>/feedback/", views.feedback_set, name="feedback_set"),
]
