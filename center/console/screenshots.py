"""``python -m center.console.screenshots OUTDIR [--language en]``: every console screen with
demo data (no server, no camera), rendered under the current Qt platform (Xvfb through
``scripts/screenshots``, or offscreen) and saved as PNG files."""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import sys
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp
from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QLinearGradient, QPainter, QPen
from PySide6.QtWidgets import QApplication, QWidget

from center.console import model
from center.console.app import prepare_application
from center.console.client import ConsoleClient, Quality, Staff
from center.console.window import ConsoleWindow, LoginDialog
from shared import protocol as p
from shared.call import messages as m
from shared.call.session import CallConfig, CallSession, CallState
from shared.catalog import CatalogItem, default_catalog_path, load_catalog
from shared.signaling_client import LinkState
from shared.ui.loop import run_with_qt

DEMO_ID_NUMBER = "11010519491231002X"
ITEM_CODE = "YB-003"


# --- Demo pictures -------------------------------------------------------------------------


def _font(points: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(["Noto Sans CJK SC", "WenQuanYi Micro Hei", "sans-serif"])
    font.setPointSize(points)
    font.setBold(bold)
    return font


def person_image(width: int, height: int, top: str, bottom: str, label: str) -> QImage:
    """A stand-in for a camera picture: a room and a head-and-shoulders figure."""
    image = QImage(width, height, QImage.Format.Format_RGB888)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    gradient = QLinearGradient(0, 0, 0, height)
    gradient.setColorAt(0, QColor(top))
    gradient.setColorAt(1, QColor(bottom))
    painter.fillRect(0, 0, width, height, gradient)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#3b4252"))
    painter.drawEllipse(QRectF(width * 0.28, height * 0.62, width * 0.44, height * 0.6))
    painter.setBrush(QColor("#f1c7a5"))
    painter.drawEllipse(QRectF(width * 0.39, height * 0.22, width * 0.22, height * 0.36))
    painter.setBrush(QColor("#d8dee9"))
    painter.drawRect(QRectF(width * 0.36, height * 0.16, width * 0.28, height * 0.1))
    painter.setPen(QColor("#ffffff"))
    painter.setFont(_font(max(10, height // 30)))
    band = QRectF(0, height * 0.03, width, height * 0.1)
    painter.drawText(band, Qt.AlignmentFlag.AlignCenter, label)
    painter.end()
    return image


def document_image(title: str, lines: list[str], card: bool = False) -> QImage:
    """A scanned page: an A4 sheet, or an ID card laid on it."""
    width, height = (1240, 1754)
    image = QImage(width, height, QImage.Format.Format_RGB888)
    image.fill(QColor("#fbfaf6"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor("#1f2937"))
    if card:
        for index, top in enumerate((160, 900)):
            box = QRectF(170, top, 900, 570)
            painter.setBrush(QColor("#e0ecf7") if index == 0 else QColor("#f4ead8"))
            painter.setPen(QPen(QColor("#64748b"), 3))
            painter.drawRoundedRect(box, 30, 30)
            painter.setFont(_font(30, True))
            painter.drawText(box.adjusted(40, 30, 0, 0), title if index == 0 else "中华人民共和国")
            painter.setFont(_font(22))
            back = ["居民身份证", "签发机关 演示公安分局"]
            for n, line in enumerate(lines if index == 0 else back):
                painter.drawText(QPointF(box.left() + 40, box.top() + 150 + n * 60), line)
            if index == 0:
                painter.setBrush(QColor("#cbd5e1"))
                painter.drawRect(QRectF(box.right() - 260, box.top() + 120, 200, 250))
    else:
        painter.setFont(_font(40, True))
        painter.drawText(QRectF(0, 140, width, 100), Qt.AlignmentFlag.AlignCenter, title)
        painter.setFont(_font(24))
        for n, line in enumerate(lines):
            painter.drawText(QPointF(150, 340 + n * 80), line)
            painter.setPen(QPen(QColor("#9ca3af"), 2))
            painter.drawLine(QPointF(150, 355 + n * 80), QPointF(width - 150, 355 + n * 80))
            painter.setPen(QColor("#1f2937"))
    painter.end()
    return image


def signature_image() -> QImage:
    image = QImage(600, 200, QImage.Format.Format_RGB888)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("#111827"), 5))
    points = [QPointF(60 + x * 8, 110 + 40 * ((x % 7) - 3) / 3) for x in range(60)]
    for a, b in itertools.pairwise(points):
        painter.drawLine(a, b)
    painter.end()
    return image


# --- A console with demo data --------------------------------------------------------------


class DemoConsole:
    """The real window and client, filled with a made-up visit; nothing is connected."""

    def __init__(self, http: aiohttp.ClientSession, role: str = "clerk") -> None:
        self.staff = Staff(
            token="demo",  # noqa: S106 - nothing is connected
            staff_id="s-demo",
            center_id="c-demo",
            username="wangli",
            display_name="王丽",
            role=role,
            window_no="3",
            skills=("yibao", "minzheng"),
        )
        self.window = ConsoleWindow("http://127.0.0.1:8420", self.staff)
        self.client = ConsoleClient("http://127.0.0.1:8420", self.staff, http, self.window)
        self.client.catalog = {i.code: i for i in load_catalog(default_catalog_path())}
        self.client.link = LinkState.CONNECTED
        self.window.attach(self.client)
        self.window.resize(1920, 1080)
        self.now = time.time()
        self.client.clock_offset = 0.0

    def item(self) -> CatalogItem:
        return self.client.catalog[ITEM_CODE]

    def idle(self) -> None:
        self.client.clerk = model.ClerkStateView(p.ClerkState.AVAILABLE, self.now - 300)
        names = {code: item.name for code, item in self.client.catalog.items()}
        entries = [
            ("YB-003", "yibao", p.Priority.PRIORITY, 312.0, "共和新路居委会"),
            ("YB-001", "yibao", p.Priority.NORMAL, 185.0, "大宁路居委会"),
            ("MZ-001", "minzheng", p.Priority.NORMAL, 96.0, "芷江西路居委会"),
            ("RS-001", "renshe", p.Priority.NORMAL, 40.0, "天目西路居委会"),
        ]
        snapshot = p.CenterSnapshot(
            center_id="c-demo",
            at=self.now,
            clerks=[],
            queue=[
                p.QueueEntryView(
                    request_id=f"r{n}",
                    item_code=code if code in names else ITEM_CODE,
                    skill=skill,
                    priority=priority,
                    status=p.RequestStatus.WAITING,
                    waited_s=waited,
                    kiosk_name=kiosk,
                )
                for n, (code, skill, priority, waited, kiosk) in enumerate(entries)
            ],
        )
        self.client.queue.update(snapshot, names)
        self.window._render_all()
        self.window.queue_table.show_queue(self.client.queue, self.now, self.staff.skills)

    def ringing(self) -> None:
        self.idle()
        self.client.clerk = model.ClerkStateView(p.ClerkState.RINGING, self.now)
        ring = p.Ring(
            request_id="r0",
            item_code=ITEM_CODE,
            item_name=self.item().name,
            skill="yibao",
            priority=p.Priority.PRIORITY,
            kiosk_name="共和新路居委会 1号机",
            site_name="共和新路街道",
            waited_s=312,
            timeout_s=20,
        )
        self.client.ring = model.RingView(ring, time.monotonic() - 6)
        self.window._render_all()

    def in_call(self) -> model.CaseWork:
        self.client.ring = None
        self.client.clerk = model.ClerkStateView(p.ClerkState.BUSY, self.now - 200)
        call = p.CallInfo(
            call_id="call-demo",
            request_id="r0",
            you_offer=False,
            peer_name="共和新路居委会 1号机",
            item_code=ITEM_CODE,
            item_name=self.item().name,
            site_name="共和新路街道",
        )
        self.client.agent.call = call
        self.client.agent.session = CallSession(
            call_id=call.call_id,
            offerer=False,
            send_sdp=_no_sdp,
            config=CallConfig(),
            on_message=lambda message: None,
        )
        self.client.agent.session.state = CallState.CONNECTED
        case = model.CaseWork.start(call, self.item())
        case.case_number = "JA01-" + dt.date.today().strftime("%Y%m%d") + "-0007"
        case.card = m.CardData(
            card_type="resident_id",
            name="张秀英",
            id_number=DEMO_ID_NUMBER,
            sex="女",
            nation="汉",
            birth_date="1949-12-31",
            address="上海市静安区共和新路演示弄 8 号 302 室",
            valid_to="长期",
            photo_available=True,
        )
        case.form = model.form_fields(case.card, self.item().name, dt.date.today())
        for form_field in case.form:
            if form_field.key == "phone":
                form_field.value = "138 0000 0000"
        self.client.case = case
        self.client.quality = Quality(state="connected", fps=29, latency_ms=85)
        self.window.video.set_remote(person_image(1280, 960, "#8fa8c8", "#d7dde8", "居民端画面"))
        self.window.video.set_local(person_image(320, 240, "#c8b58f", "#e8e1d7", "本机"))
        today = dt.date.today().isoformat()
        id_lines = ["姓名 张秀英", "性别 女  民族 汉", "出生 1949年12月31日", "住址 共和新路演示弄"]
        social_lines = ["姓名 张秀英", "社会保障号码 110105********002X", "卡号 A1234567"]
        form_lines = [
            "申请人：张秀英",
            "联系电话：138 0000 0000",
            "申请事项：长期护理保险",
            "居住地址：共和新路演示弄 8 号",
            "申请日期：" + today,
        ]
        pages = [
            ("p1", "身份证正反面", document_image("居民身份证", id_lines, card=True)),
            ("p2", "社保卡", document_image("社会保障卡", social_lines, card=True)),
            ("p3", "申请表", document_image("老年照护统一需求评估申请表", form_lines)),
        ]
        for page_id, label, image in pages:
            case.page_announced(
                m.PageAnnounced(
                    page_id=page_id,
                    sha256="",
                    size=412_000,
                    mime="image/png",
                    width=image.width(),
                    height=image.height(),
                    path="upload",
                    label=label,
                )
            )
            case.page_ready(page_id)
            self.window.viewer.set_image(page_id, image)
        case.review("p1", True, "")
        self.window._render_all()
        self.window.card_panel.set_photo(person_image(204, 252, "#eef2f7", "#eef2f7", ""))
        self.window.viewer.select("p3")
        return case

    def signed(self) -> model.CaseWork:
        case = self.in_call()
        case.form_id = "form-demo"
        case.form_state = model.FormState.CONFIRMED
        case.signature_page_id = "sig"
        self.window.form_panel.show_form(case)
        self.window.form_panel.show_signature(signature_image())
        return case


async def _no_sdp(message: p.Sdp) -> None:
    return None


# --- Rendering -----------------------------------------------------------------------------


def _settle(app: QApplication) -> None:
    for _ in range(5):
        app.processEvents()


def _save(widget: QWidget, path: Path, app: QApplication) -> Path:
    widget.show()
    _settle(app)
    widget.grab().save(str(path))
    return path


async def render_all(out: Path, app: QApplication) -> list[Path]:
    saved: list[Path] = []
    async with aiohttp.ClientSession() as http:
        login = LoginDialog("https://vwindow.example.gov.cn", http, "wangli")
        login.password.setText("********")
        login.resize(520, 320)
        saved.append(_save(login, out / "login.png", app))
        login.message.setText(QCoreApplication.translate("console", "用户名或密码不对"))
        saved.append(_save(login, out / "login-error.png", app))
        login.close()

        screens: list[tuple[str, Callable[[DemoConsole], object]]] = [
            ("idle-queue", lambda d: d.idle()),
            ("ringing", lambda d: d.ringing()),
            ("call-materials", _materials),
            ("call-id-revealed", _revealed),
            ("call-reconnecting", _reconnecting),
            ("form-signed", _form),
            ("outcome-needs-more", _needs_more),
            ("outcome-closed", _closed),
            ("transfer", _transfer),
            ("history", _history),
        ]
        for name, prepare in screens:
            demo = DemoConsole(http)
            prepare(demo)
            saved.append(_save(demo.window, out / f"{name}.png", app))
            if demo.window.target_dialog is not None:
                dialog = demo.window.target_dialog
                saved.append(_save(dialog, out / f"{name}-dialog.png", app))
                dialog.close()
            demo.window.ticker.stop()
            demo.window.tone.stop()
            demo.client.agent.session = None
            demo.window.close()
            demo.window.deleteLater()
    # the supervisor's tab, against a scratch server with two weeks of history
    from center.console.dashboard.screenshots import render_dashboard_screenshots_async

    saved.extend(await render_dashboard_screenshots_async(out))
    return saved


def _materials(demo: DemoConsole) -> None:
    demo.in_call()
    demo.window.case_tabs.setCurrentIndex(0)


def _revealed(demo: DemoConsole) -> None:
    case = demo.in_call()
    case.revealed_id = DEMO_ID_NUMBER
    demo.window.card_panel.show_card(case)
    demo.window.viewer.select("p1")
    demo.window.viewer.reason.setCurrentText("看不清")
    case.review("p2", False, "看不清")
    demo.window.viewer.show_pages(case.material_pages())
    demo.window.checklist.show_checklist(case.checklist)


def _reconnecting(demo: DemoConsole) -> None:
    demo.in_call()
    demo.client.quality = Quality(state=str(CallState.RECONNECTING), fps=0)
    demo.window._render_quality()


def _form(demo: DemoConsole) -> None:
    demo.signed()
    demo.window.case_tabs.setCurrentIndex(1)


def _needs_more(demo: DemoConsole) -> None:
    case = demo.in_call()
    case.review("p2", False, "看不清")
    demo.window.case_tabs.setCurrentIndex(2)
    demo.window.outcome.choose(model.Outcome.NEEDS_MORE)
    demo.window.outcome.show_case(case, busy=False)
    demo.window.outcome.sync_missing(case)
    demo.window.outcome.note.setPlainText("请下次带社保卡原件")


def _closed(demo: DemoConsole) -> None:
    case = demo.signed()
    case.closed = {"case_number": case.case_number, "outcome": "accepted"}
    case.rating = m.Rating(level=5, reasons=["态度好", "办事快"])
    demo.client.agent.session = None
    demo.client.clerk = model.ClerkStateView(p.ClerkState.WRAP_UP, demo.now, demo.now + 25)
    demo.window._render_all()
    demo.window.case_tabs.setCurrentIndex(2)


def _transfer(demo: DemoConsole) -> None:
    demo.in_call()
    demo.client.clerks = [
        {"id": "s2", "display_name": "李强", "state": "available", "skills": ["minzheng"]},
        {"id": "s3", "display_name": "陈医保专家", "state": "available", "skills": ["yibao"]},
    ]
    demo.window._target("transfer")


def _history(demo: DemoConsole) -> None:
    demo.idle()
    demo.window.tabs.setCurrentIndex(1)
    today = dt.date.today()
    rows: list[dict[str, object]] = []
    outcomes = ["accepted", "needs_more", "accepted", "cannot_be_done", "referred", "accepted"]
    items = ["长期护理保险申请（老年照护统一需求评估）", "老年综合津贴申请（敬老卡申领）"]
    for n, outcome in enumerate(outcomes):
        day = today - dt.timedelta(days=n // 2)
        rows.append(
            {
                "case_number": f"JA01-{day:%Y%m%d}-{7 - n:04d}",
                "opened_at": f"{day.isoformat()}T{9 + n}:1{n}:00",
                "item_name": items[n % 2],
                "clerk_name": "王丽" if n % 3 else "李强",
                "id_number_masked": "110***********002X" if n % 2 == 0 else "310***********1234",
                "outcome": outcome,
                "rating": {"level": 5 - (n % 2)} if outcome != "cannot_be_done" else None,
            }
        )
    demo.window.history.show_results(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m center.console.screenshots")
    parser.add_argument("out", type=Path)
    parser.add_argument("--language", default="zh_CN")
    args = parser.parse_args(argv)
    app, _translations = prepare_application(args.language)
    app.setQuitOnLastWindowClosed(False)

    args.out.mkdir(parents=True, exist_ok=True)

    async def run() -> int:
        for path in await render_all(args.out, app):
            print(path)
        return 0

    return run_with_qt(app, run)


if __name__ == "__main__":
    sys.exit(main())
