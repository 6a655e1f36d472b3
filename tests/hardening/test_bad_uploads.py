"""Hostile uploads through the API and the page form, against PostgreSQL and the Redis broker.

Every file is refused with a 4xx and its own reason code; nothing that points elsewhere makes
anything connect to the canary; nothing is left in storage, the upload temp dir or the queues.
Hostile names on real clips are accepted under a clean display name and a random storage name.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.hardening import media
from tests.hardening.conftest import Canary, queued_messages
from tests.hardening.uploads import API, post_file
from tests.webapp.conftest import REPO_ROOT, media_files, temp_upload_files
from tests.webapp.conftest import _flush_broker as flush_broker
from webapp.videos.models import Analysis, Video

pytestmark = pytest.mark.django_db(transaction=True)

#: Marks every hostile name, so a file written under it anywhere would be found.
MARK = "pwned-vigil"


@dataclass(frozen=True)
class Made:
    """What a builder gets: a folder for scratch files and the canary."""

    tmp: Path
    canary: Canary


@dataclass(frozen=True)
class Bad:
    case: str
    make: Callable[[Made], bytes]
    code: str
    #: A piece of the reason the client is told (case-insensitive regular expression).
    reason: str
    filename: str | bytes = "clip.mp4"
    status: int = 422
    #: Upload limit (bytes) for the oversize cases.
    max_bytes: int | None = None
    filename_star: str | None = None


def _clip(made: Made) -> bytes:
    return media.TINY_CLIPS[0].read_bytes()


BAD_UPLOADS = [
    # Executables and markup under a video's name.
    Bad("elf-executable", lambda m: media.elf_executable(), "not_a_video", "executable",
        "movie.mp4"),
    Bad("pe-executable", lambda m: media.pe_executable(), "not_a_video", "executable",
        "setup.exe.mp4"),
    Bad("shell-script", lambda m: media.shell_script(), "not_a_video", "a script", "run.mp4"),
    Bad("html-page", lambda m: media.html_page(), "not_a_video", "HTML", "index.mp4"),
    Bad("svg-with-script", lambda m: media.svg_with_script(), "not_a_video", "HTML/XML",
        "drawing.mp4"),
    # Empty, truncated, corrupt.
    Bad("zero-bytes", lambda m: b"", "empty_file", "empty", "empty.mp4"),
    Bad("truncated-moov-at-end", lambda m: media.truncated_moov_at_end(), "truncated",
        "truncated", "cut.mp4"),
    Bad("truncated-moov-first", lambda m: media.truncated_moov_first(), "truncated",
        r"header says .* data ends", "cut-faststart.mp4"),
    Bad("ftyp-only", lambda m: media.header_only_mp4(), "corrupt", "corrupt", "head.mp4"),
    Bad("moov-renamed", lambda m: media.mp4_without_ftyp_moov(), "corrupt", "corrupt",
        "noindex.mp4"),
    Bad("scrambled-sample-tables", lambda m: media.mp4_scrambled_index(), "corrupt",
        "could not be opened", "scrambled.mp4"),
    Bad("mp4-noise-in-mdat", lambda m: media.mp4_noise_in_mdat(), "corrupt", "corrupt",
        "noise.mp4"),
    Bad("mp4-first-4-kib", lambda m: media.MOOV_AT_END.read_bytes()[:4096], "truncated",
        "truncated", "start.mp4"),
    Bad("random-bytes", lambda m: media.random_noise(), "not_a_video", "unrecognised",
        "random.mp4"),
    # Audio only.
    Bad("aac-in-mp4", lambda m: media.aac_in_mp4(m.tmp), "no_video_stream", "no video stream",
        "song.mp4"),
    Bad("wav", lambda m: media.wav_audio(m.tmp), "no_video_stream", "WAV", "voice.mp4"),
    Bad("mp3", lambda m: media.mp3_audio(m.tmp), "no_video_stream", "MP3", "track.mp4"),
    Bad("flac-in-matroska", lambda m: media.audio_only_matroska(m.tmp), "no_video_stream",
        "no video stream", "audio.mkv"),
    Bad("flac-in-ogg", lambda m: media.audio_only_ogg(m.tmp), "no_video_stream",
        "no video stream", "audio.ogv"),
    # Images.
    Bad("png", lambda m: media.png_image(), "image", "PNG image", "frame.mp4"),
    Bad("jpeg", lambda m: media.jpeg_image(), "image", "JPEG image", "photo.mp4"),
    Bad("gif", lambda m: media.gif_image(), "image", "GIF image", "still.mp4"),
    Bad("animated-gif", lambda m: media.animated_gif(), "image", "GIF image", "anim.mp4"),
    Bad("webp", lambda m: media.webp_image(), "image", "WebP image", "pic.mp4"),
    # Polyglots.
    Bad("jpeg-zip-polyglot", lambda m: media.jpeg_zip_polyglot(), "image", "JPEG image",
        "holiday.mp4"),
    Bad("gif-javascript-polyglot", lambda m: media.gif_javascript_polyglot(), "image",
        "GIF image", "gifar.mp4"),
    Bad("html-mp4-polyglot", lambda m: media.html_mp4_polyglot(), "not_a_video", "HTML",
        "page-and-video.mp4"),
    Bad("zip-mp4-polyglot", lambda m: media.zip_mp4_polyglot(), "not_a_video", "ZIP archive",
        "archive.mp4"),
    Bad("pdf-mp4-polyglot", lambda m: media.pdf_mp4_polyglot(), "not_a_video", "PDF document",
        "paper.mp4"),
    # Playlists and containers that point at other files or the canary.
    Bad("hls-playlist", lambda m: media.hls_playlist(m.canary.url), "playlist", "HLS",
        "stream.m3u8"),
    Bad("hls-playlist-as-mp4-with-bom", lambda m: media.hls_playlist_with_bom(m.canary.url),
        "playlist", "HLS", "clip.mp4"),
    Bad("ffconcat", lambda m: media.ffconcat_script(m.canary.url), "playlist", "concat",
        "list.mp4"),
    Bad("sdp-rtp-session", lambda m: media.sdp_session(m.canary.port), "not_a_video",
        "text file", "live.mp4"),
    Bad("url-list", lambda m: f"{m.canary.url}/a.mp4\nfile:///etc/passwd\n".encode(),
        "not_a_video", "text file", "urls.mp4"),
    Bad("avi-gab2-hls", lambda m: media.avi_gab2_playlist(m.canary.url), "no_video_stream",
        "no video stream", "crafted.avi"),
    Bad("mp4-dref-to-etc-passwd", lambda m: media.mp4_external_reference("/etc/passwd"),
        "corrupt", "holds no frames", "reference.mp4"),
    # Over the limits.
    Bad("8k-frame", lambda m: media.eight_k_frame(m.tmp), "frame_too_large", "7680x4320",
        "8k.mp4"),
    Bad("10-hour-still", lambda m: media.ten_hour_still(m.tmp), "too_long",
        "600.0 minutes", "long.mp4"),
    Bad("1000-fps", lambda m: media.thousand_fps(m.tmp), "fps_too_high", "frame rate",
        "fast.mp4"),
    # Media that evades or overloads the probe (see test_media_evasion.py).
    Bad("decoy-first-video-track", lambda m: media.decoy_first_track(m.tmp),
        "ambiguous_video_streams", "2 video streams", "decoy.mp4"),
    Bad("mjpeg-frames-grow-after-the-first", lambda m: media.mjpeg_growing_frames(m.tmp),
        "frame_too_large", "size limit", "growing.mkv"),
    Bad("600-s-without-frames", lambda m: media.vfr_frame_gap(m.tmp), "frame_gap",
        "no new frame for 600 s", "gap.mp4"),
    Bad("oversize-content-length", _clip, "file_too_large", "upload limit", "big.mp4",
        status=413, max_bytes=1000),
    Bad("oversize-while-streaming", _clip, "file_too_large", "upload limit", "big.mp4",
        status=413, max_bytes=len(media.TINY_CLIPS[0].read_bytes()) - 500),
    # Hostile names on hostile content: refused for the content, the name goes nowhere.
    Bad("name-dot-dot-slash", lambda m: media.elf_executable(), "not_a_video", "executable",
        f"../../../../tmp/{MARK}.mp4"),
    Bad("name-backslashes", lambda m: media.html_page(), "not_a_video", "HTML",
        f"..\\..\\..\\{MARK}.mp4"),
    Bad("name-nul", lambda m: media.png_image(), "image", "PNG", f"{MARK}.mp4\x00.sh".encode()),
    Bad("name-nul-rfc5987", lambda m: media.png_image(), "image", "PNG", "x.mp4",
        filename_star=f"UTF-8''{MARK}%00..%2F..%2Fx.mp4"),
    Bad("name-rtl-override", lambda m: media.pe_executable(), "not_a_video", "executable",
        f"{MARK}\u202e4pm.exe"),
    Bad("name-300-chars", lambda m: media.shell_script(), "not_a_video", "script",
        f"{MARK}-" + "a" * 300 + ".mp4"),
    Bad("name-300-char-extension", lambda m: media.jpeg_image(), "image", "JPEG",
        f"{MARK}." + "\u00e9" * 300),
    Bad("name-only-dots", lambda m: media.gif_image(), "image", "GIF", "....."),
    Bad("name-header-injection", lambda m: media.wav_audio(m.tmp), "no_video_stream", "WAV",
        "x.mp4", filename_star=f"UTF-8''{MARK}.mp4%0D%0AContent-Type%3A%20text%2Fhtml%0D%0A"),
]


@pytest.fixture(autouse=True)
def _empty_broker() -> Iterator[None]:
    """The broker's queues start and end empty (another test may have left messages)."""
    flush_broker()
    yield
    flush_broker()


