"""The kiosk app: the Qt application, its translations, the two screens, the devices and the
controller, on one qasync loop (``shared.ui.loop.run_with_qt``).

It ends on the admin exit (gesture + PIN on the screens), on SIGINT/SIGTERM, or when the
server refuses the kiosk's credential for good; a visit in progress is wiped first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from kiosk.config import KioskConfig, ScreensConfig
from kiosk.devices.cards.simulated import SimulatedCardReader
from kiosk.devices.manager import DeviceManager
from kiosk.ui import view_api as v
from kiosk.ui.controller import ControllerOptions, KioskController
from shared.call.ice import IcePolicy
from shared.call.media import MediaConfig
from shared.ui.i18n import Translations
from shared.ui.loop import qt_application, run_with_qt

log = logging.getLogger(__name__)

I18N_FOLDER = Path(__file__).resolve().parent / "i18n"

ScreensFactory = Callable[[ScreensConfig, Translations], v.KioskView]


@dataclass(frozen=True)
class AppOptions:
    """What the command line adds to the config file."""

    credential: str
    #: None: as the server's address says (IcePolicy.for_server)
    ice_policy: IcePolicy | None = None
    relay_only: bool = False
    #: ``None``: from the config's camera and microphone (empty = synthetic)
    media: MediaConfig | None = None
    scan_delay_s: float = 3.0


def real_screens(config: ScreensConfig, translations: Translations) -> v.KioskView:
    """``KioskScreens`` on the configured screens (one window holding both panes when the
    machine has one screen); without a voice when ``voice = false``."""
    from kiosk.ui.voice import Voice
    from kiosk.ui.window import KioskScreens

    class SilentVoice(Voice):
        """Never starts a speech engine (none is contacted, not even at start-up)."""

        def prepare(self) -> None:
            pass

        def say(self, value: str) -> None:
            pass

    return KioskScreens(
        upper_screen=config.upper,
        lower_screen=config.lower,
        admin_pin=config.admin_pin,
        kiosk_mode=config.fullscreen,
        translations=translations,
        voice=None if config.voice else SilentVoice(),
    )


class KioskApp:
    """Assembles and runs the pieces; also used by the tests and the benchmark."""

    def __init__(
        self,
        config: KioskConfig,
        options: AppOptions,
        *,
        app: QApplication | None = None,
        make_screens: ScreensFactory = real_screens,
        controller_options: dict[str, Any] | None = None,
    ) -> None:
        self.config = config
        self.options = options
        self.app = app or qt_application()
        # the app ends through stop() and wipes first; a closed window must not end the loop
        self.app.setQuitOnLastWindowClosed(False)
        self.translations = Translations(self.app, {"kiosk": I18N_FOLDER})
        self.view = make_screens(config.screens, self.translations)
        self.devices = DeviceManager(config.devices, config.reader_profiles)
        devices = config.devices
        media = options.media or MediaConfig(
            video_device=devices.camera, audio_device=devices.microphone, synthetic_label="kiosk"
        )
        self.controller = KioskController(
            self.view,
            ControllerOptions(
                server_url=config.server.rstrip("/"),
                credential=options.credential,
                media=media,
                ice_policy=options.ice_policy,
                relay_only=options.relay_only,
                runtime_root=config.runtime_dir,
                scan_delay_s=options.scan_delay_s,
                **(controller_options or {}),
            ),
            self.devices,
            # the screens switch the translations themselves
            on_exit=self.stop,
        )
        self._stop = asyncio.Event()
        self.exit_status = 0

    def stop(self, status: int = 0) -> None:
        self.exit_status = status
        self._stop.set()

    async def start(self) -> None:
        self._stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            # the windows refuse to close (kiosk mode): a signal ends the app through here
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, self.stop)
        await self.devices.start()
        self._offer_demo_card()
        await self.controller.start()
        self.view.set_language(self.config.screens.language)
        self.view.set_elderly_mode(self.config.screens.elderly)
        show = getattr(self.view, "show", None)
        if callable(show):
            show()

    def _offer_demo_card(self) -> None:
        """With the simulated card reader (``--demo``) the screens get a control to put the
        demo ID card on and take it off, so one person can play the whole visit; the card
        is then read as any card is, through the reader."""
        reader = self.devices.card_reader
        offer = getattr(self.view, "offer_demo_card", None)
        show = getattr(self.view, "show_demo_card", None)
        if not isinstance(reader, SimulatedCardReader) or not callable(offer):
            return
        loop = asyncio.get_running_loop()

        def card_moved(present: bool) -> None:
            # the reader reports on the thread that moved the card: shown on the loop's
            if callable(show):
                loop.call_soon_threadsafe(show, present)

        self.devices.on_card(card_moved)
        offer(lambda on: reader.insert() if on else reader.remove())

    async def wait(self) -> int:
        """Until stopped, or until the server refuses this kiosk for good (exit status 3)."""
        signaling = self.controller.signaling
        assert signaling is not None
        stopped = asyncio.ensure_future(self._stop.wait())
        try:
            while not stopped.done():
                if signaling.refused is not None:
                    log.error(
                        "the server refused this kiosk: %s (%s); enroll it again",
                        signaling.refused.code,
                        signaling.refused.reason,
                    )
                    self.exit_status = 3
                    break
                await asyncio.wait({stopped}, timeout=1.0)
        finally:
            stopped.cancel()
        return self.exit_status

    async def close(self) -> None:
        await self.controller.close()
        await self.devices.close()
        close = getattr(self.view, "close", None)
        if callable(close):
            close()

    async def run(self) -> int:
        await self.start()
        try:
            return await self.wait()
        finally:
            await self.close()


def run_kiosk_app(
    config: KioskConfig,
    options: AppOptions,
    *,
    argv: list[str] | None = None,
    make_screens: ScreensFactory = real_screens,
) -> int:
    """The kiosk app until the admin exit or a signal; the process's exit status."""
    app = qt_application(argv)
    app.setApplicationName("vwindow-kiosk")
    kiosk = KioskApp(config, options, app=app, make_screens=make_screens)
    return run_with_qt(app, kiosk.run)
