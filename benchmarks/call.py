"""Call benchmark: real kiosk ↔ clerk console video calls through the real server.

Run: ``python -m benchmarks.call --calls 10 [--page-path upload|channel|both]``

Processes (so that each side's CPU and memory are its own):

- this process (the orchestrator) starts the others, drives the calls through pipes, reads the
  peers' CPU time and RSS from ``/proc`` and prints the figures;
- one server process seeds a throwaway SQLite database with ``vwindow.demo.seed`` (demo
  center, clerk and enrolled kiosk) and serves ``vwindow.server.create_server`` (signaling plus
  the records API's page routes) on 127.0.0.1, with ``wrap_up_s = 0`` so that the clerk is
  available again as soon as a call ends;
- one kiosk process and one console process, each with its own HTTP session, signaling client
  and ``CallAgent`` → ``CallSession`` (aiortc), synthetic 640×480@30 video with moving content
  and a timestamp band, plus a 440 Hz tone, exactly as ``kiosk/headless.py`` and
  ``center/headless.py`` set them up, with ``IcePolicy.loopback()``: only 127.0.0.1 is offered,
  and remote candidates outside 127.0.0.0/8 are dropped.

Each call: the kiosk sends ``queue.join``, the console accepts the ``call.ring``, both get
``call.started``, the kiosk offers. Calls run one after another, hung up between (the console
sends ``call.hangup`` and both wait for ``call.ended``). The last call is held longer for the
steady-state figures and the pages.

Figures (the last line of output is one JSON object):

- ``setup_p50_ms`` / ``setup_p95_ms`` (nearest rank, over all calls): from just before the
  console sends ``call.accept`` to the first decoded remote video frame on BOTH sides (the later
  of the two ``CallStats.first_video_at``). Both are CLOCK_MONOTONIC, one clock for all
  processes of a host. ``setup_parts_ms`` splits the median call into accept → ``call.started``
  at the kiosk, → ICE+DTLS connected, → first video at both sides.
- ``latency_p50_ms`` / ``latency_p95_ms``: glass to glass, from ``CallStats.latency_ms`` of both
  sides (the sender's wall-clock time written into the frame's timestamp band, read back after
  decoding), over the steady window of the long call. ``latency_upload_p95_ms`` /
  ``latency_channel_p95_ms``: the same while pages go by either path.
- ``cpu_pct_one_core``: user + system time of the kiosk and console processes together (all
  their threads: the event loop, aiortc's encoder thread pool, the decoder threads), divided
  by the wall time of the steady window (``--cpu-seconds``), × 100. The window starts
  ``--warmup-seconds`` (25 s) into the call: aiortc starts a video sender at 500 kbit/s and
  follows REMB up to 1.5 Mbit/s, rebuilding the encoder at every 10 % step, which takes ~22 s
  on loopback; the window measures the plateau. ``kiosk_rx_fps`` / ``console_rx_fps`` and
  ``kiosk_tx_kbps`` / ``console_tx_kbps`` show what really flowed meanwhile, and
  ``host_other_cpu_pct`` what other processes of the host used (a busy host makes setup and
  latency noisier, and REMB oscillate).
- ``kiosk_rss_mb``: the kiosk process's peak VmRSS during the long call (sampled every 0.1 s,
  pages included); ``kiosk_rss_video_mb`` is the peak over the steady window alone,
  ``kiosk_rss_idle_mb`` the RSS before the first call.
- ``page_p50_ms``: a 3 MiB JPEG page (a rendered page padded with fresh random bytes, made
  before the clock starts), from just before the kiosk starts sending it (t0) to the moment the
  console holds its bytes with the SHA-256 checked: ``upload`` = ``PageUploader.upload`` to the
  records API + ``page.announce`` on the data channel + ``PageUploader.fetch`` (checked against
  the SHA-256 the server recorded); ``channel`` = ``send_page_over_channel`` + ``PageAssembler``
  (checked against the announced SHA-256). ``--pages`` pages per path, one at a time, with video
  flowing. ``page_path`` is the faster path; both medians are extra keys.

If a full ``page.chunk`` message does not fit ``MAX_CHANNEL_MESSAGE`` (48 KiB is exactly
64 KiB of base64, before the JSON around it), ``send_page_over_channel`` cannot send a page
of more than one chunk; the kiosk process then lowers ``PAGE_CHUNK_BYTES`` to what fits and
says so (``page_channel_chunk_lowered``).

``--profile DIR`` also records both peers with py-spy (``pip install py-spy``; not a project
dependency) during the steady window and prints the share of their busy samples by bucket.
py-spy counts a thread waiting for the GIL as busy, so use ``perf record -p PIDS`` for true
on-CPU time; the pids are printed first.

Every step has a timeout and the whole run ``--budget`` (170 s; ~55 s with the defaults); the
children are stopped on the way out and die with the orchestrator (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import ctypes
import hashlib
import json
import logging
import math
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import aiohttp
from aiortc.stats import RTCOutboundRtpStreamStats

from benchmarks.procfs import host_busy_s, percentile, proc_cpu_s, proc_status_kb
from kiosk.devices.sample_pages import render_page
from shared import protocol as p
from shared.call import messages as m
from shared.call.agent import CallAgent
from shared.call.channel_pages import PageAssembler, send_page_over_channel
from shared.call.ice import IcePolicy
from shared.call.media import MediaConfig
from shared.call.session import CallConfig, CallSession
from shared.call.turn_client import fetch_ice_servers
from shared.call.upload import PageUploader
from shared.signaling_client import SignalingClient

log = logging.getLogger("benchmarks.call")

HOST = "127.0.0.1"
PAGE_BYTES = 3 * 1024 * 1024
PAGE_MIME = "image/jpeg"
ITEM_CODE = "YB-003"  # the demo's item: the demo clerk has its skill
RSS_EVERY_S = 0.1
TARGETS = {
    "setup_p50_ms": 300.0,
    "setup_p95_ms": 600.0,
    "latency_p95_ms": 150.0,
    "page_p50_ms": 500.0,
    "cpu_pct_one_core": 50.0,
}

Payload = dict[str, Any]
Command = Callable[..., Awaitable[Payload]]


# --- Small helpers --------------------------------------------------------------------------


def rounded(value: float | None, digits: int = 1) -> float | None:
    return None if value is None or math.isnan(value) else round(value, digits)


def child_setup(parent_pid: int) -> None:
    """A child dies with the orchestrator (Linux: even when it is SIGKILLed) and leaves Ctrl+C
    to it, so that cleanup happens in one place."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent_pid:
        os._exit(1)


