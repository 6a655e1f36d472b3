"""Prometheus metrics at ``/metrics``: one registry, and a hook through which apps add theirs.

Core imports no app, so what the apps own is contributed at start-up: an app's
``AppConfig.ready()`` calls :func:`register_collector` (or :func:`register_job_counts` for a
job model), and every scrape calls each registered function. Those functions read the
database (or Redis) when Prometheus scrapes, so the numbers are the same whichever web process
answers and whichever process (worker, camera worker) wrote them.

Families (every name starts ``vigil_``):

- ``vigil_analyses{status}``, ``vigil_training_runs{status}``: jobs by status (gauges; zero
  for a status with no rows). ``vigil_alerts{state}``: incidents ``open`` / ``acknowledged``
  / ``false_alarm``.
- ``vigil_celery_queue_length{queue}``: messages waiting per queue (Redis ``LLEN``, every
  priority); absent on the embedded SQLAlchemy broker, which cannot be read cheaply.
- ``vigil_http_requests_total{method,status}`` and
  ``vigil_http_request_duration_seconds{method}`` (histogram): every request this process
  served (:class:`MetricsMiddleware`). With ``PROMETHEUS_MULTIPROC_DIR`` set (gunicorn:
  ``gunicorn.conf.py`` sets it) every process writes its counts to files there and a scrape
  sums them; otherwise each process counts its own.
- ``vigil_collector_up{collector}``: 1 when a registered collector answered, 0 when it raised
  (the error is logged; the scrape still answers).

Cameras (``webapp.cameras``) report through :func:`camera_families`, which names their
families so that every camera worker agrees on them; register with
``register_collector("cameras", lambda: camera_families(selectors.camera_stats()))``:

- ``vigil_camera_up{camera,state}``: 1 for the camera's current state (``connecting`` /
  ``live`` / ``reconnecting`` / ``stopped`` / ``error``);
- ``vigil_camera_fps_in{camera}``, ``vigil_camera_fps_out{camera}``: frames per second
  decoded from the stream, windows per second scored;
- ``vigil_camera_lag_seconds{camera}``: how far scoring is behind live;
- ``vigil_camera_reconnects_total{camera}``, ``vigil_camera_dropped_windows_total{camera}``:
  counters since the camera's lease was taken (a new lease may restart them from zero, which
  Prometheus's ``rate()`` treats as a counter reset).

The camera worker is another process: it stores these numbers where the web process can read
them (the camera's lease row), and the registered function reads them at scrape time.

Access (:func:`metrics_allowed`): clients in ``VIGIL_METRICS_ALLOWED_NETWORKS`` (loopback and
private networks by default, the client's address as :mod:`webapp.core.clientip` reads it), or
any client with ``Authorization: Bearer <VIGIL_METRICS_TOKEN>``.
"""
from __future__ import annotations

import hmac
import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Model
from django.http import HttpRequest, HttpResponse
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder

from webapp.core.clientip import address_in, client_ip, peer_is_trusted_proxy
from webapp.core.models import JobStatus
from webapp.core.selectors import queue_lengths

logger = logging.getLogger(__name__)

#: What an app registers: called at every scrape, returns metric families.
Collect = Callable[[], Iterable[Metric]]

METRICS_PATH = "/metrics"
#: Methods counted by name; anything else is ``other`` (a client cannot grow the label set).
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
#: Seconds: from a cached page to an upload spooled over a slow link.
LATENCY_BUCKETS_SEC = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
                       60.0)

_collectors: dict[str, Collect] = {}


def register_collector(name: str, collect: Collect) -> None:
    """Call ``collect()`` at every scrape (from an app's ``ready()``); ``name`` labels its
    ``vigil_collector_up`` and registering a name again replaces the function."""
    _collectors[name] = collect


def counts_family(name: str, documentation: str, *, label: str, counts: Mapping[str, int],
                  keys: Iterable[str] = ()) -> GaugeMetricFamily:
    """A gauge ``name{label}`` with one sample per key of ``counts``, and 0 for each of
    ``keys`` it lacks (so a state that empties shows 0, not a gap)."""
    family = GaugeMetricFamily(name, documentation, labels=[label])
    for key in sorted({*keys, *counts}):
        family.add_metric([key], counts.get(key, 0))
    return family


def job_counts(model: type[Model]) -> dict[str, int]:
    """Rows of a job model (one with ``JobFields``) by status."""
    rows = model._default_manager.order_by().values_list("status").annotate(n=Count("pk"))
    return {str(status): int(n) for status, n in rows}


def register_job_counts(name: str, model: type[Model], *, documentation: str) -> None:
    """Register the gauge ``name{status}`` for a job model (every job status, zeros too);
    the collector is ``name`` without its ``vigil_``."""
    register_collector(name.removeprefix("vigil_"), lambda: [counts_family(
        name, documentation, label="status", counts=job_counts(model), keys=JobStatus.values)])


