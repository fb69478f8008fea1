"""Decoded video frames (PyAV) as Qt images, converted where the frame arrives so the GUI
thread only paints."""

from __future__ import annotations

import numpy as np
from av import VideoFrame
from PySide6.QtGui import QImage


def video_frame_to_qimage(frame: VideoFrame, max_width: int | None = None) -> QImage:
    """An RGB copy of ``frame``, scaled down (keeping its aspect) to ``max_width`` if wider:
    scaling in swscale is far cheaper than letting Qt smooth-scale a big image each paint."""
    width, height = frame.width, frame.height
    if max_width is not None and width > max_width:
        height = max(2, round(height * max_width / width) // 2 * 2)
        width = max_width
    # PyAV pads rows for alignment (an 800-pixel-wide camera, say) and hands back a view
    # that skips the padding; QImage needs the rows packed
    rgb = np.ascontiguousarray(
        frame.reformat(width=width, height=height, format="rgb24").to_ndarray()
    )
    image = QImage(rgb.data, width, height, rgb.strides[0], QImage.Format.Format_RGB888)
    # the array dies with this function: the image must own its pixels
    return image.copy()
