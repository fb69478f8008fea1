"""Two CallSessions wired to each other directly (each one's ``send_sdp`` hands the SDP to the
other's ``handle_sdp``, as the server would), on loopback: media, the reliable data channel,
refusals of bad messages, and scanned pages over the channel received by the real console
handler."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import aiortc.rtcrtpreceiver
import pytest
from aiortc.rtp import RtpPacket

from center.headless import ConsoleOptions, HeadlessConsole
from shared import protocol as p
from shared.call import messages as m
from shared.call.channel_pages import MAX_PAGE_BYTES, PageAssembler, send_page_over_channel
from shared.call.ice import IcePolicy
from shared.call.media import MediaConfig
from shared.call.session import CallConfig, CallSession, CallState
from shared.transcript import Transcript
from tests.calls.conftest import eventually
from tests.calls.peers import full_chunk_message_bytes

CONFIG = CallConfig(
    media=MediaConfig(width=320, height=240, fps=15), ice_policy=IcePolicy.loopback()
)
Code = m.ChannelErrorCode


class Wire:
    """Carries SDP from one session to the other like the server does (asynchronously);
    ``hold()`` keeps it until ``release()``."""

    def __init__(self) -> None:
        self.target: CallSession | None = None
        self.held: list[p.Sdp] = []
        self.holding = False
        self.tasks: set[asyncio.Task[None]] = set()

    async def send(self, message: p.Sdp) -> None:
        if self.holding:
            self.held.append(message)
        else:
            self._deliver(message)

    def _deliver(self, message: p.Sdp) -> None:
        assert self.target is not None
        task = asyncio.ensure_future(self.target.handle_sdp(message))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def release(self) -> None:
        self.holding = False
        for message in self.held:
            self._deliver(message)
        self.held.clear()


@dataclass
class Pair:
    """``kiosk`` offers, ``console`` answers; what each app got is in ``got_*``."""

    kiosk: CallSession
    console: CallSession
    to_console: Wire
    to_kiosk: Wire
    got_kiosk: list[m.CallMessage] = field(default_factory=list)
    got_console: list[m.CallMessage] = field(default_factory=list)

    def said(self, side: str) -> list[str]:
        got = self.got_kiosk if side == "kiosk" else self.got_console
        return [x.text for x in got if isinstance(x, m.Say)]

    def errors(self, side: str) -> list[m.ChannelError]:
        got = self.got_kiosk if side == "kiosk" else self.got_console
        return [x for x in got if isinstance(x, m.ChannelError)]

    async def start(self, *, hold: bool = False) -> None:
        self.to_console.holding = self.to_kiosk.holding = hold
        await self.console.start()
        await self.kiosk.start()

    async def connected(self) -> None:
        await self.kiosk.wait_channel()
        await self.console.wait_channel()


@pytest.fixture
async def make_pair() -> AsyncIterator[Callable[..., Pair]]:
    pairs: list[Pair] = []

    def make(console_handler: Callable[[m.CallMessage], Any] | None = None) -> Pair:
        to_console, to_kiosk = Wire(), Wire()
        got_kiosk: list[m.CallMessage] = []
        got_console: list[m.CallMessage] = []

        def on_console(message: m.CallMessage) -> Any:
            got_console.append(message)
            return console_handler(message) if console_handler is not None else None

        kiosk = CallSession(
            call_id="call-test",
            offerer=True,
            send_sdp=to_console.send,
            config=CONFIG,
            on_message=got_kiosk.append,
        )
        console = CallSession(
            call_id="call-test",
            offerer=False,
            send_sdp=to_kiosk.send,
            config=CONFIG,
            on_message=on_console,
        )
        to_console.target, to_kiosk.target = console, kiosk
        pair = Pair(kiosk, console, to_console, to_kiosk, got_kiosk, got_console)
        pairs.append(pair)
        return pair

    yield make
    for pair in pairs:
        await asyncio.wait_for(pair.kiosk.close(), 10)
        await asyncio.wait_for(pair.console.close(), 10)


@pytest.fixture
async def pair(make_pair: Callable[..., Pair]) -> Pair:
    made = make_pair()
    await made.start()
    await made.connected()
    return made


def raw_send(session: CallSession, data: str | bytes) -> None:
    """Put bytes on the data channel past the session's own encoder."""
    channel = session._channel
    assert channel is not None and channel.readyState == "open"
    channel.send(data)


# --- Media ----------------------------------------------------------------------------------


