"""Screenshots of every kiosk screen with demo data: ``python -m kiosk.ui.screenshots OUT``
(``bash scripts/screenshots kiosk`` runs it under Xvfb). A ``kiosk.flow.Session`` is driven
by hand through its events and the ``KioskView`` methods get synthetic pictures, exactly as
the controller would call them."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import math
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QLinearGradient, QPainter, QPen
from PySide6.QtWidgets import QApplication, QWidget

from kiosk import flow
from kiosk.ui.screens.in_call import InCallScreen
from kiosk.ui.theme import FONT_FAMILY
from kiosk.ui.view_api import CallStatusView, FormView
from kiosk.ui.voice import Voice
from kiosk.ui.window import KioskScreens
from shared.catalog import CatalogItem, default_catalog_path, load_catalog
from shared.protocol import EndReason

WIDTH, HEIGHT = 1920, 1080
DEMO_ITEM = "CL-002"
DEMO_FORM = FormView(
    form_id="form-1",
    title="残疾人证挂失补办申请表",
    fields=(
        ("姓名", "王秀英"),
        ("证件号码", "310***********1234"),
        ("残疾人证号", "31010419480312****"),
        ("联系电话", "139****5678"),
        ("居住地址", "上海市静安区临汾路街道某某小区 12 号 301 室"),
        ("补办原因", "证件遗失"),
    ),
)


# --- synthetic pictures ---------------------------------------------------------------------


def clerk_frame(width: int = 640, height: int = 480) -> QImage:
    """A clerk at a service window, drawn: head and shoulders before a blue wall."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    wall = QLinearGradient(0, 0, 0, height)
    wall.setColorAt(0, QColor("#cfe0f3"))
    wall.setColorAt(1, QColor("#9fbbdc"))
    painter.fillRect(image.rect(), wall)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#1d3f6e"))
    painter.drawRoundedRect(QRectF(width * 0.22, height * 0.62, width * 0.56, height * 0.5), 80, 80)
    painter.setBrush(QColor("#ffffff"))
    painter.drawPolygon([QPointF(width * 0.44, height * 0.62), QPointF(width * 0.56, height * 0.62),
                         QPointF(width * 0.5, height * 0.76)])
    painter.setBrush(QColor("#f1c9a5"))
    painter.drawEllipse(QPointF(width * 0.5, height * 0.42), width * 0.12, height * 0.19)
    painter.setBrush(QColor("#2b2118"))
    painter.drawChord(QRectF(width * 0.38, height * 0.22, width * 0.24, height * 0.22), 0, 180 * 16)
    painter.setBrush(QColor("#ffffff"))
    painter.drawRoundedRect(QRectF(width * 0.05, height * 0.82, width * 0.3, height * 0.13), 8, 8)
    font = QFont(FONT_FAMILY)
    font.setPixelSize(round(height * 0.06))
    painter.setFont(font)
    painter.setPen(QColor("#1d3f6e"))
    painter.drawText(QRectF(width * 0.05, height * 0.82, width * 0.3, height * 0.13),
                     Qt.AlignmentFlag.AlignCenter, "3 号窗口")
    painter.end()
    return image


def resident_frame(width: int = 320, height: int = 240) -> QImage:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#e8e2d6"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#6b4f3a"))
    painter.drawRoundedRect(QRectF(width * 0.25, height * 0.65, width * 0.5, height * 0.5), 40, 40)
    painter.setBrush(QColor("#eac3a0"))
    painter.drawEllipse(QPointF(width * 0.5, height * 0.45), width * 0.13, height * 0.2)
    painter.setBrush(QColor("#d9d9d9"))
    painter.drawChord(QRectF(width * 0.36, height * 0.24, width * 0.28, height * 0.24), 0, 180 * 16)
    painter.end()
    return image


