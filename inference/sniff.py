"""Content sniffing: which FFmpeg demuxer a file's first bytes call for, or why it is refused.

Only the bytes decide (never the name): images, audio, documents, scripts, markup and playlists
are refused here with their own reason code before FFmpeg sees the file.
"""
from __future__ import annotations

from inference.errors import VideoRejected

SNIFF_BYTES = 4096

_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)
_AUDIO_MAGIC = ((b"ID3", "MP3"), (b"fLaC", "FLAC"), (b"#!AMR", "AMR"))
_DOCUMENT_MAGIC = ((b"PK\x03\x04", "a ZIP archive"), (b"%PDF-", "a PDF document"),
                   (b"#!", "a script"))
_MARKUP = (b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<svg", b"<?xml", b"<iframe")
_MP4_BOXES = {b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip", b"pnot"}


def sniff_container(head: bytes) -> str:
    """Return the FFmpeg demuxer for a file's first bytes, or raise ``VideoRejected``."""
    if not head:
        raise VideoRejected("the file is empty", code="empty_file")
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"#EXTM3U") or stripped.startswith(b"#EXT-X-"):
        raise VideoRejected(
            "playlists (HLS/M3U) are not accepted; upload the video file itself", code="playlist")
    if stripped.lower().startswith(b"ffconcat"):
        raise VideoRejected(
            "FFmpeg concat scripts are not accepted; upload the video file itself", code="playlist")
    for magic, name in _IMAGE_MAGIC:
        if head.startswith(magic):
            raise VideoRejected(f"this is a {name} image, not a video", code="image")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        raise VideoRejected("this is a WebP image, not a video", code="image")
    if head[4:8] in _MP4_BOXES:
        brand = head[8:12]
        if head[4:8] == b"ftyp" and brand in {b"avif", b"avis", b"heic", b"heix", b"mif1", b"msf1"}:
            raise VideoRejected("this is a still image (HEIF/AVIF), not a video", code="image")
        return "mov"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "matroska"
    if head[:4] == b"RIFF":
        if head[8:12] == b"AVI ":
            return "avi"
        if head[8:12] == b"WAVE":
            raise VideoRejected("this is a WAV audio file, it has no video",
                                code="no_video_stream")
    if head.startswith(b"\x00\x00\x01\xba"):
        return "mpeg"
    if head.startswith(b"\x00\x00\x01\xb3"):
        return "mpegvideo"
    if len(head) > 376 and head[0] == head[188] == head[376] == 0x47:
        return "mpegts"
    if head.startswith(b"FLV\x01"):
        return "flv"
    if head.startswith(b"OggS"):
        return "ogg"
    for magic, name in _AUDIO_MAGIC:
        if head.startswith(magic):
            raise VideoRejected(f"this is an {name} audio file, it has no video",
                                code="no_video_stream")
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        raise VideoRejected("this is an MP3/AAC audio stream, it has no video",
                            code="no_video_stream")
    if head.startswith(b"\x7fELF") or head.startswith(b"MZ"):
        raise VideoRejected("this is an executable, not a video", code="not_a_video")
    for magic, name in _DOCUMENT_MAGIC:
        if stripped.startswith(magic):
            raise VideoRejected(f"this is {name}, not a video", code="not_a_video")
    if stripped.startswith(b"<") and any(tag in stripped[:1024].lower() for tag in _MARKUP):
        raise VideoRejected("this is an HTML/XML document, not a video", code="not_a_video")
    if _looks_like_text(head):
        raise VideoRejected("this is a text file, not a video", code="not_a_video")
    raise VideoRejected("unrecognised file format: not a supported video container",
                        code="not_a_video")


def _looks_like_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # A multi-byte character may be cut at the end of the sniffed bytes.
        try:
            text = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return False
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return printable >= 0.95 * max(1, len(text))
