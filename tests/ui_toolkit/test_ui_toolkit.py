"""The shared Qt toolkit: translations compile and switch, frames become images, and
aiohttp runs inside the Qt loop."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest
from aiohttp import web
from av import VideoFrame
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from shared.ui.frames import video_frame_to_qimage
from shared.ui.i18n import (
    Translations,
    compile_translations,
    normalise_language,
    translation_sources,
)
from shared.ui.loop import qt_application, run_with_qt

TS = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>Probe</name>
    <message>
        <source>请把身份证放在读卡器上</source>
        <translation>Please place your ID card on the reader</translation>
    </message>
</context>
</TS>
"""


@pytest.fixture
def app() -> QApplication:
    return qt_application()


def test_translations_compile_and_switch_at_run_time(tmp_path: Path, app: QApplication) -> None:
    folder = tmp_path / "kiosk" / "i18n"
    folder.mkdir(parents=True)
    (folder / "probe_en.ts").write_text(TS, encoding="utf-8")
    assert translation_sources(tmp_path) == [folder / "probe_en.ts"]
    assert compile_translations(tmp_path) == [folder / "probe_en.qm"]
    translations = Translations(app, {"probe": folder})
    source = "请把身份证放在读卡器上"
    assert translations.set_language("en_GB")
    assert QCoreApplication.translate("Probe", source) == "Please place your ID card on the reader"
    assert translations.set_language("zh_CN")
    assert QCoreApplication.translate("Probe", source) == source


def test_a_missing_compiled_translation_falls_back_to_chinese(
    tmp_path: Path, app: QApplication
) -> None:
    translations = Translations(app, {"absent": tmp_path})
    assert not translations.set_language("en")
    assert QCoreApplication.translate("Probe", "您好") == "您好"


def test_a_broken_source_names_itself(tmp_path: Path) -> None:
    folder = tmp_path / "center" / "i18n"
    folder.mkdir(parents=True)
    (folder / "bad_en.ts").write_text("<TS><context>", encoding="utf-8")
    with pytest.raises(RuntimeError, match=r"bad_en\.ts"):
        compile_translations(tmp_path)


def test_language_names_are_normalised() -> None:
    assert normalise_language("en_US") == "en"
    assert normalise_language("zh_TW") == "zh_CN"
    assert normalise_language(None) == "zh_CN"


def test_video_frames_become_owned_images_scaled_down(app: QApplication) -> None:
    rgb = np.zeros((480, 640, 3), np.uint8)
    rgb[:, :320] = (255, 0, 0)
    frame = VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")
    image = video_frame_to_qimage(frame, max_width=320)
    del frame, rgb
    assert (image.width(), image.height()) == (320, 240)
    left, right = image.pixelColor(40, 120), image.pixelColor(280, 120)
    assert left.red() > 200 and left.blue() < 60
    assert right.red() < 60
    full = video_frame_to_qimage(VideoFrame.from_ndarray(np.zeros((120, 160, 3), np.uint8)))
    assert (full.width(), full.height()) == (160, 120)


@pytest.mark.parametrize("width", [800, 1366, 642])
def test_frames_whose_rows_are_padded_convert(app: QApplication, width: int) -> None:
    rgb = np.full((240, width, 3), 200, np.uint8)
    rgb[:, -2:] = (0, 0, 255)
    frame = VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")
    image = video_frame_to_qimage(frame)
    assert (image.width(), image.height()) == (width, 240)
    assert image.pixelColor(width - 1, 120).blue() > 150
    assert image.pixelColor(0, 120).red() > 150


def test_aiohttp_runs_inside_the_qt_loop(app: QApplication) -> None:
    async def main() -> int:
        async def hello(_: web.Request) -> web.Response:
            return web.Response(text="你好")

        server = web.Application()
        server.router.add_get("/", hello)
        runner = web.AppRunner(server)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        try:
            import aiohttp

            async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/") as r:
                text = await r.text()
            # many short sleeps: the killTimer leak of some PySide6 builds crashed here
            for _ in range(2000):
                await asyncio.sleep(0)
                await asyncio.sleep(0.0001)
        finally:
            await runner.cleanup()
        return 0 if text == "你好" else 1

    assert run_with_qt(app, main) == 0
