"""The other side's voice played on this machine's default audio output.

The call delivers decoded audio frames (PyAV, from aiortc's Opus decoder: s16 stereo 48 kHz,
20 ms each) on the Qt thread. :class:`AudioPlayer` converts each frame to the output's own
sample format, rate and channels (:class:`PcmConverter`), keeps at most ~200 ms waiting
(:class:`PcmQueue`: a voice that lags behind the picture is worse than a lost syllable, so the
oldest sound goes first) and writes to a ``QAudioSink`` in push mode only as much as it has
room for, so the loop never waits on the sound card. A machine without an audio output plays
nothing, says so once in the log, and counts what it could not play.

The converter and the queue are plain objects, tested without any device."""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass

from av import AudioFrame, AudioResampler
from PySide6.QtCore import QIODevice, QObject, QTimer
from PySide6.QtMultimedia import QAudioDevice, QAudioFormat, QAudioSink, QMediaDevices, QtAudio

log = logging.getLogger(__name__)

#: how much sound may wait to be played before the oldest is dropped
MAX_QUEUED_S = 0.2
#: the sink's own buffer, asked for (the backend may choose another size)
SINK_BUFFER_S = 0.1
#: how often waiting sound is moved into the sink while there is some
PUMP_INTERVAL_MS = 10


#: bytes per sample of the packed formats this player produces (PyAV's names)
SAMPLE_BYTES = {"u8": 1, "s16": 2, "s32": 4, "flt": 4}


@dataclass(frozen=True)
class PcmFormat:
    """Interleaved PCM: ``sample`` is PyAV's name of a packed sample format."""

    rate: int = 48_000
    channels: int = 2
    sample: str = "s16"

    def __post_init__(self) -> None:
        if self.sample not in SAMPLE_BYTES:
            raise ValueError(f"unsupported sample format {self.sample!r}")
        if self.rate <= 0 or self.channels not in (1, 2):
            raise ValueError(f"unsupported PCM format {self.rate} Hz, {self.channels} channels")

    @property
    def frame_bytes(self) -> int:
        """Bytes of one sample on every channel."""
        return SAMPLE_BYTES[self.sample] * self.channels

    @property
    def layout(self) -> str:
        return "mono" if self.channels == 1 else "stereo"

    def bytes_for(self, seconds: float) -> int:
        return int(self.rate * seconds) * self.frame_bytes

    def seconds_of(self, size: int) -> float:
        return size / self.frame_bytes / self.rate


_QT_SAMPLES = {
    QAudioFormat.SampleFormat.UInt8: "u8",
    QAudioFormat.SampleFormat.Int16: "s16",
    QAudioFormat.SampleFormat.Int32: "s32",
    QAudioFormat.SampleFormat.Float: "flt",
}


def pcm_format_of(qt_format: QAudioFormat) -> PcmFormat | None:
    """The Qt format as a :class:`PcmFormat`, or None when this player cannot produce it."""
    sample = _QT_SAMPLES.get(qt_format.sampleFormat())
    if sample is None or qt_format.sampleRate() <= 0 or qt_format.channelCount() not in (1, 2):
        return None
    return PcmFormat(qt_format.sampleRate(), qt_format.channelCount(), sample)


def qt_format_of(pcm: PcmFormat) -> QAudioFormat:
    qt_format = QAudioFormat()
    qt_format.setSampleRate(pcm.rate)
    qt_format.setChannelCount(pcm.channels)
    sample = {name: qt for qt, name in _QT_SAMPLES.items()}[pcm.sample]
    qt_format.setSampleFormat(sample)
    return qt_format


class PcmConverter:
    """Decoded frames to interleaved bytes in one :class:`PcmFormat`. A change of the
    incoming format (another codec setting after renegotiating) starts a new resampler
    rather than failing."""

    def __init__(self, target: PcmFormat) -> None:
        self.target = target
        self._resampler: AudioResampler | None = None
        self._source: tuple[str, str, int] | None = None

    def convert(self, frame: AudioFrame) -> bytes:
        source = (frame.format.name, frame.layout.name, frame.sample_rate)
        if self._resampler is None or source != self._source:
            self._resampler = AudioResampler(
                format=self.target.sample, layout=self.target.layout, rate=self.target.rate
            )
            self._source = source
        out = bytearray()
        for converted in self._resampler.resample(frame):
            # packed formats: one plane; the array knows the real length (the plane may be
            # padded)
            out += converted.to_ndarray().tobytes()
        return bytes(out)


