"""Kiosk UI benchmark: the real kiosk app (screens, controller, simulated devices) on Qt's
offscreen platform, in a 640×480@30 video call with a clerk, through the real server.

Run: ``python -m benchmarks.kiosk_ui [--seconds 20] [--warmup 5]``

Processes:

- a peer process seeds a throwaway SQLite database with ``vwindow.demo.seed``, serves
  ``vwindow.server.create_server`` on 127.0.0.1 and runs the headless clerk console
  (``center.headless.HeadlessConsole``: synthetic 640×480@30 VP8 video with moving content,
  and a tone), which goes available, accepts the ring and holds the call;
- this process runs ``kiosk.ui.app.KioskApp`` exactly as ``vwindow kiosk`` does (qasync loop,
  translations, ``KioskScreens`` on two offscreen 1920×1080 screens, the controller, the
  device manager with the simulated card reader and scanner), and plays the resident: touch,
  item, materials, card on the reader, then waits for the clerk.

After the first painted frame and ``--warmup`` seconds, the window of ``--seconds`` measures:

- ``loop_lag_p99_ms`` (and p50, max): a ``QTimer`` (precise, every 10 ms) on the Qt event
  loop; each lag is how much later than its interval a timeout fired. Everything the app does
  on the Qt thread (asyncio callbacks through qasync, aiortc's RTP and data-channel handling,
  painting) delays it;
- ``fps_rendered``: frames the clerk's video pane actually painted (its ``frames_painted``,
  counted in ``paintEvent``) per second; ``fps_received`` is what the call decoded,
  ``fps_converted`` what the controller turned into images (at most the paint rate; the newest
  frame wins, older ones are dropped: ``frames_dropped``);
- with ``--pages N``, the clerk asks for N pages spread over the window (from 6 s after the
  first frame): each is scanned by the simulated scanner (rendering ~0.5 s of CPU on its
  device thread), uploaded, announced and previewed, so the lag includes device I/O;
- ``rss_mb``: this process's peak VmRSS, sampled every 0.1 s over the window (Qt, the screens,
  aiortc, both video directions); ``rss_start_mb`` before the call;
- ``kiosk_cpu_pct``: this process's CPU time over the window, % of one core;
  ``host_other_cpu_pct`` what the rest of the host used meanwhile (the peer process included),
  and ``load_1m`` the load average at the end: on a shared machine, read the figures with it.

The last line of output is one JSON object. Targets: lag p99 ≤ 50 ms, rendered fps ≥ 25,
RSS ≤ 350 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import multiprocessing
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QMessageLogContext,
    QObject,
    Qt,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)

from benchmarks.procfs import host_busy_s, percentile, proc_cpu_s, proc_status_kb

HOST = "127.0.0.1"
ITEM_CODE = "YB-003"
#: with --pages, the clerk asks for the first page this long after the first frame
PAGES_AFTER_S = 6.0
TARGETS = {"loop_lag_p99_ms": 50.0, "fps_rendered": 25.0, "rss_mb": 350.0}
SCREENS_JSON = {
    "screens": [
        {"name": "upper", "x": 0, "y": 0, "width": 1920, "height": 1080},
        {"name": "lower", "x": 0, "y": 1080, "width": 1920, "height": 1080},
    ]
}


class QtLagProbe(QObject):
    """How late a precise ``QTimer`` fires on the Qt event loop, in ms, one value a tick."""

    def __init__(self, interval_ms: int = 10) -> None:
        super().__init__()
        self.interval_ms = interval_ms
        self.lags_ms: list[float] = []
        self._last: float | None = None
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._fired)

    def start(self) -> None:
        self.lags_ms.clear()
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._last = None

    def _fired(self) -> None:
        now = time.perf_counter()
        if self._last is not None:
            self.lags_ms.append(max(0.0, (now - self._last) * 1000 - self.interval_ms))
        self._last = now


def _quiet_qt(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    # the offscreen platform says this for every window it cannot size from hints
    if "propagateSizeHints" not in message:
        print(f"qt: {message}", file=sys.stderr)


# --- The peer process: server and clerk ------------------------------------------------------


def _peer_main(
    conn: Connection, data_dir: str, hold_s: float, pages: int, parent_pid: int
) -> None:
    from benchmarks.call import child_setup

    child_setup(parent_pid)
    try:
        asyncio.run(_peer(conn, Path(data_dir), hold_s, pages))
    except Exception as exc:
        conn.send({"error": f"{type(exc).__name__}: {exc}"})


async def _peer(conn: Connection, data_dir: Path, hold_s: float, pages: int) -> None:
    from aiohttp import web

    from center.headless import ConsoleOptions, HeadlessConsole
    from shared import protocol as p
    from shared.call import messages as m
    from shared.call.ice import IcePolicy
    from signaling.config import ServerConfig
    from signaling.routing import RoutingConfig
    from signaling.store.db import Database
    from signaling.store.repo import Store
    from vwindow.demo import DEMO_PASSWORD, seed
    from vwindow.server import create_server

    class HoldingConsole(HeadlessConsole):
        """Answers, holds the call ``hold_s`` seconds after its first frame (asking for
        ``pages`` pages, evenly spread, after the first ``start_pages_s``), hangs up."""

        async def _session(self) -> dict[str, Any]:
            assert self.signaling is not None
            await self.signaling.wait_connected()
            await self.signaling.send(p.SetClerkState(state="available"))
            await self.call_started.wait()
            session = self.agent.session
            assert session is not None
            await session.wait_media(60)
            started = time.monotonic()
            if pages:
                await asyncio.sleep(PAGES_AFTER_S)
                every = (hold_s - PAGES_AFTER_S - 30) / pages
                for _ in range(pages):
                    await session.send(m.DeviceCommand(command="capture_page", note="材料"))
                    await asyncio.sleep(every)
            await asyncio.sleep(max(0.0, hold_s - (time.monotonic() - started)))
            frames = session.stats.video_frames
            await self.signaling.send(
                p.Hangup(call_id=session.call_id, reason="done", outcome="accepted")
            )
            return {"console_frames": frames}

    config = ServerConfig(
        host=HOST,
        port=0,
        data_dir=data_dir,
        database_url=f"sqlite:///{data_dir / 'bench.db'}",
        routing=dataclasses.replace(RoutingConfig(), wrap_up_s=0.0),
    )
    database = Database(config.effective_database_url)
    try:
        await database.migrate()
        data = await seed(Store(database), data_dir, "http://placeholder")
    finally:
        await database.close()
    runner = web.AppRunner(create_server(config))
    await runner.setup()
    site = web.TCPSite(runner, HOST, 0)
    await site.start()
    url = f"http://{HOST}:{runner.addresses[0][1]}"
    try:
        console = HoldingConsole(
            ConsoleOptions(
                server_url=url,
                username=data.clerk_username,
                password=DEMO_PASSWORD,
                ice_policy=IcePolicy.loopback(),
                timeout_s=hold_s + 120,
            )
        )
        clerk = asyncio.ensure_future(console.run())
        conn.send({"url": url, "credential": data.kiosk_credential, "pid": os.getpid()})
        conn.send({"console": await clerk})
        # serve until the kiosk side is done with the server
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)
    finally:
        await runner.cleanup()


# --- The kiosk: this process ---------------------------------------------------------------


async def _kiosk(args: argparse.Namespace, peer: dict[str, Any], tmp: Path) -> dict[str, Any]:
    from PySide6.QtWidgets import QApplication

    from kiosk import flow
    from kiosk.config import DevicesConfig, KioskConfig, ScreensConfig
    from kiosk.devices.cards.simulated import SimulatedCardReader
    from kiosk.ui.app import AppOptions, KioskApp
    from kiosk.ui.widgets.video_pane import VideoPane
    from shared.call.ice import IcePolicy

    credential_file = tmp / "kiosk.credential"
    credential_file.write_text(peer["credential"])
    config = KioskConfig(
        server=peer["url"],
        credential_file=credential_file,
        runtime_dir=tmp / "runtime",
        devices=DevicesConfig(card_reader="simulated", scanner="simulated", printer=""),
        # no speech engine: a wedged speech-dispatcher would hang the start, and speaking
        # happens in its own process anyway
        screens=ScreensConfig(upper=0, lower=1, fullscreen=True, voice=False),
    )
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    kiosk = KioskApp(
        config,
        AppOptions(credential=peer["credential"], ice_policy=IcePolicy.loopback()),
        app=app,
    )
    controller = kiosk.controller
    await kiosk.start()
    try:
        assert controller.signaling is not None
        await controller.signaling.wait_connected()
        item = next(i for i in controller.catalog if i.code == ITEM_CODE)
        for event in (flow.Touched(), flow.ItemChosen(item), flow.MaterialsConfirmed()):
            controller.handle(flow.Touched())
            controller.handle(event)
        reader = kiosk.devices.card_reader
        assert isinstance(reader, SimulatedCardReader)
        reader.insert()
        started = time.monotonic()

        def panes() -> list[VideoPane]:
            return [w for w in QApplication.allWidgets() if isinstance(w, VideoPane)]

        def painted() -> int:
            return max((pane.frames_painted for pane in panes()), default=0)

        while painted() == 0:
            if time.monotonic() - started > 60:
                raise TimeoutError(f"no video painted; the kiosk is at {controller.session.state}")
            await asyncio.sleep(0.05)
        setup_s = time.monotonic() - started
        print(f"in call, first frame painted after {setup_s:.1f} s; warming up", flush=True)
        await asyncio.sleep(args.warmup)
        session = controller.agent.session
        assert session is not None
        pid = os.getpid()
        probe = QtLagProbe()
        rss_start = proc_status_kb(pid, "VmRSS")
        painted0, received0 = painted(), session.stats.video_frames
        converted0, dropped0 = controller.remote_frames.converted, controller.remote_frames.dropped
        cpu0, host0, t0 = proc_cpu_s(pid), host_busy_s(), time.monotonic()
        peak = rss_start
        probe.start()
        while time.monotonic() - t0 < args.seconds:
            await asyncio.sleep(0.1)
            peak = max(peak, proc_status_kb(pid, "VmRSS"))
        probe.stop()
        elapsed = time.monotonic() - t0
        cpu = proc_cpu_s(pid) - cpu0
        host = host_busy_s() - host0
        return {
            "loop_lag_p99_ms": round(percentile(probe.lags_ms, 99), 1),
            "loop_lag_p50_ms": round(percentile(probe.lags_ms, 50), 1),
            "loop_lag_max_ms": round(max(probe.lags_ms, default=0.0), 1),
            "fps_rendered": round((painted() - painted0) / elapsed, 1),
            "fps_received": round((session.stats.video_frames - received0) / elapsed, 1),
            "fps_converted": round((controller.remote_frames.converted - converted0) / elapsed, 1),
            "frames_dropped": controller.remote_frames.dropped - dropped0,
            "rss_mb": round(peak / 1024, 1),
            "rss_start_mb": round(rss_start / 1024, 1),
            "kiosk_cpu_pct": round(100 * cpu / elapsed, 1),
            "host_other_cpu_pct": round(100 * max(0.0, host - cpu) / elapsed, 1),
            "load_1m": round(os.getloadavg()[0], 2),
            "host_cores": os.cpu_count(),
            "pages_previewed": len(controller._page_labels),
            "setup_s": round(setup_s, 2),
            "window_s": round(elapsed, 1),
            "state": str(controller.session.state),
        }
    finally:
        await kiosk.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="measured window")
    parser.add_argument("--warmup", type=float, default=5.0, help="after the first frame")
    parser.add_argument(
        "--pages",
        type=int,
        default=0,
        help="pages the clerk asks for during the window (scanned, uploaded, previewed)",
    )
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="vwindow-kiosk-ui-"))
    screens = tmp / "screens.json"
    screens.write_text(json.dumps(SCREENS_JSON))
    os.environ.setdefault("QT_QPA_PLATFORM", f"offscreen:configfile={screens}")

    from shared.logs import configure_logging
    from shared.ui.loop import qt_application, run_with_qt

    configure_logging("WARNING")
    qInstallMessageHandler(_quiet_qt)
    ctx = multiprocessing.get_context("spawn")
    ours, theirs = ctx.Pipe()
    hold_s = args.warmup + args.seconds + 30
    peer_process = ctx.Process(
        target=_peer_main,
        args=(theirs, str(tmp / "peer"), hold_s, args.pages, os.getpid()),
        daemon=True,
    )
    (tmp / "peer").mkdir()
    peer_process.start()
    result: dict[str, Any] = {}
    try:
        if not ours.poll(60):
            raise TimeoutError("the server did not start within 60 s")
        peer = ours.recv()
        if "error" in peer:
            raise RuntimeError(peer["error"])
        print(f"server at {peer['url']} (peer pid {peer['pid']}, kiosk pid {os.getpid()})")
        app = qt_application([sys.argv[0]])

        async def run() -> int:
            result.update(await _kiosk(args, peer, tmp))
            return 0

        run_with_qt(app, run)
    finally:
        with contextlib.suppress(OSError):
            ours.send("stop")
        peer_process.join(10)
        if peer_process.is_alive():
            peer_process.terminate()
            peer_process.join(5)
    for key, target in TARGETS.items():
        value = result.get(key)
        at_least = key == "fps_rendered"
        met = value is not None and (value >= target if at_least else value <= target)
        bound = "≥" if at_least else "≤"
        print(f"{key:>18}: {value}  (target {bound} {target}){'' if met else '  MISSED'}")
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
