"""Ties the signaling client to call sessions for one side (kiosk or console): a call that
starts, resumes after a reconnect, renegotiates when the other side comes back, and ends
when the server says so. The apps (headless scripts now, Qt later) only handle the call's
messages and states."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from shared import protocol as p
from shared.call.session import (
    CallConfig,
    CallSession,
    CallState,
    FrameHandler,
    MessageHandler,
)
from shared.signaling_client import SignalingClient

log = logging.getLogger(__name__)

CallEvent = Callable[[CallSession], Awaitable[None] | None]
StateEvent = Callable[[CallSession, CallState, str], Awaitable[None] | None]


class CallAgent:
    def __init__(
        self,
        *,
        config_for_call: Callable[[], Awaitable[CallConfig]],
        on_message: MessageHandler,
        on_call: CallEvent | None = None,
        on_state: StateEvent | None = None,
        on_ended: Callable[[p.CallEnded], Awaitable[None] | None] | None = None,
        on_video_frame: FrameHandler | None = None,
    ) -> None:
        self.config_for_call = config_for_call
        self.on_message = on_message
        self.on_call = on_call
        self.on_state = on_state
        self.on_ended = on_ended
        self.on_video_frame = on_video_frame
        self.signaling: SignalingClient | None = None
        self.session: CallSession | None = None
        self.call: p.CallInfo | None = None
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()

    def attach(self, signaling: SignalingClient) -> None:
        self.signaling = signaling

    async def handle(self, message: p.ServerMessage) -> None:
        """Feed every server message here (from the signaling client's handler)."""
        if isinstance(message, p.Welcome):
            if message.call is not None:
                await self._ensure(message.call, resumed=True)
            elif self.session is not None:
                # the server no longer knows our call (it ended while we were away)
                await self._end("call no longer exists")
        elif isinstance(message, p.CallStarted):
            await self._ensure(message.call, resumed=False)
        elif isinstance(message, p.Sdp):
            if self.session is not None and message.call_id == self.session.call_id:
                await self.session.handle_sdp(message)
        elif isinstance(message, p.PeerPresence):
            session = self.session
            # the other side is back on the server; if our media from it stopped too, it
            # probably restarted and waits for an offer (a mere signaling blip leaves media
            # flowing, and then nothing needs doing)
            if session is not None and message.connected and session.offerer:
                if session.state != CallState.CONNECTED:
                    await session.renegotiate("peer back")
                else:
                    # it may have restarted a moment ago, before the silence of its old
                    # connection showed here: look again once it would have
                    task = asyncio.ensure_future(self._peer_back_later(session))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
        elif isinstance(message, p.CallEnded):
            if self.session is not None and self.session.call_id == message.call_id:
                await self._end(str(message.reason))
            if self.on_ended is not None:
                result = self.on_ended(message)
                if result is not None:
                    await result

    async def _peer_back_later(self, session: CallSession) -> None:
        await asyncio.sleep(2 * session.config.silence_s)
        if self.session is session and session.state == CallState.RECONNECTING:
            await session.renegotiate("peer back")

    async def _ensure(self, call: p.CallInfo, *, resumed: bool) -> None:
        async with self._lock:
            if self.session is not None and self.session.call_id == call.call_id:
                if resumed and call.you_offer and self.session.state != CallState.CONNECTED:
                    await self.session.renegotiate("signaling resumed")
                return
            if self.session is not None:
                await self._end("replaced by another call")
            self.call = call
            config = await self.config_for_call()
            session = CallSession(
                call_id=call.call_id,
                offerer=call.you_offer,
                send_sdp=self._send_sdp,
                config=config,
                on_message=self.on_message,
                on_state=self._state_changed,
                on_video_frame=self.on_video_frame,
            )
            self.session = session
            await session.start()
        if self.on_call is not None:
            result = self.on_call(session)
            if result is not None:
                await result

    async def _send_sdp(self, message: p.Sdp) -> None:
        if self.signaling is None:
            raise ConnectionError("no signaling client attached")
        await self.signaling.send(message)

    async def _state_changed(self, state: CallState, why: str) -> None:
        if self.on_state is not None and self.session is not None:
            result = self.on_state(self.session, state, why)
            if result is not None:
                await result

    async def _end(self, reason: str) -> None:
        session, self.session = self.session, None
        if session is not None:
            with contextlib.suppress(Exception):
                await session.close(reason)

    async def close(self) -> None:
        await self._end("closed")
