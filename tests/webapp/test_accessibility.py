"""The main pages in a real browser: axe-core finds no serious or critical violation (light and
dark), every page fits a 375 px phone without scrolling sideways, the dark theme follows the
system setting, and the API token page has a working copy button.

Pages are visited by URL, so these tests keep working while other parts of the UI change."""
from __future__ import annotations

import json

import pytest

from tests.webapp.conftest import REPO_ROOT, wait_for
from tests.webapp.test_browser import ARTIFACTS, browser, sign_in  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow

AXE_SCRIPT = REPO_ROOT / "static" / "vendor" / "axe-core" / "axe.min.js"
PHONE_WIDTH_PX = 375
BLOCKING_IMPACTS = ("serious", "critical")


@pytest.fixture
def site(user, owned, model_version):
    """Alice (staff, so every page is hers to see) with a finished analysis, an alert on it,
    a rule and a camera: the main pages with something on them. Returns {page: path}."""
    from webapp.accounts import services as account_services
    from webapp.alerts.models import Alert, AlertRule
    from webapp.cameras.services import cameras as camera_services

    user.is_staff = True
    user.save(update_fields=["is_staff"])
    _video, analysis = owned
    rule = AlertRule.objects.create(owner=user, name="Abseiling at the gate",
                                    labels=["abseiling"], enter_threshold=0.6)
    alert = Alert.objects.create(owner=user, analysis=analysis, rule=rule, rule_name=rule.name,
                         label="abseiling", start_sec=0, end_sec=2, peak_score=0.9,
                         mean_score=0.8, peak_sec=1)
    account_services.api_token_create(user=user, name="laptop script", expires_at=None)
    camera = camera_services.camera_create(owner=user, name="gate", url="rtsp://10.0.0.5:554/live",
                                  model_version=model_version, watched_labels=["abseiling"])
    return {
        "videos": "/videos/",
        "upload": "/videos/upload/",
        "results": f"/analyses/{analysis.pk}/",
        "inbox": "/alerts/",
        "rules": "/alerts/rules/",
        "datasets": "/datasets/",
        "training runs": "/training/runs/",
        "cameras": "/cameras/",
        "profile and API tokens": "/accounts/profile/",
        # Second-level pages.
        "video": f"/videos/{_video.pk}/",
        "alert": f"/alerts/{alert.pk}/",
        "webhooks": "/alerts/webhooks/",
        "deliveries": "/alerts/deliveries/",
        "camera": f"/cameras/{camera.pk}/",
        "camera form": "/cameras/add/",
        "feedback": "/datasets/feedback/",
        "model versions": "/training/versions/",
        "evaluations": "/training/evaluations/",
        "ops": "/ops/",
        "password change": "/accounts/password/",
    }



def emulate_colour_scheme(driver, scheme: str) -> None:
    """``prefers-color-scheme`` as the system would set it ("light" or "dark")."""
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "features": [{"name": "prefers-color-scheme", "value": scheme}]})


def axe_violations(driver) -> list[str]:
    """Serious and critical axe-core violations on the current page, one line per node."""
    driver.execute_script(AXE_SCRIPT.read_text())
    driver.set_script_timeout(120)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        "  .then(r => done(JSON.stringify(r.violations)), e => done(JSON.stringify("
        "    [{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}])));")
    problems = []
    for violation in json.loads(result):
        if violation["impact"] not in BLOCKING_IMPACTS:
            continue
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]] or ["-"]
        problems += [f"{violation['id']} ({violation['impact']}): {violation['help']} at {target}"
                     for target in targets]
    return problems


def page_background(driver) -> str:
    return driver.execute_script(
        "return getComputedStyle(document.body).backgroundColor;")


def test_axe_finds_no_serious_violations_on_the_main_pages(browser, live_server, site,  # noqa: F811
                                                           user, password):
    driver = browser
    found: dict[str, list[str]] = {}
    for scheme in ("light", "dark"):
        emulate_colour_scheme(driver, scheme)
        driver.delete_all_cookies()
        driver.get(f"{live_server.url}/accounts/login/")
        found[f"sign-in ({scheme})"] = axe_violations(driver)
        sign_in(driver, live_server.url, user, password)
        for page, path in site.items():
            driver.get(f"{live_server.url}{path}")
            found[f"{page} ({scheme})"] = axe_violations(driver)
    report = [f"{page}: {problem}" for page, problems in found.items() for problem in problems]
    assert report == [], "\n".join(report)


