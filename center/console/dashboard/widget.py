"""The supervisor's dashboard: the live queue and every clerk's state (from the snapshots the
console receives), and the figures of a chosen period (from ``/api/v1/stats``) as tiles, a
table and charts, with CSV export. Network calls run as tasks on the console's qasync loop,
so the window never waits on them."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
from PySide6.QtCore import QCoreApplication, QDate, QEvent, Qt, QTimer
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from center.console.dashboard import model
from center.console.dashboard.charts import RatingChart, VolumeChart, WaitChart
from center.records import stats
from shared import protocol as p

log = logging.getLogger(__name__)

# how often the figures are fetched again while the dashboard is open
REFRESH_S = 60.0
# how often the live waits and durations count on between snapshots
TICK_MS = 1000
STATE_COLOURS = {
    p.ClerkState.AVAILABLE: "#2e8b57",
    p.ClerkState.RINGING: "#d2691e",
    p.ClerkState.BUSY: "#2f6fb3",
    p.ClerkState.WRAP_UP: "#8e44ad",
    p.ClerkState.AWAY: "#7f8c8d",
    p.ClerkState.OFFLINE: "#b0b0b0",
}
# a wait longer than this is shown in red on the live queue
LONG_WAIT_S = 300.0


translate = QCoreApplication.translate


def _fill(template: str, *values: object) -> str:
    """Qt's ``%1 %2`` placeholders filled in (PySide's ``tr`` gives a plain ``str``)."""
    for index in range(len(values), 0, -1):
        template = template.replace(f"%{index}", str(values[index - 1]))
    return template


W = TypeVar("W", bound=QWidget)


def _sized(widget: W, points: int, bold: bool = False) -> W:
    font = QFont(widget.font())
    font.setPointSize(points)
    font.setBold(bold)
    widget.setFont(font)
    return widget


def state_name(state: p.ClerkState) -> str:
    return {
        p.ClerkState.AVAILABLE: translate("DashboardWidget", "空闲"),
        p.ClerkState.RINGING: translate("DashboardWidget", "振铃"),
        p.ClerkState.BUSY: translate("DashboardWidget", "通话中"),
        p.ClerkState.WRAP_UP: translate("DashboardWidget", "整理"),
        p.ClerkState.AWAY: translate("DashboardWidget", "离开"),
        p.ClerkState.OFFLINE: translate("DashboardWidget", "离线"),
    }[state]


def priority_name(priority: p.Priority) -> str:
    return {
        p.Priority.NORMAL: translate("DashboardWidget", "普通"),
        p.Priority.PRIORITY: translate("DashboardWidget", "优先"),
        p.Priority.APPOINTMENT: translate("DashboardWidget", "预约"),
    }[priority]


def status_name(status: p.RequestStatus) -> str:
    return {
        p.RequestStatus.WAITING: translate("DashboardWidget", "等待中"),
        p.RequestStatus.HELD: translate("DashboardWidget", "暂离保留"),
        p.RequestStatus.RINGING: translate("DashboardWidget", "振铃中"),
        p.RequestStatus.IN_CALL: translate("DashboardWidget", "通话中"),
    }[status]


def period_names() -> dict[str, str]:
    return {
        "today": translate("DashboardWidget", "今天"),
        "yesterday": translate("DashboardWidget", "昨天"),
        "last_7_days": translate("DashboardWidget", "最近7天"),
        "this_month": translate("DashboardWidget", "本月"),
        "custom": translate("DashboardWidget", "自定义"),
    }


def grouping_names() -> dict[str, str]:
    return {
        "item": translate("DashboardWidget", "事项"),
        "site": translate("DashboardWidget", "站点"),
        "clerk": translate("DashboardWidget", "人员"),
    }


def figure_titles() -> dict[str, str]:
    """The table's column titles, in the order of the CSV file."""
    return {
        "volume": translate("DashboardWidget", "受理量"),
        "answered": translate("DashboardWidget", "接通量"),
        "abandoned": translate("DashboardWidget", "放弃量"),
        "abandonment_rate": translate("DashboardWidget", "放弃率"),
        "wait_p50_s": translate("DashboardWidget", "等待中位数(秒)"),
        "wait_p90_s": translate("DashboardWidget", "等待P90(秒)"),
        "handle_mean_s": translate("DashboardWidget", "平均办理(秒)"),
        "handle_p50_s": translate("DashboardWidget", "办理中位数(秒)"),
        "service_level": translate("DashboardWidget", "服务水平"),
        "first_time_success_rate": translate("DashboardWidget", "一次办成率"),
        "rated": translate("DashboardWidget", "评价数"),
        "rating_mean": translate("DashboardWidget", "平均评分"),
        "bad_rating_share": translate("DashboardWidget", "差评率"),
        "ratings.1": translate("DashboardWidget", "非常不满意"),
        "ratings.2": translate("DashboardWidget", "不满意"),
        "ratings.3": translate("DashboardWidget", "基本满意"),
        "ratings.4": translate("DashboardWidget", "满意"),
        "ratings.5": translate("DashboardWidget", "非常满意"),
        "cannot_be_done": translate("DashboardWidget", "办不成事"),
    }