async def test_media_flows_both_ways_with_latency_samples(pair: Pair) -> None:
    await pair.kiosk.wait_media()
    await pair.console.wait_media()
    await asyncio.sleep(1.0)
    for session in (pair.kiosk, pair.console):
        stats = session.stats
        assert session.state == CallState.CONNECTED
        assert stats.video_frames >= 8, stats
        assert stats.audio_frames >= 25, stats
        assert stats.latency_ms, "no timestamp could be read from the synthetic video"
        assert all(0 <= ms < 1000 for ms in stats.latency_ms), stats.latency_ms
        assert stats.connected_at is not None and stats.first_video_at is not None
        assert stats.first_video_at - stats.started_at < 3.0
        assert stats.generations == 1 and stats.reconnects == 0
    # host candidates on loopback only, as IcePolicy.loopback() asks
    pc = pair.kiosk._pc
    assert pc is not None and pc.sctp is not None
    nominated = list(pc.sctp.transport.transport._connection._nominated.values())
    assert [(n.local_candidate.type, n.local_candidate.host) for n in nominated] == [
        ("host", "127.0.0.1")
    ]


async def test_media_goes_on_both_ways_after_each_renegotiation(pair: Pair) -> None:
    """A new peer connection each time (as after a network loss): the senders of the old one
    must not take the leg's tracks down with them."""
    await pair.kiosk.wait_media()
    await pair.console.wait_media()
    for _ in range(2):
        before = (pair.kiosk.stats.video_frames, pair.console.stats.video_frames)
        await pair.kiosk.renegotiate("test")
        await eventually_frames(pair, before, more=15)
    assert pair.kiosk.stats.generations == pair.console.stats.generations == 3


async def eventually_frames(pair: Pair, before: tuple[int, int], more: int) -> None:
    deadline = asyncio.get_running_loop().time() + 15
    while (
        pair.kiosk.stats.video_frames < before[0] + more
        or pair.console.stats.video_frames < before[1] + more
    ):
        assert asyncio.get_running_loop().time() < deadline, (
            f"video stopped after renegotiating: {before} -> "
            f"{(pair.kiosk.stats.video_frames, pair.console.stats.video_frames)}"
        )
        await asyncio.sleep(0.1)


# --- Data channel ---------------------------------------------------------------------------


async def test_messages_arrive_both_ways_in_order_and_are_acknowledged(pair: Pair) -> None:
    async def talk(session: CallSession, who: str) -> None:
        for n in range(40):
            await session.send(m.Say(text=f"{who}-{n}"))

    await asyncio.gather(talk(pair.kiosk, "k"), talk(pair.console, "c"))
    await eventually(lambda: len(pair.said("console")) == 40, 5, "the kiosk's lines")
    await eventually(lambda: len(pair.said("kiosk")) == 40, 5, "the console's lines")
    assert pair.said("console") == [f"k-{n}" for n in range(40)]
    assert pair.said("kiosk") == [f"c-{n}" for n in range(40)]
    assert [x.seq for x in pair.got_console] == list(range(1, 41))
    await eventually(lambda: pair.kiosk.unacked == pair.console.unacked == 0, 5, "acks")
    card = m.CardData(card_type="resident_id", name="演示居民", id_number="11010519491231002X")
    await pair.kiosk.send(card)
    await eventually(lambda: isinstance(pair.got_console[-1], m.CardData), 5, "the card")
    assert pair.got_console[-1] == card


REFUSALS = [
    pytest.param("{not json", Code.BAD_JSON, None, id="not-json"),
    pytest.param(b"\xff\xfe\x00binary", Code.BAD_JSON, None, id="binary-garbage"),
    pytest.param("[1, 2]", Code.INVALID_MESSAGE, None, id="not-an-object"),
    pytest.param('{"type": "teleport", "v": 1, "id": "r1"}', Code.UNKNOWN_TYPE, "r1", id="type"),
    pytest.param('{"v": 1, "text": "no type"}', Code.INVALID_MESSAGE, None, id="no-type"),
    pytest.param('{"type": "say", "v": 1, "id": "r2"}', Code.INVALID_MESSAGE, "r2", id="field"),
    pytest.param(
        '{"type": "rating", "v": 1, "level": "five"}', Code.INVALID_MESSAGE, None, id="value"
    ),
    pytest.param(
        '{"type": "say", "v": 2, "text": "hi", "id": "r3"}',
        Code.UNSUPPORTED_VERSION,
        "r3",
        id="version",
    ),
    pytest.param(
        '{"type": "future.thing", "v": 9, "id": "r4"}',
        Code.UNSUPPORTED_VERSION,
        "r4",
        id="version-of-unknown-type",
    ),
    pytest.param(
        '{"type": "say", "v": 1, "text": "' + "x" * m.MAX_CHANNEL_MESSAGE + '"}',
        Code.TOO_LARGE,
        None,
        id="oversized",
    ),
]


