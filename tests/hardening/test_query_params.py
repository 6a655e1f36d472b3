"""Every query parameter of every API list is validated (issue 13): out-of-range ids, dates
that do not exist, offsets past 24 h, unknown enum values and NUL characters answer 400 naming
the parameter, never 500. The routes and their parameters come from the OpenAPI schema, so a
new route or parameter is walked without touching this file."""
from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tests.webapp.conftest import SHORT_CLIP

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"
BAD_VALUES = {
    "integer": [HUGE, "-" + HUGE, "9223372036854775808", "-1", "0", "abc", "1.5", "\x00"],
    "number": ["nan", "inf", "-inf", "1e999", "abc", "-1", "\x00"],
    "boolean": ["maybe", "2", "\x00"],
    "date-time": ["2020-13-45T00:00", "2020-01-01T00:00+25:00", "2020-01-01T00:00-24:30",
                  "0000-01-01T00:00", "0001-01-01T00:00:00+01:00",
                  "9999-12-31T23:59:59-01:00", "9999-12-31", "yesterday", "\x00"],
    "uuid": ["not-a-uuid", HUGE, "00000000-0000-0000-0000-00000000000g", "\x00"],
    "string": ["\x00", "x" * 5000, "not-a-known-value", "' OR 1=1 --"],
}
#: Tried on every route for every parameter name any route has (undocumented handling too).
EVERYWHERE = [HUGE]
#: Not lists: the schema document and its viewer.
SKIPPED = ("/api/v1/schema/", "/api/v1/docs/")


@pytest.fixture
def world(owned, user, staff_user):
    """One of everything the API lists: video, analysis, alert, webhook, delivery, dataset,
    clip, import, feedback."""
    from webapp.alerts import services as alert_services
    from webapp.alerts.models import Delivery, DeliveryChannel, DeliveryStatus, WebhookEndpoint
    from webapp.datasets import services as dataset_services
    from webapp.datasets.models import ClipOrigin, DatasetClip, DatasetImport

    _, analysis = owned
    alert_services.alert_rule_create(owner=user, name="watch", labels=["abseiling"])
    alert = alert_services.alerts_evaluate(analysis_id=analysis.pk)[0]
    webhook = WebhookEndpoint.objects.create(owner=user, name="hook",
                                             url="https://hooks.example.com/x")
    now = timezone.now()
    Delivery.objects.create(owner=user, channel=DeliveryChannel.WEBHOOK, webhook=webhook,
                            alert=alert, attempt=1, status=DeliveryStatus.SUCCEEDED,
                            status_code=200, target=webhook.url, started_at=now,
                            finished_at=now)
    dataset = dataset_services.dataset_create(name="walk", created_by=staff_user)
    relative = f"datasets/{dataset.pk}/clip.mp4"
    (Path(settings.MEDIA_ROOT) / relative).parent.mkdir(parents=True)
    shutil.copy(SHORT_CLIP, Path(settings.MEDIA_ROOT) / relative)
    DatasetClip.objects.create(dataset=dataset, label="fight", split="train", file=relative,
                               group="g", origin=ClipOrigin.UPLOAD, sha256="0" * 64,
                               duration_sec=5.0)
    DatasetImport.objects.create(dataset=dataset, created_by=staff_user, kind="folder",
                                 original_name="x.zip")
    dataset_services.feedback_set(user=user, analysis=analysis, verdict="correct",
                                  segment=analysis.segments.first())
    return {"alert": alert, "webhook": webhook, "dataset": dataset}


def _schema(client: APIClient) -> dict:
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def _kind(schema: dict) -> str:
    if schema.get("type") == "array":
        return _kind(schema.get("items", {}))
    if schema.get("format") in ("date-time", "uuid"):
        return schema["format"]
    return schema.get("type", "string")


def _get_operations(schema: dict) -> Iterator[tuple[str, list[dict]]]:
    for path, item in schema["paths"].items():
        if "get" in item and path not in SKIPPED:
            yield path, [p for p in item["get"].get("parameters", []) if p.get("in") == "query"]


def _concrete(client: APIClient, path: str) -> str:
    """``path`` with each ``{id}`` replaced by the first id its list route answers."""
    while "{" in path:
        prefix, _, _ = path.partition("{")
        listing = client.get(prefix)
        results = listing.json().get("results", []) if listing.status_code == 200 else []
        value = results[0]["id"] if results else 1
        path = re.sub(r"{\w+}", str(value), path, count=1)
    return path


