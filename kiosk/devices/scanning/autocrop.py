"""Find the sheet of paper in a document camera's frame and flatten it.

A document camera (高拍仪) looks down at a desk pad or a table: the page is the largest
bright four-sided shape, seen slightly rotated and in perspective. The pipeline:

1. work on a copy shrunk to ~1000 px (speed; the edges are long and straight, so precision
   comes back from line fitting, not from pixels);
2. make candidate outlines two ways, because neither alone survives every background:
   brightness (blur, Otsu threshold, morphology) for paper on a darker, textured pad, and
   edges (blur, Canny, closing) for a pad about as bright as the paper;
3. keep the biggest outline that is a convex quadrilateral (``approxPolyDP``) covering a
   plausible part of the frame, and refine its corners by fitting a straight line to each
   side and intersecting them (sub-pixel; rounded corners and dog-ears do not matter);
4. warp that quadrilateral to an upright rectangle at full resolution.

When no page is found the whole frame is returned with a note, so a page is never lost.
Needs OpenCV; importing this module without it raises ImportError (the camera backend
turns that into DeviceUnavailable).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

Image = NDArray[np.uint8]
Corners = NDArray[np.float64]

DETECTION_LONG_SIDE_PX = 1000
#: a page smaller than this share of the frame is more likely a card, a hand or noise
MIN_AREA_SHARE = 0.08
#: an outline this close to the frame's own border is the frame, not a page
MAX_AREA_SHARE = 0.98
#: how much of an outline may lie outside its 4-corner fit and still count as a page
MIN_QUAD_FILL = 0.93
#: share of each side of a page along which one side is clearly brighter than the other;
#: a random line across a textured pad scores about half, since the texture's sign is random
MIN_BORDER_SUPPORT = 0.8
#: gray levels of contrast across a border that count as "clearly"
BORDER_CONTRAST = 12.0


@dataclass(frozen=True)
class CropResult:
    #: the flattened page, or the whole frame when ``found`` is False (BGR or gray like input)
    image: Image
    found: bool
    #: top-left, top-right, bottom-right, bottom-left in input pixels; None when not found
    corners: Corners | None
    note: str = ""


def autocrop(frame: Image) -> CropResult:
    corners = find_page_corners(frame)
    if corners is None:
        return CropResult(
            frame, False, None, "no page outline found in the picture: sent the whole picture"
        )
    return CropResult(warp_to_rectangle(frame, corners), True, corners)


def find_page_corners(frame: Image) -> Corners | None:
    """The page's corners (tl, tr, br, bl) in ``frame`` pixels, or None."""
    gray = frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    scale = min(1.0, DETECTION_LONG_SIDE_PX / max(gray.shape))
    small = np.asarray(
        gray
        if scale == 1.0
        else cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA),
        dtype=np.uint8,
    )
    frame_area = float(small.shape[0] * small.shape[1])
    # sharp enough to locate an edge to a fraction of a pixel, smooth enough to ignore grain
    edge_image = cv2.GaussianBlur(small, (0, 0), 1.5).astype(np.float32)
    best: tuple[float, Corners] | None = None
    for mask in _candidate_masks(small):
        for contour in _large_outer_contours(mask, frame_area):
            rough = _quadrilateral(contour, frame_area)
            if rough is None:
                continue
            corners = _refine_on_edges(edge_image, rough)
            support = _border_support(edge_image, corners)
            # an outline that merely happens to have 4 corners (paper merged with a bright
            # patch of the pad) does not have paper on one side of every side
            if support >= MIN_BORDER_SUPPORT and (best is None or support > best[0]):
                best = (support, corners)
    return None if best is None else best[1] / scale


def order_corners(points: NDArray[np.floating]) -> Corners:
    """Four points as top-left, top-right, bottom-right, bottom-left (image y points down)."""
    points = np.asarray(points, dtype=np.float64).reshape(4, 2)
    centre = points.mean(axis=0)
    angles = np.arctan2(points[:, 1] - centre[1], points[:, 0] - centre[0])
    ring = points[np.argsort(angles)]  # clockwise on screen, starting anywhere
    # start at the corner nearest the picture's top-left so a tilted page is not turned
    start = int(np.argmin(ring.sum(axis=1)))
    return np.roll(ring, -start, axis=0)