def one_line(exc: BaseException) -> str:
    """``Type: message (file:line in function)`` at the deepest frame outside asyncio."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/asyncio/" not in f.filename]
    where = f" ({Path(frames[-1].filename).name}:{frames[-1].lineno} in {frames[-1].name})"
    return f"{type(exc).__name__}: {exc}{where if frames else ''}"


def channel_chunk_bytes() -> tuple[int, bool]:
    """The page chunk size of ``send_page_over_channel``, and whether it had to be lowered:
    a full chunk's message must fit ``MAX_CHANNEL_MESSAGE``, or ``CallSession.send`` refuses
    it (base64 of 48 KiB is exactly 64 KiB, before the JSON around it)."""

    def size(chunk: int) -> int:
        probe = m.PageChunk(
            page_id="pg-" + "0" * 12,
            offset=m.MAX_CHANNEL_MESSAGE * 1024,
            data="A" * (4 * math.ceil(chunk / 3)),
            last=False,
            seq=10**9,
        )
        return len(m.encode_call(probe))

    if size(m.PAGE_CHUNK_BYTES) <= m.MAX_CHANNEL_MESSAGE:
        return m.PAGE_CHUNK_BYTES, False
    overhead = size(0) + 64
    return (m.MAX_CHANNEL_MESSAGE - overhead) // 4 * 3, True


# --- Pipes read on the event loop -----------------------------------------------------------


class PipeEnd:
    """One end of a ``multiprocessing`` pipe, read by the event loop (no blocked thread to
    outlive the loop); ``lost`` is set when the other process is gone."""

    def __init__(self, conn: Connection, on_message: Callable[[Any], None]) -> None:
        self.conn = conn
        self.on_message = on_message
        self.lost = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        self._loop.add_reader(conn.fileno(), self._readable)

    def _readable(self) -> None:
        try:
            while self.conn.poll():
                self.on_message(self.conn.recv())
        except (EOFError, OSError):
            self.close()

    def send(self, message: Any) -> None:
        if self.lost.is_set():
            return
        try:
            self.conn.send(message)
        except OSError:
            self.close()

    def close(self) -> None:
        if not self.lost.is_set():
            self.lost.set()
            with contextlib.suppress(Exception):
                self._loop.remove_reader(self.conn.fileno())


async def serve_commands(
    conn: Connection, commands: dict[str, Command], ready: Payload, stop: asyncio.Event
) -> None:
    """Child side: run each ``(id, name, kwargs)`` as a task and answer ``("reply", id, ok,
    payload)``, until ``stop`` or the orchestrator is gone."""
    tasks: set[asyncio.Task[None]] = set()

    async def run(request_id: int, name: str, kwargs: Payload) -> None:
        try:
            command = commands.get(name)
            if command is None:
                raise KeyError(f"unknown command {name!r}")
            pipe.send(("reply", request_id, True, await command(**kwargs)))
        except Exception as exc:
            log.debug("command %s failed", name, exc_info=True)
            pipe.send(("reply", request_id, False, one_line(exc)))

    def on_message(message: Any) -> None:
        request_id, name, kwargs = message
        if name == "stop":
            stop.set()
            pipe.send(("reply", request_id, True, {}))
            return
        task = asyncio.get_running_loop().create_task(run(request_id, name, kwargs))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    pipe = PipeEnd(conn, on_message)
    pipe.send(("ready", ready))
    lost = asyncio.create_task(pipe.lost.wait())
    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait({lost, stopped}, return_when=asyncio.FIRST_COMPLETED)
    for task in (lost, stopped, *tasks):
        task.cancel()
    pipe.close()


class Child:
    """Orchestrator side of one child process: ``call`` sends a command and awaits its reply."""

    def __init__(self, name: str, process: BaseProcess, conn: Connection) -> None:
        self.name = name
        self.process = process
        self.ready: asyncio.Future[Payload] = asyncio.get_running_loop().create_future()
        self._replies: dict[int, asyncio.Future[Payload]] = {}
        self._next = 0
        self.pipe = PipeEnd(conn, self._on_message)
        asyncio.get_running_loop().create_task(self._watch())

    @property
    def pid(self) -> int:
        assert self.process.pid is not None
        return self.process.pid

    def _on_message(self, message: Any) -> None:
        if message[0] == "ready":
            if not self.ready.done():
                self.ready.set_result(message[1])
            return
        _, request_id, ok, payload = message
        future = self._replies.pop(request_id, None)
        if future is None or future.done():
            return
        if ok:
            future.set_result(payload)
        else:
            future.set_exception(RuntimeError(f"{self.name}: {payload}"))

    @property
    def gone(self) -> bool:
        return self.pipe.lost.is_set()

    def _gone_error(self) -> RuntimeError:
        return RuntimeError(f"the {self.name} process is gone (exit {self.process.exitcode})")

    async def _watch(self) -> None:
        await self.pipe.lost.wait()
        await asyncio.get_running_loop().run_in_executor(None, self.process.join, 1.0)
        for future in [self.ready, *self._replies.values()]:
            if not future.done():
                future.set_exception(self._gone_error())
        self._replies.clear()

    async def call(self, name: str, wait_s: float, /, **kwargs: Any) -> Payload:
        """Run ``name(**kwargs)`` in the child; at most ``wait_s`` for its answer."""
        if self.gone:
            raise self._gone_error()
        self._next += 1
        future: asyncio.Future[Payload] = asyncio.get_running_loop().create_future()
        self._replies[self._next] = future
        self.pipe.send((self._next, name, kwargs))
        try:
            return await asyncio.wait_for(future, wait_s)
        except TimeoutError:
            raise TimeoutError(
                f"{self.name}: no answer to {name!r} within {wait_s:.0f} s"
            ) from None

    async def stop(self) -> None:
        """Ask politely, then terminate, then kill."""
        with contextlib.suppress(Exception):
            await self.call("stop", 5.0)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self.process.join, 10.0)
        if self.process.is_alive():
            self.process.terminate()
            await loop.run_in_executor(None, self.process.join, 3.0)
        if self.process.is_alive():
            self.process.kill()
            await loop.run_in_executor(None, self.process.join, 3.0)
        self.pipe.close()


# --- Server process -------------------------------------------------------------------------


@dataclass(frozen=True)
class ServerSpec:
    data_dir: str
    parent_pid: int


def server_main(spec: ServerSpec, conn: Connection) -> None:
    child_setup(spec.parent_pid)
    Path(spec.data_dir).mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.WARNING, format="server %(levelname)s %(name)s: %(message)s")
    asyncio.run(_serve(spec, conn))


async def _serve(spec: ServerSpec, conn: Connection) -> None:
    # imported here: the peers' memory must not hold the server's modules
    from aiohttp import web

    from signaling.config import ServerConfig
    from signaling.routing import RoutingConfig
    from signaling.store.db import Database
    from signaling.store.repo import Store
    from vwindow.demo import DEMO_PASSWORD, seed
    from vwindow.server import create_server

    data_dir = Path(spec.data_dir)
    config = ServerConfig(
        host=HOST,
        port=0,
        data_dir=data_dir,
        # the clerk is available again as soon as a call ends: calls back to back
        routing=RoutingConfig(wrap_up_s=0.0, ring_timeout_s=15.0),
    )
    database = Database(config.effective_database_url)
    try:
        await database.migrate()
        data = await seed(Store(database), data_dir, f"http://{HOST}:0")
    finally:
        await database.close()
    runner = web.AppRunner(create_server(config), handle_signals=False, shutdown_timeout=3)
    await runner.setup()
    await web.TCPSite(runner, HOST, 0).start()
    port = runner.addresses[0][1]

    async def noop() -> Payload:
        return {}

    stop = asyncio.Event()
    try:
        await serve_commands(
            conn,
            {"ping": noop},
            {
                "url": f"http://{HOST}:{port}",
                "kiosk_credential": data.kiosk_credential,
                "clerk_username": data.clerk_username,
                "clerk_password": DEMO_PASSWORD,
            },
            stop,
        )
    finally:
        await runner.cleanup()


# --- Peer processes (kiosk, console) --------------------------------------------------------


@dataclass(frozen=True)
class PeerSpec:
    role: str  # "kiosk" | "console"
    server_url: str
    #: the kiosk's device credential, or the clerk's password
    secret: str
    username: str
    parent_pid: int
    page_bytes: int = PAGE_BYTES


@dataclass
class Mark:
    at: float
    latency_index: int
    video_frames: int
    audio_frames: int
    video_bytes_sent: int


@dataclass
class CallTimes:
    #: ``call.ring`` accepted (console only)
    accepted_at: float | None = None
    #: ``call.started`` read from the socket
    started_at: float | None = None


async def video_bytes_sent(session: CallSession) -> int:
    """RTP bytes of video sent so far on the call's current connection (from aiortc's stats;
    the peer connection is private to ``CallSession``, read here for this figure only)."""
    pc = getattr(session, "_pc", None)
    if pc is None:
        return 0
    total = 0
    for sender in pc.getSenders():
        if sender.kind == "video":
            for stats in (await sender.getStats()).values():
                if isinstance(stats, RTCOutboundRtpStreamStats):
                    total += stats.bytesSent
    return total


class Peer:
    """What both sides share: HTTP, signaling, the call agent, the measurement commands."""

    role = "peer"

    def __init__(self, spec: PeerSpec) -> None:
        self.spec = spec
        self.http: aiohttp.ClientSession | None = None
        self.signaling: SignalingClient | None = None
        self.uploader: PageUploader | None = None
        self.token = ""
        self.agent = CallAgent(
            config_for_call=self._call_config,
            on_message=self._on_call_message,
            on_call=self._on_call,
            on_ended=self._on_ended,
        )
        self.in_call = asyncio.Event()
        self.ended = asyncio.Event()
        self.times: dict[str, CallTimes] = collections.defaultdict(CallTimes)
        self.mark: Mark | None = None

    # life cycle

    async def start(self) -> None:
        self.http = aiohttp.ClientSession()
        self.token = await self._credential()
        self.uploader = PageUploader(self.spec.server_url, self.token, self.http)
        ws_url = self.spec.server_url.replace("http", "ws", 1) + "/ws"
        self.signaling = SignalingClient(
            ws_url, self.token, self._on_signal, session=self.http, app=self.role
        )
        self.agent.attach(self.signaling)
        self.signaling.start()
        await self.signaling.wait_connected(timeout=15.0)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.agent.close()
        if self.signaling is not None:
            with contextlib.suppress(Exception):
                await self.signaling.close()
        if self.http is not None:
            await self.http.close()

    async def _credential(self) -> str:
        return self.spec.secret

    def commands(self) -> dict[str, Command]:
        return {
            name.removeprefix("cmd_"): getattr(self, name)
            for name in dir(self)
            if name.startswith("cmd_")
        }

    def session(self) -> CallSession:
        session = self.agent.session
        if session is None:
            raise RuntimeError("not in a call")
        return session

    async def send(self, message: p.Message) -> None:
        assert self.signaling is not None
        await self.signaling.send(message)

    # agent and signaling callbacks

    async def _call_config(self) -> CallConfig:
        assert self.http is not None
        servers = await fetch_ice_servers(self.spec.server_url, self.token, self.http)
        return CallConfig(
            media=MediaConfig(synthetic_label=self.role),
            ice_servers=tuple(servers),
            ice_policy=IcePolicy.loopback(),
        )

    async def _on_signal(self, message: p.ServerMessage) -> None:
        if isinstance(message, p.CallStarted):
            self.times[message.call.call_id].started_at = time.monotonic()
        await self.agent.handle(message)
        if isinstance(message, p.Error):
            log.warning("%s: server refused: %s (%s)", self.role, message.code, message.reason)

    async def _on_call(self, session: CallSession) -> None:
        self.ended.clear()
        self.in_call.set()

    async def _on_ended(self, message: p.CallEnded) -> None:
        self.in_call.clear()
        self.ended.set()

    async def _on_call_message(self, message: m.CallMessage) -> None:
        return None

    # commands

    async def cmd_wait_media(self, timeout: float) -> Payload:
        """Until the first remote video frame of the current call."""
        await asyncio.wait_for(self.in_call.wait(), timeout)
        session = self.session()
        await session.wait_media(timeout)
        stats = session.stats
        times = self.times[session.call_id]
        return {
            "call_id": session.call_id,
            "accepted_at": times.accepted_at,
            "started_at": times.started_at,
            "connected_at": stats.connected_at,
            "first_video_at": stats.first_video_at,
        }

    async def cmd_mark(self) -> Payload:
        session = self.session()
        stats = session.stats
        self.mark = Mark(
            time.monotonic(),
            len(stats.latency_ms),
            stats.video_frames,
            stats.audio_frames,
            await video_bytes_sent(session),
        )
        return {}

    async def cmd_window(self) -> Payload:
        """The latencies, frames and video bytes sent since ``mark``."""
        session = self.session()
        stats = session.stats
        mark = self.mark or Mark(stats.started_at, 0, 0, 0, 0)
        start = mark.latency_index if mark.latency_index <= len(stats.latency_ms) else 0
        return {
            "seconds": time.monotonic() - mark.at,
            "latency_ms": stats.latency_ms[start:],
            "video_frames": stats.video_frames - mark.video_frames,
            "audio_frames": stats.audio_frames - mark.audio_frames,
            "video_bytes_sent": await video_bytes_sent(session) - mark.video_bytes_sent,
        }

    async def cmd_wait_ended(self, timeout: float) -> Payload:
        await asyncio.wait_for(self.ended.wait(), timeout)
        return {}

    async def cmd_reset(self) -> Payload:
        """After a failed call: end whatever is left of it, locally and at the server."""
        session = self.agent.session
        if session is not None:
            with contextlib.suppress(Exception):
                await self.send(p.Hangup(call_id=session.call_id, reason="benchmark reset"))
        await self.agent.close()
        self.in_call.clear()
        return {}


class KioskPeer(Peer):
    role = "kiosk"

    def __init__(self, spec: PeerSpec) -> None:
        super().__init__(spec)
        self.request_id: str | None = None
        self.chunk_bytes, self.chunk_lowered = channel_chunk_bytes()
        # a real rendered page, padded with fresh random bytes for each send
        self.page = render_page("benchmark", 1, dpi=100)
        if len(self.page.data) >= spec.page_bytes:
            raise ValueError(f"the rendered page alone is over {spec.page_bytes} bytes")

    async def start(self) -> None:
        if self.chunk_lowered:
            # shared.call.channel_pages reads this at call time (see channel_chunk_bytes)
            m.PAGE_CHUNK_BYTES = self.chunk_bytes
        await super().start()

    async def _on_signal(self, message: p.ServerMessage) -> None:
        await super()._on_signal(message)
        if isinstance(message, p.QueueUpdate):
            self.request_id = message.queue.request_id

    async def cmd_join(self) -> Payload:
        self.ended.clear()
        await self.send(p.JoinQueue(item_code=ITEM_CODE, identified=True, id="join"))
        return {}

    async def cmd_reset(self) -> Payload:
        if self.agent.session is None and self.request_id is not None:
            with contextlib.suppress(Exception):
                await self.send(p.LeaveQueue(request_id=self.request_id, reason="benchmark"))
        return await super().cmd_reset()

    async def cmd_page(self, path: str, index: int) -> Payload:
        session = self.session()
        assert self.uploader is not None
        base = self.page
        data = base.data + os.urandom(self.spec.page_bytes - len(base.data))
        label = f"benchmark {path} {index}"
        started = time.monotonic()  # t0: the page is captured, about to leave
        if path == "upload":
            meta = await self.uploader.upload(session.call_id, data, PAGE_MIME, label)
            page_id = str(meta["page_id"])
            await session.send(
                m.PageAnnounced(
                    page_id=page_id,
                    sha256=str(meta["sha256"]),
                    size=len(data),
                    mime=PAGE_MIME,
                    width=base.width,
                    height=base.height,
                    path="upload",
                    label=label,
                    captured_at=time.time(),
                )
            )
        else:
            page_id = await send_page_over_channel(
                session,
                data,
                mime=PAGE_MIME,
                width=base.width,
                height=base.height,
                label=label,
                captured_at=time.time(),
            )
        sent = time.monotonic()
        return {
            "page_id": page_id,
            "t0": started,
            "sent_at": sent,
            "sha256": hashlib.sha256(data).hexdigest(),
            "chunk_bytes": self.chunk_bytes,
            "chunk_lowered": self.chunk_lowered,
        }


@dataclass
class Viewed:
    at: float | None = None
    announced_at: float | None = None
    path: str = ""
    sha256: str = ""
    error: str = ""
    done: asyncio.Event = field(default_factory=asyncio.Event)


class ConsolePeer(Peer):
    role = "console"

    def __init__(self, spec: PeerSpec) -> None:
        super().__init__(spec)
        self.available = asyncio.Event()
        self.assembler = PageAssembler()
        self.viewed: dict[str, Viewed] = collections.defaultdict(Viewed)
        self.accepted: dict[str, float] = {}

    async def _credential(self) -> str:
        assert self.http is not None
        async with self.http.post(
            f"{self.spec.server_url}/api/v1/login",
            json={"username": self.spec.username, "password": self.spec.secret},
        ) as response:
            response.raise_for_status()
            token: str = (await response.json())["token"]
        return token

    async def start(self) -> None:
        await super().start()
        await self.send(p.SetClerkState(state="available"))
        await asyncio.wait_for(self.available.wait(), 10.0)

    async def _on_signal(self, message: p.ServerMessage) -> None:
        if isinstance(message, p.Ring):
            self.accepted[message.request_id] = time.monotonic()  # the clerk accepts
            await self.send(p.AcceptCall(request_id=message.request_id))
            return
        if isinstance(message, p.CallStarted):
            accepted = self.accepted.pop(message.call.request_id, None)
            self.times[message.call.call_id].accepted_at = accepted
        if isinstance(message, p.ClerkStatus):
            if message.state == p.ClerkState.AVAILABLE:
                self.available.set()
            else:
                self.available.clear()
        await super()._on_signal(message)

    async def _on_call_message(self, message: m.CallMessage) -> None:
        if isinstance(message, m.PageAnnounced):
            viewed = self.viewed[message.page_id]
            viewed.announced_at = time.monotonic()
            viewed.path = message.path
            try:
                if message.path == "upload":
                    assert self.uploader is not None
                    # checked against the SHA-256 the server recorded at upload
                    data = await self.uploader.fetch(self.session().call_id, message.page_id)
                    if len(data) != message.size:
                        raise ValueError("size differs from the announcement")
                    self._viewed(message.page_id, data)
                else:
                    self.assembler.announce(message)
            except Exception as exc:
                self._failed(message.page_id, exc)
        elif isinstance(message, m.PageChunk):
            try:
                # checked against the announced size and SHA-256 on the last chunk
                page = self.assembler.feed(message)
            except Exception as exc:
                self._failed(message.page_id, exc)
                return
            if page is not None:
                self._viewed(page.announce.page_id, page.data)

    def _viewed(self, page_id: str, data: bytes) -> None:
        viewed = self.viewed[page_id]
        viewed.at = time.monotonic()  # viewable: bytes here, checksum checked
        viewed.sha256 = hashlib.sha256(data).hexdigest()  # for the end-to-end cross-check
        viewed.done.set()

    def _failed(self, page_id: str, exc: Exception) -> None:
        viewed = self.viewed[page_id]
        viewed.error = f"{type(exc).__name__}: {exc}"
        viewed.done.set()

    async def cmd_wait_page(self, page_id: str, timeout: float) -> Payload:
        viewed = self.viewed[page_id]
        await asyncio.wait_for(viewed.done.wait(), timeout)
        del self.viewed[page_id]
        if viewed.error:
            raise RuntimeError(f"page {page_id}: {viewed.error}")
        return {
            "t1": viewed.at,
            "announced_at": viewed.announced_at,
            "path": viewed.path,
            "sha256": viewed.sha256,
        }

    async def cmd_hangup(self, timeout: float) -> Payload:
        """Hang up as the clerk does, and wait until the call is over and the clerk free."""
        session = self.session()
        await self.send(p.Hangup(call_id=session.call_id, reason="done", outcome="accepted"))
        await asyncio.wait_for(self.ended.wait(), timeout)
        await asyncio.wait_for(self.available.wait(), timeout)
        return {}


def peer_main(spec: PeerSpec, conn: Connection) -> None:
    child_setup(spec.parent_pid)
    logging.basicConfig(
        level=logging.WARNING, format=f"{spec.role} %(levelname)s %(name)s: %(message)s"
    )
    asyncio.run(_peer(spec, conn))


async def _peer(spec: PeerSpec, conn: Connection) -> None:
    peer: Peer = KioskPeer(spec) if spec.role == "kiosk" else ConsolePeer(spec)
    try:
        await peer.start()
        await serve_commands(conn, peer.commands(), {"pid": os.getpid()}, asyncio.Event())
    finally:
        await peer.close()


# --- Orchestration --------------------------------------------------------------------------


class RssSampler:
    """VmRSS of the peers every 0.1 s, so that any time range's peak can be read later."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self.samples: list[tuple[float, dict[str, int]]] = []

    async def run(self) -> None:
        while True:
            sample: dict[str, int] = {}
            for name, pid in self.pids.items():
                with contextlib.suppress(OSError, ValueError):
                    sample[name] = proc_status_kb(pid, "VmRSS")
            self.samples.append((time.monotonic(), sample))
            await asyncio.sleep(RSS_EVERY_S)

    def peak_mb(self, name: str, start: float, end: float) -> float | None:
        values = [s[name] for at, s in self.samples if start <= at <= end and name in s]
        return round(max(values) / 1024, 1) if values else None


