"""The kiosk's screens (PySide6): they render :class:`kiosk.flow.Session` and turn the
resident's touches into flow events; the controller owns the network and the devices."""
