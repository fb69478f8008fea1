"""The dashboard widget offscreen on the qasync loop, as the console runs it: fed real
snapshots from a real server, loading figures over HTTP, drawing charts, exporting the CSV."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from PySide6.QtCharts import QBarCategoryAxis
from PySide6.QtWidgets import QApplication, QTableWidget

from center.console.dashboard import I18N, DashboardWidget
from shared import protocol as p
from shared.ui.i18n import Translations, compile_translations
from shared.ui.loop import run_with_qt
from tests.conftest import Peer, Seed
from tests.dashboard.conftest import StatsServer, stats_config
from tests.dashboard.test_stats_api import known_history

DAY = dt.date(2026, 11, 10)


def cells(table: QTableWidget) -> list[list[str]]:
    return [
        [table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def run(qapp: QApplication, body: Callable[[], Awaitable[None]]) -> None:
    async def main() -> int:
        # a hang fails the test: the Qt loop would not give way to pytest's own timeout
        await asyncio.wait_for(body(), 90)
        return 0

    # the test's windows come and go; the loop ends with the test, not with a window
    qapp.setQuitOnLastWindowClosed(False)
    try:
        assert run_with_qt(qapp, main) == 0
    finally:
        qapp.setQuitOnLastWindowClosed(True)


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


def test_live_board_counts_on_and_an_unreachable_server_is_shown(qapp: QApplication) -> None:
    now = [1000.0]

    async def body() -> None:
        async with aiohttp.ClientSession() as http:
            widget = DashboardWidget(
                "http://127.0.0.1:9", "token", http, clock=lambda: now[0]
            )
            try:
                snap = p.CenterSnapshot(
                    center_id="c",
                    at=5000.0,
                    queue=[
                        p.QueueEntryView(request_id="a", item_code="MZ-001", skill="minzheng",
                                         priority=p.Priority.APPOINTMENT,
                                         status=p.RequestStatus.HELD, waited_s=298.0,
                                         kiosk_name="一号机"),
                    ],
                    clerks=[
                        p.ClerkView(staff_id="k", name="甲", state=p.ClerkState.WRAP_UP,
                                    since=4990.0, skills=[]),
                    ],
                )
                widget.on_snapshot(snap)
                assert cells(widget.queue_table) == [
                    ["MZ-001", "一号机", "4:58", "预约", "暂离保留"]
                ]
                assert cells(widget.clerk_table) == [["甲", "整理", "0:10", ""]]
                now[0] += 5
                await asyncio.sleep(1.2)  # the once-a-second tick redraws
                assert widget.queue_table.item(0, 2).text() == "5:03"
                assert widget.clerk_table.item(0, 2).text() == "0:15"
                assert widget.queue_title.text() == "实时队列（1 人等待）"
                await until(lambda: widget.error is not None)
                assert widget.status.text().startswith("未能更新")
                assert widget.figures is None
            finally:
                widget.stop()
                await widget.settled()
                widget.deleteLater()

    run(qapp, body)


async def real_snapshot(server: StatsServer, seeded: Seed, sue: str) -> tuple[Any, list[Peer]]:
    """A kiosk waits, a second one rings at Bob: the server's own snapshot of that moment."""
    supervisor = await Peer.connect(server.ws_url, sue)
    await supervisor.send(p.WatchCenter())
    first = await Peer.connect(server.ws_url, seeded.kiosk_credentials[0])
    await first.send(p.JoinQueue(item_code="MZ-001"))
    second = await Peer.connect(server.ws_url, seeded.kiosk_credentials[1])
    await second.send(p.JoinQueue(item_code="YB-003"))
    bob = await Peer.connect(server.ws_url, await server.login("bob"))
    await bob.send(p.SetClerkState(state="available"))
    snap = await supervisor.expect(
        p.CenterSnapshot,
        lambda m: len(m.queue) == 2 and any(c.state == "ringing" for c in m.clerks),
    )
    return snap, [supervisor, first, second, bob]


def test_dashboard_against_a_real_server(
    qapp: QApplication, database_url: str, seeded: Seed, tmp_path: Path
) -> None:
    async def body() -> None:
        server = StatsServer(stats_config(database_url, tmp_path))
        await server.start()
        peers: list[Peer] = []
        try:
            await known_history(server, seeded)
            sue = await server.login("sue")
            async with aiohttp.ClientSession() as http:
                widget = DashboardWidget(server.url, sue, http, today=lambda: DAY)
                try:
                    await check_widget(widget, server, seeded, sue, http, peers, tmp_path)
                finally:
                    widget.stop()
                    await widget.settled()
                    widget.hide()
                    widget.deleteLater()
        finally:
            await asyncio.gather(*(peer.close() for peer in peers), return_exceptions=True)
            await server.stop()

    run(qapp, body)


