"""The figures over HTTP on a real server, SQLite and PostgreSQL: the numbers from known
history, the CSV file, and who may read them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import aiohttp
import pytest

from tests.conftest import PASSWORD, Seed
from tests.dashboard.conftest import (
    SHANGHAI,
    StatsServer,
    Visit,
    add_cannot_be_done,
    add_visits,
    staff_ids,
)

DAY = dt.datetime(2026, 11, 10, 9, 0, tzinfo=SHANGHAI)
PERIOD = {"from": "2026-11-10", "to": "2026-11-10"}


async def known_history(server: StatsServer, seeded: Seed) -> None:
    minute = dt.timedelta(minutes=1)
    await add_visits(
        server.store,
        seeded,
        [
            Visit(DAY, wait_s=30, handle_s=300, rating=5, resident="h1"),
            Visit(DAY + 5 * minute, clerk="bob", kiosk=1, wait_s=90, handle_s=600,
                  outcome="needs_more", rating=2, resident="h2"),
            Visit(DAY + 2 * 60 * minute, item="MZ-001", wait_s=None),  # left unanswered
            Visit(DAY + 3 * 60 * minute, item="MZ-001", wait_s=20, handle_s=100,
                  outcome="cannot_be_done"),
            # the day before: h1 needed more for the same item, so today's is not first-time
            Visit(DAY - dt.timedelta(days=1), wait_s=10, outcome="needs_more", resident="h1"),
            # another center, same day: never shown
            Visit(DAY, center="other", clerk="olga", wait_s=5),
            # the next day: outside the period
            Visit(DAY + dt.timedelta(days=1), wait_s=5),
        ],
    )
    await add_cannot_be_done(server.store, seeded.center_id, DAY + 10 * minute, "MZ-001")
    await add_cannot_be_done(server.store, seeded.other_center_id, DAY, "MZ-001")


async def get(
    http: aiohttp.ClientSession, server: StatsServer, path: str, token: str | None, **params: Any
) -> aiohttp.ClientResponse:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await http.get(f"{server.url}{path}", params=params, headers=headers)
    await response.read()
    return response


async def test_figures_of_a_day_by_item_site_and_clerk(
    server: StatsServer, seeded: Seed, http: aiohttp.ClientSession
) -> None:
    await known_history(server, seeded)
    sue = await server.login("sue")
    response = await get(http, server, "/api/v1/stats", sue, **PERIOD, by="item", sla_s="60")
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["period"] == {
        "from": "2026-11-10",
        "to": "2026-11-10",
        "timezone": "Asia/Shanghai",
        "by": "item",
        "sla_s": 60.0,
        "center_id": seeded.center_id,
    }
    totals = body["totals"]
    assert (totals["volume"], totals["answered"], totals["abandoned"]) == (4, 3, 1)
    assert totals["wait_p50_s"] == 30.0 and totals["wait_p90_s"] == 90.0
    assert totals["handle_mean_s"] == pytest.approx(1000 / 3)
    assert totals["handle_p50_s"] == 300.0
    assert totals["answered_within_sla"] == 2
    assert totals["service_level"] == pytest.approx(2 / 4)
    assert totals["abandonment_rate"] == pytest.approx(1 / 4)
    # h1's accepted case follows a needs_more the day before: no first-time success at all
    assert totals["first_time_successes"] == 0
    assert totals["first_time_success_rate"] == 0.0
    assert totals["ratings"] == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1}
    assert totals["rating_mean"] == pytest.approx(3.5)
    assert totals["bad_rating_share"] == pytest.approx(0.5)
    # one entry reported at the kiosk, one cannot_be_done case without an entry of its own
    assert totals["cannot_be_done"] == 2
    groups = {g["key"]: g for g in body["groups"]}
    assert set(groups) == {"YB-003", "MZ-001"}
    assert groups["YB-003"]["name"].startswith("长期护理保险申请")
    assert groups["MZ-001"]["volume"] == 2 and groups["MZ-001"]["cannot_be_done"] == 2
    assert body["series"]["unit"] == "hour"
    hours = {b["label"]: b for b in body["series"]["buckets"]}
    assert len(hours) == 24
    assert (hours["09"]["volume"], hours["11"]["volume"], hours["12"]["volume"]) == (2, 1, 1)

    by_clerk = await (await get(http, server, "/api/v1/stats", sue, **PERIOD, by="clerk")).json()
    clerks = {g["name"]: g for g in by_clerk["groups"]}
    assert set(clerks) == {"Alice", "Bob", "未接通"}
    assert clerks["Bob"]["wait_p50_s"] == 90.0 and clerks["Bob"]["bad_rating_share"] == 1.0
    assert clerks["未接通"]["abandoned"] == 1
    ids = await staff_ids(server.store)
    assert {g["key"] for g in by_clerk["groups"]} == {ids["alice"], ids["bob"], ""}

    by_site = await (await get(http, server, "/api/v1/stats", sue, **PERIOD, by="site")).json()
    # the entry reported without a site has a group of its own
    assert [(g["name"], g["volume"], g["cannot_be_done"]) for g in by_site["groups"]] == [
        ("测试居委会", 4, 1),
        ("未指定站点", 0, 1),
    ]

    # a week: one bucket per day, the day before counted too
    week = await (
        await get(http, server, "/api/v1/stats", sue, **{"from": "2026-11-04", "to": "2026-11-10"})
    ).json()
    assert week["series"]["unit"] == "day"
    assert [b["volume"] for b in week["series"]["buckets"]] == [0, 0, 0, 0, 0, 1, 4]
    assert week["totals"]["volume"] == 5
    strict = await (await get(http, server, "/api/v1/stats", sue, **PERIOD, sla_s="20")).json()
    assert strict["totals"]["answered_within_sla"] == 1


async def test_csv_is_excel_ready_chinese_and_matches_the_json(
    server: StatsServer, seeded: Seed, http: aiohttp.ClientSession
) -> None:
    await known_history(server, seeded)
    sue = await server.login("sue")
    response = await get(http, server, "/api/v1/stats.csv", sue, **PERIOD, by="item")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "vwindow-stats-2026-11-10-2026-11-10-item.csv" in response.headers[
        "Content-Disposition"
    ]
    raw = await response.read()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0][:3] == ["事项编码", "事项", "受理量"]
    assert "服务水平(60秒内接通)" in table[0]
    body = await (await get(http, server, "/api/v1/stats", sue, **PERIOD, by="item")).json()
    assert [row[0] for row in table[1:-1]] == [g["key"] for g in body["groups"]]
    total = dict(zip(table[0], table[-1], strict=True))
    assert total["事项"] == "合计"
    assert total["受理量"] == "4"
    assert total["服务水平(60秒内接通)"] == "50.0%"
    assert total["等待时长P90(秒)"] == "90.0"
    assert total["差评率"] == "50.0%"
    assert total["办不成事"] == "2"


async def test_today(server: StatsServer, seeded: Seed, http: aiohttp.ClientSession) -> None:
    now = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5)
    today = now.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    await add_visits(server.store, seeded, [Visit(now, wait_s=12, handle_s=None)])
    sue = await server.login("sue")
    body = await (await get(http, server, "/api/v1/stats/today", sue, by="site")).json()
    assert body["period"]["from"] == body["period"]["to"] == today.isoformat()
    assert body["totals"]["volume"] == 1 and body["totals"]["wait_p50_s"] == 12.0
    assert body["series"]["unit"] == "hour"
    default = await (await get(http, server, "/api/v1/stats", sue)).json()
    assert default["period"]["from"] == today.isoformat()
    assert default["period"]["by"] == "item"


async def test_only_supervisors_and_admins_of_the_center(
    server: StatsServer, seeded: Seed, http: aiohttp.ClientSession
) -> None:
    await known_history(server, seeded)
    paths = ("/api/v1/stats", "/api/v1/stats.csv", "/api/v1/stats/today")
    alice = await server.login("alice")
    for path in paths:
        anonymous = await get(http, server, path, None, **PERIOD)
        assert anonymous.status == 401
        assert (await anonymous.json())["error"]["code"] == "auth_required"
        assert (await get(http, server, path, "not-a-token", **PERIOD)).status == 401
        clerk = await get(http, server, path, alice, **PERIOD)
        assert clerk.status == 403
        assert (await clerk.json())["error"]["code"] == "forbidden"
        kiosk = await get(http, server, path, seeded.kiosk_credentials[0], **PERIOD)
        assert kiosk.status == 403
    adam = await server.login("adam")
    admin = await get(http, server, "/api/v1/stats", adam, **PERIOD)
    assert admin.status == 200 and (await admin.json())["totals"]["volume"] == 4
    # a supervisor of another center sees their own center, never this one
    await server.store.create_staff(
        center_id=seeded.other_center_id,
        username="otto",
        display_name="Otto",
        password=PASSWORD,
        role="supervisor",
    )
    otto = await server.login("otto")
    own = await (await get(http, server, "/api/v1/stats", otto, **PERIOD)).json()
    assert own["period"]["center_id"] == seeded.other_center_id
    assert own["totals"]["volume"] == 1 and own["totals"]["cannot_be_done"] == 1
    for path in paths:
        foreign = await get(http, server, path, otto, **PERIOD, center_id=seeded.center_id)
        assert foreign.status == 403, path
    sue = await server.login("sue")
    mine = await get(http, server, "/api/v1/stats", sue, **PERIOD, center_id=seeded.center_id)
    assert mine.status == 200


@pytest.mark.parametrize(
    ("params", "complaint"),
    [
        ({"from": "2026-13-01"}, "from must be a date"),
        ({"from": "2026-11-10", "to": "yesterday"}, "to must be a date"),
        ({"from": "2026-11-10", "to": "2026-11-09"}, "before from"),
        ({"from": "2024-01-01", "to": "2026-01-01"}, "at most 366 days"),
        ({"by": "weekday"}, "by must be one of item, site, clerk"),
        ({"sla_s": "soon"}, "sla_s must be a number"),
        ({"sla_s": "-1"}, "between 0 and 3600"),
    ],
)
async def test_bad_queries_are_refused_clearly(
    server: StatsServer, http: aiohttp.ClientSession, params: dict[str, str], complaint: str
) -> None:
    sue = await server.login("sue")
    for path in ("/api/v1/stats", "/api/v1/stats.csv"):
        response = await get(http, server, path, sue, **params)
        assert response.status == 400
        error = (await response.json())["error"]
        assert error["code"] == "invalid_message" and complaint in error["reason"]