def assert_nothing_left(where: str) -> None:
    assert Video.objects.count() == 0, where
    assert Analysis.objects.count() == 0, where
    assert media_files() == [], where
    assert temp_upload_files() == [], where
    assert sum(queued_messages().values()) == 0, (where, queued_messages())


def no_marked_files(*folders: Path) -> list[Path]:
    return [path for folder in folders if folder.exists()
            for path in folder.rglob(f"*{MARK}*")]


def test_bad_uploads_are_refused_with_their_reason(api_client, user, model_version, settings,
                                                   tmp_path, canary, subtests):
    """The whole table through the API, each with an analysis requested (the default)."""
    api_client.force_authenticate(user)
    made = Made(tmp_path / "made", canary)
    made.tmp.mkdir()
    assert_nothing_left("before")
    default_limit = settings.VIGIL_MAX_UPLOAD_BYTES
    seen_codes = set()
    for bad in BAD_UPLOADS:
        with subtests.test(msg=bad.case):
            content = bad.make(made)
            settings.VIGIL_MAX_UPLOAD_BYTES = bad.max_bytes or default_limit
            response = post_file(api_client, API, bad.filename, content,
                                 {"segment_sec": "2", "labels": "abseiling"},
                                 filename_star=bad.filename_star)
            settings.VIGIL_MAX_UPLOAD_BYTES = default_limit
            assert response.status_code == bad.status, response.content[:500]
            body = response.json()
            assert body["code"] == bad.code, body
            assert re.search(bad.reason, body["detail"], re.IGNORECASE), body
            assert "\n" not in body["detail"] and "Traceback" not in body["detail"]
            assert MARK not in body["detail"]
            seen_codes.add(body["code"])
            assert_nothing_left(bad.case)
    assert len(BAD_UPLOADS) >= 30
    assert len(seen_codes) >= 9  # specific reasons, not one catch-all
    assert canary.hits == []
    assert no_marked_files(tmp_path, Path(settings.MEDIA_ROOT).parent, REPO_ROOT / "var") == []
    assert_nothing_left("after the table")


