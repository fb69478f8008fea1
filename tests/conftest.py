"""Shared fixtures: databases (SQLite and, when configured, a private PostgreSQL database per
run), a real server on an ephemeral port, and WebSocket peers that speak the protocol."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import aiohttp
import psycopg
import pytest
from aiohttp import web
from sqlalchemy.engine import make_url

from shared import catalog
from shared import protocol as p
from signaling.app import HUB, STORE, create_app
from signaling.config import LimitsConfig, ServerConfig
from signaling.routing import RoutingConfig
from signaling.store.db import Database
from signaling.store.repo import Store

POSTGRES_ENV = "VWINDOW_TEST_POSTGRES_URL"
PASSWORD = "correct horse battery"


def _postgres_admin_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


def _plain(url: str) -> Any:
    return make_url(url).set(drivername="postgresql")


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A seeded PostgreSQL database made once per run; each test gets a copy of it."""
    admin_url = _postgres_admin_url()
    if admin_url is None:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (set by .ci/run)")
    name = f"vwindow_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = _plain(admin_url).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def seeded_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Seeding hashes passwords with argon2 (slow on purpose), so it runs once per backend."""
    return {}


async def _template(kind: str, request: pytest.FixtureRequest, cache: dict[str, Any]) -> Any:
    if kind in cache:
        return cache[kind]
    if kind == "sqlite":
        path = request.getfixturevalue("tmp_path_factory").mktemp("template") / "seed.db"
        seed = await seed_database(f"sqlite:///{path}")
        cache[kind] = (path, seed)
    else:
        name = request.getfixturevalue("postgres_template")
        url = _plain(_postgres_admin_url() or "").set(database=name)
        seed = await seed_database(url.render_as_string(hide_password=False))
        cache[kind] = (name, seed)
    return cache[kind]


@pytest.fixture(params=["sqlite", "postgresql"])
async def seeded_database(
    request: pytest.FixtureRequest, tmp_path: Path, seeded_templates: dict[str, Any]
) -> AsyncIterator[tuple[str, Seed]]:
    """A database with demo-like data, fresh for each test, on SQLite and PostgreSQL."""
    if request.param == "postgresql" and _postgres_admin_url() is None:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (set by .ci/run)")
    source, seed = await _template(request.param, request, seeded_templates)
    if request.param == "sqlite":
        target = tmp_path / "vwindow.db"
        shutil.copyfile(source, target)
        yield f"sqlite:///{target}", seed
        return
    admin = _plain(_postgres_admin_url() or "").render_as_string(hide_password=False)
    name = f"{source}_{secrets.token_hex(3)}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    try:
        yield _plain(admin).set(database=name).render_as_string(hide_password=False), seed
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database_url(seeded_database: tuple[str, Seed]) -> str:
    return seeded_database[0]


@pytest.fixture
def seeded(seeded_database: tuple[str, Seed]) -> Seed:
    return seeded_database[1]


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'vwindow.db'}"


FAST_ROUTING = RoutingConfig(
    ring_timeout_s=1.0, wrap_up_s=0.3, resume_grace_s=2.0, decline_cooldown_s=5.0
)


@dataclass
class Seed:
    center_id: str
    other_center_id: str
    kiosk_credentials: list[str]
    kiosk_ids: list[str]
    other_kiosk_credential: str
    clerk_tokens: dict[str, str] = field(default_factory=dict)


class TestServer:
    """A real vwindow server on 127.0.0.1 with an ephemeral port."""

    __test__ = False

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    @property
    def app(self) -> web.Application:
        assert self.runner is not None
        return self.runner.app

    @property
    def store(self) -> Store:
        return self.app[STORE]

    @property
    def hub(self) -> Any:
        return self.app[HUB]

    async def start(self) -> None:
        self.runner = web.AppRunner(create_app(self.config), shutdown_timeout=2)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", self.port)
        await site.start()
        self.port = self.runner.addresses[0][1]

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None

    async def restart(self) -> None:
        """Stop and start again on the same port and database (a real restart)."""
        await self.stop()
        await self.start()

    async def login(self, username: str, password: str = PASSWORD) -> str:
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                f"{self.url}/api/v1/login", json={"username": username, "password": password}
            ) as response,
        ):
            assert response.status == 200, await response.text()
            token: str = (await response.json())["token"]
            return token


