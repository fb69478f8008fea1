"""Speech never blocks the kiosk: every call into the engine runs on the voice's own thread
with a time limit. A stand-in speech-dispatcher on a Unix socket (where ``SPEECHD_ADDRESS``
points, as for libspeechd) answers SSIP properly, or accepts and never says a word."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk import flow
from kiosk.ui import voice as voice_module
from kiosk.ui.screenshots import DemoDriver, demo_catalog
from kiosk.ui.voice import RETRY_S, WATCHDOG_S, Voice, ssip_message
from kiosk.ui.window import KioskScreens

REPLIES = {
    "SET SELF CLIENT_NAME": b"208 OK CLIENT NAME SET\r\n",
    "SET SELF LANGUAGE": b"201 OK LANGUAGE SET\r\n",
    "CANCEL SELF": b"213 OK CANCELED\r\n",
    "SPEAK": b"230 OK RECEIVING DATA\r\n",
    "QUIT": b"231 HAPPY HACKING\r\n",
}


class FakeSpeechd:
    """``answers``: how many commands of each connection get an SSIP reply (None: all);
    after that the connection stays open and silent, as a wedged daemon's does."""

    def __init__(self, path: Path, answers: int | None) -> None:
        self.answers = answers
        self.connections = 0
        self.commands: list[str] = []
        self.spoken: list[str] = []
        self._held: list[socket.socket] = []
        self._closed = threading.Event()
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(str(path))
        self._listener.listen(8)
        self._listener.settimeout(0.1)
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._closed.set()
        self._listener.close()
        for conn in self._held:
            conn.close()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            self._held.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        buffer, answered = b"", 0
        data: list[str] | None = None
        with conn:
            while not self._closed.is_set():
                try:
                    chunk = conn.recv(4096)
                except OSError:
                    return
                if not chunk:
                    return
                buffer += chunk
                while b"\r\n" in buffer:
                    raw, buffer = buffer.split(b"\r\n", 1)
                    line = raw.decode("utf-8")
                    if data is not None:
                        if line != ".":
                            data.append(line[1:] if line.startswith("..") else line)
                            continue
                        self.spoken.append("\n".join(data))
                        data, reply = None, b"225-1\r\n225 OK MESSAGE QUEUED\r\n"
                    else:
                        self.commands.append(line)
                        reply = next((answer for start, answer in REPLIES.items()
                                      if line.startswith(start)), b"300 ERR UNKNOWN\r\n")
                        if line == "SPEAK":
                            data = []
                    if self.answers is not None and answered >= self.answers:
                        continue  # wedged: reads on, never answers
                    answered += 1
                    try:
                        conn.sendall(reply)
                    except OSError:
                        return  # closed with the test


@pytest.fixture
def speechd_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "speechd.sock"
    monkeypatch.setenv("SPEECHD_ADDRESS", f"unix_socket:{path}")
    # never the machine's own daemon
    monkeypatch.setattr("kiosk.ui.voice.shutil.which", lambda _: None)
    return path


@pytest.fixture
def fake_speechd(speechd_path: Path, request: pytest.FixtureRequest) -> Iterator[FakeSpeechd]:
    daemon = FakeSpeechd(speechd_path, getattr(request, "param", None))
    yield daemon
    daemon.close()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_lone_dot_line_is_escaped_and_the_message_ended() -> None:
    assert ssip_message("你好\n.\n再见") == "你好\r\n..\r\n再见\r\n.\r\n".encode()


def test_prompts_reach_an_answering_speech_dispatcher(
    qapp: QApplication, qtbot: QtBot, fake_speechd: FakeSpeechd
) -> None:
    voice = Voice(engine="speechd")
    try:
        voice.prepare()
        qtbot.waitUntil(lambda: voice.available, timeout=10_000)
        voice.say("请把身份证放在读卡器上。")
        qtbot.waitUntil(lambda: fake_speechd.spoken == ["请把身份证放在读卡器上。"],
                        timeout=10_000)
        voice.set_language("en")
        voice.say("Please place your ID card on the reader.")
        qtbot.waitUntil(lambda: len(fake_speechd.spoken) == 2, timeout=10_000)
        # one connection; each prompt replaces what is still being said
        assert fake_speechd.connections == 1
        assert fake_speechd.commands == [
            "SET SELF CLIENT_NAME kiosk:vwindow:prompts",
            "SET SELF LANGUAGE zh", "CANCEL SELF", "SPEAK",
            "SET SELF LANGUAGE en", "CANCEL SELF", "SPEAK",
        ]
        # a burst of prompts: the newest is said, none is queued behind a slow engine
        for number in range(20):
            voice.say(f"第{number}条")
        qtbot.waitUntil(lambda: fake_speechd.spoken[-1] == "第19条", timeout=10_000)
        assert len(fake_speechd.spoken) <= 22
    finally:
        voice.close()


