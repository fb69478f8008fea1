"""Touch widgets of the kiosk: big buttons, countdown ring, signature pad, page thumbnails,
QR view, video pane, PIN pad and rating faces."""
