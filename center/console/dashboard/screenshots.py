"""Pictures of the dashboard for the docs: a real server on a scratch SQLite database with two
weeks of demo history, the widget loading its figures over HTTP, and a live board.

``python -m center.console.dashboard.screenshots OUTDIR`` (the console's screenshot command
calls :func:`render_dashboard_screenshots`). The history ends on a fixed Friday afternoon so
the pictures do not change from run to run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
import sys
import tempfile
from pathlib import Path

import aiohttp
from aiohttp import web
from PySide6.QtWidgets import QApplication

from center.console.dashboard import model
from center.console.dashboard.widget import DashboardWidget
from center.records.demo_history import seed_demo_history
from shared import catalog
from shared import protocol as p
from shared.ui.loop import qt_application, run_with_qt
from signaling.config import ServerConfig
from signaling.store.db import Database
from signaling.store.repo import Store
from vwindow.server import create_server

#: the afternoon the pictures show (a Friday, 15:40 in Shanghai)
PICTURE_NOW = dt.datetime(2026, 11, 20, 7, 40, tzinfo=dt.UTC)
SIZE = (1600, 1000)
#: the scratch supervisor's password (the database is deleted after the pictures)
PASSWORD = secrets.token_urlsafe(16)


async def _prepare(database_url: str) -> tuple[str, dict[str, str]]:
    """A center like the demo's, with three clerks and three committees' kiosks, and its
    history; returns the center id and the clerks' ids by name."""
    database = Database(database_url)
    await database.migrate()
    store = Store(database)
    try:
        items = catalog.load_catalog(catalog.default_catalog_path())
        await store.import_catalog(items)
        skills = sorted({item.skill for item in items})
        district = await store.create_site("静安区", "district")
        street = await store.create_site("临汾路街道", "street", district.id)
        center = await store.create_center("临汾路街道社区事务受理服务中心", street.id)
        for committee in ("汾西路居委会", "岭南路居委会", "阳曲路居委会"):
            site = await store.create_site(committee, "committee", street.id)
            await store.create_kiosk(
                center_id=center.id, name=f"{committee} 1号机", site_id=site.id
            )
        clerks = {}
        for username, name, role in (
            ("wang", "王老师", "clerk"),
            ("li", "李老师", "clerk"),
            ("zhang", "张老师", "clerk"),
            ("zhao", "赵主任", "supervisor"),
        ):
            staff = await store.create_staff(
                center_id=center.id,
                username=username,
                display_name=name,
                password=PASSWORD,
                role=role,
                skills=skills if role == "clerk" else [],
                window_no="3",
            )
            clerks[name] = staff.staff_id
        await seed_demo_history(store, center.id, days=14, now=PICTURE_NOW)
        return center.id, clerks
    finally:
        await database.close()


def live_snapshot(center_id: str, clerks: dict[str, str]) -> p.CenterSnapshot:
    """A busy moment: three residents waiting, the clerks serving, ringing and away."""
    at = PICTURE_NOW.timestamp()
    queue = [
        p.QueueEntryView(
            request_id="r-1",
            item_code="YB-003",
            skill="yibao",
            priority=p.Priority.PRIORITY,
            status=p.RequestStatus.WAITING,
            waited_s=312.0,
            kiosk_name="汾西路居委会 1号机",
        ),
        p.QueueEntryView(
            request_id="r-2",
            item_code="MZ-001",
            skill="minzheng",
            priority=p.Priority.NORMAL,
            status=p.RequestStatus.RINGING,
            waited_s=95.0,
            kiosk_name="岭南路居委会 1号机",
            clerk_id=clerks["李老师"],
        ),
        p.QueueEntryView(
            request_id="r-3",
            item_code="GA-002",
            skill="huzheng",
            priority=p.Priority.NORMAL,
            status=p.RequestStatus.WAITING,
            waited_s=41.0,
            kiosk_name="阳曲路居委会 1号机",
        ),
        p.QueueEntryView(
            request_id="r-4",
            item_code="RS-001",
            skill="renshe",
            priority=p.Priority.NORMAL,
            status=p.RequestStatus.IN_CALL,
            waited_s=480.0,
            kiosk_name="汾西路居委会 1号机",
            clerk_id=clerks["王老师"],
        ),
    ]
    views = [
        p.ClerkView(
            staff_id=clerks["王老师"],
            name="王老师",
            state=p.ClerkState.BUSY,
            since=at - 260,
            skills=["renshe", "yibao"],
            request_id="r-4",
        ),
        p.ClerkView(
            staff_id=clerks["李老师"],
            name="李老师",
            state=p.ClerkState.RINGING,
            since=at - 6,
            skills=["minzheng"],
            request_id="r-2",
        ),
        p.ClerkView(
            staff_id=clerks["张老师"],
            name="张老师",
            state=p.ClerkState.WRAP_UP,
            since=at - 18,
            skills=["huzheng", "yibao"],
        ),
        p.ClerkView(
            staff_id=clerks["赵主任"],
            name="赵主任",
            state=p.ClerkState.AWAY,
            since=at - 1500,
            skills=[],
        ),
    ]
    return p.CenterSnapshot(center_id=center_id, at=at, queue=queue, clerks=views)


