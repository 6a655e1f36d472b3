"""The upload page without its script: the form's layout and where problems show."""
from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.webapp.conftest import SHORT_CLIP


def page_of(response) -> str:
    return response.content.decode()


def test_the_upload_form_leads_with_detector_and_file_and_folds_the_rest(
        user, model_version) -> None:
    client = Client()
    client.force_login(user)
    html = page_of(client.get("/videos/upload/"))
    details = re.search(r"<details[^>]*id=\"advanced-options\"[^>]*>(.*?)</details>", html, re.S)
    assert details is not None and " open" not in details[0].split(">", 1)[0]
    folded = details[1]
    for name in ("labels", "threshold", "segment_sec", "stride_sec", "device", "modalities",
                 "fusion_weights", "flow_method"):
        assert f'name="{name}"' in folded, name
    before = html[:html.index('id="advanced-options"')]
    for name in ("model_version", "file", "source_tag", "analyze"):
        assert f'name="{name}"' in before, name
    assert before.index('name="model_version"') < before.index('name="file"')
    # Check boxes beside their labels in one group; the source tag explained.
    assert re.search(r'<fieldset class="streams"[^>]*>\s*<legend>Streams</legend>\s*'
                     r'<label class="check" for="id_modalities_0"><input type="checkbox"',
                     folded)
    assert 'id="id_source_tag_helptext"' in html and "camera" in html
    assert 'aria-describedby="id_source_tag_helptext"' in html
    assert "<script>" not in html and " style=" not in html  # strict CSP: nothing inline


def test_problems_are_listed_at_the_top_linking_to_their_fields(user, model_version) -> None:
    client = Client()
    client.force_login(user)
    response = client.post("/videos/upload/", {
        "file": SimpleUploadedFile("clip.mp4", SHORT_CLIP.read_bytes()), "analyze": "on",
        "segment_sec": "0.01"})
    assert response.status_code == 400
    html = page_of(response)
    box = re.search(r'<div class="form-errors" id="upload-error" role="alert"[^>]*>(.*?)</div>',
                    html, re.S)
    assert box is not None and "hidden" not in box[0].split(">", 1)[0]
    assert '<a href="#id_segment_sec">Segment (s)</a>' in box[1]
    assert html.index('id="upload-error"') < html.index('id="dropzone"')  # at the top
    assert '<details class="advanced" id="advanced-options" open>' in html
    # A problem the one options cleaner finds lands on its field the same way.
    html = page_of(client.post("/videos/upload/", {
        "file": SimpleUploadedFile("clip.mp4", SHORT_CLIP.read_bytes()), "analyze": "on",
        "labels": "no such label"}))
    top = html[html.index('id="upload-error"'):html.index('id="dropzone"')]
    assert '<a href="#id_labels">Labels to watch</a>: unknown label' in top
    assert '<details class="advanced" id="advanced-options" open>' in html

    not_a_video = client.post("/videos/upload/", {
        "file": SimpleUploadedFile("notes.mp4", b"meeting notes\n" * 100)})
    assert not_a_video.status_code == 422
    html = page_of(not_a_video)
    top = html[html.index('id="upload-error"'):html.index('id="dropzone"')]
    assert "not_a_video" in top
    assert '<details class="advanced" id="advanced-options">' in html  # nothing to see there
