"""The supervisor's figures, computed from plain rows: no database, no network, no Qt.

Each figure is defined once here (docs/dashboard.md repeats the definitions for readers):

* **volume** — service requests that joined the queue in the period (a resident asked for a
  clerk). ``answered`` — of those, the ones a clerk picked up; ``abandoned`` — the ones that
  ended without ever being answered (the resident left, or no clerk was staffed); ``live`` —
  still waiting or in a call when the figures were made.
* **wait p50 / p90** — over answered requests, the time from joining the queue to the clerk
  answering; nearest-rank percentiles (the smallest wait that at least 50 % / 90 % of the
  answered requests did not exceed).
* **handle time** — over answered requests that have ended, the time from answer to the end of
  the call: mean and nearest-rank median.
* **service level** — answered within N seconds ÷ (answered + abandoned). A resident who gave
  up counts against it; requests still live are left out.
* **abandonment rate** — abandoned ÷ (answered + abandoned).
* **first-time success (一次办成率)** — over answered requests: the share whose outcome on that
  call was ``accepted`` and, when the resident is known (their ID number's keyed hash on the
  case), who had no ``needs_more`` outcome for the same item in the 30 days before the request.
  ``needs_more``, ``referred``, ``cannot_be_done`` and calls closed without an outcome are not
  successes.
* **ratings (好差评)** — count per level 1 (very dissatisfied) … 5 (very satisfied), their
  number, mean, and the share of 差评 (levels 1 and 2) among rated requests.
* **办不成事** — entries created in the period: reported by the resident at the kiosk or
  recorded by a clerk as the ``cannot_be_done`` outcome (a request with that outcome and no
  entry of its own counts once as well).

Percentages are fractions in 0..1, ``None`` when their denominator is zero; times are seconds.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

OUTCOMES = ("accepted", "needs_more", "referred", "cannot_be_done")
RATING_LEVELS = (1, 2, 3, 4, 5)
#: 差评: the two lowest levels
BAD_RATING_MAX = 2
DEFAULT_SLA_S = 60.0
#: how far back a ``needs_more`` for the same resident and item spoils a first-time success
FIRST_TIME_LOOKBACK = dt.timedelta(days=30)
GROUPINGS = ("item", "site", "clerk")
#: a request that ended before anyone answered it
ABANDONED_STATUSES = frozenset({"left"})
ENDED_STATUSES = frozenset({"ended", "left"})


@dataclass(frozen=True, slots=True)
class RequestRow:
    """One service request with what its case (if any) added: the outcome, the resident's
    keyed ID hash and the rating."""

    request_id: str
    created_at: dt.datetime
    item_code: str
    status: str
    site_id: str | None = None
    clerk_id: str | None = None
    answered_at: dt.datetime | None = None
    wait_s: float | None = None
    handle_s: float | None = None
    outcome: str | None = None
    resident: str | None = None
    rating: int | None = None


@dataclass(frozen=True, slots=True)
class PastOutcome:
    """An earlier outcome for a known resident, for the first-time success look-back."""

    resident: str
    item_code: str
    outcome: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class CannotBeDone:
    """One 办不成事 entry (a follow-up)."""

    created_at: dt.datetime
    item_code: str | None = None
    site_id: str | None = None
    clerk_id: str | None = None
    #: the request of the case it came from, when it came from a case
    request_id: str | None = None


@dataclass(slots=True)
class Figures:
    volume: int = 0
    answered: int = 0
    abandoned: int = 0
    live: int = 0
    abandonment_rate: float | None = None
    wait_p50_s: float | None = None
    wait_p90_s: float | None = None
    handle_mean_s: float | None = None
    handle_p50_s: float | None = None
    answered_within_sla: int = 0
    service_level: float | None = None
    first_time_successes: int = 0
    first_time_success_rate: float | None = None
    ratings: dict[str, int] = field(default_factory=lambda: {str(n): 0 for n in RATING_LEVELS})
    rated: int = 0
    rating_mean: float | None = None
    bad_rating_share: float | None = None
    cannot_be_done: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Group:
    key: str
    name: str
    figures: Figures


@dataclass(frozen=True, slots=True)
class Report:
    totals: Figures
    groups: list[Group]


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile: the smallest value that at least ``p`` % of the values do not
    exceed; ``None`` for no values."""
    if not values:
        return None
    if not 0 < p <= 100:
        raise ValueError("a percentile is in (0, 100]")
    ordered = sorted(values)
    rank = math.ceil(p / 100 * len(ordered))
    return ordered[max(rank, 1) - 1]


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def first_time_success(row: RequestRow, history: Iterable[PastOutcome]) -> bool:
    """Whether this answered request counts as done the first time (see the module doc)."""
    if row.answered_at is None or row.outcome != "accepted":
        return False
    if row.resident is None:
        return True
    since = row.created_at - FIRST_TIME_LOOKBACK
    return not any(
        past.resident == row.resident
        and past.item_code == row.item_code
        and past.outcome == "needs_more"
        and since <= past.at < row.created_at
        for past in history
    )


