"""Ties the signaling client to call sessions for one side (kiosk or console): a call that
starts, resumes after a reconnect, renegotiates when the other side comes back, and ends
when the server says so. The apps (headless scripts now, Qt later) only handle the call's
messages and states.

A call with an invited third party is a mesh of legs, one ``CallSession`` each: the main leg
(kiosk and clerk) and a guest leg between the guest and each of them. ``session`` is the
main leg (for the guest: their leg with the kiosk), ``sessions`` every leg by call id;
``on_call`` fires for each leg, and a leg ends on the ``call.ended`` naming its id (the main
leg ending ends all). Every leg sends from one set of sources: the camera and microphone open
once for all of them (``shared.call.media.MediaHub``: the app's shared hub, or the one given
here) and close when the last leg ends; the preview sees each frame once."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from av import AudioFrame, VideoFrame

from shared import protocol as p
from shared.call import messages as m
from shared.call.media import MediaHub
from shared.call.session import (
    AudioHandler,
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
LegMessageHandler = Callable[[CallSession, m.CallMessage], Awaitable[None] | None]
LegFrameHandler = Callable[[CallSession, VideoFrame], None]
LegAudioHandler = Callable[[CallSession, AudioFrame], None]


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
        config_for_leg: Callable[[p.CallInfo], Awaitable[CallConfig]] | None = None,
        on_leg_message: LegMessageHandler | None = None,
        on_leg_video_frame: LegFrameHandler | None = None,
        media_hub: MediaHub | None = None,
        on_audio_frame: AudioHandler | None = None,
        on_leg_audio_frame: LegAudioHandler | None = None,
    ) -> None:
        """``on_message``, ``on_video_frame`` and ``on_audio_frame`` get the main leg
        (``session``); the other legs' data-channel messages go to ``on_leg_message`` when
        given (else to ``on_message``), and every leg's frames to ``on_leg_video_frame`` and
        ``on_leg_audio_frame`` (a guest's two legs are two voices: play each).
        ``config_for_leg`` chooses a leg's media (default: ``config_for_call``).
        ``media_hub``: where every leg's sources come from when its config names no hub
        (default: the app's shared hub).
        ``on_ended`` gets the ``call.ended`` of every leg: the visit is over only when
        ``message.call_id == agent.call.call_id`` and the reason is not ``transferred``."""
        self.config_for_call = config_for_call
        self.config_for_leg = config_for_leg
        self.on_message = on_message
        self.on_call = on_call
        self.on_state = on_state
        self.on_ended = on_ended
        self.on_video_frame = on_video_frame
        self.on_leg_message = on_leg_message
        self.on_leg_video_frame = on_leg_video_frame
        self.on_audio_frame = on_audio_frame
        self.on_leg_audio_frame = on_leg_audio_frame
        self.media_hub = media_hub
        self.signaling: SignalingClient | None = None
        #: the main leg (for an invited guest: their leg with the kiosk)
        self.session: CallSession | None = None
        self.call: p.CallInfo | None = None
        #: every leg this side is a party of, by call id
        self.sessions: dict[str, CallSession] = {}
        self.calls: dict[str, p.CallInfo] = {}
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()

    def attach(self, signaling: SignalingClient) -> None:
        self.signaling = signaling

    async def handle(self, message: p.ServerMessage) -> None:
        """Feed every server message here (from the signaling client's handler)."""
        if isinstance(message, p.Welcome):
            current = [c for c in (message.call, *message.legs) if c is not None]
            known = {c.call_id for c in current}
            for call_id in list(self.sessions):
                if call_id not in known:
                    # the server no longer knows this leg (it ended while we were away)
                    await self._end_leg(call_id, "call no longer exists")
            for call in current:
                await self._ensure(call, resumed=True)
        elif isinstance(message, p.CallStarted):
            await self._ensure(message.call, resumed=False)
        elif isinstance(message, p.Sdp):
            target = self.sessions.get(message.call_id)
            if target is not None:
                await target.handle_sdp(message)
        elif isinstance(message, p.PeerPresence):
            session = self.sessions.get(message.call_id)
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
            if message.call_id in self.sessions:
                await self._end_leg(message.call_id, str(message.reason))
            if self.on_ended is not None:
                result = self.on_ended(message)
                if result is not None:
                    await result

    async def _peer_back_later(self, session: CallSession) -> None:
        await asyncio.sleep(2 * session.config.silence_s)
        current = self.sessions.get(session.call_id) is session
        if current and session.state == CallState.RECONNECTING:
            await session.renegotiate("peer back")

    def _is_primary(self, call: p.CallInfo) -> bool:
        if call.leg == "main":
            return True
        # a guest's own call is the resident's: their leg with the kiosk stands for it
        in_main = any(c.leg == "main" for c in self.calls.values())
        return call.peer_role == "kiosk" and not in_main

    async def _ensure(self, call: p.CallInfo, *, resumed: bool) -> None:
        async with self._lock:
            existing = self.sessions.get(call.call_id)
            if existing is not None:
                if resumed and call.you_offer and existing.state != CallState.CONNECTED:
                    await existing.renegotiate("signaling resumed")
                return
            primary = self._is_primary(call)
            if call.leg == "main":
                # a new main call replaces an old one the server forgot to end, and its legs
                for old in [c.call_id for c in self.calls.values() if c.leg == "main"]:
                    await self._end_leg(old, "replaced by another call")
            if self.config_for_leg is not None and call.leg != "main":
                config = await self.config_for_leg(call)
            else:
                config = await self.config_for_call()
            if config.media_hub is None and self.media_hub is not None:
                config = dataclasses.replace(config, media_hub=self.media_hub)
            session = CallSession(
                call_id=call.call_id,
                offerer=call.you_offer,
                send_sdp=self._send_sdp,
                config=config,
                on_message=self._message_handler(call.call_id, primary),
                on_state=self._state_handler(call.call_id),
                on_video_frame=self._frame_handler(call.call_id, primary),
                on_audio_frame=self._audio_handler(call.call_id, primary),
            )
            self.sessions[call.call_id] = session
            self.calls[call.call_id] = call
            if primary:
                self.session = session
                self.call = call
            await session.start()
        if self.on_call is not None:
            result = self.on_call(session)
            if result is not None:
                await result

    async def _send_sdp(self, message: p.Sdp) -> None:
        if self.signaling is None:
            raise ConnectionError("no signaling client attached")
        await self.signaling.send(message)

    def _message_handler(self, call_id: str, primary: bool) -> MessageHandler:
        if primary or self.on_leg_message is None:
            return self.on_message
        on_leg_message = self.on_leg_message

        def deliver(message: m.CallMessage) -> Awaitable[None] | None:
            session = self.sessions.get(call_id)
            return on_leg_message(session, message) if session is not None else None

        return deliver

    def _frame_handler(self, call_id: str, primary: bool) -> FrameHandler | None:
        return self._fan_out(call_id, self.on_video_frame if primary else None,
                             self.on_leg_video_frame)

    def _audio_handler(self, call_id: str, primary: bool) -> AudioHandler | None:
        return self._fan_out(call_id, self.on_audio_frame if primary else None,
                             self.on_leg_audio_frame)

    def _fan_out(
        self,
        call_id: str,
        main: Callable[[Any], None] | None,
        every: Callable[[CallSession, Any], None] | None,
    ) -> Callable[[Any], None] | None:
        """A leg's media frames to the main-leg handler (``main``) and the every-leg one."""
        if every is None:
            return main

        def deliver(frame: Any) -> None:
            if main is not None:
                main(frame)
            session = self.sessions.get(call_id)
            if session is not None:
                every(session, frame)

        return deliver

    def _state_handler(self, call_id: str) -> Callable[[CallState, str], Awaitable[None]]:
        async def changed(state: CallState, why: str) -> None:
            session = self.sessions.get(call_id)
            if self.on_state is not None and session is not None:
                result = self.on_state(session, state, why)
                if result is not None:
                    await result

        return changed

    async def _end_leg(self, call_id: str, reason: str) -> None:
        """End one leg; ending the main leg ends the guest legs that belong to it."""
        call = self.calls.get(call_id)
        doomed = [call_id]
        if call is not None and call.leg == "main":
            doomed += [c.call_id for c in self.calls.values() if c.parent_call_id == call_id]
        for leg_id in doomed:
            session = self.sessions.pop(leg_id, None)
            self.calls.pop(leg_id, None)
            if session is None:
                continue
            if session is self.session:
                self.session = None  # ``call`` stays: the last call's details
            with contextlib.suppress(Exception):
                await session.close(reason)

    async def _end(self, reason: str) -> None:
        for call_id in list(self.sessions):
            await self._end_leg(call_id, reason)

    async def close(self) -> None:
        await self._end("closed")