class PcmQueue:
    """Sound waiting for the output, bounded: past ``max_bytes`` the oldest chunks go."""

    def __init__(self, max_bytes: int, frame_bytes: int) -> None:
        if max_bytes <= 0 or frame_bytes <= 0:
            raise ValueError("the queue needs a positive size")
        self.max_bytes = max_bytes
        self.frame_bytes = frame_bytes
        self.queued_bytes = 0
        #: chunks (one per received frame) and bytes dropped to keep the bound
        self.dropped_chunks = 0
        self.dropped_bytes = 0
        self._chunks: deque[bytes] = deque()

    def __len__(self) -> int:
        return len(self._chunks)

    def push(self, data: bytes) -> int:
        """Queue ``data``; returns how many chunks were dropped to make room."""
        if not data:
            return 0
        self._chunks.append(data)
        self.queued_bytes += len(data)
        dropped = 0
        # the newest chunk always stays, even alone over the bound
        while self.queued_bytes > self.max_bytes and len(self._chunks) > 1:
            old = self._chunks.popleft()
            self.queued_bytes -= len(old)
            self.dropped_bytes += len(old)
            dropped += 1
        self.dropped_chunks += dropped
        return dropped

    def take(self, limit: int) -> bytes:
        """Up to ``limit`` bytes from the front, whole sample frames only."""
        limit -= limit % self.frame_bytes
        out = bytearray()
        while self._chunks and len(out) < limit:
            chunk = self._chunks[0]
            room = limit - len(out)
            if len(chunk) <= room:
                out += self._chunks.popleft()
            else:
                out += chunk[:room]
                self._chunks[0] = chunk[room:]
        self.queued_bytes -= len(out)
        return bytes(out)

    def put_back(self, data: bytes) -> None:
        """What the output did not take goes back to the front."""
        if data:
            self._chunks.appendleft(data)
            self.queued_bytes += len(data)

    def clear(self) -> None:
        self._chunks.clear()
        self.queued_bytes = 0


@dataclass
class PlayerStats:
    #: frames given to the player
    frames: int = 0
    #: frames converted and queued for the output
    queued: int = 0
    #: queued frames dropped because more than the bound was waiting (the output lagged)
    dropped: int = 0
    #: frames not played because there is no audio output
    discarded: int = 0
    #: frames not played because the player is muted
    muted: int = 0
    #: bytes written to the output
    written_bytes: int = 0