async def check_widget(
    widget: DashboardWidget,
    server: StatsServer,
    seeded: Seed,
    sue: str,
    http: aiohttp.ClientSession,
    peers: list[Peer],
    tmp_path: Path,
) -> None:
    widget.resize(1400, 900)
    widget.show()
    # the first load starts by itself once the loop runs
    await until(lambda: widget.figures is not None)
    await widget.settled()

    snap, opened = await real_snapshot(server, seeded, sue)
    peers.extend(opened)
    widget.on_snapshot(snap)
    queue = cells(widget.queue_table)
    assert len(queue) == 2
    assert {row[0][:6] for row in queue} == {"老年综合津贴", "长期护理保险"}  # catalog names
    assert {row[1] for row in queue} == {"测试机1", "测试机2"}
    assert {row[4] for row in queue} == {"等待中", "振铃中"}
    clerks = {row[0]: row for row in cells(widget.clerk_table)}
    assert clerks["Bob"][1] == "振铃" and clerks["Bob"][3].startswith("长期护理保险")
    assert clerks["Sue"][1] == "离开"

    # the figures of the known day, grouped by item, as the API gives them
    async def api(path: str, **params: str) -> aiohttp.ClientResponse:
        response = await http.get(
            f"{server.url}{path}", params=params, headers={"Authorization": f"Bearer {sue}"}
        )
        await response.read()
        return response

    body = await (await api("/api/v1/stats", **{"from": "2026-11-10", "to": "2026-11-10"})).json()
    assert widget.query() == {"from": "2026-11-10", "to": "2026-11-10", "by": "item",
                              "sla_s": "60"}
    assert widget.figures == body
    table = cells(widget.figure_table)
    assert [row[0] for row in table] == [g["name"] for g in body["groups"]] + ["合计"]
    header = [widget.figure_table.horizontalHeaderItem(c).text()
              for c in range(widget.figure_table.columnCount())]
    total = dict(zip(header, table[-1], strict=True))
    assert total["受理量"] == "4" and total["服务水平"] == "50.0%" and total["办不成事"] == "2"
    tiles = {name: tile.value.text() for name, tile in widget.tiles.items()}
    assert tiles["volume"] == "4 件" and tiles["wait"] == "0:30 / 1:30"
    assert tiles["service_level"] == "50.0%" and tiles["rating"] == "3.50 · 50.0%"

    # charts: hourly volume, waits, ratings
    volume = widget.volume_chart.series_values()
    assert volume["受理量"][9] == 2 and sum(volume["受理量"]) == 4
    assert sum(volume["接通量"]) == 3
    axis = next(a for a in widget.volume_chart.view.chart().axes()
                if isinstance(a, QBarCategoryAxis))
    assert axis.count() == 24
    waits = widget.wait_chart.series_points()
    assert waits["中位数"][0] == (9.0, 30.0) and waits["P90"][0] == (9.0, 90.0)
    assert widget.rating_chart.series_values()["评价数"] == [0, 1, 0, 0, 1]

    # a custom week by clerk
    widget.set_grouping("clerk")
    widget.set_period("custom", (dt.date(2026, 11, 4), DAY))
    await widget.settled()
    assert widget.figures is not None
    assert widget.figures["period"]["by"] == "clerk"
    assert widget.figures["totals"]["volume"] == 5
    assert {row[0] for row in cells(widget.figure_table)} == {"Alice", "Bob", "未接通", "合计"}
    assert sum(widget.volume_chart.series_values()["受理量"]) == 5
    assert widget.wait_chart.view.chart().title() == "等待时长"

    # CSV export: the very file the API gives for the same choice
    target = tmp_path / "导出" / "figures.csv"
    target.parent.mkdir()
    assert await widget.export_csv(target)
    expected = await (await api("/api/v1/stats.csv", **widget.query())).read()
    assert target.read_bytes() == expected
    assert expected.startswith(b"\xef\xbb\xbf") and "人员".encode() in expected
    assert widget.status.text().startswith("已导出到")
    assert not await widget.export_csv(tmp_path / "missing-folder" / "x.csv")
    assert widget.status.text().startswith("导出失败")


def test_english_translation_is_complete(qapp: QApplication, tmp_path: Path) -> None:
    folder = tmp_path / "center" / "i18n"
    folder.mkdir(parents=True)
    shutil.copy(I18N / "dashboard_en.ts", folder)
    compile_translations(tmp_path)
    ts = (I18N / "dashboard_en.ts").read_text(encoding="utf-8")
    assert 'type="unfinished"' not in ts and "<translation></translation>" not in ts
    translations = Translations(qapp, {"dashboard": folder})

    async def body() -> None:
        async with aiohttp.ClientSession() as http:
            widget = DashboardWidget("http://127.0.0.1:9", "token", http)
            try:
                assert translations.set_language("en")
                await asyncio.sleep(0.1)  # the language-change events arrive
                assert widget.period_box.itemText(0) == "Today"
                assert widget.export_button.text() == "Export CSV"
                assert widget.figure_tabs.tabText(1) == "Charts"
            finally:
                translations.set_language("zh_CN")
                await asyncio.sleep(0.1)
                assert widget.period_box.itemText(0) == "今天"
                widget.stop()
                await widget.settled()
                widget.deleteLater()

    run(qapp, body)


@pytest.mark.parametrize("outdir", ["shots"])
def test_screenshots_are_written(qapp: QApplication, tmp_path: Path, outdir: str) -> None:
    from center.console.dashboard.screenshots import render_dashboard_screenshots

    written = render_dashboard_screenshots(tmp_path / outdir)
    assert [p.name for p in written] == [
        "dashboard.png",
        "dashboard-charts-today.png",
        "dashboard-charts-week.png",
        "dashboard-week-clerks.png",
    ]
    for path in written:
        assert path.stat().st_size > 20_000
