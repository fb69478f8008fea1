"""``vwindow kiosk`` and ``vwindow console``: the screen apps (``vwindow.kiosk_app``,
``vwindow.console_app``), or with ``--headless`` a whole scripted session without a screen."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from center.headless import ConsoleOptions, HeadlessConsole
from kiosk.config import KioskConfigError, load_kiosk_config
from kiosk.devices.base import DeviceKind, ReceiptPrinter
from kiosk.devices.manager import discover, open_card_reader, open_printer, open_scanner
from kiosk.headless import HeadlessKiosk, KioskOptions
from kiosk.selftest import DeviceProbe, SelftestConfig, selftest_main
from shared.call.ice import IcePolicy
from shared.call.media import MediaConfig
from shared.logs import configure_logging


def ice_policy_for(server_url: str, loopback: bool | None) -> IcePolicy:
    """``--loopback-ice`` / ``--no-loopback-ice``, else the rule every side follows."""
    return IcePolicy.for_server(server_url, loopback)


def _media_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--camera", default="", help="camera device (default: synthetic)")
    parser.add_argument("--microphone", default="", help="microphone (default: a tone)")
    parser.add_argument("--size", default="640x480", help="video size WxH")
    parser.add_argument("--fps", type=int, default=30)
    parser.add_argument("--relay-only", action="store_true", help="force media through TURN")
    parser.add_argument(
        "--loopback-ice",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="offer only 127.0.0.1 (default: when the server is on this machine)",
    )
    parser.add_argument("--list-devices", action="store_true", help="list cameras and mics")


def _media(args: argparse.Namespace, label: str) -> MediaConfig:
    width, _, height = args.size.partition("x")
    return MediaConfig(
        video_device=args.camera,
        audio_device=args.microphone,
        width=int(width),
        height=int(height),
        fps=args.fps,
        synthetic_label=label,
    )


def add_kiosk_parser(sub: Any) -> None:
    kiosk = sub.add_parser("kiosk", help="the kiosk's screens (--headless: a scripted visit)")
    kiosk.add_argument(
        "--headless", action="store_true", help="run a scripted visit without a screen"
    )
    kiosk.add_argument("--config", type=Path, help="kiosk.toml (screens, devices, server)")
    kiosk.add_argument(
        "--demo", action="store_true", help="simulated devices, in a window (not full screen)"
    )
    kiosk.add_argument("--server", default="http://127.0.0.1:8420")
    kiosk.add_argument(
        "--receipts-dir",
        type=Path,
        help="--demo: where receipts are printed as PDF files (default: beside the credential)",
    )
    kiosk.add_argument(
        "--credential-file",
        type=Path,
        required=False,
        help="file holding the kiosk's device credential",
    )
    kiosk.add_argument("--item", default="YB-003", help="service item code")
    kiosk.add_argument("--pages", type=int, default=3)
    kiosk.add_argument("--page-path", choices=("upload", "channel"), default="upload")
    _media_options(kiosk)
    kiosk.set_defaults(run=run_kiosk)
    commands = kiosk.add_subparsers(dest="kiosk_command")
    selftest = commands.add_parser(
        "selftest", help="check every configured device, the server and TURN"
    )
    selftest.add_argument("--config", type=Path, help="kiosk.toml (default: built-in demo)")
    selftest.add_argument("--json", action="store_true", help="one JSON document")
    selftest.set_defaults(run=run_selftest)


def add_console_parser(sub: Any) -> None:
    console = sub.add_parser("console", help="the clerk console (--headless: a scripted session)")
    console.add_argument(
        "--headless", action="store_true", help="run a scripted clerk session without a screen"
    )
    console.add_argument("--server", default="http://127.0.0.1:8420")
    console.add_argument("--username", required=False)
    console.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    console.add_argument("--language", default="zh_CN", choices=("zh_CN", "en"))
    console.add_argument("--outcome", default="accepted")
    console.add_argument("--pages", type=int, default=3, help="pages to expect")
    _media_options(console)
    console.set_defaults(run=run_console)


def _print_devices() -> int:
    found, notes = discover()
    for device in found:
        print(f"{device.kind:<12} {device.setting:<40} {device.name}")
    for note in notes:
        print(f"(not searched) {note}")
    return 0


def run_selftest(args: argparse.Namespace) -> int:
    configure_logging("ERROR")
    try:
        config = load_kiosk_config(args.config)
        credential = config.credential()
    except KioskConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    devices = config.devices

    async def open_printer_here() -> ReceiptPrinter:
        # a coroutine runs on the main thread: Qt printers must be made where the Qt
        # application lives, or the process crashes at exit
        return open_printer(devices.printer, devices.printer_columns)

    probes = [
        DeviceProbe(kind, setting, opener)
        for kind, setting, opener in (
            (
                DeviceKind.CARD_READER,
                devices.card_reader,
                lambda: open_card_reader(
                    devices.card_reader, config.reader_profiles, devices.reader_profile
                ),
            ),
            (DeviceKind.SCANNER, devices.scanner, lambda: open_scanner(devices.scanner)),
            (
                DeviceKind.PRINTER,
                devices.printer,
                open_printer_here,
            ),
        )
        if setting
    ]
    selftest = SelftestConfig(
        server_url=config.server.rstrip("/"),
        credential=credential,
        devices=probes,
        media=MediaConfig(video_device=devices.camera, audio_device=devices.microphone),
        timeout_s=config.selftest_timeout_s,
    )
    return selftest_main(selftest, as_json=args.json)


def run_kiosk(args: argparse.Namespace) -> int:
    configure_logging("WARNING")
    if args.list_devices:
        return _print_devices()
    if not args.headless:
        from vwindow.kiosk_app import run_screen_app

        return run_screen_app(args)
    if args.credential_file is None:
        print("error: --credential-file is required", file=sys.stderr)
        return 2
    options = KioskOptions(
        server_url=args.server.rstrip("/"),
        credential=args.credential_file.read_text(encoding="utf-8").strip(),
        item_code=args.item,
        pages=args.pages,
        page_path=args.page_path,
        media=_media(args, "kiosk"),
        ice_policy=ice_policy_for(args.server, args.loopback_ice),
        relay_only=args.relay_only,
    )
    summary = asyncio.run(HeadlessKiosk(options).run())
    print(json.dumps(summary, ensure_ascii=False))
    return 0 if summary.get("outcome") else 1


def run_console(args: argparse.Namespace) -> int:
    configure_logging("WARNING")
    if args.list_devices:
        return _print_devices()
    if not args.headless:
        from vwindow.console_app import run_console_window
        from vwindow.kiosk_app import has_display

        if not has_display():
            # Qt would abort the process without a platform to draw on
            print(
                "error: no display for the console (set DISPLAY, or use --headless)",
                file=sys.stderr,
            )
            return 2
        return run_console_window(args)
    if not args.username or not args.password_stdin:
        print("error: --username and --password-stdin are required", file=sys.stderr)
        return 2
    options = ConsoleOptions(
        server_url=args.server.rstrip("/"),
        username=args.username,
        password=sys.stdin.readline().rstrip("\n"),
        pages_expected=args.pages,
        outcome=args.outcome,
        media=_media(args, "console"),
        ice_policy=ice_policy_for(args.server, args.loopback_ice),
        relay_only=args.relay_only,
    )
    summary = asyncio.run(HeadlessConsole(options).run())
    print(json.dumps(summary, ensure_ascii=False))
    return 0
