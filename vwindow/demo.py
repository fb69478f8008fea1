"""``vwindow demo``: the whole system on one machine, with SQLite and demo data (two weeks of
history for the supervisor's figures).

On a machine with a display it opens the kiosk (simulated card reader and scanner, in a
window) and the clerk console side by side against the local server, so one person can play
both roles; it ends when either is closed or on Ctrl+C. Without a display, or with
``--no-windows``, it serves until Ctrl+C and prints how to connect. With ``--headless`` it
plays one scripted visit through real clients (a kiosk joins the queue, a clerk is rung,
accepts, and closes the case), prints the transcript, and exits; its last line is one JSON
object.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Awaitable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import platformdirs
from aiohttp import web

from center.headless import ConsoleOptions, HeadlessConsole
from center.records.demo_history import seed_demo_history
from kiosk.headless import HeadlessKiosk, KioskOptions
from shared import catalog
from shared.call.ice import IcePolicy
from shared.logs import configure_logging
from shared.transcript import Transcript
from signaling.cli import enrollment_uri, write_qr
from signaling.config import DEFAULT_PORT, ServerConfig
from signaling.routing import RoutingConfig
from signaling.store.db import Database
from signaling.store.repo import Store
from vwindow.kiosk_app import has_display
from vwindow.server import create_server

log = logging.getLogger(__name__)

DEMO_CENTER = "演示社区事务受理服务中心"
DEMO_PASSWORD = "demo-password"  # noqa: S105 - printed for the demo on purpose
DEMO_ITEM = "YB-003"


def add_demo_parser(sub: Any) -> None:
    demo = sub.add_parser("demo", help="run the whole system on this machine with demo data")
    demo.add_argument("--port", type=int, default=DEFAULT_PORT, help="0 picks a free port")
    demo.add_argument("--data-dir", type=Path, help="default: the user's data dir /demo")
    demo.add_argument("--headless", action="store_true", help="play one scripted visit, then exit")
    demo.add_argument(
        "--no-windows", action="store_true", help="only serve, even where a display is available"
    )
    demo.set_defaults(run=run_demo)


@dataclass(frozen=True)
class DemoData:
    center_id: str
    clerk_username: str
    supervisor_username: str
    kiosk_id: str
    kiosk_credential: str
    spare_code: str
    spare_qr: Path


async def seed(store: Store, data_dir: Path, server_url: str) -> DemoData:
    """Create (or find) the demo center, its staff and an enrolled kiosk. Idempotent."""
    items = catalog.load_catalog(catalog.default_catalog_path())
    await store.import_catalog(items)
    skills = sorted({item.skill for item in items})
    created_center = False
    center = await store.center_by_name_or_id(DEMO_CENTER)
    if center is None:
        district = await store.create_site("演示区", "district")
        street = await store.create_site("演示街道", "street", district.id)
        center = await store.create_center(DEMO_CENTER, street.id)
        await store.create_site("演示居委会", "committee", street.id)
        created_center = True
    for username, name, role, window in (
        ("clerk", "王老师", "clerk", "3"),
        # a colleague to transfer a call to, or to invite into one
        ("clerk2", "赵老师", "clerk", "5"),
        ("supervisor", "李主任", "supervisor", None),
    ):
        if await store.staff_by_username(username) is None:
            await store.create_staff(
                center_id=center.id,
                username=username,
                display_name=name,
                password=DEMO_PASSWORD,
                role=role,
                skills=skills,
                window_no=window,
            )
    credential_file = data_dir / "kiosk.credential"
    credential = credential_file.read_text().strip() if credential_file.exists() else ""
    kiosk = await store.kiosk_by_credential(credential) if credential else None
    if kiosk is None:
        committee = next((s for s in await store.list_sites() if s.kind == "committee"), None)
        _, code = await store.create_kiosk(
            center_id=center.id,
            name="演示居委会 1号机",
            site_id=committee.id if committee else None,
        )
        enrolled = await store.enroll(code)
        assert enrolled is not None
        kiosk, credential = enrolled
        credential_file.write_text(credential + "\n")
        credential_file.chmod(0o600)
    if created_center:
        # figures for the supervisor's dashboard from the first minute
        await seed_demo_history(store, center.id)
    _, spare_code = await store.create_kiosk(center_id=center.id, name="演示居委会 2号机")
    spare_qr = data_dir / "enroll-kiosk-2.png"
    write_qr(spare_qr, enrollment_uri(server_url, spare_code))
    return DemoData(
        center_id=center.id,
        clerk_username="clerk",
        supervisor_username="supervisor",
        kiosk_id=kiosk.kiosk_id,
        kiosk_credential=credential,
        spare_code=spare_code,
        spare_qr=spare_qr,
    )


def run_demo(args: argparse.Namespace) -> int:
    configure_logging("WARNING")
    data_dir = args.data_dir or Path(platformdirs.user_data_dir("vwindow")) / "demo"
    data_dir.mkdir(parents=True, exist_ok=True)
    config = ServerConfig(
        host="127.0.0.1",
        port=args.port,
        data_dir=data_dir,
        # short timers so a person trying both roles does not wait
        routing=replace(RoutingConfig(), wrap_up_s=10.0),
    )
    if not args.headless and not args.no_windows:
        if has_display():
            return run_windowed_demo(config)
        print(
            "No display here, so the demo only serves: run it on a desktop (or with DISPLAY "
            "set) for the kiosk and console windows, or with --headless for a scripted visit.",
            flush=True,
        )
    try:
        return asyncio.run(_demo(config, headless=args.headless))
    except KeyboardInterrupt:
        return 0


async def _prepare(config: ServerConfig) -> tuple[str, DemoData]:
    """Migrate and seed before serving, so the server starts with the catalog and accounts
    in place; returns the server's URL and the demo's accounts."""
    database = Database(config.effective_database_url)
    try:
        await database.migrate()
        url = f"http://{config.host}:{config.port or _free_port(config.host)}"
        return url, await seed(Store(database), config.data_dir, url)
    finally:
        await database.close()


async def _serve(config: ServerConfig, url: str, *, handle_signals: bool) -> web.AppRunner:
    port = int(url.rsplit(":", 1)[1])
    runner = web.AppRunner(create_server(replace(config, port=port)), handle_signals=handle_signals)
    await runner.setup()
    await web.TCPSite(runner, config.host, port).start()
    return runner


async def _demo(config: ServerConfig, *, headless: bool) -> int:
    url, data = await _prepare(config)
    runner = await _serve(config, url, handle_signals=False)
    try:
        if headless:
            result = await scripted_visit(url, data)
            print(json.dumps(result, ensure_ascii=False))
            return 0 if result["outcome"] == "accepted" else 1
        _print_welcome(url, config, data)
        await _until_signalled()
        return 0
    finally:
        await runner.cleanup()


async def _until_signalled() -> None:
    """Until Ctrl+C or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def _print_welcome(
    url: str, config: ServerConfig, data: DemoData, *, windows: bool = False
) -> None:
    if windows:
        print(
            f"""
The kiosk (left) and the clerk console (right) are open. Log in to the console as
{data.clerk_username!r} with password {DEMO_PASSWORD!r} and set yourself available; then, at the
kiosk, choose an item, confirm the materials, use the simulated card and wait for the ring.
Log in as {data.supervisor_username!r} instead to see the supervisor's dashboard.""",
            flush=True,
        )
    print(
        f"""
vwindow demo is running at {url}  (data in {config.data_dir})

  health        {url}/healthz
  metrics       {url}/metrics
  WebSocket     {url.replace("http", "ws", 1)}/ws
  clerk         username {data.clerk_username!r}, password {DEMO_PASSWORD!r}
  2nd clerk     username 'clerk2', password {DEMO_PASSWORD!r}  (to transfer to, or invite)
  supervisor    username {data.supervisor_username!r}, password {DEMO_PASSWORD!r}
  kiosk         enrolled as {data.kiosk_id}; credential in {config.data_dir / "kiosk.credential"}
  2nd kiosk     enrollment code {data.spare_code} (QR: {data.spare_qr})

Log in:   curl -s -X POST {url}/api/v1/login \\
            -d '{{"username":"clerk","password":"{DEMO_PASSWORD}"}}'
Stop with Ctrl+C.""",
        flush=True,
    )


