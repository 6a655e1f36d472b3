"""Live streams (RTSP, HLS, MJPEG, MPEG-TS) watched as they happen; Django-free.

The contract with the web app is :mod:`inference.live.contract`; :class:`LiveMonitor` watches
one stream, :func:`probe_stream` tests a URL through the same restricted FFmpeg options.
"""
from __future__ import annotations

from inference.errors import StreamError
from inference.live.contract import STATES, LiveConfig, LiveIncident, LiveMetrics, StreamInfo
from inference.live.monitor import LiveMonitor
from inference.live.scoring import LiveScorer, scorer_for
from inference.live.source import probe_stream, redact_url

__all__ = ["STATES", "LiveConfig", "LiveIncident", "LiveMetrics", "LiveMonitor", "LiveScorer",
           "StreamError", "StreamInfo", "probe_stream", "redact_url", "scorer_for"]
