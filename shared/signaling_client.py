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


class SendPacer:
    """Keeps this client under the server's per-connection rate (20 a second, bursts of 60
    by default) with room to spare, and holds every send for a while after the server said
    ``rate_limited``: the server drops what comes too fast, so repeating only loses more."""

    def __init__(self, rate_per_s: float = 15.0, burst: int = 45) -> None:
        self.full_rate = rate_per_s
        self.full_burst = float(burst)
        self.rate = rate_per_s
        self.burst = float(burst)
        self.tokens = float(burst)
        self.stamp = 0.0
        self.hold_until = 0.0
        self.holds = Backoff(initial_s=1.0, max_s=10.0)
        self.last_hold_at = -1e9

    def follow(self, rate_per_s: float, burst: int) -> None:
        """The server's limit, from its ``welcome``: keep well below it."""
        if rate_per_s > 0 and burst > 0:
            self.full_rate = self.rate = rate_per_s * 0.75
            self.full_burst = self.burst = max(1.0, burst / 2)
            self.tokens = min(self.tokens, self.burst)

    def limited(self, now: float) -> float:
        """The server said ``rate_limited`` at ``now``: how long sends are held. The pace
        halves too (its limit may be lower than ours), back to full after a quiet 30 s."""
        if now - self.last_hold_at > 30.0:
            self.holds.reset()
        self.last_hold_at = now
        self.rate = max(1.0, self.rate / 2)
        self.burst = max(1.0, self.burst / 2)
        self.tokens = 0.0
        delay = self.holds.next_delay()
        self.hold_until = max(self.hold_until, now + delay)
        return delay

    def wait_s(self, now: float) -> float:
        """How long a send must wait at ``now`` (0: it may go, and is counted)."""
        if now < self.hold_until:
            return self.hold_until - now
        if self.rate < self.full_rate and now - self.last_hold_at > 30.0:
            self.rate, self.burst = self.full_rate, self.full_burst
        if self.stamp:
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate


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
        self.pacer = SendPacer()

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
        """Send now, or as soon as the pace allows (see :class:`SendPacer`)."""
        loop = asyncio.get_running_loop()
        while (wait := self.pacer.wait_s(loop.time())) > 0:
            self._check_connected()
            await asyncio.sleep(wait)
        ws = self._check_connected()
        await ws.send_str(p.encode(message).decode())

    def _check_connected(self) -> aiohttp.ClientWebSocketResponse:
        ws = self._ws
        if ws is None or ws.closed or self.state != LinkState.CONNECTED:
            raise NotConnected(f"not connected to {self.url}")
        return ws

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
                    self.pacer.follow(message.rate_per_s, message.burst)
                    self.connects += 1
                    self.backoff.reset()
                    await self._set_state(LinkState.CONNECTED)
                    self._connected.set()
                elif isinstance(message, p.Error) and message.code == p.ErrorCode.RATE_LIMITED:
                    held = self.pacer.limited(asyncio.get_running_loop().time())
                    log.warning("the server is dropping our messages: sends held %.1f s", held)
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
