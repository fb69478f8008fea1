"""The dashboard's three charts (QtCharts): volume over the period, waits (p50 and p90), and
the ratings. Each takes the figures JSON of ``/api/v1/stats`` and redraws from scratch."""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QCoreApplication, QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen

VOLUME_COLOUR = QColor("#2f6fb3")
ANSWERED_COLOUR = QColor("#7fb2e5")
P50_COLOUR = QColor("#2e8b57")
P90_COLOUR = QColor("#d2691e")
BAD_COLOUR = QColor("#c0392b")


translate = QCoreApplication.translate


def _view(title: str) -> QChartView:
    chart = QChart()
    chart.setTitle(title)
    font = QFont(chart.titleFont())
    font.setPointSize(13)
    font.setBold(True)
    chart.setTitleFont(font)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(220)
    return view


def _reset(view: QChartView) -> QChart:
    chart = view.chart()
    chart.removeAllSeries()
    for axis in chart.axes():
        chart.removeAxis(axis)
    return chart


def _short_label(label: str, unit: str) -> str:
    # "2026-11-22" → "11-22" so a month of days still fits under the bars
    return label[5:] if unit == "day" else label


def _value_axis(maximum: float, title: str, *, integer: bool) -> QValueAxis:
    axis = QValueAxis()
    if integer:
        # five ticks on whole numbers: the top is a multiple of four
        top = max(4, math.ceil(maximum * 1.1 / 4) * 4)
        axis.setRange(0, top)
        axis.setTickCount(5)
        axis.setLabelFormat("%d")
    else:
        axis.setRange(0, max(10.0, maximum * 1.1))
        axis.applyNiceNumbers()
        axis.setLabelFormat("%.0f")
    axis.setTitleText(title)
    return axis


class VolumeChart:
    """Requests and answered calls per hour (one day) or per day."""

    def __init__(self) -> None:
        self.view = _view(translate("DashboardCharts", "受理量"))

    def show(self, body: dict[str, Any]) -> None:
        chart = _reset(self.view)
        unit = body["series"]["unit"]
        buckets = body["series"]["buckets"]
        hourly = translate("DashboardCharts", "每小时受理量")
        daily = translate("DashboardCharts", "每日受理量")
        self.view.chart().setTitle(hourly if unit == "hour" else daily)
        volume = QBarSet(translate("DashboardCharts", "受理量"))
        volume.setColor(VOLUME_COLOUR)
        answered = QBarSet(translate("DashboardCharts", "接通量"))
        answered.setColor(ANSWERED_COLOUR)
        for bucket in buckets:
            volume.append(bucket["volume"])
            answered.append(bucket["answered"])
        series = QBarSeries()
        series.append(volume)
        series.append(answered)
        chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append([_short_label(b["label"], unit) for b in buckets])
        chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(categories)
        pieces = translate("DashboardCharts", "件")
        counts = _value_axis(max((b["volume"] for b in buckets), default=0), pieces, integer=True)
        chart.addAxis(counts, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(counts)

    def series_values(self) -> dict[str, list[float]]:
        return _bar_values(self.view.chart())


class WaitChart:
    """The median and 90th-percentile wait of each hour or day (seconds)."""

    def __init__(self) -> None:
        self.view = _view(translate("DashboardCharts", "等待时长"))

    def show(self, body: dict[str, Any]) -> None:
        chart = _reset(self.view)
        unit = body["series"]["unit"]
        buckets = body["series"]["buckets"]
        lines = []
        for name, key, colour in (
            (translate("DashboardCharts", "中位数"), "wait_p50_s", P50_COLOUR),
            (translate("DashboardCharts", "P90"), "wait_p90_s", P90_COLOUR),
        ):
            line = QLineSeries()
            line.setName(name)
            line.setPen(QPen(colour, 3))
            line.setPointsVisible(True)
            for index, bucket in enumerate(buckets):
                if bucket[key] is not None:
                    line.append(index, bucket[key])
            chart.addSeries(line)
            lines.append(line)
        categories = QBarCategoryAxis()
        categories.append([_short_label(b["label"], unit) for b in buckets])
        chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        top = max((b["wait_p90_s"] or 0 for b in buckets), default=0)
        seconds = _value_axis(top, translate("DashboardCharts", "秒"), integer=False)
        chart.addAxis(seconds, Qt.AlignmentFlag.AlignLeft)
        for line in lines:
            line.attachAxis(categories)
            line.attachAxis(seconds)

    def series_points(self) -> dict[str, list[tuple[float, float]]]:
        out = {}
        for series in self.view.chart().series():
            if isinstance(series, QLineSeries):
                out[series.name()] = [(pt.x(), pt.y()) for pt in series.points()]
        return out


class RatingChart:
    """How many calls got each rating, 1 (very dissatisfied) to 5."""

    def __init__(self) -> None:
        self.view = _view(translate("DashboardCharts", "好差评分布"))
        self.view.chart().legend().setVisible(False)

    def show(self, body: dict[str, Any]) -> None:
        chart = _reset(self.view)
        ratings = body["totals"]["ratings"]
        series = QBarSeries()
        counts = QBarSet(translate("DashboardCharts", "评价数"))
        for level in range(1, 6):
            counts.append(ratings[str(level)])
        counts.setColor(QColor("#2f6fb3"))
        series.append(counts)
        series.setLabelsVisible(True)
        chart.addSeries(series)
        names = [
            translate("DashboardCharts", "非常不满意"),
            translate("DashboardCharts", "不满意"),
            translate("DashboardCharts", "基本满意"),
            translate("DashboardCharts", "满意"),
            translate("DashboardCharts", "非常满意"),
        ]
        categories = QBarCategoryAxis()
        categories.append(names)
        chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(categories)
        pieces = translate("DashboardCharts", "件")
        axis = _value_axis(max(ratings.values(), default=0), pieces, integer=True)
        chart.addAxis(axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis)
        # the two lowest levels are 差评: their bars stand out in red
        counts.setSelectedColor(BAD_COLOUR)
        counts.selectBars([0, 1])

    def series_values(self) -> dict[str, list[float]]:
        return _bar_values(self.view.chart())


def _bar_values(chart: QChart) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for series in chart.series():
        if isinstance(series, QBarSeries):
            for bar_set in series.barSets():
                out[bar_set.label()] = [bar_set.at(i) for i in range(bar_set.count())]
    return out