def test_every_api_list_answers_bad_query_parameters_without_a_5xx(world, staff_user) -> None:
    client = APIClient()
    client.force_authenticate(staff_user)
    schema = _schema(client)
    operations = list(_get_operations(schema))
    assert len(operations) >= 20, "the walk found too few routes: is the schema complete?"
    every_name = sorted({p["name"] for _, params in operations for p in params} - {"format"})
    for name in ("webhook", "alert", "dataset", "since", "until", "analysis", "video"):
        assert name in every_name, f"{name} is no longer documented on any list"

    failures: list[str] = []
    tried = 0
    for path, params in operations:
        url = _concrete(client, path)
        documented = {p["name"]: _kind(p.get("schema", {})) for p in params}
        for name in every_name:
            values = BAD_VALUES[documented[name]] if name in documented else EVERYWHERE
            if name in documented and documented[name] == "string" and \
                    p_enum(params, name):
                values = [*values, "not-a-choice"]
            for value in values:
                response = client.get(url, {name: value})
                tried += 1
                if response.status_code >= 500:
                    failures.append(f"GET {url}?{name}={value[:40]!r}: "
                                    f"{response.status_code}")
    assert tried > 300
    assert failures == []


def p_enum(params: list[dict], name: str) -> bool:
    return any(p["name"] == name and (p.get("schema", {}).get("enum")
                                      or p.get("schema", {}).get("items", {}).get("enum"))
               for p in params)


#: The issue's cases, each a 400 naming its parameter.
NAMED_400 = [
    ("/api/v1/alerts/", "since", "2020-13-45T00:00"),
    ("/api/v1/alerts/", "until", "2020-13-45T00:00"),
    ("/api/v1/alerts/", "since", "2020-01-01T00:00+25:00"),
    ("/api/v1/alerts/", "until", "2020-01-01T00:00-24:30"),
    ("/api/v1/alerts/", "until", "9999-12-31T23:59:59-01:00"),
    ("/api/v1/alerts/", "acknowledged", "maybe"),
    ("/api/v1/alerts/", "analysis", "not-a-uuid"),
    ("/api/v1/deliveries/", "webhook", HUGE),
    ("/api/v1/deliveries/", "alert", HUGE),
    ("/api/v1/deliveries/", "webhook", "abc"),
    ("/api/v1/dataset-clips/", "dataset", HUGE),
    ("/api/v1/dataset-clips/", "split", "holdout"),
    ("/api/v1/dataset-imports/", "dataset", HUGE),
    ("/api/v1/analyses/", "video", "not-a-uuid"),
    ("/api/v1/feedback/", "unused", "maybe"),
    ("/api/v1/videos/", "search", "\x00"),
]


def test_a_bad_parameter_is_a_400_naming_it(world, staff_user) -> None:
    client = APIClient()
    client.force_authenticate(staff_user)
    for url, name, value in NAMED_400:
        response = client.get(url, {name: value})
        assert response.status_code == 400, (url, name, value, response.content)
        assert name in response.json()["fields"], (url, name, response.json())


def test_good_parameters_still_filter(world, staff_user) -> None:
    client = APIClient()
    client.force_authenticate(staff_user)
    webhook, alert = world["webhook"], world["alert"]
    assert client.get("/api/v1/deliveries/", {"webhook": webhook.pk}).json()["count"] == 1
    assert client.get("/api/v1/deliveries/", {"webhook": webhook.pk + 1}).json()["count"] == 0
    assert client.get("/api/v1/alerts/", {"since": "2000-01-01T00:00+14:00"}).json()["count"] == 1
    assert client.get("/api/v1/alerts/", {"until": "2000-01-01T00:00Z"}).json()["count"] == 0
    assert client.get("/api/v1/alerts/", {"acknowledged": "false"}).json()["count"] == 1
    assert client.get("/api/v1/alerts/", {"acknowledged": "true"}).json()["count"] == 0
    assert client.get("/api/v1/alerts/", {"analysis": str(alert.analysis_id)}).json()[
        "count"] == 1
    dataset = world["dataset"].pk
    assert client.get("/api/v1/dataset-clips/", {"dataset": dataset, "split": "train"}).json()[
        "count"] == 1
    assert client.get("/api/v1/dataset-clips/", {"split": "val"}).json()["count"] == 0
    assert client.get("/api/v1/dataset-imports/", {"dataset": dataset}).json()["count"] == 1
    assert client.get("/api/v1/feedback/", {"unused": "1"}).json()["count"] == 1


def test_pages_ignore_a_bad_filter_and_say_so(world, user) -> None:
    client = Client()
    client.force_login(user)
    for url, params, said in [
        ("/alerts/deliveries/", {"webhook": HUGE}, b"Filter ignored: webhook"),
        ("/alerts/deliveries/", {"webhook": "abc"}, b"Filter ignored: webhook"),
        ("/alerts/", {"since": "9999-12-31", "until": "9999-12-31"}, b'class="errorlist'),
        ("/alerts/", {"label": "\x00"}, b'class="errorlist'),
        ("/videos/", {"q": "\x00"}, b"Search ignored"),
    ]:
        response = client.get(url, params)
        assert response.status_code == 200, (url, params, response.status_code)
        assert said in response.content, (url, params)


def test_the_dataset_page_ignores_a_bad_filter_and_says_so(world, staff_user) -> None:
    client = Client()
    client.force_login(staff_user)
    response = client.get(f"/datasets/{world['dataset'].pk}/",
                          {"split": "holdout", "label": "\x00"})
    assert response.status_code == 200
    assert b"Filter ignored: split" in response.content
    assert b"Filter ignored: label" in response.content
