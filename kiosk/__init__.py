"""vwindow: kiosk."""
