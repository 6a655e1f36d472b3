"""Safe probing of an uploaded file: is it a video Vigil accepts, and what is in it.

The container is recognised from its first bytes (never the extension, see
:mod:`inference.sniff`); FFmpeg is then opened with that one demuxer forced,
``protocol_whitelist=file`` and a demuxer whitelist that nested demuxers inherit, so playlists,
concat scripts and crafted AVI/GAB2 files cannot make FFmpeg read another file or a URL. Every
rejection is a :class:`VideoRejected` with a specific code.
"""
from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import av

from inference.errors import VideoRejected
from inference.orientation import Orientation, frame_orientation
from inference.sniff import SNIFF_BYTES, sniff_container
from inference.types import ProbeLimits, VideoMeta

__all__ = ["SNIFF_BYTES", "open_container", "probe", "sniff_container"]

#: Demuxers Vigil opens; nested demuxers (e.g. AVI's GAB2 subtitles) are held to this too.
ALLOWED_DEMUXERS = ("mov", "matroska", "avi", "mpeg", "mpegts", "flv", "ogg", "mpegvideo")
FFMPEG_OPTIONS = {
    "protocol_whitelist": "file",
    "format_whitelist": ",".join(ALLOWED_DEMUXERS),
}

@contextmanager
def open_container(path: str, *, demuxer: str, timeout_sec: float,
                   ) -> Iterator[av.container.InputContainer]:
    """Open ``path`` with one forced demuxer and FFmpeg restricted to local-file reads."""
    try:
        container = av.open(
            path,
            mode="r",
            format=demuxer,
            options=dict(FFMPEG_OPTIONS),
            timeout=timeout_sec,
            metadata_errors="ignore",
        )
    except av.error.InvalidDataError as exc:
        raise _corrupt(exc, cut_short=demuxer == "mov" and _mov_cut_short(path)) from None
    except av.error.FFmpegError as exc:
        raise VideoRejected(f"the file could not be opened as a video ({_reason(exc)})",
                            code="corrupt") from None
    try:
        yield container
    finally:
        container.close()


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def _corrupt(exc: BaseException, *, cut_short: bool = False) -> VideoRejected:
    # The reason only: ``str(exc)`` also holds the file's path, which says nothing.
    text = _reason(exc).lower()
    if cut_short or "end of file" in text or "truncat" in text:
        return VideoRejected("the file is truncated (its index or data ends early)",
                             code="truncated")
    return VideoRejected(f"the file is corrupt or not a video ({_reason(exc)})", code="corrupt")


def _mov_cut_short(path: str) -> bool:
    """True when the MP4/MOV's last top-level box ends past the end of the file (a cut copy:
    FFmpeg then only says the index is missing or the data is invalid)."""
    size = os.path.getsize(path)
    position = 0
    with open(path, "rb") as fh:
        while position + 8 <= size:
            fh.seek(position)
            header = fh.read(16)
            box_size = int.from_bytes(header[:4], "big")
            if box_size == 1 and len(header) == 16:  # 64-bit size follows the type
                box_size = int.from_bytes(header[8:16], "big")
            if box_size == 0:  # "up to the end of the file"
                return False
            if box_size < 8:
                return False  # not a box: corrupt rather than cut
            position += box_size
    return position > size


def video_streams(container: av.container.InputContainer) -> list[av.VideoStream]:
    """The container's video streams, cover art and other attached pictures left out."""
    return [stream for stream in container.streams.video
            if not stream.disposition & av.stream.Disposition.attached_pic]


