"""Each screen renders from a session driven through its events, and touches give the
right flow events."""

from __future__ import annotations

import datetime as dt

from kiosk import flow
from kiosk.ui.screens.card import CardScreen
from kiosk.ui.screens.choose_item import ITEMS_PER_PAGE, ChooseItemScreen
from kiosk.ui.screens.goodbye import GoodbyeScreen
from kiosk.ui.screens.materials import MaterialsScreen
from kiosk.ui.screens.waiting import WaitingScreen
from kiosk.ui.screens.welcome import WelcomeScreen
from kiosk.ui.view_api import ElderlyModeChosen
from shared.catalog import SKILLS
from shared.protocol import RequestStatus

from .conftest import Kiosk, to_card, to_choose, to_materials, to_waiting


def shown(k: Kiosk) -> object:
    return k.view.lower.stack.currentWidget()


def test_welcome_start_is_a_touch_that_opens_the_choice(kiosk: Kiosk) -> None:
    welcome = kiosk.page(flow.Screen.WELCOME)
    assert isinstance(welcome, WelcomeScreen) and shown(kiosk) is welcome
    kiosk.click(welcome.start)
    assert kiosk.events == [flow.Touched()]
    assert isinstance(shown(kiosk), ChooseItemScreen)
    assert kiosk.view.lower.step.text().startswith("第 1 步")


def test_settings_on_the_welcome_screen_do_not_start_a_visit(kiosk: Kiosk) -> None:
    welcome = kiosk.page(flow.Screen.WELCOME)
    assert isinstance(welcome, WelcomeScreen)
    kiosk.click(welcome.elderly)
    assert kiosk.events == [ElderlyModeChosen(True)]
    assert kiosk.session.state is flow.Screen.WELCOME
    assert kiosk.view.elderly and welcome.elderly.isChecked()


def test_departments_are_business_lines_and_an_item_tap_chooses_it(kiosk: Kiosk) -> None:
    to_choose(kiosk)
    page = kiosk.page(flow.Screen.CHOOSE_ITEM)
    assert isinstance(page, ChooseItemScreen)
    assert set(page.department_buttons) <= set(SKILLS.values())
    assert "医保" in page.department_buttons
    kiosk.click(page.department_buttons["医保"])
    names = [b.shown_text() for b in page.grid.buttons if b.isVisible()]
    assert names[0] == kiosk.item("YB-001").name
    kiosk.events.clear()
    kiosk.click(page.grid.buttons[2])
    assert kiosk.events == [flow.Touched(), flow.ItemChosen(kiosk.item("YB-003"))]
    assert isinstance(shown(kiosk), MaterialsScreen)


def test_items_come_a_page_at_a_time(kiosk: Kiosk) -> None:
    to_choose(kiosk)
    page = kiosk.page(flow.Screen.CHOOSE_ITEM)
    assert isinstance(page, ChooseItemScreen)
    kiosk.click(page.department_buttons["民政"])
    minzheng = [i for i in kiosk.catalog if i.skill == "minzheng"]
    assert len(minzheng) > ITEMS_PER_PAGE
    assert not page.grid.prev.isEnabled()
    kiosk.click(page.grid.next)
    assert page.grid.shown_items() == minzheng[ITEMS_PER_PAGE : 2 * ITEMS_PER_PAGE]
    assert page.grid.page_label.text() == "第 2 页，共 2 页"
    kiosk.click(page.grid.prev)
    assert page.grid.shown_items() == minzheng[:ITEMS_PER_PAGE]


def test_search_by_pinyin_initials_on_the_letter_pad(kiosk: Kiosk) -> None:
    to_choose(kiosk)
    page = kiosk.page(flow.Screen.CHOOSE_ITEM)
    assert isinstance(page, ChooseItemScreen)
    kiosk.click(page.by_search)
    kiosk.click(page.pad.keys["D"])
    kiosk.click(page.pad.keys["S"])
    assert page.pad.display.text() == "DS"
    assert page.grid.shown_items()[0].name == "低收入困难家庭证明开具"
    kiosk.click(page.pad.keys["delete"])
    assert page.pad.query == "d"
    kiosk.click(page.pad.keys["clear"])
    assert page.pad.display.text() == "还没有输入"
    # a frequent word searches the names themselves
    kiosk.click(page.pad.keys["医保"])
    assert page.grid.shown_items()
    assert all("医保" in i.name for i in page.grid.shown_items())
    kiosk.click(page.pad.keys["Z"])
    kiosk.click(page.pad.keys["Z"])
    kiosk.click(page.pad.keys["Z"])
    assert page.grid.shown_items() == []
    assert "没有找到" in page.grid.caption.text()


