"""What a receipt says, independent of how it is printed.

A thermal printer prints a fixed number of columns (32 on 58 mm paper, 42 or 48 on 80 mm
paper depending on the font); a CJK character takes two columns there, so wrapping counts
display columns, not characters. The Qt printer uses the same content but wraps by measured
width, so only :func:`receipt_lines` is column-based.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from kiosk.devices.base import ReceiptData

TITLE_LINES = ("上海市社区事务受理服务中心", "远程虚拟窗口 受理回执")
#: paper widths in use: 58 mm paper, and 80 mm paper with font B or font A
SUPPORTED_COLUMNS = (32, 42, 48)
DEFAULT_NOTE = "请妥善保管本回执。扫描二维码或凭受理编号可查询办理进度。"
QR_CAPTION = "扫码查询办理进度"

#: outcome codes the console sends, in the words a resident understands
OUTCOME_WORDS = {
    "accepted": "已受理",
    "completed": "已办结",
    "done": "已办结",
    "needs_materials": "需补充材料",
    "missing_materials": "需补充材料",
    "incomplete": "需补充材料",
    "referred": "已转办",
    "transferred": "已转办",
    "rejected": "不予受理（办不成）",
    "cannot_handle": "不予受理（办不成）",
    "withdrawn": "已撤回",
}


@dataclass(frozen=True)
class ReceiptField:
    label: str
    value: str


@dataclass(frozen=True)
class ReceiptContent:
    title: tuple[str, ...]
    fields: tuple[ReceiptField, ...]
    missing_materials: tuple[str, ...]
    qr_payload: str
    qr_caption: str
    note: str


def outcome_words(outcome: str) -> str:
    """Plain Chinese for an outcome code; text that is not a known code is shown as given
    (the console may already send Chinese)."""
    return OUTCOME_WORDS.get(outcome.strip().lower(), outcome.strip())


def build_receipt(receipt: ReceiptData) -> ReceiptContent:
    fields = (
        ReceiptField("受理编号", receipt.case_number),
        ReceiptField("办理事项", receipt.item_name),
        ReceiptField("办理结果", outcome_words(receipt.outcome)),
        ReceiptField("受理地点", receipt.site_name),
        ReceiptField("出具时间", receipt.issued_at.strftime("%Y-%m-%d %H:%M")),
    )
    return ReceiptContent(
        title=TITLE_LINES,
        fields=fields,
        missing_materials=tuple(m for m in receipt.missing_materials if m.strip()),
        qr_payload=receipt.tracking_url,
        qr_caption=QR_CAPTION,
        note=receipt.note.strip() or DEFAULT_NOTE,
    )


def char_columns(char: str) -> int:
    """Columns a character takes on a receipt printer: wide and full-width characters two,
    combining marks none, everything else one."""
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def display_columns(text: str) -> int:
    return sum(char_columns(c) for c in text)


def wrap_columns(text: str, columns: int, indent: str = "") -> list[str]:
    """Break ``text`` into lines of at most ``columns`` display columns. Latin words are
    kept whole when they fit on a line (a URL or case number must not be split needlessly);
    CJK text breaks between any two characters, as Chinese typesetting does. Continuation
    lines start with ``indent``."""
    if columns < 2 or display_columns(indent) >= columns - 1:
        raise ValueError(f"cannot wrap to {columns} columns with indent {indent!r}")
    lines: list[str] = []
    line, used = "", 0
    for piece in _tokens(text):
        if piece == "\n":
            lines.append(line.rstrip())
            line, used = indent, display_columns(indent)
            continue
        width = display_columns(piece)
        if used + width > columns and line.strip():
            lines.append(line.rstrip())
            line, used = indent, display_columns(indent)
            if piece == " ":
                continue
        if width > columns - used:
            # a word longer than a whole line: split it where it must
            for char in piece:
                char_width = char_columns(char)
                if used + char_width > columns:
                    lines.append(line)
                    line, used = indent, display_columns(indent)
                line += char
                used += char_width
            continue
        line += piece
        used += width
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def _tokens(text: str) -> Iterator[str]:
    """Runs of non-space narrow characters (words), single spaces, newlines, and single
    wide characters."""
    word = ""
    for char in text:
        if char == "\n" or char.isspace() or char_columns(char) == 2:
            if word:
                yield word
                word = ""
            yield "\n" if char == "\n" else (" " if char.isspace() else char)
        else:
            word += char
    if word:
        yield word


def centre(text: str, columns: int) -> str:
    pad = max(0, (columns - display_columns(text)) // 2)
    return " " * pad + text


def receipt_lines(content: ReceiptContent, columns: int) -> list[str]:
    """The receipt as plain text lines for a ``columns``-wide printer, without the QR code
    (each printer draws that its own way, between the fields and the note)."""
    if columns < 24:
        raise ValueError("a receipt needs at least 24 columns")
    rule = "-" * columns
    lines: list[str] = []
    for title in content.title:
        lines.extend(centre(part, columns) for part in wrap_columns(title, columns))
    lines.append(rule)
    for field in content.fields:
        lines.extend(field_lines(field, columns))
    if content.missing_materials:
        lines.append("需补充的材料：")
        for number, material in enumerate(content.missing_materials, 1):
            prefix = f"{number}. "
            wrapped = wrap_columns(prefix + material, columns, indent=" " * len(prefix))
            lines.extend(wrapped)
    lines.append(rule)
    return lines


def field_lines(field: ReceiptField, columns: int) -> list[str]:
    head = f"{field.label}："
    # continuation lines line up under the value, as on a printed form
    indent = display_columns(head) if display_columns(head) <= columns // 2 else 2
    return wrap_columns(head + field.value, columns, indent=" " * indent)


def note_lines(content: ReceiptContent, columns: int) -> list[str]:
    return wrap_columns(content.note, columns)
