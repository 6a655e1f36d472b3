"""Fixtures of the hardening suite: the web app's fixtures (real PostgreSQL, Redis, Celery
worker subprocesses), a canary TCP server, the broker's queues, a private Redis server."""
from __future__ import annotations

import shutil
import socket
import socketserver
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.webapp.conftest import (  # noqa: F401  (fixtures and the report hook, shared)
    _web_settings,
    api_client,
    make_user,
    model_version,
    other_user,
    owned,
    password,
    pytest_runtest_makereport,
    staff_user,
    start_worker,
    user,
    wait_for,
    worker_logs,
)

QUEUES = ("cpu", "gpu")


# --- a canary: any connection to it means something followed a reference ------------------------

@dataclass
class Canary:
    host: str
    port: int
    hits: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


@pytest.fixture
def canary() -> Iterator[Canary]:
    """A threaded TCP server on localhost that records every connection (HTTP or not)."""
    hits: list[str] = []

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            self.request.settimeout(2)
            try:
                first = self.request.recv(200)
            except OSError:
                first = b""
            hits.append(first.decode("latin-1") or "<connection>")
            try:
                self.request.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\nbait")
            except OSError:
                pass

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Canary("127.0.0.1", server.server_address[1], hits)
    finally:
        server.shutdown()
        server.server_close()


# --- the broker's queues ----------------------------------------------------------------------

def broker_redis(url: str | None = None):
    """A Redis client for the Celery broker (``url`` or the app's); skips on other brokers."""
    import redis

    from webapp.celery import app

    url = url or str(app.conf.broker_url)
    if not url.startswith("redis"):
        pytest.skip("the hardening suite needs Redis as the broker (set REDIS_URL)")
    return redis.Redis.from_url(url)


def queued_messages(client=None) -> dict[str, int]:
    """Messages waiting in each Celery queue (priority sub-queues included) and unacked."""
    client = client or broker_redis()
    counts = dict.fromkeys((*QUEUES, "unacked"), 0)
    for key in client.scan_iter():
        name = key.decode(errors="replace")
        base = name.split("\x06\x16", 1)[0]
        if base in QUEUES and client.type(key) == b"list":
            counts[base] += client.llen(key)
    counts["unacked"] = client.hlen("unacked")
    return counts


# --- a private Redis server (for restarts: never the shared one) --------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RedisServer:
    """``redis-server`` on its own port and folder, persisted as production runs it."""

    port: int
    folder: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self):
        import redis

        return redis.Redis.from_url(self.url)

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed")
        log = open(self.folder / "redis.log", "ab")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
             "--appendonly", "yes", "--appendfsync", "always", "--save", "",
             "--protected-mode", "yes", "--daemonize", "no"],
            stdout=log, stderr=subprocess.STDOUT)
        log.close()
        wait_for(self._pings, timeout=20, interval=0.05, message="redis-server to start")

    def _pings(self) -> bool:
        import redis

        assert self.process is not None and self.process.poll() is None, \
            (self.folder / "redis.log").read_text()
        try:
            return bool(redis.Redis.from_url(self.url, socket_timeout=1).ping())
        except redis.ConnectionError:
            return False

    def stop(self) -> None:
        """SIGTERM: Redis flushes its append-only file and exits."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    folder = tmp_path / "redis"
    folder.mkdir()
    server = RedisServer(free_port(), folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def app_broker() -> Iterator[Callable[[str], None]]:
    """Point this process's Celery app (what the web code sends tasks with) at another broker
    for the test; restored afterwards."""
    from kombu import pools as kombu_pools

    from webapp.celery import app

    original = (app.conf.broker_url, dict(app.conf.broker_transport_options or {}))

    def reset_pools() -> None:
        # kombu keeps pools in process-wide registries keyed by connection: close and forget
        # them all, or a later send to the same URL gets the closed pool back.
        kombu_pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    def use(url: str) -> None:
        reset_pools()
        app.conf.broker_url = url
        app.conf.broker_write_url = None
        app.conf.broker_read_url = None

    yield use
    reset_pools()
    app.conf.broker_url, transport = original
    app.conf.broker_transport_options = transport