async def test_refused_messages_get_a_channel_error_and_the_channel_keeps_working(
    pair: Pair,
) -> None:
    for n, case in enumerate(REFUSALS):
        data, code, ref = case.values
        raw_send(pair.kiosk, data)
        await eventually(lambda n=n: len(pair.errors("kiosk")) == n + 1, 5, f"{case.id}")
        error = pair.errors("kiosk")[-1]
        assert (error.code, error.ref) == (code, ref), (case.id, error)
        assert error.reason and error.seq == 0
        # the refused bytes never reached the app, and the channel still carries messages
        await pair.kiosk.send(m.Say(text=f"after {case.id}"))
        await eventually(
            lambda case=case: pair.said("console")[-1:] == [f"after {case.id}"], 5, "next line"
        )
    assert pair.said("console") == [f"after {case.id}" for case in REFUSALS]
    assert not pair.errors("console")
    # and the other way round
    raw_send(pair.console, '{"type": "nonsense", "v": 1}')
    await eventually(lambda: pair.errors("console"), 5, "the kiosk's refusal")
    assert pair.errors("console")[0].code == Code.UNKNOWN_TYPE
    await eventually(lambda: pair.kiosk.unacked == pair.console.unacked == 0, 5, "acks")


async def test_the_session_refuses_to_send_an_oversized_message(pair: Pair) -> None:
    with pytest.raises(ValueError, match="over"):
        await pair.kiosk.send(m.Say(text="x" * m.MAX_CHANNEL_MESSAGE))
    assert pair.kiosk.unacked == 0
    await pair.kiosk.send(m.Say(text="fine"))
    await eventually(lambda: pair.said("console") == ["fine"], 5, "the next line")


