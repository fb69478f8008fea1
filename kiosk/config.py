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
class KioskConfig:
    server: str = "http://127.0.0.1:8420"
    credential_file: Path = Path("kiosk.credential")
    runtime_dir: Path | None = None
    selftest_timeout_s: float = 10.0
    devices: DevicesConfig = field(default_factory=DevicesConfig)
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
    _known(kiosk, KioskConfig, "kiosk", skip={"devices", "reader_profiles"})
    _known(devices, DevicesConfig, "devices")
    for key in ("credential_file", "runtime_dir"):
        if key in kiosk:
            kiosk[key] = (path.parent / Path(kiosk[key]).expanduser()).resolve()
    return KioskConfig(
        **kiosk,
        devices=DevicesConfig(**devices),
        reader_profiles=dict(raw.get("reader_profiles", {})),
    )


def _known(
    values: dict[str, Any], cls: type[Any], section: str, skip: set[str] | None = None
) -> None:
    names = {f.name for f in fields(cls)} - (skip or set())
    unknown = set(values) - names
    if unknown:
        raise KioskConfigError(f"unknown key(s) in [{section}]: {', '.join(sorted(unknown))}")
