"""asyncio inside Qt (qasync) as the kiosk app runs it: many timers, a real aiortc call, and
device I/O that must not freeze the Qt event loop.

The PySide6 build pinned for Python 3.11 must survive this: 6.12.0 leaked a reference in
``QObject.killTimer`` (which qasync calls for every ``call_later``) and died after a few
thousand sleeps, taking aiortc with it."""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from pathlib import Path

import pytest
from av import VideoFrame
from PySide6.QtWidgets import QApplication

from benchmarks.kiosk_ui import QtLagProbe
from benchmarks.procfs import percentile
from kiosk.devices.base import ScanOptions
from kiosk.devices.cards.simulated import SimulatedCardReader
from kiosk.devices.scanning import SimulatedScanner
from kiosk.ui.controller import FramePump, frame_to_image
from shared import protocol as p
from shared.call.ice import IcePolicy
from shared.call.media import MediaConfig
from shared.call.session import CallConfig, CallSession
from tests.kiosk_app.helpers import eventually, run_qt

pytestmark = pytest.mark.timeout(170)


def test_twenty_thousand_timers_and_sleeps(qapp: QApplication) -> None:
    fired: list[int] = []

    async def main() -> None:
        loop = asyncio.get_running_loop()
        done = asyncio.Event()
        for n in range(10_000):
            loop.call_later(0.0001 * (n % 50), fired.append, n)
        loop.call_later(0.2, done.set)
        for _ in range(5_000):
            await asyncio.sleep(0)
            await asyncio.sleep(0.00001)
        await done.wait()
        # cancelled timers go through killTimer too
        handles = [loop.call_later(10, fired.append, -1) for _ in range(2_000)]
        for handle in handles:
            handle.cancel()
        await asyncio.sleep(0.05)

    run_qt(qapp, main, timeout=150)
    assert len(fired) == 10_000 and -1 not in fired


def test_an_aiortc_call_under_qasync(qapp: QApplication) -> None:
    frames = {"kiosk": 0, "console": 0}

    async def main() -> None:
        sessions: dict[str, CallSession] = {}

        def relay_to(name: str):  # type: ignore[no-untyped-def]
            async def send(message: p.Sdp) -> None:
                await sessions[name].handle_sdp(message)

            return send

        def counter(name: str):  # type: ignore[no-untyped-def]
            def count(_: object) -> None:
                frames[name] += 1

            return count

        for name, offerer, peer in (("console", False, "kiosk"), ("kiosk", True, "console")):
            sessions[name] = CallSession(
                call_id="c-stress",
                offerer=offerer,
                send_sdp=relay_to(peer),
                config=CallConfig(
                    media=MediaConfig(synthetic_label=name), ice_policy=IcePolicy.loopback()
                ),
                on_message=lambda message: None,
                on_video_frame=counter(name),
            )
        await sessions["console"].start()
        await sessions["kiosk"].start()
        try:
            await eventually(lambda: min(frames.values()) >= 60, "video both ways", 60)
            # timers keep firing while media flows
            for _ in range(2_000):
                await asyncio.sleep(0.0005)
        finally:
            for session in sessions.values():
                await session.close()

    run_qt(qapp, main, timeout=150)
    assert min(frames.values()) >= 60


def test_the_qt_loop_keeps_turning_during_device_io(qapp: QApplication, tmp_path: Path) -> None:
    """Sanity bounds only (the machine is shared; the benchmark has the figures): while a
    card is read and three pages are scanned on the devices' threads, the Qt loop keeps
    turning. Calling the scanner on the UI thread would leave no tick during the scan. The
    simulated scanner renders pages in Python and holds the GIL for ~0.2 s at a time, so
    single ticks may be late; none may wait for the whole scan."""
    probe = QtLagProbe(interval_ms=10)
    spans: dict[str, float] = {}

    async def main() -> None:
        scanner = SimulatedScanner()
        reader = SimulatedCardReader(delay=0.3)
        probe.start()
        try:
            reader.insert()
            started = time.perf_counter()
            pages, reading = await asyncio.gather(
                scanner.scan(ScanOptions(resolution_dpi=200, source="feeder", label="页")),
                reader.read(),
            )
            spans["io_s"] = time.perf_counter() - started
            spans["ticks"] = len(probe.lags_ms)
            assert len(pages) == 3 and reading.name
        finally:
            probe.stop()
            await scanner.close()
            await reader.close()

    run_qt(qapp, main, timeout=120)
    assert spans["io_s"] > 0.3
    assert spans["ticks"] >= 10, spans
    assert percentile(probe.lags_ms, 50) < 100
    assert max(probe.lags_ms) < 1000 * spans["io_s"] * 0.8, (max(probe.lags_ms), spans)


@pytest.mark.parametrize(("width", "height"), [(640, 480), (800, 600), (1366, 768), (1920, 1080)])
def test_camera_sizes_become_images(qapp: QApplication, width: int, height: int) -> None:
    image = frame_to_image(VideoFrame(width, height, "yuv420p"), 1280)
    assert not image.isNull()
    assert width - 64 < image.width() <= min(width, 1280) or image.width() == 1280
    assert abs(image.width() / image.height() - width / height) < 0.02


def test_the_frame_pump_drops_frames_instead_of_queueing(qapp: QApplication) -> None:
    """Frames arriving faster than the paint rate: only the newest is converted."""
    delivered: list[int] = []

    async def main() -> None:
        with concurrent.futures.ThreadPoolExecutor(1) as executor:
            pump = FramePump(lambda image: delivered.append(image.width()), 20, None, executor)
            # 150 frames in a burst (widths whose RGB rows need no padding)
            for width in range(64, 64 * 151, 64):
                pump.push(VideoFrame(width, 16, "yuv420p"))
            newest = 64 * 150
            await eventually(lambda: delivered and delivered[-1] == newest, "newest shown", 5)
            await asyncio.sleep(0.2)
            assert pump.received == 150
            assert pump.converted == len(delivered) <= 5
            assert pump.dropped >= 145
            pump.close()
            pump.push(VideoFrame(64, 16, "yuv420p"))
            await asyncio.sleep(0.1)
            assert delivered[-1] == newest  # a closed pump shows nothing more

    run_qt(qapp, main)