async def test_the_size_limit_counts_bytes_not_characters(pair: Pair) -> None:
    text = "长" * (m.MAX_CHANNEL_MESSAGE // 3 + 100)  # 64 KiB + 300 bytes in UTF-8
    assert len(text.encode()) > m.MAX_CHANNEL_MESSAGE
    with pytest.raises(m.ChannelProtocolError):
        m.decode_call(m.encode_call(m.Say(text=text)))
    with pytest.raises(ValueError, match="over"):
        await pair.kiosk.send(m.Say(text=text))


async def test_messages_sent_before_the_channel_opens_arrive_once_it_does(
    make_pair: Callable[..., Pair],
) -> None:
    pair = make_pair()
    await pair.start(hold=True)
    # the kiosk's channel exists but is not open; the console has no connection at all yet
    assert pair.kiosk._channel is not None and pair.kiosk._channel.readyState == "connecting"
    assert pair.console._channel is None
    for n in range(3):
        await pair.kiosk.send(m.Say(text=f"early k{n}"))
        await pair.console.send(m.Say(text=f"early c{n}"))
    assert pair.kiosk.unacked == pair.console.unacked == 3
    await asyncio.sleep(0.3)
    assert not pair.got_console and not pair.got_kiosk

    pair.to_console.release()
    pair.to_kiosk.release()
    await pair.connected()
    await pair.kiosk.send(m.Say(text="k3"))
    await pair.console.send(m.Say(text="c3"))
    await eventually(lambda: len(pair.said("console")) >= 4, 5, "the kiosk's lines")
    await eventually(lambda: len(pair.said("kiosk")) >= 4, 5, "the console's lines")
    await eventually(lambda: pair.kiosk.unacked == pair.console.unacked == 0, 5, "acks")
    await asyncio.sleep(0.3)  # time for any duplicate to show up
    assert pair.said("console") == ["early k0", "early k1", "early k2", "k3"]
    assert pair.said("kiosk") == ["early c0", "early c1", "early c2", "c3"]
    assert [x.seq for x in pair.got_console] == [1, 2, 3, 4]


# --- Pages over the data channel ------------------------------------------------------------


def page_bytes(size: int) -> bytes:
    return b"\xff\xd8\xff\xe0" + os.urandom(size - 4)


class ConsoleSide:
    """The real console's data-channel handler (HeadlessConsole), on the answering session."""

    def __init__(self, make_pair: Callable[..., Pair], assembler: PageAssembler) -> None:
        self.app = HeadlessConsole(
            ConsoleOptions(server_url="http://unused.invalid", username="-", password="-"),
            Transcript("console"),
        )
        self.app.assembler = assembler
        self.chunks = 0
        self.pair = make_pair(self._handle)
        self.app.agent.session = self.pair.console

    async def _handle(self, message: m.CallMessage) -> None:
        if isinstance(message, m.PageChunk):
            self.chunks += 1
        await self.app._on_call_message(message)

    @property
    def page_ids(self) -> list[str]:
        return [page.page_id for page in self.app.pages]


@pytest.fixture
async def console_side(make_pair: Callable[..., Pair]) -> ConsoleSide:
    side = ConsoleSide(make_pair, PageAssembler())
    await side.pair.start()
    await side.pair.connected()
    return side


async def send_page(session: CallSession, data: bytes, label: str = "page") -> str:
    return await send_page_over_channel(
        session,
        data,
        mime="image/jpeg",
        width=1654,
        height=2339,
        label=label,
        captured_at=time.time(),
    )


async def test_a_full_page_chunk_fits_one_message(console_side: ConsoleSide) -> None:
    """A page of several chunks goes through: a full chunk, base64 and in its JSON, fits
    MAX_CHANNEL_MESSAGE (with 48 KiB chunks it did not, and CallSession.send refused every
    page over one chunk)."""
    data = page_bytes(200_000)
    page_id = await send_page(console_side.pair.kiosk, data)
    await eventually(lambda: page_id in console_side.page_ids, 10, "the page")
    assert full_chunk_message_bytes(m.PAGE_CHUNK_BYTES) <= m.MAX_CHANNEL_MESSAGE


async def test_a_page_over_the_channel_arrives_intact(console_side: ConsoleSide) -> None:
    pair = console_side.pair
    data = page_bytes(1_500_000)
    page_id = await send_page(pair.kiosk, data, "身份证正反面")
    await eventually(lambda: page_id in console_side.page_ids, 15, "the page")
    await eventually(
        lambda: any(isinstance(x, m.PageReceived) for x in pair.got_kiosk), 5, "page.received"
    )
    received = [x for x in pair.got_kiosk if isinstance(x, m.PageReceived)]
    assert [x.page_id for x in received] == [page_id]
    announce = next(x for x in pair.got_console if isinstance(x, m.PageAnnounced))
    assert announce.sha256 == hashlib.sha256(data).hexdigest() and announce.size == len(data)
    chunks = [x for x in pair.got_console if isinstance(x, m.PageChunk)]
    assert b"".join(base64.b64decode(c.data) for c in chunks) == data
    assert [c.last for c in chunks].count(True) == 1 and chunks[-1].last
    assert console_side.app.pages[0].label == "身份证正反面" and console_side.app.pages[0].size
    assert console_side.app.assembler.pending == 0
    assert not pair.errors("kiosk")


async def test_bad_pages_are_refused_with_clear_codes(console_side: ConsoleSide) -> None:
    pair, kiosk = console_side.pair, console_side.pair.kiosk
    data = page_bytes(20_000)
    good_sha = hashlib.sha256(data).hexdigest()

    def announce(page_id: str, **changes: Any) -> m.PageAnnounced:
        fields = {"sha256": good_sha, "size": len(data), "mime": "image/jpeg"} | changes
        return m.PageAnnounced(
            page_id=page_id, width=10, height=10, path="channel", label=page_id, **fields
        )

    def chunk(page_id: str, body: bytes, offset: int = 0, last: bool = True) -> m.PageChunk:
        encoded = base64.b64encode(body).decode()
        return m.PageChunk(page_id=page_id, offset=offset, data=encoded, last=last)

    cases: list[tuple[str, list[m.ChannelMessage], Code]] = [
        (
            "pg-sum",
            [announce("pg-sum", sha256="0" * 64), chunk("pg-sum", data)],
            Code.CHECKSUM_MISMATCH,
        ),
        ("pg-big", [announce("pg-big", size=MAX_PAGE_BYTES + 1)], Code.PAGE_TOO_LARGE),
        ("pg-more", [announce("pg-more", size=10), chunk("pg-more", data)], Code.PAGE_TOO_LARGE),
        ("pg-ghost", [chunk("pg-ghost", data)], Code.INCOMPLETE),
        (
            "pg-gap",
            [
                announce("pg-gap"),
                chunk("pg-gap", data[:100], 0, False),
                chunk("pg-gap", data[200:], 200),
            ],
            Code.INCOMPLETE,
        ),
        ("pg-gif", [announce("pg-gif", mime="image/gif")], Code.UNSUPPORTED_MEDIA),
        (
            "pg-b64",
            [announce("pg-b64"), m.PageChunk(page_id="pg-b64", offset=0, data="@@@@", last=True)],
            Code.INVALID_MESSAGE,
        ),
    ]
    for page_id, messages, code in cases:
        before = len(pair.errors("kiosk"))
        for message in messages:
            await kiosk.send(message)
        await eventually(lambda before=before: len(pair.errors("kiosk")) > before, 5, page_id)
        error = pair.errors("kiosk")[-1]
        assert (error.code, error.ref) == (code, page_id), error
        assert error.reason
    # nothing half-assembled is kept, nothing was shown, and a good page still goes through
    assert console_side.app.assembler.pending == 0
    assert console_side.page_ids == []
    await kiosk.send(announce("pg-good"))
    await kiosk.send(chunk("pg-good", data))
    await eventually(lambda: console_side.page_ids == ["pg-good"], 5, "the good page")
    assert len(pair.errors("kiosk")) == len(cases)


async def test_a_sender_vanishing_mid_page_leaves_nothing_hanging(
    make_pair: Callable[..., Pair],
) -> None:
    side = ConsoleSide(make_pair, PageAssembler(stale_s=0.5))
    pair = side.pair
    await pair.start()
    await pair.connected()
    await pair.kiosk.wait_media()
    await pair.kiosk.send(m.Say(text="before"))
    first = await send_page(pair.kiosk, page_bytes(100_000), "first")
    await eventually(lambda: side.page_ids == [first], 10, "the first page")
    chunks_before = side.chunks

    sending = asyncio.ensure_future(send_page(pair.kiosk, page_bytes(4_000_000), "second"))
    await eventually(lambda: side.chunks >= chunks_before + 3, 10, "part of the second page")
    await pair.kiosk.close("crashed")
    # the sender's side does not hang either: what it could not send stays unacknowledged
    await asyncio.wait_for(sending, 5)

    console = pair.console
    await eventually(lambda: console.state == CallState.RECONNECTING, 5, "reconnecting")
    assert side.app.assembler.pending == 1
    await asyncio.sleep(0.6)
    stale = side.app.assembler.drop_stale()
    assert len(stale) == 1 and side.app.assembler.pending == 0
    # nothing else lost: the line and the first page, once each; no half page shown
    assert pair.said("console") == ["before"]
    assert side.page_ids == [first]
    await asyncio.wait_for(console.close(), 5)
    assert console.state == CallState.ENDED


# --- Video after a hole ---------------------------------------------------------------------


def vp8_packets(first_seq: int, frames: range, per_frame: int = 3) -> list[RtpPacket]:
    packets = []
    for frame in frames:
        for n in range(per_frame):
            packet = RtpPacket(
                payload_type=96,
                sequence_number=(first_seq + frame * per_frame + n) & 0xFFFF,
                timestamp=frame * 6000,
            )
            packet._data = bytes([frame & 0xFF, n])  # type: ignore[attr-defined]
            packets.append(packet)
    return packets


async def test_video_jitter_buffer_gives_up_on_a_hole_the_sender_cannot_repair(
    pair: Pair,
) -> None:
    """What a receiver of a started call reassembles video with (the fix may install its own
    buffer when the session starts, see shared/call/jitter.py in the report)."""
    buffer = aiortc.rtcrtpreceiver.JitterBuffer(capacity=512, is_video=True)
    emitted = []
    for packet in vp8_packets(100, range(10)):
        emitted.append(buffer.add(packet)[1])
    assert sum(frame is not None for frame in emitted) == 9
    # 100 frames (300 packets) lost: more than the sender keeps for retransmission
    after = vp8_packets(100, range(110, 120))
    results = [buffer.add(packet) for packet in after]
    assert any(pli for pli, _ in results), "no keyframe was asked for"
    frames = [frame for _, frame in results if frame is not None]
    assert frames and frames[0].timestamp == 110 * 6000
