"""What the dashboard shows, without Qt: the live board read from a center snapshot (times
counted on from when it arrived) and the periods a supervisor picks."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from shared import protocol as p

#: the calendar the server's periods follow (center.records.stats_api)
ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
PRESETS = ("today", "yesterday", "last_7_days", "this_month", "custom")
#: queue entries already with a clerk are shown on the clerk's row, not in the queue
QUEUED = (p.RequestStatus.WAITING, p.RequestStatus.HELD, p.RequestStatus.RINGING)


@dataclass(frozen=True, slots=True)
class QueueRow:
    request_id: str
    item_code: str
    kiosk_name: str
    priority: p.Priority
    status: p.RequestStatus
    waited_s: float


@dataclass(frozen=True, slots=True)
class ClerkRow:
    staff_id: str
    name: str
    state: p.ClerkState
    for_s: float
    skills: tuple[str, ...]
    item_code: str | None


@dataclass(frozen=True, slots=True)
class Board:
    queue: list[QueueRow]
    clerks: list[ClerkRow]

    def count(self, state: p.ClerkState) -> int:
        return sum(1 for clerk in self.clerks if clerk.state == state)


class LiveBoard:
    """The latest snapshot, and the board it gives at any later moment: waits and state
    durations keep counting up between snapshots, on the console's own clock."""

    def __init__(self) -> None:
        self.snapshot: p.CenterSnapshot | None = None
        self.received_at = 0.0

    def update(self, snapshot: p.CenterSnapshot, now: float) -> None:
        self.snapshot = snapshot
        self.received_at = now

    def board(self, now: float) -> Board:
        snapshot = self.snapshot
        if snapshot is None:
            return Board([], [])
        since_snapshot = max(0.0, now - self.received_at)
        items = {entry.request_id: entry.item_code for entry in snapshot.queue}
        queue = [
            QueueRow(
                request_id=entry.request_id,
                item_code=entry.item_code,
                kiosk_name=entry.kiosk_name,
                priority=entry.priority,
                status=entry.status,
                waited_s=entry.waited_s + since_snapshot,
            )
            for entry in snapshot.queue
            if entry.status in QUEUED
        ]
        # most urgent first, as the routing serves them: priority, then the longest wait
        queue.sort(key=lambda row: (-int(row.priority), -row.waited_s))
        clerks = [
            ClerkRow(
                staff_id=clerk.staff_id,
                name=clerk.name,
                state=clerk.state,
                # ``since`` and ``at`` are both the server's clock: their difference is exact
                for_s=max(0.0, snapshot.at - clerk.since) + since_snapshot,
                skills=tuple(clerk.skills),
                item_code=items.get(clerk.request_id) if clerk.request_id else None,
            )
            for clerk in snapshot.clerks
        ]
        clerks.sort(key=lambda row: (_STATE_ORDER.get(row.state, 9), row.name))
        return Board(queue, clerks)


_STATE_ORDER = {
    p.ClerkState.BUSY: 0,
    p.ClerkState.RINGING: 1,
    p.ClerkState.WRAP_UP: 2,
    p.ClerkState.AVAILABLE: 3,
    p.ClerkState.AWAY: 4,
    p.ClerkState.OFFLINE: 5,
}


def period(
    preset: str, today: dt.date, custom: tuple[dt.date, dt.date] | None = None
) -> tuple[dt.date, dt.date]:
    """The first and last day of a preset period (both included)."""
    if preset == "today":
        return today, today
    if preset == "yesterday":
        yesterday = today - dt.timedelta(days=1)
        return yesterday, yesterday
    if preset == "last_7_days":
        return today - dt.timedelta(days=6), today
    if preset == "this_month":
        return today.replace(day=1), today
    if preset == "custom":
        if custom is None:
            raise ValueError("a custom period needs its dates")
        first, last = custom
        return (first, last) if first <= last else (last, first)
    raise ValueError(f"unknown period {preset!r}")


def local_today(now: dt.datetime | None = None) -> dt.date:
    return (now or dt.datetime.now(dt.UTC)).astimezone(ZONE).date()


def clock_text(seconds: float) -> str:
    """``4:07``, ``1:02:03``: waits and durations as a wall clock would count them."""
    total = round(max(0.0, seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
