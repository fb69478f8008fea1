"""Plausible past service for the demo: requests, calls and cases of the last days, so the
supervisor's dashboard and the case history show real-looking figures. Only for the demo:
nothing here holds personal data (no card, no ID number; residents are anonymous tokens).

Working days 09:00–11:30 and 13:30–17:00 (Saturday mornings), busiest mid-morning; waits
mostly under a minute with a tail; about one resident in twenty gives up; outcomes mostly
accepted, some needing more materials (who come back days later), referred, or 办不成事; most
residents rate the call, mostly well.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import secrets
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from center.records import rules
from signaling.store.models import (
    Case,
    CaseEvent,
    CaseSequence,
    CatalogItem,
    Center,
    CenterCode,
    FollowUp,
    Kiosk,
    ServiceRequest,
    Site,
    Staff,
    StaffSkill,
)
from signaling.store.repo import Store

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
#: ids of generated rows start with this, so a second run sees the first
PREFIX = "demo-"
#: relative arrivals per local hour (none outside opening hours)
HOUR_WEIGHTS = {9: 1.2, 10: 1.6, 11: 1.0, 13: 0.6, 14: 1.2, 15: 1.3, 16: 0.8}
#: the open minutes of each hour (11:30 closes the morning, 13:30 opens the afternoon)
OPEN_MINUTES = {11: (0, 30), 13: (30, 60)}
WEEKDAY_VOLUME = 28
SATURDAY_VOLUME = 12
OUTCOME_WEIGHTS = {"accepted": 78, "needs_more": 13, "referred": 5, "cannot_be_done": 4}
RATING_WEIGHTS = {5: 62, 4: 22, 3: 9, 2: 4, 1: 3}
REFERRED_TO = ("区医保中心", "区民政局", "派出所户籍窗口")
CANNOT_REASONS = ("需本人到场核验，行动不便", "外地材料无法调取", "系统暂不支持远程办理")
#: colleagues added when the center has fewer clerks (they cannot log in)
DEMO_COLLEAGUES = (("demo-li", "李老师"), ("demo-zhang", "张老师"), ("demo-chen", "陈老师"))
#: not an argon2 hash: no password matches it
LOCKED_PASSWORD_HASH = "!locked"  # noqa: S105 - the marker of an account without password
#: neighbourhood committees added when the center has fewer kiosk sites
DEMO_SITES = ("演示二居委会", "演示三居委会")


@dataclass(frozen=True)
class _Place:
    kiosk_id: str
    kiosk_name: str
    site_id: str | None


@dataclass(frozen=True)
class _Clerk:
    staff_id: str
    name: str
    skills: frozenset[str]


async def seed_demo_history(
    store_or_session: Store | AsyncSession,
    center_id: str,
    days: int = 14,
    *,
    now: dt.datetime | None = None,
    seed: int = 7,
    add_colleagues: bool = True,
) -> int:
    """Create ``days`` days of history up to ``now`` (today's morning included) for the
    center; returns the number of requests made, 0 when the center has history from an
    earlier run. ``add_colleagues`` adds a few demo clerks (who cannot log in) and kiosks at
    other committees, so per-clerk and per-site figures have something to compare."""
    if isinstance(store_or_session, Store):
        async with store_or_session.db.session() as session:
            return await _seed(session, center_id, days, now, seed, add_colleagues)
    return await _seed(store_or_session, center_id, days, now, seed, add_colleagues)


async def _seed(
    session: AsyncSession,
    center_id: str,
    days: int,
    now: dt.datetime | None,
    seed: int,
    add_colleagues: bool,
) -> int:
    center = await session.get(Center, center_id)
    if center is None:
        raise ValueError(f"no center {center_id!r}")
    done_before = await session.scalar(
        select(func.count())
        .select_from(ServiceRequest)
        .where(ServiceRequest.center_id == center_id, ServiceRequest.id.like(f"{PREFIX}%"))
    )
    if done_before:
        return 0
    now = now or dt.datetime.now(dt.UTC)
    # the center's name, not its random id: the same center gets the same history
    rng = random.Random(f"{center.name}:{seed}")
    items = list((await session.scalars(select(CatalogItem).order_by(CatalogItem.code))).all())
    if not items:
        raise ValueError("import the catalog first: the history needs service items")
    if add_colleagues:
        await _add_colleagues(session, center, [item.skill_code for item in items])
    clerks = await _clerks(session, center_id)
    places = await _places(session, center_id)
    if not clerks or not places:
        raise ValueError("the center needs a clerk and a kiosk for its history")
    code = await _center_code(session, center_id)
    popular = {item.code: 1.0 / (1 + n * 0.35) for n, item in enumerate(_shuffled(items, rng))}
    residents: list[tuple[str, str, dt.datetime]] = []  # came back later after needs_more
    made = 0
    today = now.astimezone(ZONE).date()
    for offset in range(days - 1, -1, -1):
        day = today - dt.timedelta(days=offset)
        arrivals = _arrivals(day, rng)
        earlier = await session.get(CaseSequence, (center_id, day.strftime("%Y%m%d")))
        numbers = earlier.last_no if earlier is not None else 0
        for arrival in arrivals:
            if arrival >= now - dt.timedelta(minutes=15):
                break
            returning = next((r for r in residents if r[2] <= arrival), None)
            if returning is not None and rng.random() < 0.6:
                residents.remove(returning)
                resident, item_code = returning[0], returning[1]
            else:
                resident = f"{PREFIX}resident-{rng.getrandbits(40):010x}"
                item_code = rng.choices(list(popular), weights=list(popular.values()))[0]
            item = next(i for i in items if i.code == item_code)
            numbers, came_back = await _visit(
                session, rng, center_id, code, item, arrival, day, numbers, clerks, places,
                resident,
            )
            if came_back is not None:
                residents.append((resident, item.code, came_back))
            made += 1
        if numbers:
            await _bump_sequence(session, center_id, day.strftime("%Y%m%d"), numbers)
    return made


def _shuffled(items: Sequence[CatalogItem], rng: random.Random) -> list[CatalogItem]:
    out = list(items)
    rng.shuffle(out)
    return out


def _arrivals(day: dt.date, rng: random.Random) -> list[dt.datetime]:
    weekday = day.weekday()
    if weekday == 6:
        return []
    volume = SATURDAY_VOLUME if weekday == 5 else WEEKDAY_VOLUME
    volume = max(0, round(rng.gauss(volume, volume * 0.2)))
    hours = dict(HOUR_WEIGHTS)
    if weekday == 5:
        hours = {h: w for h, w in hours.items() if h < 12}
    out = []
    for _ in range(volume):
        hour = rng.choices(list(hours), weights=list(hours.values()))[0]
        low, high = OPEN_MINUTES.get(hour, (0, 60))
        minute = rng.uniform(low, high)
        local = dt.datetime.combine(day, dt.time(hour), ZONE) + dt.timedelta(minutes=minute)
        out.append(local.astimezone(dt.UTC))
    return sorted(out)


async def _visit(
    session: AsyncSession,
    rng: random.Random,
    center_id: str,
    code: str,
    item: CatalogItem,
    arrival: dt.datetime,
    day: dt.date,
    numbers: int,
    clerks: list[_Clerk],
    places: list[_Place],
    resident: str,
) -> tuple[int, dt.datetime | None]:
    """One request (and its case when answered); returns the day's case count so far and,
    for a resident told to bring more, when they come back."""
    place = rng.choice(places)
    busy = 1.6 if arrival.astimezone(ZONE).hour in (10, 15) else 1.0
    wait = rng.lognormvariate(math.log(30 * busy), 0.75)
    patience = rng.lognormvariate(math.log(260), 0.9)
    request_id = f"{PREFIX}req-{rng.getrandbits(48):012x}"
    skilled = [c for c in clerks if item.skill_code in c.skills] or clerks
    if wait > patience:
        session.add(
            ServiceRequest(
                id=request_id,
                center_id=center_id,
                kiosk_id=place.kiosk_id,
                item_code=item.code,
                skill=item.skill_code,
                priority=0,
                identified=True,
                status="left",
                created_at=arrival,
                ended_at=arrival + dt.timedelta(seconds=patience),
                end_reason="kiosk_left",
                ended_by="kiosk",
            )
        )
        return numbers, None
    clerk = rng.choice(skilled)
    answered = arrival + dt.timedelta(seconds=wait)
    handle = rng.lognormvariate(math.log(400), 0.45)
    ended = answered + dt.timedelta(seconds=handle)
    outcome = rng.choices(list(OUTCOME_WEIGHTS), weights=list(OUTCOME_WEIGHTS.values()))[0]
    call_id = f"{PREFIX}call-{rng.getrandbits(48):012x}"
    session.add(
        ServiceRequest(
            id=request_id,
            center_id=center_id,
            kiosk_id=place.kiosk_id,
            item_code=item.code,
            skill=item.skill_code,
            priority=1 if rng.random() < 0.15 else 0,
            identified=True,
            status="ended",
            created_at=arrival,
            first_ring_at=answered - dt.timedelta(seconds=min(wait, rng.uniform(2, 9))),
            answered_at=answered,
            ended_at=ended,
            clerk_id=clerk.staff_id,
            call_id=call_id,
            end_reason="hangup",
            ended_by="clerk",
            outcome=outcome,
            wait_s=wait,
            handle_s=handle,
        )
    )
    numbers += 1
    rating = None
    if rng.random() < 0.75:
        weights = dict(RATING_WEIGHTS)
        if outcome != "accepted":
            weights = {5: 30, 4: 25, 3: 20, 2: 15, 1: 10}
        rating = rng.choices(list(weights), weights=list(weights.values()))[0]
    case_id = f"{PREFIX}case-{rng.getrandbits(48):012x}"
    materials = list(item.materials or [])
    session.add(
        Case(
            id=case_id,
            case_number=rules.format_case_number(code, day.strftime("%Y%m%d"), numbers),
            center_id=center_id,
            request_id=request_id,
            call_id=call_id,
            kiosk_id=place.kiosk_id,
            kiosk_name=place.kiosk_name,
            site_id=place.site_id,
            clerk_id=clerk.staff_id,
            clerk_name=clerk.name,
            clerk_ids=[clerk.staff_id],
            item_code=item.code,
            item_name=item.name,
            status="closed",
            outcome=outcome,
            opened_at=answered,
            closed_at=ended,
            id_number_hash=resident,
            missing_materials=materials[:1] if outcome == "needs_more" else [],
            referred_to=rng.choice(REFERRED_TO) if outcome == "referred" else "",
            close_reason=rng.choice(CANNOT_REASONS) if outcome == "cannot_be_done" else "",
            rating_level=rating,
            rating_reasons=[],
            rated_at=ended + dt.timedelta(seconds=20) if rating else None,
        )
    )
    await session.flush()
    actor = f"staff:{clerk.staff_id}"
    session.add(CaseEvent(case_id=case_id, at=answered, kind="opened", actor=actor))
    session.add(CaseEvent(case_id=case_id, at=ended, kind="closed", actor=actor, detail=outcome))
    if outcome == "cannot_be_done":
        session.add(
            FollowUp(
                id=f"{PREFIX}fu-{rng.getrandbits(48):012x}",
                center_id=center_id,
                case_id=case_id,
                kiosk_id=place.kiosk_id,
                site_id=place.site_id,
                item_code=item.code,
                clerk_id=clerk.staff_id,
                source="clerk",
                reason=rng.choice(CANNOT_REASONS),
                status="closed" if rng.random() < 0.7 else "open",
                created_at=ended,
            )
        )
    if outcome == "needs_more":
        return numbers, ended + dt.timedelta(days=rng.uniform(1, 6))
    return numbers, None


async def _clerks(session: AsyncSession, center_id: str) -> list[_Clerk]:
    staff = (
        await session.scalars(
            select(Staff).where(Staff.center_id == center_id, Staff.role == "clerk")
        )
    ).all()
    out = []
    for person in staff:
        skills = (
            await session.scalars(
                select(StaffSkill.skill_code).where(StaffSkill.staff_id == person.id)
            )
        ).all()
        out.append(_Clerk(person.id, person.display_name, frozenset(skills)))
    return sorted(out, key=lambda c: c.staff_id)


async def _places(session: AsyncSession, center_id: str) -> list[_Place]:
    kiosks = (
        await session.scalars(
            select(Kiosk)
            .where(Kiosk.center_id == center_id, Kiosk.site_id.is_not(None))
            .order_by(Kiosk.id)
        )
    ).all()
    if not kiosks:
        kiosks = (
            await session.scalars(select(Kiosk).where(Kiosk.center_id == center_id))
        ).all()
    return [_Place(k.id, k.name, k.site_id) for k in kiosks]


async def _add_colleagues(session: AsyncSession, center: Center, skills: list[str]) -> None:
    clerks = await session.scalar(
        select(func.count())
        .select_from(Staff)
        .where(Staff.center_id == center.id, Staff.role == "clerk")
    )
    for username, name in DEMO_COLLEAGUES[: max(0, 3 - (clerks or 0))]:
        if await session.scalar(select(Staff.id).where(Staff.username == username)):
            continue
        staff_id = f"{PREFIX}stf-{username}"
        session.add(
            Staff(
                id=staff_id,
                center_id=center.id,
                username=username,
                display_name=name,
                # no password opens this account, and an inactive one cannot log in
                password_hash=LOCKED_PASSWORD_HASH,
                role="clerk",
                active=False,
            )
        )
        await session.flush()
        for skill in sorted(set(skills)):
            session.add(StaffSkill(staff_id=staff_id, skill_code=skill))
    sites = (
        await session.scalars(
            select(Kiosk.site_id)
            .where(Kiosk.center_id == center.id, Kiosk.site_id.is_not(None))
            .distinct()
        )
    ).all()
    for n, name in enumerate(DEMO_SITES[: max(0, 3 - len(sites))]):
        site_id = f"{PREFIX}site-{n + 2}"
        if await session.get(Site, site_id) is None:
            session.add(Site(id=site_id, name=name, kind="committee", parent_id=center.site_id))
            await session.flush()
            # a kiosk of the history only: it has no credential and never connects
            session.add(
                Kiosk(
                    id=f"{PREFIX}kiosk-{n + 2}",
                    center_id=center.id,
                    site_id=site_id,
                    name=f"{name} 1号机",
                    disabled_at=dt.datetime.now(dt.UTC),
                )
            )
    await session.flush()


async def _center_code(session: AsyncSession, center_id: str) -> str:
    code = await session.scalar(select(CenterCode.code).where(CenterCode.center_id == center_id))
    if code is not None:
        return code
    taken = set((await session.scalars(select(CenterCode.code))).all())
    chosen = next(
        (c for c in rules.center_code_candidates(center_id) if c not in taken),
        secrets.token_hex(6).upper(),
    )
    session.add(CenterCode(center_id=center_id, code=chosen))
    await session.flush()
    return chosen


async def _bump_sequence(session: AsyncSession, center_id: str, day: str, used: int) -> None:
    """Live cases of the day continue after the history's numbers."""
    row = await session.get(CaseSequence, (center_id, day))
    if row is None:
        session.add(CaseSequence(center_id=center_id, day=day, last_no=used))
    else:
        row.last_no = max(row.last_no, used)
    await session.flush()
