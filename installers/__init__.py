"""vwindow: installers."""
