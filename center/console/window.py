"""The console's windows: the login dialog and the main window (video left, case work right).
The main window is the :class:`center.console.client.Listener` of its client: it renders what
changed and turns the clerk's clicks and keys into the client's commands, all on the one
qasync loop, so nothing here blocks."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from av import AudioFrame, VideoFrame
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QImage, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from center.console import model
from center.console.client import ConsoleClient, LoginError, Staff, login
from center.console.tone import RingTone
from center.console.widgets import (
    CardPanel,
    ChecklistPanel,
    DocumentViewer,
    FormPanel,
    HistoryPanel,
    OutcomePanel,
    QueueTable,
    RingPanel,
    StateSwitch,
    VideoPane,
    big,
    colored,
    fill,
    named,
)
from shared import protocol as p
from shared.catalog import SKILLS
from shared.records_client import RecordsError
from shared.signaling_client import LinkState
from shared.ui.audio import AudioPlayer
from shared.ui.frames import video_frame_to_qimage

log = logging.getLogger(__name__)

CONTEXT = "console"


#: texts the client and the model produce (Chinese source text), for the translators
MESSAGES = (
    QT_TRANSLATE_NOOP("console", "连不上服务器，请检查网络或联系管理员"),
    QT_TRANSLATE_NOOP("console", "用户名或密码不对"),
    QT_TRANSLATE_NOOP("console", "登录失败次数太多，请稍后再试"),
    QT_TRANSLATE_NOOP("console", "服务器出错，请稍后再试"),
    QT_TRANSLATE_NOOP("console", "办件记录没有保存成功，请重试"),
    QT_TRANSLATE_NOOP("console", "找不到这个办件"),
    QT_TRANSLATE_NOOP("console", "这个办件已经办结，不能再修改"),
    QT_TRANSLATE_NOOP("console", "办件信息不完整，请检查后再提交"),
    QT_TRANSLATE_NOOP("console", "找不到这页材料"),
    QT_TRANSLATE_NOOP("console", "这个办件的个人信息已过保存期限并已清除"),
    QT_TRANSLATE_NOOP("console", "连不上记录服务，请检查网络"),
    QT_TRANSLATE_NOOP("console", "与服务器的连接中断，正在重连…"),
    QT_TRANSLATE_NOOP("console", "操作失败，请重试"),
    QT_TRANSLATE_NOOP("console", "来电无人接听，已转给其他工作人员"),
    QT_TRANSLATE_NOOP("console", "居民已离开，来电取消"),
    QT_TRANSLATE_NOOP("console", "居民端网络中断，等待重连…"),
    QT_TRANSLATE_NOOP("console", "现在不能这样操作"),
    QT_TRANSLATE_NOOP("console", "对方现在不在线或正忙"),
    QT_TRANSLATE_NOOP("console", "没有这位工作人员"),
    QT_TRANSLATE_NOOP("console", "没有这个业务条线"),
    QT_TRANSLATE_NOOP("console", "服务器不允许此操作"),
    QT_TRANSLATE_NOOP("console", "不在通话中"),
    QT_TRANSLATE_NOOP("console", "服务器没有接受这个操作，请重试"),
    QT_TRANSLATE_NOOP("console", "操作太频繁，请稍等几秒再试"),
    QT_TRANSLATE_NOOP("console", "通话已结束"),
    QT_TRANSLATE_NOOP("console", "居民端断线，通话结束"),
    QT_TRANSLATE_NOOP("console", "已转接，通话结束"),
    QT_TRANSLATE_NOOP("console", "本机断线，通话结束"),
    QT_TRANSLATE_NOOP("console", "通话结束"),
    QT_TRANSLATE_NOOP("console", "居民端没有处理这条指令，请重试"),
    QT_TRANSLATE_NOOP("console", "有一页材料没能下载，请让居民重扫"),
    QT_TRANSLATE_NOOP("console", "受理前请先推送申请表并由居民确认签字"),
    QT_TRANSLATE_NOOP("console", "请勾选需要补充的材料"),
    QT_TRANSLATE_NOOP("console", "请填写转介去向"),
    QT_TRANSLATE_NOOP("console", "请填写办不成的原因"),
    QT_TRANSLATE_NOOP("console", "退回材料请选择或填写原因"),
    QT_TRANSLATE_NOOP("console", "有一页材料无法显示，请让居民重扫"),
    QT_TRANSLATE_NOOP("console", "居民没有放上身份证，未能重新读卡"),
    QT_TRANSLATE_NOOP("console", "居民端没能拍下材料："),
    QT_TRANSLATE_NOOP("console", "居民端没能打印回执，请告诉居民扫码查看"),
)


def tr(text: str) -> str:
    """Texts made outside Qt classes (the client's notices, the model's rules)."""
    return QCoreApplication.translate(CONTEXT, text)


# --- Login ---------------------------------------------------------------------------------


class LoginDialog(QDialog):
    """Server address, username and password. A failure says plainly why and keeps what was
    typed; the dialog accepts only with a logged-in :class:`Staff`."""

    def __init__(self, server_url: str, http: aiohttp.ClientSession, username: str = "") -> None:
        super().__init__()
        self.http = http
        self.staff: Staff | None = None
        self.setWindowTitle(self.tr("远程虚拟窗口 · 工作人员登录"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        title = big(QLabel(self.tr("远程虚拟窗口 受理工作台")), 18, True)
        layout.addWidget(title)
        form = QFormLayout()
        self.server = QLineEdit(server_url)
        self.username = QLineEdit(username)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        named(self.server, self.tr("服务器地址"), self.tr("受理中心服务器的网址"))
        named(self.username, self.tr("用户名"), self.tr("工作人员的登录用户名"))
        named(self.password, self.tr("密码"), self.tr("登录密码，回车即登录"))
        form.addRow(self.tr("服务器"), self.server)
        form.addRow(self.tr("用户名"), self.username)
        form.addRow(self.tr("密码"), self.password)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b91c1c")
        layout.addWidget(self.message)
        self.button = named(
            QPushButton(self.tr("登录")), self.tr("登录"), self.tr("用所填的用户名和密码登录")
        )
        self.button.setDefault(True)
        big(self.button, 14, True)
        layout.addWidget(self.button)
        self.button.clicked.connect(self.submit)
        self.password.returnPressed.connect(self.submit)
        self._task: asyncio.Task[None] | None = None
        (self.password if username else self.username).setFocus()

    def submit(self) -> None:
        if self._task is not None and not self._task.done():
            return
        if not self.username.text().strip() or not self.password.text():
            self.message.setText(self.tr("请输入用户名和密码"))
            return
        self._task = asyncio.ensure_future(self._login())

    async def _login(self) -> None:
        self.button.setEnabled(False)
        self.message.setStyleSheet("color: #374151")
        self.message.setText(self.tr("正在登录…"))
        try:
            self.staff = await login(
                self.server_url(), self.username.text().strip(), self.password.text(), self.http
            )
        except LoginError as exc:
            self.message.setStyleSheet("color: #b91c1c")
            self.message.setText(tr(exc.text) + exc.detail)
            self.password.selectAll()
            self.password.setFocus()
            return
        finally:
            self.button.setEnabled(True)
        self.accept()

    def server_url(self) -> str:
        return self.server.text().strip().rstrip("/")


# --- Transfer and invite -------------------------------------------------------------------


class TargetDialog(QDialog):
    """Choose a business line or a named clerk, and a note for them."""

    def __init__(self, title: str, clerks: list[dict[str, Any]], parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QFormLayout(self)
        self.target = QComboBox()
        for code, name in SKILLS.items():
            self.target.addItem(fill(self.tr("业务条线：%1"), name), ("skill", code))
        states = {
            "available": self.tr("空闲"),
            "ringing": self.tr("来电中"),
            "busy": self.tr("通话中"),
            "wrap_up": self.tr("整理中"),
            "away": self.tr("暂离"),
            "offline": self.tr("不在线"),
        }
        for clerk in clerks:
            label = clerk.get("display_name") or clerk.get("name") or clerk.get("staff_id")
            state = str(clerk.get("state") or "")
            text = fill(self.tr("工作人员：%1"), str(label))
            if state:
                text += f"（{states.get(state, state)}）"
            self.target.addItem(text, ("clerk", clerk.get("id") or clerk.get("staff_id")))
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("给对方的说明（可选）"))
        named(self.target, self.tr("对象"), self.tr("选择业务条线或一位工作人员"))
        named(self.note, self.tr("说明"), self.tr("给对方的说明，可不填"))
        layout.addRow(self.tr("对象"), self.target)
        layout.addRow(self.tr("说明"), self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        if ok is not None and cancel is not None:
            ok.setText(self.tr("确定"))
            cancel.setText(self.tr("取消"))
            named(ok, self.tr("确定"), self.tr("按所选对象进行"))
            named(cancel, self.tr("取消"), self.tr("关闭这个窗口，不做改动"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addRow(buttons)

    def chosen(self) -> dict[str, str]:
        kind, value = self.target.currentData()
        key = "skill" if kind == "skill" else "clerk_id"
        return {key: value, "note": self.note.text().strip()}


# --- The main window -----------------------------------------------------------------------


class ConsoleWindow(QMainWindow):
    """Video and the queue on the left; the card, the materials, the form and the outcome on
    the right; history (and, for a supervisor, the dashboard) in tabs."""

    logout_requested = Signal()

    def __init__(self, server_url: str, staff: Staff) -> None:
        super().__init__()
        self.server_url = server_url
        self.staff = staff
        self.client: ConsoleClient | None = None
        self.closed = asyncio.Event()
        self.notices: list[str] = []
        self._frame_counter = 0
        self._busy = False
        self.setWindowTitle(fill(self.tr("远程虚拟窗口 受理工作台 — %1"), staff.display_name))
        self.resize(1920, 1080)
        self.tone = RingTone(self)
        #: the resident's voice; a third party's legs each have their own player
        self.voice = AudioPlayer(self, name="resident")
        self.guest_voices: dict[str, AudioPlayer] = {}
        self._build()
        self._shortcuts()
        self.ticker = QTimer(self)
        self.ticker.setInterval(500)
        self.ticker.timeout.connect(self._tick)
        self.ticker.start()
        self.dashboard: QWidget | None = None
        self.target_dialog: TargetDialog | None = None

    # --- Layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        central = QWidget()
        outer = QVBoxLayout(central)
        top = QHBoxLayout()
        who = big(
            QLabel(
                fill(
                    self.tr("%1　%2号窗口　%3"),
                    self.staff.display_name,
                    self.staff.window_no or "—",
                    "、".join(SKILLS.get(s, s) for s in self.staff.skills),
                )
            ),
            14,
            True,
        )
        top.addWidget(who)
        top.addStretch(1)
        self.state_switch = StateSwitch()
        top.addWidget(self.state_switch)
        self.link_label = big(QLabel(), 12)
        top.addWidget(self.link_label)
        outer.addLayout(top)
        self.notice_label = QLabel()
        self.notice_label.setWordWrap(True)
        outer.addWidget(self.notice_label)

        self.tabs = QTabWidget()
        outer.addWidget(self.tabs, 1)
        work = QWidget()
        self.tabs.addTab(work, self.tr("受理"))
        split = QSplitter(Qt.Orientation.Horizontal)
        QHBoxLayout(work).addWidget(split)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.call_title = big(QLabel(), 15, True)
        left_layout.addWidget(self.call_title)
        self.video = VideoPane()
        self.video.set_caption(self.tr("暂无通话"))
        left_layout.addWidget(self.video, 3)
        controls = QHBoxLayout()
        self.hangup_button = QPushButton(self.tr("挂断 (Ctrl+H)"))
        self.hangup_button.setStyleSheet(colored("#b91c1c"))
        self.transfer_button = QPushButton(self.tr("转接… (Ctrl+T)"))
        self.invite_button = QPushButton(self.tr("邀请专家… (Ctrl+I)"))
        self.next_button = QPushButton(self.tr("下一位 (Ctrl+N)"))
        self.leave_button = QPushButton(self.tr("离开会商"))
        self.leave_button.hide()
        self.remove_guest_button = QPushButton(self.tr("请专家离开"))
        self.remove_guest_button.hide()
        self.mute_button = QPushButton()
        self.mute_button.setCheckable(True)
        for button, name, description in (
            (self.hangup_button, self.tr("挂断"), self.tr("结束与居民的通话（Ctrl+H）")),
            (self.transfer_button, self.tr("转接"), self.tr("把居民转给别的工作人员（Ctrl+T）")),
            (self.invite_button, self.tr("邀请专家"), self.tr("邀请第三方加入通话（Ctrl+I）")),
            (self.next_button, self.tr("下一位"), self.tr("清空本案，接待下一位（Ctrl+N）")),
            (self.leave_button, self.tr("离开会商"), self.tr("离开受邀加入的通话")),
            (self.remove_guest_button, self.tr("请专家离开"), self.tr("请受邀的第三方离开通话")),
            (self.mute_button, self.tr("静音"), self.tr("关闭或打开居民的声音（Ctrl+M）")),
        ):
            named(button, name, description)
        for button in (
            self.hangup_button,
            self.transfer_button,
            self.invite_button,
            self.next_button,
            self.leave_button,
            self.remove_guest_button,
            self.mute_button,
        ):
            big(button, 13, True)
            button.setMinimumHeight(40)
            controls.addWidget(button)
        left_layout.addLayout(controls)
        self.invite_label = QLabel()
        left_layout.addWidget(self.invite_label)
        self.ring_panel = RingPanel()
        self.ring_panel.hide()
        left_layout.addWidget(self.ring_panel)
        self.queue_table = QueueTable()
        left_layout.addWidget(self.queue_table, 2)
        split.addWidget(left)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.card_panel = CardPanel()
        right_layout.addWidget(self.card_panel)
        self.case_tabs = QTabWidget()
        materials = QWidget()
        materials_layout = QHBoxLayout(materials)
        self.checklist = ChecklistPanel()
        self.checklist.setMaximumWidth(330)
        self.viewer = DocumentViewer()
        materials_layout.addWidget(self.checklist)
        materials_layout.addWidget(self.viewer, 1)
        self.case_tabs.addTab(materials, self.tr("材料 (Alt+1)"))
        self.form_panel = FormPanel()
        self.case_tabs.addTab(self.form_panel, self.tr("申请表 (Alt+2)"))
        self.outcome = OutcomePanel()
        self.case_tabs.addTab(self.outcome, self.tr("办结 (Alt+3)"))
        right_layout.addWidget(self.case_tabs, 1)
        split.addWidget(right)
        split.setSizes([980, 940])

        self.history = HistoryPanel()
        self.tabs.addTab(self.history, self.tr("历史查询"))
        named(self.tabs, self.tr("工作区"), self.tr("受理与历史查询"))
        named(self.case_tabs, self.tr("本案"), self.tr("材料、申请表与办结"))
        self.setCentralWidget(central)

        self.state_switch.chosen.connect(lambda s: self.run(self._client().set_state(s)))
        self.ring_panel.accept.connect(self.accept_call)
        self.ring_panel.decline.connect(self.decline_call)
        self.card_panel.reveal.connect(self.reveal_id)
        self.card_panel.hide_number.connect(lambda: self._client().hide_id())
        self.checklist.toggled.connect(self._toggle_material)
        self.checklist.request.connect(self.request_material)
        self.card_panel.reread.connect(self.reread_card)
        self.viewer.rescan.connect(self.request_rescan)
        self.viewer.review.connect(self.review_page)
        self.viewer.rotated.connect(self._rotated)
        self.form_panel.edited.connect(self._form_edited)
        self.form_panel.push.connect(self.push_form)
        self.outcome.close_case.connect(self.close_case)
        self.hangup_button.clicked.connect(self.hang_up)
        self.transfer_button.clicked.connect(lambda: self._target("transfer"))
        self.invite_button.clicked.connect(lambda: self._target("invite"))
        self.next_button.clicked.connect(self.next_resident)
        self.leave_button.clicked.connect(lambda: self.run(self._client().leave_call()))
        self.remove_guest_button.clicked.connect(
            lambda: self.run(self._client().remove_guest())
        )
        self.mute_button.toggled.connect(self.set_muted)
        self.history.search.connect(self.search)
        self._render_all()

    def _shortcuts(self) -> None:
        keys: list[tuple[str, Callable[[], object]]] = [
            ("F5", lambda: self.run(self._client().set_state("available"))),
            ("F6", lambda: self.run(self._client().set_state("away"))),
            ("Return", self._enter),
            ("Enter", self._enter),
            ("Escape", self._escape),
            ("F8", self._toggle_reveal),
            ("Ctrl+P", self.push_form),
            ("Ctrl+H", self.hang_up),
            ("Ctrl+T", lambda: self._target("transfer")),
            ("Ctrl+I", lambda: self._target("invite")),
            ("Ctrl+N", self.next_resident),
            ("Ctrl+M", self.mute_button.toggle),
            ("Ctrl+Return", lambda: self.close_case(self.outcome.choice())),
            ("Alt+1", lambda: self.case_tabs.setCurrentIndex(0)),
            ("Alt+2", lambda: self.case_tabs.setCurrentIndex(1)),
            ("Alt+3", lambda: self.case_tabs.setCurrentIndex(2)),
        ]
        self.ring_shortcuts: list[QShortcut] = []
        for key, action in keys:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(action)
            if key in ("Return", "Enter", "Escape"):
                # only while ringing: otherwise Enter belongs to the field being typed in
                shortcut.setEnabled(False)
                self.ring_shortcuts.append(shortcut)
        for key, button in (
            ("R", self.viewer.rotate),
            ("+", self.viewer.zoom_in),
            ("-", self.viewer.zoom_out),
        ):
            shortcut = QShortcut(QKeySequence(key), self.viewer)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(button.click)

    def _enter(self) -> None:
        if self._client().ring is not None:
            self.accept_call()

    def _escape(self) -> None:
        if self._client().ring is not None:
            self.decline_call()

    def _toggle_reveal(self) -> None:
        if self.card_panel.reveal_button.isEnabled():
            self.card_panel.reveal_button.click()

    def add_dashboard(self) -> None:
        """A supervisor sees the center's dashboard in a tab, when that module is present."""
        if not self.staff.supervises or self.dashboard is not None or self.client is None:
            return
        try:
            module = importlib.import_module("center.console.dashboard")
        except ImportError:
            return
        widget_class = getattr(module, "DashboardWidget", None)
        if widget_class is None:
            return
        self.dashboard = widget_class(self.server_url, self.staff.token, self.client.http)
        self.tabs.addTab(self.dashboard, self.tr("服务监控"))

    # --- Running commands -------------------------------------------------------------------

    def attach(self, client: ConsoleClient) -> None:
        self.client = client
        self.add_dashboard()
        self._render_all()

    def _client(self) -> ConsoleClient:
        assert self.client is not None
        return self.client

    def run(self, coro: Awaitable[Any]) -> None:
        self._client().spawn(coro)

    def accept_call(self) -> None:
        self.tone.stop()
        self.run(self._client().accept())

    def decline_call(self) -> None:
        self.tone.stop()
        self.ring_panel.hide()
        self.run(self._client().decline())

    def reveal_id(self) -> None:
        self.run(self._client().reveal_id())

    def _toggle_material(self, index: int) -> None:
        self._client().toggle_material(index)

    def request_material(self, name: str) -> None:
        if self._client().main_session is not None:
            self.run(self._client().request_material(name))

    def reread_card(self) -> None:
        if self._client().main_session is not None:
            self.run(self._client().reread_card())

    def request_rescan(self, page_id: str, note: str) -> None:
        self.run(self._client().request_rescan(page_id, note or "请重新扫描这一页"))

    def review_page(self, page_id: str, accepted: bool, reason: str) -> None:
        if not accepted and not reason:
            self.notice("退回材料请选择或填写原因", error=True)
            return
        self.run(self._client().review_page(page_id, accepted, reason))

    def _rotated(self, page_id: str, degrees: int) -> None:
        case = self._client().case
        if case is not None and page_id in case.pages:
            case.pages[page_id].rotate(degrees)

    def _form_edited(self, key: str, value: str) -> None:
        case = self._client().case
        if case is not None:
            case.set_form_value(key, value)
            self.form_panel.show_form(case)

    def push_form(self) -> None:
        client = self._client()
        if client.case is None or client.main_session is None:
            return
        self.run(client.push_form())

    def close_case(self, choice: model.OutcomeChoice) -> None:
        client = self._client()
        case = client.case
        if case is None or case.closed is not None or self._busy:
            return
        problems = model.outcome_problems(choice, case.form_state)
        if problems:
            self.outcome.problem.setText(tr(problems[0]))
            return
        self.outcome.problem.setText("")
        self._busy = True
        self.outcome.show_case(case, busy=True)

        async def closing() -> None:
            try:
                await client.close_case(choice)
            except RecordsError as exc:
                self.outcome.problem.setText(self.tr("记录服务拒绝了办结：") + exc.reason)
            finally:
                self._busy = False
                self.outcome.show_case(client.case, busy=False)

        self.run(closing())

    def hang_up(self) -> None:
        client = self._client()
        if client.main_session is None:
            return
        case = client.case
        if case is not None and case.closed is None:
            answer = QMessageBox.question(
                self,
                self.tr("挂断"),
                self.tr("案件尚未办结。仍要挂断吗？挂断后仍可在“办结”页登记结果。"),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.run(client.hang_up())

    def next_resident(self) -> None:
        client = self._client()
        if client.main_session is not None:
            return
        client.finish_case()

    def _target(self, kind: str) -> None:
        client = self._client()
        if client.main_session is None:
            return
        title = self.tr("转接给") if kind == "transfer" else self.tr("邀请第三方加入通话")

        async def opening() -> None:
            # who is free changes by the minute: the list as it is now, if it comes quickly
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(client.load_clerks(), 3)
            if client.main_session is None:
                return
            dialog = TargetDialog(title, client.clerks, self)
            dialog.setModal(True)
            self.target_dialog = dialog

            def done(result: int) -> None:
                if result != QDialog.DialogCode.Accepted:
                    return
                chosen = dialog.chosen()
                if kind == "transfer":
                    self.run(client.transfer(**chosen))
                else:
                    self.run(client.invite(**chosen))

            dialog.finished.connect(done)
            dialog.open()

        self.run(opening())

    def search(self, filters: dict[str, str]) -> None:
        client = self._client()

        async def searching() -> None:
            try:
                cases = await client.search(**filters)
            except RecordsError as exc:
                log.warning("search refused: %s %s", exc.code, exc.reason)
                self.history.show_error(self.tr("查询没有成功，请检查查询条件后重试"))
                return
            except aiohttp.ClientError:
                self.history.show_error(self.tr("连不上服务器，请稍后再试"))
                return
            self.history.show_results(cases)

        self.run(searching())

    # --- Listener ---------------------------------------------------------------------------

    def changed(self, what: str) -> None:
        client = self.client
        if client is None:
            return
        now = client.server_now()
        if what == "state":
            self.state_switch.show_state(client.clerk, now)
        elif what == "queue":
            self.queue_table.show_queue(client.queue, now, self.staff.skills)
        elif what == "ring":
            self._render_ring()
        elif what in ("call", "ended"):
            self._render_all()
        elif what == "card":
            self.card_panel.show_card(client.case)
        elif what == "pages":
            self.viewer.show_pages(client.case.material_pages() if client.case else [])
        elif what == "checklist":
            self.checklist.show_checklist(
                client.case.checklist if client.case else None, client.case
            )
            if client.case is not None and client.case.closed is None:
                self.outcome.show_case(client.case, self._busy)
                self.outcome.sync_missing(client.case)
        elif what == "form":
            self.form_panel.show_form(client.case)
        elif what == "case":
            self.outcome.show_case(client.case, self._busy)
            self.card_panel.show_card(client.case)
            self._render_title()
        elif what == "quality":
            self._render_quality()
        elif what == "link":
            self._render_link()
        elif what == "invite":
            self._render_invite()
        elif what == "legs":
            self._render_legs()

    def notice(self, text: str, error: bool = False, detail: str = "") -> None:
        shown = tr(text) + detail
        self.notices.append(shown)
        self.notice_label.setText(shown)
        self.notice_label.setStyleSheet("color: #b91c1c" if error else "color: #1d4ed8")

    def remote_frame(self, frame: VideoFrame) -> None:
        self.video.set_remote(video_frame_to_qimage(frame, max_width=1280))

    def guest_frame(self, frame: VideoFrame) -> None:
        client = self.client
        if client is None or not client.guest_legs:
            return  # a frame still on its way from a leg that has ended
        self.video.set_guest(video_frame_to_qimage(frame, max_width=480))

    def remote_audio(self, frame: AudioFrame) -> None:
        self.voice.push(frame)

    def guest_audio(self, call_id: str, frame: AudioFrame) -> None:
        player = self.guest_voices.get(call_id)
        if player is None:
            client = self.client
            if client is None or call_id not in client.guest_legs:
                return  # a frame still on its way from a leg that has ended
            player = AudioPlayer(self, name="guest")
            player.set_muted(self.voice.muted)
            self.guest_voices[call_id] = player
        player.push(frame)

    def set_muted(self, muted: bool) -> None:
        """The clerk's speaker on or off, for every voice in the call."""
        for player in (self.voice, *self.guest_voices.values()):
            player.set_muted(muted)
        if self.mute_button.isChecked() != muted:
            self.mute_button.setChecked(muted)
        self._render_mute()

    def local_frame(self, frame: VideoFrame) -> None:
        self._frame_counter += 1
        if self._frame_counter % 3 == 0:
            self.video.set_local(video_frame_to_qimage(frame, max_width=320))

    def page_data(self, page_id: str, data: bytes) -> None:
        async def decode() -> None:
            # a 300 dpi scan takes tens of milliseconds to decode: not on the GUI thread
            image = await asyncio.to_thread(QImage.fromData, data)
            client = self.client
            if client is None or client.case is None or page_id not in client.case.pages:
                return
            if image.isNull():
                self.notice("有一页材料无法显示，请让居民重扫", error=True)
                return
            page = client.case.pages[page_id]
            if page.signature:
                self.form_panel.show_signature(image)
            elif page.photo:
                self.card_panel.set_photo(image)
            else:
                self.viewer.set_image(page_id, image)

        self.run(decode())

    def snapshot(self, snapshot: p.CenterSnapshot) -> None:
        on_snapshot = getattr(self.dashboard, "on_snapshot", None)
        if on_snapshot is not None:
            on_snapshot(snapshot)

    # --- Rendering --------------------------------------------------------------------------

    def _render_all(self) -> None:
        client = self.client
        case = client.case if client else None
        in_call = client is not None and client.main_session is not None
        if case is None:
            self.viewer.clear()
        if not in_call and not (client is not None and client.guest_legs):
            self.video.clear()
            self.video.set_caption(
                self.tr("通话已结束") if case is not None else self.tr("暂无通话")
            )
        self.card_panel.show_card(case)
        self.checklist.show_checklist(case.checklist if case else None, case)
        self.checklist.set_in_call(in_call)
        self.card_panel.set_in_call(in_call)
        self.viewer.show_pages(case.material_pages() if case else [])
        self.form_panel.show_form(case)
        self.outcome.show_case(case, self._busy)
        for button in (self.hangup_button, self.transfer_button, self.invite_button):
            button.setEnabled(in_call)
        self.next_button.setEnabled(case is not None and not in_call)
        self.queue_table.setVisible(case is None)
        if client is not None:
            self.state_switch.show_state(client.clerk, client.server_now())
            self._render_ring()
            self._render_link()
            self._render_quality()
        self._render_title()
        self._render_invite()
        self._render_mute()
        self._sync_voices()

    def _render_mute(self) -> None:
        muted = self.voice.muted
        self.mute_button.setText(
            self.tr("取消静音 (Ctrl+M)") if muted else self.tr("静音 (Ctrl+M)")
        )
        self.mute_button.setStyleSheet(colored("#b45309") if muted else "")

    def _sync_voices(self) -> None:
        """A player lives as long as its leg: the audio output is released between calls."""
        client = self.client
        if client is None or client.agent.session is None:
            self.voice.reset()
        legs = client.guest_legs if client is not None else {}
        for call_id in [c for c in self.guest_voices if c not in legs]:
            player = self.guest_voices.pop(call_id)
            player.close()
            player.deleteLater()

    def _render_title(self) -> None:
        client = self.client
        case = client.case if client else None
        if case is None:
            self.call_title.setText(self.tr("暂无通话"))
            return
        call = case.call
        where = " · ".join(x for x in (call.site_name or "", call.peer_name) if x)
        ended = "" if client and client.main_session else self.tr("（通话已结束）")
        self.call_title.setText(f"{call.item_name}　{where}{ended}")

    def _render_ring(self) -> None:
        client = self.client
        ring = client.ring if client else None
        for shortcut in self.ring_shortcuts:
            shortcut.setEnabled(ring is not None)
        if ring is None:
            self.ring_panel.hide()
            self.tone.stop()
            return
        self.ring_panel.show_ring(ring, time.monotonic())
        self.ring_panel.show()
        self.ring_panel.accept_button.setFocus()
        if not self.tone.playing:
            self.tone.start()

    def _render_quality(self) -> None:
        client = self.client
        if client is None or client.agent.session is None:
            self.video.set_quality("", "#888888", "")
            return
        quality = client.quality
        level = quality.level
        texts = {
            "good": (self.tr("通话质量：好"), "#4ade80"),
            "fair": (self.tr("通话质量：一般"), "#facc15"),
            "poor": (self.tr("通话质量：差"), "#f87171"),
            "reconnecting": (self.tr("正在重连…"), "#fb923c"),
            "": (self.tr("正在接通…"), "#d1d5db"),
        }
        text, color = texts[level]
        if quality.fps:
            text += f"  {quality.fps:.0f} fps"
        banner = self.tr("网络不稳，正在重连…") if level == "reconnecting" else ""
        self.video.set_quality(text, color, banner)

    def _render_link(self) -> None:
        client = self.client
        if client is None:
            return
        texts = {
            LinkState.CONNECTING: (self.tr("正在连接服务器…"), "#6b7280"),
            LinkState.CONNECTED: (self.tr("● 已连接"), "#16a34a"),
            LinkState.RECONNECTING: (self.tr("● 与服务器断开，正在重连…"), "#dc2626"),
            LinkState.STOPPED: (self.tr("● 已断开"), "#dc2626"),
        }
        text, color = texts[client.link]
        self.link_label.setText(text)
        self.link_label.setStyleSheet(f"color: {color}")

    def _render_legs(self) -> None:
        """The invited expert's view: the resident and the clerk, and a way to leave."""
        client = self.client
        legs = list(client.guest_calls.values()) if client else []
        expert = bool(legs) and client is not None and client.main_session is None
        self.leave_button.setVisible(expert)
        self.remove_guest_button.setVisible(bool(legs) and not expert)
        if not legs:
            self.video.set_guest(None)
            if client is not None and client.main_session is None:
                self.video.clear()
        self._sync_voices()
        if expert:
            first = legs[0]
            self.call_title.setText(fill(self.tr("会商：%1"), first.item_name))
        else:
            self._render_title()

    def _render_invite(self) -> None:
        client = self.client
        status = client.invite_status if client else None
        if status is None:
            self.invite_label.setText("")
            return
        words = {
            "ringing": self.tr("正在邀请"),
            "joined": self.tr("已加入"),
            "declined": self.tr("已拒绝"),
            "timeout": self.tr("无人接听"),
            "lost": self.tr("已断线"),
            "left": self.tr("已离开"),
            "removed": self.tr("已移出"),
        }
        word = words.get(status.status, status.status)
        self.invite_label.setText(fill(self.tr("第三方 %1：%2"), status.guest_name, word))

    def _tick(self) -> None:
        client = self.client
        if client is None:
            return
        now = client.server_now()
        self.state_switch.show_state(client.clerk, now)
        if client.ring is not None:
            self.ring_panel.show_ring(client.ring, time.monotonic())
        if self.queue_table.isVisible():
            self.queue_table.show_queue(client.queue, now, self.staff.skills)

    # --- Closing ----------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._render_all()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        client = self.client
        if client is not None and client.main_session is not None:
            answer = QMessageBox.question(
                self, self.tr("退出"), self.tr("正在通话中，退出将结束通话。确定退出吗？")
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self.tone.stop()
        self.ticker.stop()
        for player in (self.voice, *self.guest_voices.values()):
            player.close()
        stop = getattr(self.dashboard, "stop", None)
        if stop is not None:
            stop()
        self.closed.set()
        super().closeEvent(event)

