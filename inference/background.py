"""Run a producer in a background thread: decoding overlaps with scoring and encoding."""
from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Generator
from contextlib import closing
from typing import TypeVar, cast

T = TypeVar("T")


class _Failure:
    __slots__ = ("exc",)

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


_DONE = object()


def prefetch(make_items: Callable[[], Generator[T, None, None]], *, depth: int,
             name: str = "vigil-prefetch") -> Generator[T, None, None]:
    """Run ``make_items()`` in a background thread, yielding its items through a queue.

    FFmpeg and PyTorch release the GIL while decoding, scaling, encoding and running models, so
    the producer's work overlaps the consumer's. At most ``depth`` items wait in the queue
    (memory stays bounded). Exceptions are re-raised here; closing this generator stops and
    joins the thread.
    """
    items: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                items.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            with closing(make_items()) as source:
                for item in source:
                    if not put(item):
                        return
            put(_DONE)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer thread
            put(_Failure(exc))

    thread = threading.Thread(target=work, name=name, daemon=True)
    thread.start()
    try:
        while True:
            item = items.get()
            if item is _DONE:
                return
            if isinstance(item, _Failure):
                raise item.exc
            yield cast("T", item)  # anything but the two markers is the producer's
    finally:
        stop.set()
        thread.join()
