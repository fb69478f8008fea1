"""APDU exchange over any transport, with status words turned into plain-language errors."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.devices.base import DeviceError, DeviceKind

#: sends one command APDU, returns (response data, SW1SW2 as an int)
Transmit = Callable[[bytes], tuple[bytes, int]]

STATUS_WORDS: dict[int, str] = {
    0x6283: "selected file is invalidated",
    0x6581: "memory failure",
    0x6700: "wrong length",
    0x6982: "security status not satisfied (a PIN or authentication is needed)",
    0x6983: "authentication method blocked",
    0x6985: "conditions of use not satisfied",
    0x6986: "command not allowed",
    0x6A81: "function not supported",
    0x6A82: "file or application not found",
    0x6A83: "record not found",
    0x6A86: "incorrect parameters P1-P2",
    0x6B00: "wrong parameters P1-P2",
    0x6D00: "instruction not supported",
    0x6E00: "class not supported",
    0x6F00: "unknown card error",
}
#: answers meaning "this is not that kind of card" (try the next kind)
NOT_THIS_CARD = frozenset({0x6A82, 0x6A86, 0x6A81, 0x6D00, 0x6E00, 0x6B00})


def describe_sw(sw: int) -> str:
    meaning = STATUS_WORDS.get(sw)
    if meaning is None and sw >> 8 == 0x63:
        meaning = "verification failed / warning"
    return f"SW {sw:04X}" + (f": {meaning}" if meaning else "")


class CardStatusError(DeviceError):
    """The card answered with an error status word."""

    def __init__(self, what: str, sw: int) -> None:
        super().__init__(DeviceKind.CARD_READER, f"{what} failed ({describe_sw(sw)})")
        self.sw = sw


def exchange(transmit: Transmit, apdu: bytes) -> tuple[bytes, int]:
    """Send an APDU, following 61xx (GET RESPONSE) and 6Cxx (resend with the right Le)."""
    data, sw = transmit(apdu)
    if sw >> 8 == 0x6C and len(apdu) >= 5:
        data, sw = transmit(apdu[:-1] + bytes([sw & 0xFF]))
    collected = bytearray(data)
    rounds = 0
    while sw >> 8 == 0x61 and rounds < 64:
        more, sw = transmit(bytes([apdu[0] & 0x03, 0xC0, 0x00, 0x00, sw & 0xFF]))
        collected += more
        rounds += 1
    return bytes(collected), sw


def command(transmit: Transmit, apdu: bytes, what: str) -> bytes:
    data, sw = exchange(transmit, apdu)
    if sw != 0x9000:
        raise CardStatusError(what, sw)
    return data


def garbage(what: str, detail: str) -> DeviceError:
    return DeviceError(
        DeviceKind.CARD_READER,
        f"{what}: the card's answer makes no sense ({detail}); take the card out and try "
        "again, or try another reader",
    )