class AudioPlayer(QObject):
    """Plays one stream of received audio (one per call leg: each voice its own player, the
    sound server mixes them). Open at the first frame; ``reset()`` between calls releases the
    output, ``close()`` for good."""

    #: the missing output is logged once per process, not once per call or leg
    _silence_noted = False

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        device: QAudioDevice | None = None,
        max_queued_s: float = MAX_QUEUED_S,
        name: str = "",
    ) -> None:
        super().__init__(parent)
        self.name = name
        self.stats = PlayerStats()
        self.max_queued_s = max_queued_s
        #: None until the first frame; then whether sound goes to an output
        self.available: bool | None = None
        #: why nothing is played, when ``available`` is False
        self.silent_reason = ""
        self.format: PcmFormat | None = None
        self._device = device
        self._muted = False
        self._volume = 1.0
        self._closed = False
        self._sink: QAudioSink | None = None
        self._io: QIODevice | None = None
        self._converter: PcmConverter | None = None
        self._queue: PcmQueue | None = None
        self._pump = QTimer(self)
        self._pump.setInterval(PUMP_INTERVAL_MS)
        self._pump.timeout.connect(self._write)

    # --- Controls ---------------------------------------------------------------------------

    @property
    def muted(self) -> bool:
        return self._muted

    def set_muted(self, muted: bool) -> None:
        self._muted = muted
        if muted and self._queue is not None:
            self._queue.clear()

    @property
    def volume(self) -> float:
        return self._volume

    def set_volume(self, volume: float) -> None:
        """Linear, 0.0 (silent) to 1.0 (as received)."""
        self._volume = min(1.0, max(0.0, volume))
        if self._sink is not None:
            self._sink.setVolume(self._volume)

    @property
    def queued_s(self) -> float:
        if self._queue is None or self.format is None:
            return 0.0
        return self.format.seconds_of(self._queue.queued_bytes)

    # --- Frames -----------------------------------------------------------------------------

    def push(self, frame: AudioFrame) -> None:
        """One received frame; never blocks and never raises for a device's sake."""
        if self._closed:
            return
        self.stats.frames += 1
        if self.available is None:
            self._open()
        if not self.available:
            self.stats.discarded += 1
            return
        if self._muted:
            self.stats.muted += 1
            return
        assert self._converter is not None and self._queue is not None
        data = self._converter.convert(frame)
        self.stats.queued += 1
        self.stats.dropped += self._queue.push(data)
        self._write()
        if self._queue.queued_bytes and not self._pump.isActive():
            self._pump.start()

    def reset(self) -> None:
        """The call ended: release the output and forget waiting sound (the next frame opens
        the output again, so a headset plugged in meanwhile is found)."""
        self._pump.stop()
        if self._sink is not None:
            self._sink.stop()
            self._sink.deleteLater()
        self._sink = None
        self._io = None
        self._converter = None
        self._queue = None
        self.available = None

    def close(self) -> None:
        self.reset()
        self._closed = True

    # --- Output -----------------------------------------------------------------------------

    def _open(self) -> None:
        device = self._device if self._device is not None else QMediaDevices.defaultAudioOutput()
        if device.isNull():
            self._silent("no audio output device")
            return
        pcm = self._choose_format(device)
        if pcm is None:
            self._silent(f"the audio output {device.description()!r} has no usable format")
            return
        sink = QAudioSink(device, qt_format_of(pcm), self)
        sink.setBufferSize(pcm.bytes_for(SINK_BUFFER_S))
        sink.setVolume(self._volume)
        io = sink.start()
        if io is None or sink.error() != QtAudio.Error.NoError:
            sink.deleteLater()
            self._silent(f"the audio output {device.description()!r} did not open")
            return
        sink.stateChanged.connect(self._sink_changed)
        self._sink, self._io, self.format = sink, io, pcm
        self._converter = PcmConverter(pcm)
        self._queue = PcmQueue(pcm.bytes_for(self.max_queued_s), pcm.frame_bytes)
        self.available = True
        log.info(
            "audio %s: playing on %r (%d Hz, %d channels, %s)",
            self.name, device.description(), pcm.rate, pcm.channels, pcm.sample,
        )

    @staticmethod
    def _choose_format(device: QAudioDevice) -> PcmFormat | None:
        """The device's preferred format when this player can produce it, else 48 kHz
        stereo (or mono) 16-bit if the device takes it."""
        preferred = device.preferredFormat()
        candidates = [pcm_format_of(preferred)]
        if preferred.sampleRate() > 0 and preferred.channelCount() > 2:
            two = QAudioFormat(preferred)
            two.setChannelCount(2)
            candidates.append(pcm_format_of(two))
        candidates += [PcmFormat(48_000, 2, "s16"), PcmFormat(48_000, 1, "s16")]
        for pcm in candidates:
            if pcm is not None and device.isFormatSupported(qt_format_of(pcm)):
                return pcm
        return None

    def _silent(self, reason: str) -> None:
        self.available = False
        self.silent_reason = reason
        if not AudioPlayer._silence_noted:
            AudioPlayer._silence_noted = True
            log.warning("received audio is not played: %s", reason)

    def _sink_changed(self, state: QtAudio.State) -> None:
        sink = self._sink
        if sink is None or state != QtAudio.State.StoppedState:
            return
        error = sink.error()
        # an underrun only means the other side was quiet for a moment
        if error not in (QtAudio.Error.NoError, QtAudio.Error.UnderrunError):
            self.reset()
            self._silent(f"the audio output stopped ({error.name})")

    def _write(self) -> None:
        sink, io, queue = self._sink, self._io, self._queue
        if sink is None or io is None or queue is None:
            self._pump.stop()
            return
        room = sink.bytesFree()
        if room > 0 and queue.queued_bytes:
            data = queue.take(room)
            if data:
                written = max(0, io.write(data))
                self.stats.written_bytes += written
                queue.put_back(data[written:])
        if not queue.queued_bytes:
            self._pump.stop()
