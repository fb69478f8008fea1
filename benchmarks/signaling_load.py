"""Load test of the signaling server: N kiosks and M clerks on real sockets, real routing.

Run: ``python -m benchmarks.signaling_load --kiosks 10000 --clerks 500 --seconds 30``

Processes (so that the server's memory is its own and the load generator does not share its
event loop):

- this process seeds the database, starts the others, samples the server's ``/proc`` entry and
  prints the figures;
- one server process runs ``signaling.app.create_app`` on 127.0.0.1 (short routing timers:
  ``wrap_up_s`` 0.5 s by default, so clerks come back quickly);
- one or more client processes (``--clients``; by default 2 from 2,000 sockets on) hold the
  kiosk and clerk WebSockets, speaking the protocol with raw ``aiohttp`` frames.

Every clerk says ``clerk.set_state available`` once, accepts every ``call.ring`` at once,
answers the kiosk's SDP offer and hangs up after a random 0.2-1.0 s call. A pacer in each
client process makes idle kiosks send ``queue.join`` (a random item of a random skill) at
``rate / messages-per-visit`` joins a second, so that client-to-server frames come to about
``--rate`` a second; a kiosk whose call ended rejoins after ``--pause`` seconds. A visit is
5 client frames (join, accept, SDP offer, SDP answer, hangup), 3 with ``--sdp-bytes 0``.

What is measured, for joins sent during the ``--seconds`` window only:

- ``route_*_ms``: routing latency of the requests routed at once, i.e. whose first
  ``queue.update`` says ``ringing`` (a clerk was free when the join arrived): from just before
  the kiosk writes ``queue.join`` to when the clerk's client reads the ``call.ring`` with the
  same ``request_id``. Both times are CLOCK_MONOTONIC, which is one clock for all processes of
  a host, so the kiosk and clerk may live in different client processes. It includes both
  sockets, the server's parsing, routing and encoding, and the client loops' delays
  (``client_lag_p99_ms`` shows how much of the latter there was).
- ``ack_*_ms``: every join, from writing ``queue.join`` to reading the first ``queue.update``
  (tagged with the join's id), whether or not a clerk was free.
- ``queued_wait_p50_ms``: requests that had to wait: join to first ring.
- ``msgs_per_s``: WebSocket frames actually carried in the window, both directions (client to
  server plus server to client, counted at the clients), divided by the window length;
  ``client_msgs_per_s`` is the client-to-server part, comparable with ``--rate``.
- ``errors``: ``error`` frames received by clients, plus unexpected closes.
- ``rss_mb``: the server process's peak VmRSS, sampled every 0.2 s from the first WebSocket
  connection until the load window ends (after the HTTP logins). ``rss_hwm_mb`` is the
  kernel's VmHWM over the whole life of the process, so it also holds the logins' spike
  (argon2 allocates 64 MiB per verification). ``rss_idle_mb`` is taken before the logins,
  ``rss_connected_mb`` once all sockets are up, ``rss_end_mb`` after the drain.
- ``server_lag_*``, ``server_gc*``: the server's event-loop delay and its garbage collections
  during the window (wall and CPU time), recorded by this module's server entry point (a 10 ms
  sleeper task and ``gc.callbacks``), not by the server code; ``server_gc_forced_full_ms`` is
  one full collection forced after the window with every socket still up.
- ``host_busy_pct``, ``other_cpu_pct``: how busy the host's cores were during the window and
  how much of that was processes outside this benchmark. Latencies measured on a shared
  machine are only as clean as the latter is small.

Seeding: the catalog, sites, center and the first few kiosks and clerks go through the real
``Store`` commands (``create_kiosk`` + ``enroll``, ``create_staff``). With ``--seed bulk`` (the
default) the remaining kiosks and clerks are inserted as the rows those commands leave behind
(an enrolled credential's digest; the first clerk's argon2 hash, so the same password works),
because each ``create_kiosk`` + ``enroll`` costs ~10 ms and each argon2 hash ~0.2 s here;
``--seed store`` runs the commands for everyone. Likewise ``--http-logins`` clerks log in with
``POST /api/v1/login``, all at once (each costs the server one argon2 verification: ~0.25 s of
CPU and 64 MiB), and the others get session rows written directly.

The last line of output is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import dataclasses
import datetime as dt
import gc
import json
import logging
import math
import multiprocessing
import os
import random
import re
import resource
import secrets
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Coroutine, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import insert, select

from benchmarks.procfs import host_busy_s, percentile, proc_cpu_s, proc_status_kb
from shared import catalog
from shared import protocol as p
from signaling import auth
from signaling.app import create_app
from signaling.config import ServerConfig
from signaling.routing import RoutingConfig
from signaling.store.db import Database
from signaling.store.models import Kiosk, Staff, StaffSession, StaffSkill, utcnow
from signaling.store.repo import Store

log = logging.getLogger("benchmarks.signaling_load")

HOST = "127.0.0.1"
#: a throwaway account on a throwaway database
PASSWORD = "bench-password-123"
#: clerks and kiosks made through the Store commands even in bulk mode
STORE_SEEDED = 3
#: frames a visit costs the clients: join, accept, hangup (+ SDP offer and answer)
BASE_VISIT_FRAMES = 3
SAMPLE_EVERY_S = 0.2


# --- Plans and results passed between processes (all picklable) ---------------------------


@dataclasses.dataclass(frozen=True)
class ServerSpec:
    database_url: str
    data_dir: str
    ring_timeout_s: float
    wrap_up_s: float
    tracemalloc_frames: int


@dataclasses.dataclass(frozen=True)
class ClientPlan:
    index: int
    ws_url: str
    #: (kiosk name, device credential)
    kiosks: list[tuple[str, str]]
    #: staff session tokens
    clerks: list[str]
    #: item codes by skill; a kiosk picks a skill, then an item
    items_by_skill: dict[str, list[str]]
    joins_per_s: float
    call_s: tuple[float, float]
    pause_s: float
    sdp_bytes: int
    connect_concurrency: int
    connect_timeout_s: float
    drain_s: float


@dataclasses.dataclass
class ConnectReport:
    index: int
    connected_kiosks: int
    connected_clerks: int
    failures: int
    seconds: float


@dataclasses.dataclass
class ClientResult:
    index: int
    #: (request_id, join written at, routed at once) for joins written inside the window
    joins: list[tuple[str, float, bool]]
    #: (request_id, first ring read at)
    rings: list[tuple[str, float]]
    ack_ms: list[float]
    sent: int
    received: int
    errors: dict[str, int]
    closes: int
    calls_ended: int
    starved: int
    lag_p99_ms: float
    cpu_pct: float


# --- Small helpers --------------------------------------------------------------------------


def raise_nofile() -> int:
    """10,000 sockets need more than the usual soft limit of 1,024 descriptors."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        return hard
    return soft