def document_page(title: str, width: int = 620, height: int = 880) -> QImage:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#fbfaf5"))
    painter = QPainter(image)
    font = QFont(FONT_FAMILY)
    font.setPixelSize(44)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#222222"))
    painter.drawText(QRectF(0, 40, width, 80), Qt.AlignmentFlag.AlignCenter, title)
    painter.setPen(QPen(QColor("#9a9a9a"), 6))
    for line in range(14):
        y = 170 + line * 48
        painter.drawLine(60, y, width - 60 - (line % 3) * 70, y)
    painter.setPen(QPen(QColor("#c0392b"), 8))
    painter.drawEllipse(QPointF(width - 150, height - 150), 80, 80)
    painter.end()
    return image


# --- driving the session ----------------------------------------------------------------------


class DemoDriver:
    """Feeds the session its events and the view the session's commands, as the controller
    does, on a clock the caller moves."""

    def __init__(self, view: KioskScreens, session: flow.Session) -> None:
        self.view = view
        self.session = session
        self.now = 1000.0
        self.commands: list[flow.Command] = []
        self.intents: list[object] = []
        view.set_event_handler(self.on_event)

    def on_event(self, event: object) -> None:
        if isinstance(event, flow.Touched | flow.Back | flow.ItemChosen | flow.MaterialsConfirmed
                      | flow.SkipCard | flow.HangUpPressed | flow.SignatureDrawn
                      | flow.SignatureCleared | flow.FormAnswered | flow.PrintRequested
                      | flow.ReceiptDone | flow.RatingGiven | flow.CannotBeDone):
            self.send(event)
        else:
            self.intents.append(event)

    def send(self, event: flow.Event) -> list[flow.Command]:
        commands = self.session.handle(event, self.now)
        self.commands += commands
        for command in commands:
            if isinstance(command, flow.ShowMessage):
                self.view.show_message(command.key)
            elif isinstance(command, flow.Speak):
                self.view.speak(command.text_key)
            elif isinstance(command, flow.Wipe):
                self.view.wipe()
        self.view.render(self.session, self.now)
        return commands

    def advance(self, seconds: float) -> None:
        self.now += seconds
        self.send(flow.Tick())


def demo_catalog() -> list[CatalogItem]:
    return load_catalog(default_catalog_path())


def item(catalog: list[CatalogItem], code: str) -> CatalogItem:
    return next(i for i in catalog if i.code == code)


# --- the shots ------------------------------------------------------------------------------


Shot = tuple[str, Callable[[DemoDriver], None], str]  # name, set-up, which pane: lower/upper/both


def _to_choose(d: DemoDriver) -> None:
    d.send(flow.Touched())


def _to_materials(d: DemoDriver) -> None:
    _to_choose(d)
    d.send(flow.ItemChosen(item(demo_catalog(), DEMO_ITEM)))
    d.advance(14)


def _to_card(d: DemoDriver) -> None:
    _to_materials(d)
    d.send(flow.MaterialsConfirmed())
    d.advance(9)


def _to_waiting(d: DemoDriver) -> None:
    _to_card(d)
    d.send(flow.CardRead(flow.CardSummary(birth_date=dt.date(1948, 3, 12)), dt.date(2026, 11, 22)))
    d.send(flow.QueueUpdated(position=3, eta_s=540))
    d.view.lower.toast.clear()


def _to_call(d: DemoDriver) -> None:
    _to_waiting(d)
    d.send(flow.CallStarted("call-1", "张敏", "3"))
    d.view.set_call_status(CallStatusView(clerk_name="张敏", window_no="3", quality="good"))
    d.view.set_remote_frame(clerk_frame())
    d.view.set_local_frame(resident_frame())


def _with_pages(d: DemoDriver) -> None:
    _to_call(d)
    for number, title in enumerate(("身份证 正面", "身份证 反面", "残疾人证"), start=1):
        d.send(flow.PageRequested())
        d.send(flow.PageCaptured(f"p{number}"))
        d.view.add_page_preview(f"p{number}", document_page(title), f"第 {number} 页")
    d.view.lower.toast.clear()


def _page_request(d: DemoDriver) -> None:
    _with_pages(d)
    d.send(flow.PageRequested(note="请把户口簿本人页放上来"))
    d.view.lower.toast.clear()


