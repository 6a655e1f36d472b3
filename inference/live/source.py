"""Opening live streams with FFmpeg held to the URL's own protocol.

Threat model: a camera URL is typed by staff, but it is still a URL FFmpeg will follow, and
FFmpeg can read local files (``file:``, ``concat:``, ``subfile:``), run other protocols nested in
playlists (an HLS playlist may name any URL) or probe dozens of demuxers. So, as for uploads
(:mod:`inference.probe`), every open is restricted:

- the scheme must be ``rtsp``, ``rtsps``, ``http`` or ``https``; anything else is refused before
  FFmpeg sees it (``protocol_not_allowed``);
- ``protocol_whitelist`` is what that scheme needs and no more (RTSP: ``rtsp,rtp,tcp,udp``;
  RTSPS adds ``tls``; HTTP: ``http,tcp``; HTTPS: ``https,tls,tcp,crypto`` - an HLS playlist
  fetched over HTTPS cannot pull segments over plain HTTP or from a file), and nested opens
  (playlist segments) inherit it;
- ``format_whitelist`` holds the live demuxers (:data:`STREAM_DEMUXERS`); RTSP is forced;
- connect and read timeouts, both FFmpeg's own and PyAV's interrupt callback, so a silent
  camera never blocks a thread for ever.

Private addresses are allowed (cameras live on LANs); who may add a camera is the web app's rule.
"""
from __future__ import annotations

import errno
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from urllib.parse import SplitResult, urlsplit, urlunsplit

import av

from inference.errors import StreamError
from inference.live.contract import StreamInfo
from inference.probe import video_streams

#: Schemes a camera URL may use, and the FFmpeg protocols each one needs.
PROTOCOLS = {
    "rtsp": "rtsp,rtp,tcp,udp",
    "rtsps": "rtsp,rtsps,rtp,tcp,udp,tls",
    "http": "http,tcp",
    "https": "https,tls,tcp,crypto",
}
#: Demuxers a live stream may be read with (nested demuxers are held to this too).
STREAM_DEMUXERS = ("rtsp", "sdp", "rtp", "hls", "mpegts", "mpjpeg", "mjpeg", "mov", "h264",
                   "hevc")


def check_url(url: str) -> SplitResult:
    """Parse ``url`` and refuse what Vigil does not open (``invalid_url``,
    ``protocol_not_allowed``)."""
    if not isinstance(url, str) or not url or any(c.isspace() or not c.isprintable() for c in url):
        raise StreamError("the stream URL is empty or holds spaces or control characters",
                          code="invalid_url")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise StreamError("the stream URL cannot be parsed", code="invalid_url") from None
    scheme = parts.scheme.lower()
    if scheme not in PROTOCOLS:
        raise StreamError(f"streams are read over {', '.join(PROTOCOLS)} only, not "
                          f"{scheme or 'a URL without a scheme'!r}", code="protocol_not_allowed")
    if not parts.hostname:
        raise StreamError("the stream URL names no host", code="invalid_url")
    return parts


