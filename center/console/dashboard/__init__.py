"""The supervisor's dashboard in the console: live queue and clerk states, the figures of a
period per item, site or clerk, charts and CSV export."""

from __future__ import annotations

from pathlib import Path

from center.console.dashboard.widget import DashboardWidget

#: the folder of the dashboard's translations (domain ``dashboard``)
I18N = Path(__file__).resolve().parent / "i18n"
DOMAIN = "dashboard"

__all__ = ["DOMAIN", "I18N", "DashboardWidget"]