class _History:
    """Past outcomes indexed by resident and item, so each lookup is short."""

    def __init__(self, history: Iterable[PastOutcome]) -> None:
        self._by_key: dict[tuple[str, str], list[PastOutcome]] = {}
        for past in history:
            self._by_key.setdefault((past.resident, past.item_code), []).append(past)

    def of(self, row: RequestRow) -> list[PastOutcome]:
        if row.resident is None:
            return []
        return self._by_key.get((row.resident, row.item_code), [])


def figures(
    rows: Iterable[RequestRow],
    cannot_be_done: Iterable[CannotBeDone] = (),
    history: Iterable[PastOutcome] = (),
    *,
    sla_s: float = DEFAULT_SLA_S,
) -> Figures:
    """The figures of one set of requests (a group or the total)."""
    return _figures(list(rows), list(cannot_be_done), _History(history), sla_s)


def _figures(
    rows: list[RequestRow], entries: list[CannotBeDone], history: _History, sla_s: float
) -> Figures:
    out = Figures(volume=len(rows))
    waits: list[float] = []
    handles: list[float] = []
    levels: list[int] = []
    for row in rows:
        if row.answered_at is not None:
            out.answered += 1
            wait = row.wait_s
            if wait is None:
                wait = (row.answered_at - row.created_at).total_seconds()
            waits.append(wait)
            if wait <= sla_s:
                out.answered_within_sla += 1
            if row.handle_s is not None and row.status in ENDED_STATUSES:
                handles.append(row.handle_s)
            if first_time_success(row, history.of(row)):
                out.first_time_successes += 1
        elif row.status in ABANDONED_STATUSES:
            out.abandoned += 1
        elif row.status not in ENDED_STATUSES:
            out.live += 1
        if row.rating is not None and row.rating in RATING_LEVELS:
            levels.append(row.rating)
            out.ratings[str(row.rating)] += 1
    offered = out.answered + out.abandoned
    out.abandonment_rate = _ratio(out.abandoned, offered)
    out.service_level = _ratio(out.answered_within_sla, offered)
    out.wait_p50_s = percentile(waits, 50)
    out.wait_p90_s = percentile(waits, 90)
    out.handle_mean_s = sum(handles) / len(handles) if handles else None
    out.handle_p50_s = percentile(handles, 50)
    out.first_time_success_rate = _ratio(out.first_time_successes, out.answered)
    out.rated = len(levels)
    out.rating_mean = sum(levels) / len(levels) if levels else None
    out.bad_rating_share = _ratio(sum(1 for n in levels if n <= BAD_RATING_MAX), len(levels))
    with_entry = {entry.request_id for entry in entries if entry.request_id is not None}
    unrecorded = sum(
        1 for row in rows if row.outcome == "cannot_be_done" and row.request_id not in with_entry
    )
    out.cannot_be_done = len(entries) + unrecorded
    return out


def _key_of(grouping: str) -> Callable[[RequestRow | CannotBeDone], str]:
    if grouping == "item":
        return lambda row: row.item_code or ""
    if grouping == "site":
        return lambda row: row.site_id or ""
    if grouping == "clerk":
        return lambda row: row.clerk_id or ""
    raise ValueError(f"grouping must be one of {', '.join(GROUPINGS)}")


def report(
    rows: Iterable[RequestRow],
    cannot_be_done: Iterable[CannotBeDone] = (),
    history: Iterable[PastOutcome] = (),
    *,
    by: str = "item",
    names: dict[str, str] | None = None,
    sla_s: float = DEFAULT_SLA_S,
) -> Report:
    """Totals and one group per key of ``by`` (item code, site id or clerk id; requests
    without one fall in the group with key ``""``), largest volume first."""
    if sla_s < 0:
        raise ValueError("the service level threshold cannot be negative")
    key_of = _key_of(by)
    all_rows = list(rows)
    entries = list(cannot_be_done)
    past = _History(history)
    grouped_rows: dict[str, list[RequestRow]] = {}
    grouped_entries: dict[str, list[CannotBeDone]] = {}
    for row in all_rows:
        grouped_rows.setdefault(key_of(row), []).append(row)
    for entry in entries:
        grouped_entries.setdefault(key_of(entry), []).append(entry)
    names = names or {}
    groups = [
        Group(
            key=key,
            name=names.get(key, key),
            figures=_figures(
                grouped_rows.get(key, []), grouped_entries.get(key, []), past, sla_s
            ),
        )
        for key in set(grouped_rows) | set(grouped_entries)
    ]
    groups.sort(key=lambda g: (-g.figures.volume, -g.figures.cannot_be_done, g.name, g.key))
    return Report(totals=_figures(all_rows, entries, past, sla_s), groups=groups)