def redact_url(url: str) -> str:
    """``url`` with its password and query values masked (user names stay: they identify)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return "<unparseable URL>"
    netloc = f"[{host}]" if ":" in host else host
    if port:
        netloc += f":{port}"
    if parts.username:
        netloc = f"{parts.username}{':***' if parts.password is not None else ''}@{netloc}"
    query = "&".join(f"{pair.split('=', 1)[0]}=***" if "=" in pair else pair
                     for pair in parts.query.split("&")) if parts.query else ""
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def ffmpeg_options(parts: SplitResult, *, read_timeout_sec: float,
                   rtsp_transport: str = "tcp") -> dict[str, str]:
    """The FFmpeg options a URL of this scheme is opened with (see the module docstring)."""
    scheme = parts.scheme.lower()
    micros = str(int(read_timeout_sec * 1_000_000))
    options = {
        "protocol_whitelist": PROTOCOLS[scheme],
        "format_whitelist": ",".join(STREAM_DEMUXERS),
        "rw_timeout": micros,
    }
    if scheme.startswith("rtsp"):
        if rtsp_transport not in ("tcp", "udp"):
            raise StreamError(f"unknown RTSP transport {rtsp_transport!r}", code="invalid_url")
        options.update({"rtsp_transport": rtsp_transport, "timeout": micros})
    else:
        options.update({"timeout": micros, "reconnect": "0"})
    return options


@contextmanager
def open_stream(url: str, *, connect_timeout_sec: float = 10.0, read_timeout_sec: float = 10.0,
                rtsp_transport: str = "tcp") -> Iterator[av.container.InputContainer]:
    """Open a live stream with the restricted options; raises :class:`StreamError`."""
    parts = check_url(url)
    options = ffmpeg_options(parts, read_timeout_sec=read_timeout_sec,
                             rtsp_transport=rtsp_transport)
    demuxer = "rtsp" if parts.scheme.lower().startswith("rtsp") else None
    try:
        container = av.open(url, mode="r", format=demuxer, options=options,
                            timeout=(connect_timeout_sec, read_timeout_sec),
                            metadata_errors="ignore")
    except av.error.FFmpegError as exc:
        raise stream_error(exc, url=url) from None
    try:
        yield container
    finally:
        container.close()


def stream_error(exc: BaseException, *, url: str) -> StreamError:
    """A :class:`StreamError` with a code for what FFmpeg said (the URL's secrets kept out)."""
    reason = (getattr(exc, "strerror", None) or type(exc).__name__).strip()
    number = getattr(exc, "errno", None)
    text = reason.lower()
    if isinstance(exc, av.error.ExitError) or number == errno.ETIMEDOUT or "timed out" in text:
        code, what = "timeout", "the stream did not answer in time"
    elif number in (errno.ECONNREFUSED, errno.EHOSTUNREACH, errno.ENETUNREACH,
                    errno.ECONNRESET, errno.EPIPE) or "refused" in text:
        code, what = "unreachable", "the stream's host cannot be reached"
    elif "401" in text or "unauthorized" in text or "403" in text or "forbidden" in text:
        code, what = "unauthorized", "the stream refused the credentials"
    elif "404" in text or "not found" in text:
        code, what = "not_found", "the stream's path does not exist on the server"
    elif isinstance(exc, av.error.InvalidDataError):
        code, what = "unsupported_format", "the stream is not in a format Vigil reads"
    elif number == errno.EPERM or "not on whitelist" in text:
        code, what = "protocol_not_allowed", "the stream needs a protocol Vigil does not open"
    else:
        code, what = "unreachable", "the stream cannot be read"
    return StreamError(f"{what} ({reason}; {redact_url(url)})", code=code)


def probe_stream(url: str, *, timeout_sec: float = 10.0, rtsp_transport: str = "tcp",
                 ) -> StreamInfo:
    """Connect to ``url`` and describe its video: codec, frame size and rate.

    Decodes frames until one comes out (so the codec is proven to work) or ``timeout_sec``
    passes. Raises :class:`StreamError` (codes in :class:`inference.errors.StreamError`).
    """
    deadline = time.monotonic() + timeout_sec
    with open_stream(url, connect_timeout_sec=timeout_sec, read_timeout_sec=timeout_sec,
                     rtsp_transport=rtsp_transport) as container:
        streams = video_streams(container)
        if not streams:
            raise StreamError(f"the stream has no video ({redact_url(url)})",
                              code="no_video_stream")
        stream = streams[0]
        first = None
        try:
            for frame in container.decode(stream):
                first = frame
                break
        except av.error.FFmpegError as exc:
            raise stream_error(exc, url=url) from None
        if first is None and time.monotonic() > deadline:
            raise StreamError("the stream sent no picture in time", code="timeout")
        if first is None:
            raise StreamError(f"the stream ended before its first picture ({redact_url(url)})",
                              code="stream_ended")
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        return StreamInfo(codec=stream.codec_context.name, width=first.width,
                          height=first.height, fps=round(float(rate), 3) if rate else 0.0,
                          url_redacted=redact_url(url))


class StreamClock:
    """Stream time of one connection: seconds from its first frame, from the frames'
    timestamps (the monotonic clock for frames without one), and the wall time of each.

    A timestamp that steps back, or jumps forward by more than ``max_jump_sec`` (a camera
    restarting its clock, a looped source), continues the clock one frame after the last time
    instead, so windows stay in order.
    """

    def __init__(self, *, number: int, max_jump_sec: float = 5.0,
                 frame_sec: float = 1.0 / 25) -> None:
        self.number = number
        self.wall0 = datetime.now(UTC)
        self.started = time.monotonic()
        self.max_jump_sec = max_jump_sec
        self.frame_sec = frame_sec
        self.last_sec: float | None = None
        self._offset_sec = 0.0
        self._last_raw_sec: float | None = None

    def time_of(self, frame: av.VideoFrame) -> float:
        """Stream seconds of ``frame`` (the next one decoded; never less than the last)."""
        stamp = frame.pts if frame.pts is not None else frame.dts
        if stamp is not None and frame.time_base is not None:
            raw = float(stamp * frame.time_base)
        else:
            raw = time.monotonic() - self.started
        if self._last_raw_sec is None:
            self._offset_sec = -raw
        elif not 0 <= raw - self._last_raw_sec <= self.max_jump_sec:
            self._offset_sec = (self.last_sec or 0.0) + self.frame_sec - raw
        self._last_raw_sec = raw
        self.last_sec = raw + self._offset_sec
        return self.last_sec

    def wall_at(self, time_sec: float) -> datetime:
        """Wall time (UTC) of stream time ``time_sec``."""
        return self.wall0 + timedelta(seconds=time_sec)
