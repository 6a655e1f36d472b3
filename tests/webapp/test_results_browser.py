"""The results page in a real browser (headless Chromium): chart tooltip, zoom over 12,000
windows, thumbnail scrub, keyboard shortcuts, score formatting.

The analysis here is a stored one (rows plus a real render of a real clip, with its sprite
sheet): its scores are chosen so that the events fall at known times. The full upload ->
worker -> live page path is ``test_browser.test_sign_in_upload_watch_and_seek``.
"""
from __future__ import annotations

import math
import re
from dataclasses import asdict

import pytest

from tests.webapp.conftest import SHORT_CLIP, wait_for
from tests.webapp.test_browser import ARTIFACTS, browser, sign_in  # noqa: F401  (the one browser fixture)

pytestmark = pytest.mark.slow

WINDOWS = 12_000
#: (start_sec, end_sec, peak) of the stored events; the last peaks below 0.005.
EVENTS = ((0.5, 1.5, 0.93), (2.5, 3.2, 0.81), (4.0, 4.8, 0.0042))


def _fight_score(t_sec: float) -> float:
    """High inside the first two events, tiny elsewhere (some rows below 0.001)."""
    for start, end, peak in EVENTS[:2]:
        if start <= t_sec <= end:
            return peak * (0.8 + 0.2 * math.sin(t_sec * 7) ** 2)
    return 0.0004 + 0.004 * (math.sin(t_sec * 3) ** 2)


