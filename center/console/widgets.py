"""The console's panels. Each renders part of :mod:`center.console.model` and reports the
clerk's intent through a Qt signal; none of them talks to the network."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QDate, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPixmap, QTransform
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from center.console import model
from shared import protocol as p

W = TypeVar("W", bound=QWidget)


def fill(template: str, *values: object) -> str:
    """Qt's ``%1 %2`` placeholders (what translators see) filled in; PySide's ``tr`` gives a
    plain ``str`` without ``arg``."""
    for index in range(len(values), 0, -1):
        template = template.replace(f"%{index}", str(values[index - 1]))
    return template


def colored(color: str) -> str:
    """A button's text colour that still greys out when the button is disabled."""
    return f"QPushButton {{ color: {color}; }} QPushButton:disabled {{ color: #9ca3af; }}"


def named(widget: W, name: str, description: str) -> W:
    """What a screen reader says for ``widget``: its name, and what it does."""
    widget.setAccessibleName(name)
    widget.setAccessibleDescription(description)
    return widget


def big(widget: W, points: int, bold: bool = False) -> W:
    font = QFont(widget.font())
    font.setPointSize(points)
    font.setBold(bold)
    widget.setFont(font)
    return widget


# --- Video ---------------------------------------------------------------------------------


class VideoPane(QWidget):
    """The resident large, the clerk's own picture small in the corner, and the call's
    quality (or "reconnecting") over the top."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.remote: QImage | None = None
        self.local: QImage | None = None
        #: the invited third party (or, for the expert, the clerk)
        self.guest: QImage | None = None
        self.frames_shown = 0
        self.caption = ""
        self.banner = ""
        self.quality_text = ""
        self.quality_color = QColor("#888888")
        self.setMinimumSize(640, 400)
        # what is painted over the picture, for a screen reader too
        self.setAccessibleName(self.tr("居民视频"))
        self._describe()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_remote(self, image: QImage) -> None:
        self.remote = image
        self.frames_shown += 1
        self.update()

    def set_local(self, image: QImage) -> None:
        self.local = image
        self.update()

    def set_guest(self, image: QImage | None) -> None:
        self.guest = image
        self.update()

    def clear(self) -> None:
        self.remote = None
        self.local = None
        self.guest = None
        self.banner = ""
        self.quality_text = ""
        self._describe()
        self.update()

    def set_quality(self, text: str, color: str, banner: str) -> None:
        self.quality_text = text
        self.quality_color = QColor(color)
        self.banner = banner
        self._describe()
        self.update()

    def set_caption(self, caption: str) -> None:
        self.caption = caption
        self._describe()
        self.update()

    def _describe(self) -> None:
        parts = [self.banner, self.quality_text] if self.quality_text else [self.caption]
        description = "；".join(part for part in parts if part)
        if self.accessibleDescription() != description:
            self.setAccessibleDescription(description)

    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        rect = self.rect()
        painter.fillRect(rect, QColor("#1d2430"))
        if self.remote is not None:
            target = _fit(self.remote.size(), rect.size())
            target.moveCenter(QPointF(rect.center()))
            painter.drawImage(target, self.remote)
        else:
            painter.setPen(QColor("#9aa4b2"))
            font = QFont(self.font())
            font.setPointSize(20)
            painter.setFont(font)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.caption)
        if self.local is not None:
            width = max(160, rect.width() // 5)
            small = _fit(self.local.size(), QSize(width, width))
            small.moveBottomRight(QPointF(rect.right() - 16, rect.bottom() - 16))
            painter.fillRect(small.adjusted(-3, -3, 3, 3), QColor("#ffffff"))
            painter.drawImage(small, self.local)
        if self.guest is not None:
            width = max(160, rect.width() // 4)
            other = _fit(self.guest.size(), QSize(width, width))
            other.moveTopRight(QPointF(rect.right() - 16, 16))
            painter.fillRect(other.adjusted(-3, -3, 3, 3), QColor("#60a5fa"))
            painter.drawImage(other, self.guest)
        font = QFont(self.font())
        font.setPointSize(13)
        painter.setFont(font)
        if self.quality_text:
            box = QRectF(12, 12, 260, 34)
            painter.fillRect(box, QColor(0, 0, 0, 150))
            painter.setPen(self.quality_color)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self.quality_text)
        if self.banner:
            font.setPointSize(24)
            font.setBold(True)
            painter.setFont(font)
            box = QRectF(0, rect.height() / 2 - 40, rect.width(), 80)
            painter.fillRect(box, QColor(180, 90, 0, 200))
            painter.setPen(QColor("#ffffff"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self.banner)
        painter.end()


def _placeholder(combo: QComboBox, text: str) -> None:
    line = combo.lineEdit()
    if line is not None:
        line.setPlaceholderText(text)


def _fit(size: QSize, bounds: QSize) -> QRectF:
    if size.isEmpty():
        return QRectF(0, 0, 0, 0)
    scale = min(bounds.width() / size.width(), bounds.height() / size.height())
    return QRectF(0, 0, size.width() * scale, size.height() * scale)


# --- State switch --------------------------------------------------------------------------


class StateSwitch(QWidget):
    chosen = Signal(str)  # "available" | "away"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.available = named(
            QPushButton(self.tr("空闲接听 (F5)")),
            self.tr("空闲接听"),
            self.tr("开始接听居民来电（F5）"),
        )
        self.away = named(
            QPushButton(self.tr("暂离 (F6)")), self.tr("暂离"), self.tr("暂停接听来电（F6）")
        )
        for button in (self.available, self.away):
            button.setCheckable(True)
            button.setMinimumHeight(40)
            big(button, 13, True)
            layout.addWidget(button)
        self.status = QLabel()
        big(self.status, 14, True)
        self.status.setMinimumWidth(260)
        layout.addWidget(self.status)
        self._shown: model.ClerkStateView | None = None
        self._rendering = False
        # toggled, not clicked: a click, the accessible Press and the accessible Toggle (which
        # toggles without a click) all come through here
        self.available.toggled.connect(lambda: self._choose("available"))
        self.away.toggled.connect(lambda: self._choose("away"))

    def _choose(self, state: str) -> None:
        if self._rendering:
            return
        self.chosen.emit(state)
        # checked is what the server says the clerk is, not what was pressed
        self._check()

    def _check(self) -> None:
        state = self._shown.state if self._shown is not None else p.ClerkState.OFFLINE
        self._rendering = True
        try:
            self.available.setChecked(state == p.ClerkState.AVAILABLE)
            self.away.setChecked(state == p.ClerkState.AWAY)
        finally:
            self._rendering = False

    def show_state(self, clerk: model.ClerkStateView, now: float) -> None:
        texts = {
            p.ClerkState.OFFLINE: (self.tr("未上线"), "#888888"),
            p.ClerkState.AVAILABLE: (self.tr("空闲，等待来电"), "#1a7f37"),
            p.ClerkState.RINGING: (self.tr("来电中"), "#c2410c"),
            p.ClerkState.BUSY: (self.tr("通话中"), "#1d4ed8"),
            p.ClerkState.WRAP_UP: (self.tr("整理中"), "#7c3aed"),
            p.ClerkState.AWAY: (self.tr("暂离"), "#6b7280"),
        }
        text, color = texts[clerk.state]
        left = clerk.wrap_up_left_s(now)
        if left is not None:
            text = self.tr("整理中，%n 秒后自动空闲", "", left)
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {color}")
        switchable = clerk.can_switch()
        self.available.setEnabled(switchable)
        self.away.setEnabled(switchable)
        self._shown = clerk
        self._check()


# --- Ringing -------------------------------------------------------------------------------


class RingPanel(QFrame):
    accept = Signal()
    decline = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ring")
        self.setStyleSheet(
            "#ring { background: #fff7ed; border: 3px solid #ea580c; border-radius: 8px; }"
        )
        layout = QVBoxLayout(self)
        self.title = big(QLabel(), 22, True)
        self.detail = big(QLabel(), 15)
        self.note = big(QLabel(), 14)
        self.countdown = big(QLabel(), 14)
        self.note.setWordWrap(True)
        for label in (self.title, self.detail, self.note, self.countdown):
            layout.addWidget(label)
        buttons = QHBoxLayout()
        self.accept_button = named(
            QPushButton(self.tr("接听 (Enter)")), self.tr("接听"), self.tr("接听这个来电（回车）")
        )
        self.decline_button = named(
            QPushButton(self.tr("拒接 (Esc)")),
            self.tr("拒接"),
            self.tr("不接这个来电，转给其他工作人员（Esc）"),
        )
        self.accept_button.setStyleSheet("background: #16a34a; color: white; padding: 10px;")
        self.decline_button.setStyleSheet("background: #dc2626; color: white; padding: 10px;")
        for button in (self.accept_button, self.decline_button):
            big(button, 16, True)
            button.setMinimumHeight(56)
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.accept_button.clicked.connect(self.accept.emit)
        self.decline_button.clicked.connect(self.decline.emit)

    def show_ring(self, ring: model.RingView, now: float) -> None:
        r = ring.ring
        kinds = {
            "call": self.tr("来电"),
            "transfer": self.tr("转接来电"),
            "invite": self.tr("邀请加入通话"),
        }
        self.title.setText(f"{kinds.get(r.kind, kinds['call'])}：{r.item_name}")
        where = " · ".join(x for x in (r.site_name or "", r.kiosk_name) if x)
        priority = self.tr("（优先）") if r.priority > p.Priority.NORMAL else ""
        self.detail.setText(
            fill(self.tr("%1，已等候 %2"), where, model.format_wait(r.waited_s)) + priority
        )
        note = ""
        if r.from_clerk:
            note = fill(self.tr("来自 %1"), r.from_clerk)
        if r.note:
            note = f"{note}：{r.note}" if note else r.note
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self.countdown.setText(
            self.tr("%n 秒内未接听将转给他人", "", ring.left_s(now))
        )


# --- Queue ---------------------------------------------------------------------------------


class QueueTable(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary = big(QLabel(), 13, True)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("业务"),
                self.tr("事项"),
                self.tr("居委会/终端"),
                self.tr("优先"),
                self.tr("状态"),
                self.tr("已等候"),
            ]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        named(self.table, self.tr("排队情况"), self.tr("正在等候的居民，按业务和等候时间排列"))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)

    def show_queue(self, queue: model.QueueView, now: float, skills: tuple[str, ...]) -> None:
        if not queue.visible:
            self.summary.setText(self.tr("排队情况暂不可见（服务器未开放给本账号）"))
            self.table.setRowCount(0)
            return
        parts = [
            fill(
                self.tr("%1 %2 人，最长 %3"),
                s.skill_name,
                s.waiting,
                model.format_wait(s.longest_wait_s),
            )
            for s in queue.summary(now, skills)
        ]
        self.summary.setText("　".join(parts) if parts else self.tr("无人排队"))
        rows = queue.ordered(now, skills)
        self.table.setRowCount(len(rows))
        statuses = {
            p.RequestStatus.WAITING: self.tr("等候"),
            p.RequestStatus.HELD: self.tr("断线保留"),
            p.RequestStatus.RINGING: self.tr("振铃"),
            p.RequestStatus.IN_CALL: self.tr("通话中"),
        }
        for index, (row, waited) in enumerate(rows):
            cells = (
                row.skill_name,
                row.item_name,
                row.kiosk_name,
                self.tr("是") if row.priority > p.Priority.NORMAL else "",
                statuses[row.status],
                model.format_wait(waited),
            )
            for column, text in enumerate(cells):
                self.table.setItem(index, column, QTableWidgetItem(text))


# --- Card ----------------------------------------------------------------------------------


class CardPanel(QGroupBox):
    reveal = Signal()
    hide_number = Signal()
    reread = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("证件信息"), parent)
        layout = QHBoxLayout(self)
        self.photo = QLabel(self.tr("照片"))
        self.photo.setFixedSize(102, 126)
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo.setStyleSheet("background: #e5e7eb; color: #6b7280; border: 1px solid #9ca3af;")
        layout.addWidget(self.photo, 0, Qt.AlignmentFlag.AlignTop)
        grid = QGridLayout()
        layout.addLayout(grid, 1)
        self.values: dict[str, QLabel] = {}
        rows = (
            ("name", self.tr("姓名")),
            ("sex", self.tr("性别/民族")),
            ("birth_date", self.tr("出生")),
            ("address", self.tr("住址")),
            ("id_number", self.tr("证件号码")),
            ("valid_to", self.tr("有效期至")),
        )
        grid.setColumnStretch(1, 1)
        for index, (key, title) in enumerate(rows):
            grid.addWidget(QLabel(title), index, 0)
            value = QLabel()
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            big(value, 13, key in ("name", "id_number"))
            self.values[key] = value
            grid.addWidget(value, index, 1)
        self.reveal_button = QPushButton(self.tr("显示 (F8)"))
        self.reveal_button.setToolTip(self.tr("显示完整证件号码；每次查看都会记录"))
        self.reveal_button.setAccessibleDescription(self.reveal_button.toolTip())
        self.reveal_button.clicked.connect(self._toggle)
        grid.addWidget(self.reveal_button, 4, 2)
        self.reread_button = named(
            QPushButton(self.tr("重新读卡")),
            self.tr("重新读卡"),
            self.tr("请居民把身份证重新放到读卡器上，读到的信息显示在这里"),
        )
        self.reread_button.setEnabled(False)
        self.reread_button.clicked.connect(self.reread.emit)
        grid.addWidget(self.reread_button, 0, 2)
        self.problems = QLabel()
        self.problems.setStyleSheet("color: #b91c1c")
        self.problems.setWordWrap(True)
        grid.addWidget(self.problems, len(rows), 0, 1, 3)
        self.reading = QLabel()
        self.reading.setStyleSheet("color: #1d4ed8")
        grid.addWidget(self.reading, len(rows) + 1, 0, 1, 3)
        self.revealed = False
        self.has_photo = False

    def set_photo(self, image: QImage | None) -> None:
        self.has_photo = image is not None
        if image is None:
            self.photo.setPixmap(QPixmap())
            return
        self.photo.setPixmap(
            QPixmap.fromImage(image).scaled(
                self.photo.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def _reveal_text(self) -> None:
        if self.revealed:
            self.reveal_button.setText(self.tr("隐藏 (F8)"))
            self.reveal_button.setAccessibleName(self.tr("隐藏完整证件号码"))
        else:
            self.reveal_button.setText(self.tr("显示 (F8)"))
            self.reveal_button.setAccessibleName(self.tr("显示完整证件号码"))

    def _toggle(self) -> None:
        if self.revealed:
            self.hide_number.emit()
        else:
            self.reveal.emit()

    def set_in_call(self, in_call: bool) -> None:
        self.reread_button.setEnabled(in_call)

    def show_card(self, case: model.CaseWork | None) -> None:
        card = case.card if case is not None else None
        self.reveal_button.setEnabled(card is not None and bool(case and case.case_number))
        asking = case is not None and case.card_request is not None
        self.reading.setText(self.tr("已请居民把身份证放到读卡器上，正在等待…") if asking else "")
        if case is None:
            self.set_photo(None)
        if card is None:
            for value in self.values.values():
                value.setText("—")
            if not self.has_photo:
                self.photo.setText(self.tr("未读卡") if case is not None else self.tr("照片"))
            self.problems.setText(self.tr("居民未读卡：请当面核对身份") if case else "")
            self.revealed = False
            self._reveal_text()
            return
        assert case is not None
        sex_nation = " / ".join(x for x in (card.sex or "", card.nation or "") if x)
        texts = {
            "name": card.name,
            "sex": sex_nation,
            "birth_date": card.birth_date or "",
            "address": card.address or "",
            "id_number": case.shown_id(),
            "valid_to": card.valid_to or "",
        }
        for key, text in texts.items():
            self.values[key].setText(text or "—")
        if not self.has_photo:
            # the photo itself arrives as a page; until then say whether the card has one
            self.photo.setText(self.tr("有照片") if card.photo_available else self.tr("无照片"))
        self.revealed = case.revealed_id is not None
        self._reveal_text()
        problems = list(card.problems)
        if not card.valid:
            problems.insert(0, self.tr("证件无效或已过期"))
        self.problems.setText("；".join(problems))


# --- Materials checklist -------------------------------------------------------------------


class ChecklistPanel(QGroupBox):
    """The item's materials: a box per material (ticked as its pages arrive, or by hand) and,
    on each one not yet received, a button that asks the resident for it by name."""

    toggled = Signal(int)
    #: the clerk asks the kiosk for the material of this name
    request = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("材料清单"), parent)
        layout = QVBoxLayout(self)
        self.progress = big(QLabel(), 13, True)
        self.progress.setWordWrap(True)
        layout.addWidget(self.progress)
        rows = QWidget()
        self.rows = QGridLayout(rows)
        self.rows.setContentsMargins(0, 0, 0, 0)
        self.rows.setColumnStretch(0, 1)
        scroller = QScrollArea()
        scroller.setWidget(rows)
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        # only lays the rows out: the keyboard goes to the boxes and buttons in it
        scroller.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(scroller, 1)
        #: one per material, in the checklist's order
        self.boxes: list[QCheckBox] = []
        #: material name → its "请拍摄/扫描" button
        self.ask_buttons: dict[str, QPushButton] = {}
        self._names: list[str] = []
        self._rendering = False
        self._in_call = False

    def set_in_call(self, in_call: bool) -> None:
        self._in_call = in_call
        for button in self.ask_buttons.values():
            button.setEnabled(in_call)

    def show_checklist(
        self, checklist: model.Checklist | None, case: model.CaseWork | None = None
    ) -> None:
        self._rendering = True
        try:
            names = [entry.name for entry in checklist.entries] if checklist else []
            if names != self._names:
                self._rebuild(names)
            if checklist is None:
                self.progress.setText("")
                return
            if not checklist.entries:
                self.progress.setText(self.tr("目录未列出此事项的材料，请按实际核对"))
                return
            self.progress.setText(
                fill(self.tr("已收 %1 / %2 项"), checklist.done(), len(checklist.entries))
            )
            for entry, box in zip(checklist.entries, self.boxes, strict=True):
                text = entry.name
                if entry.pages:
                    text += self.tr("（%n 页）", "", len(entry.pages))
                if case is not None and case.is_requested(entry.name) and not entry.ticked:
                    text += self.tr("（已请居民放上）")
                box.setText(text)
                box.setChecked(entry.ticked)
                self.ask_buttons[entry.name].setVisible(not entry.ticked)
        finally:
            self._rendering = False

    def _rebuild(self, names: list[str]) -> None:
        while self.rows.count():
            item = self.rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.boxes = []
        self.ask_buttons = {}
        self._names = names
        for row, name in enumerate(names):
            box = named(
                QCheckBox(name),
                name,
                self.tr("勾选表示这项材料已收齐，会写进办理结果"),
            )
            box.toggled.connect(lambda _=False, index=row: self._changed(index))
            ask = named(
                QPushButton(self.tr("请拍摄/扫描")),
                self.tr("请拍摄/扫描：") + name,
                fill(self.tr("请居民把%1放到拍摄台上，拍下后传到这里"), name),
            )
            ask.setEnabled(self._in_call)
            ask.clicked.connect(lambda _=False, material=name: self.request.emit(material))
            self.rows.addWidget(box, row, 0)
            self.rows.addWidget(ask, row, 1)
            self.boxes.append(box)
            self.ask_buttons[name] = ask
        self.rows.setRowStretch(len(names), 1)

    def _changed(self, index: int) -> None:
        if not self._rendering:
            self.toggled.emit(index)


# --- Document viewer -----------------------------------------------------------------------

REFERRAL_PLACES = ("区社区事务受理服务中心窗口", "区医保中心", "街道办事处")
REJECT_REASONS = ("看不清", "不完整", "不是所需材料", "证件已过期", "需要原件")


class DocumentViewer(QGroupBox):
    rescan = Signal(str, str)  # page_id, note
    review = Signal(str, bool, str)  # page_id, accepted, reason
    rotated = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("材料文件"), parent)
        layout = QHBoxLayout(self)
        self.thumbs = QListWidget()
        self.thumbs.setViewMode(QListWidget.ViewMode.IconMode)
        self.thumbs.setFlow(QListWidget.Flow.TopToBottom)
        self.thumbs.setIconSize(QSize(120, 150))
        self.thumbs.setFixedWidth(160)
        self.thumbs.setMovement(QListWidget.Movement.Static)
        self.thumbs.setWrapping(False)
        named(self.thumbs, self.tr("材料页"), self.tr("已收到的材料页，选一页在右边查看"))
        layout.addWidget(self.thumbs)
        right = QVBoxLayout()
        layout.addLayout(right, 1)
        tools = QHBoxLayout()
        self.zoom_in = QPushButton(self.tr("放大 (+)"))
        self.zoom_out = QPushButton(self.tr("缩小 (-)"))
        self.fit = QPushButton(self.tr("适合窗口"))
        self.full = QPushButton(self.tr("原始大小"))
        self.rotate = QPushButton(self.tr("旋转 (R)"))
        for button, name, description in (
            (self.zoom_in, self.tr("放大"), self.tr("放大这一页（+）")),
            (self.zoom_out, self.tr("缩小"), self.tr("缩小这一页（-）")),
            (self.fit, self.tr("适合窗口"), self.tr("整页显示在窗口里")),
            (self.full, self.tr("原始大小"), self.tr("按原始大小显示这一页")),
            (self.rotate, self.tr("旋转"), self.tr("把这一页转 90 度（R）")),
        ):
            tools.addWidget(named(button, name, description))
        tools.addStretch(1)
        right.addLayout(tools)
        self.scroller = QScrollArea()
        self.scroller.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image = QLabel(self.tr("材料到达后在此显示"))
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroller.setWidget(self.image)
        self.scroller.setWidgetResizable(True)
        named(self.scroller, self.tr("材料图像"), self.tr("选中的材料页"))
        right.addWidget(self.scroller, 1)
        self.info = QLabel()
        right.addWidget(self.info)
        verdict = QHBoxLayout()
        self.rescan_button = QPushButton(self.tr("请重扫"))
        self.accept_button = QPushButton(self.tr("通过"))
        self.reason = QComboBox()
        self.reason.setEditable(True)
        # the reason goes into the record and to the resident: in Chinese
        self.reason.addItems(list(REJECT_REASONS))
        self.reason.setCurrentText("")
        _placeholder(self.reason, self.tr("退回原因"))
        named(self.reason, self.tr("退回原因"), self.tr("选择或填写退回这一页的原因，会告诉居民"))
        self.reject_button = QPushButton(self.tr("退回"))
        named(self.rescan_button, self.tr("请重扫"), self.tr("请居民把这一页重新扫描一次"))
        named(self.accept_button, self.tr("通过"), self.tr("这一页材料审核通过"))
        named(self.reject_button, self.tr("退回"), self.tr("按所填原因退回这一页材料"))
        self.accept_button.setStyleSheet(colored("#166534"))
        self.reject_button.setStyleSheet(colored("#b91c1c"))
        for widget in (self.rescan_button, self.accept_button, self.reason, self.reject_button):
            verdict.addWidget(widget)
        right.addLayout(verdict)
        self.images: dict[str, QImage] = {}
        self.current: str | None = None
        self.zoom = 0.0  # 0: fit to the window
        self.rotation = 0
        self.thumbs.currentItemChanged.connect(self._selected)
        # a screen reader selects (AT-SPI's Selection) without moving the current item
        self.thumbs.itemSelectionChanged.connect(self._selection_changed)
        self.zoom_in.clicked.connect(lambda: self._zoom(1.25))
        self.zoom_out.clicked.connect(lambda: self._zoom(0.8))
        self.fit.clicked.connect(lambda: self._set_zoom(0.0))
        self.full.clicked.connect(lambda: self._set_zoom(1.0))
        self.rotate.clicked.connect(self._rotate)
        self.rescan_button.clicked.connect(self._rescan)
        self.accept_button.clicked.connect(self._accept)
        self.reject_button.clicked.connect(self._reject)
        self._pages: list[model.PageView] = []
        self._enable()

    def set_image(self, page_id: str, image: QImage) -> None:
        self.images[page_id] = image
        if self.current is None or self.current == page_id:
            self._select_page(page_id)
        self.show_pages(self._pages)

    def clear(self) -> None:
        self.images.clear()
        self.current = None
        self._pages = []
        self.thumbs.clear()
        self.image.setPixmap(QPixmap())
        self.image.setText(self.tr("材料到达后在此显示"))
        self.info.setText("")
        self._enable()

    def show_pages(self, pages: list[model.PageView]) -> None:
        self._pages = pages
        statuses = {
            model.PageStatus.ARRIVING: self.tr("传输中"),
            model.PageStatus.READY: self.tr("待审核"),
            model.PageStatus.ACCEPTED: self.tr("已通过"),
            model.PageStatus.REJECTED: self.tr("已退回"),
            model.PageStatus.FAILED: self.tr("下载失败"),
            model.PageStatus.RESCAN: self.tr("已请重扫"),
        }
        self.thumbs.blockSignals(True)
        self.thumbs.clear()
        for index, page in enumerate(pages):
            item = QListWidgetItem(f"{index + 1}. {page.label}\n{statuses[page.status]}")
            item.setData(Qt.ItemDataRole.UserRole, page.page_id)
            image = self.images.get(page.page_id)
            if image is not None:
                thumb = image.scaled(120, 150, Qt.AspectRatioMode.KeepAspectRatio)
                item.setIcon(QPixmap.fromImage(thumb))
            self.thumbs.addItem(item)
            if page.page_id == self.current:
                self.thumbs.setCurrentItem(item)
        self.thumbs.blockSignals(False)
        self._show_info()
        self._enable()

    def _selected(self, item: QListWidgetItem | None, _: object = None) -> None:
        if item is not None:
            self._select_page(str(item.data(Qt.ItemDataRole.UserRole)))

    def _selection_changed(self) -> None:
        chosen = self.thumbs.selectedItems()
        if len(chosen) == 1 and chosen[0] is not self.thumbs.currentItem():
            self.thumbs.setCurrentItem(chosen[0])

    def select(self, page_id: str) -> None:
        self._select_page(page_id)
        self.show_pages(self._pages)

    def _select_page(self, page_id: str) -> None:
        if page_id != self.current:
            self.rotation = next(
                (p.rotation for p in self._pages if p.page_id == page_id), 0
            )
        self.current = page_id
        self._render()
        self._show_info()
        self._enable()

    def _page(self) -> model.PageView | None:
        return next((p for p in self._pages if p.page_id == self.current), None)

    def _show_info(self) -> None:
        page = self._page()
        if page is None:
            self.info.setText("")
            return
        text = fill(self.tr("%1，%2 KB"), page.label, max(1, page.size // 1024))
        if page.reason:
            text += fill(self.tr("；退回原因：%1"), page.reason)
        self.info.setText(text)

    def _enable(self) -> None:
        page = self._page()
        has_image = self.current in self.images
        for button in (self.zoom_in, self.zoom_out, self.fit, self.full, self.rotate):
            button.setEnabled(has_image)
        material = page is not None and not page.signature
        self.rescan_button.setEnabled(material)
        self.accept_button.setEnabled(material and has_image)
        self.reject_button.setEnabled(material and has_image)

    def _zoom(self, factor: float) -> None:
        base = self.zoom or self._fit_scale()
        self._set_zoom(min(8.0, max(0.05, base * factor)))

    def _set_zoom(self, zoom: float) -> None:
        self.zoom = zoom
        self._render()

    def _fit_scale(self) -> float:
        image = self.images.get(self.current or "")
        if image is None:
            return 1.0
        size = self._rotated_size(image)
        view = self.scroller.viewport().size()
        return max(0.05, min(view.width() / size.width(), view.height() / size.height()))

    def _rotated_size(self, image: QImage) -> QSize:
        if self.rotation in (90, 270):
            return QSize(image.height(), image.width())
        return image.size()

    def _rotate(self) -> None:
        self.rotation = (self.rotation + 90) % 360
        if self.current:
            self.rotated.emit(self.current, 90)
        self._render()

    def _render(self) -> None:
        image = self.images.get(self.current or "")
        if image is None:
            self.image.setPixmap(QPixmap())
            self.image.setText(self.tr("正在接收…") if self.current else "")
            return
        if self.rotation:
            image = image.transformed(QTransform().rotate(self.rotation))
        scale = self.zoom or self._fit_scale()
        shown = image.scaled(
            max(1, int(image.width() * scale)),
            max(1, int(image.height() * scale)),
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        self.image.setPixmap(QPixmap.fromImage(shown))

    def shown_scale(self) -> float:
        return self.zoom or self._fit_scale()

    def _rescan(self) -> None:
        if self.current:
            self.rescan.emit(self.current, self.reason.currentText().strip())

    def _accept(self) -> None:
        if self.current:
            self.review.emit(self.current, True, "")

    def _reject(self) -> None:
        if self.current:
            self.review.emit(self.current, False, self.reason.currentText().strip())


# --- The case form -------------------------------------------------------------------------


class FormPanel(QGroupBox):
    edited = Signal(str, str)
    push = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("申请表"), parent)
        layout = QVBoxLayout(self)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.fields: dict[str, QLineEdit] = {}
        bottom = QHBoxLayout()
        self.state = big(QLabel(), 13, True)
        self.state.setWordWrap(True)
        bottom.addWidget(self.state, 1)
        self.push_button = named(
            QPushButton(self.tr("推送给居民确认 (Ctrl+P)")),
            self.tr("推送给居民确认"),
            self.tr("把申请表送到居民端，请居民核对并签名（Ctrl+P）"),
        )
        big(self.push_button, 13, True)
        self.push_button.clicked.connect(self.push.emit)
        bottom.addWidget(self.push_button)
        layout.addLayout(bottom)
        self.signature = QLabel()
        self.signature.setFixedHeight(140)
        self.signature.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.signature.setStyleSheet("background: white; border: 1px dashed #9ca3af;")
        layout.addWidget(self.signature)
        layout.addStretch(1)

    def show_form(self, case: model.CaseWork | None) -> None:
        keys = [f.key for f in case.form] if case else []
        if keys != list(self.fields):
            while self.form.rowCount():
                self.form.removeRow(0)
            self.fields.clear()
            for form_field in case.form if case else []:
                edit = named(
                    QLineEdit(),
                    form_field.label,
                    fill(self.tr("申请表的“%1”一栏"), form_field.label),
                )
                edit.setObjectName(form_field.key)
                edit.textEdited.connect(
                    lambda text, key=form_field.key: self.edited.emit(key, text)
                )
                self.fields[form_field.key] = edit
                self.form.addRow(form_field.label, edit)
        for form_field in case.form if case else []:
            edit = self.fields[form_field.key]
            if edit.text() != form_field.value:
                edit.setText(form_field.value)
            # the number on the form is the masked one: the full number stays in the record
            edit.setReadOnly(form_field.key in ("id_number", "item"))
        states = {
            model.FormState.DRAFT: self.tr("请核对后推送给居民确认签字"),
            model.FormState.PUSHED: self.tr("已推送，等待居民确认签字…"),
            model.FormState.CONFIRMED: self.tr("居民已确认并签字"),
            model.FormState.CORRECTION: self.tr("居民要求更正："),
        }
        if case is None:
            self.state.setText("")
            self.push_button.setEnabled(False)
            self.signature.clear()
            return
        text = states[case.form_state]
        if case.form_state == model.FormState.CORRECTION:
            text += case.form_comment
        self.state.setText(text)
        color = {"confirmed": "#166534", "correction": "#b91c1c"}.get(str(case.form_state), "")
        self.state.setStyleSheet(f"color: {color}" if color else "")
        self.push_button.setEnabled(case.form_state != model.FormState.PUSHED)
        if case.signature_page_id is None:
            self.signature.clear()
            self.signature.setText(self.tr("签名将显示在这里"))

    def show_signature(self, image: QImage) -> None:
        pixmap = QPixmap.fromImage(image).scaled(
            400, 130, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        self.signature.setPixmap(pixmap)


# --- Outcome -------------------------------------------------------------------------------


class OutcomePanel(QGroupBox):
    close_case = Signal(object)  # model.OutcomeChoice

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("办理结果"), parent)
        layout = QVBoxLayout(self)
        self.group = QButtonGroup(self)
        row = QHBoxLayout()
        self.radios: dict[model.Outcome, QRadioButton] = {}
        for outcome, text in (
            (model.Outcome.ACCEPTED, self.tr("受理")),
            (model.Outcome.NEEDS_MORE, self.tr("需补材料")),
            (model.Outcome.REFERRED, self.tr("转介")),
            (model.Outcome.CANNOT_BE_DONE, self.tr("办不成事")),
        ):
            radio = named(
                QRadioButton(text), text, fill(self.tr("办理结果选“%1”"), text)
            )
            big(radio, 13, True)
            self.group.addButton(radio)
            self.radios[outcome] = radio
            row.addWidget(radio)
            radio.toggled.connect(self._mode)
        layout.addLayout(row)
        self.missing_box = QGroupBox(self.tr("缺少的材料（将告知居民并打在回执上）"))
        missing_layout = QVBoxLayout(self.missing_box)
        self.missing = named(
            QListWidget(),
            self.tr("缺少的材料"),
            self.tr("勾选居民还需补充的材料，会告知居民并打在回执上"),
        )
        missing_layout.addWidget(self.missing)
        layout.addWidget(self.missing_box)
        self.referred_to = QComboBox()
        self.referred_to.setEditable(True)
        # the place goes into the record and onto the resident's receipt: in Chinese
        self.referred_to.addItems(list(REFERRAL_PLACES))
        self.referred_to.setCurrentText("")
        _placeholder(self.referred_to, self.tr("转介到哪里"))
        named(self.referred_to, self.tr("转介去向"), self.tr("选择或填写转介到哪里办理"))
        layout.addWidget(self.referred_to)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("办不成的原因（将生成跟进工单）"))
        named(self.reason, self.tr("办不成的原因"), self.tr("填写办不成的原因，将生成跟进工单"))
        layout.addWidget(self.reason)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(self.tr("备注（可选，会打在回执上）"))
        named(self.note, self.tr("备注"), self.tr("可选，会打在回执上"))
        self.note.setFixedHeight(60)
        layout.addWidget(self.note)
        bottom = QHBoxLayout()
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b91c1c")
        self.problem.setWordWrap(True)
        bottom.addWidget(self.problem, 1)
        # printing is asked for with the receipt: the case takes no entries once closed
        self.print_receipt = named(
            QCheckBox(self.tr("打印回执")),
            self.tr("打印回执"),
            self.tr("办结时请居民端同时打印纸质回执"),
        )
        self.print_receipt.setChecked(True)
        big(self.print_receipt, 13)
        bottom.addWidget(self.print_receipt)
        self.close_button = named(
            QPushButton(self.tr("办结并发送回执 (Ctrl+Enter)")),
            self.tr("办结并发送回执"),
            self.tr("按所选结果办结案件，把回执发给居民（Ctrl+Enter）"),
        )
        big(self.close_button, 14, True)
        self.close_button.setMinimumHeight(44)
        self.close_button.clicked.connect(self._close)
        bottom.addWidget(self.close_button)
        layout.addLayout(bottom)
        self.result = big(QLabel(), 15, True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.result)
        layout.addStretch(1)
        self.radios[model.Outcome.ACCEPTED].setChecked(True)
        self._mode()

    def choose(self, outcome: model.Outcome) -> None:
        self.radios[outcome].setChecked(True)

    def outcome(self) -> model.Outcome:
        for outcome, radio in self.radios.items():
            if radio.isChecked():
                return outcome
        return model.Outcome.ACCEPTED

    def _mode(self) -> None:
        outcome = self.outcome()
        self.missing_box.setVisible(outcome == model.Outcome.NEEDS_MORE)
        self.referred_to.setVisible(outcome == model.Outcome.REFERRED)
        self.reason.setVisible(outcome == model.Outcome.CANNOT_BE_DONE)

    def show_case(self, case: model.CaseWork | None, busy: bool) -> None:
        if case is None:
            self.result.setText("")
            self.problem.setText("")
            self.missing.clear()
            self.close_button.setEnabled(False)
            return
        missing = case.checklist.missing()
        names = [e.name for e in case.checklist.entries]
        current = [self.missing.item(i).text() for i in range(self.missing.count())]
        if current != names:
            self.missing.clear()
            for name in names:
                item = QListWidgetItem(name)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    Qt.CheckState.Checked if name in missing else Qt.CheckState.Unchecked
                )
                self.missing.addItem(item)
        if case.closed is not None:
            self.result.setText(
                fill(self.tr("已办结，案件号 %1"), case.case_number or "")
                + (fill(self.tr("（居民评价 %1 星）"), case.rating.level) if case.rating else "")
            )
            self.close_button.setEnabled(False)
        else:
            number = case.case_number or self.tr("（正在建档…）")
            self.result.setText(fill(self.tr("案件号 %1"), number))
            self.close_button.setEnabled(not busy and case.case_number is not None)

    def sync_missing(self, case: model.CaseWork) -> None:
        missing = set(case.checklist.missing())
        for i in range(self.missing.count()):
            item = self.missing.item(i)
            item.setCheckState(
                Qt.CheckState.Checked if item.text() in missing else Qt.CheckState.Unchecked
            )

    def choice(self) -> model.OutcomeChoice:
        outcome = self.outcome()
        missing = tuple(
            self.missing.item(i).text()
            for i in range(self.missing.count())
            if self.missing.item(i).checkState() == Qt.CheckState.Checked
        )
        return model.OutcomeChoice(
            outcome=outcome,
            missing=missing if outcome == model.Outcome.NEEDS_MORE else (),
            referred_to=self.referred_to.currentText().strip()
            if outcome == model.Outcome.REFERRED
            else "",
            reason=self.reason.text().strip() if outcome == model.Outcome.CANNOT_BE_DONE else "",
            note=self.note.toPlainText().strip(),
            print_receipt=self.print_receipt.isChecked(),
        )

    def _close(self) -> None:
        self.close_case.emit(self.choice())


# --- History -------------------------------------------------------------------------------


class HistoryPanel(QWidget):
    search = Signal(dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        filters = QGridLayout()
        self.case_number = QLineEdit()
        self.case_number.setPlaceholderText(self.tr("案件号"))
        self.item = QLineEdit()
        self.item.setPlaceholderText(self.tr("事项名称或编码"))
        self.clerk = QLineEdit()
        self.clerk.setPlaceholderText(self.tr("工作人员"))
        self.id_number = QLineEdit()
        self.id_number.setPlaceholderText(self.tr("证件号码"))
        self.use_dates = QCheckBox(self.tr("日期"))
        self.date_from = QDateEdit(QDate.currentDate().addDays(-30))
        self.date_to = QDateEdit(QDate.currentDate())
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.go = QPushButton(self.tr("查询"))
        for widget, name, description in (
            (self.case_number, self.tr("案件号"), self.tr("按案件号查询")),
            (self.item, self.tr("事项名称或编码"), self.tr("按事项名称或编码查询")),
            (self.clerk, self.tr("工作人员"), self.tr("按办理的工作人员查询")),
            (self.id_number, self.tr("证件号码"), self.tr("按居民的证件号码查询")),
            (self.use_dates, self.tr("按日期查询"), self.tr("勾选后只查所选日期之间的案件")),
            (self.date_from, self.tr("起始日期"), self.tr("查询的第一天")),
            (self.date_to, self.tr("截止日期"), self.tr("查询的最后一天")),
            (self.go, self.tr("查询"), self.tr("按所填条件查询案件（回车）")),
        ):
            named(widget, name, description)
        filters.addWidget(self.case_number, 0, 0)
        filters.addWidget(self.item, 0, 1)
        filters.addWidget(self.clerk, 0, 2)
        filters.addWidget(self.id_number, 0, 3)
        filters.addWidget(self.use_dates, 1, 0)
        filters.addWidget(self.date_from, 1, 1)
        filters.addWidget(self.date_to, 1, 2)
        filters.addWidget(self.go, 1, 3)
        layout.addLayout(filters)
        self.table = QTableWidget(0, 8)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("案件号"),
                self.tr("日期"),
                self.tr("事项"),
                self.tr("工作人员"),
                self.tr("证件号码"),
                self.tr("结果"),
                self.tr("页数"),
                self.tr("评价"),
            ]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        named(self.table, self.tr("查询结果"), self.tr("查到的案件"))
        layout.addWidget(self.table, 1)
        self.status = QLabel()
        layout.addWidget(self.status)
        self.go.clicked.connect(self._search)
        for line in (self.case_number, self.item, self.clerk, self.id_number):
            line.returnPressed.connect(self._search)

    def filters(self) -> dict[str, str]:
        values = {
            "case_number": self.case_number.text().strip(),
            "item": self.item.text().strip(),
            "clerk": self.clerk.text().strip(),
            "id_number": self.id_number.text().strip(),
        }
        if self.use_dates.isChecked():
            values["date_from"] = self.date_from.date().toString("yyyy-MM-dd")
            values["date_to"] = self.date_to.date().toString("yyyy-MM-dd")
        return {key: value for key, value in values.items() if value}

    def _search(self) -> None:
        self.status.setText(self.tr("查询中…"))
        self.search.emit(self.filters())

    def show_results(self, cases: list[dict[str, object]]) -> None:
        outcomes = {
            "accepted": self.tr("受理"),
            "needs_more": self.tr("需补材料"),
            "referred": self.tr("转介"),
            "cannot_be_done": self.tr("办不成事"),
        }
        self.table.setRowCount(len(cases))
        for row, case in enumerate(cases):
            rating = case.get("rating")
            stars = ""
            if isinstance(rating, dict) and rating.get("level"):
                stars = "★" * int(rating["level"])
            opened = str(case.get("opened_at") or "")[:16].replace("T", " ")
            outcome = str(case.get("outcome") or "")
            cells = (
                str(case.get("case_number") or ""),
                opened,
                str(case.get("item_name") or case.get("item_code") or ""),
                str(case.get("clerk_name") or ""),
                str(case.get("id_number_masked") or ""),
                outcomes.get(outcome, outcome or self.tr("办理中")),
                str(case.get("pages", "")),
                stars,
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.status.setText(self.tr("共 %n 件", "", len(cases)))

    def show_error(self, text: str) -> None:
        self.status.setText(text)