@dataclass
class Figures:
    setup_ms: list[float] = field(default_factory=list)
    setup_parts: list[dict[str, float]] = field(default_factory=list)
    failed_calls: list[str] = field(default_factory=list)
    latency_ms: list[float] = field(default_factory=list)
    latency_pages_ms: dict[str, list[float]] = field(
        default_factory=lambda: {"upload": [], "channel": []}
    )
    unreadable_frames: int = 0
    cpu: dict[str, float] = field(default_factory=dict)
    rx_fps: dict[str, float] = field(default_factory=dict)
    tx_kbps: dict[str, float] = field(default_factory=dict)
    rss: dict[str, float | None] = field(default_factory=dict)
    pages: dict[str, list[float]] = field(default_factory=lambda: {"upload": [], "channel": []})
    chunk_bytes: int | None = None
    chunk_lowered: bool = False
    profile: dict[str, dict[str, float]] = field(default_factory=dict)
    error: str = ""


class Bench:
    def __init__(
        self, args: argparse.Namespace, kiosk: Child, console: Child, figures: Figures
    ) -> None:
        self.args = args
        self.kiosk = kiosk
        self.console = console
        self.figures = figures
        self.sampler = RssSampler({"kiosk": kiosk.pid, "console": console.pid})

    async def run(self) -> None:
        sampling = asyncio.create_task(self.sampler.run())
        try:
            consecutive_failures = 0
            for index in range(self.args.calls):
                last = index == self.args.calls - 1
                try:
                    await self.one_call(index, hold_long=last)
                    consecutive_failures = 0
                except Exception as exc:
                    consecutive_failures += 1
                    self.figures.failed_calls.append(f"call {index + 1}: {exc}")
                    print(f"call {index + 1:>2}: FAILED: {exc}", flush=True)
                    if self.kiosk.gone or self.console.gone:
                        raise
                    await asyncio.gather(
                        self.kiosk.call("reset", 15.0),
                        self.console.call("reset", 15.0),
                        return_exceptions=True,
                    )
                    if consecutive_failures >= 2:
                        raise RuntimeError("two calls in a row failed; giving up") from exc
                    await asyncio.sleep(0.5)
        finally:
            sampling.cancel()

    async def one_call(self, index: int, *, hold_long: bool) -> None:
        timeout = self.args.setup_timeout
        await self.kiosk.call("join", 5.0)
        kiosk, console = await asyncio.gather(
            self.kiosk.call("wait_media", timeout + 2, timeout=timeout),
            self.console.call("wait_media", timeout + 2, timeout=timeout),
        )
        accepted = console["accepted_at"]
        if accepted is None:
            raise RuntimeError("the console saw no ring for this call")
        both = max(kiosk["first_video_at"], console["first_video_at"])
        setup_ms = (both - accepted) * 1000
        self.figures.setup_ms.append(setup_ms)
        parts = {
            "accept_to_started_kiosk": (kiosk["started_at"] - accepted) * 1000,
            "accept_to_connected": (max(kiosk["connected_at"], console["connected_at"]) - accepted)
            * 1000
            if kiosk["connected_at"] and console["connected_at"]
            else math.nan,
            "accept_to_video_kiosk": (kiosk["first_video_at"] - accepted) * 1000,
            "accept_to_video_console": (console["first_video_at"] - accepted) * 1000,
        }
        self.figures.setup_parts.append(parts)
        print(
            f"call {index + 1:>2}: setup {setup_ms:6.1f} ms (call.started at the kiosk "
            f"+{parts['accept_to_started_kiosk']:.0f}, connected "
            f"+{parts['accept_to_connected']:.0f}, first video at kiosk "
            f"+{parts['accept_to_video_kiosk']:.0f} / console "
            f"+{parts['accept_to_video_console']:.0f} ms)",
            flush=True,
        )
        if hold_long:
            await self.steady(both)
        else:
            await asyncio.sleep(self.args.hold_seconds)
        await self.console.call("hangup", 15.0, timeout=10.0)
        await self.kiosk.call("wait_ended", 15.0, timeout=10.0)

    async def steady(self, media_at: float) -> None:
        args = self.args
        print(
            f"holding the last call: {args.warmup_seconds:.0f} s warm-up, "
            f"{args.cpu_seconds:.0f} s steady window...",
            flush=True,
        )
        await asyncio.sleep(args.warmup_seconds)
        await asyncio.gather(self.kiosk.call("mark", 5.0), self.console.call("mark", 5.0))
        pids = {"kiosk": self.kiosk.pid, "console": self.console.pid}
        profilers = self.start_profilers(pids) if args.profile else {}
        cpu0 = {name: proc_cpu_s(pid) for name, pid in pids.items()}
        host0 = host_busy_s()
        start = time.monotonic()
        await asyncio.sleep(args.cpu_seconds)
        cpu1 = {name: proc_cpu_s(pid) for name, pid in pids.items()}
        host1 = host_busy_s()
        end = time.monotonic()
        wall = end - start
        for name in pids:
            self.figures.cpu[name] = 100 * (cpu1[name] - cpu0[name]) / wall
        peers = sum(cpu1[name] - cpu0[name] for name in pids)
        self.figures.cpu["host_other"] = 100 * max(0.0, host1 - host0 - peers) / wall
        windows = dict(
            zip(
                pids,
                await asyncio.gather(
                    self.kiosk.call("window", 5.0), self.console.call("window", 5.0)
                ),
                strict=True,
            )
        )
        for name, window in windows.items():
            self.figures.latency_ms += window["latency_ms"]
            self.figures.unreadable_frames += window["video_frames"] - len(window["latency_ms"])
            self.figures.rx_fps[name] = window["video_frames"] / window["seconds"]
            self.figures.tx_kbps[name] = 8 * window["video_bytes_sent"] / window["seconds"] / 1000
        self.figures.rss["kiosk_video"] = self.sampler.peak_mb("kiosk", start, end)
        if profilers:
            self.figures.profile = await self.finish_profilers(profilers)
        await self.send_pages()
        done = time.monotonic()
        self.figures.rss["kiosk"] = self.sampler.peak_mb("kiosk", media_at, done)
        self.figures.rss["console"] = self.sampler.peak_mb("console", media_at, done)

    async def send_pages(self) -> None:
        paths = ["upload", "channel"] if self.args.page_path == "both" else [self.args.page_path]
        if not self.args.pages or not paths:
            return
        for path in paths:
            # one path at a time, so that the video latency meanwhile is the path's own
            await asyncio.gather(self.kiosk.call("mark", 5.0), self.console.call("mark", 5.0))
            for index in range(self.args.pages):
                sent = await self.kiosk.call("page", 60.0, path=path, index=index)
                seen = await self.console.call(
                    "wait_page", 60.0, page_id=sent["page_id"], timeout=55.0
                )
                if seen["sha256"] != sent["sha256"]:
                    raise RuntimeError(f"page {sent['page_id']} arrived with other bytes")
                total = (seen["t1"] - sent["t0"]) * 1000
                sending = (sent["sent_at"] - sent["t0"]) * 1000
                self.figures.pages[path].append(total)
                self.figures.chunk_bytes = sent["chunk_bytes"]
                self.figures.chunk_lowered = sent["chunk_lowered"]
                print(
                    f"page {index + 1} via {path:<7}: {total:6.1f} ms "
                    f"(the kiosk was done sending at +{sending:.0f} ms)",
                    flush=True,
                )
            for window in await asyncio.gather(
                self.kiosk.call("window", 5.0), self.console.call("window", 5.0)
            ):
                self.figures.latency_pages_ms[path] += window["latency_ms"]

    # profiling (optional)

    def start_profilers(
        self, pids: dict[str, int]
    ) -> dict[str, tuple[subprocess.Popen[bytes], Path]]:
        spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
        if not Path(spy).exists():
            print("--profile: py-spy not found (pip install py-spy)", file=sys.stderr)
            return {}
        out = Path(self.args.profile)
        out.mkdir(parents=True, exist_ok=True)
        started: dict[str, tuple[subprocess.Popen[bytes], Path]] = {}
        for name, pid in pids.items():
            target = out / f"{name}.collapsed"
            command = [
                spy,
                "record",
                "--pid",
                str(pid),
                "--duration",
                str(int(self.args.cpu_seconds)),
                "--rate",
                "100",
                "--nonblocking",
                "--format",
                "raw",
                "--threads",
                "--output",
                str(target),
            ]
            started[name] = (
                subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE),
                target,
            )
        return started

    async def finish_profilers(
        self, profilers: dict[str, tuple[subprocess.Popen[bytes], Path]]
    ) -> dict[str, dict[str, float]]:
        loop = asyncio.get_running_loop()
        shares: dict[str, dict[str, float]] = {}
        for name, (process, target) in profilers.items():
            try:
                await loop.run_in_executor(None, process.wait, 30.0)
            except subprocess.TimeoutExpired:
                process.kill()
            if target.exists():
                shares[name] = profile_shares(target.read_text(encoding="utf-8", errors="replace"))
        return shares


