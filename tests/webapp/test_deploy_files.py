"""docker-compose.yml, docker/Dockerfile, docker/nginx.conf and the Procfile: validated by
``docker compose config`` / ``docker-compose config`` where installed (``scripts/setup.sh
--test`` installs Debian's), and always checked for the services, health checks, queues, GPU
reservation, nginx locations and limits production needs."""
from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
import yaml

from tests.webapp.conftest import REPO_ROOT

COMPOSE = REPO_ROOT / "docker-compose.yml"
APP_SERVICES = ("migrate", "web", "worker-cpu", "worker-gpu", "beat")


def validators() -> list[list[str]]:
    found = []
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True,
                                 timeout=60, check=False).returncode == 0:
        found.append([docker, "compose"])
    if shutil.which("docker-compose"):
        found.append(["docker-compose"])
    return found


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.mark.parametrize("profile", [None, "gpu"])
def test_compose_validators_accept_the_file_without_a_dotenv(tmp_path, profile):
    tools = validators()
    if not tools:
        pytest.skip("no compose validator installed (the structure tests below still ran)")
    # A copy without .env, so the defaults alone must make a valid file.
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(COMPOSE, project / "docker-compose.yml")
    shutil.copytree(REPO_ROOT / "docker", project / "docker")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIGIL_", "SECRET_KEY"))}
    for tool in tools:
        args = [*tool, *(["--profile", profile] if profile else []), "config", "-q"]
        result = subprocess.run(args, cwd=project, capture_output=True, text=True, timeout=120,
                                env=env, check=False)
        assert result.returncode == 0, f"{' '.join(args)}: {result.stderr}"
        services = subprocess.run([*tool, *(["--profile", profile] if profile else []),
                                   "config", "--services"], cwd=project, capture_output=True,
                                  text=True, timeout=120, env=env, check=True).stdout.split()
        assert profile != "gpu" or "worker-gpu" in services
        assert {"web", "worker-cpu", "beat", "cameras", "redis", "postgres",
                "nginx"} <= set(services)


def test_every_service_has_a_health_check(compose):
    services = compose["services"]
    for name in ("web", "worker-cpu", "worker-gpu", "beat", "cameras", "nginx", "redis",
                 "postgres"):
        assert services[name].get("healthcheck", {}).get("test"), name
    assert "manage.py vigil_cameras" in services["cameras"]["command"]
    assert "cameras.alive" in services["cameras"]["healthcheck"]["test"][1]
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "inspect ping -d cpu@" in services["worker-cpu"]["healthcheck"]["test"][1]
    assert "inspect ping -d gpu@" in services["worker-gpu"]["healthcheck"]["test"][1]
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"][1]
    assert services["redis"]["healthcheck"]["test"][-1] == "ping"


def test_workers_queues_pools_and_the_gpu_reservation(compose):
    services = compose["services"]
    cpu = services["worker-cpu"]["command"]
    gpu = services["worker-gpu"]["command"]
    assert re.search(r"worker -Q cpu\b", cpu) and "-Q gpu" not in cpu
    assert re.search(r"worker -Q gpu\b", gpu) and "--pool=solo" in gpu
    devices = services["worker-gpu"]["deploy"]["resources"]["reservations"]["devices"]
    assert devices[0]["driver"] == "nvidia" and devices[0]["capabilities"] == ["gpu"]
    assert "cu1" in services["worker-gpu"]["build"]["args"]["TORCH_INDEX_URL"]  # CUDA torch
    assert "cpu" in services["web"]["build"]["args"]["TORCH_INDEX_URL"]
    assert services["worker-gpu"]["profiles"] == ["gpu"]
    assert "gunicorn webapp.wsgi" in services["web"]["command"]
    assert "celery -A webapp beat" in services["beat"]["command"]


