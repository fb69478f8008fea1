"""``vwindow kiosk`` (without ``--headless``): the kiosk's screen app, from the kiosk's config
file and its enrolled credential. Also runnable alone: ``python -m vwindow.kiosk_app --config
/etc/vwindow/kiosk.toml``.

Precedence: the config file, then the command line's ``--credential-file``, ``--camera`` and
``--microphone`` where given, and ``--server`` when it differs from the built-in default.
``--demo`` uses simulated devices and a windowed (not full-screen) kiosk.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from kiosk.config import DevicesConfig, KioskConfig, KioskConfigError, load_kiosk_config
from shared.call.media import MediaConfig
from shared.logs import configure_logging
from vwindow.apps import ice_policy_for

if TYPE_CHECKING:
    from kiosk.ui.app import AppOptions

DEFAULT_SERVER = "http://127.0.0.1:8420"
SIMULATED = DevicesConfig(card_reader="simulated", scanner="simulated", printer="")


def has_display() -> bool:
    """Whether a window can be shown here (a desktop session, or Qt's offscreen platform)."""
    if sys.platform != "linux":
        return True
    return bool(
        os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
        or os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen")
    )


def demo_receipts_dir(credential_file: Path | None) -> Path:
    """Beside the demo's credential (its data dir), else in the user's data dir."""
    if credential_file is not None:
        return Path(credential_file).parent / "receipts"
    return Path(platformdirs.user_data_dir("vwindow")) / "demo" / "receipts"


def config_from_args(args: argparse.Namespace) -> KioskConfig:
    config = load_kiosk_config(getattr(args, "config", None))
    changes: dict[str, object] = {}
    server = getattr(args, "server", None)
    if server and (server != DEFAULT_SERVER or getattr(args, "config", None) is None):
        changes["server"] = server.rstrip("/")
    credential_file = getattr(args, "credential_file", None)
    if credential_file is not None:
        changes["credential_file"] = Path(credential_file)
    devices = config.devices
    if getattr(args, "demo", False):
        # receipts as PDF files where the demo keeps its data (what the README promises)
        receipts = getattr(args, "receipts_dir", None) or demo_receipts_dir(credential_file)
        devices = dataclasses.replace(
            SIMULATED, printer=f"pdf:{Path(receipts) / 'receipt-{case_number}.pdf'}"
        )
        changes["screens"] = dataclasses.replace(config.screens, fullscreen=False)
    if getattr(args, "camera", ""):
        devices = dataclasses.replace(devices, camera=args.camera)
    if getattr(args, "microphone", ""):
        devices = dataclasses.replace(devices, microphone=args.microphone)
    changes["devices"] = devices
    return dataclasses.replace(config, **changes)  # type: ignore[arg-type]


def run_screen_app(args: argparse.Namespace) -> int:
    """The entry ``vwindow kiosk`` calls without ``--headless``."""
    # Qt is loaded only here: the headless commands and the server never need it
    from kiosk.ui.app import AppOptions, run_kiosk_app

    configure_logging("WARNING")
    if not has_display():
        print(
            "error: no display for the kiosk screens (set DISPLAY, or use --headless)",
            file=sys.stderr,
        )
        return 2
    try:
        config = config_from_args(args)
        credential = config.credential()
    except KioskConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    options = AppOptions(
        credential=credential,
        ice_policy=ice_policy_for(config.server, getattr(args, "loopback_ice", None)),
        relay_only=bool(getattr(args, "relay_only", False)),
        media=_media(args, config),
    )
    return run_kiosk_app(config, options)


async def run_kiosk_in_loop(config: KioskConfig, options: AppOptions) -> int:
    """The kiosk app inside an already running qasync loop (``vwindow demo`` serves the
    server and shows the kiosk in one process)."""
    from kiosk.ui.app import KioskApp

    return await KioskApp(config, options).run()


def _media(args: argparse.Namespace, config: KioskConfig) -> MediaConfig:
    size = getattr(args, "size", "640x480")
    width, _, height = size.partition("x")
    return MediaConfig(
        video_device=config.devices.camera,
        audio_device=config.devices.microphone,
        width=int(width),
        height=int(height),
        fps=int(getattr(args, "fps", 30)),
        synthetic_label="kiosk",
    )


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vwindow-kiosk", description=__doc__.split("\n")[0])
    parser.add_argument("--config", type=Path, help="kiosk.toml")
    parser.add_argument("--server", default=DEFAULT_SERVER)
    parser.add_argument("--credential-file", type=Path)
    parser.add_argument("--demo", action="store_true", help="simulated devices, in a window")
    parser.add_argument("--receipts-dir", type=Path, help="--demo: where receipts go as PDF")
    parser.add_argument("--camera", default="")
    parser.add_argument("--microphone", default="")
    parser.add_argument("--size", default="640x480")
    parser.add_argument("--fps", type=int, default=30)
    parser.add_argument("--relay-only", action="store_true")
    parser.add_argument("--loopback-ice", action=argparse.BooleanOptionalAction, default=None)
    return parser


def main(argv: list[str] | None = None) -> int:
    return run_screen_app(parser().parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
