"""Voice prompts through QtTextToSpeech: a Chinese voice when the platform has one, silent
(with one logged note) when it has none. ``say`` never blocks: the engine speaks on its own."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QLocale, QObject
from PySide6.QtTextToSpeech import QTextToSpeech, QVoice

log = logging.getLogger(__name__)


def default_engine() -> str:
    # speech-dispatcher (with espeak-ng) on Linux; the platform's own engine elsewhere
    return "speechd" if sys.platform.startswith("linux") else ""


class Voice(QObject):
    def __init__(self, engine: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._engine_name = default_engine() if engine is None else engine
        self._tts: QTextToSpeech | None = None
        self._tried = False
        self._language = "zh_CN"
        self.enabled = True
        #: the last texts asked for (kept short; for tests and the screenshots)
        self.spoken: list[str] = []

    @property
    def available(self) -> bool:
        return self._engine() is not None

    def prepare(self) -> None:
        """Start the engine now (connecting to speech-dispatcher takes a moment), not at the
        first prompt of a visit."""
        self._engine()

    def set_language(self, language: str) -> None:
        if language == self._language:
            return
        self._language = language
        if self._tts is not None:
            self._choose_voice(self._tts)

    def say(self, value: str) -> None:
        if not value or not self.enabled:
            return
        self.spoken = [*self.spoken[-9:], value]
        tts = self._engine()
        if tts is None:
            return
        # a new prompt replaces the old one: the screen has moved on
        tts.stop()
        tts.say(value)

    def stop(self) -> None:
        if self._tts is not None:
            self._tts.stop()

    def _engine(self) -> QTextToSpeech | None:
        if self._tried:
            return self._tts
        self._tried = True
        try:
            tts = (QTextToSpeech(self._engine_name, self) if self._engine_name
                   else QTextToSpeech(self))
        except RuntimeError as exc:  # pragma: no cover - depends on the platform's plugins
            log.info("voice prompts off: no text-to-speech engine (%s)", exc)
            return None
        if tts.state() == QTextToSpeech.State.Error:
            log.info("voice prompts off: %s engine unusable (%s)", self._engine_name or "default",
                     tts.errorString())
            return None
        self._tts = tts
        self._choose_voice(tts)
        return tts

    def _choose_voice(self, tts: QTextToSpeech) -> None:
        wanted = (QLocale.Language.English if self._language == "en"
                  else QLocale.Language.Chinese)
        voices: list[QVoice] = [v for v in tts.availableVoices()
                                if v.locale().language() == wanted]
        if voices:
            tts.setLocale(voices[0].locale())
            tts.setVoice(voices[0])
        else:
            log.info("voice prompts: no %s voice, using the engine's default",
                     wanted.name)
