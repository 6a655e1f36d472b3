"""The upload page in a real browser: "pick a detector, drop a file", and problems shown at
the top of the form, in view."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.webapp.conftest import SHORT_CLIP, wait_for
from tests.webapp.test_browser import (
    ARTIFACTS,
    browser,  # noqa: F401  (the one browser fixture)
    sign_in,
)

pytestmark = pytest.mark.slow



def in_view(driver, element) -> bool:
    """Whether all of ``element`` is inside the viewport (to a pixel)."""
    return driver.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return r.height > 0 && r.top >= -1 && r.bottom <= window.innerHeight + 1;", element)


def where(driver, element) -> dict:
    return driver.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return {top: r.top, bottom: r.bottom, viewport: window.innerHeight,"
        "        scrolled: window.scrollY};", element)


def test_upload_with_defaults_keeps_advanced_options_folded(
        browser, live_server, start_worker, worker_logs, user, password,  # noqa: F811
        model_version):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    worker_logs.append(start_worker())
    driver = browser
    sign_in(driver, live_server.url, user, password)
    driver.get(f"{live_server.url}/videos/upload/")

    # Closed by default: the advanced fields are not shown.
    details = driver.find_element(By.ID, "advanced-options")
    assert details.get_attribute("open") is None
    for name in ("segment_sec", "stride_sec", "fusion_weights", "flow_method"):
        assert not driver.find_element(By.NAME, name).is_displayed()
    assert not driver.find_element(By.NAME, "modalities").is_displayed()
    # The detector picker shows the default, named by what it detects; the tag is explained.
    picker = Select(driver.find_element(By.NAME, "model_version"))
    assert picker.first_selected_option.get_attribute("value") == str(model_version.pk)
    assert picker.first_selected_option.text == \
        f"Kinetics-400 actions — random weights ({model_version.name})"
    help_text = driver.find_element(By.ID, "id_source_tag_helptext")
    assert help_text.is_displayed() and "camera" in help_text.text
    assert driver.find_element(By.ID, "id_source_tag").get_attribute("aria-describedby") == \
        "id_source_tag_helptext"

    # Choosing a file: its name once, its size in a readable unit.
    driver.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(SHORT_CLIP))
    zone = driver.find_element(By.ID, "dropzone")
    size_kb = SHORT_CLIP.stat().st_size / 1024
    assert zone.text.count(SHORT_CLIP.name) == 1
    shown = re.search(rf"{re.escape(SHORT_CLIP.name)} \((\d+(?:\.\d)?) (KB|MB)\)", zone.text)
    assert shown is not None, zone.text
    expected = size_kb if shown[2] == "KB" else size_kb / 1024
    assert float(shown[1]) == pytest.approx(expected, rel=0.05)

    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / "upload-page.png"))
    driver.find_element(By.ID, "upload-button").click()
    wait_for(lambda: "/analyses/" in driver.current_url, timeout=60,
             message="the analysis page after the upload")
    wait_for(lambda: driver.find_element(By.ID, "results").get_attribute("data-live") == "done",
             timeout=240, interval=0.5, message="the page to show the finished analysis")
    assert driver.find_element(By.ID, "analysis-status").text == "succeeded"
    assert driver.find_elements(By.CSS_SELECTOR, "#segments-body tr")
    problems = [entry["message"] for entry in driver.get_log("browser")
                if entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"]]
    assert problems == []


def test_a_bad_upload_shows_its_problems_at_the_top_of_the_form_in_view(
        browser, live_server, user, password, model_version, tmp_path: Path):  # noqa: F811
    from selenium.webdriver.common.by import By

    driver = browser
    driver.set_window_size(1280, 640)  # the button is below the fold
    sign_in(driver, live_server.url, user, password)
    driver.get(f"{live_server.url}/videos/upload/")
    not_a_video = tmp_path / "notes.mp4"
    not_a_video.write_bytes(b"these are meeting notes, not a video\n" * 40)
    driver.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(not_a_video))
    assert driver.find_element(By.ID, "dropzone-text").text == "notes.mp4 (1.4 KB)"
    button = driver.find_element(By.ID, "upload-button")
    driver.execute_script("arguments[0].scrollIntoView({block: 'end'});", button)
    box = driver.find_element(By.ID, "upload-error")
    assert not in_view(driver, box)
    button.click()
    wait_for(box.is_displayed, timeout=30, message="the upload's error")
    assert "not_a_video" in box.text
    wait_for(lambda: in_view(driver, box), timeout=5,
             message=f"the error scrolled into view ({where(driver, box)})")
    dropzone = driver.find_element(By.ID, "dropzone")
    assert box.location["y"] < dropzone.location["y"]  # at the top of the form

    # A problem in an advanced option: the summary links to the field and opens the options.
    driver.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(SHORT_CLIP))
    driver.find_element(By.CSS_SELECTOR, "#advanced-options > summary").click()
    segment = driver.find_element(By.NAME, "segment_sec")
    segment.clear()
    segment.send_keys("0.01")
    driver.find_element(By.CSS_SELECTOR, "#advanced-options > summary").click()  # fold again
    driver.execute_script("arguments[0].scrollIntoView({block: 'end'});", button)
    button.click()
    wait_for(lambda: "segment" in box.text.lower() and in_view(driver, box), timeout=30,
             message="the field problem at the top, in view")
    driver.save_screenshot(str(ARTIFACTS / "upload-page-error.png"))
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'});",
                          driver.find_element(By.ID, "advanced-options"))
    driver.save_screenshot(str(ARTIFACTS / "upload-page-advanced.png"))
    link = box.find_element(By.CSS_SELECTOR, 'a[href="#id_segment_sec"]')
    assert link.text == "Segment (s)"
    assert driver.find_element(By.ID, "advanced-options").get_attribute("open") is not None
    assert segment.is_displayed() and segment.get_attribute("aria-invalid") == "true"
