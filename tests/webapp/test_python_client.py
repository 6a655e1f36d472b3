"""The generated Python SDK (clients/python/, ``make client``): the schema it was made from is
the API's, uploads are described as multipart only, and upload -> poll -> results works against
a live server and a real worker."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.webapp.conftest import REPO_ROOT, SHORT_CLIP, wait_for

CLIENT_DIR = REPO_ROOT / "clients" / "python"
SCHEMA_FILE = REPO_ROOT / "clients" / "openapi.json"


def current_schema(tmp_path: Path) -> dict:
    """The schema as ``make client`` writes it: ``manage.py spectacular`` in a process of its
    own, so no state an earlier test left in this process (settings, caches) can change it."""
    out = tmp_path / "schema.json"
    subprocess.run([sys.executable, "manage.py", "spectacular", "--format", "openapi-json",
                    "--file", str(out)], cwd=REPO_ROOT, check=True, timeout=120)
    return json.loads(out.read_text())


def _has_file_field(schema: dict, request_schema: dict) -> bool:
    name = request_schema.get("$ref", "").rsplit("/", 1)[-1]
    properties = schema["components"]["schemas"].get(name, {}).get("properties", {})
    return any(field.get("format") == "binary" for field in properties.values())


def test_file_uploads_are_multipart_only_in_the_schema(tmp_path):
    schema = current_schema(tmp_path)
    uploads = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if any(_has_file_field(schema, body["schema"]) for body in content.values()):
                uploads[f"{method} {path}"] = sorted(content)
    assert uploads["post /api/v1/videos/"] == ["multipart/form-data"]
    assert set(map(tuple, uploads.values())) == {("multipart/form-data",)}, uploads


def test_the_committed_client_was_generated_from_the_current_schema(tmp_path):
    assert (CLIENT_DIR / "vigil_client" / "api" / "videos" / "videos_create.py").is_file()
    assert json.loads(SCHEMA_FILE.read_text()) == current_schema(tmp_path), (
        "the API changed since clients/python/ was generated: run `make client`")


def test_generated_client_uploads_polls_and_reads_results(
        live_server, start_worker, worker_logs, user, model_version, monkeypatch):
    monkeypatch.syspath_prepend(str(CLIENT_DIR))
    from vigil_client import AuthenticatedClient
    from vigil_client.api.analyses import (
        analyses_progress_retrieve,
        analyses_results_retrieve,
        analyses_segments_list,
    )
    from vigil_client.api.videos import videos_create, videos_retrieve
    from vigil_client.models import VideoCreated, VideoCreateRequest
    from vigil_client.types import File

    from webapp.accounts.services import api_token_create

    worker = start_worker()
    worker_logs.append(worker)
    _, token = api_token_create(user=user, name="sdk")
    client = AuthenticatedClient(base_url=live_server.url, token=token, prefix="Token",
                                 raise_on_unexpected_status=True)
    with SHORT_CLIP.open("rb") as clip:
        created = videos_create.sync(client=client, body=VideoCreateRequest(
            file=File(payload=clip, file_name="yard.mp4", mime_type="video/mp4"),
            segment_sec=2.0, stride_sec=2.0, labels=["abseiling", "archery"],
            threshold=0.001, source_tag="sdk"))
    assert isinstance(created, VideoCreated), created
    assert created.video.original_name == "yard.mp4"
    assert created.video.source_tag == "sdk"
    assert abs(created.video.duration_sec - 5.33) < 0.1
    assert created.analysis is not None
    analysis_id = created.analysis.id
    assert videos_retrieve.sync(created.video.id, client=client).sha256 == created.video.sha256

    def finished():
        progress = analyses_progress_retrieve.sync(analysis_id, client=client)
        return progress if progress.finished else None

    started = time.monotonic()
    progress = wait_for(finished, timeout=180, interval=0.5, message="the analysis to finish")
    assert progress.status == "succeeded", (progress.error, time.monotonic() - started)
    assert progress.watched_labels == ["abseiling", "archery"]

    segments = analyses_segments_list.sync(analysis_id, client=client)
    assert segments.count == 3  # 5.3 s in 2 s windows every 2 s
    first = segments.results[0]
    assert (first.index, first.start_sec, first.end_sec) == (0, 0.0, 2.0)
    assert set(first.scores.additional_properties) == {"abseiling", "archery"}
    assert all(0.0 <= score <= 1.0 for score in first.scores.additional_properties.values())
    assert len(first.top) == 5 and 0.0 < first.top[0][1] <= 1.0

    results = analyses_results_retrieve.sync(analysis_id, client=client)
    document = results.to_dict()
    assert document["schema"] == "vigil.results/1"
    assert len(document["segments"]) == 3
    assert document["segments"][0]["scores"] == pytest.approx(
        first.scores.additional_properties, abs=1e-6)