def rounded(value: float, digits: int = 2) -> float | None:
    return None if math.isnan(value) else round(value, digits)


def skill_pairs(skills: Sequence[str], clerks: int, per_clerk: int) -> list[list[str]]:
    """Spread skills so that every skill has about the same number of clerks."""
    step = max(1, len(skills) // per_clerk)
    return [
        sorted({skills[(i + j * step) % len(skills)] for j in range(per_clerk)})
        for i in range(clerks)
    ]


# --- Seeding --------------------------------------------------------------------------------


@dataclasses.dataclass
class SeedResult:
    center_id: str
    kiosks: list[tuple[str, str]]
    clerk_usernames: list[str]
    clerk_ids: list[str]
    items_by_skill: dict[str, list[str]]
    seconds: float


async def seed(url: str, kiosks: int, clerks: int, skills_per_clerk: int, mode: str) -> SeedResult:
    started = time.perf_counter()
    database = Database(url)
    try:
        await database.migrate()
        store = Store(database)
        items = catalog.load_catalog(catalog.default_catalog_path())
        await store.import_catalog(items)
        by_skill: dict[str, list[str]] = collections.defaultdict(list)
        for item in items:
            if item.remote_eligible is not False:
                by_skill[item.skill].append(item.code)
        skills = sorted(by_skill)
        # a unique suffix lets several runs share one (PostgreSQL) database
        run = secrets.token_hex(3)
        district = await store.create_site(f"压测区{run}", "district")
        street = await store.create_site(f"压测街道{run}", "street", district.id)
        committee = await store.create_site(f"压测居委会{run}", "committee", street.id)
        center = await store.create_center(f"压测中心{run}", street.id)
        by_store = kiosks if mode == "store" else min(kiosks, STORE_SEEDED)
        credentials: list[tuple[str, str]] = []
        for n in range(by_store):
            name = f"bench-kiosk-{n:05d}"
            _, code = await store.create_kiosk(center_id=center.id, name=name, site_id=committee.id)
            enrolled = await store.enroll(code)
            assert enrolled is not None
            credentials.append((name, enrolled[1]))
        rows: list[dict[str, Any]] = []
        now = utcnow()
        for n in range(by_store, kiosks):
            name = f"bench-kiosk-{n:05d}"
            credential = auth.new_kiosk_credential()
            rows.append(
                {
                    "id": auth.new_id("ksk"),
                    "center_id": center.id,
                    "site_id": committee.id,
                    "name": name,
                    "credential_hash": auth.digest(credential),
                    "enrolled_at": now,
                    "created_at": now,
                }
            )
            credentials.append((name, credential))
        if rows:
            async with database.session() as session:
                await session.execute(insert(Kiosk), rows)
        usernames = [f"bench-{run}-clerk-{n:04d}" for n in range(clerks)]
        skill_sets = skill_pairs(skills, clerks, skills_per_clerk)
        ids: list[str] = []
        by_store = clerks if mode == "store" else min(clerks, STORE_SEEDED)
        for n in range(by_store):
            staff = await store.create_staff(
                center_id=center.id,
                username=usernames[n],
                display_name=f"压测员{n}",
                password=PASSWORD,
                role="clerk",
                skills=skill_sets[n],
                window_no=str(n + 1),
            )
            ids.append(staff.staff_id)
        if clerks > by_store:
            async with database.session() as session:
                password_hash = await session.scalar(
                    select(Staff.password_hash).where(Staff.id == ids[0])
                )
                staff_rows: list[dict[str, Any]] = []
                skill_rows: list[dict[str, Any]] = []
                for n in range(by_store, clerks):
                    staff_id = auth.new_id("stf")
                    ids.append(staff_id)
                    staff_rows.append(
                        {
                            "id": staff_id,
                            "center_id": center.id,
                            "username": usernames[n],
                            "display_name": f"压测员{n}",
                            "password_hash": password_hash,
                            "role": "clerk",
                            "window_no": str(n + 1),
                            "last_state": "away",
                            "active": True,
                            "created_at": now,
                        }
                    )
                    skill_rows += [{"staff_id": staff_id, "skill_code": s} for s in skill_sets[n]]
                await session.execute(insert(Staff), staff_rows)
                await session.execute(insert(StaffSkill), skill_rows)
        return SeedResult(
            center.id,
            credentials,
            usernames,
            ids,
            dict(by_skill),
            time.perf_counter() - started,
        )
    finally:
        await database.close()


async def direct_sessions(url: str, staff_ids: Sequence[str]) -> list[str]:
    """Session rows as a login would write them, without one argon2 verification each."""
    database = Database(url)
    tokens = [auth.new_staff_token() for _ in staff_ids]
    expires = utcnow() + dt.timedelta(hours=12)
    try:
        if staff_ids:
            async with database.session() as session:
                await session.execute(
                    insert(StaffSession),
                    [
                        {"token_hash": auth.digest(t), "staff_id": s, "expires_at": expires}
                        for t, s in zip(tokens, staff_ids, strict=True)
                    ],
                )
    finally:
        await database.close()
    return tokens


async def http_logins(base_url: str, usernames: Sequence[str]) -> tuple[list[str], list[float]]:
    """Real logins, all at once, as a shift starting would send them."""

    async def one(http: aiohttp.ClientSession, username: str) -> tuple[str, float]:
        started = time.perf_counter()
        async with http.post(
            f"{base_url}/api/v1/login", json={"username": username, "password": PASSWORD}
        ) as response:
            response.raise_for_status()
            token: str = (await response.json())["token"]
        return token, (time.perf_counter() - started) * 1000

    timeout = aiohttp.ClientTimeout(total=30 + 2 * len(usernames))
    async with aiohttp.ClientSession(timeout=timeout) as http:
        done = await asyncio.gather(*(one(http, u) for u in usernames))
    return [token for token, _ in done], [ms for _, ms in done]


# --- Server process -------------------------------------------------------------------------


def server_main(spec: ServerSpec, pipe: Connection) -> None:
    """Entry point of the server process."""
    raise_nofile()
    if spec.tracemalloc_frames:
        tracemalloc.start(spec.tracemalloc_frames)
    logging.basicConfig(level=logging.WARNING, format="server %(levelname)s %(name)s: %(message)s")
    asyncio.run(_serve(spec, pipe))


async def _serve(spec: ServerSpec, pipe: Connection) -> None:
    config = ServerConfig(
        host=HOST,
        port=0,
        data_dir=Path(spec.data_dir),
        database_url=spec.database_url,
        routing=RoutingConfig(ring_timeout_s=spec.ring_timeout_s, wrap_up_s=spec.wrap_up_s),
    )
    runner = web.AppRunner(create_app(config), shutdown_timeout=5, handle_signals=False)
    await runner.setup()
    # a deep backlog: the clients open hundreds of sockets at once
    await web.TCPSite(runner, HOST, 0, backlog=2048).start()
    watch = StallWatch()
    gc.callbacks.append(watch.on_gc)
    watching = asyncio.create_task(watch.run())
    pipe.send(("ready", runner.addresses[0][1]))
    loop = asyncio.get_running_loop()
    window = (0.0, math.inf)
    with contextlib.suppress(EOFError):
        # ("report", window start, window end), sent while the clients are still connected
        command = await loop.run_in_executor(None, pipe.recv)
        window = (float(command[1]), float(command[2]))
    watching.cancel()
    gc.callbacks.remove(watch.on_gc)
    summary = watch.summary(*window)
    report = _tracemalloc_report() if tracemalloc.is_tracing() else ""
    # what one full collection costs with every socket up: the floor of the worst pause
    started, started_cpu = time.perf_counter(), time.thread_time()
    gc.collect()
    summary["gc_forced_full_ms"] = (time.perf_counter() - started) * 1000
    summary["gc_forced_full_cpu_ms"] = (time.thread_time() - started_cpu) * 1000
    with contextlib.suppress(BrokenPipeError):
        pipe.send(("report", report, summary))
    with contextlib.suppress(EOFError):
        await loop.run_in_executor(None, pipe.recv)  # ("stop",), once the clients have left
    await runner.cleanup()


class StallWatch:
    """Event-loop delays and garbage collections in the server process, time-stamped so that
    they can be cut to the load window. Lives in the benchmark's server entry point, not in
    the server: a latency outlier is explained by one or the other or by neither."""

    def __init__(self) -> None:
        self.lags: list[tuple[float, float]] = []
        #: (when, wall seconds, CPU seconds, generation)
        self.collections: list[tuple[float, float, float, int]] = []
        self._gc_started = (0.0, 0.0)

    def on_gc(self, phase: str, info: dict[str, int]) -> None:
        # CPU time next to wall time: on a shared machine a pause can be mostly preemption
        if phase == "start":
            self._gc_started = (time.perf_counter(), time.thread_time())
        else:
            wall = time.perf_counter() - self._gc_started[0]
            cpu = time.thread_time() - self._gc_started[1]
            self.collections.append((time.monotonic(), wall, cpu, info["generation"]))

    async def run(self) -> None:
        # ends when cancelled at shutdown; 100 samples a second
        while True:
            started = time.monotonic()
            await asyncio.sleep(0.01)
            self.lags.append((started, time.monotonic() - started - 0.01))

    def summary(self, start: float, end: float) -> dict[str, Any]:
        lags = [lag * 1000 for at, lag in self.lags if start <= at < end]
        pauses = [(wall * 1000, gen) for at, wall, _, gen in self.collections if start <= at < end]
        full = [ms for ms, gen in pauses if gen == 2]
        full_cpu = [
            cpu * 1000 for at, _, cpu, gen in self.collections if start <= at < end and gen == 2
        ]
        return {
            "gc_full_max_cpu_ms": max(full_cpu, default=math.nan),
            "lag_p99_ms": percentile(lags, 99),
            "lag_max_ms": max(lags, default=math.nan),
            "gc_collections": len(pauses),
            "gc_total_ms": sum(ms for ms, _ in pauses),
            "gc_full": len(full),
            "gc_full_max_ms": max(full, default=math.nan),
            "gc_max_ms": max((ms for ms, _ in pauses), default=math.nan),
            "objects": len(gc.get_objects()),
        }


def _tracemalloc_report(top: int = 25) -> str:
    snapshot = tracemalloc.take_snapshot().filter_traces(
        (tracemalloc.Filter(False, tracemalloc.__file__),)
    )
    total = sum(stat.size for stat in snapshot.statistics("filename"))
    lines = [f"tracemalloc: {total / 2**20:.1f} MiB traced; top {top} by line:"]
    for stat in snapshot.statistics("lineno")[:top]:
        frame = stat.traceback[0]
        where = f"{frame.filename}:{frame.lineno}"
        lines.append(f"  {stat.size / 2**20:8.2f} MiB {stat.count:9d} blocks  {where}")
    lines.append("top 5 by call stack:")
    for stat in snapshot.statistics("traceback")[:5]:
        lines.append(f"  {stat.size / 2**20:8.2f} MiB {stat.count:9d} blocks")
        lines += ["      " + line for line in stat.traceback.format(limit=8)]
    return "\n".join(lines)


# --- Client processes -----------------------------------------------------------------------


class Link:
    """One kiosk's or clerk's WebSocket and what the load generator remembers about it."""

    __slots__ = ("call_id", "index", "join_id", "kiosk", "name", "ws")

    def __init__(
        self, ws: aiohttp.ClientWebSocketResponse, kiosk: bool, index: int, name: str
    ) -> None:
        self.ws = ws
        self.kiosk = kiosk
        self.index = index
        self.name = name
        self.join_id: str | None = None
        self.call_id: str | None = None


class LoadClient:
    def __init__(self, plan: ClientPlan) -> None:
        self.plan = plan
        self.rng = random.Random(plan.index)
        self.skills = sorted(plan.items_by_skill)
        self.kiosk_links: list[Link] = []
        self.clerk_links: list[Link] = []
        self.idle: collections.deque[int] = collections.deque()
        self.join_sent_at: dict[str, float] = {}
        self.joins: list[tuple[str, float, bool]] = []
        self.rings: list[tuple[str, float]] = []
        self.rung: set[str] = set()
        self.ack_ms: list[float] = []
        self.sent = 0
        self.received = 0
        self.errors: collections.Counter[str] = collections.Counter()
        self.closes = 0
        self.calls_ended = 0
        self.starved = 0
        self.window = (math.inf, math.inf)
        self.stopping = False
        self.tasks: set[asyncio.Task[None]] = set()
        self.sdp = "v=0\r\n" + "a=x-bench:" + "x" * max(0, plan.sdp_bytes - 16) + "\r\n"

    def in_window(self, at: float) -> bool:
        return self.window[0] <= at < self.window[1]

    def spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def send(self, link: Link, message: p.Message) -> None:
        if link.ws.closed:
            return
        try:
            await link.ws.send_str(p.encode(message).decode())
        except (ConnectionError, RuntimeError):
            return
        self.sent += 1

    # --- Connecting -------------------------------------------------------------------------

    async def connect_all(self, http: aiohttp.ClientSession) -> ConnectReport:
        started = time.monotonic()
        gate = asyncio.Semaphore(self.plan.connect_concurrency)
        failures = 0

        async def one(kiosk: bool, index: int, name: str, token: str) -> None:
            nonlocal failures
            async with gate:
                try:
                    link = await asyncio.wait_for(
                        self._open(http, kiosk, index, name, token), self.plan.connect_timeout_s
                    )
                except (aiohttp.ClientError, OSError, TimeoutError, p.ProtocolError) as exc:
                    failures += 1
                    if failures <= 5:
                        log.warning("client %d: %s did not connect: %r", self.plan.index, name, exc)
                    return
            (self.kiosk_links if kiosk else self.clerk_links).append(link)

        # clerks first, so that the first joins find somebody
        await asyncio.gather(
            *(one(False, i, f"clerk-{i}", token) for i, token in enumerate(self.plan.clerks))
        )
        await asyncio.gather(
            *(one(True, i, name, cred) for i, (name, cred) in enumerate(self.plan.kiosks))
        )
        for index, link in enumerate(self.kiosk_links):
            link.index = index
        self.idle.extend(range(len(self.kiosk_links)))
        self.rng.shuffle(self.idle)
        return ConnectReport(
            self.plan.index,
            len(self.kiosk_links),
            len(self.clerk_links),
            failures,
            time.monotonic() - started,
        )

    async def _open(
        self, http: aiohttp.ClientSession, kiosk: bool, index: int, name: str, token: str
    ) -> Link:
        ws = await http.ws_connect(self.plan.ws_url, max_msg_size=p.MAX_FRAME_BYTES)
        try:
            await ws.send_str(p.encode(p.Hello(token=token, app="bench")).decode())
            msg = await ws.receive()
            if msg.type != aiohttp.WSMsgType.TEXT:
                raise ConnectionError(f"closed before welcome: {msg.type} {msg.data!r}")
            welcome = p.decode_server(msg.data)
            if not isinstance(welcome, p.Welcome):
                raise ConnectionError(f"expected welcome, got {welcome!r}")
        except BaseException:
            await ws.close()
            raise
        link = Link(ws, kiosk, index, name)
        if not kiosk:
            await self.send(link, p.SetClerkState(state="available"))
        self.spawn(self._read(link))
        return link

    # --- Reading --------------------------------------------------------------------------

    async def _read(self, link: Link) -> None:
        handle = self._kiosk_message if link.kiosk else self._clerk_message
        async for msg in link.ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                continue
            now = time.monotonic()
            if now < self.window[1]:
                self.received += 1
            try:
                message = p.decode_server(msg.data)
            except p.ProtocolError:
                self.errors["undecodable"] += 1
                continue
            if isinstance(message, p.Error):
                self._error(link, message)
                continue
            await handle(link, message, now)
        if not self.stopping:
            self.closes += 1

    def _error(self, link: Link, error: p.Error) -> None:
        self.errors[str(error.code)] += 1
        if link.kiosk and error.ref is not None and error.ref == link.join_id:
            link.join_id = None
            self._kiosk_done(link)

    async def _kiosk_message(self, link: Link, message: p.ServerMessage, now: float) -> None:
        if isinstance(message, p.QueueUpdate):
            if message.ref is not None and message.ref in self.join_sent_at:
                sent_at = self.join_sent_at.pop(message.ref)
                if self.in_window(sent_at):
                    self.ack_ms.append((now - sent_at) * 1000)
                    immediate = message.queue.status == p.RequestStatus.RINGING
                    self.joins.append((message.queue.request_id, sent_at, immediate))
        elif isinstance(message, p.CallStarted):
            link.call_id = message.call.call_id
            if self.plan.sdp_bytes > 0:
                await self.send(
                    link, p.Sdp(call_id=message.call.call_id, sdp_type="offer", sdp=self.sdp)
                )
        elif isinstance(message, p.CallEnded | p.QueueLeft):
            if isinstance(message, p.CallEnded):
                self.calls_ended += 1
            link.call_id = None
            link.join_id = None
            self._kiosk_done(link)

    def _kiosk_done(self, link: Link) -> None:
        # the resident walks away; the next one comes after a pause
        asyncio.get_running_loop().call_later(self.plan.pause_s, self._kiosk_idle, link.index)

    def _kiosk_idle(self, index: int) -> None:
        self.idle.append(index)

    async def _clerk_message(self, link: Link, message: p.ServerMessage, now: float) -> None:
        if isinstance(message, p.Ring):
            if message.request_id not in self.rung:
                self.rung.add(message.request_id)
                self.rings.append((message.request_id, now))
            await self.send(link, p.AcceptCall(request_id=message.request_id))
        elif isinstance(message, p.CallStarted):
            call_id = message.call.call_id
            link.call_id = call_id
            low, high = self.plan.call_s
            asyncio.get_running_loop().call_later(
                self.rng.uniform(low, high), self._hang_up_later, link, call_id
            )
        elif isinstance(message, p.Sdp):
            if message.sdp_type == "offer":
                answer = p.Sdp(call_id=message.call_id, sdp_type="answer", sdp=self.sdp)
                await self.send(link, answer)
        elif (
            isinstance(message, p.ClerkStatus)
            and message.state == p.ClerkState.AWAY
            and self.in_window(now)
        ):
            # a ring that timed out sets the clerk away; a clerk here wants work (the away
            # right after connecting is the server's default, already answered by _open)
            self.errors["clerk_set_away"] += 1
            await self.send(link, p.SetClerkState(state="available"))

    def _hang_up_later(self, link: Link, call_id: str) -> None:
        # the coroutine is made only when due: one left pending at exit would warn
        self.spawn(self._hang_up(link, call_id))

    async def _hang_up(self, link: Link, call_id: str) -> None:
        if link.call_id == call_id:
            link.call_id = None
            await self.send(link, p.Hangup(call_id=call_id, reason="done", outcome="accepted"))

    # --- Load -------------------------------------------------------------------------------

    async def pace(self, go: float, seconds: float) -> tuple[int, int, int, int]:
        """Send joins at the planned rate in [go, go + seconds); returns the frame counts at
        both ends of the window."""
        await asyncio.sleep(max(0.0, go - time.monotonic()))
        sent0, received0 = self.sent, self.received
        self.window = (go, go + seconds)
        planned = 0
        rate = self.plan.joins_per_s
        while (now := time.monotonic()) < go + seconds:
            due = int((now - go) * rate) - planned
            # a stalled loop must not turn into one huge burst afterwards
            for _ in range(min(due, 200)):
                planned += 1
                if not self.idle:
                    self.starved += 1
                    continue
                await self._join(self.kiosk_links[self.idle.popleft()])
            await asyncio.sleep(0.005)
        return sent0, received0, self.sent, self.received

    async def _join(self, link: Link) -> None:
        skill = self.rng.choice(self.skills)
        join_id = f"j{self.plan.index}-{link.index}-{self.sent}"
        link.join_id = join_id
        self.join_sent_at[join_id] = time.monotonic()
        item = self.rng.choice(self.plan.items_by_skill[skill])
        await self.send(link, p.JoinQueue(item_code=item, id=join_id))

    async def lag_monitor(self, samples: list[float], go: float, until: float) -> None:
        await asyncio.sleep(max(0.0, go - time.monotonic()))
        while (started := time.monotonic()) < until:
            await asyncio.sleep(0.01)
            samples.append((time.monotonic() - started - 0.01) * 1000)

    async def drain(self) -> None:
        """Let the visits begun in the window finish, so their rings are counted."""
        deadline = time.monotonic() + self.plan.drain_s
        while time.monotonic() < deadline:
            if not any(link.join_id or link.call_id for link in self.kiosk_links):
                return
            await asyncio.sleep(0.05)

    async def close_all(self) -> None:
        self.stopping = True
        links = self.kiosk_links + self.clerk_links
        for start in range(0, len(links), 500):
            await asyncio.gather(
                *(link.ws.close() for link in links[start : start + 500]), return_exceptions=True
            )
        for task in list(self.tasks):
            task.cancel()


def client_main(plan: ClientPlan, pipe: Connection) -> None:
    """Entry point of a client process."""
    raise_nofile()
    logging.basicConfig(level=logging.WARNING, format="client %(levelname)s: %(message)s")
    asyncio.run(_client(plan, pipe))


async def _client(plan: ClientPlan, pipe: Connection) -> None:
    loop = asyncio.get_running_loop()
    client = LoadClient(plan)
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as http:
        pipe.send(("connected", await client.connect_all(http)))
        command = await loop.run_in_executor(None, pipe.recv)
        if command[0] != "go":
            await client.close_all()
            return
        go, seconds = float(command[1]), float(command[2])
        lag: list[float] = []
        lag_task = loop.create_task(client.lag_monitor(lag, go, go + seconds))
        cpu0 = _cpu_self()
        sent0, received0, sent1, received1 = await client.pace(go, seconds)
        cpu1 = _cpu_self()
        await lag_task
        await client.drain()
        result = ClientResult(
            index=plan.index,
            joins=client.joins,
            rings=client.rings,
            ack_ms=client.ack_ms,
            sent=sent1 - sent0,
            received=received1 - received0,
            errors=dict(client.errors),
            closes=client.closes,
            calls_ended=client.calls_ended,
            starved=client.starved,
            lag_p99_ms=percentile(lag, 99),
            cpu_pct=100 * (cpu1 - cpu0) / seconds,
        )
        pipe.send(("result", result))
        # stay connected until the server's memory has been looked at
        with contextlib.suppress(EOFError):
            await loop.run_in_executor(None, pipe.poll, 120.0)
        await client.close_all()


def _cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- Orchestration --------------------------------------------------------------------------


class RssSampler:
    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kb = 0
        self.last_kb = 0

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            with contextlib.suppress(OSError):
                self.last_kb = proc_status_kb(self.pid, "VmRSS")
                self.peak_kb = max(self.peak_kb, self.last_kb)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), SAMPLE_EVERY_S)


