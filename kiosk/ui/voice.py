"""Voice prompts, spoken off the UI thread with a time limit on every call into the engine.

On Linux the kiosk talks SSIP (speech-dispatcher's text protocol) itself, over the socket
libspeechd would use, with a timeout on every answer: a daemon that accepts and never replies
costs a few seconds of silence, never a frozen screen. Elsewhere (or with an engine named in
the code) QtTextToSpeech speaks, on the same worker thread. The UI only posts the latest
prompt to that thread: a newer prompt replaces one not yet spoken, nothing queues up.

After a failure or a timeout the voice is off; the next prompt at least ``RETRY_S`` later
tries again (logged once per change)."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QLocale, QObject
from PySide6.QtTextToSpeech import QTextToSpeech, QVoice

log = logging.getLogger(__name__)


def default_engine() -> str:
    # speech-dispatcher (with espeak-ng) on Linux; the platform's own engine elsewhere
    return "speechd" if sys.platform.startswith("linux") else ""


#: how long a speech-dispatcher may take to answer before the kiosk stays silent
SPEECHD_ANSWER_S = 1.0
#: how long one call into the engine may take (speech-dispatcher answers in milliseconds)
CALL_LIMIT_S = 2.0
#: a call still running after this long marks the voice off, whatever the engine does
WATCHDOG_S = 10.0
#: after a failure, how long the voice stays off before a prompt tries again
RETRY_S = 30.0


def speechd_socket() -> Path:
    """Where libspeechd connects: ``SPEECHD_ADDRESS=unix_socket:PATH``, else the user's
    runtime dir, else ``~/.cache`` (where it goes without a session)."""
    address = os.environ.get("SPEECHD_ADDRESS", "")
    if address.startswith("unix_socket:"):
        return Path(address.split(":", 1)[1])
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    base = Path(runtime) if runtime else Path.home() / ".cache"
    return base / "speech-dispatcher" / "speechd.sock"


def spawn_speechd() -> bool:
    """Start speech-dispatcher (what libspeechd's autospawn would do), with a time limit."""
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
    return True


class SpeechError(Exception):
    """The engine refused, failed, or did not answer in time."""


class Speaker(Protocol):
    """One speech engine, used only from the voice's worker thread."""

    def open(self) -> None: ...

    def speak(self, value: str, language: str) -> None: ...

    def stop(self) -> None: ...

    def close(self) -> None: ...


def ssip_message(value: str) -> bytes:
    """``value`` as the data of SSIP's SPEAK: CRLF lines ended by a line holding one dot
    (a line of the text that starts with a dot gets a second one)."""
    lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    body = "\r\n".join("." + line if line.startswith(".") else line for line in lines)
    return body.encode("utf-8") + b"\r\n.\r\n"


def ssip_language(language: str) -> str:
    return "en" if language == "en" else "zh"


class SsipSpeaker:
    """speech-dispatcher through its socket; every answer awaited at most ``limit_s``."""

    def __init__(self, path: Path, limit_s: float = CALL_LIMIT_S) -> None:
        self._path = path
        self._limit_s = limit_s
        self._socket: socket.socket | None = None
        self._buffer = b""
        self._language = ""
        self._deadline = 0.0

    def open(self) -> None:
        if self._socket is not None:
            return
        try:
            conn = self._dial()
        except OSError:
            # nobody listens: start the daemon once, as libspeechd would
            if not spawn_speechd():
                raise SpeechError(f"no speech-dispatcher at {self._path}") from None
            try:
                conn = self._dial()
            except OSError as exc:
                raise SpeechError(f"speech-dispatcher did not start ({exc})") from exc
        self._socket, self._buffer, self._language = conn, b"", ""
        self._exchange(lambda: self._command("SET SELF CLIENT_NAME kiosk:vwindow:prompts"))

    def speak(self, value: str, language: str) -> None:
        self.open()

        def speak() -> None:
            wanted = ssip_language(language)
            if wanted != self._language:
                self._command(f"SET SELF LANGUAGE {wanted}")
                self._language = wanted
            # a new prompt replaces the old one: the screen has moved on
            self._command("CANCEL SELF")
            self._command("SPEAK")
            self._send(ssip_message(value))
            self._answer()

        self._exchange(speak)

    def stop(self) -> None:
        if self._socket is not None:
            self._exchange(lambda: self._command("CANCEL SELF"))

    def close(self) -> None:
        conn, self._socket = self._socket, None
        if conn is not None:
            try:
                conn.settimeout(0.2)
                conn.sendall(b"QUIT\r\n")
            except OSError:
                pass
            conn.close()

    def _dial(self) -> socket.socket:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.settimeout(self._limit_s)
        try:
            conn.connect(str(self._path))
        except OSError:
            conn.close()
            raise
        return conn

    def _exchange(self, talk: Callable[[], object]) -> None:
        """Runs ``talk`` within the time limit; any failure closes the connection."""
        self._deadline = time.monotonic() + self._limit_s
        try:
            talk()
        except TimeoutError as exc:
            self.close()
            raise SpeechError(
                f"speech-dispatcher did not answer within {self._limit_s:g} s"
            ) from exc
        except (OSError, SpeechError) as exc:
            self.close()
            raise SpeechError(str(exc) or type(exc).__name__) from exc

    def _left(self) -> float:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return left

    def _send(self, data: bytes) -> None:
        conn = self._socket
        if conn is None:
            raise SpeechError("not connected")
        conn.settimeout(self._left())
        conn.sendall(data)

    def _command(self, line: str) -> str:
        self._send(line.encode("utf-8") + b"\r\n")
        return self._answer()

    def _answer(self) -> str:
        """The reply's last line; SSIP continues a reply with ``NNN-`` lines and ends it with
        ``NNN ``; codes 2xx are success."""
        while True:
            end = self._buffer.find(b"\r\n")
            if end < 0:
                conn = self._socket
                if conn is None:
                    raise SpeechError("not connected")
                conn.settimeout(self._left())
                chunk = conn.recv(4096)
                if not chunk:
                    raise SpeechError("speech-dispatcher closed the connection")
                self._buffer += chunk
                continue
            line, self._buffer = self._buffer[:end], self._buffer[end + 2 :]
            if line[3:4] == b"-":
                continue
            reply = line.decode("utf-8", "replace")
            if not reply.startswith("2"):
                raise SpeechError(f"speech-dispatcher refused: {reply}")
            return reply


class QtSpeaker:
    """QtTextToSpeech's engine ``engine`` ("" = the platform's default), made on the worker
    thread and used only there."""

    def __init__(self, engine: str) -> None:
        self._engine = engine
        self._tts: QTextToSpeech | None = None
        self._language = ""

    def open(self) -> None:
        if self._tts is not None:
            return
        try:
            tts = QTextToSpeech(self._engine) if self._engine else QTextToSpeech()
        except RuntimeError as exc:  # pragma: no cover - depends on the platform's plugins
            raise SpeechError(f"no text-to-speech engine ({exc})") from exc
        if tts.state() == QTextToSpeech.State.Error:
            raise SpeechError(
                f"{self._engine or 'default'} engine unusable ({tts.errorString()})"
            )
        self._tts = tts

    def speak(self, value: str, language: str) -> None:
        self.open()
        tts = self._tts
        assert tts is not None
        if language != self._language:
            self._language = language
            self._choose_voice(tts, language)
        tts.stop()
        tts.say(value)

    def stop(self) -> None:
        if self._tts is not None:
            self._tts.stop()

    def close(self) -> None:
        self._tts = None

    @staticmethod
    def _choose_voice(tts: QTextToSpeech, language: str) -> None:
        wanted = QLocale.Language.English if language == "en" else QLocale.Language.Chinese
        voices: list[QVoice] = [v for v in tts.availableVoices()
                                if v.locale().language() == wanted]
        if voices:
            tts.setLocale(voices[0].locale())
            tts.setVoice(voices[0])
        else:
            log.info("voice prompts: no %s voice, using the engine's default", wanted.name)


class Voice(QObject):
    """The kiosk's spoken prompts. ``say`` and ``stop`` only post to the worker thread; the
    latest unspoken prompt is the only one kept."""

    def __init__(self, engine: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._engine_name = default_engine() if engine is None else engine
        self._language = "zh_CN"
        self.enabled = True
        #: the last texts asked for (kept short; for tests and the screenshots)
        self.spoken: list[str] = []
        #: monotonic seconds; the tests move it
        self.clock = time.monotonic
        self._lock = threading.Condition()
        self._wanted: tuple[str, str] | None = None
        self._open_wanted = False
        self._stop_wanted = False
        self._closing = False
        #: when the call into the engine now running began
        self._busy_since: float | None = None
        self._ready = False
        #: no prompt goes to the engine before this (after a failure)
        self._off_until = 0.0
        self._off_reason = ""
        self._thread: threading.Thread | None = None

    @property
    def available(self) -> bool:
        """The engine answered its last call (and none is hanging now)."""
        with self._lock:
            self._watch(self.clock())
            return self._ready

    @property
    def engine(self) -> str:
        return self._engine_name

    def prepare(self) -> None:
        """Connect to the engine now, on the worker thread, not at the first prompt."""
        self._post(None)

    def set_language(self, language: str) -> None:
        self._language = language

    def say(self, value: str) -> None:
        if not value or not self.enabled:
            return
        self.spoken = [*self.spoken[-9:], value]
        self._post(value)

    def stop(self) -> None:
        with self._lock:
            if self._thread is None:
                return
            self._wanted = None
            self._stop_wanted = True
            self._lock.notify()

    def close(self) -> None:
        """Ends the worker thread (a call hanging in the engine keeps it until it returns)."""
        with self._lock:
            self._closing = True
            self._wanted = None
            self._lock.notify()

    # internals ----------------------------------------------------------------------------

    def _post(self, value: str | None) -> None:
        now = self.clock()
        with self._lock:
            if self._closing:
                return
            self._watch(now)
            if now < self._off_until:
                # silent for now: a prompt that cannot be spoken at once is dropped
                return
            if value is None:
                self._open_wanted = True
            else:
                self._wanted = (value, self._language)
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="kiosk-voice",
                                                daemon=True)
                self._thread.start()
            self._lock.notify()

    def _watch(self, now: float) -> None:
        """A call still running after ``WATCHDOG_S``: the engine hangs; the voice is off."""
        if self._busy_since is not None and now - self._busy_since > WATCHDOG_S:
            self._busy_since = now
            self._set_off(now, f"the speech engine has not returned for {WATCHDOG_S:g} s")

    def _set_off(self, now: float, reason: str) -> None:
        self._ready = False
        self._off_until = now + RETRY_S
        if reason != self._off_reason:
            self._off_reason = reason
            log.info("voice prompts off: %s; trying again in %g s at the earliest",
                     reason, RETRY_S)

    def _make_speaker(self) -> Speaker:
        if self._engine_name == "speechd":
            return SsipSpeaker(speechd_socket())
        return QtSpeaker(self._engine_name)

    def _work(self) -> None:
        speaker: Speaker | None = None
        while True:
            with self._lock:
                while not (self._closing or self._wanted or self._open_wanted
                           or self._stop_wanted):
                    self._lock.wait()
                if self._closing:
                    break
                job, self._wanted = self._wanted, None
                stop, self._stop_wanted = self._stop_wanted, False
                opening, self._open_wanted = self._open_wanted, False
                self._busy_since = self.clock()
            failure = ""
            try:
                if job is not None or opening:
                    speaker = speaker or self._make_speaker()
                    if job is not None:
                        speaker.speak(*job)
                    else:
                        speaker.open()
                elif stop and speaker is not None:
                    speaker.stop()
            except SpeechError as exc:
                failure = str(exc)
            except Exception as exc:  # an engine's own bug must not end the voice for good
                log.exception("voice prompt failed")
                failure = f"{type(exc).__name__}: {exc}"
            with self._lock:
                self._busy_since = None
                if failure:
                    self._set_off(self.clock(), failure)
                elif speaker is not None and (job is not None or opening):
                    if not self._ready:
                        log.info("voice prompts on (%s)", self._engine_name or "default engine")
                    self._ready = True
                    self._off_reason = ""
        if speaker is not None:
            speaker.close()
