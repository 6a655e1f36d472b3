"""Writes for training runs and evaluations, one module per concern (Zulip's ``actions/``):

- :mod:`.recipe`: the settings staff may set, their defaults and their cleaning;
- :mod:`.runs`: start, cancel and reap runs (the web side);
- :mod:`.training`: run one (the worker side: claim, fine-tune, keep the best version);
- :mod:`.metrics`: what a run keeps of ``finetune``'s report;
- :mod:`.evaluations`: start and run evaluations;
- :mod:`.rescoring`: analyse earlier analyses' videos again with another version.

Callers import from this package; the names below are its public surface.
"""
from __future__ import annotations

from webapp.training_runs.services.evaluations import (
    EVALUATE_TASK,
    evaluation_execute,
    evaluation_start,
)
from webapp.training_runs.services.recipe import (
    DEFAULT_CV_FOLDS,
    OPTIMIZERS,
    SETTING_RULES,
    training_defaults,
    training_settings_clean,
)
from webapp.training_runs.services.rescoring import analyses_rescore
from webapp.training_runs.services.runs import (
    RUNS_DIR,
    TRAIN_TASK,
    run_dir,
    training_run_cancel,
    training_run_start,
    training_runs_reap_stale,
)
from webapp.training_runs.services.training import training_run_execute

__all__ = [
    "DEFAULT_CV_FOLDS", "EVALUATE_TASK", "OPTIMIZERS", "RUNS_DIR", "SETTING_RULES",
    "TRAIN_TASK", "analyses_rescore", "evaluation_execute", "evaluation_start", "run_dir",
    "training_defaults", "training_run_cancel", "training_run_execute", "training_run_start",
    "training_runs_reap_stale", "training_settings_clean",
]