class Tile(QFrame):
    """One headline figure: a big value over a small caption."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("Tile { background: #f4f7fb; border-radius: 6px; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        self.value = _sized(QLabel("—"), 20, bold=True)
        self.caption = _sized(QLabel(), 11)
        self.caption.setStyleSheet("color: #555;")
        layout.addWidget(self.value)
        layout.addWidget(self.caption)

    def set(self, caption: str, value: str) -> None:
        self.caption.setText(caption)
        self.value.setText(value or "—")


def _table(columns: int) -> QTableWidget:
    table = QTableWidget(0, columns)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.setAlternatingRowColors(True)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    _sized(table, 12)
    return table


def _cell(text: str, *, align_right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class DashboardWidget(QWidget):
    """Embedded by the console for supervisors; ``on_snapshot`` is fed every live snapshot."""

    def __init__(
        self,
        server_url: str,
        token: str,
        http: aiohttp.ClientSession,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], dt.date] = model.local_today,
        refresh_s: float = REFRESH_S,
    ) -> None:
        super().__init__(parent)
        self.server_url = server_url.rstrip("/")
        self.token = token
        self.http = http
        self.clock = clock
        self.today = today
        self.live = model.LiveBoard()
        # the latest figures (the JSON of /api/v1/stats), None before the first load
        self.figures: dict[str, Any] | None = None
        self.item_names: dict[str, str] = {}
        self.error: str | None = None
        self._refresh_task: asyncio.Task[None] | None = None
        self._export_task: asyncio.Task[bool] | None = None
        self._build()
        self._retranslate()
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._render_live)
        self._tick.start()
        self._auto = QTimer(self)
        self._auto.setInterval(int(refresh_s * 1000))
        self._auto.timeout.connect(self.refresh_soon)
        self._auto.start()
        QTimer.singleShot(0, self.refresh_soon)

    # --- Layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        root = QVBoxLayout(self)
        live = QHBoxLayout()
        queue_box = QVBoxLayout()
        self.queue_title = _sized(QLabel(), 14, bold=True)
        self.queue_table = _table(5)
        queue_box.addWidget(self.queue_title)
        queue_box.addWidget(self.queue_table)
        clerk_box = QVBoxLayout()
        self.clerk_title = _sized(QLabel(), 14, bold=True)
        self.clerk_table = _table(4)
        clerk_box.addWidget(self.clerk_title)
        clerk_box.addWidget(self.clerk_table)
        live.addLayout(queue_box, 3)
        live.addLayout(clerk_box, 2)
        root.addLayout(live, 2)

        controls = QHBoxLayout()
        self.period_label = QLabel()
        self.period_box = QComboBox()
        for preset in model.PRESETS:
            self.period_box.addItem("", preset)
        self.first_edit = QDateEdit()
        self.last_edit = QDateEdit()
        for edit in (self.first_edit, self.last_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(_qdate(self.today()))
        self.to_label = QLabel()
        self.group_label = QLabel()
        self.group_box = QComboBox()
        for grouping in stats.GROUPINGS:
            self.group_box.addItem("", grouping)
        self.sla_label = QLabel()
        self.sla_box = QSpinBox()
        self.sla_box.setRange(5, 3600)
        self.sla_box.setSingleStep(15)
        self.sla_box.setValue(int(stats.DEFAULT_SLA_S))
        self.refresh_button = QPushButton()
        self.export_button = QPushButton()
        self.status = QLabel()
        self.status.setStyleSheet("color: #555;")
        for widget in (
            self.period_label,
            self.period_box,
            self.first_edit,
            self.to_label,
            self.last_edit,
            self.group_label,
            self.group_box,
            self.sla_label,
            self.sla_box,
            self.refresh_button,
            self.export_button,
        ):
            _sized(widget, 12)
            controls.addWidget(widget)
        controls.addWidget(self.status, 1)
        root.addLayout(controls)

        tiles = QGridLayout()
        self.tiles = {name: Tile() for name in TILE_FIGURES}
        for column, tile in enumerate(self.tiles.values()):
            tiles.addWidget(tile, 0, column)
        root.addLayout(tiles)

        self.figure_tabs = QTabWidget()
        self.figure_table = _table(2 + len(stats.CSV_COLUMNS))
        self.figure_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        charts = QWidget()
        grid = QGridLayout(charts)
        self.volume_chart = VolumeChart()
        self.wait_chart = WaitChart()
        self.rating_chart = RatingChart()
        grid.addWidget(self.volume_chart.view, 0, 0, 1, 2)
        grid.addWidget(self.wait_chart.view, 1, 0)
        grid.addWidget(self.rating_chart.view, 1, 1)
        self.figure_tabs.addTab(self.figure_table, "")
        self.figure_tabs.addTab(charts, "")
        root.addWidget(self.figure_tabs, 5)

        self.period_box.currentIndexChanged.connect(self._period_changed)
        self.group_box.currentIndexChanged.connect(self.refresh_soon)
        self.first_edit.dateChanged.connect(self._dates_changed)
        self.last_edit.dateChanged.connect(self._dates_changed)
        self.sla_box.editingFinished.connect(self.refresh_soon)
        self.refresh_button.clicked.connect(self.refresh_soon)
        self.export_button.clicked.connect(self._export_clicked)
        self._period_changed()

    def _retranslate(self) -> None:
        self.period_label.setText(self.tr("统计期间"))
        for index, name in enumerate(period_names().values()):
            self.period_box.setItemText(index, name)
        self.to_label.setText(self.tr("至"))
        self.group_label.setText(self.tr("分组"))
        for index, name in enumerate(grouping_names().values()):
            self.group_box.setItemText(index, name)
        self.sla_label.setText(self.tr("服务水平阈值"))
        self.sla_box.setSuffix(self.tr(" 秒"))
        self.refresh_button.setText(self.tr("刷新"))
        self.export_button.setText(self.tr("导出CSV"))
        self.queue_table.setHorizontalHeaderLabels(
            [self.tr("事项"), self.tr("站点/终端"), self.tr("已等待"), self.tr("优先级"),
             self.tr("状态")]
        )
        self.clerk_table.setHorizontalHeaderLabels(
            [self.tr("人员"), self.tr("状态"), self.tr("持续"), self.tr("当前事项")]
        )
        self.figure_tabs.setTabText(0, self.tr("指标明细"))
        self.figure_tabs.setTabText(1, self.tr("图表"))
        self._render_live()
        self._render_figures()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    # --- Live board -------------------------------------------------------------------------

    def on_snapshot(self, snapshot: p.CenterSnapshot) -> None:
        self.live.update(snapshot, self.clock())
        self._render_live()

    def _item_name(self, code: str) -> str:
        return self.item_names.get(code, code)

    def _render_live(self) -> None:
        board = self.live.board(self.clock())
        self.queue_title.setText(_fill(self.tr("实时队列（%1 人等待）"), len(board.queue)))
        self.queue_table.setRowCount(len(board.queue))
        for row, entry in enumerate(board.queue):
            waited = _cell(model.clock_text(entry.waited_s), align_right=True)
            if entry.waited_s >= LONG_WAIT_S:
                waited.setForeground(QColor("#c0392b"))
            cells = [
                _cell(self._item_name(entry.item_code)),
                _cell(entry.kiosk_name),
                waited,
                _cell(priority_name(entry.priority)),
                _cell(status_name(entry.status)),
            ]
            for column, cell in enumerate(cells):
                self.queue_table.setItem(row, column, cell)
        self.queue_table.resizeColumnsToContents()
        serving = board.count(p.ClerkState.BUSY)
        free = board.count(p.ClerkState.AVAILABLE)
        self.clerk_title.setText(
            _fill(self.tr("人员状态（通话 %1 · 空闲 %2）"), serving, free)
        )
        self.clerk_table.setRowCount(len(board.clerks))
        for row, clerk in enumerate(board.clerks):
            state = _cell(state_name(clerk.state))
            state.setForeground(QColor(STATE_COLOURS[clerk.state]))
            font = state.font()
            font.setBold(True)
            state.setFont(font)
            cells = [
                _cell(clerk.name),
                state,
                _cell(model.clock_text(clerk.for_s), align_right=True),
                _cell(self._item_name(clerk.item_code) if clerk.item_code else ""),
            ]
            for column, cell in enumerate(cells):
                self.clerk_table.setItem(row, column, cell)
        self.clerk_table.resizeColumnsToContents()

    # --- Period and figures -----------------------------------------------------------------

    def period(self) -> tuple[dt.date, dt.date]:
        preset = str(self.period_box.currentData())
        custom = (_pydate(self.first_edit.date()), _pydate(self.last_edit.date()))
        return model.period(preset, self.today(), custom)

    def query(self) -> dict[str, str]:
        first, last = self.period()
        return {
            "from": first.isoformat(),
            "to": last.isoformat(),
            "by": str(self.group_box.currentData()),
            "sla_s": str(self.sla_box.value()),
        }

    def set_period(self, preset: str, custom: tuple[dt.date, dt.date] | None = None) -> None:
        if custom is not None:
            self.first_edit.setDate(_qdate(custom[0]))
            self.last_edit.setDate(_qdate(custom[1]))
        self.period_box.setCurrentIndex(model.PRESETS.index(preset))

    def set_grouping(self, grouping: str) -> None:
        self.group_box.setCurrentIndex(stats.GROUPINGS.index(grouping))

    def _period_changed(self) -> None:
        custom = self.period_box.currentData() == "custom"
        self.first_edit.setEnabled(custom)
        self.last_edit.setEnabled(custom)
        if not custom:
            first, last = self.period()
            for edit, day in ((self.first_edit, first), (self.last_edit, last)):
                edit.blockSignals(True)
                edit.setDate(_qdate(day))
                edit.blockSignals(False)
        self.refresh_soon()

    def _dates_changed(self) -> None:
        if self.period_box.currentData() == "custom":
            self.refresh_soon()

    def refresh_soon(self) -> None:
        """Fetch the figures again in the background (a newer request replaces one under
        way); without a running loop (no network yet) nothing happens."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        if self._refresh_task is not None and not self._refresh_task.done():
            self._refresh_task.cancel()
        self._refresh_task = loop.create_task(self.refresh())

    async def settled(self) -> None:
        """Wait until the figures fetch under way (if any, and any that replaces it) ends."""
        while self._refresh_task is not None and not self._refresh_task.done():
            await asyncio.wait([self._refresh_task])
        if self._export_task is not None and not self._export_task.done():
            await asyncio.wait([self._export_task])

    async def _get(self, path: str, params: dict[str, str] | None = None) -> aiohttp.ClientResponse:
        response = await self.http.get(
            f"{self.server_url}{path}",
            params=params,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=aiohttp.ClientTimeout(total=20),
        )
        await response.read()
        if response.status != 200:
            try:
                reason = (await response.json())["error"]["reason"]
            except (ValueError, KeyError, TypeError, aiohttp.ContentTypeError):
                reason = response.reason or ""
            raise DashboardError(response.status, str(reason))
        return response

    async def refresh(self) -> None:
        """Load the figures of the chosen period and show them."""
        query = self.query()
        self.status.setText(self.tr("正在更新…"))
        try:
            if not self.item_names:
                await self._load_item_names()
            response = await self._get("/api/v1/stats", query)
            body = await response.json()
        except asyncio.CancelledError:
            raise
        except (aiohttp.ClientError, TimeoutError, DashboardError) as exc:
            self.error = str(exc)
            log.warning("figures not loaded: %s", exc)
            self.status.setText(_fill(self.tr("未能更新：%1"), self.error))
            return
        if query != self.query():
            return  # the choice changed meanwhile; its own refresh is on the way
        self.figures = body
        self.error = None
        self._render_figures()
        stamp = dt.datetime.now().strftime("%H:%M:%S")
        self.status.setText(_fill(self.tr("更新于 %1"), stamp))

    async def _load_item_names(self) -> None:
        with contextlib.suppress(DashboardError):
            response = await self._get("/api/v1/catalog")
            items = (await response.json())["items"]
            self.item_names = {item["code"]: item["name"] for item in items}
            self._render_live()

    def _render_figures(self) -> None:
        body = self.figures
        titles = figure_titles()
        by = str(self.group_box.currentData())
        group_title = grouping_names().get(by, by)
        if body is not None:
            by = body["period"]["by"]
            group_title = grouping_names().get(by, by)
        headers = [group_title] + [titles[name] for _, name in stats.CSV_COLUMNS]
        self.figure_table.setColumnCount(len(headers))
        self.figure_table.setHorizontalHeaderLabels(headers)
        if body is None:
            self.figure_table.setRowCount(0)
            return
        rows = [*body["groups"], {"name": self.tr("合计"), **body["totals"]}]
        self.figure_table.setRowCount(len(rows))
        for row, data in enumerate(rows):
            cells = [_cell(str(data["name"]))]
            for _, figure in stats.CSV_COLUMNS:
                value = stats.format_figure(figure, stats.figure_value(data, figure))
                cells.append(_cell(value, align_right=True))
            for column, cell in enumerate(cells):
                if row == len(rows) - 1:
                    font = cell.font()
                    font.setBold(True)
                    cell.setFont(font)
                self.figure_table.setItem(row, column, cell)
        self._render_tiles(body)
        self.volume_chart.show(body)
        self.wait_chart.show(body)
        self.rating_chart.show(body)

    def _render_tiles(self, body: dict[str, Any]) -> None:
        totals = body["totals"]
        sla = body["period"]["sla_s"]
        captions = {
            "volume": self.tr("受理量"),
            "wait": self.tr("等待 中位数 / P90"),
            "handle_mean_s": self.tr("平均办理时长"),
            "service_level": _fill(self.tr("服务水平（%1秒内接通）"), f"{sla:g}"),
            "first_time_success_rate": self.tr("一次办成率"),
            "rating": self.tr("平均评分 · 差评率"),
            "cannot_be_done": self.tr("办不成事"),
        }
        values = {
            "volume": _fill(self.tr("%1 件"), totals["volume"]),
            "wait": f"{model.clock_text(totals['wait_p50_s'] or 0)} / "
            f"{model.clock_text(totals['wait_p90_s'] or 0)}"
            if totals["wait_p50_s"] is not None
            else "",
            "handle_mean_s": model.clock_text(totals["handle_mean_s"])
            if totals["handle_mean_s"] is not None
            else "",
            "service_level": stats.format_figure("service_level", totals["service_level"]),
            "first_time_success_rate": stats.format_figure(
                "first_time_success_rate", totals["first_time_success_rate"]
            ),
            "rating": f"{totals['rating_mean']:.2f} · "
            f"{stats.format_figure('bad_rating_share', totals['bad_rating_share'])}"
            if totals["rating_mean"] is not None
            else "",
            "cannot_be_done": str(totals["cannot_be_done"]),
        }
        for name, tile in self.tiles.items():
            tile.set(captions[name], values[name])

    # --- Export -----------------------------------------------------------------------------

    def _export_clicked(self) -> None:
        first, last = self.period()
        suggested = f"vwindow-stats-{first}-{last}-{self.group_box.currentData()}.csv"
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("导出CSV"), str(Path.home() / suggested), self.tr("CSV 文件 (*.csv)")
        )
        if not path:
            return
        self._export_task = asyncio.get_running_loop().create_task(self.export_csv(Path(path)))

    async def export_csv(self, path: Path) -> bool:
        """Save the figures of the chosen period, as the server's CSV, to ``path``."""
        try:
            response = await self._get("/api/v1/stats.csv", self.query())
            data = await response.read()
            await asyncio.to_thread(path.write_bytes, data)
        except (aiohttp.ClientError, TimeoutError, DashboardError, OSError) as exc:
            self.status.setText(_fill(self.tr("导出失败：%1"), str(exc)))
            return False
        self.status.setText(_fill(self.tr("已导出到 %1"), str(path)))
        return True

    def stop(self) -> None:
        """Stop the timers and any fetch under way (the console closes)."""
        self._tick.stop()
        self._auto.stop()
        for task in (self._refresh_task, self._export_task):
            if task is not None:
                task.cancel()


TILE_FIGURES = (
    "volume",
    "wait",
    "handle_mean_s",
    "service_level",
    "first_time_success_rate",
    "rating",
    "cannot_be_done",
)


class DashboardError(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"HTTP {status}: {reason}")
        self.status = status
        self.reason = reason


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())