def test_materials_are_all_told_at_once_then_confirmed(kiosk: Kiosk) -> None:
    to_materials(kiosk, "RS-003")
    page = kiosk.page(flow.Screen.MATERIALS)
    assert isinstance(page, MaterialsScreen)
    item = kiosk.item("RS-003")
    assert page.item_name.text() == item.name
    assert [r.text() for r in page.rows] == [
        f"{n}. {m}" for n, m in enumerate(item.materials, start=1)
    ]
    assert page.confirm.isVisible()
    kiosk.click(page.confirm)
    assert kiosk.session.state is flow.Screen.CARD
    assert flow.ReadCard() in kiosk.driver.commands


def test_an_item_without_a_material_list_says_the_clerk_tells(kiosk: Kiosk) -> None:
    to_materials(kiosk, "MZ-002")
    page = kiosk.page(flow.Screen.MATERIALS)
    assert isinstance(page, MaterialsScreen)
    assert "工作人员会在视频里告诉您" in page.rows[0].text()
    assert kiosk.view.lower.toast.key == "materials.unknown_ask_clerk"


def test_materials_back_chooses_again(kiosk: Kiosk) -> None:
    to_materials(kiosk)
    assert kiosk.view.lower.back.text() == "换一件事"
    kiosk.click(kiosk.view.lower.back)
    assert kiosk.session.state is flow.Screen.CHOOSE_ITEM


def test_card_skip_only_when_the_item_permits(kiosk: Kiosk) -> None:
    to_card(kiosk, "GA-001")  # identity required
    page = kiosk.page(flow.Screen.CARD)
    assert isinstance(page, CardScreen)
    assert not page.skip.isVisible()
    assert page.animation.animation.state() == page.animation.animation.State.Running
    kiosk.click(kiosk.view.lower.back)
    assert kiosk.session.state is flow.Screen.MATERIALS


def test_card_skip_lets_the_clerk_verify(kiosk: Kiosk) -> None:
    to_card(kiosk, "CL-002")
    page = kiosk.page(flow.Screen.CARD)
    assert isinstance(page, CardScreen)
    assert page.skip.isVisible()
    kiosk.click(page.skip)
    assert kiosk.session.state is flow.Screen.WAITING
    assert kiosk.session.clerk_verifies
    # leaving the card page stops its animation: nothing paints for nobody
    assert page.animation.animation.state() != page.animation.animation.State.Running


def test_a_broken_card_reader_shows_the_way_forward(kiosk: Kiosk) -> None:
    to_materials(kiosk)
    kiosk.send(flow.DeviceProblem("card_reader", "no reader"))
    kiosk.click(kiosk.view.lower.page(flow.Screen.MATERIALS).confirm)  # type: ignore[attr-defined]
    page = kiosk.page(flow.Screen.CARD)
    assert isinstance(page, CardScreen)
    assert page.problem.isVisible() and page.go_on.isVisible()
    assert not page.animation.isVisible()
    assert "工作人员会在视频里为您核对身份" in page.problem_text.text()
    kiosk.click(page.go_on)
    assert kiosk.session.state is flow.Screen.WAITING


def test_waiting_shows_position_and_wait_live(kiosk: Kiosk) -> None:
    to_waiting(kiosk, position=3, eta_s=540)
    page = kiosk.page(flow.Screen.WAITING)
    assert isinstance(page, WaitingScreen)
    assert page.position.text() == "前面还有 2 位"
    assert page.eta.text() == "大约还要等 9 分钟"
    assert kiosk.view.upper.status.text() == "排队中：前面还有 2 位，大约还要等 9 分钟"
    kiosk.send(flow.QueueUpdated(position=1, eta_s=30))
    assert page.position.text() == "下一位就是您"
    assert page.eta.text() == "马上就到您"
    kiosk.send(flow.QueueUpdated(position=1, eta_s=None, status=RequestStatus.RINGING))
    assert page.status.isVisible() and "工作人员马上接通" in page.status.text()
    kiosk.send(flow.QueueUpdated(position=2, eta_s=None, status=RequestStatus.HELD))
    assert page.eta.text() == "等待时间暂时算不出来"
    assert "位置保留着" in page.status.text()
    assert not page.priority.isVisible()


