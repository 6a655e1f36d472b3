"""README screenshots, taken by the real browser from a real analysis.

Skipped unless ``VIGIL_SCREENSHOTS`` names a folder (``scripts/screenshots.sh`` sets it to
``docs/screenshots``): signs in, shoots the upload page, uploads a clip through it, lets a real
worker run the shipped fall detector (a rule on "fall" raises an alert), then shoots the
results page (light, dark and 375 px wide), the alerts inbox and the cameras page. PNGs are
reduced to 256 colours to keep the repository small."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.webapp.conftest import SHORT_CLIP, wait_for
from tests.webapp.test_accessibility import emulate_colour_scheme
from tests.webapp.test_browser import browser, sign_in  # noqa: F401  (fixture)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.environ.get("VIGIL_SCREENSHOTS"),
                       reason="set VIGIL_SCREENSHOTS=<folder> (scripts/screenshots.sh)"),
]

DESKTOP_PX = (1280, 800)
PHONE_PX = (375, 812)


def results_loaded(driver) -> None:
    """Wait until the results page has drawn its scores (the chart fills in from the API)."""
    from selenium.webdriver.common.by import By

    wait_for(lambda: driver.find_element(By.ID, "results").get_attribute("data-live") == "done",
             timeout=60, interval=0.5, message="the results page to load its scores")


def save(driver, folder: Path, name: str) -> Path:
    """The viewport as a 256-colour PNG (a fifth of the size, no visible loss on UI)."""
    from PIL import Image

    path = folder / f"{name}.png"
    driver.save_screenshot(str(path))
    with Image.open(path) as shot:
        small = shot.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)
    return path


def set_viewport(driver, width: int, height: int, *, mobile: bool = False) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})


@pytest.fixture
def fall_detector(db):
    """The shipped fall detector (frozen I3D + a small head), the default version."""
    from webapp.models_registry.models import ModelVersion

    return ModelVersion.objects.create(name="fall_detector", arch="fall_detector",
                                       weights="default", labels=["fall", "no_fall"],
                                       is_default=True, description="Falls (shipped detector)")


def test_readme_screenshots(browser, live_server, start_worker, worker_logs,  # noqa: F811
                            staff_user, password, fall_detector):
    from selenium.webdriver.common.by import By

    from webapp.alerts.services import rules as rule_services
    from webapp.cameras.services import cameras as camera_services

    folder = Path(os.environ["VIGIL_SCREENSHOTS"]).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    worker = start_worker(VIGIL_DEFAULT_WEIGHTS="default")
    worker_logs.append(worker)
    rule_services.alert_rule_create(owner=staff_user, name="Falls", labels=["fall"],
                                    enter_threshold=0.5)
    camera_services.camera_create(owner=staff_user, name="Lobby",
                                  url="rtsp://10.0.0.5:554/Streaming/101",
                                  model_version=fall_detector, watched_labels=["fall"],
                                  source_tag="lobby")
    driver = browser
    set_viewport(driver, *DESKTOP_PX)
    emulate_colour_scheme(driver, "light")
    sign_in(driver, live_server.url, staff_user, password)

    driver.get(f"{live_server.url}/videos/upload/")
    save(driver, folder, "upload")
    driver.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(SHORT_CLIP))
    driver.find_element(By.ID, "upload-button").click()
    wait_for(lambda: "/analyses/" in driver.current_url, timeout=120,
             message="the analysis page after the upload")
    wait_for(lambda: driver.find_element(By.ID, "results").get_attribute("data-live") == "done",
             timeout=600, interval=1, message="the analysis to finish")
    assert driver.find_element(By.ID, "analysis-status").text == "succeeded"
    results_url = driver.current_url
    driver.get(results_url)  # the finished page as a reader sees it
    results_loaded(driver)
    save(driver, folder, "results")
    emulate_colour_scheme(driver, "dark")
    driver.get(results_url)
    results_loaded(driver)
    save(driver, folder, "results-dark")
    emulate_colour_scheme(driver, "light")

    driver.get(f"{live_server.url}/alerts/")
    assert "Falls" in driver.find_element(By.TAG_NAME, "main").text  # the rule's alert
    save(driver, folder, "inbox")
    driver.get(f"{live_server.url}/cameras/")
    save(driver, folder, "cameras")

    set_viewport(driver, *PHONE_PX, mobile=True)
    driver.get(results_url)
    results_loaded(driver)
    save(driver, folder, "results-phone")
    assert {"cameras", "inbox", "results", "results-dark", "results-phone", "upload"} <= {
        path.stem for path in folder.glob("*.png") if path.stat().st_size > 10_000}