def warp_to_rectangle(frame: Image, corners: Corners) -> Image:
    """The quadrilateral ``corners`` (tl, tr, br, bl) flattened to an upright rectangle."""
    tl, tr, br, bl = corners
    width = round(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = round(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    target = np.array(
        [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float32
    )
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    warped = cv2.warpPerspective(
        frame, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    return np.asarray(warped, dtype=np.uint8)


def _candidate_masks(gray: Image) -> list[Image]:
    side = max(gray.shape)
    # kernels in proportion to the picture, so the same code works on any camera resolution
    blur_size = _odd(side / 150)
    blurred = cv2.GaussianBlur(gray, (blur_size, blur_size), 0)
    # a median after the gaussian flattens wood grain and fabric weave but keeps edges sharp
    smooth = cv2.medianBlur(blurred, _odd(side / 100))
    open_kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (_odd(side / 60),) * 2)
    close_kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (_odd(side / 120),) * 2)

    _, bright = cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # opening cuts bright texture specks that touch the page off it; closing fills the gaps
    # the page's own print makes near its margins
    bright = cv2.morphologyEx(bright, cv2.MORPH_OPEN, open_kernel)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, close_kernel)

    median = float(np.median(smooth))
    edges = cv2.Canny(smooth, 0.5 * median, 1.2 * median)
    edges = cv2.morphologyEx(edges, cv2.MORPH_CLOSE, close_kernel)
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))

    adaptive = cv2.adaptiveThreshold(
        smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, _odd(side / 8), -5
    )
    adaptive = cv2.morphologyEx(adaptive, cv2.MORPH_OPEN, open_kernel)
    return [np.asarray(m, dtype=np.uint8) for m in (bright, adaptive, edges)]


def _large_outer_contours(mask: Image, frame_area: float) -> list[NDArray[np.int32]]:
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    large = [c for c in contours if cv2.contourArea(c) >= MIN_AREA_SHARE * frame_area]
    return [np.asarray(c, dtype=np.int32) for c in sorted(large, key=cv2.contourArea)[-5:]][::-1]


def _quadrilateral(contour: NDArray[np.int32], frame_area: float) -> Corners | None:
    hull = cv2.convexHull(contour)
    perimeter = cv2.arcLength(hull, True)
    approx = None
    # the smallest tolerance that yields four corners keeps them closest to the real ones
    for tolerance in (0.01, 0.02, 0.03, 0.04, 0.05):
        candidate = cv2.approxPolyDP(hull, tolerance * perimeter, True)
        if len(candidate) == 4:
            approx = candidate
            break
    if approx is None or not cv2.isContourConvex(approx):
        return None
    quad_area = float(cv2.contourArea(approx))
    if not MIN_AREA_SHARE * frame_area <= quad_area <= MAX_AREA_SHARE * frame_area:
        return None
    # a blob that merely has a 4-corner hull (page plus a hand, two pages) fills it badly
    if cv2.contourArea(contour) < MIN_QUAD_FILL * quad_area:
        return None
    rough = order_corners(approx.reshape(4, 2).astype(np.float64))
    if not _plausible_angles(rough):
        return None
    return _refine_by_side_lines(contour.reshape(-1, 2).astype(np.float64), rough)


