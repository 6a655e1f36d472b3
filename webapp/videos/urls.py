from __future__ import annotations

from django.urls import path

from webapp.videos import views

app_name = "videos"

urlpatterns = [
    path("videos/", views.video_list, name="list"),
    path("videos/upload/", views.video_upload, name="upload"),
    path("videos/<uuid:pk>/", views.video_detail, name="detail"),
    path("videos/<uuid:pk>/delete/", views.video_delete, name="delete"),
    path("videos/<uuid:pk>/analyses/", views.analysis_create, name="analysis_create"),
    path("videos/<uuid:pk>/source", views.video_source, name="source"),
    path("videos/<uuid:pk>/thumbnail.jpg", views.video_thumbnail, name="thumbnail"),
    path("analyses/<uuid:pk>/", views.analysis_detail, name="analysis_detail"),
    path("analyses/<uuid:pk>/cancel/", views.analysis_cancel, name="analysis_cancel"),
    path("analyses/<uuid:pk>/annotated.mp4", views.analysis_annotated,
         name="analysis_annotated"),
    path("analyses/<uuid:pk>/cards/", views.analysis_cards, name="analysis_cards"),
    path("analyses/<uuid:pk>/thumbs.jpg", views.analysis_thumbs, name="analysis_thumbs"),
    path("analyses/<uuid:pk>/results.json", views.analysis_results, name="analysis_results"),
    path("analyses/<uuid:pk>/segments.csv", views.analysis_segments_csv,
         name="analysis_segments_csv"),
]
