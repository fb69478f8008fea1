"""vwindow: center."""
