"""Large type, big touch targets, Chinese first with English switched at run time, every
text translated, nothing that needs a keyboard."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtGui import QAccessible, QAccessibleActionInterface, QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from kiosk import flow
from kiosk.ui import texts
from kiosk.ui.screens.choose_item import ChooseItemScreen
from kiosk.ui.screens.in_call import InCallScreen
from kiosk.ui.screens.rating import RatingScreen
from kiosk.ui.screens.waiting import WaitingScreen
from kiosk.ui.screens.welcome import WelcomeScreen
from kiosk.ui.theme import ELDERLY, MIN_TOUCH_PX, NORMAL
from kiosk.ui.view_api import FormView, LanguageChosen
from kiosk.ui.widgets.countdown import CountdownRing
from kiosk.ui.widgets.qr_view import QrView
from kiosk.ui.widgets.signature_pad import SignaturePad
from kiosk.ui.widgets.video_pane import VideoPane
from shared.protocol import EndReason

from .conftest import Kiosk, to_call, to_choose, to_materials, to_waiting

TS = Path(texts.__file__).parent / "i18n" / "kiosk_en.ts"
FLOW_SOURCE = Path(flow.__file__).read_text(encoding="utf-8")


def widgets(k: Kiosk) -> list[QWidget]:
    found: list[QWidget] = []
    for window in k.view.windows:
        found += [window, *window.findChildren(QWidget)]
    return found


def pixel_size(label: QLabel) -> int:
    label.ensurePolished()
    return label.font().pixelSize()


def test_body_text_is_large_and_larger_in_elderly_mode(kiosk: Kiosk) -> None:
    to_materials(kiosk)
    page = kiosk.page(flow.Screen.MATERIALS)
    body = page.all_at_once  # type: ignore[attr-defined]
    title = page.item_name  # type: ignore[attr-defined]
    assert pixel_size(body) >= 28 and pixel_size(body) == NORMAL.body_px
    normal_title = pixel_size(title)
    kiosk.view.set_elderly_mode(True)
    assert pixel_size(body) >= 36 and pixel_size(body) == ELDERLY.body_px
    assert pixel_size(title) > normal_title
    kiosk.view.set_elderly_mode(False)
    assert pixel_size(body) == NORMAL.body_px


def test_no_label_is_tiny(kiosk: Kiosk) -> None:
    to_call(kiosk)
    labels = [w for w in widgets(kiosk) if isinstance(w, QLabel) and w.text()]
    assert labels
    for label in labels:
        assert pixel_size(label) >= 28, label.text()


@pytest.mark.parametrize("elderly", [False, True])
def test_every_touch_target_is_big(kiosk: Kiosk, elderly: bool) -> None:
    kiosk.view.set_elderly_mode(elderly)
    checked = 0
    for walk in (lambda: None, lambda: to_choose(kiosk),
                 lambda: kiosk.send(flow.ItemChosen(kiosk.item("CL-002"))),
                 lambda: kiosk.send(flow.MaterialsConfirmed()),
                 lambda: kiosk.send(flow.SkipCard()),
                 lambda: kiosk.send(flow.CallStarted("c", "张敏", "3")),
                 lambda: kiosk.send(flow.CallEnded(EndReason.HANGUP))):
        walk()
        kiosk.qtbot.wait(1)
        for button in (w for w in widgets(kiosk) if isinstance(w, QAbstractButton)):
            if button.isVisible():
                checked += 1
                size = button.size()
                assert size.height() >= MIN_TOUCH_PX and size.width() >= MIN_TOUCH_PX, (
                    kiosk.session.state, button, size)
    assert checked > 40


def test_no_keyboard_is_needed_anywhere(kiosk: Kiosk) -> None:
    to_call(kiosk)
    needs_keys = (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox, QComboBox)
    assert [w for w in widgets(kiosk) if isinstance(w, needs_keys)] == []
    # and nothing takes the keyboard focus
    assert all(not b.focusPolicy() & b.focusPolicy().TabFocus
               for b in widgets(kiosk) if isinstance(b, QAbstractButton))


def test_english_switch_changes_texts_at_run_time(kiosk: Kiosk) -> None:
    welcome = kiosk.page(flow.Screen.WELCOME)
    assert isinstance(welcome, WelcomeScreen)
    assert welcome.start.text() == "开始办事"
    kiosk.click(welcome.languages["en"])
    assert kiosk.events == [LanguageChosen("en")]
    assert kiosk.session.state is flow.Screen.WELCOME  # not a touch that starts a visit
    assert welcome.start.text() == "Start"
    assert welcome.title.text() == "Government services by video"
    to_waiting(kiosk, position=3, eta_s=540)
    assert kiosk.view.upper.status.text() == "In the queue: 2 ahead of you, About 9 min to wait"
    assert kiosk.view.lower.step.text() == "Step 4 of 6: Queue"
    # switching back while a screen shows: texts with values follow too
    kiosk.view.set_language("zh_CN")
    assert kiosk.view.upper.status.text() == "排队中：前面还有 2 位，大约还要等 9 分钟"
    assert kiosk.view.lower.step.text() == "第 4 步，共 6 步：排队"
    assert welcome.start.text() == "开始办事"


def test_wipe_puts_the_settings_back_for_the_next_resident(kiosk: Kiosk) -> None:
    kiosk.view.set_language("en")
    kiosk.view.set_elderly_mode(True)
    kiosk.view.wipe()
    assert kiosk.view.language == "zh_CN" and not kiosk.view.elderly


def test_every_text_has_its_english(compiled_translations: None) -> None:
    root = ET.parse(TS).getroot()
    translations = {
        m.findtext("source"): m.find("translation")
        for m in root.iter("message")
    }
    for key, source in texts.TEXTS.items():
        if key in texts.UNTRANSLATED:
            continue
        translation = translations.get(source)
        assert translation is not None, f"{key} is missing from {TS.name}: run pyside6-lupdate"
        assert translation.get("type") is None and translation.text, f"{key} is not translated"
    placeholders = re.compile(r"\{\w+\}")
    for source, translation in translations.items():
        assert translation is not None and source is not None
        assert sorted(placeholders.findall(source)) == sorted(
            placeholders.findall(translation.text or "")
        ), source


def test_every_text_key_of_the_flow_has_a_text() -> None:
    literal = set(re.findall(r'(?:ShowMessage|Speak)\("([\w.]+)"', FLOW_SOURCE))
    literal |= set(re.findall(r'"([\w.]+)" if [^\n]+ else "([\w.]+)"', FLOW_SOURCE)[0])
    literal |= {f"speak.{screen.value}" for screen in flow.Screen}
    literal |= set(flow.CANNOT_BE_DONE_REASONS) | {"call.page_requested", "department.other"}
    missing = sorted(key for key in literal if key not in texts.TEXTS)
    assert missing == []
    # the keys with a variable part fall back to a plain general text
    for reason in EndReason:
        assert texts.text(f"call.ended.{reason.value}")
        assert texts.text(f"queue.ended.{reason.value}")
    for kind in ("camera", "scanner", "printer", "signature_pad", "microphone"):
        assert texts.text(f"device.{kind}.failed") != f"device.{kind}.failed"


def test_a_clerks_free_text_note_is_shown_as_it_is() -> None:
    assert texts.text("请把户口簿本人页放上来") == "请把户口簿本人页放上来"


def test_choose_item_search_letters_skip_those_no_pinyin_starts_with(kiosk: Kiosk) -> None:
    to_choose(kiosk)
    page = kiosk.page(flow.Screen.CHOOSE_ITEM)
    assert isinstance(page, ChooseItemScreen)
    assert not {"I", "U", "V"} & set(page.pad.keys)


def test_voice_prompts_follow_the_flow(kiosk: Kiosk) -> None:
    to_choose(kiosk)
    assert kiosk.view.voice.spoken[-1] == "请选择您要办的事。"
    kiosk.view.set_language("en")
    kiosk.view.speak("speak.card")
    assert kiosk.view.voice.spoken[-1] == "Please place your ID card on the reader."


# --- what a screen reader (AT-SPI through Qt's bridge) gets -------------------------------


def accessible_texts(widget: QWidget) -> tuple[str, str]:
    """The name and description Qt's accessibility layer gives a screen reader."""
    face = QAccessible.queryAccessibleInterface(widget)
    assert face is not None, widget
    return face.text(QAccessible.Text.Name), face.text(QAccessible.Text.Description)