async def scripted_visit(url: str, data: DemoData) -> dict[str, Any]:
    """One resident's whole visit through the real server and a real call: the headless
    kiosk and the headless console, each with its own connections, in this process."""
    started = time.perf_counter()
    policy = IcePolicy.loopback()
    kiosk = HeadlessKiosk(
        KioskOptions(
            server_url=url, credential=data.kiosk_credential, item_code=DEMO_ITEM, ice_policy=policy
        ),
        Transcript("kiosk", started=started),
    )
    console = HeadlessConsole(
        ConsoleOptions(
            server_url=url, username=data.clerk_username, password=DEMO_PASSWORD, ice_policy=policy
        ),
        Transcript("console", started=started),
    )
    console_task = asyncio.create_task(console.run())
    kiosk_summary, console_summary = await asyncio.gather(kiosk.run(), console_task)
    return {
        "setup_ms": console_summary["setup_ms"],
        "pages": console_summary["pages"],
        "outcome": kiosk_summary["outcome"],
        "case_number": console_summary["case_number"],
        "page_delays_ms": console_summary["page_delays_ms"],
        "latency_p50_ms": console_summary["latency_p50_ms"],
        "rating": console_summary["rating"],
        "elapsed_ms": round((time.perf_counter() - started) * 1000, 1),
    }