# --- Time series for the charts -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bucket:
    label: str
    volume: int
    answered: int
    wait_p50_s: float | None
    wait_p90_s: float | None


def series(
    rows: Iterable[RequestRow],
    *,
    zone: dt.tzinfo,
    first_day: dt.date,
    last_day: dt.date,
) -> list[Bucket]:
    """Volume and waits per local hour (a one-day period: 24 buckets ``"08"``) or per local day
    (``"2026-11-22"``, every day of the period, empty ones too)."""
    hourly = first_day == last_day
    labels: list[str]
    if hourly:
        labels = [f"{hour:02d}" for hour in range(24)]
    else:
        days = (last_day - first_day).days + 1
        labels = [(first_day + dt.timedelta(days=n)).isoformat() for n in range(days)]
    volume = dict.fromkeys(labels, 0)
    waits: dict[str, list[float]] = {label: [] for label in labels}
    for row in rows:
        local = row.created_at.astimezone(zone)
        if not first_day <= local.date() <= last_day:
            continue
        label = f"{local.hour:02d}" if hourly else local.date().isoformat()
        if label not in volume:
            continue
        volume[label] += 1
        if row.answered_at is not None:
            wait = row.wait_s
            if wait is None:
                wait = (row.answered_at - row.created_at).total_seconds()
            waits[label].append(wait)
    return [
        Bucket(
            label=label,
            volume=volume[label],
            answered=len(waits[label]),
            wait_p50_s=percentile(waits[label], 50),
            wait_p90_s=percentile(waits[label], 90),
        )
        for label in labels
    ]


# --- CSV ------------------------------------------------------------------------------------

#: (column title, figure) in the order of the CSV file and the dashboard's table
CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("受理量", "volume"),
    ("接通量", "answered"),
    ("放弃量", "abandoned"),
    ("放弃率", "abandonment_rate"),
    ("等待时长中位数(秒)", "wait_p50_s"),
    ("等待时长P90(秒)", "wait_p90_s"),
    ("平均办理时长(秒)", "handle_mean_s"),
    ("办理时长中位数(秒)", "handle_p50_s"),
    ("服务水平", "service_level"),
    ("一次办成率", "first_time_success_rate"),
    ("评价数", "rated"),
    ("平均评分", "rating_mean"),
    ("差评率", "bad_rating_share"),
    ("非常不满意(1)", "ratings.1"),
    ("不满意(2)", "ratings.2"),
    ("基本满意(3)", "ratings.3"),
    ("满意(4)", "ratings.4"),
    ("非常满意(5)", "ratings.5"),
    ("办不成事", "cannot_be_done"),
)
GROUP_TITLES = {"item": "事项", "site": "站点", "clerk": "人员"}
TOTAL_NAME = "合计"


def figure_value(data: dict[str, Any], name: str) -> Any:
    """A figure from a figures dict (JSON or :meth:`Figures.as_dict`); ``ratings.3`` reaches
    into the rating counts."""
    if name.startswith("ratings."):
        return data["ratings"][name.partition(".")[2]]
    return data[name]


def format_cell(value: Any) -> str:
    """Counts as integers, rates as percentages with one decimal, seconds with one decimal,
    missing as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def format_figure(name: str, value: Any) -> str:
    if value is not None and name in RATE_FIGURES:
        return f"{value * 100:.1f}%"
    if value is not None and name == "rating_mean":
        return f"{value:.2f}"
    if value is not None and name.endswith("_s"):
        return f"{float(value):.1f}"
    return format_cell(value)


RATE_FIGURES = frozenset(
    {"abandonment_rate", "service_level", "first_time_success_rate", "bad_rating_share"}
)


def column_title(title: str, name: str, sla_s: float) -> str:
    if name == "service_level":
        return f"{title}({sla_s:g}秒内接通)"
    return title


def csv_rows(
    by: str, sla_s: float, totals: dict[str, Any], groups: Sequence[dict[str, Any]]
) -> list[list[str]]:
    """The CSV table (header, one row per group, the total last) from the JSON figures."""
    header = [GROUP_TITLES.get(by, by) + "编码", GROUP_TITLES.get(by, by)]
    header += [column_title(title, name, sla_s) for title, name in CSV_COLUMNS]
    table = [header]
    for group in groups:
        cells = [group["key"], group["name"]]
        cells += [format_figure(name, figure_value(group, name)) for _, name in CSV_COLUMNS]
        table.append(cells)
    total = ["", TOTAL_NAME]
    total += [format_figure(name, figure_value(totals, name)) for _, name in CSV_COLUMNS]
    table.append(total)
    return table
