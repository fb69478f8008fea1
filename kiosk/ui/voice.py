"""Voice prompts through QtTextToSpeech: a Chinese voice when the platform has one, silent
(with one logged note) when it has none. ``say`` never blocks: the engine speaks on its own."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QLocale, QObject, Signal
from PySide6.QtTextToSpeech import QTextToSpeech, QVoice

log = logging.getLogger(__name__)


def default_engine() -> str:
    # speech-dispatcher (with espeak-ng) on Linux; the platform's own engine elsewhere
    return "speechd" if sys.platform.startswith("linux") else ""


#: how long a speech-dispatcher may take to answer before the kiosk stays silent
SPEECHD_ANSWER_S = 1.0


def speechd_socket() -> Path:
    """Where libspeechd connects: ``SPEECHD_ADDRESS=unix_socket:PATH``, else the user's
    runtime dir, else ``~/.cache`` (where it goes without a session)."""
    address = os.environ.get("SPEECHD_ADDRESS", "")
    if address.startswith("unix_socket:"):
        return Path(address.split(":", 1)[1])
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    base = Path(runtime) if runtime else Path.home() / ".cache"
    return base / "speech-dispatcher" / "speechd.sock"


def speechd_answers(path: Path, timeout: float = SPEECHD_ANSWER_S) -> bool:
    """Whether a speech-dispatcher listens at ``path`` and answers an SSIP greeting in time.
    One that accepts but never answers would hang Qt's engine (and the screens) for good."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.settimeout(timeout)
            probe.connect(str(path))
            probe.sendall(b"SET SELF CLIENT_NAME vwindow:kiosk:probe\r\n")
            answer = probe.recv(256)
            probe.sendall(b"QUIT\r\n")
    except OSError:
        return False
    return answer.startswith(b"208")


def start_speechd(path: Path) -> bool:
    """Start speech-dispatcher once if none answers (what libspeechd's autospawn would do,
    but here with a time limit, off the UI thread)."""
    if speechd_answers(path):
        return True
    daemon = shutil.which("speech-dispatcher")
    if daemon is None:
        return False
    try:
        subprocess.run(  # noqa: S603 - the system's daemon, fixed arguments
            [daemon, "--spawn"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return speechd_answers(path)


class Voice(QObject):
    #: from the probe's thread: whether speech-dispatcher answered
    _speechd_checked = Signal(bool)

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
        if self._engine_name == "speechd":
            # Qt's engine connects (and may spawn the daemon) on this thread, and a daemon
            # that never answers would freeze the kiosk: make sure one answers first, on a
            # thread of its own; prompts before that stay silent
            self._speechd_checked.connect(self._speechd_ready)
            path = speechd_socket()
            threading.Thread(
                target=lambda: self._speechd_checked.emit(start_speechd(path)),
                name="speechd-probe",
                daemon=True,
            ).start()
            return None
        return self._create_engine()

    def _speechd_ready(self, answers: bool) -> None:
        if answers:
            self._create_engine()
        else:
            log.info("voice prompts off: speech-dispatcher does not answer")

    def _create_engine(self) -> QTextToSpeech | None:
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
