"""The watched-folder backend with real files written the way scanners write them: in
bursts with pauses, sometimes slower than the stability window."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from kiosk.devices.base import DeviceError, DeviceUnavailable, ScanOptions
from kiosk.devices.sample_pages import render_page
from kiosk.devices.scanning.folder_backend import FolderConfig, FolderScanner


def _fast(folder: Path, **changes: Any) -> FolderConfig:
    """Config with short waits, so the whole file runs in seconds."""
    config = FolderConfig(
        folder, poll_interval_s=0.05, stable_for_s=0.3, timeout_s=5.0, batch_quiet_s=0.6
    )
    return dataclasses.replace(config, **changes)


def _jpeg(label: str) -> bytes:
    return render_page(label, dpi=60).data


async def _write_slowly(path: Path, data: bytes, parts: int, pause_s: float) -> None:
    # start after the scan has listed the folder: files there before belong to someone else
    await asyncio.sleep(0.1)
    chunk = -(-len(data) // parts)
    with path.open("wb") as out:
        for start in range(0, len(data), chunk):
            out.write(data[start : start + chunk])
            out.flush()
            await asyncio.sleep(pause_s)


async def test_a_slowly_written_file_is_taken_only_when_complete(tmp_path: Path) -> None:
    scanner = FolderScanner(_fast(tmp_path))
    data = _jpeg("slow")
    # pauses longer than the stability window: size alone would call it done too early
    writer = asyncio.create_task(_write_slowly(tmp_path / "scan001.jpg", data, 4, 0.45))
    started = time.monotonic()
    try:
        [page] = await scanner.scan(ScanOptions(label="身份证"))
    finally:
        await writer
        await scanner.close()
    assert time.monotonic() - started >= 4 * 0.45  # not before the last part was written
    image = Image.open(io.BytesIO(page.data))
    assert image.size == (page.width, page.height) == (int(8.27 * 60), int(11.69 * 60))
    assert page.label == "身份证" and page.source == "folder" and page.mime == "image/jpeg"
    assert not (tmp_path / "scan001.jpg").exists()
    assert (tmp_path / "done" / "scan001.jpg").read_bytes() == data


async def test_feeder_batch_takes_every_page_and_can_delete(tmp_path: Path) -> None:
    config = _fast(tmp_path, after_reading="delete")
    scanner = FolderScanner(config)

    async def scanner_writes_three_pages() -> None:
        for number in range(3):
            await _write_slowly(tmp_path / f"p{number}.png", _png(number), 2, 0.1)
            await asyncio.sleep(0.2)

    writer = asyncio.create_task(scanner_writes_three_pages())
    try:
        pages = await scanner.scan(ScanOptions(source="feeder", label="合同", color=False))
    finally:
        await writer
        await scanner.close()
    assert [page.label for page in pages] == ["合同", "合同 (2)", "合同 (3)"]
    assert all(Image.open(io.BytesIO(page.data)).mode == "L" for page in pages)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def _png(number: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300 + number, 400), "white").save(out, format="PNG")
    return out.getvalue()


async def test_unsupported_and_earlier_files_are_left_alone(tmp_path: Path) -> None:
    (tmp_path / "left-by-someone-before.jpg").write_bytes(_jpeg("old"))
    scanner = FolderScanner(_fast(tmp_path))

    async def others_then_a_page() -> None:
        await asyncio.sleep(0.1)
        (tmp_path / "notes.txt").write_text("not a scan")
        (tmp_path / ".scan002.jpg.part").write_bytes(b"half")
        (tmp_path / "~tmp.jpg").write_bytes(b"temp")
        await asyncio.sleep(0.5)
        (tmp_path / "scan002.pdf").write_bytes(b"%PDF-1.4\n...\n%%EOF\n")

    writer = asyncio.create_task(others_then_a_page())
    try:
        [page] = await scanner.scan(ScanOptions(label="PDF"))
    finally:
        await writer
        await scanner.close()
    assert page.mime == "application/pdf" and page.data.endswith(b"%%EOF\n")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == [
        ".scan002.jpg.part",
        "done",
        "left-by-someone-before.jpg",
        "notes.txt",
        "~tmp.jpg",
    ]


async def test_no_page_times_out(tmp_path: Path) -> None:
    config = _fast(tmp_path, timeout_s=0.5)
    scanner = FolderScanner(config)
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8 never finished")
    started = time.monotonic()
    try:
        with pytest.raises(DeviceError, match="no scanned page arrived"):
            await scanner.scan(ScanOptions())
    finally:
        await scanner.close()
    assert 0.5 <= time.monotonic() - started < 2


async def test_a_truncated_image_is_never_taken(tmp_path: Path) -> None:
    config = _fast(tmp_path, timeout_s=1.0)
    scanner = FolderScanner(config)

    async def stalled_writer() -> None:
        await asyncio.sleep(0.1)
        (tmp_path / "stalled.jpg").write_bytes(_jpeg("stalled")[:5000])

    writer = asyncio.create_task(stalled_writer())
    try:
        with pytest.raises(DeviceError, match="no scanned page arrived"):
            await scanner.scan(ScanOptions())
    finally:
        await writer
        await scanner.close()
    assert (tmp_path / "stalled.jpg").exists()


async def test_missing_folder_is_unavailable(tmp_path: Path) -> None:
    scanner = FolderScanner(FolderConfig(tmp_path / "nowhere"))
    try:
        with pytest.raises(DeviceUnavailable, match="not available because"):
            await scanner.scan(ScanOptions())
    finally:
        await scanner.close()
