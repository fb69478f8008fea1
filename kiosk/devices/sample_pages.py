"""Simulated scanned pages for the demo and tests: document-like JPEGs (white paper, lines of
dark marks, a heading) of a realistic size, different for every label and take."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFilter

from kiosk.devices.base import ScannedPage


def render_page(label: str, take: int = 1, *, dpi: int = 200, quality: int = 90) -> ScannedPage:
    """An A4 page at ``dpi`` (200 dpi: 1654×2339 px, about 1–2 MB as JPEG)."""
    width, height = int(8.27 * dpi), int(11.69 * dpi)
    rng = random.Random(f"{label}/{take}")
    page = Image.new("L", (width, height), 245)
    draw = ImageDraw.Draw(page)
    margin = dpi // 2
    draw.rectangle([margin, margin, width - margin, margin + dpi // 3], fill=40)
    draw.text((margin + 10, margin + dpi // 2), f"{label} #{take}", fill=0)
    y = margin + dpi
    line = max(8, dpi // 12)
    while y < height - margin:
        x = margin
        while x < width - margin:
            word = rng.randint(line, line * 6)
            draw.rectangle([x, y, min(x + word, width - margin), y + line], fill=rng.randint(0, 90))
            x += word + line
        y += line * 2 + rng.randint(0, line)
    # paper grain and scanner noise, so the JPEG is as large as a real scan's
    noise = Image.effect_noise((width, height), 18).filter(ImageFilter.GaussianBlur(0.6))
    page = Image.blend(page, noise, 0.12).convert("RGB")
    out = io.BytesIO()
    page.save(out, format="JPEG", quality=quality)
    return ScannedPage(out.getvalue(), "image/jpeg", width, height, label, dpi, "simulated")


def render_signature(strokes: int = 3, seed: int = 1) -> ScannedPage:
    """A signature as a small PNG (the kiosk's pad saves the same format)."""
    rng = random.Random(seed)
    image = Image.new("RGB", (600, 200), "white")
    draw = ImageDraw.Draw(image)
    for _ in range(strokes):
        points = [(rng.randint(20, 580), rng.randint(30, 170)) for _ in range(8)]
        draw.line(points, fill="black", width=4, joint="curve")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return ScannedPage(out.getvalue(), "image/png", 600, 200, "签名")
