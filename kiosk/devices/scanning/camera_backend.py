"""A UVC document camera (高拍仪) through OpenCV: grab a frame, find the page, flatten it.

OpenCV is imported only when the camera is opened; without it the camera reports "not
available because ...". The page is found by :mod:`kiosk.devices.scanning.autocrop`; when
it finds none the whole frame is sent, marked ``source="camera:uncropped"``, and the note is
kept in ``last_notes`` (ScannedPage has no field for it).
"""

from __future__ import annotations

import asyncio
import importlib
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from PIL import Image

from kiosk.devices.base import (
    DeviceError,
    DeviceInfo,
    DeviceKind,
    DeviceThread,
    DeviceUnavailable,
    ScannedPage,
    Scanner,
    ScanOptions,
)
from kiosk.devices.scanning.normalise import NormaliseOptions, normalise_image

KIND = DeviceKind.CAMERA


@dataclass(frozen=True)
class CameraConfig:
    #: an index (0 = /dev/video0) or a device path / URL OpenCV understands
    device: int | str = 0
    #: what to ask for; the camera picks its nearest mode (document cameras: 5-16 MP)
    frame_width: int = 3264
    frame_height: int = 2448
    #: frames read and dropped first: auto exposure and focus settle on them
    warmup_frames: int = 5
    autocrop: bool = True
    read_timeout_s: float = 10.0
    normalise: NormaliseOptions = field(default_factory=NormaliseOptions)


def load_cv2() -> ModuleType:
    try:
        return importlib.import_module("cv2")
    except ImportError as error:
        raise DeviceUnavailable(
            KIND, f"the document camera is not available because OpenCV is missing ({error})"
        ) from error


class DocumentCamera(Scanner):
    def __init__(self, config: CameraConfig | None = None) -> None:
        self.config = config or CameraConfig()
        self.info = DeviceInfo(KIND, f"document camera {self.config.device}", "opencv")
        self._thread = DeviceThread("document-camera")
        self._capture: Any = None
        self.last_notes: list[str] = []

    async def open(self) -> None:
        await self._thread.run(self._open_blocking)

    async def scan(self, options: ScanOptions) -> list[ScannedPage]:
        try:
            page: ScannedPage = await asyncio.wait_for(
                self._thread.run(self._scan_blocking, options), self.config.read_timeout_s
            )
        except TimeoutError as error:
            raise DeviceError(KIND, "the document camera sent no picture in time") from error
        return [page]

    async def close(self) -> None:
        try:
            await asyncio.wait_for(self._thread.run(self._release_blocking), 5)
        finally:
            self._thread.close()

    def _open_blocking(self) -> Any:
        if self._capture is not None:
            return self._capture
        cv2 = load_cv2()
        capture = cv2.VideoCapture(self.config.device)
        if not capture.isOpened():
            capture.release()
            raise DeviceUnavailable(
                KIND,
                f"the document camera {self.config.device!r} is not available because it "
                "cannot be opened (unplugged, or in use by another program?)",
            )
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.config.frame_width)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.config.frame_height)
        self._capture = capture
        return capture

    def _release_blocking(self) -> None:
        capture, self._capture = self._capture, None
        if capture is not None:
            capture.release()

    def _scan_blocking(self, options: ScanOptions) -> ScannedPage:
        capture = self._open_blocking()
        frame = None
        for _ in range(self.config.warmup_frames + 1):
            ok, frame = capture.read()
            if not ok:
                self._release_blocking()
                raise DeviceError(KIND, "the document camera stopped sending pictures (unplugged?)")
        return self.page_from_frame(frame, options)

    def page_from_frame(self, frame: Any, options: ScanOptions) -> ScannedPage:
        """Crop (when configured) and normalise one BGR frame; public for tests and tools."""
        cv2 = load_cv2()
        self.last_notes = []
        source = "camera"
        if self.config.autocrop:
            from kiosk.devices.scanning.autocrop import autocrop

            result = autocrop(frame)
            frame = result.image
            if not result.found:
                source = "camera:uncropped"
                self.last_notes.append(result.note)
        rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB) if frame.ndim == 3 else frame
        return normalise_image(
            Image.fromarray(rgb),
            label=options.label,
            source=source,
            # a camera has no fixed resolution: the page's pixels depend on its distance
            dpi=0,
            options=self.config.normalise.for_scan(options.color),
        )
