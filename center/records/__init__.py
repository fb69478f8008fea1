"""The records service: documents a resident hands over during a call (scanned pages) travel
from the kiosk to the server over HTTP, never inside the video, and are kept per request for
the clerk and the center's supervisors."""
