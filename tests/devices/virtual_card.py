"""A virtual smart card for vpcd (vsmartcard's virtual PC/SC reader driver).

It connects to the vpcd TCP port and speaks its framing: 2-byte big-endian length, then a
payload; a 1-byte payload is a control (00 power off, 01 power on, 02 reset, 04 send the
ATR), anything longer is a command APDU answered with a response APDU. Connecting is
inserting the card; closing the socket is pulling it out.

It answers two profiles: the default SAM ID reader profile (text block + WLT photo through
SELECT/READ BINARY in application F0 "VWID01") and the social-security card (SSSE with
EF05/EF06 records). Switches make it misbehave: ``garbage`` (nonsense data with 9000),
``status_words`` (an SW for APDUs starting with a prefix), ``pull_after`` (drop the
connection after N APDUs: the card pulled mid-read).
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from dataclasses import dataclass, field

from kiosk.devices.cards.profiles import DEFAULT_PROFILE
from kiosk.devices.cards.social import SSSE_NAME

ATR = bytes.fromhex("3B8880010000000000000000")  # a plain T=1 ATR (historical bytes zero)
OK = b"\x90\x00"


def _bcd(digits: str) -> bytes:
    return bytes.fromhex(digits)


@dataclass
class SocialCardData:
    number: str = "11010519491231002X"
    name: str = "张示例"
    sex: str = "2"
    nation: str = "01"
    birth: str = "19491231"
    card_number: str = "A12345678"
    issued: str = "20200101"
    expires: str = "20300101"

    def records(self) -> dict[int, bytes]:
        name = self.name.encode("gbk")
        return {
            0x05: _bcd(self.issued),
            0x06: _bcd(self.expires),
            0x07: self.card_number.encode("ascii"),
            0x08: self.number.encode("ascii"),
            0x09: name + b" " * (30 - len(name)),
            0x0A: self.sex.encode("ascii"),
            0x0B: _bcd(self.nation),
            0x0D: _bcd(self.birth),
        }


@dataclass
class VirtualCard:
    port: int
    #: "sam" or "social"
    mode: str = "sam"
    text_block: bytes = b""
    photo: bytes = bytes(range(256)) * 4
    social: SocialCardData = field(default_factory=SocialCardData)
    #: APDU prefix (hex, no spaces) → status word to answer instead
    status_words: dict[str, int] = field(default_factory=dict)
    garbage: bool = False
    pull_after: int | None = None

    def __post_init__(self) -> None:
        self.apdus: list[bytes] = []
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._app = ""
        self._file = b""

    # --- life cycle ------------------------------------------------------------------

    def insert(self, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", self.port), timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        sock.settimeout(None)
        self._sock = sock
        self._thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
        self._thread.start()

    def remove(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    # --- protocol --------------------------------------------------------------------

    def _serve(self, sock: socket.socket) -> None:
        try:
            while True:
                header = _recv_exact(sock, 2)
                if header is None:
                    return
                (length,) = struct.unpack(">H", header)
                payload = _recv_exact(sock, length)
                if payload is None:
                    return
                if len(payload) == 1:
                    if payload[0] == 0x04:
                        _send(sock, ATR)
                    elif payload[0] in (0x00, 0x02):
                        self._app, self._file = "", b""
                    continue
                self.apdus.append(payload)
                if self.pull_after is not None and len(self.apdus) > self.pull_after:
                    sock.close()
                    self._sock = None
                    return
                _send(sock, self.respond(payload))
        except OSError:
            return

    def respond(self, apdu: bytes) -> bytes:
        for prefix, sw in self.status_words.items():
            if apdu.hex().upper().startswith(prefix.upper()):
                return sw.to_bytes(2, "big")
        _cla, ins, p1, p2 = apdu[:4]
        body = apdu[5 : 5 + apdu[4]] if len(apdu) > 5 else b""
        le = apdu[4] if len(apdu) == 5 else 0
        if ins == 0xA4 and p1 == 0x04:
            if self.mode == "sam" and body == DEFAULT_PROFILE.prepare[0][5:]:
                self._app = "sam"
                return OK
            if self.mode == "social" and body == SSSE_NAME:
                self._app = "social"
                return OK
            return b"\x6a\x82"
        if ins == 0xA4 and p1 == 0x02:
            files = {"sam": (b"\x00\x01", b"\x00\x02"), "social": (b"\xef\x05", b"\xef\x06")}
            if body in files.get(self._app, ()):
                self._file = body
                return OK
            return b"\x6a\x82"
        if ins == 0xB0 and self._app == "sam":
            content = self.text_block if self._file == b"\x00\x01" else self.photo
            offset = (p1 << 8) | p2
            data = content[offset : offset + (le or 256)]
            if self.garbage:
                data = bytes((b * 7 + 3) % 256 for b in data)
                data = data[: len(data) // 2]
            return data + OK
        if ins == 0xB2 and self._app == "social":
            records = self.social.records()
            wanted = {b"\xef\x05": (5, 6, 7), b"\xef\x06": (8, 9, 10, 11, 13)}.get(self._file, ())
            if p1 not in wanted:
                return b"\x6a\x83"
            value = records[p1]
            if self.garbage:
                return b"\x13\x37garbage" + OK
            return bytes([p1, len(value)]) + value + OK
        return b"\x6d\x00"


def _recv_exact(sock: socket.socket, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        try:
            chunk = sock.recv(size - len(data))
        except OSError:
            return None
        if not chunk:
            return None
        data += chunk
    return data


def _send(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(struct.pack(">H", len(payload)) + payload)


# --- test identities -------------------------------------------------------------------------

# GB 11643's published example: born 1949-12-31, 17th digit 2 (female), check character X
RESIDENT_NUMBER = "11010519491231002X"


def with_check_digit(first17: str) -> str:
    from shared.identity import check_digit

    return first17 + check_digit(first17)


HMT_NUMBER = with_check_digit("81000019900101123")  # odd 17th digit: male
FOREIGNER_NUMBER = "USA110090100011"
FOREIGNER_2023_NUMBER = with_check_digit("93000019850505002")


def resident_fields(**overrides: str) -> dict[str, str]:
    values = {
        "name": "张示例",
        "sex": "2",
        "nation": "01",
        "birth": "19491231",
        "address": "北京市朝阳区示例路1号",
        "id_number": RESIDENT_NUMBER,
        "authority": "北京市公安局朝阳分局",
        "valid_from": "20200101",
        "valid_to": "长期",
    }
    values.update(overrides)
    return values


def hmt_fields(**overrides: str) -> dict[str, str]:
    values = {
        "name": "陈示例",
        "sex": "1",
        "birth": "19900101",
        "address": "广东省深圳市福田区示例路2号",
        "id_number": HMT_NUMBER,
        "authority": "深圳市公安局",
        "valid_from": "20240101",
        "valid_to": "20290101",
        "pass_number": "H12345678",
        "issue_count": "01",
    }
    values.update(overrides)
    return values


def foreigner_fields(**overrides: str) -> dict[str, str]:
    values = {
        "english_name": "SMITH, JOHN EXAMPLE",
        "sex": "1",
        "id_number": FOREIGNER_NUMBER,
        "nationality": "USA",
        "name": "史密斯",
        "valid_from": "20200101",
        "valid_to": "20300101",
        "birth": "19800101",
        "card_version": "02",
        "authority_code": "1100",
    }
    values.update(overrides)
    return values


def foreigner_2023_fields(**overrides: str) -> dict[str, str]:
    values = {
        "name": "李示例",
        "sex": "2",
        "renewal_count": "00",
        "birth": "19850505",
        "english_name": "LEE, EXAMPLE",
        "id_number": FOREIGNER_2023_NUMBER,
        "valid_from": "20240101",
        "valid_to": "20340101",
        "nationality": "CAN",
    }
    values.update(overrides)
    return values