def probe(path: str, *, limits: ProbeLimits | None = None) -> VideoMeta:
    """Check that ``path`` is an acceptable video and describe the video stream to analyse.

    Demuxes every packet of the video streams (no decoding) to count frames and find the true
    end, so truncated files are caught here; decodes the first frame of each to prove the codec
    works and read its display matrix. Of several video streams, the one a player shows is
    chosen (:func:`choose_stream`); a file whose chosen stream is a short decoy beside longer
    footage is refused (``ambiguous_video_streams``), never analysed silently.
    """
    limits = limits or ProbeLimits()
    try:
        size_bytes = os.path.getsize(path)
    except OSError:
        raise VideoRejected("the file does not exist or cannot be read", code="not_found") from None
    if size_bytes == 0:
        raise VideoRejected("the file is empty", code="empty_file")
    if size_bytes > limits.max_size_bytes:
        raise VideoRejected(f"the file is {size_bytes / 1e6:.0f} MB, over the limit of "
                            f"{limits.max_size_bytes / 1e6:.0f} MB", code="file_too_large")
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    demuxer = sniff_container(head)
    deadline = time.monotonic() + limits.timeout_sec

    with open_container(path, demuxer=demuxer, timeout_sec=limits.timeout_sec) as container:
        streams = video_streams(container)
        if not streams:
            raise VideoRejected("the file has no video stream", code="no_video_stream")
        declared: dict[int, tuple[float, float]] = {}
        for candidate in streams:
            declared[candidate.index] = _check_declared(container, candidate, limits)
        has_audio = bool(container.streams.audio)
        scans = _scan_packets(container, streams, deadline=deadline, limits=limits)
        stream = choose_stream(streams, scans)
        codec_name = stream.codec_context.name
        width = int(stream.codec_context.width or 0)
        height = int(stream.codec_context.height or 0)
        rate = stream.average_rate or stream.guessed_rate
        stream_index = stream.index

    scan = scans[stream_index]
    declared_fps, declared_sec = declared[stream_index]
    first_pts_sec, last_end_sec = scan.first_pts_sec or 0.0, scan.last_end_sec
    if scan.frame_count and last_end_sec <= first_pts_sec:
        # Single frame, or a container without packet durations: assume the nominal rate.
        last_end_sec = first_pts_sec + (scan.frame_count / float(rate) if rate else 0.0)
    duration_sec = max(0.0, last_end_sec - first_pts_sec)
    if duration_sec <= 0.0:
        raise VideoRejected("the video has zero duration", code="zero_duration")
    if duration_sec > limits.max_duration_sec:
        raise VideoRejected(_too_long(duration_sec, limits), code="too_long")
    if declared_sec > 0 and duration_sec < declared_sec - max(1.0, 0.1 * declared_sec):
        raise VideoRejected(
            f"the file is truncated: its header says {declared_sec:.1f} s but the data ends at "
            f"{duration_sec:.1f} s", code="truncated")
    if scan.max_gap_sec > limits.max_frame_gap_sec:
        raise VideoRejected(
            f"the video shows no new frame for {scan.max_gap_sec:.0f} s (from "
            f"{scan.gap_at_sec - first_pts_sec:.1f} s); at most "
            f"{limits.max_frame_gap_sec:.0f} s without a frame is accepted", code="frame_gap")
    fps = scan.frame_count / duration_sec if scan.frame_count > 1 else declared_fps
    if fps > limits.max_fps * 1.05:
        raise VideoRejected(f"the frame rate {fps:.0f} fps is over the limit of "
                            f"{limits.max_fps:.0f} fps", code="fps_too_high")
    orientation = scan.orientation or Orientation()
    return VideoMeta(
        path=os.path.abspath(path),
        container=demuxer,
        codec=codec_name,
        width=width,
        height=height,
        rotation=orientation.rotation,
        mirrored=orientation.mirrored,
        fps=round(fps, 3),
        frame_count=scan.frame_count,
        duration_sec=round(duration_sec, 6),
        start_sec=first_pts_sec,
        size_bytes=size_bytes,
        has_audio=has_audio,
        stream_index=stream_index,
        video_streams=len(streams),
        limits=limits,
    )


def check_frame_size(width: int, height: int, limits: ProbeLimits) -> None:
    """Raise ``VideoRejected`` (``frame_too_large``) for a frame over the size limits."""
    if (width > max(limits.max_width, limits.max_height)
            or height > max(limits.max_width, limits.max_height)
            or width * height > limits.max_pixels):
        raise VideoRejected(
            f"the frame size {width}x{height} is over the limit of "
            f"{limits.max_width}x{limits.max_height}", code="frame_too_large")


def _check_declared(container: av.container.InputContainer, stream: av.VideoStream,
                    limits: ProbeLimits) -> tuple[float, float]:
    """Refuse what a stream's header already gives away; ``(declared fps, declared sec)``."""
    codec_ctx = stream.codec_context
    width, height = int(codec_ctx.width or 0), int(codec_ctx.height or 0)
    if width <= 0 or height <= 0:
        raise VideoRejected("the video stream has no frame size", code="corrupt")
    check_frame_size(width, height, limits)
    rate = stream.average_rate or stream.guessed_rate or stream.base_rate
    declared_fps = float(rate) if rate else 0.0
    if declared_fps > limits.max_fps:
        raise VideoRejected(f"the frame rate {declared_fps:.0f} fps is over the limit of "
                            f"{limits.max_fps:.0f} fps", code="fps_too_high")
    declared_sec = _declared_duration_sec(container, stream)
    if declared_sec > limits.max_duration_sec:
        raise VideoRejected(_too_long(declared_sec, limits), code="too_long")
    return declared_fps, declared_sec


def _too_long(duration_sec: float, limits: ProbeLimits) -> str:
    return (f"the video is {duration_sec / 60:.1f} minutes long, over the limit of "
            f"{limits.max_duration_sec / 60:.0f} minutes")


def _declared_duration_sec(container: av.container.InputContainer, stream: av.VideoStream,
                           ) -> float:
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration:
        return container.duration / av.time_base
    return 0.0


