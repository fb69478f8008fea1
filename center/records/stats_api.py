"""The supervisor's figures over HTTP: ``GET /api/v1/stats`` (JSON), ``/api/v1/stats.csv`` and
``/api/v1/stats/today``. Reads the rows with SQLAlchemy, leaves every figure to
:mod:`center.records.stats`. Only a supervisor or admin sees them, and only for their center.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from center.records import stats
from shared.protocol import ErrorCode
from signaling.app import CONFIG, STORE, ApiError, authenticate_caller, json_response
from signaling.config import ServerConfig
from signaling.store.models import (
    Case,
    CatalogItem,
    FollowUp,
    Kiosk,
    ServiceRequest,
    Site,
    Staff,
)
from signaling.store.repo import StaffIdentity

DEFAULT_ZONE = "Asia/Shanghai"
#: the longest period one query may cover
MAX_DAYS = 366
MAX_SLA_S = 3600.0
STATS_ROLES = ("supervisor", "admin")
#: group names for rows that have no item, site or clerk
UNKNOWN_NAMES = {"item": "未知事项", "site": "未指定站点", "clerk": "未接通"}


@dataclass(frozen=True, slots=True)
class Query:
    first_day: dt.date
    last_day: dt.date
    by: str
    sla_s: float
    zone: zoneinfo.ZoneInfo

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first_day, dt.time(), self.zone).astimezone(dt.UTC)

    @property
    def end(self) -> dt.datetime:
        after = self.last_day + dt.timedelta(days=1)
        return dt.datetime.combine(after, dt.time(), self.zone).astimezone(dt.UTC)


def center_zone(config: ServerConfig) -> zoneinfo.ZoneInfo:
    """The zone whose calendar days the periods follow (the records' case-number zone)."""
    records = getattr(config, "records", None)
    name = getattr(records, "timezone", None) or DEFAULT_ZONE
    return zoneinfo.ZoneInfo(name)


def _bad(reason: str) -> ApiError:
    return ApiError(400, ErrorCode.INVALID_MESSAGE, reason)


def _day(text: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _bad(f"{name} must be a date YYYY-MM-DD, not {text!r}") from None


def parse_query(params: Any, zone: zoneinfo.ZoneInfo, today: dt.date) -> Query:
    first_text, last_text = params.get("from"), params.get("to")
    first = _day(first_text, "from") if first_text else today
    last = _day(last_text, "to") if last_text else (first if first_text else today)
    if last < first:
        raise _bad("to must not be before from")
    if (last - first).days + 1 > MAX_DAYS:
        raise _bad(f"a period covers at most {MAX_DAYS} days")
    by = params.get("by", "item")
    if by not in stats.GROUPINGS:
        raise _bad(f"by must be one of {', '.join(stats.GROUPINGS)}")
    try:
        sla_s = float(params.get("sla_s", stats.DEFAULT_SLA_S))
    except ValueError:
        raise _bad("sla_s must be a number of seconds") from None
    if not 0 <= sla_s <= MAX_SLA_S:
        raise _bad(f"sla_s must be between 0 and {MAX_SLA_S:g}")
    return Query(first, last, by, sla_s, zone)


async def supervisor_of(request: web.Request) -> StaffIdentity:
    """The calling supervisor or admin; everyone else is refused."""
    caller = await authenticate_caller(request)
    if not isinstance(caller, StaffIdentity) or caller.role not in STATS_ROLES:
        raise ApiError(403, ErrorCode.FORBIDDEN, "figures are for supervisors and admins")
    wanted = request.query.get("center_id")
    if wanted and wanted != caller.center_id:
        raise ApiError(403, ErrorCode.FORBIDDEN, "figures of your own center only")
    return caller


# --- Reading the rows -----------------------------------------------------------------------


async def load_rows(
    session: AsyncSession, center_id: str, start: dt.datetime, end: dt.datetime
) -> tuple[list[stats.RequestRow], list[stats.CannotBeDone], list[stats.PastOutcome]]:
    requests = await session.execute(
        select(
            ServiceRequest.id,
            ServiceRequest.created_at,
            ServiceRequest.item_code,
            ServiceRequest.status,
            func.coalesce(Case.site_id, Kiosk.site_id),
            ServiceRequest.clerk_id,
            ServiceRequest.answered_at,
            ServiceRequest.wait_s,
            ServiceRequest.handle_s,
            func.coalesce(Case.outcome, ServiceRequest.outcome),
            Case.id_number_hash,
            Case.rating_level,
        )
        .outerjoin(Kiosk, Kiosk.id == ServiceRequest.kiosk_id)
        .outerjoin(Case, Case.request_id == ServiceRequest.id)
        .where(
            ServiceRequest.center_id == center_id,
            ServiceRequest.created_at >= start,
            ServiceRequest.created_at < end,
        )
    )
    rows = [
        stats.RequestRow(
            request_id=r[0],
            created_at=_aware(r[1]),
            item_code=r[2],
            status=r[3],
            site_id=r[4],
            clerk_id=r[5],
            answered_at=r[6],
            wait_s=r[7],
            handle_s=r[8],
            outcome=r[9],
            resident=r[10],
            rating=r[11],
        )
        for r in requests
    ]
    entries = await session.execute(
        select(
            FollowUp.created_at,
            FollowUp.item_code,
            FollowUp.site_id,
            FollowUp.clerk_id,
            Case.request_id,
        )
        .outerjoin(Case, Case.id == FollowUp.case_id)
        .where(
            FollowUp.center_id == center_id,
            FollowUp.created_at >= start,
            FollowUp.created_at < end,
        )
    )
    cannot = [
        stats.CannotBeDone(
            created_at=r[0], item_code=r[1], site_id=r[2], clerk_id=r[3], request_id=r[4]
        )
        for r in entries
    ]
    earlier = await session.execute(
        select(
            Case.id_number_hash,
            Case.item_code,
            Case.outcome,
            func.coalesce(Case.closed_at, Case.opened_at),
        ).where(
            Case.center_id == center_id,
            Case.id_number_hash.is_not(None),
            Case.outcome == "needs_more",
            Case.opened_at >= start - stats.FIRST_TIME_LOOKBACK,
            Case.opened_at < end,
        )
    )
    history = [
        stats.PastOutcome(resident=r[0] or "", item_code=r[1], outcome=r[2] or "", at=_aware(r[3]))
        for r in earlier
    ]
    return rows, cannot, history


def _aware(value: dt.datetime) -> dt.datetime:
    # coalesce() hands back the raw column type, which on SQLite has no zone
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


async def group_names(session: AsyncSession, by: str, center_id: str) -> dict[str, str]:
    if by == "item":
        result = await session.execute(select(CatalogItem.code, CatalogItem.name))
    elif by == "site":
        result = await session.execute(select(Site.id, Site.name))
    else:
        result = await session.execute(
            select(Staff.id, Staff.display_name).where(Staff.center_id == center_id)
        )
    names = {key: name for key, name in result}
    names[""] = UNKNOWN_NAMES[by]
    return names


async def compute(app: web.Application, center_id: str, query: Query) -> dict[str, Any]:
    """The JSON body of ``/api/v1/stats`` for one center and period."""
    async with app[STORE].db.session() as session:
        rows, cannot, history = await load_rows(session, center_id, query.start, query.end)
        names = await group_names(session, query.by, center_id)
    result = stats.report(rows, cannot, history, by=query.by, names=names, sla_s=query.sla_s)
    buckets = stats.series(
        rows, zone=query.zone, first_day=query.first_day, last_day=query.last_day
    )
    return {
        "period": {
            "from": query.first_day.isoformat(),
            "to": query.last_day.isoformat(),
            "timezone": query.zone.key,
            "by": query.by,
            "sla_s": query.sla_s,
            "center_id": center_id,
        },
        "totals": result.totals.as_dict(),
        "groups": [
            {"key": group.key, "name": group.name, **group.figures.as_dict()}
            for group in result.groups
        ],
        "series": {
            "unit": "hour" if query.first_day == query.last_day else "day",
            "buckets": [
                {
                    "label": bucket.label,
                    "volume": bucket.volume,
                    "answered": bucket.answered,
                    "wait_p50_s": bucket.wait_p50_s,
                    "wait_p90_s": bucket.wait_p90_s,
                }
                for bucket in buckets
            ],
        },
    }


def render_csv(body: dict[str, Any]) -> bytes:
    """The figures as a CSV file Excel opens with the Chinese intact (UTF-8 with a BOM)."""
    period = body["period"]
    table = stats.csv_rows(period["by"], period["sla_s"], body["totals"], body["groups"])
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerows(table)
    return text.getvalue().encode("utf-8-sig")


def csv_filename(body: dict[str, Any]) -> str:
    period = body["period"]
    return f"vwindow-stats-{period['from']}-{period['to']}-{period['by']}.csv"


# --- Handlers -------------------------------------------------------------------------------


def _today(zone: zoneinfo.ZoneInfo) -> dt.date:
    return dt.datetime.now(zone).date()


async def _body(request: web.Request, *, today_only: bool = False) -> dict[str, Any]:
    caller = await supervisor_of(request)
    zone = center_zone(request.app[CONFIG])
    params: Any = request.query
    if today_only:
        params = {k: v for k, v in request.query.items() if k not in ("from", "to")}
    query = parse_query(params, zone, _today(zone))
    return await compute(request.app, caller.center_id, query)


async def get_stats(request: web.Request) -> web.Response:
    return json_response(await _body(request))


async def get_today(request: web.Request) -> web.Response:
    return json_response(await _body(request, today_only=True))


async def get_csv(request: web.Request) -> web.Response:
    body = await _body(request)
    return web.Response(
        body=render_csv(body),
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{csv_filename(body)}"',
        },
    )


def add_stats_routes(app: web.Application) -> None:
    app.router.add_get("/api/v1/stats", get_stats)
    app.router.add_get("/api/v1/stats.csv", get_csv)
    app.router.add_get("/api/v1/stats/today", get_today)
