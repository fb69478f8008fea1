"""The document camera's crop pipeline on synthetic photographs of pages.

Each scene: a rendered page (kiosk.devices.sample_pages), warped by a random rotation of up
to ±20° plus a random perspective (each corner moved up to 5% of the page size, as a camera
a little off-centre sees it), laid on a textured pad (wood grain, fabric weave, blotches),
under uneven light, with sensor noise and a slight defocus blur. The true corners are
known, so the detected ones are scored by their mean distance to them.

Threshold: 1% of the page diagonal. At a document camera's typical 1600×1200 frame the page
diagonal is ~1100 px, so that is ~11 px; a corner off by that much shifts the flattened
page's border by ~1 mm on A4: a sliver of margin, never text. The measured error is far
below it (printed with ``-s``), so the limit is loose enough for noise and tight enough to
fail on a real regression (a corner snapped to the wrong point costs tens of %).
"""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
from PIL import Image

from kiosk.devices.base import DeviceUnavailable
from kiosk.devices.sample_pages import render_page

cv2 = pytest.importorskip("cv2")
from kiosk.devices.scanning.autocrop import autocrop, order_corners  # noqa: E402

FRAME_SIZE = (1600, 1200)
SEEDS = range(24)
MAX_ERROR_SHARE_OF_DIAGONAL = 0.01
#: a miss is safe (the whole frame goes to the clerk, with a note); a wrong crop is not
MIN_FOUND_SHARE = 0.9


def _page_image(seed: int) -> np.ndarray:
    page = render_page(f"scene {seed}", seed, dpi=100)
    rgb = np.asarray(Image.open(io.BytesIO(page.data)).convert("RGB"))
    return np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), dtype=np.uint8)


def _textured_pad(rng: np.random.Generator, size: tuple[int, int]) -> np.ndarray:
    width, height = size
    # blotches at several scales: stains, worn spots, weave
    texture = np.zeros((height, width), np.float32)
    for cells, weight in ((8, 30.0), (40, 18.0), (200, 10.0)):
        noise = rng.normal(0, 1, (max(2, cells * height // width), cells)).astype(np.float32)
        texture += weight * cv2.resize(noise, (width, height), interpolation=cv2.INTER_CUBIC)
    # wood grain: wavy stripes at a random angle
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = rng.uniform(0, math.pi)
    along = xx * math.cos(angle) + yy * math.sin(angle)
    across = -xx * math.sin(angle) + yy * math.cos(angle)
    texture += 14 * np.sin(along / rng.uniform(4, 12) + 3 * np.sin(across / 90))
    base = rng.uniform(70, 140)
    tint = rng.uniform(0.75, 1.15, 3).astype(np.float32)
    pad = (base + texture)[..., None] * tint[None, None, :]
    return np.asarray(np.clip(pad, 0, 255), dtype=np.uint8)


def _photographed_page(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A synthetic camera frame and the page's true corners (tl, tr, br, bl) in it."""
    rng = np.random.default_rng(seed)
    page = _page_image(seed)
    page_h, page_w = page.shape[:2]
    width, height = FRAME_SIZE
    target_height = rng.uniform(0.62, 0.78) * height
    scale = target_height / page_h
    half = np.array([page_w, page_h]) * scale / 2
    rectangle = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * half
    angle = math.radians(rng.uniform(-20, 20))
    rotation = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    corners = rectangle @ rotation.T
    corners += rng.uniform(-0.05, 0.05, (4, 2)) * (2 * half)
    centre = np.array([width / 2, height / 2]) + rng.uniform(-0.08, 0.08, 2) * [width, height]
    corners += centre
    source = np.array([[0, 0], [page_w, 0], [page_w, page_h], [0, page_h]], np.float32)
    matrix = cv2.getPerspectiveTransform(source, corners.astype(np.float32))
    frame = _textured_pad(rng, FRAME_SIZE)
    warped = cv2.warpPerspective(page, matrix, FRAME_SIZE, flags=cv2.INTER_LINEAR)
    coverage = cv2.warpPerspective(np.full((page_h, page_w), 255, np.uint8), matrix, FRAME_SIZE)
    alpha = (coverage.astype(np.float32) / 255)[..., None]
    scene = warped * alpha + frame * (1 - alpha)
    # uneven light: brighter under the lamp, falling off towards one side
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    lamp = rng.uniform(0, [width, height])
    light = 1.05 - 0.3 * np.hypot(xx - lamp[0], yy - lamp[1]) / np.hypot(width, height)
    scene = scene * light[..., None] + rng.normal(0, 6, scene.shape)
    scene = cv2.GaussianBlur(np.clip(scene, 0, 255).astype(np.uint8), (0, 0), 1.0)
    return scene, corners


def _corner_error(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean(np.linalg.norm(order_corners(found) - order_corners(truth), axis=1)))


def test_autocrop_finds_the_page_corners_within_one_percent_of_the_diagonal() -> None:
    errors_px, errors_share, missed = [], [], []
    for seed in SEEDS:
        frame, truth = _photographed_page(seed)
        result = autocrop(frame)
        if not result.found:
            # a miss must be the safe fallback, never a partial picture
            assert result.corners is None and result.image is frame and result.note
            missed.append(seed)
            print(f"seed {seed:2d}: no page found (whole frame sent)")
            continue
        assert result.corners is not None
        ordered = order_corners(truth)
        diagonal = float(np.linalg.norm(ordered[2] - ordered[0]))
        error = _corner_error(result.corners, truth)
        errors_px.append(error)
        errors_share.append(error / diagonal)
        print(f"seed {seed:2d}: corner error {error:5.2f} px = {100 * error / diagonal:.3f}%")
        # the flattened page is upright (portrait like the page) and about the page's size
        height, width = result.image.shape[:2]
        assert height > width
        assert abs(height - np.linalg.norm(ordered[3] - ordered[0])) < 0.1 * height
    print(
        f"found {len(errors_px)}/{len(SEEDS)}; corner error mean {np.mean(errors_px):.2f} px "
        f"({100 * np.mean(errors_share):.3f}%), max {np.max(errors_px):.2f} px "
        f"({100 * np.max(errors_share):.3f}%); missed seeds {missed}"
    )
    assert max(errors_share) < MAX_ERROR_SHARE_OF_DIAGONAL
    assert len(errors_px) >= MIN_FOUND_SHARE * len(SEEDS)


def test_autocrop_falls_back_to_the_whole_frame_when_there_is_no_page() -> None:
    for seed in range(3):
        frame = _textured_pad(np.random.default_rng(100 + seed), FRAME_SIZE)
        frame = cv2.GaussianBlur(frame, (0, 0), 1.0)
        result = autocrop(frame)
        assert not result.found
        assert result.corners is None
        assert result.image is frame
        assert "no page" in result.note


async def test_missing_camera_is_unavailable() -> None:
    from kiosk.devices.scanning.camera_backend import CameraConfig, DocumentCamera

    camera = DocumentCamera(CameraConfig(device="/dev/no-such-video-device"))
    try:
        with pytest.raises(DeviceUnavailable) as caught:
            await camera.open()
        assert "not available because" in caught.value.reason
    finally:
        await camera.close()
