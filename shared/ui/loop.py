"""asyncio inside Qt through qasync: the network (aiohttp, aiortc) and the widgets share one
thread and one loop, so handlers may touch widgets directly and the UI never waits on I/O."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
import sys
from collections.abc import Awaitable, Callable

import qasync
from PySide6.QtWidgets import QApplication


def qt_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    return QApplication(argv if argv is not None else sys.argv[:1])


def run_with_qt(app: QApplication, main: Callable[[], Awaitable[int]]) -> int:
    """Run ``main`` on a qasync loop over ``app`` until it returns its exit status; Ctrl+C and
    SIGTERM close the app's windows, which ends ``main`` through its own code paths."""
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    for signum in (signal.SIGINT, signal.SIGTERM):
        # not on every platform: the window's close button still works there
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, app.closeAllWindows)
    try:
        with loop:
            status: int = loop.run_until_complete(main())
            return status
    finally:
        asyncio.set_event_loop(None)
        del loop
        # a closed qasync loop freed later by the collector on a device or worker thread
        # crashes the process: free it here, on the Qt thread
        gc.collect()