#: a thread whose innermost frame is one of these is waiting, not working
PROFILE_IDLE = (
    "EpollSelector.select",
    "Condition.wait",
    "Event.wait",
    "_worker (concurrent/futures/thread.py",
    "SimpleQueue.get",
)
#: where a busy sample's time goes: the innermost frame that names a bucket decides
PROFILE_BUCKETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("vp8 encode", ("Vp8Encoder",)),
    ("vp8 decode", ("Vp8Decoder",)),
    ("opus encode/decode", ("OpusEncoder", "OpusDecoder")),
    ("synthetic video frames", ("SyntheticVideoTrack",)),
    ("synthetic audio frames", ("ToneAudioTrack",)),
    ("latency read (timestamp band)", ("_latency_ms", "decode_time_code")),
    ("srtp", ("pylibsrtp",)),
    (
        "frame hand-off between threads",
        (
            "ThreadPoolExecutor.submit",
            "run_in_executor",
            "_write_to_self",
            "_read_from_self",
            "run_coroutine_threadsafe",
            "call_soon_threadsafe",
        ),
    ),
    ("rtp send", ("RTCRtpSender",)),
    ("rtp receive, rtcp, jitter buffer", ("RTCRtpReceiver", "jitterbuffer", "aiortc/rate.py")),
    ("data channel (sctp)", ("rtcsctptransport", "rtcdatachannel")),
    ("dtls, ice, sockets", ("rtcdtlstransport", "aioice", "_read_ready", "sendto")),
    ("call session", ("CallSession",)),
)


