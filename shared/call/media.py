"""Media sources for a call: real cameras and microphones through aiortc's MediaPlayer, and a
synthetic source for the demo and tests whose frames carry a machine-readable timestamp, so
glass-to-glass latency can be measured on the receiving side.

A side with a third party in its call sends on several legs at once, and a real camera or
microphone refuses a second open: ``MediaHub`` opens each source once (per event loop, i.e.
per app) and gives every leg its own track fed from it, shows each frame to the preview
once, and closes the device when the last leg lets go.

Timestamp code: the top band of each frame holds 48 cells, black or white in the luma plane,
40 bits of wall-clock milliseconds then an 8-bit checksum. The cells are 13×16 pixels at
640×480, large enough to survive VP8 at low bitrates.
"""

from __future__ import annotations

import asyncio
import collections
import fractions
import glob
import logging
import math
import platform
import shutil
import subprocess
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import av
import numpy as np
from aiortc import MediaStreamTrack
from aiortc.contrib.media import MediaPlayer
from aiortc.mediastreams import AudioStreamTrack, MediaStreamError, VideoStreamTrack
from av import AudioFrame, VideoFrame
from av.frame import Frame
from av.packet import Packet

log = logging.getLogger(__name__)

CODE_BITS = 48
TIME_BITS = 40
CODE_BAND = 16  # pixel rows holding the code


@dataclass(frozen=True)
class MediaConfig:
    """What a side sends. ``video_device``/``audio_device`` name a real device (e.g.
    ``/dev/video0``, ``default``, ``video=USB Camera`` on Windows); empty means synthetic."""

    video_device: str = ""
    audio_device: str = ""
    width: int = 640
    height: int = 480
    fps: int = 30
    synthetic_label: str = ""
    send_video: bool = True
    send_audio: bool = True
    #: called with every frame this side sends (the app's own small picture), once per frame
    #: however many legs send it; it runs on the event loop, so it must only hand the frame on
    on_local_frame: Callable[[VideoFrame], None] | None = None


@dataclass(frozen=True)
class Device:
    kind: str  # "video" | "audio"
    name: str
    address: str


def list_devices() -> list[Device]:
    """Cameras and microphones this machine offers (Linux: v4l2, ALSA and PulseAudio)."""
    devices: list[Device] = []
    system = platform.system()
    if system == "Linux":
        for node in sorted(glob.glob("/sys/class/video4linux/video*")):
            name_file = Path(node) / "name"
            name = name_file.read_text().strip() if name_file.exists() else Path(node).name
            devices.append(Device("video", name, f"/dev/{Path(node).name}"))
        cards = Path("/proc/asound/cards")
        if cards.exists():
            for line in cards.read_text().splitlines():
                head = line.strip().split(" ", 1)
                if head[0].isdigit() and len(head) > 1:
                    devices.append(Device("audio", head[1].strip(), f"hw:{head[0]}"))
        pactl = shutil.which("pactl")
        if pactl:
            result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
                [pactl, "list", "short", "sources"],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            )
            for line in result.stdout.splitlines():
                parts = line.split("\t")
                if len(parts) > 1:
                    devices.append(Device("audio", parts[1], f"pulse:{parts[1]}"))
    return devices


class MediaUnavailable(RuntimeError):
    """A configured camera or microphone cannot be opened (unplugged, busy, wrong name)."""


def _player_for(device: str, kind: str, config: MediaConfig) -> MediaPlayer:
    what = "camera" if kind == "video" else "microphone"
    try:
        return _open_player(device, kind, config)
    except (OSError, av.FFmpegError, ValueError) as exc:
        raise MediaUnavailable(f"{what} {device!r} cannot be opened: {exc}") from exc


def _open_player(device: str, kind: str, config: MediaConfig) -> MediaPlayer:
    system = platform.system()
    if kind == "video":
        options = {"video_size": f"{config.width}x{config.height}", "framerate": str(config.fps)}
        if system == "Windows":
            return MediaPlayer(device, format="dshow", options=options)
        if system == "Darwin":
            return MediaPlayer(device, format="avfoundation", options=options)
        return MediaPlayer(device, format="v4l2", options=options)
    if system == "Windows":
        return MediaPlayer(device, format="dshow")
    if system == "Darwin":
        return MediaPlayer(device, format="avfoundation")
    if device.startswith("pulse:"):
        return MediaPlayer(device.removeprefix("pulse:"), format="pulse")
    return MediaPlayer(device, format="alsa")


