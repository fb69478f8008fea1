"""The video pane (aspect kept, cheap paint), the countdown ring, the QR view, the voice."""

from __future__ import annotations

import logging
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.ui.voice import Voice, speechd_answers
from kiosk.ui.widgets.countdown import CountdownRing
from kiosk.ui.widgets.video_pane import VideoPane, fit_rect


def test_fit_keeps_the_aspect_and_centres() -> None:
    assert fit_rect(QSize(640, 480), QRect(0, 0, 1920, 1080)) == QRect(240, 0, 1440, 1080)
    assert fit_rect(QSize(640, 360), QRect(0, 0, 800, 800)) == QRect(0, 175, 800, 450)
    assert fit_rect(QSize(0, 0), QRect(0, 0, 10, 10)) == QRect(0, 0, 10, 10)


def test_the_video_pane_paints_the_latest_frame(qtbot: QtBot) -> None:
    pane = VideoPane()
    qtbot.addWidget(pane)
    pane.resize(800, 450)
    pane.show()
    qtbot.waitExposed(pane)
    frame = QImage(640, 480, QImage.Format.Format_RGB32)
    frame.fill(QColor("#ff0000"))
    pane.set_frame(frame)
    picture = pane.grab().toImage()
    assert picture.pixelColor(400, 225) == QColor("#ff0000")
    # bars left and right: 640×480 in 800×450 is 600 wide
    assert picture.pixelColor(50, 225) != QColor("#ff0000")
    assert pane.frames_painted >= 1
    pane.clear()
    assert pane.image is None
    assert pane.grab().toImage().pixelColor(400, 225) != QColor("#ff0000")


def test_the_ring_repaints_only_on_change(qtbot: QtBot) -> None:
    ring = CountdownRing()
    qtbot.addWidget(ring)
    ring.set_time(59.6, 60)
    assert ring.seconds == 60
    ring.set_time(59.2, 60)
    assert ring.seconds == 60
    ring.set_time(0.0, 60)
    assert ring.seconds == 0


def test_the_voice_speaks_through_an_engine(qapp: QApplication) -> None:
    voice = Voice(engine="mock")
    assert voice.available
    voice.say("请把身份证放在读卡器上。")
    assert voice.spoken == ["请把身份证放在读卡器上。"]


def test_without_a_voice_the_kiosk_is_silent_and_says_why(
    qapp: QApplication, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="kiosk.ui.voice")
    voice = Voice(engine="no-such-engine")
    voice.say("您好")  # never raises, never blocks
    assert not voice.available
    assert "voice prompts off" in caplog.text


def _unix_server(path: Path, answer: bytes | None) -> threading.Thread:
    """A stand-in speech-dispatcher socket: answers the greeting, or accepts and says nothing."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(4)

    def serve() -> None:
        with listener:
            listener.settimeout(5)
            held = []
            try:
                while True:
                    conn, _ = listener.accept()
                    held.append(conn)
                    if answer is not None:
                        conn.recv(256)
                        conn.sendall(answer)
            except OSError:
                pass
            for conn in held:
                conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return thread


def test_a_speech_dispatcher_that_never_answers_cannot_freeze_the_kiosk(
    qapp: QApplication, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="kiosk.ui.voice")
    wedged, answering = tmp_path / "wedged.sock", tmp_path / "ok.sock"
    _unix_server(wedged, None)
    _unix_server(answering, b"208 OK CLIENT NAME SET\r\n")
    assert speechd_answers(answering)
    started = time.monotonic()
    assert not speechd_answers(wedged, timeout=0.3)
    assert time.monotonic() - started < 2
    # the kiosk's voice: the probe runs off the UI thread, prompts meanwhile are silent
    monkeypatch.setenv("SPEECHD_ADDRESS", f"unix_socket:{wedged}")
    monkeypatch.setattr("kiosk.ui.voice.shutil.which", lambda _: None)
    voice = Voice(engine="speechd")
    started = time.monotonic()
    voice.prepare()
    voice.say("您好")
    assert time.monotonic() - started < 0.5
    qtbot.waitUntil(lambda: "speech-dispatcher does not answer" in caplog.text, timeout=5000)
    assert not voice.available
