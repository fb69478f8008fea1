"""The device manager finds what the machine has and opens what is configured."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kiosk.config import DevicesConfig
from kiosk.devices.base import DeviceKind
from kiosk.devices.manager import DeviceManager, discover
from tests.devices.conftest import PcscStack


def test_discovery_lists_the_pcsc_readers(pcscd: PcscStack) -> None:
    found, notes = discover(frozenset({DeviceKind.CARD_READER}))
    readers = [d for d in found if d.kind == DeviceKind.CARD_READER]
    assert {d.name for d in readers} >= {"Virtual PCD 00 00", "Virtual PCD 00 01"}
    assert all(d.setting.startswith("pcsc:") for d in readers)
    assert not [n for n in notes if n.startswith("card readers")]


async def test_manager_opens_configured_devices_and_reports_missing_ones() -> None:
    missing = DeviceManager(
        DevicesConfig(card_reader="termb:/nonexistent/libtermb.so", scanner="laser:0"), retry_s=60
    )
    await missing.start()
    try:
        reader = missing.status[DeviceKind.CARD_READER]
        assert not reader.ok and "/nonexistent/libtermb.so" in reader.reason
        assert missing.card_reader is None
        scanner = missing.status[DeviceKind.SCANNER]
        assert not scanner.ok and "unknown scanner setting" in scanner.reason
    finally:
        await missing.close()
    manager = DeviceManager(DevicesConfig(card_reader="simulated", scanner="simulated"))
    await manager.start()
    try:
        assert manager.card_reader is not None and manager.scanner is not None
        assert manager.status[DeviceKind.CARD_READER].ok
        events: list[bool] = []
        manager.on_card(events.append)
        manager.card_reader.insert()  # type: ignore[attr-defined]
        assert events == [True] and manager.card_present
    finally:
        await manager.close()


def test_a_pcsc_reader_without_its_service_counts_as_missing_and_the_manager_starts(
    tmp_path: Path,
) -> None:
    """No pcscd (not started yet, or crashed): the kiosk starts with the reader missing
    and says why, instead of failing at start. In a process of its own: libpcsclite reads
    where pcscd listens once per process, and other tests here start one."""
    script = """
import asyncio, json
from kiosk.config import DevicesConfig
from kiosk.devices.base import DeviceKind
from kiosk.devices.manager import DeviceManager

async def main():
    manager = DeviceManager(DevicesConfig(card_reader="pcsc"), retry_s=60)
    await manager.start()
    try:
        status = manager.status[DeviceKind.CARD_READER]
        print(json.dumps([status.ok, status.reason, manager.card_reader is None]))
    finally:
        await manager.close()

asyncio.run(main())
"""
    env = dict(os.environ, PCSCLITE_CSOCK_NAME=str(tmp_path / "no-pcscd.comm"))
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    ok, reason, missing = json.loads(done.stdout.strip().splitlines()[-1])
    assert not ok and reason and missing
