"""What every screen page shares: how it reports events and what ``render`` gets."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from kiosk import flow
from kiosk.ui.theme import Theme

Emit = Callable[[object], None]


class ScreenPage(QWidget):
    """One page of the lower screen. ``render`` is called every second and on each event:
    it must only change what changed (the text widgets skip equal texts)."""

    flow_screen: flow.Screen

    def __init__(self, emit: Emit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report = emit
        #: the page's buttons shown in the footer, bottom right (the main action last)
        self.footer_actions: list[QWidget] = []

    def show_session(self, session: flow.Session, now: float) -> None:
        """Show the session's fields this page is about."""

    def apply_theme(self, theme: Theme) -> None:
        """Sizes the style sheet cannot reach (painted widgets)."""

    def wipe(self) -> None:
        """Forget everything of the session that just ended."""

    def entered(self) -> None:
        """The page became the shown one."""

    def left(self) -> None:
        """Another page is shown now (stop animations)."""
