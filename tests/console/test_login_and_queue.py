"""Logging in (right, wrong, server down) and the live queue in the console."""

from __future__ import annotations

import asyncio
import shutil
import socket
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
from PySide6.QtWidgets import QDialog

from center.console.app import I18N
from center.console.window import LoginDialog
from shared import protocol as p
from shared.ui.i18n import Translations, compile_translations
from tests.conftest import PASSWORD, Seed
from tests.console.conftest import Console, RecordsServer, until


async def log_in(url: str, username: str, password: str) -> LoginDialog:
    async with aiohttp.ClientSession() as http:
        dialog = LoginDialog(url, http)
        dialog.username.setText(username)
        dialog.password.setText(password)
        dialog.button.click()
        await until(lambda: dialog._task is not None and dialog._task.done(), what="login")
        return dialog


async def test_right_password_logs_in(server: RecordsServer) -> None:
    dialog = await log_in(server.url, "alice", PASSWORD)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.staff is not None and dialog.staff.display_name == "Alice"
    assert set(dialog.staff.skills) == {"yibao", "minzheng"}


async def test_wrong_password_says_so_and_keeps_the_dialog(server: RecordsServer) -> None:
    dialog = await log_in(server.url, "alice", "not the password")
    assert dialog.staff is None and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.message.text() == "用户名或密码不对"
    assert dialog.username.text() == "alice" and dialog.button.isEnabled()


async def test_a_server_that_is_down_gets_a_plain_message(qapp: Any) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # nothing listens on the port once the probe is closed
    dialog = await log_in(f"http://127.0.0.1:{port}", "alice", PASSWORD)
    assert dialog.staff is None
    assert dialog.message.text() == "连不上服务器，请检查网络或联系管理员"


async def test_empty_fields_are_asked_for_without_a_request(qapp: Any) -> None:
    async with aiohttp.ClientSession() as http:
        dialog = LoginDialog("http://127.0.0.1:9", http)
        dialog.button.click()
        assert dialog._task is None
        assert dialog.message.text() == "请输入用户名和密码"


async def test_the_supervisor_sees_the_queue_per_business_line_with_waiting_times(
    server: RecordsServer, seeded: Seed, consoles: Callable[..., Any], peers: Callable[..., Any]
) -> None:
    sue: Console = await consoles("sue")
    # the supervisor's console carries the dashboard, fed with the same live snapshots
    titles = [sue.window.tabs.tabText(i) for i in range(sue.window.tabs.count())]
    assert titles == ["受理", "历史查询", "服务监控"]
    kiosk = await peers(server.ws_url, seeded.kiosk_credentials[0])
    await kiosk.send(p.JoinQueue(item_code="YB-003", identified=True))
    table = sue.window.queue_table
    await until(lambda: table.table.rowCount() == 1, what="the queue row")
    item = table.table.item(0, 1)
    assert item is not None and item.text().startswith("长期护理保险申请")
    assert "医保 1 人" in table.summary.text()
    kiosk_cell = table.table.item(0, 2)
    assert kiosk_cell is not None and kiosk_cell.text() == "测试机1"
    # the waiting time goes on counting between snapshots
    first = sue.client.queue.ordered(sue.client.server_now())[0][1]
    await until(
        lambda: sue.client.queue.ordered(sue.client.server_now())[0][1] >= first + 1,
        what="the wait to grow",
    )


async def test_a_clerk_sees_the_queue_of_their_center_too(
    server: RecordsServer, seeded: Seed, consoles: Callable[..., Any], peers: Callable[..., Any]
) -> None:
    alice: Console = await consoles("alice")
    await until(lambda: alice.client.queue.visible, what="the queue to be shown")
    kiosk = await peers(server.ws_url, seeded.kiosk_credentials[0])
    await kiosk.send(p.JoinQueue(item_code="YB-003", identified=True))
    table = alice.window.queue_table
    await until(lambda: table.table.rowCount() == 1, what="the queue row")
    item = table.table.item(0, 1)
    assert item is not None and item.text().startswith("长期护理保险申请")


async def test_every_console_text_has_an_english_translation(qapp: Any, tmp_path: Path) -> None:
    # compiled in a private copy: the test stands alone from the other apps' sources
    folder = tmp_path / "center" / "i18n"
    folder.mkdir(parents=True)
    shutil.copy(I18N / "console_en.ts", folder)
    assert compile_translations(tmp_path) == [folder / "console_en.qm"]
    root = ET.parse(I18N / "console_en.ts").getroot()
    untranslated = []
    for message in root.iter("message"):
        translation = message.find("translation")
        if translation is None or translation.get("type") in ("unfinished", "obsolete"):
            untranslated.append(message.findtext("source"))
    assert untranslated == []
    translations = Translations(qapp, {"console": folder})
    try:
        assert translations.set_language("en")
        async with aiohttp.ClientSession() as http:
            dialog = LoginDialog("http://127.0.0.1:9", http)
            assert dialog.button.text() == "Log in"
            dialog.button.click()
            assert dialog.message.text() == "Enter your username and password"
    finally:
        translations.set_language("zh_CN")


async def test_the_app_logs_in_opens_the_window_and_ends_when_it_is_closed(
    server: RecordsServer,
) -> None:
    from PySide6.QtWidgets import QApplication

    from center.console.app import console_session
    from center.console.client import ConsoleOptions
    from center.console.window import ConsoleWindow
    from shared.call.ice import IcePolicy
    from shared.signaling_client import LinkState

    def top(kind: type[Any]) -> Any:
        return next((w for w in QApplication.topLevelWidgets() if isinstance(w, kind)
                     and w.isVisible()), None)

    session = asyncio.ensure_future(
        console_session(
            server.url, username="alice", options=ConsoleOptions(ice_policy=IcePolicy.loopback())
        )
    )
    await until(lambda: top(LoginDialog) is not None, what="the login dialog")
    dialog = top(LoginDialog)
    assert dialog.username.text() == "alice"
    dialog.password.setText(PASSWORD)
    dialog.button.click()
    await until(lambda: top(ConsoleWindow) is not None, what="the main window")
    window = top(ConsoleWindow)
    await until(
        lambda: window.client is not None and window.client.link == LinkState.CONNECTED,
        what="connected",
    )
    assert "Alice" in window.windowTitle()
    window.close()
    assert await asyncio.wait_for(session, 10) == 0
