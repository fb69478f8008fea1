"""Kiosk devices: card readers, scanners, cameras, printers (real and simulated backends)."""
