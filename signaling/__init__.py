"""vwindow: signaling."""
