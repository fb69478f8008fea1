"""Pseudo-APDU profiles of SAM ID readers.

A resident ID card's chip cannot be read over plain PC/SC: the reader's SAM module does it,
and a reader exposing itself as a PC/SC device lets the host fetch the decoded text block
and the WLT photo with vendor-specific ("pseudo") APDUs. These differ per vendor, so they
are configuration: a :class:`SamProfile` names the APDUs, and profiles load from a dict or a
TOML table (see docs/devices-cards.md).

Each file is read like an ISO 7816-4 transparent file: an optional SELECT APDU, then READ
commands ``<CLA INS> <offset, 2 bytes> <Le = chunk>`` until ``length`` bytes are in.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared.idcard import TEXT_BLOCK_SIZE, WLT_SIZE


def hex_bytes(text: str) -> bytes:
    """'00 A4 04 00' / '00A40400' → bytes."""
    cleaned = "".join(text.split())
    try:
        return bytes.fromhex(cleaned)
    except ValueError as exc:
        raise ValueError(f"not a hex APDU: {text!r}") from exc


@dataclass(frozen=True)
class FileRead:
    """How one file is fetched."""

    #: a complete SELECT APDU sent first (None: nothing to select)
    select: bytes | None
    #: CLA and INS of the read command; P1-P2 carry the offset, Le the chunk size
    read: bytes
    length: int
    chunk: int = 0x80

    def __post_init__(self) -> None:
        if len(self.read) != 2:
            raise ValueError("read must be 2 bytes: CLA INS")
        if not 1 <= self.chunk <= 256 or self.length < 1:
            raise ValueError("chunk must be 1..256 and length positive")

    def commands(self) -> list[bytes]:
        out: list[bytes] = []
        for offset in range(0, self.length, self.chunk):
            size = min(self.chunk, self.length - offset)
            out.append(self.read + offset.to_bytes(2, "big") + bytes([size % 256]))
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, default_length: int) -> FileRead:
        select = data.get("select")
        return cls(
            select=hex_bytes(select) if select else None,
            read=hex_bytes(str(data.get("read", "00B0"))),
            length=int(data.get("length", default_length)),
            chunk=int(data.get("chunk", 0x80)),
        )


@dataclass(frozen=True)
class SamProfile:
    name: str
    #: APDUs sent once after connecting (select the reader's application, wake the SAM...)
    prepare: tuple[bytes, ...]
    text: FileRead
    photo: FileRead
    fingerprint: FileRead | None = None

    @classmethod
    def from_dict(cls, name: str, data: Mapping[str, Any]) -> SamProfile:
        try:
            fingerprint = data.get("fingerprint")
            return cls(
                name=name,
                prepare=tuple(hex_bytes(str(a)) for a in data.get("prepare", ())),
                text=FileRead.from_dict(data["text"], default_length=TEXT_BLOCK_SIZE),
                photo=FileRead.from_dict(data["photo"], default_length=WLT_SIZE),
                fingerprint=(
                    FileRead.from_dict(fingerprint, default_length=1024) if fingerprint else None
                ),
            )
        except KeyError as exc:
            raise ValueError(f"reader profile {name!r} lacks {exc.args[0]!r}") from exc


#: The documented default: a proprietary application (AID F0 56 57 49 44 30 31, i.e. F0
#: "VWID01", an unregistered proprietary AID) holding the text block in file 0001 and the
#: WLT photo in file 0002, read with plain SELECT / READ BINARY. It is this project's own
#: convention, used by the test card and by readers whose firmware can be configured; for
#: any other reader, copy its vendor's commands into a profile.
DEFAULT_PROFILE = SamProfile(
    name="vwindow-default",
    prepare=(hex_bytes("00 A4 04 00 07 F0 56 57 49 44 30 31"),),
    text=FileRead(select=hex_bytes("00 A4 02 0C 02 00 01"), read=b"\x00\xb0", length=256),
    photo=FileRead(select=hex_bytes("00 A4 02 0C 02 00 02"), read=b"\x00\xb0", length=1024),
)


def load_profiles(data: Mapping[str, Any]) -> dict[str, SamProfile]:
    """``{"name": {...}, ...}`` (e.g. a TOML ``[reader_profiles]`` table) → profiles; the
    default profile is always included unless overridden by name."""
    profiles = {DEFAULT_PROFILE.name: DEFAULT_PROFILE}
    for name, table in data.items():
        if not isinstance(table, Mapping):
            raise ValueError(f"reader profile {name!r} must be a table")
        profiles[name] = SamProfile.from_dict(name, table)
    return profiles


def load_profiles_toml(path: str | Path, table: str = "reader_profiles") -> dict[str, SamProfile]:
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    return load_profiles(data.get(table, {}))