@pytest.mark.parametrize(
    ("case", "filename", "code", "reason"),
    [
        ("executable", "movie.mp4", "not_a_video", "executable"),
        ("playlist", "clip.mp4", "playlist", "HLS"),
        ("image", f"../../{MARK}\u202egpj.mp4", "image", "PNG image"),
        ("audio", "sound.mp4", "no_video_stream", "no video stream"),
    ],
)
def test_page_form_refuses_bad_uploads_with_the_reason(user, model_version, tmp_path, canary,
                                                       case, filename, code, reason):
    content = {"executable": media.elf_executable, "image": media.png_image,
               "playlist": lambda: media.hls_playlist(canary.url),
               "audio": lambda: media.aac_in_mp4(tmp_path)}[case]()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get(reverse("videos:upload"))
    token = page.cookies["csrftoken"].value
    response = post_file(client, reverse("videos:upload"), filename, content,
                         {"csrfmiddlewaretoken": token, "analyze": "on"})
    assert response.status_code == 422
    text = response.content.decode()
    assert f"<strong>{code}</strong>" in text
    assert re.search(reason, text, re.IGNORECASE)
    assert canary.hits == []
    assert_nothing_left(case)


def test_page_form_refuses_an_oversize_upload(user, settings):
    settings.VIGIL_MAX_UPLOAD_BYTES = 2000
    client = Client()
    client.force_login(user)
    response = post_file(client, reverse("videos:upload"), "big.mp4",
                         media.TINY_CLIPS[0].read_bytes())
    assert response.status_code == 413
    assert b"upload limit" in response.content
    assert_nothing_left("oversize page upload")