async def _settle(seconds: float = 0.3) -> None:
    """Let the loop deliver paint and layout events (never a nested processEvents: qasync
    runs its callbacks from the same Qt loop)."""
    await asyncio.sleep(seconds)


async def render_dashboard_screenshots_async(outdir: Path) -> list[Path]:
    """The pictures, on the running qasync loop; returns the files written."""
    app = qt_application()
    await asyncio.to_thread(outdir.mkdir, parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="vwindow-shots-") as scratch:
        url = f"sqlite:///{Path(scratch) / 'vwindow.db'}"
        center_id, clerks = await _prepare(url)
        config = ServerConfig(
            host="127.0.0.1", port=0, data_dir=Path(scratch) / "data", database_url=url
        )
        runner = web.AppRunner(create_server(config), shutdown_timeout=2)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        server_url = f"http://127.0.0.1:{runner.addresses[0][1]}"
        widget: DashboardWidget | None = None
        try:
            async with aiohttp.ClientSession() as http:
                async with http.post(
                    f"{server_url}/api/v1/login", json={"username": "zhao", "password": PASSWORD}
                ) as response:
                    token = (await response.json())["token"]
                today = model.local_today(PICTURE_NOW)
                widget = DashboardWidget(
                    server_url, token, http, today=lambda: today, refresh_s=3600
                )
                widget.resize(*SIZE)
                widget.show()
                widget.on_snapshot(live_snapshot(center_id, clerks))
                return await _shoot(app, widget, outdir)
        finally:
            if widget is not None:
                widget.stop()
                await widget.settled()
                # hidden, not closed: closing the last window would end the caller's loop
                widget.hide()
                widget.deleteLater()
            await runner.cleanup()


async def _shoot(app: QApplication, widget: DashboardWidget, outdir: Path) -> list[Path]:
    written = []

    async def take(name: str) -> None:
        await _settle()
        path = outdir / name
        if not widget.grab().save(str(path)):
            raise RuntimeError(f"could not write {path}")
        written.append(path)

    widget.set_grouping("item")
    widget.set_period("today")
    await widget.settled()
    await take("dashboard.png")
    widget.figure_tabs.setCurrentIndex(1)
    await take("dashboard-charts-today.png")
    widget.set_period("last_7_days")
    widget.set_grouping("clerk")
    await widget.settled()
    await take("dashboard-charts-week.png")
    widget.figure_tabs.setCurrentIndex(0)
    await take("dashboard-week-clerks.png")
    return written


def render_dashboard_screenshots(outdir: Path | str) -> list[Path]:
    """The dashboard pictures in ``outdir`` (``dashboard*.png``). Runs its own qasync loop;
    from code already on one, await :func:`render_dashboard_screenshots_async`."""
    app = qt_application()
    written: list[Path] = []

    async def main() -> int:
        written.extend(await render_dashboard_screenshots_async(Path(outdir)))
        return 0

    run_with_qt(app, main)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m center.console.dashboard.screenshots OUTDIR", file=sys.stderr)
        return 2
    for path in render_dashboard_screenshots(args[0]):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
