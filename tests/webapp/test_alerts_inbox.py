"""The alerts inbox and rules, in the web process: the unread badge, bulk actions, filters,
rule labels checked against the models (with a suggestion), editing and deleting rules, and
the rule labels every analysis scores."""
from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from webapp.alerts import services
from webapp.alerts.models import Alert, AlertRule
from webapp.videos.models import Analysis
from webapp.videos.services.worker import labels_wanted, pipeline_config

TYPO = "punching persn"
SUGGESTION = "Did you mean 'punching person (boxing)'?"


def alerts_for(analysis, owner, *, count: int) -> list[Alert]:
    """``count`` alerts of ``analysis`` (one per rule on its abseiling event)."""
    for number in range(count):
        services.alert_rule_create(owner=owner, name=f"rule {number}", labels=["abseiling"],
                                   enter_threshold=0.5)
    alerts = services.alerts_evaluate(analysis_id=analysis.pk)
    assert len(alerts) == count
    return alerts


def unread_badge(client) -> int | None:
    """The navigation's unread count, ``None`` when it shows no badge."""
    html = client.get("/videos/").content.decode()
    marker = 'id="nav-unread" data-count="'
    if marker not in html:
        return None
    return int(html.split(marker, 1)[1].split('"', 1)[0])


# --- Unread badge ------------------------------------------------------------------------------

def test_the_navigation_badge_counts_unread_alerts_and_drops_on_acknowledging(
        owned, user, other_user, client, password):
    _, analysis = owned
    first, _second = alerts_for(analysis, user, count=2)
    client.login(username=user.username, password=password)
    assert unread_badge(client) == 2
    services.alert_acknowledge(alert=first, user=user)
    assert unread_badge(client) == 1
    client.login(username=other_user.username, password=password)
    assert unread_badge(client) is None  # not another user's alerts
    client.logout()
    assert 'id="nav-unread"' not in client.get("/accounts/login/").content.decode()


# --- Bulk actions --------------------------------------------------------------------------------

def test_bulk_acknowledge_and_false_alarm_on_the_page_touch_only_the_users_alerts(
        owned, user, other_user, client, password):
    _, analysis = owned
    one, two, three = alerts_for(analysis, user, count=3)
    client.login(username=other_user.username, password=password)
    response = client.post("/alerts/bulk/", {"action": "acknowledge", "alert": [one.pk]})
    assert response.status_code == 302
    one.refresh_from_db()
    assert one.acknowledged_at is None  # someone else's: ignored

    client.login(username=user.username, password=password)
    response = client.post("/alerts/bulk/", {
        "action": "false_alarm", "alert": [one.pk, two.pk], "page_query": "state=all&label=x"},
        follow=True)
    assert response.redirect_chain[-1][0] == "/alerts/?state=all&label=x"
    assert "Marked 2 alert(s) as false alarms." in response.content.decode()
    marked = Alert.objects.filter(pk__in=[one.pk, two.pk])
    assert all(a.false_alarm and a.acknowledged_by == user for a in marked)
    assert client.post("/alerts/bulk/", {"action": "acknowledge",
                                         "alert": [one.pk, three.pk]}).status_code == 302
    three.refresh_from_db()
    assert three.acknowledged_by == user and not three.false_alarm
    refused = client.post("/alerts/bulk/", {"action": "delete", "alert": [one.pk]},
                          follow=True)
    assert "Select a valid choice" in refused.content.decode()


def test_bulk_api_acknowledges_and_marks_false_alarms(owned, user, other_user, api_client):
    _, analysis = owned
    one, two = alerts_for(analysis, user, count=2)
    api_client.force_authenticate(other_user)
    assert api_client.post("/api/v1/alerts/bulk/", {"action": "acknowledge", "ids": [one.pk]},
                           format="json").json() == {"updated": 0}
    api_client.force_authenticate(user)
    done = api_client.post("/api/v1/alerts/bulk/", {"action": "false_alarm",
                                                    "ids": [one.pk, 10**12]}, format="json")
    assert done.status_code == 200 and done.json() == {"updated": 1}
    again = api_client.post("/api/v1/alerts/bulk/", {"action": "acknowledge",
                                                     "ids": [one.pk, two.pk]}, format="json")
    assert again.json() == {"updated": 1}  # the false alarm was acknowledged already
    for body in ({"action": "acknowledge", "ids": []}, {"action": "nope", "ids": [one.pk]},
                 {"action": "acknowledge", "ids": [0]}):
        assert api_client.post("/api/v1/alerts/bulk/", body,
                               format="json").status_code == 400, body
    states = {a["id"]: (a["acknowledged"], a["false_alarm"])
              for a in api_client.get("/api/v1/alerts/").json()["results"]}
    assert states == {one.pk: (True, True), two.pk: (True, False)}


# --- Filters -------------------------------------------------------------------------------------

def test_inbox_and_api_filter_by_source_state_and_label(owned, user, client, api_client,
                                                        password):
    video, analysis = owned
    video.source_tag = "gate-cam"
    video.save()
    one, two = alerts_for(analysis, user, count=2)
    services.alert_mark_false_alarm(alert=one, user=user)
    client.login(username=user.username, password=password)

    def listed(**query) -> set[int]:
        return {a.pk for a in client.get("/alerts/", query).context["page"]}

    assert listed(state="all", source="gate-cam") == {one.pk, two.pk}
    assert listed(state="all", source="lobby") == set()
    assert listed(state="false_alarm") == {one.pk}
    assert listed(state="acknowledged") == set()  # a false alarm is not "acknowledged" here
    assert listed() == {two.pk}
    assert listed(state="all", label="abseiling", source="gate-cam") == {one.pk, two.pk}
    assert 'value="gate-cam"' in client.get("/alerts/").content.decode()  # offered

    api_client.force_authenticate(user)

    def api_listed(**query) -> set[int]:
        response = api_client.get("/api/v1/alerts/", query)
        assert response.status_code == 200, response.content
        return {a["id"] for a in response.json()["results"]}

    assert api_listed(source="gate-cam") == {one.pk, two.pk}
    assert api_listed(source="lobby") == set()
    assert api_listed(source="gate-cam", false_alarm="true") == {one.pk}
    assert api_listed(source="gate-cam", acknowledged="false") == {two.pk}


