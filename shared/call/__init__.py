"""The call engine: one WebRTC call between a kiosk and a console, used by both sides."""
