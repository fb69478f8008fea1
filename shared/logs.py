"""Logging set-up shared by the server and the apps: personal data never reaches a log."""

from __future__ import annotations

import logging
import sys

from shared.identity import mask_id_numbers


class PersonalDataFilter(logging.Filter):
    """Rewrites each record so that ID numbers in the message or its arguments are masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_id_numbers(message)
        if masked != message:
            record.msg = masked
            record.args = None
        return True


def configure_logging(level: str | int = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PersonalDataFilter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    # aiohttp's access log would print every poll of /metrics; keep it for warnings
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
