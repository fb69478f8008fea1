"""The demo's history: plausible figures through the real API, safe to run twice, and case
numbers that live cases continue after."""

from __future__ import annotations

import datetime as dt

import aiohttp
from sqlalchemy import func, select

from center.records.demo_history import seed_demo_history
from signaling.store.models import Case, CaseSequence, Kiosk, ServiceRequest, Staff
from tests.conftest import Seed
from tests.dashboard.conftest import StatsServer

NOW = dt.datetime(2026, 11, 20, 6, 0, tzinfo=dt.UTC)  # a Friday, 14:00 in Shanghai


async def test_history_gives_real_looking_figures(
    server: StatsServer, seeded: Seed, http: aiohttp.ClientSession
) -> None:
    made = await seed_demo_history(server.store, seeded.center_id, days=14, now=NOW)
    assert 150 < made < 500
    assert await seed_demo_history(server.store, seeded.center_id, days=14, now=NOW) == 0
    async with server.store.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(ServiceRequest)) == made
        numbers = (await session.scalars(select(Case.case_number))).all()
        assert len(numbers) == len(set(numbers)) > 100
        latest = await session.scalar(
            select(Case.opened_at).order_by(Case.opened_at.desc()).limit(1)
        )
        assert latest is not None and latest < NOW
        today = await session.get(CaseSequence, (seeded.center_id, "20261120"))
        assert today is not None
        assert f"-20261120-{today.last_no:04d}" in " ".join(numbers)
    sue = await server.login("sue")
    async with http.get(
        f"{server.url}/api/v1/stats",
        params={"from": "2026-11-07", "to": "2026-11-20", "by": "clerk"},
        headers={"Authorization": f"Bearer {sue}"},
    ) as response:
        body = await response.json()
    totals = body["totals"]
    assert totals["volume"] == made
    assert 0.02 < totals["abandonment_rate"] < 0.2
    assert 15 < totals["wait_p50_s"] < 80 < totals["wait_p90_s"] < 400
    assert 0.55 < totals["service_level"] < 0.97
    assert 0.5 < totals["first_time_success_rate"] < 0.85
    assert totals["rated"] > 50 and 3.5 < totals["rating_mean"] < 4.8
    assert totals["cannot_be_done"] > 0
    # the seed's three clerks served; nobody was added since the center had enough
    assert {g["name"] for g in body["groups"]} >= {"Alice", "Bob", "Carol"}
    # Sundays are closed
    by_day = {b["label"]: b["volume"] for b in body["series"]["buckets"]}
    assert by_day["2026-11-15"] == 0 and by_day["2026-11-16"] > 10


async def test_a_small_center_gets_colleagues_who_cannot_log_in(
    server: StatsServer, seeded: Seed, http: aiohttp.ClientSession
) -> None:
    # the other center has one clerk and one kiosk without a site
    made = await seed_demo_history(server.store, seeded.other_center_id, days=7, now=NOW)
    assert made > 50
    async with server.store.db.session() as session:
        names = (
            await session.scalars(
                select(Staff.display_name).where(Staff.center_id == seeded.other_center_id)
            )
        ).all()
        sites = (
            await session.scalars(
                select(Kiosk.site_id).where(
                    Kiosk.center_id == seeded.other_center_id, Kiosk.disabled_at.is_not(None)
                )
            )
        ).all()
    assert set(names) == {"Olga", "李老师", "张老师"}
    assert len(sites) == 2 and all(sites)
    for password in ("!locked", "", "demo-password"):
        async with http.post(
            f"{server.url}/api/v1/login", json={"username": "demo-li", "password": password}
        ) as response:
            assert response.status in (400, 401)