def profile_shares(collapsed: str) -> dict[str, float]:
    """py-spy's raw (collapsed) stacks → % of the process's busy samples, by bucket. Samples
    of threads waiting (``PROFILE_IDLE``) are dropped: py-spy's own idle detection does not
    see them with ``--nonblocking``. A thread waiting for the GIL still counts as busy where
    it waits, so the hand-off bucket reads high."""
    counts: collections.Counter[str] = collections.Counter()
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        frames = stack.split(";")
        if any(key in frames[-1] for key in PROFILE_IDLE):
            continue
        bucket = "other (event loop, signaling, ...)"
        for frame in reversed(frames):
            hit = next((b for b, keys in PROFILE_BUCKETS if any(k in frame for k in keys)), None)
            if hit is not None:
                bucket = hit
                break
        counts[bucket] += int(count_text)
    total = sum(counts.values())
    return {b: round(100 * c / total, 1) for b, c in counts.most_common()} if total else {}


async def orchestrate(args: argparse.Namespace, workdir: Path, figures: Figures) -> None:
    ctx = multiprocessing.get_context("spawn")
    children: list[Child] = []

    def start(name: str, target: Callable[..., None], spec: Any) -> Child:
        parent_end, child_end = ctx.Pipe()
        process = ctx.Process(target=target, args=(spec, child_end), name=name, daemon=True)
        process.start()
        child_end.close()
        child = Child(name, process, parent_end)
        children.append(child)
        return child

    try:
        server = start("server", server_main, ServerSpec(str(workdir / "data"), os.getpid()))
        info = await asyncio.wait_for(server.ready, 60.0)
        url = str(info["url"])
        kiosk = start(
            "kiosk",
            peer_main,
            PeerSpec("kiosk", url, info["kiosk_credential"], "", os.getpid()),
        )
        console = start(
            "console",
            peer_main,
            PeerSpec("console", url, info["clerk_password"], info["clerk_username"], os.getpid()),
        )
        await asyncio.wait_for(asyncio.gather(kiosk.ready, console.ready), 60.0)
        print(
            f"server {url} (pid {server.pid}); kiosk pid {kiosk.pid}; console pid {console.pid}",
            flush=True,
        )
        await asyncio.sleep(0.5)
        figures.rss["kiosk_idle"] = round(proc_status_kb(kiosk.pid, "VmRSS") / 1024, 1)
        await Bench(args, kiosk, console, figures).run()
    except Exception as exc:
        figures.error = f"{type(exc).__name__}: {exc}"
        print(f"error: {figures.error}", file=sys.stderr, flush=True)
    finally:
        # peers first (they hang up and close their sockets), then the server
        for child in reversed(children):
            await child.stop()


