"""Qt receipts printed to PDF and read back: rasterised with pdftoppm, the QR decoded with
zbar, the text area checked for ink, the font checked to be a CJK one."""

from __future__ import annotations

import os

# before anything imports Qt: no display in tests
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from kiosk.devices.base import DeviceUnavailable, ReceiptData
from kiosk.devices.receipts import open_receipt_printer

pytest.importorskip("PySide6.QtPrintSupport")
pyzbar = pytest.importorskip("pyzbar.pyzbar")

from kiosk.devices.receipts.qt_printer import QtReceiptPrinter, QtTarget  # noqa: E402

RECEIPT = ReceiptData(
    case_number="SH-2026-000456",
    item_name="高龄老人综合津贴申领",
    site_name="测试街道测试居委会",
    outcome="accepted",
    issued_at=dt.datetime(2026, 11, 22, 10, 5),
    tracking_url="https://vwindow.example.org/track/SH-2026-000456?k=77ab01",
    missing_materials=("户口簿原件",),
    note="请于五个工作日后留意短信通知。",
)


def rasterise(pdf: Path, out: Path) -> list[Path]:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    subprocess.run(["pdftoppm", "-r", "200", "-png", str(pdf), str(out)], check=True)
    return sorted(out.parent.glob(f"{out.name}*.png"))


async def test_pdf_receipt_reads_back(tmp_path: Path) -> None:
    printer = QtReceiptPrinter.to_pdf(tmp_path / "{case_number}.pdf")
    try:
        await printer.print_receipt(RECEIPT)
    finally:
        await printer.close()
    pdf = tmp_path / "SH-2026-000456.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    pages = rasterise(pdf, tmp_path / "page")
    assert len(pages) == 1, "a PDF receipt is one page, as long as its content"
    image = Image.open(pages[0]).convert("L")
    width_mm = image.width / 200 * 25.4
    assert 78 < width_mm < 82, "80 mm receipt paper"

    codes = pyzbar.decode(image)
    assert [code.data.decode() for code in codes] == [RECEIPT.tracking_url]

    pixels = np.asarray(image)
    qr_top = min(code.rect.top for code in codes)
    text_area = pixels[: qr_top - 10]
    dark = float((text_area < 128).mean())
    # title, six field lines and a material: a few per cent of the area is ink; an empty
    # page (or tofu-free nothing) would be ~0, a solid block ~1
    assert 0.02 < dark < 0.4, dark
    # ink spread over many rows, not one smudge: the text has lines
    inked_rows = int((text_area < 128).any(axis=1).sum())
    assert inked_rows > 150, inked_rows


def test_font_resolves_to_a_cjk_family() -> None:
    printer = QtReceiptPrinter.to_pdf(Path("/nonexistent/receipt.pdf"))
    assert "CJK" in printer.resolved_font_family()


async def test_factory_and_check(tmp_path: Path) -> None:
    printer = open_receipt_printer(f"pdf:{tmp_path / 'r.pdf'}")
    assert isinstance(printer, QtReceiptPrinter)
    assert "PDF" in await printer.check()
    await printer.close()
    missing = QtReceiptPrinter.to_pdf(tmp_path / "nowhere" / "r.pdf")
    with pytest.raises(DeviceUnavailable):
        await missing.check()
    await missing.close()


async def test_unknown_system_printer_is_unavailable() -> None:
    printer = QtReceiptPrinter(QtTarget(printer_name="no-such-printer-here"))
    with pytest.raises(DeviceUnavailable) as err:
        await printer.check()
    assert "no-such-printer-here" in err.value.reason
    await printer.close()


async def test_a_pdf_receipt_goes_into_a_folder_not_made_yet(tmp_path: Path) -> None:
    """The demo's receipts folder does not exist before the first receipt."""
    printer = QtReceiptPrinter.to_pdf(tmp_path / "receipts" / "new" / "{case_number}.pdf")
    try:
        await printer.print_receipt(RECEIPT)
    finally:
        await printer.close()
    assert (tmp_path / "receipts" / "new" / "SH-2026-000456.pdf").read_bytes().startswith(b"%PDF")
