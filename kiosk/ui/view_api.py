"""What the kiosk controller may ask of the screens, and what the screens report back.

The controller (network, devices, the flow's commands) and the screens (widgets) meet only
here, so either can be tested without the other: the screens with a :class:`kiosk.flow.Session`
driven by hand, the controller with any object that has these methods.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from PySide6.QtGui import QImage

from kiosk import flow

# --- What the screens report (besides kiosk.flow events) ------------------------------------


@dataclass(frozen=True)
class SignatureSubmitted:
    """The resident confirmed the form and signed: the controller uploads ``png`` and then
    feeds ``flow.FormAnswered(confirmed=True, signature_page_id=...)``."""

    form_id: str
    png: bytes
    #: the pen's path: list of strokes, each a list of (x, y, t_ms) in pad pixels
    strokes: tuple[tuple[tuple[float, float, int], ...], ...]
    width: int
    height: int


@dataclass(frozen=True)
class CorrectionRequested:
    """The resident says the form is wrong; ``comment`` is one of the offered reasons."""

    form_id: str
    comment: str


@dataclass(frozen=True)
class LanguageChosen:
    language: str  # "zh_CN" | "en"


@dataclass(frozen=True)
class ElderlyModeChosen:
    on: bool


@dataclass(frozen=True)
class AdminExitRequested:
    """The admin gesture was made and the PIN entered correctly."""


UiIntent = (
    SignatureSubmitted
    | CorrectionRequested
    | LanguageChosen
    | ElderlyModeChosen
    | AdminExitRequested
)


# --- Data the screens show that the flow does not hold --------------------------------------


@dataclass(frozen=True)
class FormView:
    form_id: str
    title: str
    #: (label, value) pairs, in order
    fields: tuple[tuple[str, str], ...]
    needs_signature: bool = True


@dataclass(frozen=True)
class CallStatusView:
    clerk_name: str = ""
    window_no: str | None = None
    #: "good" | "fair" | "poor" | "" (unknown)
    quality: str = ""
    reconnecting: bool = False


class KioskView(Protocol):
    """Implemented by the screens (``kiosk.ui.window.KioskScreens``). Every resident action
    is delivered to ``on_event`` as a ``kiosk.flow`` event (``Touched`` for any touch, then
    the specific one) or a :data:`UiIntent`."""

    def set_event_handler(self, on_event: object) -> None:
        """``on_event(event: flow.Event | UiIntent) -> None``."""

    def set_catalog(self, items: list[object]) -> None:
        """``shared.catalog.CatalogItem`` objects offered on the choose-item screen."""

    def render(self, session: flow.Session, now: float) -> None:
        """Show ``session.state`` and the fields next to it; ``now`` is on the clock the
        session runs on, for countdowns. Cheap: called on every event and every second."""

    def set_remote_frame(self, image: QImage) -> None: ...

    def set_local_frame(self, image: QImage) -> None: ...

    def set_guest(self, name: str | None) -> None:
        """An invited third party (a department's expert) joined the call (their name) or
        left it (``None``): their picture shows beside the clerk's."""

    def set_guest_frame(self, image: QImage) -> None: ...

    def set_call_status(self, status: CallStatusView) -> None: ...

    def add_page_preview(self, page_id: str, image: QImage, label: str) -> None: ...

    def clear_page_previews(self) -> None: ...

    def set_form(self, form: FormView | None) -> None: ...

    def show_message(self, key: str) -> None:
        """A transient notice; ``key`` is a flow text key (``kiosk.flow`` ``ShowMessage``)."""

    def speak(self, text_key: str) -> None:
        """A voice prompt (silent where the platform has no voice)."""

    def set_elderly_mode(self, on: bool) -> None: ...

    def set_language(self, language: str) -> None: ...

    def wipe(self) -> None:
        """Forget every image and text of the session that just ended."""
