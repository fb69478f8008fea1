"""The ring: a two-tone chime generated as a WAV file at start, played in a loop through
QtMultimedia while a call rings. Without an audio device the ring is silent (the panel still
flashes) rather than failing."""

from __future__ import annotations

import logging
import math
import struct
import tempfile
import wave
from pathlib import Path

from PySide6.QtCore import QObject, QUrl

log = logging.getLogger(__name__)

RATE = 22050


def ring_wav(path: Path, seconds: float = 1.6) -> Path:
    """Two short notes (like a desk phone) then silence; 16-bit mono."""
    frames = bytearray()
    total = int(RATE * seconds)
    for n in range(total):
        t = n / RATE
        if t < 0.35:
            freq = 880.0
        elif 0.45 <= t < 0.8:
            freq = 660.0
        else:
            freq = 0.0
        envelope = 0.0 if freq == 0 else min(1.0, (t % 0.45) * 40, (0.35 - (t % 0.45)) * 40 + 1)
        value = int(12000 * max(0.0, envelope) * math.sin(2 * math.pi * freq * t))
        frames += struct.pack("<h", value)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(frames))
    return path


class RingTone(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.playing = False
        self._effect: object | None = None
        self._folder = tempfile.TemporaryDirectory(prefix="vwindow-ring-")
        try:
            from PySide6.QtMultimedia import QSoundEffect

            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(ring_wav(Path(self._folder.name) / "r.wav"))))
            effect.setLoopCount(QSoundEffect.Loop.Infinite.value)
            effect.setVolume(0.8)
            self._effect = effect
        except Exception as exc:  # no QtMultimedia backend: ring silently
            log.info("ring sound unavailable: %s", exc)

    def start(self) -> None:
        self.playing = True
        if self._effect is not None:
            self._effect.play()  # type: ignore[attr-defined]

    def stop(self) -> None:
        self.playing = False
        if self._effect is not None:
            self._effect.stop()  # type: ignore[attr-defined]
