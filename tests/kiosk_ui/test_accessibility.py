"""Large type, big touch targets, Chinese first with English switched at run time, every
text translated, nothing that needs a keyboard."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
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
from kiosk.ui.screens.welcome import WelcomeScreen
from kiosk.ui.theme import ELDERLY, MIN_TOUCH_PX, NORMAL
from kiosk.ui.view_api import LanguageChosen
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
