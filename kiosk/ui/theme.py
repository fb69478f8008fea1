"""The kiosk's look: calm government-service blue on white, big type, big touch targets.

Two themes share one style sheet template: ``NORMAL`` and ``ELDERLY`` (larger type, higher
contrast: darker text, stronger borders). Widgets say what they are with the ``role``
property (``title``, ``body``, ``big``...) and the sheet sizes them, so switching the theme
is one ``setStyleSheet`` on each window."""

from __future__ import annotations

from dataclasses import dataclass

FONT_FAMILY = "Noto Sans CJK SC"
#: smallest height and width of anything a resident touches, in pixels
MIN_TOUCH_PX = 72


@dataclass(frozen=True)
class Theme:
    name: str
    body_px: int
    small_px: int
    title_px: int
    huge_px: int
    button_px: int
    touch_px: int
    text: str
    muted: str
    background: str
    panel: str
    primary: str
    primary_pressed: str
    primary_text: str
    border: str
    border_px: int
    danger: str
    warning_bg: str
    good: str

    def px(self, role: str) -> int:
        return {
            "small": self.small_px,
            "body": self.body_px,
            "title": self.title_px,
            "huge": self.huge_px,
            "button": self.button_px,
        }.get(role, self.body_px)


NORMAL = Theme(
    name="normal",
    body_px=30,
    small_px=28,
    title_px=44,
    huge_px=72,
    button_px=32,
    touch_px=88,
    text="#1a2433",
    muted="#3d4f66",
    background="#f4f8fc",
    panel="#ffffff",
    primary="#1d5fb8",
    primary_pressed="#154a91",
    primary_text="#ffffff",
    border="#c3d3e6",
    border_px=2,
    danger="#b3261e",
    warning_bg="#fff4d6",
    good="#1e7d3a",
)

ELDERLY = Theme(
    name="elderly",
    body_px=38,
    small_px=36,
    title_px=54,
    huge_px=88,
    button_px=40,
    touch_px=104,
    text="#000000",
    muted="#1a2433",
    background="#ffffff",
    panel="#ffffff",
    primary="#0b3f8c",
    primary_pressed="#072c63",
    primary_text="#ffffff",
    border="#1a2433",
    border_px=3,
    danger="#8f0f0a",
    warning_bg="#ffe9a8",
    good="#0f5c28",
)


def theme_for(elderly: bool) -> Theme:
    return ELDERLY if elderly else NORMAL


def style_sheet(t: Theme) -> str:
    """The whole window's sheet. Buttons: ``primary`` (the one main action), default
    (secondary, outlined), ``danger`` (hang up), ``chip`` (toggle choices)."""
    return f"""
* {{ font-family: "{FONT_FAMILY}"; color: {t.text}; }}
QWidget#kioskRoot, QWidget#upperRoot, QStackedWidget {{ background: {t.background}; }}
QLabel {{ font-size: {t.body_px}px; background: transparent; }}
QLabel[role="small"] {{ font-size: {t.small_px}px; color: {t.muted}; }}
QLabel[role="title"] {{ font-size: {t.title_px}px; font-weight: bold; color: {t.text}; }}
QLabel[role="huge"] {{ font-size: {t.huge_px}px; font-weight: bold; color: {t.primary}; }}
QLabel[role="strong"] {{ font-size: {t.body_px}px; font-weight: bold; }}
QLabel[role="onprimary"] {{ font-size: {t.button_px}px; font-weight: bold;
    color: {t.primary_text}; }}
QLabel[role="button"] {{ font-size: {t.button_px}px; font-weight: bold; color: {t.primary}; }}
QLabel[role="buttonsmall"] {{ font-size: {t.body_px}px; color: {t.text}; }}
QLabel[role="query"] {{ font-size: {t.title_px}px; font-weight: bold; color: {t.text};
    background: {t.panel}; border: {t.border_px}px solid {t.primary}; border-radius: 12px;
    padding: 8px 20px; }}
QFrame[role="panel"] {{ background: {t.panel}; border: {t.border_px}px solid {t.border};
    border-radius: 18px; }}
QFrame[role="notice"] {{ background: {t.warning_bg}; border: {t.border_px}px solid #b07d00;
    border-radius: 18px; }}
QFrame[role="header"] {{ background: {t.primary}; border: none; }}
QWidget#upperRoot QStackedWidget {{ background: #e8f0fa; }}
QFrame[role="header"] QLabel {{ color: {t.primary_text}; }}
QFrame[role="toast"] {{ background: #0f2747; border-radius: 20px; }}
QFrame[role="toast"] QLabel {{ color: #ffffff; font-size: {t.button_px}px; }}
QFrame[role="scrim"] {{ background: rgba(10, 25, 45, 160); }}
QPushButton {{ font-size: {t.button_px}px; font-weight: bold; min-height: {t.touch_px}px;
    min-width: {t.touch_px}px; padding: 6px 24px; border-radius: 16px;
    background: {t.panel}; color: {t.primary}; border: {t.border_px}px solid {t.primary}; }}
QPushButton:pressed {{ background: #dce8f7; }}
QPushButton:disabled {{ color: #8896a8; border-color: #b8c4d2; }}
QPushButton[kind="primary"] {{ background: {t.primary}; color: {t.primary_text};
    border: {t.border_px}px solid {t.primary}; }}
QPushButton[kind="primary"]:pressed {{ background: {t.primary_pressed}; }}
QPushButton[kind="danger"] {{ background: {t.danger}; color: #ffffff;
    border: {t.border_px}px solid {t.danger}; }}
QPushButton[kind="quiet"] {{ background: transparent; color: {t.muted};
    border: {t.border_px}px solid {t.border}; }}
QPushButton[kind="chip"] {{ background: {t.panel}; color: {t.text}; font-weight: normal;
    border: {t.border_px}px solid {t.border}; border-radius: 36px; }}
QPushButton[kind="chip"]:checked {{ background: {t.primary}; color: {t.primary_text};
    border-color: {t.primary}; }}
QPushButton[kind="key"] {{ font-size: {t.title_px}px; padding: 0px; min-width: 72px; }}
QPushButton[kind="chip"], QPushButton[kind="key"] {{ padding-top: 0px; padding-bottom: 0px; }}
QPushButton[scale="large"] {{ font-size: {t.title_px}px; min-height: {t.touch_px + 40}px;
    min-width: {t.touch_px * 5}px; border-radius: 24px; }}
QPushButton[scale="wide"] {{ min-width: {t.touch_px * 4}px; }}
QPushButton[kind="header"] {{ background: transparent; color: {t.primary_text};
    border: {t.border_px}px solid {t.primary_text}; }}
QPushButton[kind="header"]:checked {{ background: {t.primary_text}; color: {t.primary}; }}
QScrollArea {{ background: transparent; border: none; }}
QScrollArea > QWidget > QWidget {{ background: transparent; }}
QScrollBar:vertical {{ width: 28px; background: {t.background}; }}
QScrollBar::handle:vertical {{ background: {t.border}; border-radius: 12px; min-height: 80px; }}
"""