def controls(k: Kiosk) -> list[QWidget]:
    """What a resident can act on or must see to act, as shown now."""
    kinds = (QAbstractButton, SignaturePad, CountdownRing, VideoPane, QrView)
    return [w for w in widgets(k) if isinstance(w, kinds) and w.isVisible()]


def press(widget: QWidget, action: str | None = None) -> None:
    """A screen reader's Press (or ``action``) on ``widget``, no pointer involved."""
    face = QAccessible.queryAccessibleInterface(widget)
    assert face is not None
    actions = face.actionInterface()
    assert actions is not None, widget
    wanted = action or QAccessibleActionInterface.pressAction()
    assert wanted in actions.actionNames()
    actions.doAction(wanted)


def test_every_control_on_every_screen_has_a_name_and_a_description(kiosk: Kiosk) -> None:
    choose = kiosk.page(flow.Screen.CHOOSE_ITEM)
    assert isinstance(choose, ChooseItemScreen)
    in_call = kiosk.page(flow.Screen.IN_CALL)
    assert isinstance(in_call, InCallScreen)
    lower = kiosk.view.lower

    def by_search() -> None:
        kiosk.click(choose.by_search)
        for letter in "cqhl":
            kiosk.click(choose.pad.keys[letter.upper()])

    def push_form() -> None:
        kiosk.send(flow.FormPushed("form-1", "残疾人证挂失补办申请表", True))
        kiosk.view.set_form(FormView("form-1", "残疾人证挂失补办申请表",
                                     (("姓名", "王秀英"),), True))

    walk: list[tuple[str, Callable[[], object]]] = [
        ("welcome", lambda: None),
        ("admin pad", lower.admin.open),
        ("admin pad closed", lower.admin.close_pad),
        ("by department", lambda: to_choose(kiosk)),
        ("by search", by_search),
        ("materials", lambda: kiosk.send(flow.ItemChosen(kiosk.item("CL-002")))),
        ("card", lambda: kiosk.send(flow.MaterialsConfirmed())),
        ("waiting", lambda: kiosk.send(flow.SkipCard())),
        ("in call", lambda: kiosk.send(flow.CallStarted("c", "张敏", "3"))),
        ("page asked", lambda: kiosk.send(flow.PageRequested(note="call.page_requested"))),
        ("form", push_form),
        ("corrections", lambda: kiosk.click(in_call.form_panel.correct)),
        ("cannot be done", lambda: kiosk.click(lower.cannot_be_done)),
        ("receipt", lambda: kiosk.send(flow.ReceiptReceived("C-1", "https://x/t?c=1",
                                                            "accepted"))),
        ("rating", lambda: kiosk.send(flow.ReceiptDone())),
    ]
    seen: set[str] = set()
    for step, action in walk:
        action()
        kiosk.qtbot.wait(1)
        for widget in controls(kiosk):
            name, description = accessible_texts(widget)
            assert name.strip(), (step, widget)
            assert description.strip(), (step, widget, name)
            seen.add(type(widget).__name__)
    assert {"TextButton", "FaceButton", "SignaturePad", "CountdownRing", "VideoPane",
            "QrView"} <= seen
    # every button, shown or not, says what it does
    for button in (w for w in widgets(kiosk) if isinstance(w, QAbstractButton)):
        assert accessible_texts(button)[1].strip(), button


