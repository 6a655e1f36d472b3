"""The fight-surv fine-tuning benchmark, started the way an admin starts a run.

    scripts/finetune_fight_admin.sh [--model tsn_efficientnet_lite0_stats] [--set key=value ...]

Runs inside Django (the script sets up the embedded defaults: SQLite, local broker, a data
folder of its own): imports ``../shared/clips/manifest.csv`` into a dataset ``fight-surv``
(train 180 / val 60; the manifest's ``sample`` rows are skipped; no other split of the
dataset exists here), starts a training run with ``training_run_start`` (the service behind
the admin page and ``POST /api/v1/training-runs/``), which a real Celery worker (started by
the shell script) executes, then prints each epoch, the best epoch's metrics and the wall time
from the run's creation to its end (the model version).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="tsn_efficientnet_lite0_stats")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a training setting (as on the admin page), e.g. epochs=8")
    parser.add_argument("--timeout-sec", type=float, default=3600.0)
    parser.add_argument("--watch", metavar="RUN_ID", help="follow an existing run instead")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
    import django

    django.setup()
    from django.db import transaction

    from webapp.datasets.models import Dataset
    from webapp.models_registry.models import ModelVersion
    from webapp.training_runs.models import FINISHED_RUN_STATUSES, RunStatus, TrainingRun
    from webapp.training_runs.services import training_run_start

    options: dict[str, object] = {}
    for item in args.set:
        key, _, value = item.partition("=")
        try:
            options[key] = json.loads(value)  # numbers, true/false
        except json.JSONDecodeError:
            options[key] = value
    started = time.monotonic()
    if args.watch:
        run = TrainingRun.objects.get(pk=args.watch)
    else:
        dataset = Dataset.objects.get(name="fight-surv")
        base = ModelVersion.objects.get(arch=args.model, weights="default")
        with transaction.atomic():
            run = training_run_start(dataset=dataset, base_version=base, options=options)
    print(f"run {run.pk} queued on '{run.queue}' with {json.dumps(run.settings)}", flush=True)
    shown = 0
    while True:
        run.refresh_from_db()
        for row in run.history[shown:]:
            print(f"epoch {row['epoch']}: train loss {row['train_loss']:.3f} acc "
                  f"{row['train_acc']:.3f} | val loss {row['val_loss']:.3f} acc "
                  f"{row['val_acc']:.3f} | {row['sec']:.0f} s", flush=True)
        shown = len(run.history)
        if run.status in FINISHED_RUN_STATUSES:
            break
        if time.monotonic() - started > args.timeout_sec:
            print("timed out", flush=True)
            return 1
        time.sleep(1.0)  # polling the row, as the run page does
    wall_sec = (run.finished_at - run.created_at).total_seconds()  # queued -> version
    print(f"status {run.status} {run.error}".strip())
    if run.status != RunStatus.SUCCEEDED:
        return 1
    best = run.best or {}
    print(json.dumps({"best": {k: best.get(k) for k in ("epoch", "val_accuracy", "val_macro_f1")},
                      "per_class": best.get("per_class"),
                      "confusion_matrix": best.get("confusion_matrix"),
                      "version": run.result_version.name if run.result_version else None},
                     indent=1))
    print(f"wall_sec={wall_sec:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
