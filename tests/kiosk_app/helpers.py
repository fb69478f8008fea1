"""The kiosk app against a real server (signaling plus the records routes, as ``vwindow serve``
mounts them), a real clerk console peer and simulated devices, all inside one qasync loop."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from aiohttp import web
from PySide6.QtCore import QBuffer, QIODevice, QPointF, Qt
from PySide6.QtGui import QImage, QPainter, QPen
from PySide6.QtWidgets import QApplication

from center.headless import ConsoleOptions, HeadlessConsole
from kiosk import flow
from kiosk.config import DevicesConfig
from kiosk.devices.manager import DeviceManager
from kiosk.ui import view_api as v
from kiosk.ui.controller import ControllerOptions, KioskController
from shared.call import messages as m
from shared.call.ice import IcePolicy
from shared.call.media import MediaConfig
from shared.call.session import CallSession
from shared.ui.loop import run_with_qt
from signaling.config import ServerConfig
from tests.conftest import FAST_ROUTING, PASSWORD, Seed, TestServer
from vwindow.server import create_server

PAGE_LABELS = ("身份证正反面", "户口簿", "申请表")


class FullServer(TestServer):
    """The server with the records routes (pages, cases, ratings, 办不成事)."""

    __test__ = False

    async def start(self) -> None:
        self.runner = web.AppRunner(create_server(self.config), shutdown_timeout=2)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", self.port)
        await site.start()
        self.port = self.runner.addresses[0][1]


def full_server(database_url: str, data_dir: Path) -> FullServer:
    return FullServer(
        ServerConfig(
            host="127.0.0.1",
            port=0,
            data_dir=data_dir,
            database_url=database_url,
            routing=FAST_ROUTING,
            snapshot_interval_s=0.05,
        )
    )


def run_qt(app: QApplication, main: Callable[[], Awaitable[None]], timeout: float = 90) -> None:
    """``main`` on a qasync loop over ``app`` (the kiosk app's own loop), with a bound."""

    async def bounded() -> int:
        await asyncio.wait_for(main(), timeout)
        return 0

    try:
        assert run_with_qt(app, bounded) == 0
    finally:
        # collect what the loop left (it holds Qt timers and notifiers) here, on the Qt
        # thread: a collection a device thread happens to trigger later must not free it
        gc.collect()


def state(controller: KioskController) -> flow.Screen:
    """The flow's state, read through a call (so that mypy keeps no old narrowing)."""
    return controller.session.state


async def eventually(
    check: Callable[[], Any], what: str | Callable[[], str], timeout: float = 20.0
) -> Any:
    """Poll ``check`` until it returns something true; ``what`` (or what it returns, when
    it fails) says what was awaited."""
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            said = what() if callable(what) else what
            raise AssertionError(f"{said}: not within {timeout} s")
        await asyncio.sleep(0.02)
    return result


@dataclass
class RecordingView:
    """Keeps what the controller asked of the screens (the controller's unit tests only; the
    whole visit runs on the real screens)."""

    handler: Callable[[object], None] | None = None
    catalog: list[Any] = field(default_factory=list)
    states: list[flow.Screen] = field(default_factory=list)
    remote_frames: int = 0
    local_frames: int = 0
    guest_frames: int = 0
    guests: list[str | None] = field(default_factory=list)
    last_remote: QImage | None = None
    statuses: list[v.CallStatusView] = field(default_factory=list)
    previews: dict[str, tuple[QImage, str]] = field(default_factory=dict)
    form: v.FormView | None = None
    messages: list[str] = field(default_factory=list)
    spoken: list[str] = field(default_factory=list)
    elderly: bool = False
    language: str = "zh_CN"
    wipes: int = 0

    def set_event_handler(self, on_event: object) -> None:
        assert callable(on_event)
        self.handler = on_event

    def set_catalog(self, items: list[object]) -> None:
        self.catalog = list(items)

    def render(self, session: flow.Session, now: float) -> None:
        if not self.states or self.states[-1] is not session.state:
            self.states.append(session.state)

    def set_remote_frame(self, image: QImage) -> None:
        self.remote_frames += 1
        self.last_remote = image

    def set_local_frame(self, image: QImage) -> None:
        self.local_frames += 1

    def set_guest(self, name: str | None) -> None:
        self.guests.append(name)

    def set_guest_frame(self, image: QImage) -> None:
        self.guest_frames += 1

    def set_call_status(self, status: v.CallStatusView) -> None:
        self.statuses.append(status)

    def add_page_preview(self, page_id: str, image: QImage, label: str) -> None:
        self.previews[page_id] = (image, label)

    def clear_page_previews(self) -> None:
        self.previews.clear()

    def set_form(self, form: v.FormView | None) -> None:
        self.form = form

    def show_message(self, key: str) -> None:
        self.messages.append(key)

    def speak(self, text_key: str) -> None:
        self.spoken.append(text_key)

    def set_elderly_mode(self, on: bool) -> None:
        self.elderly = on

    def set_language(self, language: str) -> None:
        self.language = language

    def wipe(self) -> None:
        self.wipes += 1
        self.previews.clear()
        self.form = None
        self.last_remote = None

    # the resident's touches
    def touch(self, event: object) -> None:
        assert self.handler is not None
        self.handler(flow.Touched())
        self.handler(event)


def signature_png(width: int = 400, height: int = 160) -> bytes:
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.setPen(QPen(Qt.GlobalColor.black, 4))
    painter.drawLine(QPointF(20, 120), QPointF(200, 40))
    painter.drawLine(QPointF(200, 40), QPointF(380, 130))
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stub says bytes
    return bytes(buffer.data().data())


STROKES = (((20.0, 120.0, 0), (200.0, 40.0, 180)), ((200.0, 40.0, 400), (380.0, 130.0, 620)))


class AskingConsole(HeadlessConsole):
    """The headless clerk, who also asks the kiosk for each page (a screen kiosk scans only
    when asked), then goes on as scripted: rescan, form, receipt, hang-up."""

    _asking: asyncio.Task[None] | None = None

    async def run(self) -> dict[str, Any]:
        try:
            return await super().run()
        finally:
            if self._asking is not None:
                self._asking.cancel()
                await asyncio.gather(self._asking, return_exceptions=True)

    async def _on_call(self, session: CallSession) -> None:
        await super()._on_call(session)
        self._asking = asyncio.ensure_future(self._ask_pages(session))

    async def _ask_pages(self, session: CallSession) -> None:
        await session.wait_media(30)
        for index, label in enumerate(PAGE_LABELS):
            await session.send(m.DeviceCommand(command="capture_page", note=label))
            await self._wait_pages(index + 1)


def console_options(server: TestServer, **changes: Any) -> ConsoleOptions:
    return replace(
        ConsoleOptions(
            server_url=server.url,
            username="alice",
            password=PASSWORD,
            ice_policy=IcePolicy.loopback(),
            media=MediaConfig(synthetic_label="console"),
            timeout_s=120,
        ),
        **changes,
    )


def controller_options(server: TestServer, seeded: Seed, tmp: Path, **flow_changes: Any) -> Any:
    return ControllerOptions(
        server_url=server.url,
        credential=seeded.kiosk_credentials[0],
        ice_policy=IcePolicy.loopback(),
        runtime_root=tmp / "runtime",
        tick_s=0.1,
        scan_delay_s=0.0,
        flow=flow.FlowConfig(**flow_changes),
    )


def simulated_devices(tmp: Path, **changes: Any) -> DeviceManager:
    config = DevicesConfig(
        card_reader="simulated",
        scanner="simulated",
        printer=f"pdf:{tmp / 'receipt-{case_number}.pdf'}",
    )
    return DeviceManager(replace(config, **changes), retry_s=60)


__all__ = [
    "STROKES",
    "AskingConsole",
    "KioskController",
    "RecordingView",
    "console_options",
    "controller_options",
    "eventually",
    "full_server",
    "run_qt",
    "signature_png",
    "simulated_devices",
    "state",
]
