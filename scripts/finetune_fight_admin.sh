#!/usr/bin/env bash
# The fight-surv fine-tuning benchmark (issue #5), run the way an admin runs it: a dataset
# imported from ../shared/clips/manifest.csv (train 180 / val 60 of the Surveillance Camera
# Fight Dataset; nothing else), a training run started through the run service (what the admin
# page and POST /api/v1/training-runs/ call), executed by a real Celery worker, ending in a
# model version. Embedded defaults (SQLite + local broker) in a data folder of its own.
# Usage: scripts/finetune_fight_admin.sh [--model NAME] [--set key=value ...]
# With no arguments: the measured run (88.3% val, 879 s on 2 cores; README "Fine-tuning").
set -euo pipefail
if [ $# -eq 0 ]; then
  set -- --model tsn_efficientnet_lite0_stats --set epochs=8 --set segments=16 --set size=224 \
    --set train_blocks=3 --set backbone_lr_mult=0.1 --set lr=0.001 --set patience=4
fi
cd "$(dirname "$0")/.."
export VIGIL_VAR_DIR=${FIGHT_VAR_DIR:-var/fight-admin}
export VIGIL_MODEL_DIR=$PWD/$VIGIL_VAR_DIR/models
unset DATABASE_URL REDIS_URL CELERY_BROKER_URL
PY=.venv/bin/python
mkdir -p "$VIGIL_VAR_DIR"
$PY manage.py migrate --noinput -v 0
$PY manage.py vigil_sync_models --weights default >/dev/null
if ! $PY manage.py shell -c "from webapp.datasets.models import Dataset as D; import sys; sys.exit(0 if D.objects.filter(name='fight-surv').exists() else 1)"; then
  $PY manage.py vigil_import_dataset fight-surv ../shared/clips/manifest.csv
fi
.venv/bin/celery -A webapp worker -Q cpu -c 1 -l INFO --logfile "$VIGIL_VAR_DIR/worker.log" &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT INT TERM
$PY -m bench.fight_admin_run "$@"