async def recv(pipe: Connection, timeout: float) -> Any:
    loop = asyncio.get_running_loop()
    if not await loop.run_in_executor(None, pipe.poll, timeout):
        raise TimeoutError(f"no answer from a child process within {timeout:.0f} s")
    return pipe.recv()


async def fetch_text(url: str) -> str:
    """A page of the server, or "" when it does not answer in time: a figure goes missing
    rather than the whole run."""
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http,
            http.get(url) as response,
        ):
            return await response.text()
    except (aiohttp.ClientError, TimeoutError) as exc:
        print(f"warning: GET {url} failed: {exc!r}", file=sys.stderr)
        return ""


async def fetch_json(url: str) -> dict[str, Any]:
    text = await fetch_text(url)
    return dict(json.loads(text)) if text.startswith("{") else {}


def parse_metrics(text: str) -> dict[str, Any]:
    """The few server-side figures worth printing next to the client-side ones."""
    errors: dict[str, float] = {}
    buckets: list[tuple[float, float]] = []
    count = 0.0
    for line in text.splitlines():
        if line.startswith("vwindow_errors_total{"):
            match = re.search(r'code="([^"]+)"\} ([0-9.e+]+)', line)
            if match:
                errors[match.group(1)] = float(match.group(2))
        elif line.startswith("vwindow_message_handle_seconds_bucket{"):
            match = re.search(r'le="([^"]+)"\} ([0-9.e+]+)', line)
            if match:
                buckets.append((float(match.group(1)), float(match.group(2))))
        elif line.startswith("vwindow_message_handle_seconds_count "):
            count = float(line.split()[1])
    handle_p99 = math.nan
    for bound, cumulative in sorted(buckets):
        if count and cumulative >= 0.99 * count:
            handle_p99 = bound * 1000
            break
    return {"errors": errors, "handle_p99_le_ms": handle_p99, "handled": count}


