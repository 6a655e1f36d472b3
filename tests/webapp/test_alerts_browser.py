"""The alerts inbox and rules in a real browser: the unread badge, bulk actions, the keyboard,
editing a rule and deleting one after confirming."""
from __future__ import annotations

import pytest

from tests.webapp.conftest import wait_for
from tests.webapp.test_browser import ARTIFACTS, browser, sign_in  # noqa: F401  (fixture)
from webapp.alerts import services
from webapp.alerts.models import Alert, AlertRule

pytestmark = pytest.mark.slow



def badge(driver) -> int:
    """The navigation's unread count (0 when it shows no badge), read in one script: a page
    that reloads after a bulk action cannot leave a stale element between find and read."""
    return int(driver.execute_script(
        "const badge = document.getElementById('nav-unread');"
        "return badge ? Number(badge.dataset.count) : 0;"))


def browser_problems(driver, *, refused: str = "") -> list[str]:
    """Script errors and CSP violations; a 400 answer of the page ``refused`` (a form sent
    back with its errors, on purpose) is not one."""
    return [entry["message"] for entry in driver.get_log("browser")
            if (entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"])
            and not (refused and refused in entry["message"] and "status of 400" in
                     entry["message"])]


def test_inbox_badge_keyboard_and_bulk_actions(browser, live_server,  # noqa: F811
                                               owned, user, password):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    _, analysis = owned
    for number in range(5):
        services.alert_rule_create(owner=user, name=f"rule {number}", labels=["abseiling"])
    assert len(services.alerts_evaluate(analysis_id=analysis.pk)) == 5
    driver = browser
    sign_in(driver, live_server.url, user, password)
    assert badge(driver) == 5

    def unread_rows() -> list[int]:
        return [int(row.get_attribute("data-alert"))
                for row in driver.find_elements(By.CSS_SELECTOR, "#alerts tbody tr")]

    def press(keys: str) -> None:
        ActionChains(driver).send_keys(keys).perform()

    driver.get(f"{live_server.url}/alerts/")
    rows = unread_rows()
    assert len(rows) == 5

    # Typing in the label filter is not a shortcut.
    label_filter = driver.find_element(By.NAME, "label")
    label_filter.send_keys("af")
    assert Alert.objects.filter(acknowledged_at__isnull=False).count() == 0
    label_filter.clear()
    driver.find_element(By.TAG_NAME, "h1").click()

    # j j selects the second row; a acknowledges it: the page reloads, the badge drops.
    press("jj")
    selected = driver.find_element(By.CSS_SELECTOR, "#alerts tr.selected")
    assert int(selected.get_attribute("data-alert")) == rows[1]
    press("a")
    wait_for(lambda: badge(driver) == 4, timeout=20, message="the badge after 'a'")
    assert Alert.objects.get(pk=rows[1]).acknowledged_by == user
    assert rows[1] not in unread_rows()

    # j k comes back to the first row; f marks it a false alarm.
    press("jk")
    press("f")
    wait_for(lambda: badge(driver) == 3, timeout=20, message="the badge after 'f'")
    assert Alert.objects.get(pk=rows[0]).false_alarm

    # Tick one row, bulk false alarm.
    remaining = unread_rows()
    driver.find_element(By.CSS_SELECTOR, f'#alert-{remaining[0]} input[name="alert"]').click()
    driver.find_element(By.ID, "bulk-false-alarm").click()
    wait_for(lambda: badge(driver) == 2, timeout=20, message="the badge after a bulk action")
    assert "Marked 1 alert(s) as false alarms." in driver.page_source
    assert Alert.objects.get(pk=remaining[0]).false_alarm

    # Select all, bulk acknowledge: the inbox is empty and the badge is gone.
    driver.find_element(By.ID, "select-all").click()
    assert all(box.is_selected() for box in
               driver.find_elements(By.CSS_SELECTOR, '#alerts input[name="alert"]'))
    driver.find_element(By.ID, "bulk-acknowledge").click()
    wait_for(lambda: driver.find_elements(By.ID, "no-alerts"), timeout=20,
             message="the empty inbox")
    assert badge(driver) == 0
    assert not Alert.objects.filter(acknowledged_at__isnull=True).exists()
    assert Alert.objects.filter(false_alarm=True).count() == 2

    driver.get(f"{live_server.url}/alerts/?state=all")
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / "alerts-inbox.png"))
    assert browser_problems(driver) == []


def test_rule_is_edited_and_deleted_after_confirming(browser, live_server,  # noqa: F811
                                                     model_version, user, password):
    from selenium.webdriver.common.by import By

    rule = services.alert_rule_create(owner=user, name="boxing",
                                      labels=["punching person (boxing)"])
    driver = browser
    sign_in(driver, live_server.url, user, password)
    driver.get(f"{live_server.url}/alerts/rules/")
    driver.find_element(By.CSS_SELECTOR, f"#rule-{rule.pk} a[href$='/edit/']").click()
    labels = driver.find_element(By.NAME, "labels")
    assert labels.get_attribute("value") == "punching person (boxing)"

    # A typo is refused with the close label suggested; the rule is unchanged.
    labels.clear()
    labels.send_keys("punching persn")
    driver.find_element(By.CSS_SELECTOR, "#rule-form button[type=submit]").click()
    wait_for(lambda: "Did you mean" in driver.page_source, timeout=20,
             message="the suggestion")
    assert "Did you mean 'punching person (boxing)'?" in driver.find_element(
        By.ID, "rule-form").text
    labels = driver.find_element(By.NAME, "labels")
    labels.clear()
    labels.send_keys("archery, abseiling")
    name = driver.find_element(By.NAME, "name")
    name.clear()
    name.send_keys("climbers")
    driver.find_element(By.CSS_SELECTOR, "#rule-form button[type=submit]").click()
    wait_for(lambda: driver.current_url.endswith("/alerts/rules/"), timeout=20,
             message="the rules page after saving")
    row = driver.find_element(By.ID, f"rule-{rule.pk}")
    assert "climbers" in row.text and "archery, abseiling" in row.text

    # Delete asks first; cancelling keeps the rule, confirming deletes it.
    row.find_element(By.CSS_SELECTOR, "a[href$='/delete/']").click()
    assert "Delete the rule “climbers”?" in driver.find_element(By.ID, "confirm-delete").text
    driver.find_element(By.LINK_TEXT, "Cancel").click()
    wait_for(lambda: driver.current_url.endswith("/alerts/rules/"), timeout=20,
             message="the rules page after cancelling")
    assert AlertRule.objects.filter(pk=rule.pk).exists()
    driver.find_element(By.CSS_SELECTOR, f"#rule-{rule.pk} a[href$='/delete/']").click()
    driver.find_element(By.ID, "confirm-delete-button").click()
    wait_for(lambda: "The rule was deleted." in driver.page_source, timeout=20,
             message="the rules page after deleting")
    assert not AlertRule.objects.filter(pk=rule.pk).exists()
    assert not driver.find_elements(By.ID, f"rule-{rule.pk}")
    assert browser_problems(driver, refused=f"/alerts/rules/{rule.pk}/edit/") == []