@pytest.mark.parametrize("fake_speechd", [0], indirect=True)
def test_a_daemon_that_never_answers_leaves_the_voice_off_and_retried_later(
    qapp: QApplication, qtbot: QtBot, fake_speechd: FakeSpeechd,
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="kiosk.ui.voice")
    monkeypatch.setattr(voice_module, "CALL_LIMIT_S", 0.5)
    voice = Voice(engine="speechd")
    clock = Clock()
    voice.clock = clock
    try:
        voice.say("您好")
        qtbot.waitUntil(lambda: "did not answer" in caplog.text, timeout=15_000)
        assert not voice.available and fake_speechd.connections == 1
        # while off, prompts are dropped on the spot: nothing waits for the engine
        voice.say("请选择您要办的事。")
        assert voice._wanted is None
        clock.now += RETRY_S / 2
        voice.say("请选择您要办的事。")
        assert voice._wanted is None
        # later, one more try (a fresh connection), off again
        clock.now += RETRY_S
        voice.say("请看一下要带的材料，带齐了请点确认。")
        qtbot.waitUntil(lambda: fake_speechd.connections == 2, timeout=15_000)
        assert fake_speechd.spoken == []
        assert caplog.text.count("voice prompts off") == 1  # said once, not per prompt
    finally:
        voice.close()


class HangingSpeaker:
    """An engine whose every call hangs until released (Qt's engine in a wedged daemon)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls = 0

    def open(self) -> None:
        self.calls += 1
        self.release.wait(60)

    def speak(self, value: str, language: str) -> None:
        self.open()

    def stop(self) -> None:
        self.open()

    def close(self) -> None:
        pass


def test_an_engine_call_that_never_returns_turns_the_voice_off(
    qapp: QApplication, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="kiosk.ui.voice")
    speaker = HangingSpeaker()
    voice = Voice(engine="mock")
    voice._make_speaker = lambda: speaker  # type: ignore[method-assign]
    clock = Clock()
    voice.clock = clock
    try:
        voice.say("您好")
        qtbot.waitUntil(lambda: speaker.calls == 1, timeout=10_000)
        voice.say("请选择您要办的事。")  # waits in the one-prompt mailbox
        clock.now += WATCHDOG_S + 1
        assert not voice.available
        assert "has not returned" in caplog.text
        voice.say("请看一下要带的材料，带齐了请点确认。")
        assert voice._wanted == ("请选择您要办的事。", "zh_CN")
    finally:
        voice.close()
        speaker.release.set()


@pytest.mark.parametrize("fake_speechd", [1], indirect=True)
def test_the_kiosk_stays_responsive_when_speech_dispatcher_hangs_after_its_greeting(
    qapp: QApplication, qtbot: QtBot, fake_speechd: FakeSpeechd,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """As seen on a kiosk with no audio device: the daemon answers at start, then pressing
    材料带齐了 (which speaks the card prompt) must not freeze the screens."""
    caplog.set_level(logging.INFO, logger="kiosk.ui.voice")
    catalog = demo_catalog()
    view = KioskScreens(upper_screen=0, lower_screen=0, kiosk_mode=False,
                        voice=Voice(engine="speechd"), catalog=catalog)
    session = flow.Session(flow.FlowConfig())
    driver = DemoDriver(view, session)
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(20)
    try:
        view.resize(1600, 900)
        view.show()
        view.render(session, driver.now)
        qtbot.waitUntil(lambda: view.voice.available, timeout=10_000)
        start = view.lower.page(flow.Screen.WELCOME).start  # type: ignore[attr-defined]
        qtbot.mouseClick(start, Qt.MouseButton.LeftButton)
        assert session.state is flow.Screen.CHOOSE_ITEM
        driver.send(flow.ItemChosen(next(i for i in catalog if i.code == "CL-002")))
        confirm = view.lower.page(flow.Screen.MATERIALS).confirm  # type: ignore[attr-defined]
        assert confirm.text() == "材料带齐了，下一步"
        qtbot.mouseClick(confirm, Qt.MouseButton.LeftButton)
        assert session.state is flow.Screen.CARD
        assert view.voice.spoken[-1] == "请把身份证放在读卡器上。"
        # the UI thread goes on: its timer fires, the next screen comes up
        seen = len(ticks)
        qtbot.waitUntil(lambda: len(ticks) >= seen + 10, timeout=30_000)
        driver.send(flow.SkipCard())
        assert view.lower.state is flow.Screen.WAITING
        qtbot.waitUntil(lambda: "voice prompts off" in caplog.text, timeout=30_000)
        assert not view.voice.available
        seen = len(ticks)
        qtbot.waitUntil(lambda: len(ticks) >= seen + 10, timeout=30_000)
        assert fake_speechd.spoken == []
    finally:
        timer.stop()
        view.close()
        for window in view.windows:
            window.deleteLater()
        view.deleteLater()
