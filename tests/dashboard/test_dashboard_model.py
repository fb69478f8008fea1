"""The dashboard's pure parts: the live board counting on between snapshots, and periods."""

from __future__ import annotations

import datetime as dt

import pytest

from center.console.dashboard import model
from shared import protocol as p


def snapshot() -> p.CenterSnapshot:
    return p.CenterSnapshot(
        center_id="c",
        at=1000.0,
        queue=[
            p.QueueEntryView(request_id="a", item_code="MZ-001", skill="minzheng",
                             priority=p.Priority.NORMAL, status=p.RequestStatus.WAITING,
                             waited_s=200.0, kiosk_name="一号机"),
            p.QueueEntryView(request_id="b", item_code="YB-003", skill="yibao",
                             priority=p.Priority.PRIORITY, status=p.RequestStatus.WAITING,
                             waited_s=10.0, kiosk_name="二号机"),
            p.QueueEntryView(request_id="c", item_code="GA-002", skill="huzheng",
                             priority=p.Priority.NORMAL, status=p.RequestStatus.IN_CALL,
                             waited_s=500.0, kiosk_name="三号机", clerk_id="k1"),
        ],
        clerks=[
            p.ClerkView(staff_id="k2", name="乙", state=p.ClerkState.AVAILABLE, since=990.0,
                        skills=["yibao"]),
            p.ClerkView(staff_id="k1", name="甲", state=p.ClerkState.BUSY, since=700.0,
                        skills=["huzheng"], request_id="c"),
        ],
    )


def test_the_board_counts_on_from_the_snapshot() -> None:
    live = model.LiveBoard()
    assert live.board(5.0) == model.Board([], [])
    live.update(snapshot(), now=50.0)
    board = live.board(now=80.0)
    # priority first, then the longest wait; the one in a call is on its clerk's row
    assert [(r.request_id, r.waited_s) for r in board.queue] == [("b", 40.0), ("a", 230.0)]
    assert [(c.name, c.state, c.for_s, c.item_code) for c in board.clerks] == [
        ("甲", p.ClerkState.BUSY, 330.0, "GA-002"),
        ("乙", p.ClerkState.AVAILABLE, 40.0, None),
    ]
    assert board.count(p.ClerkState.BUSY) == 1


def test_periods() -> None:
    today = dt.date(2026, 11, 20)
    assert model.period("today", today) == (today, today)
    assert model.period("yesterday", today) == (dt.date(2026, 11, 19),) * 2
    assert model.period("last_7_days", today) == (dt.date(2026, 11, 14), today)
    assert model.period("this_month", today) == (dt.date(2026, 11, 1), today)
    custom = (dt.date(2026, 11, 5), dt.date(2026, 11, 2))
    assert model.period("custom", today, custom) == (dt.date(2026, 11, 2), dt.date(2026, 11, 5))
    with pytest.raises(ValueError, match="unknown period"):
        model.period("fortnight", today)
    late_evening_utc = dt.datetime(2026, 11, 20, 17, 0, tzinfo=dt.UTC)
    assert model.local_today(late_evening_utc) == dt.date(2026, 11, 21)


def test_clock_text() -> None:
    assert model.clock_text(0) == "0:00"
    assert model.clock_text(65.4) == "1:05"
    assert model.clock_text(3723) == "1:02:03"
    assert model.clock_text(-3) == "0:00"
