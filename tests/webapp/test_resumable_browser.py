"""The upload page's resumable transport in a real browser: tus-js-client sends the file on a
throttled connection, the upload is paused mid-way (the server keeps the bytes that arrived)
and resumed from the server's offset to an analysed video."""
from __future__ import annotations

import hashlib
import time

import pytest

from tests.webapp.conftest import SHORT_CLIP, wait_for
from tests.webapp.test_browser import browser, sign_in  # noqa: F401  (fixture)
from webapp.videos.models import ResumableUpload, Video

pytestmark = pytest.mark.slow

#: Bytes per second the browser may send while the upload is to be paused (the clip: 1.3 MB).
SLOW_UPLOAD = 64 * 1024


def _throttle(driver, upload_bytes_per_sec: int) -> None:
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1,
        "uploadThroughput": upload_bytes_per_sec})


def test_upload_is_paused_and_resumed_with_tus(browser, live_server, start_worker,  # noqa: F811
                                               worker_logs, user, password, model_version):
    from selenium.webdriver.common.by import By

    worker = start_worker()
    worker_logs.append(worker)
    driver = browser
    sign_in(driver, live_server.url, user, password)

    driver.get(f"{live_server.url}/videos/upload/")
    assert driver.execute_script("return Boolean(window.tus && window.tus.isSupported)")
    driver.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(SHORT_CLIP))
    driver.find_element(By.CSS_SELECTOR, "#advanced-options > summary").click()
    for name, value in (("segment_sec", "2"), ("stride_sec", "2"), ("labels", "abseiling")):
        field = driver.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)
    _throttle(driver, SLOW_UPLOAD)
    driver.find_element(By.ID, "upload-button").click()

    percent = driver.find_element(By.ID, "upload-bar")
    wait_for(lambda: 10 <= float(percent.get_attribute("value")) < 60, timeout=30,
             interval=0.05, message="part of the file to be sent")
    driver.find_element(By.ID, "upload-pause").click()
    assert driver.find_element(By.ID, "upload-resume").is_displayed()
    assert "Paused" in driver.find_element(By.ID, "upload-text").text

    def stored_offset() -> int:
        upload = ResumableUpload.objects.get()
        return upload.offset

    # The aborted request's bytes land on the server; then nothing more arrives while paused.
    wait_for(lambda: stored_offset() > 0, timeout=20, message="the server to store a part")
    paused_at = stored_offset()
    time.sleep(2)
    assert stored_offset() == paused_at
    assert 0 < paused_at < SHORT_CLIP.stat().st_size
    assert Video.objects.count() == 0

    _throttle(driver, -1)
    driver.find_element(By.ID, "upload-resume").click()
    wait_for(lambda: "/analyses/" in driver.current_url, timeout=60,
             message="the analysis page after the resumed upload")

    upload = ResumableUpload.objects.get()  # the same upload, resumed, not a second one
    assert upload.offset == upload.length == SHORT_CLIP.stat().st_size
    assert upload.video.sha256 == hashlib.sha256(SHORT_CLIP.read_bytes()).hexdigest()
    assert str(upload.analysis.pk) in driver.current_url
    wait_for(lambda: driver.find_element(By.ID, "results").get_attribute("data-live") == "done",
             timeout=180, interval=0.5, message="the page to show the finished analysis")
    assert driver.find_element(By.ID, "analysis-status").text == "succeeded"
    assert len(driver.find_elements(By.CSS_SELECTOR, "#segments-body tr")) == 3

    problems = [entry["message"] for entry in driver.get_log("browser")
                if entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"]]
    assert problems == []
