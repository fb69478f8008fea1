"""Where ``vwindow demo`` puts each screen app: it runs the kiosk and the console as
processes of their own and tells each, by ``VWINDOW_DEMO_PLACE=left|right``, which half of
the desktop (or which of two screens) is its own. Each app measures its screen itself, so
the demo process needs no Qt, and a scaled kiosk (``QT_SCALE_FACTOR``) still fits."""

from __future__ import annotations

import os

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication

PLACE_ENV = "VWINDOW_DEMO_PLACE"


def demo_area() -> QRect | None:
    """The area this app was given by the demo, in its own logical pixels; None outside the
    demo."""
    side = os.environ.get(PLACE_ENV, "")
    if side not in ("left", "right"):
        return None
    screens = QGuiApplication.screens()
    if not screens:
        return None
    if len(screens) > 1:
        return screens[0 if side == "left" else 1].availableGeometry()
    area = screens[0].availableGeometry()
    half = area.width() // 2
    if side == "left":
        return QRect(area.x(), area.y(), half, area.height())
    return QRect(area.x() + half, area.y(), area.width() - half, area.height())
