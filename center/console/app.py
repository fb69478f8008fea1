"""``vwindow console``: log in, then the main window until the clerk closes it."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import aiohttp
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from center.console.client import ConsoleClient, ConsoleOptions
from center.console.widgets import fill
from center.console.window import ConsoleWindow, LoginDialog
from shared.signaling_client import LinkRefused
from shared.ui.i18n import Translations
from shared.ui.loop import qt_application, run_with_qt
from shared.ui.placement import demo_area

log = logging.getLogger(__name__)

I18N = Path(__file__).resolve().parent / "i18n"


def prepare_application(language: str = "zh_CN") -> tuple[QApplication, Translations]:
    app = qt_application()
    app.setApplicationName("vwindow-console")
    font = QFont(app.font())
    font.setFamilies(["Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "sans-serif"])
    font.setPointSize(12)
    app.setFont(font)
    folders = {"console": I18N}
    try:
        from center.console import dashboard
    except ImportError:  # a build without the supervisor's dashboard
        pass
    else:
        folders[dashboard.DOMAIN] = dashboard.I18N
    translations = Translations(app, folders)
    translations.set_language(language)
    return app, translations


async def console_session(
    server_url: str,
    *,
    username: str = "",
    options: ConsoleOptions | None = None,
) -> int:
    """The login dialog, then the window; returns 0 when the clerk closed it, 1 when they
    gave up logging in, 2 when the server refused the session."""
    async with aiohttp.ClientSession() as http:
        area = demo_area()
        dialog = LoginDialog(server_url, http, username)
        dialog.show()
        if area is not None:
            frame = dialog.frameGeometry()
            frame.moveCenter(area.center())
            dialog.move(frame.topLeft())
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        def finished(code: int) -> None:
            if not done.done():
                done.set_result(code)

        dialog.finished.connect(finished)
        if await done != QDialog.DialogCode.Accepted or dialog.staff is None:
            return 1
        staff = dialog.staff
        url = dialog.server_url()
        window = ConsoleWindow(url, staff)
        client = ConsoleClient(url, staff, http, window, options)
        window.attach(client)
        if area is not None:
            window.setGeometry(area)
            window.show()
        else:
            window.showMaximized()
        try:
            await client.start()
        except (LinkRefused, TimeoutError) as exc:
            QMessageBox.critical(
                window,
                QCoreApplication.translate("console", "无法连接"),
                fill(QCoreApplication.translate("console", "服务器拒绝了连接：%1"), str(exc)),
            )
            await client.close()
            return 2
        try:
            await window.closed.wait()
        finally:
            await client.close()
        return 0


def run_console_app(
    server_url: str,
    *,
    username: str = "",
    language: str = "zh_CN",
    options: ConsoleOptions | None = None,
) -> int:
    app, _translations = prepare_application(language)
    app.setQuitOnLastWindowClosed(False)
    return run_with_qt(
        app, lambda: console_session(server_url.rstrip("/"), username=username, options=options)
    )
