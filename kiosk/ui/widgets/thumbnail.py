"""A captured page, small, with its label: the resident sees what the clerk received."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kiosk.ui.texts import text
from kiosk.ui.widgets.text import TextLabel, set_accessible, set_role

THUMB_WIDTH = 200
THUMB_HEIGHT = 260


class PageThumbnail(QWidget):
    def __init__(self, page_id: str, image: QImage, label: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page_id = page_id
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(6)
        self.picture = QLabel()
        self.picture.setFixedSize(THUMB_WIDTH, THUMB_HEIGHT)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setStyleSheet("background: #ffffff; border: 2px solid #c3d3e6;")
        # scaled once, smoothly: a thumbnail is made once per page, not per frame
        scaled = image.scaled(THUMB_WIDTH - 8, THUMB_HEIGHT - 8, Qt.AspectRatioMode.KeepAspectRatio,
                              Qt.TransformationMode.SmoothTransformation)
        self.picture.setPixmap(QPixmap.fromImage(scaled))
        set_accessible(self.picture, label, text("a11y.page"))
        layout.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignHCenter)
        self.caption = TextLabel("", "small", align=Qt.AlignmentFlag.AlignCenter)
        self.caption.show_raw(label)
        set_role(self.caption, "small")
        layout.addWidget(self.caption)