def summarize(args: argparse.Namespace, f: Figures, elapsed_s: float) -> Payload:
    page_p50 = {path: percentile(values, 50) for path, values in f.pages.items() if values}
    best = min(page_p50, key=lambda path: page_p50[path]) if page_p50 else None
    cpu_total = f.cpu["kiosk"] + f.cpu["console"] if "console" in f.cpu else math.nan
    median = sorted(f.setup_parts, key=lambda parts: parts["accept_to_video_kiosk"])
    parts = median[len(median) // 2] if median else {}
    figures: Payload = {
        "setup_p50_ms": rounded(percentile(f.setup_ms, 50)),
        "setup_p95_ms": rounded(percentile(f.setup_ms, 95)),
        "latency_p50_ms": rounded(percentile(f.latency_ms, 50)),
        "latency_p95_ms": rounded(percentile(f.latency_ms, 95)),
        "page_p50_ms": rounded(page_p50[best]) if best else None,
        "page_path": best,
        "cpu_pct_one_core": rounded(cpu_total),
        "kiosk_rss_mb": f.rss.get("kiosk"),
        "page_upload_p50_ms": rounded(page_p50.get("upload", math.nan)),
        "page_channel_p50_ms": rounded(page_p50.get("channel", math.nan)),
        "page_upload_max_ms": rounded(max(f.pages["upload"], default=math.nan)),
        "page_channel_max_ms": rounded(max(f.pages["channel"], default=math.nan)),
        "page_channel_chunk_bytes": f.chunk_bytes,
        "page_channel_chunk_lowered": f.chunk_lowered,
        "calls": len(f.setup_ms),
        "calls_failed": len(f.failed_calls),
        "setup_max_ms": rounded(max(f.setup_ms, default=math.nan)),
        "setup_ms": [round(ms, 1) for ms in f.setup_ms],
        "setup_parts_ms": {k: rounded(v) for k, v in parts.items()},
        "latency_samples": len(f.latency_ms),
        "latency_unreadable_frames": f.unreadable_frames,
        "latency_upload_p95_ms": rounded(percentile(f.latency_pages_ms["upload"], 95)),
        "latency_channel_p95_ms": rounded(percentile(f.latency_pages_ms["channel"], 95)),
        "kiosk_cpu_pct": rounded(f.cpu.get("kiosk", math.nan)),
        "console_cpu_pct": rounded(f.cpu.get("console", math.nan)),
        "kiosk_rx_fps": rounded(f.rx_fps.get("kiosk", math.nan)),
        "console_rx_fps": rounded(f.rx_fps.get("console", math.nan)),
        "kiosk_tx_kbps": rounded(f.tx_kbps.get("kiosk", math.nan), 0),
        "console_tx_kbps": rounded(f.tx_kbps.get("console", math.nan), 0),
        "host_other_cpu_pct": rounded(f.cpu.get("host_other", math.nan)),
        "host_cores": os.cpu_count(),
        "kiosk_rss_video_mb": f.rss.get("kiosk_video"),
        "kiosk_rss_idle_mb": f.rss.get("kiosk_idle"),
        "console_rss_mb": f.rss.get("console"),
        "cpu_seconds": args.cpu_seconds,
        "pages_per_path": args.pages,
        "elapsed_s": round(elapsed_s, 1),
    }
    if f.profile:
        figures["profile_pct"] = f.profile
    if f.failed_calls:
        figures["failures"] = f.failed_calls
    if f.error:
        figures["error"] = f.error
    figures["targets_met"] = {
        key: (figures[key] is not None and figures[key] <= limit) for key, limit in TARGETS.items()
    }
    return figures


def print_human(figures: Payload) -> None:
    f = figures
    lines = [
        "",
        f"setup     p50 {f['setup_p50_ms']} ms, p95 {f['setup_p95_ms']} ms, max "
        f"{f['setup_max_ms']} ms over {f['calls']} calls ({f['calls_failed']} failed); "
        f"clerk accepts -> first video on both sides",
        f"          median call: {f['setup_parts_ms']}",
        f"latency   p50 {f['latency_p50_ms']} ms, p95 {f['latency_p95_ms']} ms glass to glass "
        f"({f['latency_samples']} frames, {f['latency_unreadable_frames']} unreadable); "
        f"p95 while pages go by upload {f['latency_upload_p95_ms']} ms, "
        f"by channel {f['latency_channel_p95_ms']} ms",
        f"cpu       {f['cpu_pct_one_core']} % of one core for both peers (kiosk "
        f"{f['kiosk_cpu_pct']} %, console {f['console_cpu_pct']} %) over {f['cpu_seconds']} s; "
        f"video received at {f['kiosk_rx_fps']} fps (kiosk) / {f['console_rx_fps']} fps (console)",
        f"          video sent at {f['kiosk_tx_kbps']} kbit/s (kiosk) / {f['console_tx_kbps']} "
        f"kbit/s (console); other processes used {f['host_other_cpu_pct']} % of one core "
        f"meanwhile ({f['host_cores']} cores)",
        f"memory    kiosk RSS peak {f['kiosk_rss_mb']} MB during the call "
        f"({f['kiosk_rss_video_mb']} MB video only, {f['kiosk_rss_idle_mb']} MB before the "
        f"first call); console {f['console_rss_mb']} MB",
        f"pages     3 MiB, p50: upload {f['page_upload_p50_ms']} ms, channel "
        f"{f['page_channel_p50_ms']} ms (max {f['page_upload_max_ms']} / "
        f"{f['page_channel_max_ms']} ms); fastest: {f['page_path']}",
    ]
    if f["page_channel_chunk_lowered"]:
        lines.append(
            f"          NOTE: shared.call.messages.PAGE_CHUNK_BYTES makes a full page.chunk "
            f"message larger than MAX_CHANNEL_MESSAGE, so send_page_over_channel refuses any "
            f"page over one chunk; the kiosk used {f['page_channel_chunk_bytes']}-byte chunks"
        )
    for name, shares in f.get("profile_pct", {}).items():
        lines.append(f"profile   {name}: " + ", ".join(f"{k} {v}%" for k, v in shares.items()))
    lines.append(f"targets   {f['targets_met']}")
    if "error" in f:
        lines.append(f"ERROR     {f['error']}")
    lines.append(f"elapsed   {f['elapsed_s']} s")
    print("\n".join(lines), flush=True)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.call",
        description="Kiosk <-> console video calls through the real server, on 127.0.0.1.",
    )
    parser.add_argument("--calls", type=int, default=10, help="calls one after another")
    parser.add_argument("--page-path", choices=("upload", "channel", "both"), default="both")
    parser.add_argument("--pages", type=int, default=5, help="3 MiB pages per path")
    parser.add_argument("--cpu-seconds", type=float, default=10.0, help="steady window, s")
    parser.add_argument(
        "--warmup-seconds",
        type=float,
        default=25.0,
        help="call time before the CPU window: aiortc's bitrate ramp (REMB) ends by then",
    )
    parser.add_argument("--hold-seconds", type=float, default=0.5, help="short calls last this")
    parser.add_argument("--setup-timeout", type=float, default=15.0, help="per call, s")
    parser.add_argument("--budget", type=float, default=170.0, help="whole run, s")
    parser.add_argument("--profile", metavar="DIR", help="py-spy the peers in the steady window")
    args = parser.parse_args(argv)
    if args.calls < 1 or args.pages < 0 or args.cpu_seconds <= 0:
        parser.error("--calls must be >= 1, --pages >= 0, --cpu-seconds > 0")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    started = time.monotonic()

    figures = Figures()

    async def bounded(workdir: Path) -> None:
        task = asyncio.create_task(orchestrate(args, workdir, figures))
        done, _ = await asyncio.wait({task}, timeout=args.budget)
        if not done:
            # the orchestrator's own cleanup (stopping the children) runs on cancellation
            figures.error = f"over the {args.budget:.0f} s budget"
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    with tempfile.TemporaryDirectory(prefix="vwindow-call-bench-") as workdir:
        try:
            asyncio.run(bounded(Path(workdir)))
        except KeyboardInterrupt:
            figures.error = "interrupted"
        finally:
            for process in multiprocessing.active_children():
                process.kill()
    summary = summarize(args, figures, time.monotonic() - started)
    print_human(summary)
    print(json.dumps(summary, ensure_ascii=False))
    return 0 if not figures.error and not figures.failed_calls else 1


if __name__ == "__main__":
    sys.exit(main())
