#!/usr/bin/env bash
# The production processes without Docker: migrate, collect static files, then honcho runs
# the Procfile (web = gunicorn, worker-cpu, beat) against the real PostgreSQL and Redis named
# by DATABASE_URL and REDIS_URL (environment or .env). Ctrl-C / SIGTERM stops all of them.
#   PORT=8000 scripts/stack.sh          (make stack: the same, after setup)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
db=$($PY -c "from django.conf import settings; import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'webapp.settings'); django.setup(); print(settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1], settings.CELERY_BROKER_URL.split(':', 1)[0])")
if [ "$db" != "postgresql redis" ]; then
  echo "make stack runs against PostgreSQL and Redis: set DATABASE_URL and REDIS_URL" >&2
  echo "(environment or .env; see .env.example). Found: $db" >&2
  exit 2
fi
$PY manage.py migrate --noinput
$PY manage.py collectstatic --noinput -v 0
exec .venv/bin/honcho start -f Procfile -d . -p "${PORT:-8000}" "$@"
