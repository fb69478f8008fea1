"""One module per screen of the lower (touch) screen, each rendering a ``kiosk.flow.Session``."""