def test_an_elderly_resident_is_told_of_the_priority(kiosk: Kiosk) -> None:
    to_card(kiosk)
    kiosk.send(flow.CardRead(flow.CardSummary(birth_date=dt.date(1940, 5, 1)),
                             dt.date(2026, 11, 22)))
    page = kiosk.page(flow.Screen.WAITING)
    assert isinstance(page, WaitingScreen)
    assert page.priority.isVisible()


def test_still_there_is_asked_and_a_touch_answers(kiosk: Kiosk) -> None:
    to_waiting(kiosk)
    page = kiosk.page(flow.Screen.WAITING)
    assert isinstance(page, WaitingScreen)
    assert not page.still_there.isVisible()
    assert not kiosk.view.lower.ring.isVisible()
    kiosk.advance(kiosk.session.config.still_there_every_s + 1)
    assert page.still_there.isVisible()
    assert kiosk.view.lower.ring.isVisible()
    assert kiosk.view.lower.ring.seconds == round(kiosk.session.config.still_there_answer_s)
    kiosk.click(page.still_button)
    assert kiosk.session.still_there_deadline is None
    assert not page.still_there.isVisible()
    assert not kiosk.view.lower.ring.isVisible()


def test_leaving_the_queue(kiosk: Kiosk) -> None:
    to_waiting(kiosk)
    assert kiosk.view.lower.back.text() == "不排了"
    kiosk.click(kiosk.view.lower.back)
    assert flow.LeaveQueue() in kiosk.driver.commands
    assert kiosk.session.state is flow.Screen.MATERIALS


def test_the_countdown_is_visible_and_runs_on_states_with_a_deadline(kiosk: Kiosk) -> None:
    lower = kiosk.view.lower
    assert not lower.ring.isVisible()  # welcome has no deadline
    to_choose(kiosk)
    assert lower.ring.isVisible() and lower.countdown_text.isVisible()
    assert lower.ring.seconds == 60
    assert lower.countdown_text.text() == "秒后回到首页"
    kiosk.advance(10)
    assert lower.ring.seconds == 50
    kiosk.advance(40)
    assert lower.countdown_text.text() == "点一下屏幕就能继续"
    kiosk.send(flow.Touched())
    assert lower.ring.seconds == 60 and lower.countdown_text.text() == "秒后回到首页"
    kiosk.advance(61)
    assert kiosk.session.state is flow.Screen.WELCOME
    assert not lower.ring.isVisible()


def test_goodbye_reminds_to_take_the_card(kiosk: Kiosk) -> None:
    to_waiting(kiosk)
    kiosk.send(flow.CardInserted())
    from shared.protocol import EndReason

    kiosk.send(flow.CallEnded(EndReason.NO_CLERK))
    page = kiosk.page(flow.Screen.GOODBYE)
    assert isinstance(page, GoodbyeScreen) and shown(kiosk) is page
    assert page.hint.text() == "请拿回您的身份证。"
    assert "没有工作人员在岗" in page.reason.text()
    kiosk.click(page.title)
    assert kiosk.session.state is flow.Screen.WELCOME


def test_a_press_anywhere_is_a_touch_that_gives_the_full_time_again(kiosk: Kiosk) -> None:
    to_materials(kiosk)
    kiosk.advance(100)
    assert kiosk.view.lower.ring.seconds == 20
    page = kiosk.page(flow.Screen.MATERIALS)
    assert isinstance(page, MaterialsScreen)
    kiosk.events.clear()
    kiosk.tap(page.all_at_once)
    assert kiosk.events == [flow.Touched()]
    assert kiosk.view.lower.ring.seconds == 120


def test_walking_away_with_the_card_shows_the_countdown(kiosk: Kiosk) -> None:
    to_waiting(kiosk)
    lower = kiosk.view.lower
    assert not lower.ring.isVisible()
    kiosk.send(flow.CardRemoved())
    kiosk.advance(1)
    assert lower.ring.isVisible()
    assert lower.ring.seconds == round(kiosk.session.config.walkaway_s) - 1
    kiosk.advance(kiosk.session.config.walkaway_s)
    assert kiosk.session.state is flow.Screen.WELCOME
    assert kiosk.session.end_reason == "walked_away"


def test_departments_follow_the_language(kiosk: Kiosk) -> None:
    to_choose(kiosk)
    page = kiosk.page(flow.Screen.CHOOSE_ITEM)
    assert isinstance(page, ChooseItemScreen)
    kiosk.view.set_language("en")
    assert page.department_buttons["医保"].text() == "Medical insurance"
    kiosk.view.set_language("zh_CN")
    assert page.department_buttons["医保"].text() == "医保"
