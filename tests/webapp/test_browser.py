"""A real browser (headless Debian Chromium) against the live server and a real worker."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from tests.webapp.conftest import REPO_ROOT, SHORT_CLIP, wait_for

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ARTIFACTS = REPO_ROOT / "test-artifacts"
CLIP_DURATION_SEC = 5.33


@pytest.fixture
def browser():
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("Debian chromium and chromium-driver are not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="vigil-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run",
                     "--window-size=1280,1000", "--autoplay-policy=no-user-gesture-required",
                     f"--user-data-dir={profile}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def sign_in(driver, base_url: str, user, password: str, *, timeout_sec: float = 30) -> None:
    """Sign ``user`` in through the login form at ``base_url`` and wait to leave it."""
    from selenium.webdriver.common.by import By

    driver.get(f"{base_url}/accounts/login/")
    driver.find_element(By.NAME, "username").send_keys(user.username)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]").click()
    wait_for(lambda: "/login" not in driver.current_url, timeout=timeout_sec, message="sign-in")


def test_sign_in_upload_watch_and_seek(browser, live_server, start_worker, worker_logs, user,
                                       password, model_version):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    from webapp.alerts.services import alert_rule_create

    alert_rule_create(owner=user, name="any abseiling", labels=["abseiling"],
                      enter_threshold=0.001)
    worker = start_worker()
    worker_logs.append(worker)
    driver = browser

    # Sign in through the form.
    sign_in(driver, live_server.url, user, password)
    assert driver.current_url.endswith("/videos/")  # signing in lands on the video list

    # Upload with the page's file input; the script posts it with a progress bar.
    driver.get(f"{live_server.url}/videos/upload/")
    driver.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(SHORT_CLIP))
    driver.find_element(By.CSS_SELECTOR, "#advanced-options > summary").click()
    for name, value in (("segment_sec", "2"), ("stride_sec", "2"), ("threshold", "0.001"),
                        ("labels", "abseiling, archery")):
        field = driver.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)
    driver.find_element(By.ID, "upload-button").click()
    wait_for(lambda: "/analyses/" in driver.current_url, timeout=60,
             message="the analysis page after the upload")
    driver.execute_script("window.vigilSamePage = true;")  # gone if the page reloads

    # Live progress until the page itself says the analysis is done.
    wait_for(lambda: driver.find_element(By.ID, "results").get_attribute("data-live") == "done",
             timeout=180, interval=0.5, message="the page to show the finished analysis")
    assert driver.find_element(By.ID, "analysis-status").text == "succeeded"
    rows = driver.find_elements(By.CSS_SELECTOR, "#segments-body tr")
    assert len(rows) == 3
    assert "abseiling" in rows[0].text
    assert driver.find_elements(By.CSS_SELECTOR, "#events li a")  # threshold 0.001: events

    # The cards that only a finished analysis has appear without a reload: "is this right?"
    # at once, the rule's alert once the alerts task has run.
    assert driver.find_elements(By.CSS_SELECTOR, "#feedback #feedback-form")
    wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "#analysis-alerts a[href*='/alerts/']"),
             timeout=60, interval=0.5, message="the rule's alert on the results page")
    assert "abseiling" in driver.find_element(By.ID, "analysis-alerts").text
    assert driver.execute_script("return window.vigilSamePage === true;")

    # The annotated video is served with Range support and can play.
    def player_state():
        return driver.execute_script(
            "const v = document.getElementById('player');"
            "return {ready: v.readyState, duration: v.duration, src: v.currentSrc,"
            "        error: v.error && v.error.code, time: v.currentTime};")

    def loaded():
        state = player_state()
        return state if state["ready"] >= 2 else None

    def seeked():
        state = player_state()
        return state if state["time"] > 0.5 else None

    state = wait_for(loaded, timeout=30, message="the video to load")
    assert state["src"].endswith("/annotated.mp4"), state
    assert state["error"] is None
    assert abs(state["duration"] - CLIP_DURATION_SEC) < 0.3, state
    assert state["time"] == pytest.approx(0.0, abs=0.05)

    # Hovering the chart shows the scores and the frame there, from the worker's sprite sheet.
    over = driver.find_element(By.CSS_SELECTOR, "#chart .u-over")
    wait_for(lambda: driver.find_element(By.ID, "chart").get_attribute("data-thumbs") == "true",
             timeout=10, message="the chart to get the thumbnail sheet")
    ActionChains(driver).move_to_element_with_offset(over, 0, 0).perform()
    tip = wait_for(lambda: driver.find_element(By.ID, "chart-tip").is_displayed()
                   and driver.find_element(By.ID, "chart-tip"), timeout=10,
                   message="the chart tooltip")
    assert "abseiling: " in tip.text and "archery: " in tip.text
    thumb = driver.find_element(By.ID, "chart-thumb")
    assert thumb.is_displayed()
    assert "/thumbs.jpg" in thumb.value_of_css_property("background-image")
    assert int(thumb.get_attribute("data-tile")) in (2, 3)  # the middle of a 5.3 s clip

    # Clicking the chart seeks the player (a click, not a drag: no zoom).
    chart = driver.find_element(By.ID, "chart")
    x_min = float(chart.get_attribute("data-x-min"))
    x_max = float(chart.get_attribute("data-x-max"))
    assert x_min == 0.0 and x_max == pytest.approx(CLIP_DURATION_SEC, abs=0.05)
    ActionChains(driver).move_to_element_with_offset(over, int(over.size["width"] * 0.25), 0) \
        .click().perform()
    expected = x_min + 0.75 * (x_max - x_min)
    moved = wait_for(seeked, timeout=10, message="the player to seek")
    assert moved["time"] == pytest.approx(expected, abs=0.35)
    assert chart.get_attribute("data-zoomed") == "false"

    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / "results-page.png"))

    # A reload shows what the live page showed: the same rows, the whole clip in the chart.
    live_rows = [row.text for row in driver.find_elements(By.CSS_SELECTOR, "#segments-body tr")]
    driver.refresh()
    wait_for(lambda: driver.find_element(By.ID, "results").get_attribute("data-live") == "done",
             timeout=60, interval=0.5, message="the reloaded page")
    chart = driver.find_element(By.ID, "chart")
    assert chart.get_attribute("data-windows") == "3"
    assert float(chart.get_attribute("data-x-min")) == 0.0
    assert float(chart.get_attribute("data-x-max")) == pytest.approx(CLIP_DURATION_SEC, abs=0.05)
    assert [row.text for row in driver.find_elements(By.CSS_SELECTOR, "#segments-body tr")] \
        == live_rows

    # No Content-Security-Policy violations or script errors on the way.
    problems = [entry["message"] for entry in driver.get_log("browser")
                if entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"]]
    assert problems == []
