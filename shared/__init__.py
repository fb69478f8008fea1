"""vwindow: shared."""