def test_main_pages_fit_a_375px_phone(browser, live_server, site, user, password):  # noqa: F811
    driver = browser
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": PHONE_WIDTH_PX, "height": 812, "deviceScaleFactor": 1, "mobile": True})
    widths = {}
    driver.get(f"{live_server.url}/accounts/login/")
    widths["sign-in"] = driver.execute_script("return document.documentElement.scrollWidth;")
    sign_in(driver, live_server.url, user, password)
    for page, path in site.items():
        driver.get(f"{live_server.url}{path}")
        widths[page] = driver.execute_script("return document.documentElement.scrollWidth;")
    assert {page: width for page, width in widths.items() if width > PHONE_WIDTH_PX} == {}
    # Wide tables scroll inside their own box instead of the page.
    driver.get(f"{live_server.url}{site['profile and API tokens']}")
    box = driver.execute_script(
        "const t = document.querySelector('#api table');"
        "return {table: t.scrollWidth, box: t.parentElement.clientWidth,"
        "        overflow: getComputedStyle(t.parentElement).overflowX};")
    assert box["table"] > box["box"] and box["overflow"] == "auto", box


def test_dark_theme_follows_the_system_setting(browser, live_server, site, user,  # noqa: F811
                                               password):
    driver = browser
    sign_in(driver, live_server.url, user, password)
    backgrounds = {}
    for path in (site["results"], "/api/v1/docs/"):
        for scheme in ("light", "dark"):
            emulate_colour_scheme(driver, scheme)
            driver.get(f"{live_server.url}{path}")
            backgrounds[path, scheme] = page_background(driver)
    for path in (site["results"], "/api/v1/docs/"):
        assert backgrounds[path, "light"] != backgrounds[path, "dark"], path
        red, green, blue = (int(part) for part in
                            backgrounds[path, "dark"].split("(")[1].split(")")[0].split(",")[:3])
        assert red + green + blue < 3 * 64, backgrounds  # dark, not merely different
    # The results chart redraws in the dark palette: its background is dark too.
    emulate_colour_scheme(driver, "dark")
    driver.get(f"{live_server.url}{site['results']}")
    chart_background = driver.execute_script(
        "return getComputedStyle(document.getElementById('chart')).backgroundColor;")
    assert chart_background != "rgb(255, 255, 255)"
    # The chart paints its background from the theme's tokens (or leaves it transparent):
    # #chart is the canvas, or holds one (a charting library's).
    painted = driver.execute_script(
        "const c = document.querySelector('canvas#chart, #chart canvas');"
        "return Array.from(c.getContext('2d').getImageData(2, 2, 1, 1).data.slice(0, 3));")
    assert sum(painted) < 3 * 64, painted
    problems = [entry["message"] for entry in driver.get_log("browser")
                if entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"]]
    assert problems == []


def test_focus_is_visible(browser, live_server, site, user, password):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = browser
    sign_in(driver, live_server.url, user, password)
    driver.get(f"{live_server.url}{site['videos']}")
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    outline = driver.execute_script(
        "const s = getComputedStyle(document.activeElement);"
        "return [document.activeElement.tagName, s.outlineStyle, s.outlineWidth];")
    assert outline[0] == "A"
    assert outline[1] != "none" and outline[2] != "0px", outline


def test_token_page_copy_button(browser, live_server, user, password):  # noqa: F811
    from selenium.webdriver.common.by import By

    driver = browser
    sign_in(driver, live_server.url, user, password)
    driver.get(f"{live_server.url}/accounts/profile/")
    # The API section links the docs and the schema.
    links = {a.get_attribute("href").removeprefix(live_server.url)
             for a in driver.find_elements(By.CSS_SELECTOR, "#api a")}
    assert {"/api/v1/docs/", "/api/v1/schema/?format=json",
            "/api/v1/schema/?format=yaml"} <= links
    driver.find_element(By.CSS_SELECTOR, "#token-form button[type=submit]").click()
    key = wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "#new-token code"),
                   timeout=20, message="the new token")[0].text
    driver.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": live_server.url,
        "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    button = driver.find_element(By.CSS_SELECTOR, "#new-token button[data-copy]")
    button.click()
    wait_for(lambda: button.text == "Copied", timeout=10, message="the copy button's answer")
    driver.set_script_timeout(10)
    copied = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "navigator.clipboard.readText().then(done, e => done('error: ' + e));")
    assert copied == key and len(key) > 20


def test_browser_shows_the_schema_instead_of_downloading_it(browser, live_server):  # noqa: F811
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get(f"{live_server.url}/api/v1/schema/")
    schema = json.loads(driver.find_element(By.TAG_NAME, "pre").text)
    assert schema["info"]["title"] == "Vigil API"
    driver.get(f"{live_server.url}/api/v1/schema/?format=yaml")
    assert driver.find_element(By.TAG_NAME, "pre").text.startswith("openapi: 3.")


