"""The clerk's console: a desktop app (PySide6) for serving residents by video."""
