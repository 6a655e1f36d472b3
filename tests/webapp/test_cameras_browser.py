"""Issue 16's "done when" in a real browser: staff add a camera whose URL is a loopback RTSP
stream of a fight clip, test its connection, watch it go live (a refreshing preview, the score
timeline drawing) and see the incident arrive on the camera page with a playable pre-roll clip,
while a signed webhook reaches a local receiver. Real parts only: gst-rtsp-server, a
``manage.py vigil_cameras`` worker running the fight detector, a Celery worker delivering the
webhook, headless Chromium."""
from __future__ import annotations

import json
import sys
import time

import pytest

from tests.live_servers import RtspServer
from tests.webapp.alert_receiver import Receiver
from tests.webapp.conftest import wait_for
from tests.webapp.test_browser import ARTIFACTS, browser, sign_in  # noqa: F401  (fixture)
from webapp.alerts import services as alert_services
from webapp.alerts.signing import secret_key
from webapp.cameras.models import Camera, CameraIncident
from webapp.models_registry.models import ModelVersion

pytestmark = pytest.mark.slow


def texts(driver, selector: str) -> list[str]:
    """The text of every element matching ``selector``, read in one script (the page replaces
    its elements as it polls, and a navigation may be under way); ``[]`` while it navigates."""
    from selenium.common.exceptions import WebDriverException

    try:
        return driver.execute_script(
            "return Array.from(document.querySelectorAll(arguments[0]),"
            "                  e => e.textContent.trim());", selector)
    except WebDriverException:
        return []


