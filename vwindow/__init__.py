"""The ``vwindow`` command: entry points that wire the server, the kiosk and the console."""
