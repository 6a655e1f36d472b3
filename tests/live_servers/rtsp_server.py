"""A loopback RTSP server for tests: serves one H.264 MP4 file as a live camera would.

Run by the *system* ``python3`` (Debian's ``python3-gi`` + ``gir1.2-gst-rtsp-server-1.0``),
not the project's virtual environment, as a separate process::

    /usr/bin/python3 tests/live_servers/rtsp_server.py --file clip.mp4 --port 8554 --mount /cam

The file is played at its own pace (the RTP sink is clocked) and shared by every client, as a
camera is: a client that connects late sees the stream as it is now. When the file ends the
stream ends (clients see end-of-stream); to loop a clip, serve a file that repeats it
(:func:`tests.live_servers.looped_h264`). Prints ``READY rtsp://127.0.0.1:PORT/MOUNT`` on
stdout once listening. Only H.264 in MP4 is accepted (tests transcode their sample clip once).
"""
from __future__ import annotations

import argparse
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


class FileFactory(GstRtspServer.RTSPMediaFactory):
    """One shared media per mount, playing the file once."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.set_shared(True)
        self.set_eos_shutdown(False)

    def do_create_element(self, url: object) -> Gst.Element:
        location = self.path.replace("\\", "\\\\").replace('"', '\\"')
        return Gst.parse_launch(
            f'( filesrc location="{location}" ! qtdemux ! h264parse config-interval=-1 '
            f'! rtph264pay name=pay0 pt=96 config-interval=1 )')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", required=True, help="H.264 MP4 to serve")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--mount", default="/cam")
    args = parser.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    server.get_mount_points().add_factory(args.mount, FileFactory(args.file))
    if server.attach(None) == 0:
        print(f"could not listen on 127.0.0.1:{args.port}", file=sys.stderr, flush=True)
        return 1
    loop = GLib.MainLoop()
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, loop.quit)
    print(f"READY rtsp://127.0.0.1:{args.port}{args.mount}", flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
