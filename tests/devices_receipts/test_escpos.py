"""ESC/POS receipts, read back: the byte stream written to a file connection is parsed
command by command, the text decoded from GB18030, the QR payload taken from the printer's
own QR "store" command."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kiosk.devices.base import DeviceError, DeviceUnavailable, ReceiptData
from kiosk.devices.receipts import open_receipt_printer
from kiosk.devices.receipts.escpos_printer import EscposConnection, EscposReceiptPrinter
from kiosk.devices.receipts.layout import (
    build_receipt,
    display_columns,
    receipt_lines,
    wrap_columns,
)

RECEIPT = ReceiptData(
    case_number="SH-2026-000123",
    item_name="城乡居民基本医疗保险参保登记",
    site_name="测试街道测试居委会",
    outcome="needs_materials",
    issued_at=dt.datetime(2026, 11, 22, 9, 30),
    tracking_url="https://vwindow.example.org/track/SH-2026-000123?k=9f2c",
    missing_materials=("户口簿原件及复印件", "一寸彩色近期免冠照片两张"),
)


@dataclass
class ParsedReceipt:
    commands: list[str] = field(default_factory=list)
    text_bytes: bytearray = field(default_factory=bytearray)
    qr_payloads: list[bytes] = field(default_factory=list)
    qr_prints: int = 0
    chinese_mode_at_text: list[bool] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.text_bytes.decode("gb18030")


def parse_escpos(data: bytes) -> ParsedReceipt:
    """A parser for exactly the ESC/POS commands a receipt may contain; anything else is a
    failure, so a stray command cannot hide in the text."""
    parsed = ParsedReceipt()
    chinese = False
    i = 0
    while i < len(data):
        byte = data[i]
        if byte == 0x1B:  # ESC
            command = data[i + 1 : i + 2]
            if command == b"@":
                parsed.commands.append("init")
                i += 2
            elif command in (b"a", b"E", b"d"):
                parsed.commands.append(f"ESC {command.decode()} {data[i + 2]}")
                i += 3
            else:
                raise AssertionError(f"unknown ESC command {command!r} at {i}")
        elif byte == 0x1C:  # FS
            command = data[i + 1 : i + 2]
            if command == b"&":
                chinese = True
            elif command == b".":
                chinese = False
            else:
                raise AssertionError(f"unknown FS command {command!r} at {i}")
            parsed.commands.append(f"FS {command.decode()}")
            i += 2
        elif byte == 0x1D:  # GS
            command = data[i + 1 : i + 2]
            if command == b"!":
                parsed.commands.append(f"GS ! {data[i + 2]}")
                i += 3
            elif command == b"V":
                mode = data[i + 2]
                # modes 65/66 take a feed amount after them
                i += 4 if mode in (65, 66) else 3
                parsed.commands.append("cut")
            elif command == b"(" and data[i + 2 : i + 3] == b"k":
                length = data[i + 3] | data[i + 4] << 8
                cn, fn = data[i + 5], data[i + 6]
                payload = data[i + 7 : i + 5 + length]
                assert cn == 0x31, "symbol type must be QR (cn 49)"
                if fn == 0x50:  # store the data in the symbol storage area
                    assert payload[:1] == b"0"
                    parsed.qr_payloads.append(payload[1:])
                elif fn == 0x51:  # print the stored symbol
                    parsed.qr_prints += 1
                parsed.commands.append(f"QR fn {fn:#x}")
                i += 5 + length
            else:
                raise AssertionError(f"unknown GS command {command!r} at {i}")
        elif byte == 0x0A or byte >= 0x20:
            if byte != 0x0A:
                parsed.chinese_mode_at_text.append(chinese)
            parsed.text_bytes.append(byte)
            i += 1
        else:
            raise AssertionError(f"unexpected control byte {byte:#x} at {i}")
    return parsed


async def print_to(path: Path, columns: int = 48) -> ParsedReceipt:
    printer = EscposReceiptPrinter(f"file:{path}", columns=columns)
    try:
        await printer.print_receipt(RECEIPT)
    finally:
        await printer.close()
    return parse_escpos(path.read_bytes())


@pytest.mark.parametrize("columns", [32, 42, 48])
async def test_receipt_reads_back(tmp_path: Path, columns: int) -> None:
    parsed = await print_to(tmp_path / "receipt.bin", columns)
    assert parsed.commands[:2] == ["init", "FS &"]
    assert parsed.commands[-1] == "cut"
    assert all(parsed.chinese_mode_at_text), "text sent outside Chinese mode"
    text = parsed.text
    assert "受理回执" in text
    assert RECEIPT.case_number in text
    assert RECEIPT.item_name in text.replace("\n", "").replace(" ", "")
    assert "需补充材料" in text
    assert "户口簿原件及复印件" in text.replace("\n", "").replace(" ", "")
    assert "2026-11-22 09:30" in text
    assert parsed.qr_payloads == [RECEIPT.tracking_url.encode()]
    assert parsed.qr_prints == 1
    for line in text.splitlines():
        assert display_columns(line) <= columns, line


def test_wrapping_counts_cjk_as_two_columns() -> None:
    lines = receipt_lines(build_receipt(RECEIPT), 32)
    assert all(display_columns(line) <= 32 for line in lines)
    at = next(n for n, line in enumerate(lines) if line.startswith("办理事项"))
    # "办理事项：" (10 columns) plus 14 CJK characters (28) does not fit in 32: 11 do
    assert lines[at] == "办理事项：城乡居民基本医疗保险参"
    assert lines[at + 1] == " " * 10 + "保登记"


def test_wrapping_keeps_latin_words_whole() -> None:
    assert wrap_columns("请访问 https://example.org/t/1 查询", 24) == [
        "请访问",
        "https://example.org/t/1",
        "查询",
    ]
    assert wrap_columns("x" * 30, 24) == ["x" * 24, "x" * 6]


def test_connection_strings() -> None:
    assert EscposConnection.parse("usb:0x0416:0x5011") == EscposConnection(
        "usb", vendor_id=0x0416, product_id=0x5011
    )
    assert EscposConnection.parse("serial:/dev/ttyUSB0:19200").baud == 19200
    assert EscposConnection.parse("serial:/dev/ttyUSB0").target == "/dev/ttyUSB0"
    network = EscposConnection.parse("network:192.168.1.50")
    assert (network.target, network.port) == ("192.168.1.50", 9100)
    assert EscposConnection.parse("network:printer.lan:9101").port == 9101
    assert EscposConnection.parse("file:/dev/usb/lp0").target == "/dev/usb/lp0"
    with pytest.raises(ValueError):
        EscposConnection.parse("bluetooth:00:11")
    assert isinstance(open_receipt_printer("escpos:file:/dev/null"), EscposReceiptPrinter)


async def test_missing_directory_is_device_unavailable(tmp_path: Path) -> None:
    printer = EscposReceiptPrinter(f"file:{tmp_path / 'no-such-dir' / 'lp0'}")
    with pytest.raises(DeviceUnavailable) as err:
        await printer.print_receipt(RECEIPT)
    assert "cannot be opened" in err.value.reason
    await printer.close()


async def test_closed_descriptor_is_device_error() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    os.close(write_end)
    printer = EscposReceiptPrinter(f"file:/proc/self/fd/{write_end}")
    with pytest.raises(DeviceError):
        await printer.print_receipt(RECEIPT)
    await printer.close()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
async def test_write_failure_is_device_error() -> None:
    """/dev/full opens fine and fails every write (ENOSPC), like a printer that goes away
    mid-job."""
    printer = EscposReceiptPrinter("file:/dev/full")
    with pytest.raises(DeviceError) as err:
        await printer.print_receipt(RECEIPT)
    assert not isinstance(err.value, DeviceUnavailable)
    assert "stopped while printing" in err.value.reason
    await printer.close()


async def test_check_reports_reachable(tmp_path: Path) -> None:
    printer = EscposReceiptPrinter(f"file:{tmp_path / 'lp0'}")
    assert "accepts data" in await printer.check()
    assert (tmp_path / "lp0").read_bytes() == b"\x1b@"
    await printer.close()