def test_item_buttons_are_named_by_their_item_and_faces_by_their_word(kiosk: Kiosk) -> None:
    to_choose(kiosk)
    page = kiosk.page(flow.Screen.CHOOSE_ITEM)
    assert isinstance(page, ChooseItemScreen)
    kiosk.click(page.by_search)
    for letter in "CQHLBX":
        kiosk.click(page.pad.keys[letter])
    shown = page.grid.shown_items()
    assert [i.name for i in shown] == ["长期护理保险申请（老年照护统一需求评估）"]
    for item, button in zip(shown, page.grid.buttons, strict=False):
        assert accessible_texts(button)[0] == item.name
    rating = kiosk.page(flow.Screen.RATING)
    assert isinstance(rating, RatingScreen)
    words = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
    assert {level: accessible_texts(face)[0] for level, face in rating.faces.items()} == words
    # the English screen reads English
    kiosk.view.set_language("en")
    assert accessible_texts(rating.faces[5])[0] == texts.text("rating.level.5") != "非常满意"
    welcome = kiosk.page(flow.Screen.WELCOME)
    assert isinstance(welcome, WelcomeScreen)
    assert accessible_texts(welcome.start) == ("Start", "Start a visit")


def test_the_press_action_on_start_begins_the_visit(kiosk: Kiosk) -> None:
    welcome = kiosk.page(flow.Screen.WELCOME)
    assert isinstance(welcome, WelcomeScreen)
    assert accessible_texts(welcome.start)[0] == "开始办事"
    press(welcome.start)
    kiosk.qtbot.waitUntil(lambda: kiosk.session.state is flow.Screen.CHOOSE_ITEM,
                          timeout=5000)
    assert kiosk.events == [flow.Touched()]