class MediaSources:
    """The tracks one side sends, and whatever must be stopped when the call ends."""

    def __init__(self, config: MediaConfig) -> None:
        self.config = config
        self.players: list[MediaPlayer] = []
        self.video: MediaStreamTrack | None = None
        self.audio: MediaStreamTrack | None = None
        if config.send_video:
            if config.video_device:
                player = _player_for(config.video_device, "video", config)
                self.players.append(player)
                self.video = player.video
            else:
                self.video = SyntheticVideoTrack(
                    config.width, config.height, config.fps, config.synthetic_label
                )
            if config.on_local_frame is not None and self.video is not None:
                self.video = PreviewTap(self.video, config.on_local_frame)
        if config.send_audio:
            if config.audio_device:
                player = _player_for(config.audio_device, "audio", config)
                self.players.append(player)
                self.audio = player.audio
            else:
                self.audio = ToneAudioTrack()

    def stop(self) -> None:
        for track in (self.video, self.audio):
            if track is not None:
                track.stop()
        for player in self.players:
            for track in (player.audio, player.video):
                if track is not None:
                    track.stop()


def encode_time_code(ms: int) -> np.ndarray:
    """The 48 bits for ``ms``: 40 bits of time, then their byte sum as a checksum."""
    value = ms & ((1 << TIME_BITS) - 1)
    checksum = sum(value.to_bytes(5, "big")) & 0xFF
    word = (value << 8) | checksum
    return np.array([(word >> (CODE_BITS - 1 - i)) & 1 for i in range(CODE_BITS)], np.uint8)


