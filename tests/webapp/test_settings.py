"""Settings modes (no-server defaults, production hardening), Celery config, model sync."""
from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.webapp.conftest import REPO_ROOT
from webapp.celery import app, queue_for_device

SERVER_VARIABLES = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_ENV", "DEBUG",
                    "VIGIL_DEBUG", "SECRET_KEY", "VIGIL_SECRET_KEY_FILE", "ALLOWED_HOSTS",
                    "VIGIL_VAR_DIR", "VIGIL_MEDIA_ROOT")


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SERVER_VARIABLES}
    env.update({"DJANGO_SETTINGS_MODULE": "webapp.settings", "VIGIL_VAR_DIR": str(tmp_path)})
    env.update(extra)
    return env


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_defaults_need_no_server(tmp_path):
    script = ("import json; from django.conf import settings as s; import django; "
              "django.setup(); print(json.dumps({'db': s.DATABASES['default']['ENGINE'], "
              "'name': str(s.DATABASES['default']['NAME']), 'broker': s.CELERY_BROKER_URL, "
              "'media': str(s.MEDIA_ROOT), 'static': str(s.STATIC_ROOT), 'debug': s.DEBUG}))")
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT,
                            env=clean_env(tmp_path), capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["db"] == "django.db.backends.sqlite3"
    assert values["name"] == str(tmp_path / "db.sqlite3")
    assert values["broker"] == f"sqla+sqlite:///{tmp_path / 'celery-broker.sqlite3'}"
    assert values["media"] == str(tmp_path / "media")
    assert not values["media"].startswith(values["static"])
    assert values["debug"] is False  # also on the embedded default (tests/hardening)


def test_secret_key_is_required_in_production(tmp_path):
    result = run_manage("check", env=clean_env(tmp_path, DJANGO_ENV="production",
                                               ALLOWED_HOSTS="vigil.example.com"))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert not (tmp_path / "secret-key").exists()  # never generated in production


def test_production_settings_pass_check_deploy_without_warnings(tmp_path):
    env = clean_env(tmp_path, DJANGO_ENV="production", SECRET_KEY=secrets.token_urlsafe(50),
                    ALLOWED_HOSTS="vigil.example.com")
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr


def test_production_refuses_debug(tmp_path):
    env = clean_env(tmp_path, DJANGO_ENV="production", DEBUG="true",
                    SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="x.example")
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_celery_is_configured_for_reliable_delivery():
    # What a worker does at start-up (autodiscovery of every app's tasks), so this test does
    # not depend on another test having imported a tasks module first.
    app.loader.import_default_modules()
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert 0 < conf.task_soft_time_limit < conf.task_time_limit
    if str(conf.broker_url).startswith("redis") and not os.environ.get(
            "VIGIL_BROKER_VISIBILITY_TIMEOUT"):
        assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit
    assert {queue.name for queue in conf.task_queues} == {"cpu", "gpu"}
    for queue in conf.task_queues:  # each queue its own routing: gpu work never lands in cpu
        assert queue.routing_key == queue.name == queue.exchange.name
    assert conf.beat_schedule["vigil-watchdog"]["task"] == "videos.watchdog"
    assert "videos.analyze_video" in app.tasks
    assert queue_for_device("cpu") == "cpu"
    assert queue_for_device("cuda:1") == "gpu"


def test_a_grown_pool_child_is_recycled_at_the_measured_limit(tmp_path):
    """``bench.bench_worker_memory``: a child grows past 1.4 GiB over mixed analyses and
    stays there; Celery replaces it after the task that crossed 1280 MiB (0 turns it off)."""
    script = ("import django; django.setup(); from webapp.celery import app; "
              "print(app.conf.worker_max_memory_per_child)")
    found = {}
    for value in (None, "0", "2000000"):
        extra = {} if value is None else {"VIGIL_WORKER_MAX_MEMORY_PER_CHILD_KIB": value}
        result = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT,
                                env=clean_env(tmp_path, **extra), capture_output=True,
                                text=True, timeout=120, check=False)
        assert result.returncode == 0, result.stderr
        found[value] = result.stdout.strip().splitlines()[-1]
    assert found == {None: str(1280 * 1024), "0": "None", "2000000": "2000000"}


@pytest.mark.django_db
def test_sync_models_creates_one_version_per_registry_entry(settings):
    from inference.models import list_models
    from webapp.models_registry.models import ModelVersion

    settings.VIGIL_DEFAULT_WEIGHTS = "none"
    out = StringIO()
    call_command("vigil_sync_models", stdout=out)
    call_command("vigil_sync_models", stdout=out)  # idempotent
    names = {entry.name for entry in list_models()}
    assert set(ModelVersion.objects.values_list("arch", flat=True)) == names
    assert ModelVersion.objects.count() == len(names)
    default = ModelVersion.objects.get(is_default=True)
    assert default.arch == "fight_detector"
    assert default.weights == "none"
    assert default.labels == ["fight", "no_fight"]
    assert default.input_spec["clip_len"] > 0
    assert ModelVersion.objects.get(arch="i3d").kind == "classifier"
    assert ModelVersion.objects.get(arch="tsn_efficientnet_lite0").kind == "backbone"
    assert ModelVersion.objects.get(arch="i3d.flow").kind == "stream"