async def seed_database(url: str, *, kiosks: int = 3) -> Seed:
    database = Database(url)
    await database.migrate()
    store = Store(database)
    try:
        await store.import_catalog(catalog.load_catalog(catalog.default_catalog_path()))
        district = await store.create_site("测试区", "district")
        street = await store.create_site("测试街道", "street", district.id)
        committee = await store.create_site("测试居委会", "committee", street.id)
        center = await store.create_center("测试中心", street.id)
        other = await store.create_center("另一中心", district.id)
        credentials, ids = [], []
        for n in range(kiosks):
            kiosk, code = await store.create_kiosk(
                center_id=center.id, name=f"测试机{n + 1}", site_id=committee.id
            )
            enrolled = await store.enroll(code)
            assert enrolled is not None
            credentials.append(enrolled[1])
            ids.append(kiosk.id)
        _, code = await store.create_kiosk(center_id=other.id, name="他处机")
        other_kiosk = await store.enroll(code)
        assert other_kiosk is not None
        for username, role, skills, center_id in (
            ("alice", "clerk", ["yibao", "minzheng"], center.id),
            ("bob", "clerk", ["yibao"], center.id),
            ("carol", "clerk", ["minzheng"], center.id),
            ("sue", "supervisor", [], center.id),
            ("olga", "clerk", ["yibao"], other.id),
            ("adam", "admin", [], center.id),
        ):
            await store.create_staff(
                center_id=center_id,
                username=username,
                display_name=username.title(),
                password=PASSWORD,
                role=role,
                skills=skills,
                window_no="1",
            )
        return Seed(center.id, other.id, credentials, ids, other_kiosk[1])
    finally:
        await database.close()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """A client session for HTTP API tests."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def make_server(tmp_path: Path) -> Iterator[Callable[..., Any]]:
    servers: list[TestServer] = []

    async def factory(
        database_url: str, *, routing: RoutingConfig = FAST_ROUTING, **limits: Any
    ) -> TestServer:
        config = ServerConfig(
            host="127.0.0.1",
            port=0,
            data_dir=tmp_path / "data",
            database_url=database_url,
            routing=routing,
            snapshot_interval_s=0.05,
            limits=replace(LimitsConfig(), **limits),
        )
        server = TestServer(config)
        await server.start()
        servers.append(server)
        return server

    yield factory
    for server in servers:
        assert server.runner is None, "a test left a server running: call stop()"


@pytest.fixture
async def server(
    make_server: Callable[..., Any], database_url: str, seeded: Seed
) -> AsyncIterator[TestServer]:
    srv: TestServer = await make_server(database_url)
    yield srv
    await srv.stop()


class Peer:
    """A raw WebSocket client that speaks the protocol, for tests that inspect every frame."""

    def __init__(self, http: aiohttp.ClientSession, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.http = http
        self.ws = ws
        self.inbox: list[p.ServerMessage] = []
        self.welcome: p.Welcome | None = None

    @classmethod
    async def connect(cls, url: str, token: str | None = None) -> Peer:
        http = aiohttp.ClientSession()
        ws = await http.ws_connect(url, max_msg_size=0)
        peer = cls(http, ws)
        if token is not None:
            await peer.send(p.Hello(token=token))
            peer.welcome = await peer.expect(p.Welcome)
        return peer

    async def send(self, message: p.Message) -> None:
        await self.ws.send_str(p.encode(message).decode())

    async def send_raw(self, data: str | bytes) -> None:
        if isinstance(data, bytes):
            await self.ws.send_bytes(data)
        else:
            await self.ws.send_str(data)

    async def expect(
        self, kind: type[Any], where: Callable[[Any], bool] | None = None, timeout: float = 5.0
    ) -> Any:
        """The first message of ``kind`` (matching ``where``), from earlier or arriving."""
        for index, message in enumerate(self.inbox):
            if isinstance(message, kind) and (where is None or where(message)):
                del self.inbox[index]
                return message
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {kind.__name__} within {timeout} s; got {self.inbox}")
            try:
                msg = await self.ws.receive(timeout=remaining)
            except TimeoutError:
                continue
            if msg.type != aiohttp.WSMsgType.TEXT:
                raise AssertionError(
                    f"connection ended ({msg.type}, {msg.data}) "
                    f"waiting for {kind.__name__}; got {self.inbox}"
                )
            message = p.decode_server(msg.data)
            if isinstance(message, kind) and (where is None or where(message)):
                return message
            self.inbox.append(message)

    async def quiet(self, kind: type[Any], seconds: float = 0.3) -> None:
        """Assert that no message of ``kind`` arrives within ``seconds``."""
        try:
            message = await self.expect(kind, timeout=seconds)
        except AssertionError:
            return
        raise AssertionError(f"unexpected {message}")

    async def closed(self, timeout: float = 5.0) -> int | None:
        """Wait for the server to close; returns the close code."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = await self.ws.receive(timeout=deadline - time.monotonic())
            if msg.type in (
                aiohttp.WSMsgType.CLOSE,
                aiohttp.WSMsgType.CLOSED,
                aiohttp.WSMsgType.CLOSING,
            ):
                return self.ws.close_code
            if msg.type == aiohttp.WSMsgType.TEXT:
                self.inbox.append(p.decode_server(msg.data))
        raise AssertionError("server did not close the connection")

    async def close(self) -> None:
        await self.ws.close()
        await self.http.close()


@pytest.fixture
async def peers() -> AsyncIterator[Callable[..., Any]]:
    opened: list[Peer] = []

    async def connect(url: str, token: str | None = None) -> Peer:
        peer = await Peer.connect(url, token)
        opened.append(peer)
        return peer

    yield connect
    await asyncio.gather(*(peer.close() for peer in opened), return_exceptions=True)


@pytest.fixture(scope="session")
def coturn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from tests.coturn import start_coturn

    yield from start_coturn(tmp_path_factory.mktemp("coturn"))