def decode_time_code(luma: np.ndarray) -> int | None:
    """Read the timestamp back from a frame's luma plane; None when absent or damaged."""
    height, width = luma.shape
    if height < CODE_BAND or width < CODE_BITS:
        return None
    cell = width // CODE_BITS
    row = luma[CODE_BAND // 2, : cell * CODE_BITS].reshape(CODE_BITS, cell)
    samples = row[:, cell // 4 : cell - cell // 4].mean(axis=1)
    bits = (samples > 128).astype(np.uint64)
    word = 0
    for bit in bits:
        word = (word << 1) | int(bit)
    value, checksum = word >> 8, word & 0xFF
    if sum(value.to_bytes(5, "big")) & 0xFF != checksum:
        return None
    return value


def frame_latency_ms(frame: VideoFrame, now_ms: int | None = None) -> float | None:
    """Glass-to-glass latency of a received synthetic frame (sender and receiver share the
    wall clock: same machine, or NTP-synced)."""
    luma = frame.to_ndarray(format="gray")
    sent = decode_time_code(luma)
    if sent is None:
        return None
    now = (now_ms if now_ms is not None else int(time.time() * 1000)) & ((1 << TIME_BITS) - 1)
    return float(now - sent)


class SyntheticVideoTrack(VideoStreamTrack):
    """Moving test picture with a timestamp band, generated straight in YUV 4:2:0."""

    def __init__(self, width: int = 640, height: int = 480, fps: int = 30, label: str = "") -> None:
        super().__init__()
        self.width = width - width % 2
        self.height = height - height % 2
        self.fps = fps
        self.label = label
        self._clock = fractions.Fraction(1, 90000)
        self._frame_index = 0
        self._t0: float | None = None
        y = np.arange(self.height, dtype=np.float32)[:, None]
        x = np.arange(self.width, dtype=np.float32)[None, :]
        # a diagonal gradient that scrolls: every block changes every frame, like a person
        # moving in front of the camera rather than a still picture
        self._pattern = (((x + y) * 0.7) % 200 + 30).astype(np.uint8)
        self._cell = self.width // CODE_BITS

    async def recv(self) -> VideoFrame:
        if self._t0 is None:
            self._t0 = time.monotonic()
        target = self._t0 + self._frame_index / self.fps
        delay = target - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        index = self._frame_index
        self._frame_index += 1
        shift = (index * 4) % self.width
        luma = np.roll(self._pattern, shift, axis=1)
        box = (index * 6) % max(1, self.height - 120 - CODE_BAND) + CODE_BAND
        luma[box : box + 80, 200:320] = 235
        bits = encode_time_code(int(time.time() * 1000))
        band = np.repeat(np.where(bits == 1, 235, 16).astype(np.uint8), self._cell)
        luma[:CODE_BAND, : band.size] = band
        luma[:CODE_BAND, band.size :] = 16
        chroma_h, chroma_w = self.height // 2, self.width // 2
        u = np.full((chroma_h, chroma_w), 128 + int(40 * math.sin(index / 30)), np.uint8)
        v = np.full((chroma_h, chroma_w), 128, np.uint8)
        planar = np.concatenate(
            [luma, u.reshape(-1, self.width), v.reshape(-1, self.width)], axis=0
        )
        frame = VideoFrame.from_ndarray(planar, format="yuv420p")
        frame.pts = int(index * 90000 / self.fps)
        frame.time_base = self._clock
        return frame


class PreviewTap(MediaStreamTrack):
    """Passes a video track through unchanged and shows each frame to ``on_frame`` first:
    the sender's own picture without opening the camera twice."""

    kind = "video"

    def __init__(self, source: MediaStreamTrack, on_frame: Callable[[VideoFrame], None]) -> None:
        super().__init__()
        self.source = source
        self.on_frame = on_frame

    async def recv(self) -> VideoFrame:
        frame = await self.source.recv()
        assert isinstance(frame, VideoFrame)
        self.on_frame(frame)
        return frame

    def stop(self) -> None:
        super().stop()
        self.source.stop()


class ToneAudioTrack(AudioStreamTrack):
    """A quiet 440 Hz tone in 20 ms frames of 48 kHz mono."""

    def __init__(self, frequency: float = 440.0, rate: int = 48000) -> None:
        super().__init__()
        self.rate = rate
        self.samples = rate // 50
        self._phase = 0
        t = np.arange(rate, dtype=np.float32) / rate
        self._second = (np.sin(2 * np.pi * frequency * t) * 3000).astype(np.int16)
        self._t0: float | None = None
        self._sent = 0

    async def recv(self) -> AudioFrame:
        if self._t0 is None:
            self._t0 = time.monotonic()
        target = self._t0 + self._sent / self.rate
        delay = target - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        start = self._sent % self.rate
        chunk = np.take(self._second, range(start, start + self.samples), mode="wrap")
        frame = AudioFrame.from_ndarray(chunk.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = self.rate
        frame.pts = self._sent
        frame.time_base = fractions.Fraction(1, self.rate)
        self._sent += self.samples
        return frame


# --- One set of sources for every leg of a side --------------------------------------------


class Player(Protocol):
    """What opening a device gives: aiortc's ``MediaPlayer``, with the track of its kind."""

    @property
    def audio(self) -> MediaStreamTrack | None: ...

    @property
    def video(self) -> MediaStreamTrack | None: ...


#: opens one device, ``(device, "video" | "audio", config)``; raises ``MediaUnavailable``
PlayerOpener = Callable[[str, str, MediaConfig], Player]
PreviewHandler = Callable[[VideoFrame], None]

#: frames kept for a leg that has not taken them yet. Video keeps only the newest: a queue of
#: late pictures is delay, not quality. Audio keeps 100 ms, so that a leg waking a little late
#: loses no sound; a leg that stalls longer loses the oldest, never holding up the others.
VIDEO_BACKLOG = 1
AUDIO_BACKLOG = 5


class SharedTrack(MediaStreamTrack):
    """One leg's track from a shared source: the source's frames from the moment this leg
    first asks, each frame the same object every leg gets. Stopping it lets go of the source."""

    def __init__(self, source: SharedSource) -> None:
        super().__init__()
        self.kind = source.track.kind
        self._source: SharedSource | None = source
        self._frames: collections.deque[Frame | Packet[Any] | None] = collections.deque(
            maxlen=VIDEO_BACKLOG if self.kind == "video" else AUDIO_BACKLOG
        )
        self._arrived = asyncio.Event()

    def offer(self, frame: Frame | Packet[Any] | None) -> None:
        """A frame from the source; ``None`` when the source has ended."""
        self._frames.append(frame)
        self._arrived.set()

    async def recv(self) -> Frame | Packet[Any]:
        while True:
            source = self._source
            if self.readyState != "live" or source is None:
                raise MediaStreamError
            if self._frames:
                frame = self._frames.popleft()
                if frame is None:
                    self.stop()
                    raise MediaStreamError
                return frame
            self._arrived.clear()
            source.start_reading()
            await self._arrived.wait()

    def stop(self) -> None:
        super().stop()
        source, self._source = self._source, None
        if source is not None:
            source.release(self)
        self._arrived.set()


class SharedSource:
    """One opened camera, microphone or synthetic source. One task reads it while a leg wants
    frames; each frame goes once to every preview and to every leg's ``SharedTrack``. The
    source closes (the device is released) when its last leg lets go, or when it ends."""

    def __init__(
        self,
        track: MediaStreamTrack,
        player: Player | None,
        on_closed: Callable[[SharedSource], None],
    ) -> None:
        self.track = track
        self.player = player
        self.closed = False
        self._outlets: dict[SharedTrack, PreviewHandler | None] = {}
        #: each distinct preview with how many legs asked for it: shown every frame once
        self._previews: dict[PreviewHandler, int] = {}
        self._on_closed = on_closed
        self._reader: asyncio.Task[None] | None = None

    @property
    def legs(self) -> int:
        return len(self._outlets)

    def subscribe(self, preview: PreviewHandler | None) -> SharedTrack:
        outlet = SharedTrack(self)
        if self.track.kind != "video":
            preview = None
        self._outlets[outlet] = preview
        if preview is not None:
            self._previews[preview] = self._previews.get(preview, 0) + 1
        return outlet

    def release(self, outlet: SharedTrack) -> None:
        if outlet not in self._outlets:
            return
        preview = self._outlets.pop(outlet)
        if preview is not None:
            left = self._previews[preview] - 1
            if left:
                self._previews[preview] = left
            else:
                del self._previews[preview]
        if not self._outlets:
            self.close()

    def start_reading(self) -> None:
        """Read only once a leg sends: a call still connecting costs no frames."""
        if self._reader is None and not self.closed:
            self._reader = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        try:
            while True:
                frame = await self.track.recv()
                if isinstance(frame, VideoFrame):
                    for preview in list(self._previews):
                        try:
                            preview(frame)
                        except Exception:
                            log.exception("the preview failed on a frame")
                for outlet in list(self._outlets):
                    outlet.offer(frame)
        except MediaStreamError:
            log.info("the %s source ended", self.track.kind)
        except Exception:
            log.exception("the %s source failed", self.track.kind)
        # ended by itself (a device unplugged): every leg's track ends; a later call opens it
        # again
        self._reader = None
        for outlet in list(self._outlets):
            outlet.offer(None)
        self.close()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self._reader is not None:
            self._reader.cancel()
            self._reader = None
        self.track.stop()
        if self.player is not None:
            _stop_player(self.player)
        self._on_closed(self)


def _stop_player(player: Player) -> None:
    """Stopping every track of aiortc's player ends its thread and closes the device."""
    for track in (player.audio, player.video):
        if track is not None:
            track.stop()


def _stop_when_opened(opening: asyncio.Future[Player]) -> None:
    if not opening.cancelled() and opening.exception() is None:
        _stop_player(opening.result())


class ConnectionTrack(MediaStreamTrack):
    """What one peer connection sends of a leg's track. aiortc's sender stops the track it
    sends when its connection closes; a leg outlives its connections (every renegotiation
    makes a new one), so each connection gets one of these and stopping it leaves the leg's
    track running."""

    def __init__(self, track: MediaStreamTrack) -> None:
        super().__init__()
        self.kind = track.kind
        self._track = track

    async def recv(self) -> Frame | Packet[Any]:
        if self.readyState != "live":
            raise MediaStreamError
        frame: Frame | Packet[Any] = await self._track.recv()
        return frame


class MediaLease:
    """The tracks one leg sends, taken from a ``MediaHub``; ``stop`` gives them back."""

    def __init__(self) -> None:
        self.video: MediaStreamTrack | None = None
        self.audio: MediaStreamTrack | None = None

    def stop(self) -> None:
        for track in (self.video, self.audio):
            if track is not None:
                track.stop()


def _source_key(kind: str, config: MediaConfig) -> tuple[object, ...]:
    device = config.video_device if kind == "video" else config.audio_device
    if device:
        # a device is one source whatever size a later leg asks for: it cannot open twice
        return (kind, "device", device)
    if kind == "video":
        return (kind, "synthetic", config.synthetic_label, config.width, config.height, config.fps)
    return (kind, "tone", config.synthetic_label)


class MediaHub:
    """Opens each source once and hands every leg its own track from it (``acquire``).

    Sources are shared by what they are: a device by its name, the synthetic picture by its
    label, size and rate, the tone by its label. ``open_player`` opens a device (aiortc's
    ``MediaPlayer`` by default), off the event loop because FFmpeg's probing blocks."""

    def __init__(self, open_player: PlayerOpener | None = None) -> None:
        self._open_player: PlayerOpener = open_player or _player_for
        self._sources: dict[tuple[object, ...], SharedSource] = {}
        self._opening = asyncio.Lock()

    @property
    def open_sources(self) -> int:
        """How many sources (devices, synthetic ones) are open now."""
        return len(self._sources)

    def source(self, kind: str, config: MediaConfig) -> SharedSource | None:
        """The open source ``config`` would use for ``kind``, if any."""
        return self._sources.get(_source_key(kind, config))

    async def acquire(self, config: MediaConfig) -> MediaLease:
        """The tracks to send for ``config``, opening what is not open yet; raises
        ``MediaUnavailable`` (and keeps nothing) when a device cannot be opened."""
        lease = MediaLease()
        try:
            if config.send_video:
                lease.video = await self._subscribe("video", config, config.on_local_frame)
            if config.send_audio:
                lease.audio = await self._subscribe("audio", config, None)
        except BaseException:
            lease.stop()
            raise
        return lease

    async def _subscribe(
        self, kind: str, config: MediaConfig, preview: PreviewHandler | None
    ) -> SharedTrack:
        key = _source_key(kind, config)
        async with self._opening:
            source = self._sources.get(key)
            if source is None or source.closed:
                track, player = await self._open(kind, config)
                source = SharedSource(track, player, self._forget)
                self._sources[key] = source
            return source.subscribe(preview)

    def _forget(self, source: SharedSource) -> None:
        for key, known in list(self._sources.items()):
            if known is source:
                del self._sources[key]

    async def _open(
        self, kind: str, config: MediaConfig
    ) -> tuple[MediaStreamTrack, Player | None]:
        device = config.video_device if kind == "video" else config.audio_device
        if not device:
            if kind == "video":
                synthetic = SyntheticVideoTrack(
                    config.width, config.height, config.fps, config.synthetic_label
                )
                return synthetic, None
            return ToneAudioTrack(), None
        opening = asyncio.ensure_future(
            asyncio.to_thread(self._open_player, device, kind, config)
        )
        try:
            player = await asyncio.shield(opening)
        except asyncio.CancelledError:
            # the call gave up meanwhile: release the device as soon as it has opened
            opening.add_done_callback(_stop_when_opened)
            raise
        track = player.video if kind == "video" else player.audio
        if track is None:
            _stop_player(player)
            what = "camera" if kind == "video" else "microphone"
            raise MediaUnavailable(f"{what} {device!r} gives no {kind}")
        return track, player


_HUBS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, MediaHub] = (
    weakref.WeakKeyDictionary()
)


def shared_media_hub() -> MediaHub:
    """The hub of the running event loop, i.e. of the app: every call session takes its
    sources from it unless its ``CallConfig.media_hub`` names another, so the legs of a call
    with a third party (and the console's own legs with the guest) share one camera."""
    loop = asyncio.get_running_loop()
    hub = _HUBS.get(loop)
    if hub is None:
        hub = _HUBS[loop] = MediaHub()
    return hub
