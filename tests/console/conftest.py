"""The console tests run on a qasync loop: the server, the peers and the widgets share it, as
in the app, so Qt timers, signals and painting work while a test awaits the network."""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import pytest
import qasync
from aiohttp import web
from pytestqt.qtbot import QtBot

from center.console.client import ConsoleClient, ConsoleOptions, Staff, login
from center.console.window import ConsoleWindow
from center.records.routes import add_records_routes
from shared.call.ice import IcePolicy
from shared.ui.loop import qt_application
from signaling.app import create_app
from signaling.config import ServerConfig
from signaling.directory import add_directory_routes
from tests.conftest import FAST_ROUTING, PASSWORD, Seed, TestServer

T = TypeVar("T")


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> Mapping[str, Callable[[], Any]]:
    def qt_loop() -> qasync.QEventLoop:
        app = qt_application()
        # closing a test's window must not end the loop the next fixture runs on
        app.setQuitOnLastWindowClosed(False)
        return qasync.QEventLoop(app)

    return {"qt": qt_loop}


@pytest.fixture(autouse=True)
def collect_on_the_qt_thread() -> Iterator[None]:
    """Qt objects (the qasync loop's timers and notifiers, windows) must be freed on the Qt
    thread: a garbage collection that the server's or aiortc's threads happen to trigger
    would free them there and crash the process. So no automatic collection during a test,
    and a full one here afterwards."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


class RecordsServer(TestServer):
    """The conftest server with the records and clerk-directory routes, as ``vwindow serve``
    mounts them."""

    __test__ = False

    loop: asyncio.AbstractEventLoop | None = None

    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        app = create_app(self.config, extensions=[add_records_routes, add_directory_routes])
        self.runner = web.AppRunner(app, shutdown_timeout=2)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", self.port)
        await site.start()
        self.port = self.runner.addresses[0][1]


class ServerThread:
    """The server on its own asyncio loop in a thread, as it runs on its own machine: the
    console's qasync loop then holds only what a console holds (the kiosk peer too), and the
    server's database drivers never run under Qt's event dispatch."""

    def __init__(self, server: RecordsServer) -> None:
        self.server = server
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="server", daemon=True)

    def __enter__(self) -> RecordsServer:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result(30)
        return self.server

    def __exit__(self, *exc_info: object) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


async def on_server(server: RecordsServer, coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` (e.g. a database query) on the server's own loop."""
    loop = server.loop
    assert loop is not None
    return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, loop))


@pytest.fixture
def server(database_url: str, seeded: Seed, tmp_path: Path) -> Iterator[RecordsServer]:
    config = ServerConfig(
        host="127.0.0.1",
        port=0,
        data_dir=tmp_path / "data",
        database_url=database_url,
        routing=FAST_ROUTING,
        snapshot_interval_s=0.05,
    )
    with ServerThread(RecordsServer(config)) as srv:
        yield srv


async def until(predicate: Callable[[], object], timeout: float = 20.0, what: str = "") -> None:
    """Wait (letting Qt and the network run) until ``predicate()`` is true."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        await asyncio.sleep(0.05)


class Console:
    """A console window with its client, logged in as one of the seeded staff."""

    def __init__(self, window: ConsoleWindow, client: ConsoleClient) -> None:
        self.window = window
        self.client = client


@pytest.fixture
async def consoles(
    server: RecordsServer, qtbot: QtBot
) -> AsyncIterator[Callable[..., Any]]:
    opened: list[Console] = []
    sessions: list[aiohttp.ClientSession] = []

    async def open_console(username: str) -> Console:
        http = aiohttp.ClientSession()
        sessions.append(http)
        staff: Staff = await login(server.url, username, PASSWORD, http)
        # closed here after the client, not by qtbot: an open call would ask to confirm
        window = ConsoleWindow(server.url, staff)
        client = ConsoleClient(
            server.url, staff, http, window, ConsoleOptions(ice_policy=IcePolicy.loopback())
        )
        window.attach(client)
        window.resize(1920, 1080)
        window.show()
        await client.start()
        console = Console(window, client)
        opened.append(console)
        return console

    yield open_console
    for console in opened:
        # a console that cannot close within this is a failure, never a hung run
        await asyncio.wait_for(console.client.close(), 30)
        console.window.close()
        console.window.deleteLater()
    for http in sessions:
        await asyncio.wait_for(http.close(), 30)
