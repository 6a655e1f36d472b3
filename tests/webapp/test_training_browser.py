"""The training run page in a real browser: curves drawn live from the polled JSON."""
from __future__ import annotations

import pytest

from tests.webapp.conftest import wait_for
from tests.webapp.test_browser import ARTIFACTS, browser, sign_in  # noqa: F401  (fixture)
from webapp.models_registry.models import ModelVersion
from webapp.training_runs.models import RunStatus, TrainingRun

pytestmark = pytest.mark.slow


def epoch_row(epoch: int, *, val_acc: float) -> dict:
    return {"epoch": epoch, "train_loss": 0.9 / epoch, "train_acc": 0.5 + 0.1 * epoch,
            "val_loss": 0.8 / epoch, "val_acc": val_acc, "val_macro_f1": val_acc, "lr": 1e-3,
            "sec": 2.0, "improved": True}


def test_run_page_draws_the_curves_as_epochs_arrive(browser, live_server,  # noqa: F811
                                                    staff_user, password):
    from selenium.webdriver.common.by import By

    base = ModelVersion.objects.create(name="tsn_efficientnet_lite0",
                                       arch="tsn_efficientnet_lite0", weights="default")
    run = TrainingRun.objects.create(base_version=base, status=RunStatus.RUNNING,
                                     settings={"epochs": 4}, stage="epoch 2/4", epoch=1,
                                     history=[epoch_row(1, val_acc=0.6)])
    driver = browser
    sign_in(driver, live_server.url, staff_user, password)
    driver.get(f"{live_server.url}/training/runs/{run.pk}/")

    def plotted_pixels() -> int:
        """Pixels of the series colours (blue / red) inside the plot area."""
        return driver.execute_script(
            "const c = document.getElementById('curves');"
            "const d = c.getContext('2d').getImageData(0, 30, c.width, c.height - 60).data;"
            "let n = 0; for (let i = 0; i < d.length; i += 4) {"
            "  if ((d[i] > 200 && d[i+1] < 80) || (d[i+2] > 200 && d[i] < 80)) n++; }"
            "return n;")

    wait_for(lambda: plotted_pixels() > 0, timeout=20, message="the first epoch's points")
    one_epoch = plotted_pixels()
    # The worker stores epoch 2: the page picks it up on its next poll.
    TrainingRun.objects.filter(pk=run.pk).update(
        epoch=2, history=[epoch_row(1, val_acc=0.6), epoch_row(2, val_acc=0.8)])
    wait_for(lambda: len(driver.find_elements(By.CSS_SELECTOR, "#epochs-body tr")) == 2,
             timeout=20, message="the second epoch's row")
    assert driver.find_element(By.ID, "run-epoch").text == "2"
    wait_for(lambda: plotted_pixels() > one_epoch, timeout=10, message="lines between epochs")

    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / "training-run-page.png"))
    problems = [entry["message"] for entry in driver.get_log("browser")
                if entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"]]
    assert problems == []
