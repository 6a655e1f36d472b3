from __future__ import annotations

from django.urls import path

from webapp.alerts import views

app_name = "alerts"

urlpatterns = [
    path("alerts/", views.inbox, name="inbox"),
    path("alerts/bulk/", views.inbox_bulk, name="bulk"),
    path("alerts/<int:pk>/", views.alert_detail, name="detail"),
    path("alerts/<int:pk>/acknowledge/", views.alert_acknowledge, name="acknowledge"),
    path("alerts/<int:pk>/false-alarm/", views.alert_false_alarm, name="false_alarm"),
    path("alerts/<int:pk>/clip.mp4", views.alert_clip, name="clip"),
    path("alerts/<int:pk>/thumbnail.jpg", views.alert_thumbnail, name="thumbnail"),
    path("alerts/rules/", views.rules, name="rules"),
    path("alerts/rules/<int:pk>/edit/", views.rule_edit, name="rule_edit"),
    path("alerts/rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("alerts/webhooks/", views.webhooks, name="webhooks"),
    path("alerts/webhooks/<int:pk>/delete/", views.webhook_delete, name="webhook_delete"),
    path("alerts/webhooks/<int:pk>/test/", views.webhook_test, name="webhook_test"),
    path("alerts/deliveries/", views.deliveries, name="deliveries"),
]
