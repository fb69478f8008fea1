"""What a screen reader finds in the console: every control named (uniquely within its panel)
and described, through Qt's accessibility interface (what AT-SPI reads); the state switch
works through the accessible actions; what is painted over the video is readable."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QGroupBox,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTabWidget,
    QWidget,
)

from center.console.window import LoginDialog
from kiosk.headless import HeadlessKiosk, KioskOptions
from shared import protocol as p
from shared.call.ice import IcePolicy
from tests.conftest import Seed
from tests.console.conftest import Console, RecordsServer, until

pytestmark = pytest.mark.timeout(150)

INTERACTIVE = (
    QAbstractButton,
    QLineEdit,
    QPlainTextEdit,
    QComboBox,
    QAbstractSpinBox,
    QAbstractScrollArea,
    QTabWidget,
)
#: the parts of a compound control that a screen reader meets as the control itself
COMPOUND = (QComboBox, QAbstractSpinBox, QAbstractItemView, QTabBar)


def controls(root: QWidget) -> list[QWidget]:
    found: list[QWidget] = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or isinstance(widget, QTabBar):
            continue
        if (
            isinstance(widget, QAbstractScrollArea)
            and not isinstance(widget, QAbstractItemView)
            and widget.focusPolicy() == Qt.FocusPolicy.NoFocus
        ):
            continue  # a scroller that only lays its rows out
        parent = widget.parentWidget()
        inner = False
        while parent is not None and parent is not root:
            if isinstance(parent, COMPOUND):
                inner = True
                break
            parent = parent.parentWidget()
        if not inner:
            found.append(widget)
    return found


def panel_of(widget: QWidget, root: QWidget) -> QWidget:
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, QGroupBox):
            return parent
        parent = parent.parentWidget()
    return root


def unnamed_or_repeated(root: QWidget) -> list[str]:
    """Each control's name as a screen reader reads it: set, unique in its panel, and with
    a description; the problems found, in words."""
    problems: list[str] = []
    seen: dict[tuple[int, str], QWidget] = {}
    for widget in controls(root):
        what = f"{type(widget).__name__} {widget.objectName() or ''}".strip()
        face = getattr(widget, "text", lambda: "")
        reader = QAccessible.queryAccessibleInterface(widget)
        assert reader is not None
        name = reader.text(QAccessible.Text.Name)
        if not widget.accessibleName() or name != widget.accessibleName():
            problems.append(f"{what} {face()!r}: no accessible name of its own ({name!r})")
            continue
        if not reader.text(QAccessible.Text.Description):
            problems.append(f"{what} {name!r}: no description")
        key = (id(panel_of(widget, root)), name)
        if key in seen:
            problems.append(f"{what} {name!r}: the same name twice in one panel")
        seen[key] = widget
    return problems


async def test_every_console_control_is_named_and_described_and_the_switch_acts(
    server: RecordsServer, seeded: Seed, consoles: Callable[..., Any], tmp_path: Path
) -> None:
    async with aiohttp.ClientSession() as http:
        login = LoginDialog(server.url, http)
        assert unnamed_or_repeated(login) == []
        assert {w.accessibleName() for w in controls(login)} == {
            "服务器地址", "用户名", "密码", "登录"
        }
        login.deleteLater()

    console: Console = await consoles("alice")
    window, client = console.window, console.client
    # 空闲接听 and 暂离 through the accessible actions alone (what AT-SPI's Toggle and
    # Press do), not through clicks
    available = QAccessible.queryAccessibleInterface(window.state_switch.available)
    away = QAccessible.queryAccessibleInterface(window.state_switch.away)
    assert available is not None and away is not None
    assert available.text(QAccessible.Text.Name) == "空闲接听"
    actions = available.actionInterface()
    assert actions is not None and {"Toggle", "Press"} <= set(actions.actionNames())
    actions.doAction("Toggle")
    await until(lambda: client.clerk.state == p.ClerkState.AVAILABLE, what="available")
    assert window.state_switch.available.isChecked()
    away_actions = away.actionInterface()
    assert away_actions is not None
    away_actions.doAction("Press")
    await until(lambda: client.clerk.state == p.ClerkState.AWAY, what="away")
    assert window.state_switch.away.isChecked() and not window.state_switch.available.isChecked()
    actions.doAction("Press")
    await until(lambda: client.clerk.state == p.ClerkState.AVAILABLE, what="available again")

    kiosk = HeadlessKiosk(
        KioskOptions(
            server_url=server.url,
            credential=seeded.kiosk_credentials[0],
            item_code="YB-003",
            pages=0,
            ice_policy=IcePolicy.loopback(),
            runtime_root=tmp_path / "kiosk",
            timeout_s=120,
        )
    )
    visit = asyncio.ensure_future(kiosk.run())
    try:
        await until(window.ring_panel.isVisible, what="the ring")
        assert unnamed_or_repeated(window) == []  # ringing: 接听 and 拒接 too
        window.ring_panel.accept_button.click()
        await until(lambda: client.case is not None and client.case.form, what="the call")
        # the picture's painted texts are read out too
        await until(
            lambda: "通话质量" in window.video.accessibleDescription(), what="the quality read"
        )
        assert window.video.accessibleName() == "居民视频"
        names = {w.accessibleName() for w in controls(window)}
        assert {
            "空闲接听", "暂离", "挂断", "请重扫", "通过", "退回", "退回原因", "重新读卡",
            "推送给居民确认", "受理", "需补材料", "办结并发送回执", "打印回执", "查询", "案件号",
            "起始日期", "截止日期", "备注", "办不成的原因", "转介去向", "申请人", "联系电话",
        } <= names
        assert {"请拍摄/扫描：身份证", "身份证"} <= names
        assert unnamed_or_repeated(window) == []
        window.tabs.setCurrentIndex(1)
        assert unnamed_or_repeated(window) == []
        assert unnamed_or_repeated(window.history) == []
    finally:
        visit.cancel()
        # a kiosk that does not end on cancel is a failure here, never a hung run
        await asyncio.wait_for(asyncio.gather(visit, return_exceptions=True), 30)
