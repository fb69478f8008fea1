"""The steps of a visit as a resident and a clerk take them in the real windows: each finds
its widgets by accessible name and role, acts with AT-SPI actions or pointer and key input,
and waits for what a person would see next. A screenshot is kept after every step."""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.acceptance.harness import (
    CALL_S,
    STEP_S,
    AcceptanceError,
    App,
    Demo,
    Shots,
    changed_fraction,
    wait_for,
)

ITEM = "长期护理保险申请（老年照护统一需求评估）"
ITEM_DEPARTMENT = "医保"
#: the item's name by its pinyin initials on the kiosk's letter pad
ITEM_INITIALS = "CQHL"
CLERK = ("clerk", "demo-password")
SECOND_CLERK = ("clerk2", "demo-password")
SECOND_CLERK_NAME = "赵老师"
BUTTON = "push button"
#: a control a person presses: push button, toggle or check box
PRESSABLE = "^(push button|toggle button|check box|radio button)$"
#: a widget a video or a signature is painted on (anything but text and buttons)
CANVAS = "^(filler|panel|canvas|drawing area|image|animation|video|unknown)$"


@dataclass
class Visit:
    kiosk: App
    console: App
    demo: Demo
    shots: Shots
    durations: dict[str, float] = field(default_factory=dict)
    materials: list[str] = field(default_factory=list)
    case_number: str = ""
    problems: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def step(self, name: str) -> None:
        self.durations[f"{self.shots.count + 1:02d}-{name}"] = round(
            time.monotonic() - self.started, 1
        )
        self.shots.take(name)

    def save_durations(self, extra: dict[str, Any] | None = None) -> Path:
        path = self.shots.folder / "durations.json"
        path.write_text(
            json.dumps({**self.durations, **(extra or {})}, ensure_ascii=False, indent=1)
        )
        return path

    # --- the resident at the kiosk -----------------------------------------------------

    def start_at_kiosk(self) -> None:
        self.kiosk.press(name="开始办事", role=BUTTON)
        self.kiosk.wait(name="您要办什么事？", role="label")
        self.step("kiosk-choose-item")

    def pick_item_by_department(self) -> None:
        self.kiosk.press(name="按部门找", role_re=PRESSABLE)
        self.kiosk.press(name=ITEM_DEPARTMENT, role_re=PRESSABLE)
        self.step("kiosk-department")
        self.kiosk.press(name_re=f"^{re.escape(ITEM)}", role=BUTTON)
        self.kiosk.wait(name="办这件事要带这些材料", role="label")
        self.kiosk.wait(name=ITEM, role="label")
        self.step("kiosk-materials-by-department")

    def back_to_items(self) -> None:
        self.kiosk.press(name="换一件事", role=BUTTON)
        self.kiosk.wait(name="您要办什么事？", role="label")

    def pick_item_by_search(self) -> None:
        self.kiosk.press(name="按名称找", role_re=PRESSABLE)
        for letter in ITEM_INITIALS:
            self.kiosk.press(name=letter, role=BUTTON)
        self.kiosk.wait(name_re=r"^找到 \d+ 项$", role="label")
        self.step("kiosk-search")
        self.kiosk.press(name_re=f"^{re.escape(ITEM)}", role=BUTTON)
        self.kiosk.wait(name="办这件事要带这些材料", role="label")
        self.step("kiosk-materials-by-search")

    def read_materials(self) -> list[str]:
        labels = self.kiosk.find_all(name_re=r"^\d+\. ", role="label")
        self.materials = [re.sub(r"^\d+\. ", "", label["name"]) for label in labels]
        if len(self.materials) < 2:
            raise AcceptanceError(f"the item lists fewer than two materials: {self.materials}")
        return self.materials

    def confirm_materials(self) -> None:
        self.kiosk.press(name="材料带齐了，下一步", role=BUTTON)
        self.kiosk.wait(name="请把身份证放在读卡器上", role="label")
        self.step("kiosk-card")

    def put_card_on(self) -> None:
        self.kiosk.press(name="放上演示身份证", role_re=PRESSABLE)
        self.kiosk.wait(CALL_S, name="正在为您排队", role="label")

    def see_queue_position(self) -> str:
        position = self.kiosk.wait(
            CALL_S, name_re=r"^(前面还有 \d+ 位|下一位就是您)$", role="label"
        )
        self.step("kiosk-waiting")
        return str(position["name"])

    def take_card_away(self) -> None:
        self.kiosk.press(name="取走演示身份证", role_re=PRESSABLE)

    def see_call(self) -> None:
        self.kiosk.wait(
            CALL_S, name_re="^(正在和工作人员视频通话|工作人员.*正在为您办理)$", role="label"
        )

    def hang_up_at_kiosk(self) -> None:
        self.kiosk.press(name="挂断", role=BUTTON)

    def confirm_and_sign(self) -> None:
        self.kiosk.wait(CALL_S, name="请核对下面的内容", role="label")
        self.step("kiosk-form")
        pad = self.kiosk.wait(name_re="签名", role_re=CANVAS)
        left, top, right, bottom = self.kiosk.screen_box(pad["extents"])
        width, height = right - left, bottom - top
        desktop = self.kiosk.driver.desktop
        # 王: three strokes across and one down, drawn as a person moves a pen
        for row in (0.3, 0.5, 0.7):
            y = top + round(height * row)
            desktop.stroke([(left + round(width * (0.2 + 0.06 * i)), y) for i in range(11)])
        x = left + round(width * 0.5)
        desktop.stroke([(x, top + round(height * (0.3 + 0.04 * i))) for i in range(11)])
        self.step("kiosk-signed")
        self.kiosk.press(name="内容没错，签名确认", role=BUTTON)

    def receipt(self) -> None:
        self.kiosk.wait(CALL_S, name="您的办事回执", role="label")
        if self.case_number:
            self.kiosk.wait(name_re=re.escape(self.case_number), role="label")
        self.step("kiosk-receipt")

    def print_receipt(self) -> Path:
        """打印回执 on the kiosk writes a new receipt (the demo's printer is a PDF file in
        the data dir; a reprint of the same case writes the file again)."""
        receipts = self.demo.data_dir / "receipts"

        def files() -> dict[Path, int]:
            found = receipts.glob("*.pdf") if receipts.is_dir() else []
            return {path: path.stat().st_mtime_ns for path in found}

        before = files()
        self.kiosk.press(name="打印回执", role=BUTTON, enabled_timeout=5.0)

        def printed() -> Path | None:
            for path, stamp in files().items():
                # a file still being written has no end-of-file marker yet
                if before.get(path) != stamp and b"%%EOF" in path.read_bytes()[-64:]:
                    return path
            return None

        pdf: Path = wait_for(f"a new receipt PDF in {receipts}", printed, STEP_S)
        self.step("kiosk-receipt-printed")
        return pdf

    def check(self, what: str, action: Callable[[], Any]) -> Any:
        """A step whose failure does not stop the visit: recorded, shown at the end."""
        try:
            return action()
        except (AcceptanceError, AssertionError, OSError, subprocess.SubprocessError) as exc:
            self.problems.append(f"{what}: {exc}")
            self.step(f"problem-{what[:20]}")
            return None

    def rate(self) -> None:
        self.kiosk.press(name="下一步", role=BUTTON)
        self.kiosk.wait(name="这次服务您满意吗？", role="label")
        self.kiosk.press(name="非常满意", role_re=PRESSABLE)
        self.step("kiosk-rating")
        self.kiosk.press(name="提交评价", role=BUTTON)

    def skip_rating(self) -> None:
        self.kiosk.wait(CALL_S, name="这次服务您满意吗？", role="label")
        self.kiosk.press(name="不评了", role=BUTTON)

    def back_at_welcome(self, timeout: float = STEP_S) -> None:
        self.kiosk.wait(timeout, name="开始办事", role=BUTTON)
        self.step("kiosk-welcome")

    # --- the clerk at the console ------------------------------------------------------

    def log_in(self, account: tuple[str, str] = CLERK) -> None:
        console = self.console
        console.set_text(account[0], name="用户名", role="text")
        console.set_text(account[1], name="密码", role="password text")
        self.step("console-login")
        console.press(name="登录", role=BUTTON)
        console.wait(STEP_S, name_re="^空闲接听", role_re=PRESSABLE)
        self.step("console-logged-in")

    def go_available(self) -> None:
        self.console.press(name_re="^空闲接听", role_re=PRESSABLE)
        # a resident already waiting rings at once: available is then seen only as the ring
        self.console.wait(name_re="^(空闲，等待来电|来电中)$", role="label")
        self.step("console-available")

    def accept(self) -> None:
        self.console.wait(CALL_S, name_re="^接听", role=BUTTON)
        self.step("console-ringing")
        self.console.press(CALL_S, name_re="^接听", role=BUTTON)

    def in_call(self) -> None:
        self.see_call()
        self.console.wait(CALL_S, name_re="^挂断", role=BUTTON)
        self.step("in-call")

    def video_both_ways(self) -> dict[str, float]:
        """Pixels of each side's video pane change while the call runs (the remote picture
        is a moving synthetic one)."""
        moved = {}
        for side, app in (("kiosk", self.kiosk), ("console", self.console)):
            panes = app.find_all(name_re="视频", role_re=CANVAS)
            panes = [p for p in panes if p["extents"] and p["extents"][2] * p["extents"][3] > 0]
            if not panes:
                raise AcceptanceError(
                    f"the {side}'s video pane is not on the accessibility bus: no widget whose "
                    f"accessible name contains 视频 with a role like {CANVAS}"
                )
            pane = max(panes, key=lambda p: p["extents"][2] * p["extents"][3])
            box = app.screen_box(pane["extents"])
            first = self.shots.take(f"{side}-video-a")

            def changed(box: tuple[int, int, int, int] = box, first: Any = first) -> float:
                fraction = changed_fraction(first, self.shots.desktop.grab(), box)
                return fraction if fraction > 0.01 else 0.0

            moved[side] = wait_for(f"the {side}'s video to move", changed, STEP_S, 0.5)
            self.shots.take(f"{side}-video-b")
        return moved

    def ask_for(self, material: str) -> None:
        """请拍摄/扫描 on the material's row of the checklist; its page has arrived when the
        console ticks the material (a rejected page unticks it again)."""
        self._wait_ticked(material, False, STEP_S)
        self.console.press(CALL_S, name=f"请拍摄/扫描：{material}", role=BUTTON)
        self.step(f"console-asked-{material[:8]}")
        self._wait_ticked(material, True, CALL_S)
        self.step(f"console-page-{material[:8]}")

    def _wait_ticked(self, material: str, ticked: bool, timeout: float) -> None:
        def state() -> bool:
            box = self.console.find(within={"name": "材料清单"}, name=material, role="check box")
            return box is not None and box["checked"] == ticked

        shown = "ticked" if ticked else "not ticked"
        wait_for(f"{material} {shown} on the console's checklist", state, timeout, 0.5)

    def reject_page(self, material: str, reason: str = "看不清") -> None:
        """The clerk picks the newest page with the keyboard (a click in the page list, then
        End), and rejects it with a reason. (The list's items are not read through AT-SPI:
        the console rebuilds them on every change, so their accessible objects come and go.)"""
        page_shown = f"^{re.escape(material)}，\\d+ KB"
        listing = self.console.wait(name="材料页", role="list")
        left, top, right, _ = self.console.screen_box(listing["extents"])
        desktop = self.console.driver.desktop
        # on the first page's thumbnail: the list takes the keyboard
        desktop.click((left + right) // 2, top + 20)
        desktop.key("End")
        self.console.wait(name_re=page_shown + "$", role="label")
        self.console.set_text(reason, name="退回原因", role="combo box")
        self.console.press(name="退回", role=BUTTON)
        self.console.wait(
            CALL_S, name_re=page_shown + f"；退回原因：{re.escape(reason)}$", role="label"
        )
        self._wait_ticked(material, False, CALL_S)
        self.step("console-rejected")

    def reread_card(self) -> None:
        """重新读卡 asks the kiosk to read the card on its reader again (the demo card is
        still on it): the console says it waits, then shows the card, with no notice that
        none came."""
        waiting = "已请居民把身份证放到读卡器上，正在等待…"
        self.console.press(name="重新读卡", role=BUTTON)
        self.step("console-reread-card")
        self.console.wait_gone(CALL_S, name=waiting, role="label")
        failed = self.console.find(name_re="未能重新读卡", role="label")
        assert failed is None, failed["name"]
        self.step("console-card-read-again")

    def push_form(self) -> None:
        self.console.select(name_re="^申请表", role="page tab")
        self.console.press(name_re="^推送给居民确认", role=BUTTON)
        self.step("console-form-pushed")

    def see_signed(self) -> None:
        self.console.wait(CALL_S, name="居民已确认并签字", role="label")
        self.step("console-signed")

    def close_as_accepted(self) -> str:
        self.console.select(name_re="^办结", role="page tab")
        self.console.press(name="受理", role="radio button")
        self.console.press(name_re="^办结并发送回执", role=BUTTON)
        closed = self.console.wait(CALL_S, name_re=r"^已办结，案件号 \S+", role="label")
        found = re.search(r"案件号 (\S+?)(（|$)", closed["name"])
        assert found, closed
        self.case_number = found.group(1)
        self.step("console-closed")
        return self.case_number

    def history_shows_case(self, pages_at_least: int) -> dict[str, Any]:
        console = self.console
        console.select(name="历史查询", role="page tab")
        console.set_text(self.case_number, name="案件号", role="text")
        console.press(name="查询", role=BUTTON)
        console.wait(name_re=r"^共 1 件$", role="label")
        table = console.table(role="table")
        self.step("console-history")
        rows = [row for row in table["rows"] if self.case_number in row]
        assert rows, table
        row = dict(zip(table["headers"], rows[0], strict=False))
        assert row.get("结果") == "受理", row
        assert "页数" in row, f"the history has no page count column: {table['headers']}"
        assert int(row["页数"]) >= pages_at_least, row
        return row

    def transfer_to(self, entry_re: str) -> None:
        """转接… then, in the dialog, the entry chosen as a person does: a click opens the
        combo box's list, a click on the entry picks it. (On Linux Qt names a combo box by
        its current text, its label 对象 being a relation, so it is found as the dialog's
        combo box.)"""
        dialog = {"name": "转接给", "role": "dialog"}
        self.console.press(name_re="^转接", role=BUTTON)
        self.console.wait(**dialog)
        combo = {"within": dialog, "role": "combo box"}
        self.console.click(**combo)
        entry = self.console.wait(within=combo, name_re=entry_re, role="list item", showing=False)

        def on_screen() -> dict[str, Any] | None:
            found = self.console.find(within=combo, name=entry["name"], role="list item")
            return found if found and found["extents"] and found["extents"][0] > 0 else None

        shown = wait_for("the combo box's list to open", on_screen, STEP_S)
        self.console.driver.desktop.click(*self.console.centre(shown["extents"]))
        self.console.wait(within=dialog, name=entry["name"], role="combo box")
        self.step("console-transfer-dialog")
        self.console.press(within=dialog, name="确定", role=BUTTON)
        self.console.wait_gone(**dialog)


def decode_receipt(pdf: Path, workdir: Path) -> list[str]:
    """The QR codes on a receipt PDF: its pages drawn by pdftoppm, read by zbar."""
    from PIL import Image
    from pyzbar import pyzbar

    prefix = workdir / "receipt"
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", str(pdf), str(prefix)], check=True, timeout=120
    )
    texts = []
    for page in sorted(workdir.glob("receipt*.png")):
        with Image.open(page) as image:
            texts += [code.data.decode("utf-8") for code in pyzbar.decode(image)]
    return texts


def vault_leftovers(runtime_dir: Path) -> list[Path]:
    """What the kiosk keeps of visits in its runtime root (``$XDG_RUNTIME_DIR/vwindow/
    kiosk``, ``kiosk.privacy.default_runtime_root``): per-visit session folders."""
    root = runtime_dir / "vwindow" / "kiosk"
    return sorted(root.glob("session-*")) if root.is_dir() else []


def timed(marks: dict[str, float], name: str, action: Callable[[], Any]) -> Any:
    started = time.monotonic()
    try:
        return action()
    finally:
        marks[name] = round(time.monotonic() - started, 1)
