"""Structured logs: one JSON object per line, tagged with the analysis / training run at work.

``log_context(analysis_id=...)`` sets the ids for the code it wraps (a ``ContextVar``). Threads
that code starts (heartbeat, decode prefetch) do not inherit a ``ContextVar``; while exactly one
context is open in the process (solo or prefork workers), they get its ids too. The Celery
signal handlers below open a context for every task (``task_id``, and the ids its arguments
name).

Request ids: every record of a web request carries ``request_id`` (the client's valid
``X-Request-ID``, else a new one). Django's ``request_started`` / ``request_finished`` signals
open and close that context (:func:`on_request_started`), so the lines Django writes after the
middleware chain (``django.request``'s "Not Found") and those of a streamed body carry it too;
``RequestIdMiddleware`` (``webapp.core.middleware``) returns it in the response, and opens
the context itself where the signal has no WSGI environ (ASGI). A task sent while a request
runs carries its id in a message header (:func:`on_before_task_publish`) and the worker tags
the task's records with it, so one id finds a request and the work it started (and the tasks
those tasks send in turn).
"""
from __future__ import annotations

import contextvars
import inspect
import json
import logging
import re
import threading
import traceback
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime

#: Task arguments that identify what a task works on (copied into every log record).
CONTEXT_KEYS = ("analysis_id", "training_run_id", "run_id", "evaluation_id", "alert_id")

_context: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "vigil_log_context", default=None)
_open: list[dict[str, str]] = []
_open_lock = threading.Lock()
#: Ids the text format appends (the JSON format writes every context id).
TEXT_KEYS = ("request_id", "task_id", *CONTEXT_KEYS)
#: The Celery message header that carries the request id into the tasks a request sends.
REQUEST_ID_TASK_HEADER = "vigil_request_id"
#: What a client's ``X-Request-ID`` may be (no spaces or control characters: it goes to logs).
_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,127}")
#: Standard LogRecord attributes: anything else on a record is an ``extra`` field.
_RECORD_FIELDS = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime"}


def current_context() -> dict[str, str]:
    """The ids of the work the calling code does (see the module docstring)."""
    ctx = _context.get()
    if ctx is not None:
        return ctx
    with _open_lock:
        return dict(_open[0]) if len(_open) == 1 else {}


@contextmanager
def log_context(**ids: object) -> Iterator[dict[str, str]]:
    """Tag every log record emitted inside the block with ``ids`` (``None`` values dropped)."""
    ctx = {**(_context.get() or {}), **{k: str(v) for k, v in ids.items() if v is not None}}
    token = _context.set(ctx)
    with _open_lock:
        _open.append(ctx)
    try:
        yield ctx
    finally:
        with _open_lock:
            _open.remove(ctx)
        _context.reset(token)


class ContextFilter(logging.Filter):
    """Copies :func:`current_context` onto each record (``record.analysis_id`` ...)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in current_context().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "message", <context ids>, <extras>, "exc"}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        doc: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
            "thread": record.threadName,
        }
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and not key.startswith("_"):
                doc[key] = value if isinstance(value, int | float | bool | type(None)) \
                    else str(value)
        if record.exc_info:
            doc["exc"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        elif record.exc_text:
            doc["exc"] = record.exc_text
        if record.stack_info:
            doc["stack"] = record.stack_info
        return json.dumps(doc, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The plain format, with ``[analysis_id=...]`` appended when a context is set."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        ids = " ".join(f"{key}={getattr(record, key)}" for key in TEXT_KEYS
                       if hasattr(record, key))
        return f"{text} [{ids}]" if ids else text


def logging_config(*, fmt: str, level: str) -> dict:
    """The ``LOGGING`` dict: ``fmt`` is ``json`` or ``text``."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "webapp.core.logs.ContextFilter"}},
        "formatters": {
            "json": {"()": "webapp.core.logs.JsonFormatter"},
            "text": {"()": "webapp.core.logs.TextFormatter",
                     "format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": fmt,
                                 "filters": ["context"]}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.db.backends": {"level": "WARNING"}},
    }


def request_id_from(value: str | None) -> str:
    """``value`` when it is a valid request id (up to 128 of ``A-Z a-z 0-9 . _ : @ / + = -``,
    starting alphanumeric), else a new random one (32 hex digits)."""
    if value and _REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


def request_id_here() -> str | None:
    """The request id of this thread's (or task's) own context, never another thread's."""
    return (_context.get() or {}).get("request_id")


_request_manager: contextvars.ContextVar[AbstractContextManager | None] = contextvars.ContextVar(
    "vigil_request_log_context", default=None)


