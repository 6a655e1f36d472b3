"""``/api/v1/schema/``: JSON or YAML by ``?format=`` or ``Accept``; a browser gets a type it
shows in the tab (not a download)."""
from __future__ import annotations

import json

import pytest
import yaml
from rest_framework.test import APIRequestFactory

from webapp.core.api import SchemaView

SCHEMA_URL = "/api/v1/schema/"
BROWSER_ACCEPT = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,"
                  "image/webp,image/apng,*/*;q=0.8")


def negotiated(query: str, accept: str) -> tuple[str, str]:
    """(format, media type) the schema view picks for a request, without building the schema."""
    view = SchemaView(format_kwarg=None)
    request = view.initialize_request(APIRequestFactory().get(SCHEMA_URL + query,
                                                              HTTP_ACCEPT=accept))
    renderer, media_type = view.perform_content_negotiation(request)
    return renderer.format, media_type


@pytest.mark.parametrize(("query", "accept", "expected"), [
    ("?format=json", "*/*", ("json", "application/json")),
    ("", "application/json", ("json", "application/json")),
    ("", "application/vnd.oai.openapi+json", ("json", "application/vnd.oai.openapi+json")),
    ("", BROWSER_ACCEPT, ("json", "application/json")),
    ("?format=json", BROWSER_ACCEPT, ("json", "application/json")),
    ("?format=yaml", "*/*", ("yaml", "application/vnd.oai.openapi")),
    ("", "*/*", ("yaml", "application/vnd.oai.openapi")),  # what generators and curl got before
    ("", "application/yaml", ("yaml", "application/yaml")),
    ("?format=yaml", BROWSER_ACCEPT, ("yaml", "text/plain")),
])
def test_format_by_query_or_accept(query, accept, expected):
    assert negotiated(query, accept) == expected


def test_a_browser_gets_json_it_can_show(client, db):
    response = client.get(SCHEMA_URL, HTTP_ACCEPT=BROWSER_ACCEPT)
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == "application/json"
    assert response["Content-Disposition"].startswith("inline;")
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/videos/" in schema["paths"]


def test_yaml_by_format(client, db):
    response = client.get(SCHEMA_URL + "?format=yaml", HTTP_ACCEPT="*/*")
    assert response.status_code == 200
    assert response.content.startswith(b"openapi: 3.")
    assert "/api/v1/videos/" in yaml.safe_load(response.content)["paths"]