def test_add_a_camera_watch_it_live_and_play_the_incident_clip(
        browser, live_server, camera_workers, start_worker, worker_logs,  # noqa: F811
        staff_user, password, fight_stream, settings):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    started = time.monotonic()
    settings.VIGIL_WEBHOOK_ALLOW_PRIVATE = True
    version = ModelVersion.objects.create(name="fight_detector", arch="fight_detector",
                                          weights="default", labels=["fight", "no_fight"])
    receiver = Receiver()
    webhook = alert_services.webhook_create(owner=staff_user, url=receiver.url)
    alert_services.alert_rule_create(owner=staff_user, name="yard fights", labels=["fight"],
                                     enter_threshold=0.5, source_tag="yard")
    driver = browser
    with RtspServer(fight_stream) as rtsp:
        try:
            sign_in(driver, live_server.url, staff_user, password, timeout_sec=60)
            # The workers start once the browser is up (on a loaded machine their start-up
            # would starve its first page); the camera worker loads the model meanwhile.
            celery = start_worker(VIGIL_WEBHOOK_ALLOW_PRIVATE="true",
                                  VIGIL_WEBHOOK_TIMEOUT_SEC="5")
            worker_logs.append(celery)
            camera_worker = camera_workers("a")

            # Add the camera through the form (the URL carries credentials: shown masked).
            driver.get(f"{live_server.url}/cameras/add/")
            url = rtsp.url.replace("rtsp://", "rtsp://cam:secret-pw@")
            for name, value in (("name", "yard"), ("url", url), ("watched_labels", "fight"),
                                ("threshold", "0.5"), ("source_tag", "yard")):
                field = driver.find_element(By.NAME, name)
                field.clear()
                field.send_keys(value)
            Select(driver.find_element(By.NAME, "model_version")).select_by_value(
                str(version.pk))
            driver.find_element(By.CSS_SELECTOR, "#camera-form button[type=submit]").click()
            wait_for(lambda: Camera.objects.filter(name="yard").exists()
                     and driver.current_url.rstrip("/").split("/")[-1].isdigit(),
                     timeout=60, message="the camera page after saving")
            camera = Camera.objects.get(name="yard")
            assert driver.current_url.endswith(f"/cameras/{camera.pk}/")
            assert "secret-pw" not in driver.page_source
            assert "rtsp://cam:***@127.0.0.1" in driver.page_source

            # Test connection: the probe's codec, size and rate come back on the page.
            driver.find_element(By.ID, "test-connection").click()
            message = wait_for(lambda: [m for m in texts(driver, ".msg") if "Connected" in m],
                               timeout=60, message="the probe's result")
            assert message == ["Connected: h264 384x216 at 25.0 fps."]
            assert "ok h264 384x216 25.0 fps" in texts(driver, "#probes")[0]

            # The camera worker takes it: the page (polling) shows it live.
            wait_for(lambda: driver.find_element(By.ID, "camera-live")
                     .get_attribute("data-state") == "live", timeout=180, interval=0.5,
                     message="the page to show the camera live")
            assert texts(driver, "#camera-state") == ["live"]
            assert texts(driver, "#camera-worker") == ["a"]

            # The preview still refreshes: its src changes and each one is a real picture.
            def preview() -> dict | None:
                state = driver.execute_script(
                    "const i = document.getElementById('camera-preview');"
                    "return {src: i.currentSrc, width: i.naturalWidth, done: i.complete};")
                return state if state["src"] and state["width"] > 0 and state["done"] else None

            first = wait_for(preview, timeout=60, message="the first preview still")
            later = wait_for(lambda: (p := preview()) and p["src"] != first["src"] and p,
                             timeout=30, message="the preview to refresh")
            assert first["width"] == later["width"] == 384

            # The score timeline draws the watched label (red) as windows are scored.
            def timeline_pixels() -> int:
                return driver.execute_script(
                    "const c = document.getElementById('camera-timeline');"
                    "const d = c.getContext('2d').getImageData(80, 0, c.width - 80, c.height)"
                    "  .data;"  # right of the label names
                    "let n = 0; for (let i = 0; i < d.length; i += 4) {"
                    "  if (d[i] > 180 && d[i+1] < 90 && d[i+2] < 90 && d[i+3] > 0) n++; }"
                    "return n;")

            wait_for(lambda: timeline_pixels() > 10, timeout=180, interval=0.5,
                     message="the score timeline to draw")

            # The fight opens an incident: it appears on the page without a reload ...
            rows = wait_for(lambda: driver.execute_script(
                "return Array.from(document.querySelectorAll('#incidents-body tr[data-incident]'),"
                "                  r => [r.dataset.incident, r.innerText]);"),
                timeout=180, interval=0.5, message="the incident on the camera page")
            incident = CameraIncident.objects.get(pk=rows[-1][0])  # the first one (oldest)
            assert incident.camera_id == camera.pk and incident.label == "fight"
            assert rows[-1][1].startswith("fight")

            # ... a signed webhook is delivered ...
            def delivered() -> list:
                return [r for r in receiver.requests
                        if json.loads(r.body).get("incident", {}).get("id") == incident.pk]

            request = wait_for(delivered, timeout=90, interval=0.2,
                               message="the webhook delivery")[0]
            assert request.signed_with(secret_key(webhook.secret))
            assert json.loads(request.body)["camera"]["name"] == "yard"

            # ... and once the event ends its pre-roll clip plays in the page.
            video = f"#incidents-body tr[data-incident='{incident.pk}'] video.incident-clip"
            wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, video), timeout=180,
                     interval=0.5, message="the incident's clip on the page")
            driver.execute_script("const v = document.querySelector(arguments[0]);"
                                  "v.muted = true; v.play();", video)

            def clip_state() -> dict:
                return driver.execute_script(
                    "const v = document.querySelector(arguments[0]);"
                    "return {time: v.currentTime, duration: v.duration, width: v.videoWidth,"
                    "        error: v.error && v.error.code, src: v.currentSrc};", video)

            played = wait_for(lambda: (s := clip_state())["time"] > 0.5 and s, timeout=60,
                              message="the clip to play")
            assert played["error"] is None and played["width"] > 0
            assert played["src"].endswith(f"/cameras/incidents/{incident.pk}/clip.mp4")
            incident.refresh_from_db()
            assert incident.clip_ready and incident.clip_start_at is not None
            preroll_sec = (incident.onset_at - incident.clip_start_at).total_seconds()
            assert preroll_sec > 0, preroll_sec
            assert played["duration"] >= preroll_sec

            ARTIFACTS.mkdir(exist_ok=True)
            driver.save_screenshot(str(ARTIFACTS / "camera-page.png"))
            driver.execute_script("document.getElementById('incidents').scrollIntoView();")
            driver.save_screenshot(str(ARTIFACTS / "camera-incidents.png"))
            problems = [entry["message"] for entry in driver.get_log("browser")
                        if entry["level"] == "SEVERE"
                        or "Content Security Policy" in entry["message"]]
            assert problems == []
            assert camera_worker.alive
            sys.stderr.write(f"camera page test: {time.monotonic() - started:.0f} s; clip "
                             f"{played['duration']:.1f} s with {preroll_sec:.1f} s pre-roll\n")
        finally:
            receiver.close()