# --- With a display: the kiosk and the console side by side ---------------------------------

#: the kiosk's screens are laid out for 1920×1080 panes; in half a desktop they are drawn
#: smaller so that nothing is cut off
KIOSK_SCALE = 0.7
#: the console's window needs this many pixels across at scale 1 (measured: 1472); in half a
#: narrower desktop it is drawn smaller rather than cut off at the edge
CONSOLE_WIDTH = 1480
#: asks Qt, on the display the apps will use, how wide a screen (the first one) is
_SCREEN_PROBE = (
    "from PySide6.QtGui import QGuiApplication as A; a = A([]); "
    "print(len(a.screens()), a.screens()[0].availableGeometry().width())"
)
#: how long each screen app has to end by itself after Ctrl+C before it is killed; the whole
#: demo ends within 5 s
APP_STOP_S = 4.0


def run_windowed_demo(config: ServerConfig) -> int:
    """The server in this process; the kiosk and the console each in a process of its own, as
    on the machines of a real deployment (and no app's work can stall another's loop)."""

    async def main() -> int:
        stop = asyncio.ensure_future(_until_signalled())
        try:
            return await windowed_demo(config, stop=stop)
        finally:
            stop.cancel()

    return asyncio.run(main())


async def windowed_demo(
    config: ServerConfig,
    *,
    stop: Awaitable[Any] | None = None,
    app_env: dict[str, str] | None = None,
) -> int:
    """Serve, and show the kiosk (left) and the console (right) until either window is
    closed or ``stop`` is set; then end both apps and the server."""
    url, data = await _prepare(config)
    runner = await _serve(config, url, handle_signals=False)
    env = dict(os.environ, **(app_env or {}))
    apps: list[asyncio.subprocess.Process] = []
    waits: list[asyncio.Task[Any]] = []
    try:
        apps.append(
            await _start_app(
                ("kiosk", "--demo", "--server", url),
                ("--credential-file", str(config.data_dir / "kiosk.credential")),
                ("--receipts-dir", str(config.data_dir / "receipts")),
                env=dict(env, VWINDOW_DEMO_PLACE="left", QT_SCALE_FACTOR=str(KIOSK_SCALE)),
            )
        )
        console_env = dict(env, VWINDOW_DEMO_PLACE="right")
        scale = await _console_scale(env)
        if scale < 1.0:
            console_env["QT_SCALE_FACTOR"] = f"{scale:.2f}"
        apps.append(
            await _start_app(
                ("console", "--server", url, "--username", data.clerk_username),
                env=console_env,
            )
        )
        _print_welcome(url, config, data, windows=True)
        waits = [asyncio.ensure_future(app.wait()) for app in apps]
        if stop is not None:
            waits.append(asyncio.ensure_future(stop))
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        return 0
    finally:
        for wait in waits:
            wait.cancel()
        await asyncio.gather(*(_end_app(app) for app in apps))
        await runner.cleanup()


async def _console_scale(env: dict[str, str]) -> float:
    """How small the console must be drawn to fit its half of the screen (1.0: as it is;
    also when the screen cannot be measured, or there are two screens)."""
    if "QT_SCALE_FACTOR" in env:
        return 1.0  # the person chose
    probe = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _SCREEN_PROBE,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        out, _ = await asyncio.wait_for(probe.communicate(), 20)
        screens, width = (int(v) for v in out.split()[-2:])
    except (TimeoutError, ValueError):
        with contextlib.suppress(ProcessLookupError):
            probe.kill()
        return 1.0
    if screens > 1:
        return 1.0
    return max(0.5, min(1.0, (width // 2) / CONSOLE_WIDTH))


async def _start_app(*args: tuple[str, ...], env: dict[str, str]) -> asyncio.subprocess.Process:
    # a session of its own: Ctrl+C in the terminal reaches the demo only, which then ends
    # each app in order (the kiosk wipes the visit's data on SIGTERM)
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "vwindow",
        *(part for group in args for part in group),
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        start_new_session=True,
    )


async def _end_app(app: asyncio.subprocess.Process) -> None:
    if app.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        app.terminate()
    try:
        await asyncio.wait_for(app.wait(), APP_STOP_S)
    except TimeoutError:
        log.warning("pid %d did not end on SIGTERM within %.0f s: killed", app.pid, APP_STOP_S)
        with contextlib.suppress(ProcessLookupError):
            app.kill()
        await app.wait()