def test_the_press_action_answers_still_there(kiosk: Kiosk) -> None:
    to_waiting(kiosk)
    waiting = kiosk.page(flow.Screen.WAITING)
    assert isinstance(waiting, WaitingScreen)
    for _ in range(200):
        if waiting.still_there.isVisible():
            break
        kiosk.advance(10)
    assert waiting.still_there.isVisible() and kiosk.session.still_there_deadline is not None
    press(waiting.still_button)
    kiosk.qtbot.waitUntil(lambda: kiosk.session.still_there_deadline is None, timeout=5000)
    assert kiosk.session.state is flow.Screen.WAITING


def test_painted_texts_are_readable(kiosk: Kiosk) -> None:
    to_choose(kiosk)
    ring = kiosk.view.lower.ring
    name = accessible_texts(ring)[0]
    assert name == f"还剩 {ring.seconds} 秒"
    kiosk.advance(5)
    assert accessible_texts(ring)[0] == f"还剩 {ring.seconds} 秒" != name
    # the clerk's picture says what it is waiting for
    to_call_from_choose(kiosk)
    remote = kiosk.view.upper.remote
    assert accessible_texts(remote) == ("工作人员的视频", texts.text("status.connecting"))
    frame = QImage(64, 48, QImage.Format.Format_RGB32)
    frame.fill(0xFF336699)
    kiosk.view.set_remote_frame(frame)
    assert accessible_texts(remote) == ("工作人员的视频", "视频画面")
    # status line, call quality and the reconnecting notice are labels a reader reads
    kiosk.send(flow.CallState(reconnecting=True))
    assert accessible_texts(kiosk.view.upper.status)[0] == texts.text("status.reconnecting")


def to_call_from_choose(k: Kiosk) -> None:
    k.send(flow.ItemChosen(k.item("CL-002")))
    k.send(flow.MaterialsConfirmed())
    k.send(flow.SkipCard())
    k.send(flow.CallStarted("c", "张敏", "3"))
    assert k.session.state is flow.Screen.IN_CALL


def test_the_toggle_action_on_a_checkable_button_acts_as_a_tap(kiosk: Kiosk) -> None:
    toggle = QAccessibleActionInterface.toggleAction()
    to_choose(kiosk)
    page = kiosk.page(flow.Screen.CHOOSE_ITEM)
    assert isinstance(page, ChooseItemScreen)
    names = list(page.department_buttons)
    second = page.department_buttons[names[1]]
    press(second, toggle)
    kiosk.qtbot.waitUntil(lambda: page.grid.items == page._groups[names[1]], timeout=5000)
    assert second.isChecked() and not page.department_buttons[names[0]].isChecked()
    # the mode chips are a button group: Toggle switches to the letter pad
    press(page.by_search, toggle)
    kiosk.qtbot.waitUntil(lambda: page.sidebar.currentWidget() is page.pad, timeout=5000)
    kiosk.send(flow.ItemChosen(kiosk.item("CL-002")))
    kiosk.send(flow.MaterialsConfirmed())
    kiosk.send(flow.SkipCard())
    kiosk.send(flow.CallStarted("c", "张敏", "3"))
    kiosk.send(flow.CallEnded(EndReason.HANGUP))
    rating = kiosk.page(flow.Screen.RATING)
    assert isinstance(rating, RatingScreen)
    press(rating.faces[4], toggle)
    kiosk.qtbot.waitUntil(lambda: rating.submit.isEnabled(), timeout=5000)
    assert rating.level() == 4
    reason = rating.reasons["rating.reason.clear"]
    press(reason, toggle)
    kiosk.qtbot.waitUntil(lambda: reason.isChecked(), timeout=5000)
    press(reason, toggle)
    kiosk.qtbot.waitUntil(lambda: not reason.isChecked(), timeout=5000)
    press(rating.submit)
    kiosk.qtbot.waitUntil(lambda: kiosk.session.state is flow.Screen.GOODBYE, timeout=5000)
    assert flow.RatingGiven(4, ()) in kiosk.events
