"""Fixtures for call tests: a server with the pages routes on a chosen address, peers in child
processes, and a veth link to a network namespace; all removed again even when a test fails."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from shared.call.ice import apply_allowed_networks, apply_host_addresses
from signaling.config import ServerConfig
from signaling.routing import RoutingConfig
from tests.calls.netns import VethLink, unavailable_reason
from tests.conftest import FAST_ROUTING, Seed, TestServer
from vwindow.server import create_server

REPO = Path(__file__).resolve().parents[2]

#: a call outlives a party's absence from the server for this long (outages up to 25 s here)
PATIENT_ROUTING = replace(FAST_ROUTING, resume_grace_s=60.0)


class CallServer(TestServer):
    """The conftest server with the records (pages) routes, as ``vwindow serve`` runs it,
    listening on ``host`` (a veth address when the kiosk sits in a network namespace)."""

    __test__ = False

    def __init__(self, config: Any, host: str = "127.0.0.1") -> None:
        super().__init__(config)
        self.host = host

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.port}/ws"

    async def start(self) -> None:
        self.runner = web.AppRunner(create_server(self.config), shutdown_timeout=2)
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.host, self.port)
        await site.start()
        self.port = self.runner.addresses[0][1]


async def eventually(check: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll ``check`` until it returns something true; that is returned."""
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        await asyncio.sleep(0.02)
    return result


@pytest.fixture(autouse=True)
def _gather_everywhere_again() -> Iterator[None]:
    """CallSession narrows aioice's host addresses and the networks it answers checks from,
    process-wide; undo that after each test."""
    yield
    apply_host_addresses(())
    apply_allowed_networks(())


@pytest.fixture
async def make_call_server(
    tmp_path: Path, database_url: str, seeded: Seed
) -> AsyncIterator[Callable[..., Any]]:
    """Servers on the test's seeded database (stopped before the database goes away)."""
    servers: list[CallServer] = []

    async def factory(
        *,
        host: str = "127.0.0.1",
        routing: RoutingConfig = PATIENT_ROUTING,
        **config: Any,
    ) -> CallServer:
        server = CallServer(
            ServerConfig(
                host=host,
                port=0,
                data_dir=tmp_path / "data",
                database_url=database_url,
                routing=routing,
                snapshot_interval_s=0.05,
                **config,
            ),
            host,
        )
        await server.start()
        servers.append(server)
        return server

    yield factory
    for server in servers:
        await server.stop()


@pytest.fixture
def veth() -> Iterator[VethLink]:
    reason = unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    link = VethLink.create()
    try:
        reason = link.check_cut_available()
        if reason is not None:
            pytest.skip(reason)
        yield link
    finally:
        link.destroy()


class PeerProcess:
    """A kiosk or console in a child process (``tests/calls/peer_process.py``)."""

    def __init__(self, argv: list[str], log: Path) -> None:
        self.argv = argv
        self.log = log
        self.events: list[dict[str, Any]] = []
        self.proc: asyncio.subprocess.Process | None = None
        self._changed = asyncio.Condition()
        self._ids = itertools.count(1)
        self._pump: asyncio.Task[None] | None = None

    async def start(self) -> None:
        with self.log.open("wb") as log:
            self.proc = await asyncio.create_subprocess_exec(
                *self.argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=log,
                cwd=REPO,
                env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"},
            )
        self._pump = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        async for line in self.proc.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            async with self._changed:
                self.events.append(event)
                self._changed.notify_all()
        async with self._changed:
            self.events.append({"event": "exit"})
            self._changed.notify_all()

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    async def wait_event(
        self, where: Callable[[dict[str, Any]], bool], timeout: float = 30.0
    ) -> dict[str, Any]:
        def found() -> dict[str, Any] | None:
            return next((e for e in self.events if where(e)), None)

        try:
            async with self._changed:
                await asyncio.wait_for(self._changed.wait_for(lambda: found() is not None), timeout)
        except TimeoutError:
            raise AssertionError(
                f"no such event within {timeout} s; events {self.events[-10:]}\n{self.log_tail()}"
            ) from None
        event = found()
        assert event is not None
        return event

    async def event(self, name: str, timeout: float = 30.0) -> dict[str, Any]:
        return await self.wait_event(lambda e: e["event"] in (name, "exit"), timeout)

    async def command(self, cmd: str, timeout: float = 30.0, **fields: Any) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdin is not None
        ident = next(self._ids)
        self.proc.stdin.write((json.dumps({"cmd": cmd, "id": ident, **fields}) + "\n").encode())
        await self.proc.stdin.drain()
        reply = await self.wait_event(
            lambda e: (e["event"] == "reply" and e["id"] == ident) or e["event"] == "exit",
            timeout,
        )
        assert reply["event"] == "reply", f"the peer exited\n{self.log_tail()}"
        assert reply["ok"], f"{cmd} failed: {reply.get('error')}\n{self.log_tail()}"
        return reply

    def messages(self, kind: str = "say") -> list[str]:
        return [e["text"] for e in self.events if e["event"] == "message" and e["type"] == kind]

    def kill(self) -> None:
        """Like a crash: no goodbye on any socket."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGKILL)

    async def stop(self) -> None:
        proc = self.proc
        if proc is None:
            return
        if proc.returncode is None:
            with contextlib.suppress(Exception):
                assert proc.stdin is not None
                proc.stdin.write(b'{"cmd": "quit"}\n')
                await proc.stdin.drain()
            try:
                await asyncio.wait_for(proc.wait(), 5)
            except TimeoutError:
                proc.kill()
                await proc.wait()
        if self._pump is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._pump, 2)


@pytest.fixture
async def spawn(tmp_path: Path) -> AsyncIterator[Callable[..., Any]]:
    """Start ``peer_process`` (optionally inside a namespace); every child is stopped, or
    killed, at the end of the test whatever happened."""
    started: list[PeerProcess] = []

    async def start(role: str, *args: str, netns: VethLink | None = None) -> PeerProcess:
        argv = [sys.executable, "-m", "tests.calls.peer_process", role, *args]
        if netns is not None:
            argv = [*netns.exec_prefix(), *argv]
        peer = PeerProcess(argv, tmp_path / f"{role}-{len(started) + 1}.log")
        started.append(peer)
        await peer.start()
        return peer

    yield start
    for peer in started:
        await peer.stop()