@dataclass(frozen=True, kw_only=True)
class CameraStats:
    """One camera's numbers, as its worker last reported them (see the module docstring)."""

    camera: str
    state: str
    fps_in: float
    fps_out: float
    lag_sec: float
    reconnects: int
    dropped_windows: int


def camera_families(stats: Iterable[CameraStats]) -> list[Metric]:
    """The ``vigil_camera_*`` families for ``stats`` (one sample per camera each)."""
    up = GaugeMetricFamily("vigil_camera_up", "1 for the camera's current state.",
                           labels=["camera", "state"])
    by_field: dict[str, GaugeMetricFamily | CounterMetricFamily] = {
        "fps_in": GaugeMetricFamily("vigil_camera_fps_in", "Frames per second decoded.",
                                    labels=["camera"]),
        "fps_out": GaugeMetricFamily("vigil_camera_fps_out", "Windows scored per second.",
                                     labels=["camera"]),
        "lag_sec": GaugeMetricFamily("vigil_camera_lag_seconds",
                                     "Seconds scoring is behind live.", labels=["camera"]),
        "reconnects": CounterMetricFamily("vigil_camera_reconnects", "Stream reconnections.",
                                          labels=["camera"]),
        "dropped_windows": CounterMetricFamily(
            "vigil_camera_dropped_windows", "Windows dropped to keep up with live.",
            labels=["camera"]),
    }
    for camera in stats:
        up.add_metric([camera.camera, camera.state], 1)
        for field, family in by_field.items():
            family.add_metric([camera.camera], float(getattr(camera, field)))
    return [up, *by_field.values()]


def queue_families() -> list[Metric]:
    """``vigil_celery_queue_length{queue}`` on a Redis broker; nothing on other brokers."""
    if not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        return []
    lengths = queue_lengths()
    if any(length is None for length in lengths.values()):
        raise RuntimeError("the broker did not answer LLEN")
    return [counts_family("vigil_celery_queue_length", "Messages waiting per Celery queue.",
                          label="queue", counts={q: n or 0 for q, n in lengths.items()})]


register_collector("queues", queue_families)


class AppCollector:
    """The registered collectors, each guarded: one failing costs its own families only."""

    def collect(self) -> Iterable[Metric]:
        up = GaugeMetricFamily("vigil_collector_up", "1 when the collector answered.",
                               labels=["collector"])
        for name, collect in sorted(_collectors.items()):
            try:
                families = list(collect())
            except Exception:
                logger.exception("metrics: collector %s failed", name)
                up.add_metric([name], 0)
                continue
            up.add_metric([name], 1)
            yield from families
        yield up


REGISTRY = CollectorRegistry(auto_describe=False)
REGISTRY.register(AppCollector())
_MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
if _MULTIPROCESS:
    from prometheus_client import multiprocess

    multiprocess.MultiProcessCollector(REGISTRY)  # type: ignore[no-untyped-call]
HTTP_REQUESTS = Counter("vigil_http_requests", "HTTP requests served, by method and status.",
                        ["method", "status"], registry=None if _MULTIPROCESS else REGISTRY)
HTTP_LATENCY = Histogram("vigil_http_request_duration_seconds",
                         "Seconds from request to response, by method.", ["method"],
                         buckets=LATENCY_BUCKETS_SEC,
                         registry=None if _MULTIPROCESS else REGISTRY)


def metrics_allowed(request: HttpRequest) -> bool:
    """The bearer token when one is set, else the client's network.

    A request relayed by a proxy that is not in ``VIGIL_TRUSTED_PROXIES`` (it carries
    ``X-Forwarded-For``) is never allowed by network: its peer is the proxy, whose private
    address says nothing about the client.
    """
    token = settings.VIGIL_METRICS_TOKEN
    authorization = request.META.get("HTTP_AUTHORIZATION", "")
    if token and hmac.compare_digest(authorization.encode(), f"Bearer {token}".encode()):
        return True
    if request.META.get("HTTP_X_FORWARDED_FOR") and not peer_is_trusted_proxy(request.META):
        return False
    return address_in(client_ip(request.META), settings.VIGIL_METRICS_ALLOWED_NETWORKS)


def metrics_response(request: HttpRequest) -> HttpResponse:
    """The exposition (text format, or OpenMetrics when asked), or 403."""
    if not metrics_allowed(request):
        logger.info("metrics: refused %s", client_ip(request.META))
        response = HttpResponse("forbidden\n", status=403, content_type="text/plain")
    else:
        encoder, content_type = choose_encoder(request.headers.get("Accept", ""))
        response = HttpResponse(encoder(REGISTRY), content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response


class MetricsMiddleware:
    """Answers ``GET /metrics`` first (no session or host check: scrapers use any Host), and
    counts and times every request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        if request.path_info == METRICS_PATH and request.method in ("GET", "HEAD"):
            response = metrics_response(request)
        else:
            response = self.get_response(request)
        method = request.method if request.method in HTTP_METHODS else "other"
        HTTP_LATENCY.labels(method).observe(time.perf_counter() - started)
        HTTP_REQUESTS.labels(method, str(response.status_code)).inc()
        return response
