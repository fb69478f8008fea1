"""``vwindow console`` (without ``--headless``): the clerk's console window. Also runnable
alone: ``python -m vwindow.console_app --server https://vwindow.example.org``.

It uses the options ``vwindow console`` already has (``--server``, ``--username``, the media
options); ``--language en`` shows it in English where the parser offers it."""

from __future__ import annotations

import argparse
import sys

from shared.call.media import MediaConfig
from shared.logs import configure_logging
from vwindow.apps import ice_policy_for


def run_console_window(args: argparse.Namespace) -> int:
    """The console app from ``vwindow console``'s parsed arguments."""
    from center.console.app import run_console_app
    from center.console.client import ConsoleOptions

    configure_logging("WARNING")
    server = str(getattr(args, "server", "http://127.0.0.1:8420")).rstrip("/")
    size = str(getattr(args, "size", "640x480"))
    width, _, height = size.partition("x")
    media = MediaConfig(
        video_device=getattr(args, "camera", "") or "",
        audio_device=getattr(args, "microphone", "") or "",
        width=int(width),
        height=int(height),
        fps=int(getattr(args, "fps", 30)),
        synthetic_label="console",
    )
    options = ConsoleOptions(
        media=media,
        ice_policy=ice_policy_for(server, getattr(args, "loopback_ice", None)),
        relay_only=bool(getattr(args, "relay_only", False)),
    )
    return run_console_app(
        server,
        username=getattr(args, "username", None) or "",
        language=getattr(args, "language", None) or "zh_CN",
        options=options,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vwindow.console_app")
    parser.add_argument("--server", default="http://127.0.0.1:8420")
    parser.add_argument("--username", default="")
    parser.add_argument("--language", default="zh_CN", choices=("zh_CN", "en"))
    parser.add_argument("--camera", default="", help="camera device (default: synthetic)")
    parser.add_argument("--microphone", default="", help="microphone (default: a tone)")
    parser.add_argument("--size", default="640x480")
    parser.add_argument("--fps", type=int, default=30)
    parser.add_argument("--relay-only", action="store_true")
    parser.add_argument("--loopback-ice", action=argparse.BooleanOptionalAction, default=None)
    return run_console_window(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