def on_request_started(sender=None, environ: dict | None = None, **_) -> None:
    """Django ``request_started``: open the request's log context (WSGI: from its environ)."""
    on_request_finished()  # a request whose response was never closed: end its context first
    if environ is None:
        return
    manager = log_context(request_id=request_id_from(environ.get("HTTP_X_REQUEST_ID")))
    manager.__enter__()
    _request_manager.set(manager)


def on_request_finished(sender=None, **_) -> None:
    """Django ``request_finished`` (the response was closed): close the request's context."""
    manager = _request_manager.get()
    if manager is not None:
        _request_manager.set(None)
        try:
            manager.__exit__(None, None, None)
        except ValueError:  # closed from another context than it was opened in: already gone
            logging.getLogger(__name__).debug("request log context closed elsewhere")


# --- Celery ----------------------------------------------------------------------------------

_task_contexts: dict[str, AbstractContextManager] = {}


def task_ids(task, args: tuple | list | None, kwargs: dict | None) -> dict[str, str]:
    """The :data:`CONTEXT_KEYS` among a task's arguments (positional ones by parameter name)."""
    try:
        bound = inspect.signature(task.run).bind_partial(*(args or ()), **(kwargs or {}))
    except (TypeError, ValueError):
        return {}
    return {key: str(value) for key, value in bound.arguments.items()
            if key in CONTEXT_KEYS and value is not None}


def on_before_task_publish(sender=None, headers: dict | None = None, **_) -> None:
    """Celery ``before_task_publish``: the sender's request id goes into the message."""
    request_id = current_context().get("request_id")
    if request_id and headers is not None:
        headers.setdefault(REQUEST_ID_TASK_HEADER, request_id)


def on_task_prerun(sender=None, task_id: str | None = None, task=None, args=None, kwargs=None,
                   **_) -> None:
    ids = task_ids(task, args, kwargs) if task is not None else {}
    request_id = getattr(getattr(task, "request", None), REQUEST_ID_TASK_HEADER, None)
    manager = log_context(task_id=task_id, request_id=request_id_from(request_id)
                          if request_id else None, **ids)
    manager.__enter__()
    _task_contexts[task_id or ""] = manager


def on_task_postrun(sender=None, task_id: str | None = None, **_) -> None:
    manager = _task_contexts.pop(task_id or "", None)
    if manager is not None:
        manager.__exit__(None, None, None)


def to_file(config: dict, *, path: str) -> dict:
    """``config`` (a ``LOGGING`` dict) with its ``console`` handler writing to ``path`` instead
    (same formatter and filters; reopened if rotated away, ``WatchedFileHandler``)."""
    handlers = dict(config.get("handlers", {}))
    console = dict(handlers.get("console", {}))
    console.pop("stream", None)
    console.update({"class": "logging.handlers.WatchedFileHandler", "filename": path,
                    "encoding": "utf-8"})
    handlers["console"] = console
    return {**config, "handlers": handlers}


def configure_worker_logging(*, loglevel: int | str | None = None, logfile: str | None = None,
                             **_) -> None:
    """Celery ``setup_logging``: use Django's ``LOGGING`` (Celery then adds no handlers).

    Connecting this signal makes Celery skip its own set-up, ``--logfile`` included, so the
    file is honoured here: every record goes there instead of the console.
    """
    import logging.config  # noqa: PLC0415

    from django.conf import settings  # noqa: PLC0415

    config = to_file(settings.LOGGING, path=logfile) if logfile else settings.LOGGING
    logging.config.dictConfig(config)
    logging.captureWarnings(True)
    if loglevel:
        logging.getLogger().setLevel(loglevel)


def on_worker_init(sender=None, instance=None, conf=None, options=None, **_) -> None:
    """Celery ``celeryd_init``: JSON/text logging before the worker's first warnings."""
    from celery.utils.nodenames import node_format  # noqa: PLC0415

    level = (options or {}).get("loglevel")
    logfile = (options or {}).get("logfile")
    configure_worker_logging(loglevel=level.upper() if isinstance(level, str) else level,
                             logfile=node_format(logfile, sender) if logfile and sender
                             else logfile)


def quiet_banner(sender=None, instance=None, conf=None, **_) -> None:
    """Celery ``celeryd_after_setup``: in JSON mode the banner becomes one JSON log line."""
    from django.conf import settings  # noqa: PLC0415

    if getattr(settings, "VIGIL_LOG_FORMAT", "text") == "json" and instance is not None:
        instance.quiet = True
        queues = ",".join(sorted(q.name for q in instance.app.amqp.queues.consume_from.values()))
        logging.getLogger("celery.worker").info(
            "worker %s starting (queues %s, pool %s, concurrency %s)", sender, queues,
            getattr(instance.pool_cls, "__name__", instance.pool_cls), instance.concurrency)
