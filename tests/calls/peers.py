"""The real headless kiosk and console, made steerable for tests: they record what arrives on
the data channel and every call state, and the console stays in the call until told to hang
up (instead of playing a whole scripted visit). Used in-process and by ``peer_process``, which
runs one of them in a child process (e.g. inside a network namespace)."""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass
from typing import Any

from center.headless import ConsoleOptions, HeadlessConsole
from kiosk.headless import HeadlessKiosk, KioskOptions
from shared import protocol as p
from shared.call import messages as m
from shared.call.session import CallSession, CallState
from shared.transcript import Transcript


@dataclass(frozen=True)
class Received:
    """One data-channel message as the app saw it."""

    type: str
    seq: int
    text: str
    at: float


def describe(message: m.CallMessage) -> Received:
    tag = type(message).__struct_config__.tag
    text = ""
    if isinstance(message, m.Say):
        text = message.text
    elif isinstance(message, m.PageAnnounced | m.PageReceived):
        text = message.page_id
    elif isinstance(message, m.ChannelError):
        text = str(message.code)
    return Received(str(tag), message.seq, text, time.monotonic())


class _Recording:
    """What both steerable sides record."""

    messages: list[Received]
    states: list[tuple[float, str, str]]

    def said(self) -> list[str]:
        return [r.text for r in self.messages if r.type == "say"]


class ControlledConsole(HeadlessConsole, _Recording):
    """The headless console, staying in the call until ``finish`` is set; then it hangs up
    (or, with ``hang_up=False``, just leaves)."""

    def __init__(self, options: ConsoleOptions, transcript: Transcript | None = None) -> None:
        super().__init__(options, transcript)
        self.messages = []
        self.states = []
        self.in_call = asyncio.Event()
        self.finish = asyncio.Event()
        self.hang_up = True
        self.ended: p.CallEnded | None = None
        self.agent.on_ended = self._ended

    @property
    def session(self) -> CallSession:
        session = self.agent.session
        assert session is not None, "the console has no call"
        return session

    async def _session(self) -> dict[str, Any]:
        assert self.signaling is not None
        welcome = await self.signaling.wait_connected()
        if welcome.call is None:
            await self.signaling.send(p.SetClerkState(state="available"))
        await self.call_started.wait()
        # as every console does at answer (idempotent: a restarted console gets the same
        # case); the card and page reviews wait for it
        assert self.records is not None
        case = await self.records.open_case(self.session.call_id)
        self.case_number = case["case_number"]
        self.case_ready.set()
        await self.session.wait_media(timeout=30)
        self.media_at = time.perf_counter()
        self.in_call.set()
        await self.finish.wait()
        session = self.agent.session
        if self.hang_up and session is not None:
            await self.signaling.send(
                p.Hangup(call_id=session.call_id, reason="done", outcome="accepted")
            )
        return {"pages": len(self.pages)}

    async def _on_call_message(self, message: m.CallMessage) -> None:
        self.messages.append(describe(message))
        await super()._on_call_message(message)

    async def _on_call_state(self, session: CallSession, state: CallState, why: str) -> None:
        self.states.append((time.monotonic(), str(state), why))
        await super()._on_call_state(session, state, why)

    def _ended(self, message: p.CallEnded) -> None:
        self.ended = message


class ControlledKiosk(HeadlessKiosk, _Recording):
    """The headless kiosk (joins the queue, sends the card and ``options.pages`` pages, answers
    the clerk's requests), recording what it gets; ``send_page`` sends one more page by either
    path."""

    def __init__(self, options: KioskOptions, transcript: Transcript | None = None) -> None:
        super().__init__(options, transcript)
        self.messages = []
        self.states = []

    @property
    def session(self) -> CallSession:
        session = self.agent.session
        assert session is not None, "the kiosk has no call"
        return session

    async def send_page(self, path: str, label: str) -> None:
        """Scan and send one more page (``path`` "upload" or "channel"); the console knows it
        by ``label``. Pages may be sent concurrently."""
        session = self.session
        page = await self._scan(label, 1)
        # _send_page reads the path before its first await, so setting it just before the
        # call holds even with other sends under way; the visit's own pages go by upload
        self.options.page_path = path
        try:
            await self._send_page(session, page)
        finally:
            self.options.page_path = "upload"

    async def _on_call_message(self, message: m.CallMessage) -> None:
        self.messages.append(describe(message))
        await super()._on_call_message(message)

    async def _on_call_state(self, session: CallSession, state: CallState, why: str) -> None:
        self.states.append((time.monotonic(), str(state), why))
        await super()._on_call_state(session, state, why)


def full_chunk_message_bytes(chunk_bytes: int) -> int:
    """The size of the data-channel message that carries a full page chunk."""
    probe = m.PageChunk(
        page_id="pg-" + "0" * 12,
        offset=10**12,
        data="A" * (4 * math.ceil(chunk_bytes / 3)),
        last=False,
        seq=10**9,
    )
    return len(m.encode_call(probe))


def session_stats(session: CallSession | None) -> dict[str, Any]:
    if session is None:
        return {"state": "none"}
    stats = session.stats
    return {
        "call_id": session.call_id,
        "state": str(session.state),
        "video_frames": stats.video_frames,
        "audio_frames": stats.audio_frames,
        "latency_samples": len(stats.latency_ms),
        "last_video_age": (
            time.monotonic() - stats.last_video_at if stats.last_video_at is not None else None
        ),
        "reconnects": stats.reconnects,
        "generations": stats.generations,
        "unacked": session.unacked,
    }
