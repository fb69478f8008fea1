"""Choose the service item: by business line (民政, 人社, 医保...) with big buttons, or by
name through pinyin initials on an on-screen letter pad (no keyboard), a page of big item
buttons at a time with 上一页 / 下一页 (no tiny scrolling)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk import flow
from kiosk.ui.screens.base import Emit, ScreenPage
from kiosk.ui.texts import TEXTS
from kiosk.ui.widgets.text import TextButton, TextLabel
from shared.catalog import SKILLS, CatalogItem

LETTERS = "ABCDEFGHJKLMNOPQRSTWXYZ"  # no pinyin syllable starts with I, U or V
#: frequent words of item names: a tap searches the name itself
KEYWORDS = ("证明", "补贴", "居住", "医保", "残疾", "失业", "敬老卡", "登记")
ITEMS_PER_PAGE = 6
#: letter pad columns: 23 letters, then 删一个 and 清空 two keys wide each
COLUMNS = 9
OTHER = "department.other"
#: the left column's share of the page: business lines, or the letter pad (which needs room)
DEPARTMENTS_SHARE = 0.28
PAD_SHARE = 0.48


def group_by_business_line(items: Sequence[CatalogItem]) -> dict[str, list[CatalogItem]]:
    """Remote-eligible items by the business line a resident knows (民政, 人社, 医保...),
    in catalog order. The catalog's ``department`` column names offices (区县民政部门（审定）)
    and is often empty, so the skill's name is what the buttons show."""
    groups: dict[str, list[CatalogItem]] = {}
    for item in items:
        if item.remote_eligible is False:
            continue
        groups.setdefault(SKILLS.get(item.skill, OTHER), []).append(item)
    return groups


