"""A real server with the figures routes mounted, and a way to put history into its database
as the server and the records service would have written it."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web
from sqlalchemy import select

from center.records.stats_api import add_stats_routes
from signaling.app import create_app
from signaling.config import ServerConfig
from signaling.store.models import Case, FollowUp, Kiosk, ServiceRequest, Staff
from signaling.store.repo import Store
from tests.conftest import FAST_ROUTING, Seed, TestServer

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


class StatsServer(TestServer):
    """The conftest server with the figures extension mounted, as ``vwindow serve`` does."""

    __test__ = False

    async def start(self) -> None:
        app = create_app(self.config, extensions=[add_stats_routes])
        self.runner = web.AppRunner(app, shutdown_timeout=2)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", self.port)
        await site.start()
        self.port = self.runner.addresses[0][1]


def stats_config(database_url: str, tmp_path: Path) -> ServerConfig:
    return ServerConfig(
        host="127.0.0.1",
        port=0,
        data_dir=tmp_path / "data",
        database_url=database_url,
        routing=FAST_ROUTING,
        snapshot_interval_s=0.05,
    )


@pytest.fixture
async def server(
    database_url: str, seeded: Seed, tmp_path: Path
) -> AsyncIterator[StatsServer]:
    srv = StatsServer(stats_config(database_url, tmp_path))
    await srv.start()
    yield srv
    await srv.stop()


@dataclass
class Visit:
    """One request as it ended, and the case it left (when ``outcome`` is set)."""

    at: dt.datetime
    item: str = "YB-003"
    kiosk: int = 0
    clerk: str | None = "alice"
    wait_s: float | None = 30.0
    handle_s: float | None = 300.0
    outcome: str | None = "accepted"
    resident: str | None = None
    rating: int | None = None
    center: str = "main"


async def staff_ids(store: Store) -> dict[str, str]:
    async with store.db.session() as session:
        rows = await session.execute(select(Staff.username, Staff.id))
        return {username: staff_id for username, staff_id in rows}


async def add_visits(store: Store, seed: Seed, visits: list[Visit]) -> list[str]:
    """Insert the visits' requests and cases; returns the request ids."""
    ids = await staff_ids(store)
    async with store.db.session() as session:
        other_kiosk = await session.scalar(
            select(Kiosk.id).where(Kiosk.center_id == seed.other_center_id)
        )
    request_ids = []
    async with store.db.session() as session:
        for visit in visits:
            main = visit.center == "main"
            center_id = seed.center_id if main else seed.other_center_id
            kiosk_id = seed.kiosk_ids[visit.kiosk] if main else other_kiosk
            assert kiosk_id is not None
            request_id = "req-" + secrets.token_hex(6)
            call_id = "call-" + secrets.token_hex(6)
            answered = visit.wait_s is not None
            answered_at = visit.at + dt.timedelta(seconds=visit.wait_s or 0)
            ended_at = answered_at + dt.timedelta(seconds=visit.handle_s or 40)
            clerk_id = ids[visit.clerk] if answered and visit.clerk else None
            session.add(
                ServiceRequest(
                    id=request_id,
                    center_id=center_id,
                    kiosk_id=kiosk_id,
                    item_code=visit.item,
                    skill="yibao" if visit.item.startswith("YB") else "minzheng",
                    priority=0,
                    status="ended" if answered else "left",
                    created_at=visit.at,
                    first_ring_at=visit.at + dt.timedelta(seconds=1) if answered else None,
                    answered_at=answered_at if answered else None,
                    ended_at=ended_at,
                    clerk_id=clerk_id,
                    call_id=call_id if answered else None,
                    end_reason="hangup" if answered else "kiosk_left",
                    outcome=visit.outcome if answered else None,
                    wait_s=visit.wait_s,
                    handle_s=visit.handle_s if answered else None,
                )
            )
            if answered and visit.outcome is not None:
                await session.flush()
                session.add(
                    Case(
                        id="case-" + secrets.token_hex(6),
                        case_number="T-" + secrets.token_hex(6),
                        center_id=center_id,
                        request_id=request_id,
                        call_id=call_id,
                        kiosk_id=kiosk_id,
                        clerk_id=clerk_id,
                        clerk_ids=[clerk_id] if clerk_id else [],
                        item_code=visit.item,
                        status="closed",
                        outcome=visit.outcome,
                        opened_at=answered_at,
                        closed_at=ended_at,
                        id_number_hash=visit.resident,
                        rating_level=visit.rating,
                    )
                )
            request_ids.append(request_id)
    return request_ids


async def add_cannot_be_done(
    store: Store, center_id: str, at: dt.datetime, item: str, source: str = "kiosk"
) -> None:
    async with store.db.session() as session:
        session.add(
            FollowUp(
                id="fu-" + secrets.token_hex(6),
                center_id=center_id,
                item_code=item,
                source=source,
                reason="材料在外地，无法提供",
                status="open",
                created_at=at,
            )
        )