def _form(d: DemoDriver) -> None:
    _with_pages(d)
    d.send(flow.FormPushed("form-1", DEMO_FORM.title))
    d.view.set_form(DEMO_FORM)
    pad = _in_call(d).form_panel.pad
    _sign(pad)


def _in_call(d: DemoDriver) -> InCallScreen:
    page = d.view.lower.page(flow.Screen.IN_CALL)
    assert isinstance(page, InCallScreen)
    return page


def _sign(pad: QWidget) -> None:
    from kiosk.ui.widgets.signature_pad import SignaturePad

    assert isinstance(pad, SignaturePad)
    w, h = pad.width() or 800, pad.height() or 300
    points = [QPointF(w * (0.15 + t / 60 * 0.7), h * (0.55 - 0.18 * math.sin(t / 4.0)))
              for t in range(61)]
    for index, point in enumerate(points):
        pad.add_point(point, new_stroke=index == 0)
    for index in range(20):
        pad.add_point(QPointF(w * (0.35 + index * 0.005), h * (0.25 + index * 0.025)),
                      new_stroke=index == 0)


def _correction(d: DemoDriver) -> None:
    _form(d)
    _in_call(d).form_panel.show_corrections(True)


def _reconnecting(d: DemoDriver) -> None:
    _with_pages(d)
    d.send(flow.CallState(reconnecting=True))
    d.view.set_call_status(CallStatusView(clerk_name="张敏", window_no="3", quality="poor",
                                          reconnecting=True))


def _receipt(d: DemoDriver) -> None:
    _with_pages(d)
    d.send(flow.ReceiptReceived(
        case_number="JA-20261122-0042",
        tracking_url="https://zwdt.sh.gov.cn/track?case=JA-20261122-0042",
        outcome="needs_more",
        missing=("户口簿本人页复印件", "近期一寸免冠照片 2 张"),
    ))
    d.send(flow.CallEnded(EndReason.HANGUP, "needs_more"))
    d.view.lower.toast.clear()


def _rating(d: DemoDriver) -> None:
    _receipt(d)
    d.send(flow.ReceiptDone())
    from kiosk.ui.screens.rating import RatingScreen

    page = d.view.lower.page(flow.Screen.RATING)
    assert isinstance(page, RatingScreen)
    page.faces[5].setChecked(True)
    page.reasons["rating.reason.friendly"].setChecked(True)
    page.reasons["rating.reason.clear"].setChecked(True)
    page.submit.setEnabled(True)
    d.advance(6)


def _cannot_be_done(d: DemoDriver) -> None:
    _with_pages(d)
    d.view.lower.cannot_panel.open()


def _goodbye(d: DemoDriver) -> None:
    _receipt(d)
    d.send(flow.ReceiptDone())
    d.send(flow.RatingGiven(5))
    d.view.lower.toast.clear()


def _card_failed(d: DemoDriver) -> None:
    _to_materials(d)
    d.send(flow.DeviceProblem("card_reader", "no reader"))
    d.send(flow.MaterialsConfirmed())
    d.view.lower.toast.clear()


def _still_there(d: DemoDriver) -> None:
    _to_waiting(d)
    d.send(flow.QueueUpdated(position=2, eta_s=300))
    d.advance(d.session.config.still_there_every_s + 1)
    d.advance(12)
    d.view.lower.toast.clear()


def _search(d: DemoDriver) -> None:
    from kiosk.ui.screens.choose_item import ChooseItemScreen

    _to_choose(d)
    page = d.view.lower.page(flow.Screen.CHOOSE_ITEM)
    assert isinstance(page, ChooseItemScreen)
    page.set_mode(1)
    page.pad.type("C")
    page.pad.type("J")


def _admin(d: DemoDriver) -> None:
    d.view.lower.admin.open()
    d.view.lower.admin.pad.press("1")
    d.view.lower.admin.pad.press("2")


def _message(d: DemoDriver) -> None:
    _to_materials(d)
    d.send(flow.MaterialsConfirmed())
    d.view.show_message("card.invalid.clerk_will_verify")


