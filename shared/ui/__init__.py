"""The Qt toolkit shared by the kiosk and the console: translations, asyncio inside Qt, and
video frames as images. The only part of ``shared`` that may import Qt."""
