"""The SANE backend against real libsane and its ``test`` backend (a virtual scanner with a
flatbed, a 10-sheet feeder, and an option that makes reads fail with any SANE status).

SANE reads ``SANE_CONFIG_DIR`` once, at ``sane_init``, and python-sane initialises once per
process: the module fixture points it at a private folder whose dll.conf names only
``test`` (no slow probing of network backends) before anything initialises SANE.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from kiosk.devices.base import DeviceError, DeviceUnavailable, ScanOptions
from kiosk.devices.scanning import sane_backend
from kiosk.devices.scanning.sane_backend import SaneConfig, SaneScanner

pytest.importorskip("sane")
TEST_CONF = Path("/etc/sane.d/test.conf")


@pytest.fixture(scope="module", autouse=True)
def private_sane_config(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    if not TEST_CONF.exists():
        pytest.skip("libsane's test backend is not installed (apt-get install libsane1)")
    folder = tmp_path_factory.mktemp("sane.d")
    (folder / "dll.conf").write_text("test\n")
    shutil.copy(TEST_CONF, folder / "test.conf")
    previous = os.environ.get("SANE_CONFIG_DIR")
    os.environ["SANE_CONFIG_DIR"] = str(folder)
    sane = sane_backend.load_sane()
    if "test:0" not in [device[0] for device in sane.get_devices()]:
        pytest.skip("SANE was initialised earlier in this process without the test backend")
    yield
    if previous is None:
        os.environ.pop("SANE_CONFIG_DIR", None)
    else:
        os.environ["SANE_CONFIG_DIR"] = previous


def _scanner(**extra: str | int | float | bool) -> SaneScanner:
    # the test backend keeps option values across close and open: set all of them each time
    options = {"test_picture": "Color pattern", "read_return_value": "Default", **extra}
    return SaneScanner(SaneConfig(device_name="test:0", scan_timeout_s=20, extra_options=options))


def _decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    return image


async def test_flatbed_colour_scan_is_a_normalised_jpeg() -> None:
    scanner = _scanner()
    try:
        [page] = await scanner.scan(ScanOptions(resolution_dpi=100, color=True, label="户口本"))
    finally:
        await scanner.close()
    image = _decoded(page.data)
    assert page.mime == "image/jpeg" and page.label == "户口本"
    assert page.source == "sane:flatbed" and page.dpi == 100
    # the test backend's default area is 80 × 100 mm
    assert (page.width, page.height) == image.size
    assert abs(page.width - 80 / 25.4 * 100) <= 2 and abs(page.height - 100 / 25.4 * 100) <= 2
    assert image.mode == "RGB"
    assert round(image.info["dpi"][0]) == 100
    assert scanner.info.name == "test:0" and "Automatic Document Feeder" in scanner.info.detail


async def test_flatbed_gray_scan_at_another_resolution() -> None:
    scanner = _scanner()
    try:
        [page] = await scanner.scan(ScanOptions(resolution_dpi=150, color=False, label="证明"))
    finally:
        await scanner.close()
    image = _decoded(page.data)
    assert image.mode == "L" and page.dpi == 150
    assert abs(page.width - 80 / 25.4 * 150) <= 2


async def test_feeder_scan_returns_every_page() -> None:
    scanner = SaneScanner(
        SaneConfig(device_name="test:0", max_feeder_pages=3, extra_options={"test_picture": "Grid"})
    )
    try:
        pages = await scanner.scan(ScanOptions(resolution_dpi=75, source="feeder", label="合同"))
        # without a limit the test feeder runs dry after its 10 sheets: the scan ends there
        # (test:1, since a SANE device is opened by one user at a time)
        unlimited = SaneScanner(SaneConfig(device_name="test:1", max_feeder_pages=50))
        try:
            all_pages = await unlimited.scan(ScanOptions(resolution_dpi=50, source="feeder"))
        finally:
            await unlimited.close()
    finally:
        await scanner.close()
    assert [page.label for page in pages] == ["合同 (1/3)", "合同 (2/3)", "合同 (3/3)"]
    assert all(page.source == "sane:feeder" and page.dpi == 75 for page in pages)
    assert all(_decoded(page.data).size == (page.width, page.height) for page in pages)
    assert len(all_pages) == 10


@pytest.mark.parametrize(
    ("status", "source", "words"),
    [
        ("SANE_STATUS_JAMMED", "feeder", "jammed"),
        ("SANE_STATUS_NO_DOCS", "feeder", "no documents in the feeder"),
        ("SANE_STATUS_DEVICE_BUSY", "flatbed", "busy"),
        ("SANE_STATUS_IO_ERROR", "flatbed", "unplugged"),
        ("SANE_STATUS_COVER_OPEN", "flatbed", "cover is open"),
    ],
)
async def test_scanner_failures_become_plain_device_errors(
    status: str, source: str, words: str
) -> None:
    scanner = _scanner(read_return_value=status)
    try:
        with pytest.raises(DeviceError) as caught:
            await scanner.scan(ScanOptions(resolution_dpi=50, source=source))
        assert not isinstance(caught.value, DeviceUnavailable)
        assert words in caught.value.reason
    finally:
        await scanner.close()
    # the scanner works again once the problem is gone
    recovered = _scanner()
    try:
        assert len(await recovered.scan(ScanOptions(resolution_dpi=50))) == 1
    finally:
        await recovered.close()


async def test_a_device_in_use_is_busy_not_missing() -> None:
    first, second = _scanner(), _scanner()
    try:
        await first.scan(ScanOptions(resolution_dpi=50))
        with pytest.raises(DeviceError) as caught:
            await second.scan(ScanOptions(resolution_dpi=50))
        assert not isinstance(caught.value, DeviceUnavailable)
        assert "busy" in caught.value.reason
    finally:
        await first.close()
        await second.close()


async def test_unknown_device_is_unavailable() -> None:
    scanner = SaneScanner(SaneConfig(device_name="test:7"))
    try:
        with pytest.raises(DeviceUnavailable) as caught:
            await scanner.scan(ScanOptions())
    finally:
        await scanner.close()
    assert "not available because" in caught.value.reason
    assert "test:0" in caught.value.reason  # the clerk's IT person sees what is there


async def test_camera_source_is_refused() -> None:
    scanner = _scanner()
    try:
        with pytest.raises(DeviceError, match="cannot scan from"):
            await scanner.scan(ScanOptions(source="camera"))
    finally:
        await scanner.close()