SHOTS: list[Shot] = [
    ("01-welcome", lambda d: None, "lower"),
    ("02-choose-item", _to_choose, "lower"),
    ("03-choose-item-search", _search, "lower"),
    ("04-materials", _to_materials, "lower"),
    ("05-card", _to_card, "lower"),
    ("06-card-reader-failed", _card_failed, "lower"),
    ("07-waiting", _to_waiting, "both"),
    ("08-waiting-still-there", _still_there, "lower"),
    ("09-in-call", _with_pages, "both"),
    ("10-in-call-page-request", _page_request, "lower"),
    ("11-in-call-form", _form, "lower"),
    ("12-in-call-correction", _correction, "lower"),
    ("13-in-call-reconnecting", _reconnecting, "both"),
    ("14-receipt", _receipt, "lower"),
    ("15-rating", _rating, "lower"),
    ("16-cannot-be-done", _cannot_be_done, "lower"),
    ("17-goodbye", _goodbye, "lower"),
    ("18-message", _message, "lower"),
    ("19-admin-pin", _admin, "lower"),
    ("20-idle", lambda d: None, "upper"),
]


def save_png(widget: QWidget, path: Path) -> int:
    """The widget as a PNG with at most 256 colours (flat screens lose nothing; the files
    stay small enough for the repository)."""
    from PIL import Image

    pixmap = widget.grab()
    image = pixmap.toImage().convertToFormat(QImage.Format.Format_RGB888)
    data = bytes(image.constBits())[: image.sizeInBytes()]
    picture = Image.frombytes("RGB", (image.width(), image.height()), data, "raw", "RGB",
                              image.bytesPerLine())
    picture = picture.quantize(colors=256, method=Image.Quantize.MEDIANCUT,
                               dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", optimize=True)
    path.write_bytes(buffer.getvalue())
    return len(buffer.getvalue())


def take(app: QApplication, out: Path, *, elderly: bool, language: str,
         names: set[str] | None = None) -> list[Path]:
    suffix = ("-elderly" if elderly else "") + ("-en" if language == "en" else "")
    written: list[Path] = []
    catalog = demo_catalog()
    for name, setup, panes in SHOTS:
        if names is not None and name not in names:
            continue
        view = KioskScreens(upper_screen=0, lower_screen=1, kiosk_mode=False,
                            voice=Voice(engine="mock"), catalog=catalog)
        view.set_language(language)
        view.set_elderly_mode(elderly)
        session = flow.Session(flow.FlowConfig(identity_required=frozenset({"GA-001"})))
        driver = DemoDriver(view, session)
        # each pane at a real screen's size, whether the machine has one screen or two
        view.upper.setFixedSize(WIDTH, HEIGHT)
        view.lower.setFixedSize(WIDTH, HEIGHT)
        for window in view.windows:
            window.show()
        view.render(session, driver.now)
        app.processEvents()
        setup(driver)
        app.processEvents()
        view.render(session, driver.now)
        app.processEvents()
        for pane_name, pane in (("lower", view.lower), ("upper", view.upper)):
            if panes in (pane_name, "both"):
                path = out / f"{name}-{pane_name}{suffix}.png"
                save_png(pane, path)
                written.append(path)
        view.close()
        for window in view.windows:
            window.deleteLater()
        view.deleteLater()
        app.processEvents()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path, nargs="?", default=Path("docs/screenshots/kiosk"))
    parser.add_argument("--only", nargs="*", help="shot names (default: all)")
    args = parser.parse_args(argv)
    from shared.ui.i18n import compile_translations
    from shared.ui.loop import qt_application

    compile_translations()
    app = qt_application()
    args.out.mkdir(parents=True, exist_ok=True)
    names = set(args.only) if args.only else None
    written: list[Path] = []
    written += take(app, args.out, elderly=False, language="zh_CN", names=names)
    written += take(app, args.out, elderly=True, language="zh_CN", names=names)
    written += take(app, args.out, elderly=False, language="en", names=names)
    total = sum(path.stat().st_size for path in written)
    for path in written:
        print(path)
    print(f"{len(written)} screenshots, {total / 1e6:.2f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