# --- Rules: labels, editing, deleting, owners ----------------------------------------------------

def test_a_rule_label_no_model_has_is_refused_with_a_suggestion(model_version, user, client,
                                                               api_client, password):
    with pytest.raises(ValidationError) as refused:
        services.alert_rule_create(owner=user, name="typo", labels=[TYPO])
    assert SUGGESTION in refused.value.message_dict["labels"][0]
    with pytest.raises(ValidationError) as refused:  # the chosen version's labels too
        services.alert_rule_create(owner=user, name="typo", labels=[TYPO],
                                   model_version=model_version)
    assert SUGGESTION in refused.value.message_dict["labels"][0]

    api_client.force_authenticate(user)
    response = api_client.post("/api/v1/alert-rules/", {"name": "typo", "labels": [TYPO]},
                               format="json")
    assert response.status_code == 400 and SUGGESTION in response.content.decode()
    client.login(username=user.username, password=password)
    page = client.post("/alerts/rules/", {"name": "typo", "labels": TYPO})
    assert page.status_code == 400
    assert "Did you mean &#x27;punching person (boxing)&#x27;?" in page.content.decode()
    assert not AlertRule.objects.exists()
    assert services.alert_rule_create(owner=user, name="ok",
                                      labels=["punching person (boxing)"]).pk


def test_a_rule_is_edited_with_the_same_checks_and_deleted_after_confirming(
        model_version, user, other_user, client, password):
    rule = services.alert_rule_create(owner=user, name="boxing",
                                      labels=["punching person (boxing)"], enter_threshold=0.6)
    client.login(username=user.username, password=password)
    form = client.get(f"/alerts/rules/{rule.pk}/edit/")
    assert form.context["form"]["labels"].value() == "punching person (boxing)"
    assert form.context["form"]["enter_threshold"].value() == 0.6
    refused = client.post(f"/alerts/rules/{rule.pk}/edit/", {"name": "boxing", "labels": TYPO,
                                                             "enter_threshold": "0.6"})
    assert refused.status_code == 400
    rule.refresh_from_db()
    assert rule.labels == ["punching person (boxing)"]
    saved = client.post(f"/alerts/rules/{rule.pk}/edit/", {
        "name": "archers", "labels": "archery", "enter_threshold": "0.7",
        "exit_threshold": "0.8"})
    assert saved.status_code == 400  # exit above enter: the services' check
    saved = client.post(f"/alerts/rules/{rule.pk}/edit/", {
        "name": "archers", "labels": "archery", "enter_threshold": "0.7"})
    assert saved.status_code == 302
    rule.refresh_from_db()
    assert (rule.name, rule.labels, rule.enter_threshold) == ("archers", ["archery"], 0.7)

    confirm = client.get(f"/alerts/rules/{rule.pk}/delete/")
    assert confirm.status_code == 200 and "Delete the rule" in confirm.content.decode()
    assert AlertRule.objects.filter(pk=rule.pk).exists()  # asking deletes nothing
    client.login(username=other_user.username, password=password)
    assert client.get(f"/alerts/rules/{rule.pk}/edit/").status_code == 404
    assert client.get(f"/alerts/rules/{rule.pk}/delete/").status_code == 404
    client.login(username=user.username, password=password)
    assert client.post(f"/alerts/rules/{rule.pk}/delete/").status_code == 302
    assert not AlertRule.objects.filter(pk=rule.pk).exists()


def test_staff_see_whose_rules_they_are(model_version, user, staff_user, client, password):
    services.alert_rule_create(owner=user, name="alice rule", labels=["archery"])
    client.login(username=staff_user.username, password=password)
    html = client.get("/alerts/rules/").content.decode()
    assert "<th>Owner</th>" in html and f'<td class="owner">{user.username}</td>' in html
    client.login(username=user.username, password=password)
    html = client.get("/alerts/rules/").content.decode()
    assert "alice rule" in html and "<th>Owner</th>" not in html


# --- What an analysis scores -----------------------------------------------------------------

def test_an_analysis_scores_the_labels_of_the_rules_that_apply_to_it(owned, user, other_user,
                                                                     staff_user):
    _, analysis = owned
    services.alert_rule_create(owner=user, name="mine", labels=["zumba", "archery"])
    services.alert_rule_create(owner=staff_user, name="all", labels=["yoga"], is_global=True)
    services.alert_rule_create(owner=other_user, name="bob's", labels=["bowling"])
    services.alert_rule_create(owner=user, name="elsewhere", labels=["surfing water"],
                               source_tag="other-cam")
    services.alert_rule_create(owner=user, name="off", labels=["juggling balls"],
                               is_active=False)
    analysis = Analysis.objects.select_related("video", "model_version").get(pk=analysis.pk)
    assert labels_wanted(analysis) == ("archery", "yoga", "zumba")
    assert pipeline_config(analysis).also_score == ("archery", "yoga", "zumba")