def _side_samples(
    corners: Corners, index: int, count: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
    """Points along the middle 80% of side ``index``, its unit normal, and its length."""
    start, end = corners[index], corners[(index + 1) % 4]
    length = float(np.linalg.norm(end - start))
    direction = (end - start) / max(length, 1e-9)
    normal = np.array([-direction[1], direction[0]])
    share = np.linspace(0.1, 0.9, count)[:, None]
    return start + share * (end - start), normal, length


def _sample(image: NDArray[np.float32], points: NDArray[np.float64]) -> NDArray[np.float32]:
    """Bilinear samples of ``image`` at ``points`` (..., 2) as x, y."""
    map_x = np.ascontiguousarray(points[..., 0], dtype=np.float32)
    map_y = np.ascontiguousarray(points[..., 1], dtype=np.float32)
    if map_x.ndim == 1:
        map_x, map_y = map_x[None, :], map_y[None, :]
    sampled = cv2.remap(image, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return np.asarray(sampled, dtype=np.float32).reshape(points.shape[:-1])


def _refine_on_edges(image: NDArray[np.float32], rough: Corners) -> Corners:
    """Move each side onto the strongest brightness step near it, then re-intersect.

    The masks' outlines are shifted by blur and morphology by a pixel or two; the real
    border is where brightness changes fastest across the side.
    """
    lines = []
    for index in range(4):
        points, normal, length = _side_samples(rough, index, 80)
        reach = 0.015 * length + 3
        offsets = np.arange(-reach, reach + 0.5, 0.5)
        profile = _sample(image, points[:, None, :] + offsets[None, :, None] * normal)
        step = np.abs(np.diff(profile, axis=1))
        best = np.argmax(step, axis=1)
        edge = points + ((offsets[best] + offsets[best + 1]) / 2)[:, None] * normal
        strong = step[np.arange(len(best)), best] > BORDER_CONTRAST / 4
        if strong.sum() < 10:
            return rough
        vx, vy, x0, y0 = cv2.fitLine(edge[strong].astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01)
        lines.append((np.array([x0[0], y0[0]]), np.array([vx[0], vy[0]])))
    corners = [_intersection(lines[index - 1], lines[index]) for index in range(4)]
    if any(corner is None for corner in corners):
        return rough
    refined = np.array(corners, dtype=np.float64)
    if np.max(np.linalg.norm(refined - rough, axis=1)) > 0.05 * np.linalg.norm(rough[2] - rough[0]):
        return rough
    return refined


def _border_support(image: NDArray[np.float32], corners: Corners) -> float:
    """The least, over the four sides, share of a side with a consistent brightness step
    across it (paper vs pad). The least, because a wrong outline is usually right on 2-3
    sides (paper merged with a bright patch of the pad) and wrong on the rest."""
    shares = []
    for index in range(4):
        points, normal, length = _side_samples(corners, index, 60)
        gap = 0.01 * length + 2
        one_side = _sample(image, points + gap * normal)
        other_side = _sample(image, points - gap * normal)
        difference = one_side - other_side
        supported = max(
            int((difference > BORDER_CONTRAST).sum()), int((difference < -BORDER_CONTRAST).sum())
        )
        shares.append(supported / len(points))
    return min(shares)


def _plausible_angles(corners: Corners) -> bool:
    # a page seen from above at up to ~30° of tilt keeps its corner angles within 55..125°
    for index in range(4):
        before, here, after = corners[index - 1], corners[index], corners[(index + 1) % 4]
        a, b = before - here, after - here
        cosine = float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-9))
        if abs(cosine) > np.cos(np.radians(55)):
            return False
    return True


def _refine_by_side_lines(points: Corners, rough: Corners) -> Corners:
    lines = []
    for index in range(4):
        start, end = rough[index], rough[(index + 1) % 4]
        side = end - start
        length = float(np.linalg.norm(side))
        direction = side / length
        normal = np.array([-direction[1], direction[0]])
        offset = points - start
        along = offset @ direction
        across = np.abs(offset @ normal)
        # the middle of each side only: corners are where morphology and dog-ears bend it
        near = (along > 0.15 * length) & (along < 0.85 * length) & (across < 0.02 * length + 3)
        side_points = points[near]
        if len(side_points) < 10:
            lines.append((start, direction))
            continue
        vx, vy, x0, y0 = cv2.fitLine(side_points.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01)
        lines.append((np.array([x0[0], y0[0]]), np.array([vx[0], vy[0]])))
    corners = [_intersection(lines[index - 1], lines[index]) for index in range(4)]
    if any(c is None for c in corners):
        return rough
    refined = np.array(corners, dtype=np.float64)
    # a line fit can only move a corner a little; a big jump means a bad fit, keep the rough
    if np.max(np.linalg.norm(refined - rough, axis=1)) > 0.05 * np.linalg.norm(rough[2] - rough[0]):
        return rough
    return refined


def _intersection(
    first: tuple[NDArray[np.float64], NDArray[np.float64]],
    second: tuple[NDArray[np.float64], NDArray[np.float64]],
) -> NDArray[np.float64] | None:
    (p, r), (q, s) = first, second
    cross = r[0] * s[1] - r[1] * s[0]
    if abs(cross) < 1e-6:
        return None
    t = ((q - p)[0] * s[1] - (q - p)[1] * s[0]) / cross
    return np.asarray(p + t * r, dtype=np.float64)


def _odd(value: float) -> int:
    size = max(3, int(value))
    return size if size % 2 else size + 1