HOSTILE_VALID_NAMES = [
    # (raw name sent, display name expected)
    (f"../../../../tmp/{MARK}.mp4", f"{MARK}.mp4"),
    (f"..\\..\\{MARK}\\clip.mp4", "clip.mp4"),
    (f"{MARK}\u202e4pm.exe", f"{MARK}4pm.exe"),
    (f"{MARK}\u200f\u202bشجار\u202c.mp4", f"{MARK}شجار.mp4"),
    (f"{MARK}.mp4\x00.sh".encode(), f"{MARK}.mp4.sh"),
    (f"{MARK}-" + "x" * 300 + ".mp4", None),  # long: shortened, extension kept
    ("....", "video"),
]


def test_hostile_names_on_real_clips_get_a_clean_display_name_and_a_random_storage_name(
        api_client, user, model_version, settings, tmp_path):
    api_client.force_authenticate(user)
    clip = media.TINY_CLIPS[0].read_bytes()
    stored = []
    for index, (raw, display) in enumerate(HOSTILE_VALID_NAMES):
        response = post_file(api_client, API, raw, clip)
        assert response.status_code == 201, (raw, response.content[:300])
        video = Video.objects.get(pk=response.json()["video"]["id"])
        name = video.original_name
        if display is not None:
            assert name == display, raw
        else:
            assert name.startswith(f"{MARK}-xxx") and name.endswith(".mp4") and len(name) <= 200
        assert not any(ch in name for ch in "/\\\x00\u202e\u202b\u200f\r\n")
        assert re.fullmatch(rf"videos/[0-9a-f]{{2}}/{video.pk}\.mp4", video.file)
        path = Path(settings.MEDIA_ROOT) / video.file
        assert path.read_bytes() == clip
        assert video.sha256 == hashlib.sha256(clip).hexdigest()
        stored.append(video.file)
        # The analysis asked for by default is queued: the queue check above can fail.
        assert queued_messages()["cpu"] == index + 1
    assert len(set(stored)) == len(HOSTILE_VALID_NAMES)
    # A name that is only a path step: Django's multipart parser drops the file (and then
    # fails to parse the rest of the body): a 400, nothing stored.
    for raw in ("..", "."):
        response = post_file(api_client, API, raw, clip)
        assert response.status_code == 400, response.content
        assert response.json()
    assert Video.objects.count() == len(HOSTILE_VALID_NAMES)
    assert no_marked_files(tmp_path, Path(settings.MEDIA_ROOT), REPO_ROOT / "var") == []
    assert temp_upload_files() == []
    # The name is shown as text on the list page, never as a path or markup.
    client = Client()
    client.force_login(user)
    page = client.get(reverse("videos:list")).content.decode()
    assert f"{MARK}4pm.exe" in page and "\u202e" not in page
