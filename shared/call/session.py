"""One side of a call: the WebRTC peer connection, its media and its data channel, and the
recovery that keeps the call alive across network trouble. The kiosk and the console use the
same class; the kiosk offers, the console answers.

Recovery (aiortc has no ICE restart): a short outage heals by itself (the same connection
carries media again as soon as packets flow), and the session only reports
``reconnecting`` while no video arrives. When the connection fails for good (ICE consent lost,
or the other side restarted), the offerer negotiates a fresh connection through the server
with a higher ``generation``; data-channel messages not yet acknowledged are sent again on it,
and the receiver drops what it already had.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import random
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from aioice import stun
from aioice.turn import create_turn_endpoint
from aiortc import (
    RTCConfiguration,
    RTCDataChannel,
    RTCIceServer,
    RTCPeerConnection,
    RTCRtpSender,
    RTCSessionDescription,
)
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.rtcconfiguration import RTCIceTransportPolicy
from aiortc.rtcicetransport import parse_stun_turn_uri
from av import AudioFrame, VideoFrame

from shared import protocol as p
from shared.call import jitter, vp8
from shared.call import messages as m
from shared.call.ice import (
    IcePolicy,
    apply_allowed_networks,
    apply_host_addresses,
    filter_candidates,
)
from shared.call.media import (
    TIME_BITS,
    ConnectionTrack,
    MediaConfig,
    MediaHub,
    MediaLease,
    decode_time_code,
    shared_media_hub,
)
from shared.identity import mask_id_numbers

log = logging.getLogger(__name__)

CHANNEL_LABEL = "vwindow"


class CallState(enum.StrEnum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    ENDED = "ended"


@dataclass(frozen=True)
class IceServer:
    urls: tuple[str, ...]
    username: str | None = None
    credential: str | None = None

    @classmethod
    def from_api(cls, entries: list[dict[str, Any]]) -> list[IceServer]:
        """The ``ice_servers`` list of ``GET /api/v1/turn``."""
        return [cls(tuple(e["urls"]), e.get("username"), e.get("credential")) for e in entries]


@dataclass(frozen=True)
class CallConfig:
    media: MediaConfig = field(default_factory=MediaConfig)
    ice_servers: tuple[IceServer, ...] = ()
    relay_only: bool = False
    ice_policy: IcePolicy = field(default_factory=IcePolicy)
    #: no remote video for this long: tell the person "reconnecting"
    silence_s: float = 1.5
    #: how often a failed offerer retries a fresh connection: the first retry at once, then
    #: waits that double from this (with jitter) up to ``max_retry_s`` while none connects
    retry_s: float = 1.0
    max_retry_s: float = 15.0
    #: where the session's camera, microphone or synthetic sources come from; None: the
    #: app's shared hub, so that every leg of a call sends from one opened device
    media_hub: MediaHub | None = field(default=None, compare=False)


@dataclass
class CallStats:
    started_at: float = field(default_factory=time.monotonic)
    connected_at: float | None = None
    first_video_at: float | None = None
    first_audio_at: float | None = None
    last_video_at: float | None = None
    video_frames: int = 0
    audio_frames: int = 0
    latency_ms: list[float] = field(default_factory=list)
    generations: int = 0
    reconnects: int = 0


SendSdp = Callable[[p.Sdp], Awaitable[None]]
MessageHandler = Callable[[m.CallMessage], Awaitable[None] | None]
StateHandler = Callable[[CallState, str], Awaitable[None] | None]
FrameHandler = Callable[[VideoFrame], None]
AudioHandler = Callable[[AudioFrame], None]


class CallSession:
    def __init__(
        self,
        *,
        call_id: str,
        offerer: bool,
        send_sdp: SendSdp,
        config: CallConfig,
        on_message: MessageHandler,
        on_state: StateHandler | None = None,
        on_video_frame: FrameHandler | None = None,
        on_audio_frame: AudioHandler | None = None,
    ) -> None:
        """``on_video_frame`` and ``on_audio_frame`` get every decoded frame from the other
        side (audio: what aiortc's Opus decoder gives, s16 stereo 48 kHz, 20 ms each), on
        the loop's thread; they must not block."""
        self.call_id = call_id
        self.offerer = offerer
        self.config = config
        self._send_sdp = send_sdp
        self._on_message = on_message
        self._on_state = on_state
        self._on_video_frame = on_video_frame
        self._on_audio_frame = on_audio_frame
        self._audio_hook_failed = False
        self.instance = secrets.token_hex(6)
        self.state = CallState.CONNECTING
        self.end_reason = ""
        #: why the call cannot connect (e.g. TURN refused the credentials), if known
        self.last_error: str | None = None
        self.stats = CallStats()
        self.media: MediaLease | None = None
        self._pc: RTCPeerConnection | None = None
        self._channel: RTCDataChannel | None = None
        self._generation = 0
        self._remote_instance = ""
        self._next_seq = 1
        self._unacked: OrderedDict[int, str] = OrderedDict()
        self._received_upto = 0
        self._tasks: set[asyncio.Task[Any]] = set()
        self._restart_lock = asyncio.Lock()
        self._watchdog: asyncio.Task[None] | None = None
        self._first_frame = asyncio.Event()
        self._channel_open = asyncio.Event()
        self._closing: asyncio.Future[None] | None = None
        #: offers made since media last flowed: what paces the next one
        self._unconnected_offers = 0
        self._last_offer_at = 0.0
        self._offer_waiting = False

    # --- Life cycle -------------------------------------------------------------------------

    async def start(self) -> None:
        vp8.install()
        jitter.install()
        apply_host_addresses(self.config.ice_policy.host_addresses)
        apply_allowed_networks(self.config.ice_policy.allowed_networks)
        hub = self.config.media_hub if self.config.media_hub is not None else shared_media_hub()
        media = await hub.acquire(self.config.media)
        if self.state == CallState.ENDED:
            media.stop()  # closed while the devices were opening
            return
        self.media = media
        self._watchdog = asyncio.get_running_loop().create_task(self._watch_media())
        if self.offerer:
            await self.renegotiate("start")

    async def renegotiate(self, why: str) -> None:
        """Offerer: replace the peer connection with a fresh one (first call, failure, or
        the other side came back after a restart).

        Offers that do not lead to media are paced (see :func:`retry_delay`), and a request
        that comes while one is waiting joins it: whatever fails, and however often, a call
        never renegotiates in a loop."""
        if not self.offerer or self.state == CallState.ENDED or self._offer_waiting:
            return
        self._offer_waiting = True
        try:
            async with self._restart_lock:
                delay = retry_delay(
                    self._unconnected_offers, self.config.retry_s, self.config.max_retry_s
                )
                wait = self._last_offer_at + delay - time.monotonic()
                if wait > 0:
                    log.info("call %s: next offer in %.1f s (%s)", self.call_id, wait, why)
                    await asyncio.sleep(wait)
                if self.ended:
                    return
                self._offer_waiting = False
                await self._offer(why)
        finally:
            self._offer_waiting = False

    async def _offer(self, why: str) -> None:
        if self._generation:
            self.stats.reconnects += 1
            await self._set_state(CallState.RECONNECTING, why)
        self._generation = max(self._generation + 1, int(time.time() * 1000))
        self._unconnected_offers += 1
        self._last_offer_at = time.monotonic()
        pc = await self._new_pc()
        self._channel = pc.createDataChannel(CHANNEL_LABEL, ordered=True)
        self._wire_channel(self._channel)
        offer = await pc.createOffer()
        await pc.setLocalDescription(offer)
        await self._check_candidates(pc)
        await self._send_sdp_retrying(pc, "offer")

    async def handle_sdp(self, message: p.Sdp) -> None:
        """An offer or answer relayed by the server."""
        if self.state == CallState.ENDED:
            return
        sdp = filter_candidates(message.sdp, self.config.ice_policy.allowed_networks)
        if "a=candidate:" in message.sdp and "a=candidate:" not in sdp:
            # the two sides' ICE policies disagree: no connection can come of this
            log.warning(
                "call %s: none of the other side's ICE candidates is in %s",
                self.call_id,
                ", ".join(self.config.ice_policy.allowed_networks),
            )
        if message.instance and message.instance != self._remote_instance:
            # the other side is a new session (its app restarted): its numbering starts over
            self._remote_instance = message.instance
            self._received_upto = 0
        if message.sdp_type == "offer":
            if self.offerer or message.generation <= self._generation:
                return
            async with self._restart_lock:
                if self._generation:
                    self.stats.reconnects += 1
                self._generation = message.generation
                pc = await self._new_pc()
                await pc.setRemoteDescription(RTCSessionDescription(sdp, "offer"))
                answer = await pc.createAnswer()
                await pc.setLocalDescription(answer)
                await self._check_candidates(pc)
                await self._send_sdp_retrying(pc, "answer")
        elif self.offerer and message.generation == self._generation and self._pc is not None:
            await self._pc.setRemoteDescription(RTCSessionDescription(sdp, "answer"))

    async def close(self, reason: str = "hangup") -> None:
        """End the call. Shielded, and once: a caller cancelled half-way (an app closing
        while the call ends) must not leave the connection half shut, since aiortc's
        decoder threads then run on and the process can never exit."""
        if self._closing is None:
            self._closing = asyncio.ensure_future(self._close(reason))
        await asyncio.shield(self._closing)

    async def _close(self, reason: str) -> None:
        self.end_reason = reason
        try:
            await self._set_state(CallState.ENDED, reason)
        finally:
            if self._watchdog is not None:
                self._watchdog.cancel()
            for task in list(self._tasks):
                task.cancel()
            if self._pc is not None:
                pc, self._pc = self._pc, None
                await _close_pc(pc, self.call_id)
            if self.media is not None:
                self.media.stop()

    @property
    def ended(self) -> bool:
        return self.state == CallState.ENDED

    async def wait_media(self, timeout: float = 10.0) -> None:
        """Until the first remote video frame (the call is really up)."""
        await asyncio.wait_for(self._first_frame.wait(), timeout)

    async def wait_channel(self, timeout: float = 10.0) -> None:
        await asyncio.wait_for(self._channel_open.wait(), timeout)

    # --- Data channel -----------------------------------------------------------------------

    async def send(self, message: m.ChannelMessage) -> None:
        """Send reliably: kept until acknowledged, and sent again on a fresh connection."""
        message.seq = self._next_seq
        self._next_seq += 1
        text = m.encode_call(message)
        size = len(text.encode())
        if size > m.MAX_CHANNEL_MESSAGE:
            raise ValueError(f"message of {size} bytes over {m.MAX_CHANNEL_MESSAGE}")
        self._unacked[message.seq] = text
        channel = self._channel
        if channel is not None and channel.readyState == "open":
            channel.send(text)
            await self._drain(channel)

    @property
    def unacked(self) -> int:
        return len(self._unacked)

    async def _drain(self, channel: RTCDataChannel) -> None:
        # SCTP buffers without limit; keep a page transfer from queueing megabytes at once
        while channel.bufferedAmount > 1024 * 1024 and channel.readyState == "open":  # noqa: ASYNC110
            await asyncio.sleep(0.005)

    def _wire_channel(self, channel: RTCDataChannel) -> None:
        @channel.on("open")
        def on_open() -> None:
            self._channel_open.set()
            for text in self._unacked.values():
                channel.send(text)

        @channel.on("message")
        def on_message(data: str | bytes) -> None:
            self._spawn(self._receive(channel, data))

        if channel.readyState == "open":
            on_open()

    async def _receive(self, channel: RTCDataChannel, data: str | bytes) -> None:
        try:
            message = m.decode_call(data)
        except m.ChannelProtocolError as exc:
            log.warning("call %s: refused a data-channel message: %s", self.call_id, exc.reason)
            if channel.readyState == "open":
                channel.send(m.encode_call(exc.to_message()))
            return
        if isinstance(message, m.Ack):
            for seq in [s for s in self._unacked if s <= message.upto]:
                del self._unacked[seq]
            return
        if message.seq and message.seq <= self._received_upto:
            self._ack(channel)  # a resend after reconnecting: already delivered
            return
        if message.seq:
            self._received_upto = message.seq
            self._ack(channel)
        log.debug("call %s got %s", self.call_id, mask_id_numbers(repr(message))[:200])
        try:
            result = self._on_message(message)
            if result is not None:
                await result
        except Exception:
            log.exception("call %s: handler failed on %s", self.call_id, type(message).__name__)

    def _ack(self, channel: RTCDataChannel) -> None:
        if channel.readyState == "open":
            channel.send(m.encode_call(m.Ack(upto=self._received_upto)))

    # --- Peer connection --------------------------------------------------------------------

    async def _new_pc(self) -> RTCPeerConnection:
        if self._pc is not None:
            old, self._pc = self._pc, None
            await _close_pc(old, self.call_id)
        self._channel_open.clear()
        config = RTCConfiguration(
            iceServers=[
                RTCIceServer(list(s.urls), s.username, s.credential)
                for s in self.config.ice_servers
            ],
            iceTransportPolicy=(
                RTCIceTransportPolicy.RELAY if self.config.relay_only else RTCIceTransportPolicy.ALL
            ),
        )
        pc = RTCPeerConnection(configuration=config)
        self._pc = pc
        self.stats.generations += 1
        assert self.media is not None
        for kind, track in (("audio", self.media.audio), ("video", self.media.video)):
            transceiver = pc.addTransceiver(kind, direction="sendrecv")
            if track is not None:
                transceiver.sender.replaceTrack(ConnectionTrack(track))
            if kind == "video":
                capabilities = RTCRtpSender.getCapabilities("video")
                vp8 = [c for c in capabilities.codecs if c.mimeType in ("video/VP8", "video/rtx")]
                transceiver.setCodecPreferences(vp8)

        @pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            self._spawn(self._consume(track, pc))

        @pc.on("datachannel")
        def on_datachannel(channel: RTCDataChannel) -> None:
            if channel.label == CHANNEL_LABEL:
                self._channel = channel
                self._wire_channel(channel)

        @pc.on("connectionstatechange")
        async def on_state() -> None:
            await self._connection_changed(pc)

        return pc

    async def _connection_changed(self, pc: RTCPeerConnection) -> None:
        if pc is not self._pc or self.state == CallState.ENDED:
            return
        state = pc.connectionState
        log.info("call %s: connection %s (generation %d)", self.call_id, state, self._generation)
        if state == "connected":
            if self.stats.connected_at is None:
                self.stats.connected_at = time.monotonic()
        elif state in ("failed", "closed"):
            # aiortc ends a connection whose ICE consent expired as "closed" (its DTLS
            # transport closes and the peer connection shuts itself down), not "failed"; our
            # own closes never get here (that connection is no longer current)
            await self._set_state(CallState.RECONNECTING, f"connection {state}")
            if self.offerer:
                self._spawn(self.renegotiate(f"connection {state}"))

    async def _check_candidates(self, pc: RTCPeerConnection) -> None:
        """Gathering found nothing to offer, so nobody can reach this side: say why (the
        app shows it, and can fetch fresh TURN credentials) instead of 'connecting'."""
        if "a=candidate:" in pc.localDescription.sdp:
            return
        why = "no ICE candidates gathered"
        for server in self.config.ice_servers:
            turn = [u for u in server.urls if u.startswith("turn")]
            if turn and server.username:
                why = await probe_turn(turn[0], server.username, server.credential or "")
                break
        self.last_error = why
        await self._set_state(CallState.RECONNECTING, why)

    async def _send_sdp_retrying(self, pc: RTCPeerConnection, kind: str) -> None:
        """Signaling may itself be reconnecting: keep trying while this connection is the
        current one."""
        description = pc.localDescription
        message = p.Sdp(
            call_id=self.call_id,
            sdp_type="offer" if kind == "offer" else "answer",
            sdp=description.sdp,
            generation=self._generation,
            instance=self.instance,
        )
        while pc is self._pc and self.state != CallState.ENDED:
            try:
                await self._send_sdp(message)
                return
            except ConnectionError as exc:
                log.info("call %s: cannot send %s yet (%s)", self.call_id, kind, exc)
                await asyncio.sleep(self.config.retry_s)

    async def _consume(self, track: MediaStreamTrack, pc: RTCPeerConnection) -> None:
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            now = time.monotonic()
            if track.kind == "audio":
                self.stats.audio_frames += 1
                if self.stats.first_audio_at is None:
                    self.stats.first_audio_at = now
                if self._on_audio_frame is not None:
                    assert isinstance(frame, AudioFrame)
                    self._deliver_audio(self._on_audio_frame, frame)
                continue
            self.stats.video_frames += 1
            self.stats.last_video_at = now
            if self.stats.first_video_at is None:
                self.stats.first_video_at = now
                self._first_frame.set()
            if self.state != CallState.CONNECTED and pc is self._pc:
                self._unconnected_offers = 0
                await self._set_state(CallState.CONNECTED, "media flowing")
            assert isinstance(frame, VideoFrame)
            latency = _latency_ms(frame)
            if latency is not None:
                self.stats.latency_ms.append(latency)
                if len(self.stats.latency_ms) > 10_000:
                    del self.stats.latency_ms[:5_000]
            if self._on_video_frame is not None:
                self._on_video_frame(frame)

    def _deliver_audio(self, hook: AudioHandler, frame: AudioFrame) -> None:
        # a failing player must not stop the counting (and the video) of this track; said
        # once, since it would fail again 50 times a second
        try:
            hook(frame)
        except Exception:
            if not self._audio_hook_failed:
                self._audio_hook_failed = True
                log.exception("call %s: the audio handler failed", self.call_id)

    async def _watch_media(self) -> None:
        while True:
            await asyncio.sleep(self.config.silence_s / 3)
            last = self.stats.last_video_at
            if (
                self.state == CallState.CONNECTED
                and last is not None
                and time.monotonic() - last > self.config.silence_s
            ):
                await self._set_state(CallState.RECONNECTING, "no media")

    async def _set_state(self, state: CallState, why: str) -> None:
        if state == self.state:
            return
        self.state = state
        log.info("call %s: %s (%s)", self.call_id, state, why)
        if self._on_state is not None:
            result = self._on_state(state, why)
            if result is not None:
                await result

    def _spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


#: how long closing one peer connection may take before the session goes on without it
PC_CLOSE_S = 5.0


async def _close_pc(pc: RTCPeerConnection, call_id: str) -> None:
    """Close ``pc``, but never wait for it for good: aiortc's ``close`` waits on the first
    close call's completion, which never comes when that call was cancelled half-way (an
    app closing while the connection shuts itself down), and a hung close would hang the
    app's exit or logout with it."""
    try:
        await asyncio.wait_for(pc.close(), PC_CLOSE_S)
    except TimeoutError:
        log.warning("call %s: a peer connection did not close within %.0f s", call_id, PC_CLOSE_S)
        # at least its receivers: each holds a decoder thread that would keep the process
        for transceiver in pc.getTransceivers():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(transceiver.receiver.stop(), 2)


def retry_delay(unconnected_offers: int, base_s: float, cap_s: float) -> float:
    """How long after the last offer the next may go, when ``unconnected_offers`` offers
    have been made since media last flowed: none for the first call and the first retry (the
    other side may just have restarted), then ``base_s`` doubling up to ``cap_s``, each
    jittered down by up to half so that kiosks failing together do not retry together."""
    if unconnected_offers < 2:
        return 0.0
    ceiling = min(cap_s, base_s * 2 ** (unconnected_offers - 2))
    return random.uniform(ceiling / 2, ceiling)


async def probe_turn(url: str, username: str, password: str) -> str:
    """Why a TURN server gave no relay candidate, in words (aioice drops the error)."""
    parsed = parse_stun_turn_uri(url)
    try:
        transport, _ = await asyncio.wait_for(
            create_turn_endpoint(
                asyncio.DatagramProtocol,
                server_addr=(parsed["host"], parsed["port"]),
                username=username,
                password=password,
                transport=parsed["transport"],
            ),
            5,
        )
    except stun.TransactionFailed as exc:
        code, reason = exc.response.attributes["ERROR-CODE"]
        return f"TURN {url} refused the credentials: {code} {reason}"
    except (stun.TransactionTimeout, TimeoutError, OSError) as exc:
        return f"TURN {url} does not answer ({exc or type(exc).__name__})"
    transport.close()
    return f"TURN {url} allocates, yet no relay candidate was gathered"


def _latency_ms(frame: VideoFrame) -> float | None:
    """Read the synthetic source's timestamp from the top rows of the luma plane only."""
    if frame.format.name != "yuv420p":
        return None
    plane = frame.planes[0]
    rows = np.frombuffer(memoryview(plane), np.uint8).reshape(-1, plane.line_size)[
        :16, : frame.width
    ]
    sent = decode_time_code(rows)
    if sent is None:
        return None
    now = int(time.time() * 1000) & ((1 << TIME_BITS) - 1)
    return float(now - sent)
