"""Kiosk configuration: one TOML file written at installation.

Example ``kiosk.toml``::

    [kiosk]
    server = "https://vwindow.example.org"
    credential_file = "/var/lib/vwindow/kiosk.credential"

    [devices]
    card_reader = "pcsc"              # "pcsc:READER", "termb:/opt/sdk/libtermb.so", "simulated"
    scanner = "sane:epsonds:libusb:001:004"   # "camera:0", "folder:/srv/scans", "simulated"
    printer = "escpos:usb:0x0416:0x5011"      # "qt:", "qt:NAME", "pdf:/tmp/r-{case_number}.pdf"
    printer_columns = 48
    camera = "/dev/video0"                    # empty: synthetic picture (demo)
    microphone = "default"

    [screens]
    upper = 0              # the screen index showing the clerk (QGuiApplication.screens())
    lower = 1              # the touch screen; the same index (or one screen) shares it
    fullscreen = true      # kiosk mode: no title bar, no way out but the admin exit
    admin_pin = "246810"   # the admin exit: long press on the corner, then this PIN
    language = "zh_CN"     # or "en"
    elderly = false        # elderly mode (larger type, higher contrast) by default
    voice = true           # spoken prompts (false: a kiosk without speakers)

Device strings are described in docs/devices-*.md.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any


class KioskConfigError(ValueError):
    pass


@dataclass(frozen=True)
class DevicesConfig:
    card_reader: str = "simulated"
    scanner: str = "simulated"
    printer: str = ""
    printer_columns: int = 48
    camera: str = ""
    microphone: str = ""
    #: PC/SC reader profiles (see docs/devices-cards.md), by name
    reader_profile: str = ""


@dataclass(frozen=True)
class ScreensConfig:
    upper: int = 0
    lower: int = 1
    fullscreen: bool = True
    #: digits only; empty disables the admin exit (stop the kiosk from the system instead)
    admin_pin: str = ""
    language: str = "zh_CN"
    elderly: bool = False
    voice: bool = True

    def __post_init__(self) -> None:
        if self.upper < 0 or self.lower < 0:
            raise KioskConfigError("[screens] upper and lower are screen numbers from 0")
        if self.admin_pin and not (self.admin_pin.isascii() and self.admin_pin.isdigit()):
            raise KioskConfigError("[screens] admin_pin must be digits (typed on a keypad)")
        if self.language not in ("zh_CN", "en"):
            raise KioskConfigError(
                f"[screens] language {self.language!r}: expected \"zh_CN\" or \"en\""
            )


@dataclass(frozen=True)
class KioskConfig:
    server: str = "http://127.0.0.1:8420"
    credential_file: Path = Path("kiosk.credential")
    runtime_dir: Path | None = None
    selftest_timeout_s: float = 10.0
    devices: DevicesConfig = field(default_factory=DevicesConfig)
    screens: ScreensConfig = field(default_factory=ScreensConfig)
    #: raw ``[reader_profiles]`` table, handed to the card backend
    reader_profiles: dict[str, Any] = field(default_factory=dict)

    def credential(self) -> str:
        try:
            return self.credential_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise KioskConfigError(
                f"cannot read the kiosk credential {self.credential_file}: {exc.strerror}; "
                "enroll the kiosk first"
            ) from exc


def load_kiosk_config(path: Path | None) -> KioskConfig:
    if path is None:
        return KioskConfig()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise KioskConfigError(f"cannot read kiosk config {path}: {exc}") from exc
    kiosk = dict(raw.get("kiosk", {}))
    devices = dict(raw.get("devices", {}))
    screens = dict(raw.get("screens", {}))
    _known(kiosk, KioskConfig, "kiosk", skip={"devices", "screens", "reader_profiles"})
    _known(devices, DevicesConfig, "devices")
    _known(screens, ScreensConfig, "screens")
    _typed(screens, ScreensConfig, "screens")
    for key in ("credential_file", "runtime_dir"):
        if key in kiosk:
            kiosk[key] = (path.parent / Path(kiosk[key]).expanduser()).resolve()
    return KioskConfig(
        **kiosk,
        devices=DevicesConfig(**devices),
        screens=ScreensConfig(**screens),
        reader_profiles=dict(raw.get("reader_profiles", {})),
    )


def _known(
    values: dict[str, Any], cls: type[Any], section: str, skip: set[str] | None = None
) -> None:
    names = {f.name for f in fields(cls)} - (skip or set())
    unknown = set(values) - names
    if unknown:
        raise KioskConfigError(f"unknown key(s) in [{section}]: {', '.join(sorted(unknown))}")


def _typed(values: dict[str, Any], cls: type[Any], section: str) -> None:
    """TOML gives typed values; refuse a wrong type with the key's name (``true`` where a
    number belongs would otherwise pass as 1)."""
    for f in fields(cls):
        if f.name not in values:
            continue
        value, default = values[f.name], getattr(cls(), f.name)
        if type(value) is not type(default):
            raise KioskConfigError(
                f"[{section}] {f.name} = {value!r}: expected {type(default).__name__}"
            )
