"""The data-channel announcement of a page the kiosk has uploaded to the records API."""

from __future__ import annotations

from typing import Any

from kiosk.devices.base import ScannedPage
from shared.call import messages as m


def uploaded_page(page: ScannedPage, meta: dict[str, Any], captured_at: float) -> m.PageAnnounced:
    """``meta`` is what ``PageUploader.upload`` returned for ``page``'s bytes."""
    return m.PageAnnounced(
        page_id=meta["page_id"],
        sha256=meta["sha256"],
        size=len(page.data),
        mime=page.mime,
        width=page.width,
        height=page.height,
        path="upload",
        label=page.label,
        captured_at=captured_at,
    )
