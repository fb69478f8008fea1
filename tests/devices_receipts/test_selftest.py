"""The kiosk self-test against a real server and a real coturn."""

from __future__ import annotations

import json
import socket
from dataclasses import replace
from pathlib import Path
from typing import Any

from kiosk.devices.base import DeviceInfo, DeviceKind, DeviceUnavailable
from kiosk.devices.receipts import open_receipt_printer
from kiosk.selftest import (
    DeviceProbe,
    SelftestConfig,
    exit_code,
    format_json,
    format_text,
    parse_turn_url,
    run_selftest,
)
from shared.call.media import MediaConfig
from signaling.config import TurnConfig


class FakeCardReader:
    """Stands in for a card reader backend: opening it is the check."""

    def __init__(self) -> None:
        self.info = DeviceInfo(DeviceKind.CARD_READER, "ACS ACR39U 00 00", "pcsc")
        self.closed = False

    async def close(self) -> None:
        self.closed = True


def unplugged_scanner() -> Any:
    raise DeviceUnavailable(DeviceKind.SCANNER, "scanner 'epson2:libusb:001:004' is unplugged")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def with_turn(server: Any, coturn: Any, secret: str) -> None:
    server.config = replace(
        server.config, turn=TurnConfig(urls=(coturn.url,), secret=secret, ttl_s=300)
    )
    await server.restart()


async def test_all_ok(server: Any, seeded: Any, coturn: Any, tmp_path: Path) -> None:
    await with_turn(server, coturn, coturn.secret)
    reader = FakeCardReader()
    config = SelftestConfig(
        server_url=server.url,
        credential=seeded.kiosk_credentials[0],
        devices=(
            DeviceProbe(DeviceKind.CARD_READER, "ACR39U", lambda: reader),
            DeviceProbe(
                DeviceKind.PRINTER,
                "escpos",
                lambda: open_receipt_printer(f"escpos:file:{tmp_path / 'lp0'}"),
            ),
        ),
    )
    results = await run_selftest(config)
    text = format_text(results)
    assert exit_code(results) == 0, text
    assert reader.closed
    checks = [r.check for r in results]
    assert checks == [
        "card reader ACR39U",
        "receipt printer escpos",
        "server",
        "enrollment",
        f"TURN {coturn.url}",
    ]
    assert "relay allocated at 127.0.0.1:" in results[-1].reason
    assert text.splitlines()[0].startswith("✓ card reader ACR39U")
    assert text.endswith("all checks passed")
    body = json.loads(format_json(results))
    assert body["ok"] is True and len(body["checks"]) == 5


async def test_server_unreachable(tmp_path: Path) -> None:
    config = SelftestConfig(
        server_url=f"http://127.0.0.1:{free_port()}", credential="x", timeout_s=3
    )
    results = await run_selftest(config)
    assert exit_code(results) == 1
    server_line = format_text(results).splitlines()[0]
    assert server_line.startswith("✗ server: cannot reach http://127.0.0.1:")
    assert not json.loads(format_json(results))["ok"]


async def test_bad_credential(server: Any, seeded: Any) -> None:
    results = await run_selftest(
        SelftestConfig(server_url=server.url, credential="not-a-real-credential")
    )
    by_check = {r.check: r for r in results}
    assert by_check["server"].ok
    assert not by_check["enrollment"].ok
    assert "refused this kiosk's credential (HTTP 401)" in by_check["enrollment"].reason
    assert exit_code(results) == 1


async def test_wrong_turn_secret(server: Any, seeded: Any, coturn: Any) -> None:
    await with_turn(server, coturn, "not-the-coturn-secret")
    results = await run_selftest(
        SelftestConfig(server_url=server.url, credential=seeded.kiosk_credentials[0])
    )
    turn = results[-1]
    assert turn.check == f"TURN {coturn.url}"
    assert not turn.ok
    assert "refused the credentials (401)" in turn.reason
    assert exit_code(results) == 1


async def test_missing_camera_and_device_failures(server: Any, seeded: Any) -> None:
    assert not Path("/dev/video9").exists()
    config = SelftestConfig(
        server_url=server.url,
        credential=seeded.kiosk_credentials[0],
        devices=(DeviceProbe(DeviceKind.SCANNER, "flatbed", unplugged_scanner),),
        media=MediaConfig(video_device="/dev/video9"),
        timeout_s=5,
    )
    results = await run_selftest(config)
    lines = format_text(results).splitlines()
    assert lines[0] == "✗ scanner flatbed: scanner 'epson2:libusb:001:004' is unplugged"
    assert lines[1].startswith("✗ camera: camera '/dev/video9' cannot be opened")
    assert exit_code(results) == 1
    assert lines[-1] == f"2 of {len(results)} checks failed"


def test_turn_urls() -> None:
    assert parse_turn_url("turn:turn.example.org:3478?transport=tcp").transport == "tcp"
    plain = parse_turn_url("turn:turn.example.org")
    assert (plain.host, plain.port, plain.transport) == ("turn.example.org", 3478, "udp")
    secure = parse_turn_url("turns:[2001:db8::1]")
    assert (secure.host, secure.port, secure.transport, secure.secure) == (
        "2001:db8::1",
        5349,
        "tcp",
        True,
    )
