"""In the call and after it: page prompts and previews, the form with the signature pad and
请更正, hanging up, the receipt's QR code, 好差评 and 办不成事."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from pyzbar import pyzbar

from kiosk import flow
from kiosk.ui.screens.in_call import FORM, PAGE, TALK, InCallScreen
from kiosk.ui.screens.rating import RatingScreen
from kiosk.ui.screens.receipt import ReceiptScreen
from kiosk.ui.view_api import CallStatusView, CorrectionRequested, FormView, SignatureSubmitted
from shared.protocol import EndReason

from .conftest import Kiosk, to_call

FIELDS = (("姓名", "王秀英"), ("补办原因", "证件遗失"))
FORM_VIEW = FormView("form-1", "残疾人证挂失补办申请表", FIELDS)
URL = "https://zwdt.sh.gov.cn/track?case=JA-20261122-0042"


def in_call(k: Kiosk) -> InCallScreen:
    page = k.page(flow.Screen.IN_CALL)
    assert isinstance(page, InCallScreen)
    return page


def page_image(color: str = "#fbfaf5") -> QImage:
    image = QImage(620, 880, QImage.Format.Format_RGB32)
    image.fill(QColor(color))
    return image


def sign(k: Kiosk, points: list[tuple[int, int]]) -> None:
    pad = in_call(k).form_panel.pad
    k.qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(*points[0]))
    for x, y in points[1:]:
        k.qtbot.mouseMove(pad, QPoint(x, y))
    k.qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(*points[-1]))


def push_form(k: Kiosk, needs_signature: bool = True) -> None:
    k.send(flow.FormPushed("form-1", FORM_VIEW.title, needs_signature))
    k.view.set_form(FormView(FORM_VIEW.form_id, FORM_VIEW.title, FORM_VIEW.fields,
                             needs_signature))


def test_the_page_prompt_and_the_previews(kiosk: Kiosk) -> None:
    to_call(kiosk)
    page = in_call(kiosk)
    assert page.modes.currentIndex() == TALK
    assert page.talk_title.text() == "工作人员张敏正在为您办理"
    kiosk.send(flow.PageRequested(note="请把户口簿本人页放上来"))
    assert page.modes.currentIndex() == PAGE
    assert page.page_note.text() == "请把户口簿本人页放上来"
    assert kiosk.view.lower.toast.isVisible()
    assert kiosk.view.voice.spoken[-1] == "请把工作人员要的材料放在拍摄台上。"
    kiosk.send(flow.PageCaptured("p1"))
    kiosk.view.add_page_preview("p1", page_image(), "第 1 页")
    assert page.modes.currentIndex() == TALK
    kiosk.view.add_page_preview("p2", page_image("#eeeeee"), "第 2 页")
    assert [t.page_id for t in page.strip.thumbnails] == ["p2", "p1"]
    assert page.strip.isVisible() and page.strip.caption.text() == "已经拍好的材料（2 页）"
    # the same page captured again replaces its preview
    kiosk.view.add_page_preview("p1", page_image("#dddddd"), "第 1 页")
    assert [t.page_id for t in page.strip.thumbnails] == ["p1", "p2"]
    kiosk.view.clear_page_previews()
    assert page.strip.thumbnails == [] and not page.strip.isVisible()


def test_signing_gives_a_png_and_the_strokes(kiosk: Kiosk) -> None:
    to_call(kiosk)
    push_form(kiosk)
    page = in_call(kiosk)
    panel = page.form_panel
    assert page.modes.currentIndex() == FORM
    assert [label.text() for label in panel.field_labels] == [t for f in FIELDS for t in f]
    sign(kiosk, [(60, 100), (120, 60), (200, 140), (320, 80)])
    assert flow.SignatureDrawn() in kiosk.events and kiosk.session.has_signature
    kiosk.click(panel.confirm)
    submitted = [e for e in kiosk.events if isinstance(e, SignatureSubmitted)]
    assert len(submitted) == 1
    signature = submitted[0]
    assert signature.form_id == "form-1"
    picture = Image.open(io.BytesIO(signature.png))
    assert picture.format == "PNG" and picture.size == (signature.width, signature.height)
    # ink where the pen went, white elsewhere
    assert picture.convert("L").getpixel((120, 60)) < 128
    assert picture.convert("L").getpixel((signature.width - 5, 5)) == 255
    assert len(signature.strokes) == 1
    assert [(x, y) for x, y, _ in signature.strokes[0]] == [(60, 100), (120, 60), (200, 140),
                                                          (320, 80)]
    times = [t for _, _, t in signature.strokes[0]]
    assert times == sorted(times)


def test_signing_again_clears_the_pad(kiosk: Kiosk) -> None:
    to_call(kiosk)
    push_form(kiosk)
    panel = in_call(kiosk).form_panel
    sign(kiosk, [(60, 100), (200, 140)])
    kiosk.click(panel.clear)
    assert panel.pad.is_empty and flow.SignatureCleared() in kiosk.events
    assert not kiosk.session.has_signature
    # confirming an unsigned form: the flow asks for the signature first
    kiosk.click(panel.confirm)
    assert kiosk.view.lower.toast.key == "form.sign_first"
    assert kiosk.session.form is not None


def test_a_form_without_signature_is_confirmed_directly(kiosk: Kiosk) -> None:
    to_call(kiosk)
    push_form(kiosk, needs_signature=False)
    panel = in_call(kiosk).form_panel
    assert not panel.pad.isVisible() and panel.confirm.text() == "内容没错，确认"
    kiosk.click(panel.confirm)
    assert flow.FormAnswered(confirmed=True) in kiosk.events
    assert kiosk.session.form is None
    assert in_call(kiosk).modes.currentIndex() == TALK


def test_please_correct_offers_reasons(kiosk: Kiosk) -> None:
    to_call(kiosk)
    push_form(kiosk)
    panel = in_call(kiosk).form_panel
    kiosk.click(panel.correct)
    assert panel.corrections.isVisible() and not panel.confirm.isVisible()
    kiosk.click(panel.correction_buttons["form.correct.address"])
    assert CorrectionRequested("form-1", "地址不对") in kiosk.events
    assert not panel.corrections.isVisible()


def test_hang_up(kiosk: Kiosk) -> None:
    to_call(kiosk)
    hang_up = in_call(kiosk).hang_up
    assert hang_up.isVisible()
    kiosk.click(hang_up)
    assert flow.HangUp("resident") in kiosk.driver.commands
    assert kiosk.session.state is flow.Screen.RATING
    assert not hang_up.isVisible()


def test_the_receipt_qr_code_decodes_to_the_tracking_url(kiosk: Kiosk) -> None:
    to_call(kiosk)
    kiosk.send(flow.ReceiptReceived("JA-20261122-0042", URL, "needs_more",
                                    ("户口簿本人页复印件", "近期一寸免冠照片 2 张")))
    page = kiosk.page(flow.Screen.RECEIPT)
    assert isinstance(page, ReceiptScreen)
    assert kiosk.view.lower.stack.currentWidget() is page
    assert page.case_number.text() == "JA-20261122-0042"
    assert page.outcome.text() == "还差材料，补齐后就能办"
    assert page.missing.isVisible() and "户口簿本人页复印件" in page.missing_list.text()
    grabbed = page.qr.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    picture = Image.frombytes("RGB", (grabbed.width(), grabbed.height()),
                              bytes(grabbed.constBits()), "raw", "RGB", grabbed.bytesPerLine())
    decoded = pyzbar.decode(picture)
    assert [d.data.decode() for d in decoded] == [URL]
    kiosk.click(page.print)
    assert flow.PrintReceipt("JA-20261122-0042", URL) in kiosk.driver.commands
    kiosk.click(page.done)
    assert kiosk.session.state is flow.Screen.RATING


def test_printing_without_a_printer_points_to_the_qr(kiosk: Kiosk) -> None:
    to_call(kiosk)
    kiosk.send(flow.DeviceProblem("printer", "paper out"))
    kiosk.send(flow.ReceiptReceived("C-1", URL, "accepted"))
    page = kiosk.page(flow.Screen.RECEIPT)
    assert isinstance(page, ReceiptScreen)
    assert not page.missing.isVisible()
    assert not page.print.isEnabled()
    assert kiosk.view.lower.toast.key == "receipt.printer_unavailable.use_qr"


def test_rating_five_faces_with_reasons(kiosk: Kiosk) -> None:
    to_call(kiosk)
    kiosk.send(flow.CallEnded(EndReason.HANGUP))
    page = kiosk.page(flow.Screen.RATING)
    assert isinstance(page, RatingScreen)
    assert sorted(page.faces) == [1, 2, 3, 4, 5]
    assert not page.submit.isEnabled()
    kiosk.click(page.faces[4])
    kiosk.click(page.reasons["rating.reason.clear"])
    kiosk.click(page.reasons["rating.reason.slow"])
    kiosk.click(page.reasons["rating.reason.slow"])
    kiosk.click(page.submit)
    assert flow.RatingGiven(4, ("rating.reason.clear",)) in kiosk.events
    assert flow.SendRating(4, ("rating.reason.clear",)) in kiosk.driver.commands
    assert kiosk.session.state is flow.Screen.GOODBYE
    # wiped for the next resident
    assert page.level() is None and not any(c.isChecked() for c in page.reasons.values())


def test_skipping_the_rating(kiosk: Kiosk) -> None:
    to_call(kiosk)
    kiosk.send(flow.CallEnded(EndReason.HANGUP))
    assert kiosk.view.lower.back.text() == "不评了"
    kiosk.click(kiosk.view.lower.back)
    assert kiosk.session.end_reason == "rating_skipped"


@pytest.mark.parametrize("where", ["in_call", "receipt", "rating"])
def test_cannot_be_done_is_reachable_and_records_why(kiosk: Kiosk, where: str) -> None:
    to_call(kiosk)
    if where != "in_call":
        kiosk.send(flow.ReceiptReceived("C-7", URL, "cannot_be_done"))
    if where == "rating":
        kiosk.send(flow.ReceiptDone())
    assert kiosk.session.state.value == where
    lower = kiosk.view.lower
    kiosk.click(lower.cannot_be_done)
    assert lower.cannot_panel.isVisible()
    assert set(lower.cannot_panel.reasons) == set(flow.CANNOT_BE_DONE_REASONS)
    kiosk.click(lower.cannot_panel.reasons["cannot_be_done.sent_elsewhere"])
    assert flow.CannotBeDone("cannot_be_done.sent_elsewhere") in kiosk.events
    sent = [c for c in kiosk.driver.commands if isinstance(c, flow.SendCannotBeDone)]
    assert sent and sent[0].reason == "cannot_be_done.sent_elsewhere"
    assert not lower.cannot_panel.isVisible()
    assert lower.toast.key == "cannot_be_done.recorded"


def test_cannot_be_done_is_not_offered_before_the_call(kiosk: Kiosk) -> None:
    from .conftest import to_waiting

    to_waiting(kiosk)
    assert not kiosk.view.lower.cannot_be_done.isVisible()


def test_the_upper_screen_through_the_call(kiosk: Kiosk) -> None:
    upper = kiosk.view.upper
    assert upper.status.text() == "请在触摸屏上开始办事"
    to_call(kiosk)
    assert upper.status.text() == "正在接通工作人员…"
    assert upper.clerk.text() == "工作人员：张敏" and upper.window_no.text() == "3 号窗口"
    assert upper.local.isVisible()
    kiosk.view.set_call_status(CallStatusView("张敏", "3", quality="fair"))
    frame = QImage(640, 480, QImage.Format.Format_RGB32)
    frame.fill(QColor("#336699"))
    kiosk.view.set_remote_frame(frame)
    kiosk.view.set_local_frame(frame)
    assert upper.status.text() == "通话中" and upper.quality.text() == "信号一般"
    kiosk.send(flow.CallState(reconnecting=True))
    assert upper.status.text() == "网络不太稳，正在重新连接…" and not upper.quality.text()
    assert in_call(kiosk).reconnecting.isVisible()
    kiosk.send(flow.CallState(reconnecting=False))
    assert upper.status.text() == "通话中"
    kiosk.send(flow.CallEnded(EndReason.HANGUP))
    assert upper.remote.image is None and not upper.local.isVisible()
    assert upper.clerk.text() == ""


def test_an_invited_expert_shows_in_the_corner_until_they_leave(kiosk: Kiosk) -> None:
    upper = kiosk.view.upper
    to_call(kiosk)
    assert not upper.guest.isVisible()
    frame = QImage(320, 240, QImage.Format.Format_RGB32)
    frame.fill(QColor("#446688"))
    kiosk.view.set_guest_frame(frame)  # before the name: not theirs to show yet
    assert upper.guest.image is None
    kiosk.view.set_guest("陈医保专家")
    assert upper.guest.isVisible() and upper.guest._placeholder == "会商专家：陈医保专家"
    kiosk.view.set_guest_frame(frame)
    assert upper.guest.image is not None
    # top-right over the clerk's picture, clear of the resident's own in the bottom corner
    guest, own = upper.guest.geometry(), upper.local.geometry()
    assert guest.right() == own.right() and guest.bottom() < own.top()
    kiosk.view.set_guest(None)
    assert not upper.guest.isVisible() and upper.guest.image is None


def test_wipe_forgets_previews_form_and_frames(kiosk: Kiosk) -> None:
    to_call(kiosk)
    frame = QImage(64, 48, QImage.Format.Format_RGB32)
    frame.fill(QColor("#123456"))
    kiosk.view.set_remote_frame(frame)
    kiosk.view.set_local_frame(frame)
    kiosk.view.add_page_preview("p1", page_image(), "第 1 页")
    push_form(kiosk)
    sign(kiosk, [(60, 100), (200, 140)])
    kiosk.send(flow.ReceiptReceived("C-9", URL, "accepted"))
    panel = in_call(kiosk).form_panel
    receipt = kiosk.page(flow.Screen.RECEIPT)
    assert isinstance(receipt, ReceiptScreen) and receipt.qr.payload == URL
    kiosk.view.wipe()
    assert kiosk.view.upper.remote.image is None and kiosk.view.upper.local.image is None
    assert in_call(kiosk).strip.thumbnails == []
    assert panel.pad.is_empty and panel.field_labels == [] and panel.title.text() == ""
    assert in_call(kiosk).form_view is None
    assert receipt.qr.payload == "" and receipt.case_number.text() == ""