class ItemGrid(QWidget):
    """A page of item buttons, two columns, with paging."""

    def __init__(self, emit: Emit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report = emit
        self._items: list[CatalogItem] = []
        self._page = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(16)
        self.caption = TextLabel("", "small")
        layout.addWidget(self.caption)
        grid = QGridLayout()
        grid.setSpacing(16)
        self.buttons: list[TextButton] = []
        for index in range(ITEMS_PER_PAGE):
            button = TextButton("", "", wrap=True)
            button.setMinimumHeight(130)
            button.describe("a11y.item")
            button.clicked.connect(lambda _=False, i=index: self._chosen(i))
            grid.addWidget(button, index // 2, index % 2)
            self.buttons.append(button)
        layout.addLayout(grid, 1)
        paging = QHBoxLayout()
        self.prev = TextButton("common.prev_page", "quiet")
        self.prev.describe("a11y.prev_page")
        self.prev.clicked.connect(lambda _=False: self.turn(-1))
        self.page_label = TextLabel("", "small", align=Qt.AlignmentFlag.AlignCenter)
        self.next = TextButton("common.next_page", "quiet")
        self.next.describe("a11y.next_page")
        self.next.clicked.connect(lambda _=False: self.turn(1))
        paging.addWidget(self.prev)
        paging.addWidget(self.page_label, 1)
        paging.addWidget(self.next)
        layout.addLayout(paging)
        self.show_items([], empty_key="choose.no_items")

    @property
    def items(self) -> list[CatalogItem]:
        return list(self._items)

    def shown_items(self) -> list[CatalogItem]:
        start = self._page * ITEMS_PER_PAGE
        return self._items[start : start + ITEMS_PER_PAGE]

    def show_items(self, items: list[CatalogItem], *, empty_key: str, count: bool = False) -> None:
        self._items = items
        self._page = 0
        if not items:
            self.caption.show_key(empty_key)
        elif count:
            self.caption.show_key("choose.result_count", count=len(items))
        else:
            self.caption.show_raw("")
        self._fill()

    def turn(self, step: int) -> None:
        pages = self._pages()
        self._page = max(0, min(pages - 1, self._page + step))
        self._fill()

    def _pages(self) -> int:
        return max(1, -(-len(self._items) // ITEMS_PER_PAGE))

    def _fill(self) -> None:
        shown = self.shown_items()
        for index, button in enumerate(self.buttons):
            if index < len(shown):
                button.show_raw(shown[index].name)
                button.setVisible(True)
            else:
                button.show_raw("")
                # keep the grid's shape: an invisible button still holds its cell
                button.setVisible(False)
        pages = self._pages()
        paging = pages > 1
        self.prev.setVisible(paging)
        self.next.setVisible(paging)
        self.prev.setEnabled(self._page > 0)
        self.next.setEnabled(self._page < pages - 1)
        if paging:
            self.page_label.show_key("common.page_of", page=self._page + 1, pages=pages)
        else:
            self.page_label.show_raw("")

    def _chosen(self, index: int) -> None:
        shown = self.shown_items()
        if index < len(shown):
            self.report(flow.ItemChosen(shown[index]))


class LetterPad(QWidget):
    def __init__(self, on_change: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._on_change = on_change
        self.query = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        self.hint = TextLabel("choose.search_hint", "small")
        layout.addWidget(self.hint)
        self.display = TextLabel("choose.query_empty", "query")
        self.display.setMinimumHeight(96)
        layout.addWidget(self.display)
        grid = QGridLayout()
        grid.setSpacing(8)
        self.keys: dict[str, TextButton] = {}
        for index, letter in enumerate(LETTERS):
            button = TextButton("", "key")
            button.show_raw(letter)
            button.describe("a11y.letter")
            button.clicked.connect(lambda _=False, c=letter: self.type(c))
            grid.addWidget(button, index // COLUMNS, index % COLUMNS)
            self.keys[letter] = button
        last_row = len(LETTERS) // COLUMNS
        delete = TextButton("choose.delete", "quiet")
        delete.describe("a11y.delete_letter")
        delete.clicked.connect(self.delete)
        grid.addWidget(delete, last_row, COLUMNS - 4, 1, 2)
        clear = TextButton("choose.clear", "quiet")
        clear.describe("a11y.clear_query")
        clear.clicked.connect(self.clear)
        grid.addWidget(clear, last_row, COLUMNS - 2, 1, 2)
        self.keys["delete"], self.keys["clear"] = delete, clear
        layout.addLayout(grid)
        chips = QGridLayout()
        chips.setSpacing(8)
        for index, word in enumerate(KEYWORDS):
            chip = TextButton("", "chip")
            chip.show_raw(word)
            chip.describe("a11y.keyword")
            chip.clicked.connect(lambda _=False, w=word: self.set_query(w))
            chips.addWidget(chip, index // 4, index % 4)
            self.keys[word] = chip
        layout.addLayout(chips)
        layout.addStretch(1)

    def type(self, letter: str) -> None:
        # a keyword followed by letters makes no sense: letters start a new query
        base = self.query if self.query.isascii() else ""
        self.set_query(base + letter.lower())

    def delete(self) -> None:
        self.set_query(self.query[:-1] if self.query.isascii() else "")

    def clear(self) -> None:
        self.set_query("")

    def set_query(self, query: str) -> None:
        self.query = query
        if query:
            self.display.show_raw(query.upper() if query.isascii() else query)
        else:
            self.display.show_key("choose.query_empty")
        if callable(self._on_change):
            self._on_change(query)


class ChooseItemScreen(ScreenPage):
    flow_screen = flow.Screen.CHOOSE_ITEM

    def __init__(self, emit: Emit, parent: QWidget | None = None) -> None:
        super().__init__(emit, parent)
        self._catalog: list[CatalogItem] = []
        self._groups: dict[str, list[CatalogItem]] = {}
        self._department: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 24, 48, 16)
        layout.setSpacing(20)
        top = QHBoxLayout()
        self.title = TextLabel("choose.title", "title")
        top.addWidget(self.title, 1)
        self.home = TextButton("footer.home", "quiet")
        self.home.describe("a11y.home")
        self.home.clicked.connect(lambda _=False: self.report(flow.Back()))
        top.addWidget(self.home)
        top.addSpacing(24)
        self.mode_group = QButtonGroup(self)
        self.by_department = TextButton("choose.by_department", "chip")
        self.by_search = TextButton("choose.search", "chip")
        self.by_department.describe("a11y.by_department")
        self.by_search.describe("a11y.by_search")
        for index, button in enumerate((self.by_department, self.by_search)):
            button.setCheckable(True)
            button.setMinimumWidth(240)
            self.mode_group.addButton(button, index)
            top.addWidget(button)
        self.by_department.setChecked(True)
        self.mode_group.idClicked.connect(self.set_mode)
        layout.addLayout(top)
        body = QHBoxLayout()
        body.setSpacing(32)
        self.sidebar = QStackedWidget()
        self.sidebar.setFixedWidth(self._sidebar_width(0))
        departments = QWidget()
        self.department_layout = QVBoxLayout(departments)
        self.department_layout.setContentsMargins(0, 0, 0, 0)
        self.department_layout.setSpacing(12)
        self.department_group = QButtonGroup(self)
        self.department_buttons: dict[str, TextButton] = {}
        self.sidebar.addWidget(departments)
        self.pad = LetterPad(self._search)
        self.sidebar.addWidget(self.pad)
        body.addWidget(self.sidebar)
        self.grid = ItemGrid(emit)
        body.addWidget(self.grid, 1)
        layout.addLayout(body, 1)

    def set_catalog(self, items: Sequence[CatalogItem]) -> None:
        self._catalog = list(items)
        self._groups = group_by_business_line(self._catalog)
        for button in self.department_buttons.values():
            self.department_group.removeButton(button)
            button.deleteLater()
        self.department_buttons = {}
        while self.department_layout.count():
            self.department_layout.takeAt(0)
        keys = {label: f"skill.{code}" for code, label in SKILLS.items()}
        for name in self._groups:
            key = name if name == OTHER else keys.get(name, "")
            button = TextButton(key if key in TEXTS else "", "chip")
            if not button.key:
                button.show_raw(name)
            button.setCheckable(True)
            button.describe("a11y.department")
            button.clicked.connect(lambda _=False, n=name: self.show_department(n))
            self.department_group.addButton(button)
            self.department_layout.addWidget(button)
            self.department_buttons[name] = button
        self.department_layout.addStretch(1)
        self.reset()

    def reset(self) -> None:
        """The state a new resident finds: first business line, no search text."""
        self.pad.set_query("")
        self.set_mode(0)

    def set_mode(self, mode: int) -> None:
        self.mode_group.button(mode).setChecked(True)
        self.sidebar.setCurrentIndex(mode)
        self.sidebar.setFixedWidth(self._sidebar_width(mode))
        if mode == 0:
            first = next(iter(self._groups), None)
            if first is None:
                self.grid.show_items([], empty_key="choose.no_items")
            else:
                self.show_department(self._department if self._department in self._groups
                                     else first)
        else:
            self._search(self.pad.query)

    def _sidebar_width(self, mode: int) -> int:
        width = max(self.width(), 960)
        return round(width * (DEPARTMENTS_SHARE if mode == 0 else PAD_SHARE))

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.sidebar.setFixedWidth(self._sidebar_width(self.sidebar.currentIndex()))
        super().resizeEvent(event)

    def show_department(self, name: str) -> None:
        self._department = name
        button = self.department_buttons.get(name)
        if button is not None:
            button.setChecked(True)
        self.grid.show_items(self._groups.get(name, []), empty_key="choose.no_items")

    def _search(self, query: str) -> None:
        if self.sidebar.currentIndex() != 1:
            return
        found = flow.search_items(self._catalog, query)
        self.grid.show_items(found, empty_key="choose.no_result", count=bool(query))

    def wipe(self) -> None:
        self._department = None
        self.reset()