@pytest.fixture
def stored(transactional_db, user, model_version, settings):
    """Alice's clip with a finished analysis of 12,000 windows, 3 events and thumbnails."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from inference.probe import probe
    from inference.render import render_annotated
    from inference.thumbsheet import SHEET_INDEX_NAME, SHEET_NAME, read_index
    from webapp.videos import services
    from webapp.videos.models import Analysis, AnalysisStatus, Event, Segment

    video, _ = services.video_upload(
        owner=user, upload=SimpleUploadedFile("clip.mp4", SHORT_CLIP.read_bytes()))
    analysis = Analysis.objects.create(
        video=video, model_version=model_version, created_by=user, segment_sec=2,
        stride_sec=2, threshold=0.5, labels=["fight"], watched_labels=["fight"],
        status=AnalysisStatus.SUCCEEDED, finished_at=timezone.now(), percent=100)
    out = settings.MEDIA_ROOT / "analyses" / str(analysis.pk)
    out.mkdir(parents=True)
    render_annotated(probe(str(SHORT_CLIP)), str(out / "annotated.mp4"), segments=[],
                     events=[], watched_labels=[], max_height=240, preset="ultrafast",
                     thumbnails_dir=str(out))
    analysis.annotated_file = f"analyses/{analysis.pk}/annotated.mp4"
    analysis.thumbs_file = f"analyses/{analysis.pk}/{SHEET_NAME}"
    analysis.thumbs_index = asdict(read_index(out / SHEET_INDEX_NAME))
    analysis.save()
    step = video.duration_sec / WINDOWS
    rows = []
    for i in range(WINDOWS):
        start = i * step
        score = _fight_score(start + step / 2)
        rows.append(Segment(analysis=analysis, index=i, start_sec=start, end_sec=start + step,
                            top=[["fight", score]], scores={"fight": score},
                            label_scores={"fight": score}, top_label="fight",
                            top_score=score, max_score=score))
    Segment.objects.bulk_create(rows, batch_size=2000)
    for start, end, peak in EVENTS:
        Event.objects.create(analysis=analysis, label="fight", start_sec=start, end_sec=end,
                             peak_score=peak, mean_score=peak, peak_sec=(start + end) / 2)
    return analysis



def _player(driver) -> dict:
    return driver.execute_script(
        "const v = document.getElementById('player');"
        "return {time: v.currentTime, paused: v.paused, ready: v.readyState};")


def _x_range(driver) -> tuple[float, float]:
    from selenium.webdriver.common.by import By

    chart = driver.find_element(By.ID, "chart")
    return float(chart.get_attribute("data-x-min")), float(chart.get_attribute("data-x-max"))


def test_results_chart_tooltip_zoom_thumbnails_and_keys(browser, live_server, user,  # noqa: F811
                                                        password, stored):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    driver = browser
    sign_in(driver, live_server.url, user, password)
    driver.get(f"{live_server.url}/analyses/{stored.pk}/")
    wait_for(lambda: driver.find_element(By.ID, "results").get_attribute("data-live") == "done",
             timeout=120, interval=0.5, message="every window to load")
    chart = driver.find_element(By.ID, "chart")
    assert chart.get_attribute("data-windows") == str(WINDOWS)
    assert len(driver.find_elements(By.CSS_SELECTOR, "#segments-body tr")) == WINDOWS
    duration = stored.video.duration_sec
    assert _x_range(driver) == (0.0, pytest.approx(duration))
    wait_for(lambda: _player(driver)["ready"] >= 2, timeout=30, message="the video to load")

    # Ticks of the score axis are round numbers (scores up to 0.93: a 0..1 axis).
    assert chart.get_attribute("data-y-ticks") == "0,0.25,0.5,0.75,1"

    # Scores never print as 0.00: the event peaking at 0.0042 and tiny table values.
    events_text = driver.find_element(By.ID, "events").text
    assert "peak 0.93" in events_text and "peak 0.004" in events_text
    assert not re.search(r"\b0\.00\b", events_text), events_text
    assert "fight <0.001" in driver.find_element(By.ID, "segments-body").text

    # Hover: a tooltip with the value there and the frame of that second from the sprite.
    over = driver.find_element(By.CSS_SELECTOR, "#chart .u-over")
    width = over.size["width"]
    fraction = 2.7 / duration  # inside the second event, in the tile of second 2
    ActionChains(driver).move_to_element_with_offset(
        over, int(width * (fraction - 0.5)), 0).perform()
    tip = wait_for(lambda: driver.find_element(By.ID, "chart-tip").is_displayed()
                   and driver.find_element(By.ID, "chart-tip"), timeout=10,
                   message="the chart tooltip")
    value = float(tip.text.split("fight: ")[1].split()[0])
    assert 0.6 < value < 0.9, tip.text
    thumb = driver.find_element(By.ID, "chart-thumb")
    assert thumb.is_displayed() and thumb.get_attribute("data-tile") == "2"
    index = stored.thumbs_index
    assert thumb.size == {"width": index["tile_width"], "height": index["tile_height"]}
    assert thumb.value_of_css_property("background-position") == \
        f"-{2 * index['tile_width']}px 0px"
    sheet = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "const image = new Image();"
        "image.onload = () => done([image.naturalWidth, image.naturalHeight]);"
        "image.onerror = () => done(null);"
        "image.src = getComputedStyle(document.getElementById('chart-thumb'))"
        "  .backgroundImage.slice(5, -2);")
    assert sheet == [index["columns"] * index["tile_width"], index["rows"] * index["tile_height"]]
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / "results-hover.png"))

    # Drag to zoom: the x range narrows to the dragged span; the player does not move.
    before = _player(driver)["time"]
    ActionChains(driver).move_to_element_with_offset(over, int(-width * 0.3), 0) \
        .click_and_hold().move_by_offset(int(width * 0.2), 0).release().perform()
    wait_for(lambda: chart.get_attribute("data-zoomed") == "true", timeout=10,
             message="the chart to zoom")
    low, high = _x_range(driver)
    assert low == pytest.approx(0.2 * duration, abs=0.05 * duration)
    assert high == pytest.approx(0.4 * duration, abs=0.05 * duration)
    assert _player(driver)["time"] == pytest.approx(before, abs=0.01)
    reset = driver.find_element(By.ID, "chart-reset")
    assert reset.is_enabled()
    reset.click()
    wait_for(lambda: chart.get_attribute("data-zoomed") == "false", timeout=10,
             message="the zoom to reset")
    assert _x_range(driver) == (0.0, pytest.approx(duration))
    assert not reset.is_enabled()

    # Keys: j/k jump between the events' starts, space plays and pauses.
    driver.find_element(By.CSS_SELECTOR, "h1").click()  # focus on the page, not a control
    driver.execute_script("document.getElementById('player').currentTime = 0;")
    for key, expected in (("j", 0.5), ("j", 2.5), ("j", 4.0), ("k", 2.5), ("k", 0.5)):
        ActionChains(driver).send_keys(key).perform()
        wait_for(lambda e=expected: abs(_player(driver)["time"] - e) < 0.05, timeout=10,
                 message=f"{key} to seek to {expected}")
    assert _player(driver)["paused"]
    ActionChains(driver).send_keys(" ").perform()
    wait_for(lambda: not _player(driver)["paused"], timeout=10, message="space to play")
    ActionChains(driver).send_keys(" ").perform()
    wait_for(lambda: _player(driver)["paused"], timeout=10, message="space to pause")
    # Typing in a field is typing, not a shortcut.
    driver.find_element(By.CSS_SELECTOR, "#advanced-options > summary").click()
    field = driver.find_element(By.NAME, "labels")
    field.clear()
    time_before = _player(driver)["time"]
    field.send_keys("j k ")
    assert field.get_attribute("value") == "j k "
    assert _player(driver)["time"] == pytest.approx(time_before, abs=0.01)

    # The legend hides and shows a label's line.
    entry = driver.find_element(By.CSS_SELECTOR, "#chart .u-legend .u-series:nth-child(2)")
    assert "fight" in entry.text and "u-off" not in entry.get_attribute("class")
    entry.find_element(By.TAG_NAME, "th").click()
    wait_for(lambda: "u-off" in entry.get_attribute("class"), timeout=5,
             message="the legend to hide the line")
    entry.find_element(By.TAG_NAME, "th").click()
    wait_for(lambda: "u-off" not in entry.get_attribute("class"), timeout=5,
             message="the legend to show the line again")

    problems = [entry["message"] for entry in driver.get_log("browser")
                if entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"]]
    assert problems == []