@dataclass(slots=True)
class StreamScan:
    """What demuxing one video stream's packets found (times in seconds, file time base)."""

    first_pts_sec: float | None = None
    last_end_sec: float = 0.0
    frame_count: int = 0
    orientation: Orientation | None = None
    """From the first decoded frame; ``None`` while no frame decoded."""
    latest_sec: float | None = None
    max_gap_sec: float = 0.0
    """Longest step forward between a packet's time and every earlier packet's."""
    gap_at_sec: float = 0.0

    @property
    def span_sec(self) -> float:
        return max(0.0, self.last_end_sec - (self.first_pts_sec or 0.0))


#: A chosen stream shorter than this fraction of the longest video stream is a decoy.
DECOY_SPAN_FRACTION = 0.5


def choose_stream(streams: list[av.VideoStream], scans: dict[int, StreamScan],
                  ) -> av.VideoStream:
    """The video stream a player shows: default disposition first, then the longest, then the
    largest picture, then the first. Streams without a decodable frame never win.

    Raises ``VideoRejected`` (``ambiguous_video_streams``) when the winner spans less than half
    of another video stream: the file shows one picture and hides longer footage behind it.
    """
    playable = [s for s in streams
                if scans[s.index].frame_count and scans[s.index].orientation is not None]
    if not playable:
        raise VideoRejected("no frame of the video stream could be decoded", code="corrupt")

    def rank(stream: av.VideoStream) -> tuple[bool, float, int, int]:
        ctx = stream.codec_context
        return (bool(stream.disposition & av.stream.Disposition.default),
                round(scans[stream.index].span_sec, 1), int(ctx.width or 0) * int(ctx.height or 0),
                -stream.index)

    chosen = max(playable, key=rank)
    longest_sec = max(scans[s.index].span_sec for s in playable)
    if scans[chosen.index].span_sec < DECOY_SPAN_FRACTION * longest_sec:
        raise VideoRejected(
            f"the file has {len(streams)} video streams and the one players show "
            f"({scans[chosen.index].span_sec:.1f} s) hides a longer one ({longest_sec:.1f} s); "
            "upload one video stream per file", code="ambiguous_video_streams")
    return chosen


def _scan_packets(
    container: av.container.InputContainer,
    streams: list[av.VideoStream],
    *,
    deadline: float,
    limits: ProbeLimits,
) -> dict[int, StreamScan]:
    """Demux the video streams' packets in one pass: a :class:`StreamScan` per stream index."""
    scans = {stream.index: StreamScan() for stream in streams}
    by_index = {stream.index: stream for stream in streams}
    packets_since_check = 0
    try:
        for packet in container.demux(streams):
            if packet.size == 0 and packet.pts is None:
                continue  # flush packet at end of stream
            stream = by_index[packet.stream.index]  # the same object, typed as a video stream
            scan = scans[stream.index]
            if scan.orientation is None:
                for frame in stream.codec_context.decode(packet):
                    scan.orientation = frame_orientation(frame)
                    check_frame_size(frame.width, frame.height, limits)
                    break
            _count_packet(scan, packet)
            packets_since_check += 1
            if packets_since_check >= 256:
                packets_since_check = 0
                if time.monotonic() > deadline:
                    raise VideoRejected("probing the file took too long", code="timeout")
        for stream in streams:
            if scans[stream.index].orientation is None and scans[stream.index].frame_count:
                for frame in stream.codec_context.decode(None):
                    scans[stream.index].orientation = frame_orientation(frame)
                    break
    except av.error.InvalidDataError as exc:
        raise _corrupt(exc) from None
    except av.error.FFmpegError as exc:
        raise VideoRejected(f"the video data cannot be read ({_reason(exc)})",
                            code="corrupt") from None
    if not any(scan.frame_count for scan in scans.values()):
        # E.g. an MP4 whose samples live in another file (its 'dref' is never followed).
        raise VideoRejected("the video stream holds no frames in this file", code="corrupt")
    if all(scan.orientation is None for scan in scans.values()):
        raise VideoRejected("no frame of the video stream could be decoded", code="corrupt")
    if all(scan.first_pts_sec is None for scan in scans.values() if scan.frame_count):
        raise VideoRejected("the video stream has no timestamps", code="corrupt")
    return scans


def _count_packet(scan: StreamScan, packet: av.Packet[av.stream.Stream]) -> None:
    """Fold one packet into its stream's counts, span and longest gap."""
    time_base = packet.time_base
    ts = packet.pts if packet.pts is not None else packet.dts
    if ts is not None and time_base is not None:
        start = float(ts * time_base)
        end = start + float((packet.duration or 0) * time_base)
        scan.first_pts_sec = start if scan.first_pts_sec is None else min(scan.first_pts_sec,
                                                                         start)
        scan.last_end_sec = max(scan.last_end_sec, end, start)
        # Decode order: B-frames step back a little; a gap is time past every earlier frame.
        if scan.latest_sec is not None and start - scan.latest_sec > scan.max_gap_sec:
            scan.max_gap_sec, scan.gap_at_sec = start - scan.latest_sec, scan.latest_sec
        scan.latest_sec = start if scan.latest_sec is None else max(scan.latest_sec, start)
    scan.frame_count += 1
