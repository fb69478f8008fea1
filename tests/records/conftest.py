"""A real server with the records routes (as ``vwindow serve`` mounts them), on SQLite and
PostgreSQL, and helpers that put a real kiosk and clerk into a real call."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from shared import protocol as p
from shared.records_client import RecordsClient
from signaling.config import ServerConfig
from tests.conftest import FAST_ROUTING, Seed, TestServer
from vwindow.server import create_server


class RecordsServer(TestServer):
    __test__ = False

    async def start(self) -> None:
        self.runner = web.AppRunner(create_server(self.config), shutdown_timeout=2)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", self.port)
        await site.start()
        self.port = self.runner.addresses[0][1]


def records_config(database_url: str, data_dir: Path, **records: Any) -> ServerConfig:
    from dataclasses import replace

    from signaling.config import RecordsConfig

    return ServerConfig(
        host="127.0.0.1",
        port=0,
        data_dir=data_dir,
        database_url=database_url,
        routing=FAST_ROUTING,
        snapshot_interval_s=0.05,
        records=replace(RecordsConfig(), **records),
    )


@pytest.fixture
async def server(database_url: str, seeded: Seed, tmp_path: Path) -> AsyncIterator[RecordsServer]:
    srv = RecordsServer(records_config(database_url, tmp_path / "data"))
    await srv.start()
    yield srv
    await srv.stop()


@dataclass
class LiveCall:
    call_id: str
    request_id: str
    kiosk_credential: str
    clerk_token: str
    clerk: Any  # the clerk's signaling peer
    kiosk: Any


async def start_call(
    server: RecordsServer,
    peers: Callable[..., Any],
    seeded: Seed,
    clerk_name: str = "alice",
    kiosk_no: int = 0,
    item_code: str = "YB-003",
) -> LiveCall:
    clerk_token = await server.login(clerk_name)
    clerk = await peers(server.ws_url, clerk_token)
    await clerk.send(p.SetClerkState(state="available"))
    await clerk.expect(p.ClerkStatus, lambda m: m.state == "available")
    credential = seeded.kiosk_credentials[kiosk_no]
    kiosk = await peers(server.ws_url, credential)
    await kiosk.send(p.JoinQueue(item_code=item_code))
    ring = await clerk.expect(p.Ring)
    await clerk.send(p.AcceptCall(request_id=ring.request_id))
    call = (await kiosk.expect(p.CallStarted)).call
    await clerk.expect(p.CallStarted)
    return LiveCall(call.call_id, call.request_id, credential, clerk_token, clerk, kiosk)


async def end_call(call: LiveCall) -> None:
    await call.clerk.send(p.Hangup(call_id=call.call_id, reason="done"))
    await call.kiosk.expect(p.CallEnded)


def client(server: RecordsServer, token: str, http: aiohttp.ClientSession) -> RecordsClient:
    return RecordsClient(server.url, token, http)
