"""Scanning backends: SANE scanners, a UVC document camera, a watched folder, a simulator.

All return pages through :mod:`kiosk.devices.scanning.normalise` (upright, size-capped JPEG
with dpi/source/size metadata). Hardware libraries (python-sane, OpenCV) are imported only
when a device is opened, so importing this package never fails on a machine without them.
"""

from kiosk.devices.scanning.camera_backend import CameraConfig, DocumentCamera
from kiosk.devices.scanning.folder_backend import FolderConfig, FolderScanner
from kiosk.devices.scanning.normalise import NormaliseOptions, normalise_bytes, normalise_image
from kiosk.devices.scanning.sane_backend import SaneConfig, SaneScanner
from kiosk.devices.scanning.simulated import SimulatedConfig, SimulatedScanner

__all__ = [
    "CameraConfig",
    "DocumentCamera",
    "FolderConfig",
    "FolderScanner",
    "NormaliseOptions",
    "SaneConfig",
    "SaneScanner",
    "SimulatedConfig",
    "SimulatedScanner",
    "normalise_bytes",
    "normalise_image",
]
