"""The one signaling client used by the kiosk, the console, tests and benchmarks.

It keeps a WebSocket to the server open: connects, sends ``hello``, hands every server message
to the caller, and when the connection drops it reconnects with exponential backoff and full
jitter. The server keeps a kiosk's queue place and a call for a grace period, so a reconnect
resumes them; the fresh ``welcome`` says what was resumed.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp

from shared import protocol as p

log = logging.getLogger(__name__)

#: error codes after which reconnecting cannot help
FATAL_CODES = frozenset({p.ErrorCode.AUTH_FAILED, p.ErrorCode.REPLACED})


class LinkState(enum.StrEnum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    STOPPED = "stopped"


class NotConnected(ConnectionError):
    """A message cannot be sent while the link is down (stale signaling is worse than none)."""


class LinkRefused(RuntimeError):
    """The server refused this client for good (bad credential, replaced by another
    connection)."""

    def __init__(self, error: p.Error) -> None:
        super().__init__(f"{error.code}: {error.reason}")
        self.error = error


@dataclass
class Backoff:
    initial_s: float = 0.5
    factor: float = 2.0
    max_s: float = 15.0
    attempt: int = 0

    def next_delay(self) -> float:
        ceiling = min(self.max_s, self.initial_s * self.factor**self.attempt)
        self.attempt += 1
        # full jitter: thousands of kiosks losing the server together must not return together
        return random.uniform(self.initial_s / 2, ceiling)

    def reset(self) -> None:
        self.attempt = 0


MessageHandler = Callable[[p.ServerMessage], Awaitable[None] | None]
StateHandler = Callable[[LinkState], Awaitable[None] | None]


class SignalingClient:
    def __init__(
        self,
        url: str,
        token: str,
        on_message: MessageHandler,
        *,
        on_state: StateHandler | None = None,
        app: str = "",
        backoff: Backoff | None = None,
        session: aiohttp.ClientSession | None = None,
        heartbeat_s: float = 20.0,
    ) -> None:
        self.url = url
        self.token = token
        self.app = app
        self.on_message = on_message
        self.on_state = on_state
        self.backoff = backoff or Backoff()
        self.heartbeat_s = heartbeat_s
        self.state = LinkState.CONNECTING
        self.welcome: p.Welcome | None = None
        self.refused: p.Error | None = None
        self._session = session
        self._own_session = session is None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._task: asyncio.Task[None] | None = None
        self._connected = asyncio.Event()
        self._stopping = False
        self.connects = 0

    # --- Life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="signaling")

    async def wait_connected(self, timeout: float = 10.0) -> p.Welcome:
        await asyncio.wait_for(self._connected.wait(), timeout)
        if self.refused is not None:
            raise LinkRefused(self.refused)
        assert self.welcome is not None
        return self.welcome

    async def close(self) -> None:
        self._stopping = True
        if self._ws is not None:
            await self._ws.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._own_session and self._session is not None:
            await self._session.close()
        await self._set_state(LinkState.STOPPED)

    async def send(self, message: p.Message) -> None:
        ws = self._ws
        if ws is None or ws.closed or self.state != LinkState.CONNECTED:
            raise NotConnected(f"not connected to {self.url}")
        await ws.send_str(p.encode(message).decode())

    # --- Internals --------------------------------------------------------------------------

    async def _run(self) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        while not self._stopping:
            try:
                await self._connect_once()
            except LinkRefused:
                break
            except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                log.info("signaling link to %s failed: %s", self.url, exc)
            self._ws = None
            self._connected.clear()
            if self._stopping:
                break
            await self._set_state(LinkState.RECONNECTING)
            await asyncio.sleep(self.backoff.next_delay())
        if self.refused is not None:
            self._connected.set()  # wake waiters so they see the refusal
        await self._set_state(LinkState.STOPPED)

    async def _connect_once(self) -> None:
        assert self._session is not None
        async with self._session.ws_connect(
            self.url, heartbeat=self.heartbeat_s, max_msg_size=p.MAX_FRAME_BYTES
        ) as ws:
            self._ws = ws
            await ws.send_str(p.encode(p.Hello(token=self.token, app=self.app)).decode())
            async for msg in ws:
                if msg.type != aiohttp.WSMsgType.TEXT:
                    continue
                try:
                    message = p.decode_server(msg.data)
                except p.ProtocolError as exc:
                    log.warning("ignoring a frame from the server: %s", exc.reason)
                    continue
                if isinstance(message, p.Welcome):
                    self.welcome = message
                    self.connects += 1
                    self.backoff.reset()
                    await self._set_state(LinkState.CONNECTED)
                    self._connected.set()
                elif isinstance(message, p.Error) and message.fatal and message.code in FATAL_CODES:
                    self.refused = message
                    await self._deliver(message)
                    raise LinkRefused(message)
                await self._deliver(message)

    async def _deliver(self, message: p.ServerMessage) -> None:
        try:
            result = self.on_message(message)
            if result is not None:
                await result
        except Exception:
            log.exception("message handler failed on %s", p.type_name(type(message)))

    async def _set_state(self, state: LinkState) -> None:
        if state == self.state:
            return
        self.state = state
        if self.on_state is not None:
            result = self.on_state(state)
            if result is not None:
                await result