async def orchestrate(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    print(f"seeding {args.kiosks} kiosks and {args.clerks} clerks ({args.seed})...", flush=True)
    seeded = await seed(database_url, args.kiosks, args.clerks, args.skills_per_clerk, args.seed)
    print(f"  seeded in {seeded.seconds:.1f} s", flush=True)

    ctx = multiprocessing.get_context("spawn")
    server_pipe, server_end = ctx.Pipe()
    spec = ServerSpec(
        database_url=database_url,
        data_dir=str(workdir / "data"),
        ring_timeout_s=args.ring_timeout,
        wrap_up_s=args.wrap_up,
        tracemalloc_frames=args.tracemalloc,
    )
    server = ctx.Process(target=server_main, args=(spec, server_end), name="vwindow-server")
    server.start()
    clients: list[tuple[multiprocessing.process.BaseProcess, Connection]] = []
    stop_sampling = asyncio.Event()
    try:
        kind, port = await recv(server_pipe, 60)
        assert kind == "ready" and server.pid is not None
        base_url = f"http://{HOST}:{port}"
        # the pid is printed for attaching a profiler (py-spy) to the server alone
        print(f"server pid {server.pid} listening on {base_url}", flush=True)
        await asyncio.sleep(0.5)
        rss_idle = proc_status_kb(server.pid, "VmRSS")

        http_count = min(args.http_logins, args.clerks)
        tokens, login_ms = await http_logins(base_url, seeded.clerk_usernames[:http_count])
        tokens += await direct_sessions(database_url, seeded.clerk_ids[http_count:])
        if login_ms:
            print(
                f"  {http_count} concurrent HTTP logins: slowest {max(login_ms):.0f} ms "
                f"(fastest {min(login_ms):.0f} ms); other sessions written directly",
                flush=True,
            )
        # sampled from here: the logins' argon2 spike is a separate figure (rss_hwm_mb)
        sampler = RssSampler(server.pid)
        sampling = asyncio.create_task(sampler.run(stop_sampling))

        procs = args.clients or (2 if args.kiosks + args.clerks >= 2000 else 1)
        visit_frames = BASE_VISIT_FRAMES + (2 if args.sdp_bytes > 0 else 0)
        for index in range(procs):
            plan = ClientPlan(
                index=index,
                ws_url=f"ws://{HOST}:{port}/ws",
                kiosks=seeded.kiosks[index::procs],
                clerks=tokens[index::procs],
                items_by_skill=seeded.items_by_skill,
                joins_per_s=args.rate / visit_frames / procs,
                call_s=(args.call_min, args.call_max),
                pause_s=args.pause,
                sdp_bytes=args.sdp_bytes,
                connect_concurrency=args.connect_concurrency,
                connect_timeout_s=60.0,
                drain_s=args.call_max + args.wrap_up + 5.0,
            )
            parent_end, child_end = ctx.Pipe()
            proc = ctx.Process(target=client_main, args=(plan, child_end), name=f"client-{index}")
            proc.start()
            clients.append((proc, parent_end))

        print(f"connecting {args.kiosks + args.clerks} sockets from {procs} process(es)...")
        connect_started = time.monotonic()
        connect_budget = 120 + (args.kiosks + args.clerks) / 20
        reports: list[ConnectReport] = []
        for _, pipe in clients:
            kind, report = await recv(pipe, connect_budget)
            assert kind == "connected"
            reports.append(report)
        connect_s = time.monotonic() - connect_started
        connected_kiosks = sum(r.connected_kiosks for r in reports)
        connected_clerks = sum(r.connected_clerks for r in reports)
        failures = sum(r.failures for r in reports)
        await asyncio.sleep(1.0)  # let the server settle (clerk state writes, GC)
        rss_connected = proc_status_kb(server.pid, "VmRSS")
        health = await fetch_json(f"{base_url}/healthz")
        print(
            f"  {connected_kiosks} kiosks + {connected_clerks} clerks connected in "
            f"{connect_s:.1f} s ({failures} failed); server sees {health.get('connections')}; "
            f"server RSS {rss_connected / 1024:.0f} MB",
            flush=True,
        )

        go = time.monotonic() + 0.5
        cpu0 = proc_cpu_s(server.pid)
        host0, self0 = host_busy_s(), _cpu_self()
        for _, pipe in clients:
            pipe.send(("go", go, float(args.seconds)))
        print(f"load: {args.rate} client msgs/s target for {args.seconds} s...", flush=True)
        await asyncio.sleep(max(0.0, go + args.seconds - time.monotonic()))
        cpu1 = proc_cpu_s(server.pid)
        host1, self1 = host_busy_s(), _cpu_self()
        results: list[ClientResult] = []
        for _, pipe in clients:
            kind, result = await recv(pipe, args.seconds + args.call_max + 60)
            assert kind == "result"
            results.append(result)
        stop_sampling.set()
        await sampling
        rss_end = proc_status_kb(server.pid, "VmRSS")
        rss_hwm = proc_status_kb(server.pid, "VmHWM")
        # anonymous memory is the heap; file and shared pages are libraries and SQLite's maps
        rss_parts = {k: proc_status_kb(server.pid, k) for k in ("RssAnon", "RssFile", "RssShmem")}
        server_metrics = parse_metrics(await fetch_text(f"{base_url}/metrics"))
        health_end = await fetch_json(f"{base_url}/healthz")
        server_pipe.send(("report", go, go + args.seconds))
        stalls: dict[str, Any] = {}
        with contextlib.suppress(TimeoutError):
            _, report_text, stalls = await recv(server_pipe, 300)
            if report_text:
                print(report_text, file=sys.stderr)
        for child, pipe in clients:
            pipe.send(("close",))
            await asyncio.get_running_loop().run_in_executor(None, child.join, 60)
        server_pipe.send(("stop",))
        await asyncio.get_running_loop().run_in_executor(None, server.join, 60)
    finally:
        stop_sampling.set()
        for child, _ in clients:
            if child.is_alive():
                child.terminate()
        if server.is_alive():
            server.terminate()
            server.join(10)

    ring_at: dict[str, float] = {}
    for result in results:
        for request_id, at in result.rings:
            ring_at[request_id] = min(at, ring_at.get(request_id, math.inf))
    route_ms: list[float] = []
    queued_ms: list[float] = []
    unrung = 0
    for result in results:
        for request_id, sent_at, immediate in result.joins:
            if request_id not in ring_at:
                unrung += 1
            elif immediate:
                route_ms.append((ring_at[request_id] - sent_at) * 1000)
            else:
                queued_ms.append((ring_at[request_id] - sent_at) * 1000)
    ack_ms = [ms for result in results for ms in result.ack_ms]
    errors: collections.Counter[str] = collections.Counter()
    for result in results:
        errors.update(result.errors)
    closes = sum(r.closes for r in results)
    server_cpu = 100 * (cpu1 - cpu0) / args.seconds
    host_busy = 100 * (host1 - host0) / args.seconds
    ours = server_cpu + sum(r.cpu_pct for r in results) + 100 * (self1 - self0) / args.seconds
    sent = sum(r.sent for r in results)
    received = sum(r.received for r in results)
    return {
        "kiosks": connected_kiosks,
        "clerks": connected_clerks,
        "rss_mb": round(sampler.peak_kb / 1024, 1),
        "msgs_per_s": round((sent + received) / args.seconds, 1),
        "route_p50_ms": rounded(percentile(route_ms, 50)),
        "route_p99_ms": rounded(percentile(route_ms, 99)),
        "ack_p50_ms": rounded(percentile(ack_ms, 50)),
        "ack_p99_ms": rounded(percentile(ack_ms, 99)),
        "route_p90_ms": rounded(percentile(route_ms, 90)),
        "route_max_ms": rounded(max(route_ms, default=math.nan)),
        "routed_at_once": len(route_ms),
        "queued": len(queued_ms),
        "queued_wait_p50_ms": rounded(percentile(queued_ms, 50), 0),
        "not_rung": unrung,
        "joins": len(ack_ms),
        "starved_joins": sum(r.starved for r in results),
        "calls_ended": sum(r.calls_ended for r in results),
        "client_msgs_per_s": round(sent / args.seconds, 1),
        "server_msgs_per_s": round(received / args.seconds, 1),
        "errors": sum(errors.values()) + closes,
        "errors_by_code": dict(errors),
        "unexpected_closes": closes,
        "connect_failures": failures,
        "connect_s": round(connect_s, 1),
        "seed_s": round(seeded.seconds, 1),
        "login_max_ms": rounded(max(login_ms, default=math.nan), 0),
        "rss_idle_mb": round(rss_idle / 1024, 1),
        "rss_connected_mb": round(rss_connected / 1024, 1),
        "rss_end_mb": round(rss_end / 1024, 1),
        "rss_hwm_mb": round(rss_hwm / 1024, 1),
        "rss_end_anon_file_shmem_mb": [round(kb / 1024, 1) for kb in rss_parts.values()],
        "server_cpu_pct": round(server_cpu, 1),
        "host_cores": os.cpu_count(),
        "host_busy_pct": round(host_busy, 1),
        "other_cpu_pct": round(max(0.0, host_busy - ours), 1),
        "server_handle_p99_le_ms": rounded(server_metrics["handle_p99_le_ms"], 1),
        "server_errors": server_metrics["errors"],
        "server_pending_writes": health_end.get("pending_writes"),
        "server_lag_p99_ms": rounded(stalls.get("lag_p99_ms", math.nan), 1),
        "server_lag_max_ms": rounded(stalls.get("lag_max_ms", math.nan), 1),
        "server_gc": stalls.get("gc_collections"),
        "server_gc_ms": rounded(stalls.get("gc_total_ms", math.nan), 1),
        "server_gc_full": stalls.get("gc_full"),
        "server_gc_full_max_ms": rounded(stalls.get("gc_full_max_ms", math.nan), 1),
        "server_gc_max_ms": rounded(stalls.get("gc_max_ms", math.nan), 1),
        "server_gc_full_max_cpu_ms": rounded(stalls.get("gc_full_max_cpu_ms", math.nan), 1),
        "server_gc_forced_full_ms": rounded(stalls.get("gc_forced_full_ms", math.nan), 1),
        "server_gc_forced_full_cpu_ms": rounded(stalls.get("gc_forced_full_cpu_ms", math.nan), 1),
        "server_objects": stalls.get("objects"),
        "client_procs": len(results),
        "client_cpu_pct": [round(r.cpu_pct, 1) for r in results],
        "client_lag_p99_ms": [rounded(r.lag_p99_ms, 1) for r in results],
        "rate_target": args.rate,
        "seconds": args.seconds,
    }


def print_human(figures: dict[str, Any]) -> None:
    f = figures
    print(
        f"""
connections   {f["kiosks"]} kiosks + {f["clerks"]} clerks in {f["connect_s"]} s \
({f["connect_failures"]} failed)
server RSS    peak {f["rss_mb"]} MB (idle {f["rss_idle_mb"]}, all connected \
{f["rss_connected_mb"]}, end {f["rss_end_mb"]}, kernel high-water {f["rss_hwm_mb"]}); at the \
end anonymous/file/shared {f["rss_end_anon_file_shmem_mb"]} MB
server CPU    {f["server_cpu_pct"]} % of one core during the window; 99 % of frames handled \
in <= {f["server_handle_p99_le_ms"]} ms (histogram bucket); {f["server_pending_writes"]} \
database writes pending after the drain
server loop   lag p99 {f["server_lag_p99_ms"]} ms, max {f["server_lag_max_ms"]} ms; \
{f["server_gc"]} GCs took {f["server_gc_ms"]} ms (longest {f["server_gc_max_ms"]} ms; \
{f["server_gc_full"]} full, longest {f["server_gc_full_max_ms"]} ms, of which \
{f["server_gc_full_max_cpu_ms"]} ms CPU); {f["server_objects"]} objects, a forced full GC \
takes {f["server_gc_forced_full_ms"]} ms ({f["server_gc_forced_full_cpu_ms"]} ms CPU)
host          {f["host_busy_pct"]} % CPU busy of {f["host_cores"]} cores during the window, \
{f["other_cpu_pct"]} % of it by other processes (not this benchmark)
traffic       {f["msgs_per_s"]} frames/s ({f["client_msgs_per_s"]} client->server, \
{f["server_msgs_per_s"]} server->client; target {f["rate_target"]} client->server)
joins         {f["joins"]} ({f["routed_at_once"]} routed at once, {f["queued"]} queued, \
{f["not_rung"]} never rung, {f["starved_joins"]} skipped: no idle kiosk); \
{f["calls_ended"]} calls ended
routing       p50 {f["route_p50_ms"]} ms, p90 {f["route_p90_ms"]} ms, \
p99 {f["route_p99_ms"]} ms, max {f["route_max_ms"]} ms (join -> ring, free clerk)
ack           p50 {f["ack_p50_ms"]} ms, p99 {f["ack_p99_ms"]} ms (join -> first queue.update)
queued wait   p50 {f["queued_wait_p50_ms"]} ms (join -> ring when no clerk was free)
errors        {f["errors"]} {f["errors_by_code"]}, {f["unexpected_closes"]} unexpected closes
clients       {f["client_procs"]} process(es), CPU {f["client_cpu_pct"]} %, \
loop lag p99 {f["client_lag_p99_ms"]} ms
""",
        flush=True,
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.signaling_load",
        description="Signaling server load test: kiosks and clerks on real sockets.",
    )
    parser.add_argument("--kiosks", type=int, default=200)
    parser.add_argument("--clerks", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the load window")
    parser.add_argument("--rate", type=float, default=1000.0, help="client->server frames/s")
    parser.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    parser.add_argument("--clients", type=int, default=0, help="client processes (0: auto)")
    parser.add_argument("--seed", choices=("bulk", "store"), default="bulk")
    parser.add_argument("--http-logins", type=int, default=3, help="clerks logging in by HTTP")
    parser.add_argument("--skills-per-clerk", type=int, default=2)
    parser.add_argument("--call-min", type=float, default=0.2, help="shortest call, s")
    parser.add_argument("--call-max", type=float, default=1.0, help="longest call, s")
    parser.add_argument("--pause", type=float, default=1.0, help="kiosk idle after a visit, s")
    parser.add_argument("--wrap-up", type=float, default=0.5, help="server wrap_up_s")
    parser.add_argument("--ring-timeout", type=float, default=5.0, help="server ring_timeout_s")
    parser.add_argument("--sdp-bytes", type=int, default=2000, help="0: no SDP exchange")
    parser.add_argument("--connect-concurrency", type=int, default=100)
    parser.add_argument(
        "--tracemalloc", type=int, default=0, metavar="FRAMES", help="trace server allocations"
    )
    args = parser.parse_args(argv)
    if args.kiosks < 1 or args.clerks < 1 or args.seconds <= 0 or args.rate <= 0:
        parser.error("--kiosks, --clerks, --seconds and --rate must be positive")
    if not 0 < args.call_min <= args.call_max:
        parser.error("need 0 < --call-min <= --call-max")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    limit = raise_nofile()
    needed = args.kiosks + args.clerks + 200
    if limit < needed / max(1, args.clients or 2):
        print(f"warning: RLIMIT_NOFILE is {limit}; {needed} sockets may not fit", file=sys.stderr)
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="vwindow-bench-") as workdir:
        figures = asyncio.run(orchestrate(args, Path(workdir)))
    print_human(figures)
    print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
