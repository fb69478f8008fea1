"""The video pane (aspect kept, cheap paint), the countdown ring, the QR view, the voice."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.ui.voice import Voice
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


def test_the_voice_speaks_through_an_engine(qapp: QApplication, qtbot: QtBot) -> None:
    voice = Voice(engine="mock")
    try:
        voice.say("请把身份证放在读卡器上。")
        assert voice.spoken == ["请把身份证放在读卡器上。"]
        # the engine starts on the voice's own thread
        qtbot.waitUntil(lambda: voice.available, timeout=10_000)
    finally:
        voice.close()


def test_without_a_voice_the_kiosk_is_silent_and_says_why(
    qapp: QApplication, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="kiosk.ui.voice")
    voice = Voice(engine="no-such-engine")
    try:
        voice.say("您好")  # never raises, never blocks
        qtbot.waitUntil(lambda: "voice prompts off" in caplog.text, timeout=10_000)
        assert not voice.available
    finally:
        voice.close()
