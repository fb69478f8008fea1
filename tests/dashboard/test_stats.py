"""The figures from hand-made rows whose answers are known: no database, no Qt."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from center.records import stats
from center.records.stats import CannotBeDone, PastOutcome, RequestRow

T0 = dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai


def answered(
    n: int,
    wait: float,
    *,
    handle: float | None = 300.0,
    item: str = "YB-003",
    site: str | None = "s1",
    clerk: str | None = "c1",
    outcome: str | None = "accepted",
    resident: str | None = None,
    rating: int | None = None,
    at: dt.datetime = T0,
) -> RequestRow:
    return RequestRow(
        request_id=f"r{n}",
        created_at=at,
        item_code=item,
        status="ended",
        site_id=site,
        clerk_id=clerk,
        answered_at=at + dt.timedelta(seconds=wait),
        wait_s=wait,
        handle_s=handle,
        outcome=outcome,
        resident=resident,
        rating=rating,
    )


def left(n: int, *, item: str = "YB-003", site: str | None = "s1") -> RequestRow:
    return RequestRow(
        request_id=f"l{n}", created_at=T0, item_code=item, status="left", site_id=site
    )


def test_nearest_rank_percentiles() -> None:
    values = [float(v) for v in range(1, 11)]  # 1..10
    assert stats.percentile(values, 50) == 5.0
    assert stats.percentile(values, 90) == 9.0
    assert stats.percentile(values, 100) == 10.0
    assert stats.percentile([7.0], 90) == 7.0
    assert stats.percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert stats.percentile([], 50) is None
    with pytest.raises(ValueError, match="percentile"):
        stats.percentile(values, 0)


def test_waits_handle_times_service_level_and_abandonment() -> None:
    waits = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0]
    rows = [answered(n, w, handle=100.0 * (n + 1)) for n, w in enumerate(waits)]
    rows += [left(1), left(2)]
    rows.append(
        RequestRow(request_id="live", created_at=T0, item_code="YB-003", status="waiting")
    )
    f = stats.figures(rows, sla_s=60)
    assert (f.volume, f.answered, f.abandoned, f.live) == (13, 10, 2, 1)
    assert f.wait_p50_s == 50.0 and f.wait_p90_s == 90.0
    assert f.handle_mean_s == pytest.approx(550.0)
    assert f.handle_p50_s == 500.0
    # 6 of 10 answered within 60 s (60 itself counts); 2 left: 6 / 12
    assert f.answered_within_sla == 6
    assert f.service_level == pytest.approx(0.5)
    assert f.abandonment_rate == pytest.approx(2 / 12)
    assert stats.figures(rows, sla_s=15).service_level == pytest.approx(1 / 12)


def test_a_call_still_going_has_a_wait_but_no_handle_time() -> None:
    row = RequestRow(
        request_id="r",
        created_at=T0,
        item_code="YB-003",
        status="in_call",
        answered_at=T0 + dt.timedelta(seconds=42),
    )
    f = stats.figures([row])
    assert f.answered == 1 and f.wait_p50_s == 42.0
    assert f.handle_mean_s is None and f.handle_p50_s is None


def test_empty_period_has_counts_of_zero_and_no_rates() -> None:
    f = stats.figures([])
    assert f.volume == 0 and f.cannot_be_done == 0
    assert f.service_level is None and f.wait_p50_s is None and f.rating_mean is None
    assert f.first_time_success_rate is None and f.bad_rating_share is None


def test_first_time_success() -> None:
    earlier = T0 - dt.timedelta(days=10)
    long_ago = T0 - dt.timedelta(days=31)
    history = [
        PastOutcome(resident="h-came-back", item_code="YB-003", outcome="needs_more", at=earlier),
        PastOutcome(resident="h-old", item_code="YB-003", outcome="needs_more", at=long_ago),
        PastOutcome(resident="h-other-item", item_code="MZ-001", outcome="needs_more", at=earlier),
    ]
    rows = [
        answered(1, 5, resident="h-came-back"),  # needed more 10 days ago: not first time
        answered(2, 5, resident="h-old"),  # 31 days ago is outside the look-back: success
        answered(3, 5, resident="h-other-item"),  # other item: success
        answered(4, 5, resident=None),  # resident unknown: the outcome decides
        answered(5, 5, outcome="needs_more"),
        answered(6, 5, outcome="referred"),
        answered(7, 5, outcome="cannot_be_done"),
        answered(8, 5, outcome=None),  # call closed without an outcome
        left(9),  # never answered: not in the denominator
    ]
    f = stats.figures(rows, history=history)
    assert f.answered == 8
    assert f.first_time_successes == 3
    assert f.first_time_success_rate == pytest.approx(3 / 8)
    assert not stats.first_time_success(rows[0], history)
    assert stats.first_time_success(rows[1], history)


def test_a_needs_more_after_the_request_does_not_count_against_it() -> None:
    later = PastOutcome(
        resident="h", item_code="YB-003", outcome="needs_more", at=T0 + dt.timedelta(hours=1)
    )
    assert stats.first_time_success(answered(1, 5, resident="h"), [later])


def test_ratings() -> None:
    rows = [answered(n, 5, rating=level) for n, level in enumerate([5, 5, 4, 3, 2, 1, 1])]
    rows.append(answered(99, 5, rating=None))
    f = stats.figures(rows)
    assert f.ratings == {"1": 2, "2": 1, "3": 1, "4": 1, "5": 2}
    assert f.rated == 7
    assert f.rating_mean == pytest.approx(21 / 7)
    assert f.bad_rating_share == pytest.approx(3 / 7)


def test_cannot_be_done_counts_entries_and_unrecorded_outcomes_once() -> None:
    rows = [
        answered(1, 5, outcome="cannot_be_done"),  # has its own entry below
        answered(2, 5, outcome="cannot_be_done"),  # no entry (records not mounted)
        answered(3, 5),
    ]
    entries = [
        CannotBeDone(created_at=T0, item_code="YB-003", site_id="s1", request_id="r1"),
        CannotBeDone(created_at=T0, item_code="YB-003", site_id="s1"),  # reported at the kiosk
    ]
    assert stats.figures(rows, entries).cannot_be_done == 3


def test_groups_by_item_site_and_clerk_with_names() -> None:
    rows = [
        answered(1, 10, item="YB-003", site="s1", clerk="c1"),
        answered(2, 20, item="YB-003", site="s2", clerk="c2"),
        answered(3, 30, item="MZ-001", site="s1", clerk="c1"),
        left(4, item="MZ-001", site=None),
    ]
    entries = [CannotBeDone(created_at=T0, item_code="MZ-001", site_id="s2", clerk_id=None)]
    by_item = stats.report(rows, entries, by="item", names={"YB-003": "医保", "MZ-001": "民政"})
    assert [(g.key, g.name, g.figures.volume) for g in by_item.groups] == [
        ("MZ-001", "民政", 2),
        ("YB-003", "医保", 2),
    ]
    assert by_item.groups[0].figures.cannot_be_done == 1
    assert by_item.totals.volume == 4 and by_item.totals.cannot_be_done == 1

    by_site = stats.report(rows, entries, by="site")
    assert {g.key: g.figures.volume for g in by_site.groups} == {"s1": 2, "s2": 1, "": 1}
    assert {g.key: g.figures.cannot_be_done for g in by_site.groups}["s2"] == 1

    by_clerk = stats.report(rows, entries, by="clerk", names={"c1": "王老师"})
    clerks = {g.key: g.figures for g in by_clerk.groups}
    assert clerks["c1"].answered == 2 and clerks["c1"].wait_p50_s == 10.0
    assert clerks[""].abandoned == 1  # never answered: no clerk
    assert by_clerk.groups[0].name == "王老师"
    with pytest.raises(ValueError, match="grouping"):
        stats.report(rows, by="weekday")


def test_series_per_hour_for_a_day_and_per_day_for_a_period() -> None:
    zone = zoneinfo.ZoneInfo("Asia/Shanghai")
    rows = [
        answered(1, 30, at=T0),  # 09:00 local
        answered(2, 90, at=T0 + dt.timedelta(minutes=20)),
        left(3),
        answered(4, 10, at=T0 + dt.timedelta(days=1, hours=5)),  # next day 14:00
    ]
    day = dt.date(2026, 11, 20)
    hours = stats.series(rows, zone=zone, first_day=day, last_day=day)
    assert len(hours) == 24
    nine = hours[9]
    assert (nine.label, nine.volume, nine.answered) == ("09", 3, 2)
    assert (nine.wait_p50_s, nine.wait_p90_s) == (30.0, 90.0)
    assert sum(b.volume for b in hours) == 3  # the next day's request is outside
    days = stats.series(rows, zone=zone, first_day=day, last_day=day + dt.timedelta(days=2))
    assert [(b.label, b.volume) for b in days] == [
        ("2026-11-20", 3),
        ("2026-11-21", 1),
        ("2026-11-22", 0),
    ]


def test_csv_table_has_chinese_header_groups_and_total() -> None:
    rows = [answered(1, 30, rating=5), answered(2, 90, rating=1), left(3)]
    result = stats.report(rows, by="item", names={"YB-003": "长期护理保险申请"}, sla_s=60)
    groups = [{"key": g.key, "name": g.name, **g.figures.as_dict()} for g in result.groups]
    table = stats.csv_rows("item", 60, result.totals.as_dict(), groups)
    header = table[0]
    assert header[:3] == ["事项编码", "事项", "受理量"]
    assert "服务水平(60秒内接通)" in header
    assert table[1][:3] == ["YB-003", "长期护理保险申请", "3"]
    assert table[-1][:3] == ["", "合计", "3"]
    row = dict(zip(header, table[-1], strict=True))
    assert row["服务水平(60秒内接通)"] == "33.3%"
    assert row["差评率"] == "50.0%"
    assert row["平均评分"] == "3.00"
    assert row["等待时长中位数(秒)"] == "30.0"
    assert row["非常满意(5)"] == "1"
