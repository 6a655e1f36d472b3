"""Errors the inference core raises for bad input, each with a stable code."""
from __future__ import annotations


class VigilError(Exception):
    """Base class: a one-line, user-facing reason and a stable machine code."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class VideoRejected(VigilError):
    """The file is not a video Vigil accepts (see ``code`` for which rule it broke)."""

    code = "rejected"


class ModelError(VigilError):
    """A model name, weights file or label map is unknown or does not fit."""

    code = "model"


class Cancelled(VigilError):
    """The caller asked the pipeline to stop."""

    code = "cancelled"


class StreamError(VigilError):
    """A live stream cannot be used: a refused URL, or one that cannot be reached or read.

    Codes: ``invalid_url``, ``protocol_not_allowed``, ``unreachable``, ``timeout``,
    ``unauthorized``, ``not_found``, ``unsupported_format``, ``no_video_stream``,
    ``stream_ended``, ``stream_changed``, ``frame_too_large``.
    """

    code = "stream"