def test_the_camera_worker_service(compose):
    """The long-lived camera worker: the app image, no port, the alive file its health check
    reads on the shared var volume, clips into the media volume, time to release its leases."""
    cameras = compose["services"]["cameras"]
    assert cameras["image"] == compose["services"]["web"]["image"]
    assert "ports" not in cameras and "expose" not in cameras
    command = cameras["command"].split()
    assert command[:3] == ["python", "manage.py", "vigil_cameras"]
    alive = command[command.index("--alive-file") + 1]
    assert alive.startswith("/data/var/") and "var:/data/var" in cameras["volumes"]
    assert "media:/data/media" in cameras["volumes"]
    check = cameras["healthcheck"]["test"][1]
    assert f"-name {alive.rsplit('/', 1)[1]}" in check and "-mmin" in check
    grace = cameras["stop_grace_period"]
    assert grace.endswith("s") and int(grace[:-1]) >= 10  # SIGTERM releases the leases
    assert cameras["restart"] == "unless-stopped"
    assert cameras["environment"]["VIGIL_MODEL_DIR"] == "/data/models"


def test_migrations_run_once_before_the_app_starts(compose):
    services = compose["services"]
    assert "manage.py migrate --noinput" in " ".join(services["migrate"]["command"])
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker-cpu", "worker-gpu", "beat", "cameras"):
        assert services[name]["depends_on"]["migrate"]["condition"] \
            == "service_completed_successfully", name
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert any(v.startswith("pgdata:") for v in services["postgres"]["volumes"])


def test_no_dotenv_is_required(compose):
    for name, service in compose["services"].items():
        assert "env_file" not in service or all(
            isinstance(e, dict) and e.get("required") is False for e in service["env_file"]), name
    # Every ${VAR} in the file has a default (compose warns and uses "" otherwise).
    text = COMPOSE.read_text()
    bare = [m for m in re.findall(r"(?<!\$)\$\{([^}]+)\}", text) if ":-" not in m]
    assert bare == []


def test_nginx_serves_static_protected_media_and_the_upload_limit(compose):
    conf = (REPO_ROOT / "docker" / "nginx.conf").read_text()
    protected = re.search(r"location /protected/ \{(.*?)\}", conf, re.S).group(1)
    assert "internal;" in protected and "alias /data/media/;" in protected
    assert re.search(r"location /static/ \{[^}]*alias /data/static/;", conf)
    assert "client_max_body_size ${VIGIL_MAX_UPLOAD_BYTES};" in conf
    assert "max_ranges 0" not in conf  # Range requests stay on
    nginx = compose["services"]["nginx"]
    assert nginx["environment"]["VIGIL_MAX_UPLOAD_BYTES"] \
        == compose["x-app-env"]["VIGIL_MAX_UPLOAD_BYTES"]
    assert "media:/data/media:ro" in nginx["volumes"]
    assert any("nginx.conf:/etc/nginx/templates/" in v for v in nginx["volumes"])
    # The app answers with X-Accel-Redirect: /protected/<name> when nginx is in front.
    assert compose["x-app-env"]["VIGIL_ACCEL_REDIRECT"] == "1"


def test_dockerfile_is_multi_stage_non_root_with_debian_ffmpeg():
    text = (REPO_ROOT / "docker" / "Dockerfile").read_text()
    stages = re.findall(r"^FROM \S+ AS (\w+)", text, re.M)
    assert stages == ["builder", "runtime"]
    runtime = text.split("AS runtime", 1)[1]
    assert "pip wheel" in text.split("AS runtime", 1)[0]
    assert "build-essential" not in runtime  # no compilers in the runtime image
    assert re.search(r"apt-get install -y --no-install-recommends ffmpeg", runtime)
    assert re.search(r"^USER vigil$", runtime, re.M)
    assert "ARG TORCH_INDEX_URL" in text


def test_procfile_runs_the_same_processes():
    procfile = dict(line.split(":", 1) for line in
                    (REPO_ROOT / "Procfile").read_text().splitlines()
                    if line.strip() and not line.startswith("#"))
    assert set(procfile) == {"web", "worker-cpu", "beat", "cameras"}
    assert "manage.py vigil_cameras" in procfile["cameras"]
    assert "gunicorn webapp.wsgi" in procfile["web"]
    assert "worker -Q cpu" in procfile["worker-cpu"]
    assert "beat" in procfile["beat"]
