"""Turn whatever a backend captured into the one page format the clerk receives.

Pure: no device and no file I/O. Every backend (SANE, document camera, watched folder,
simulator) ends here, so the clerk always gets an upright JPEG with a bounded size and the
same metadata whatever the hardware was.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace

from PIL import Image, ImageOps

from kiosk.devices.base import ScannedPage

#: A4's long side at 300 dpi: more pixels add bytes, not legibility, for the clerk's screen.
A4_LONG_SIDE_300_DPI = 3508


@dataclass(frozen=True)
class NormaliseOptions:
    jpeg_quality: int = 85
    #: the quality is lowered step by step down to this before the image is shrunk instead
    min_jpeg_quality: int = 55
    max_side_px: int = A4_LONG_SIDE_300_DPI
    max_bytes: int = 5_000_000
    grayscale: bool = False
    #: clockwise, a multiple of 90: for devices mounted sideways or a resident's choice
    rotate_degrees: int = 0

    def __post_init__(self) -> None:
        if self.rotate_degrees % 90:
            raise ValueError(f"rotate_degrees must be a multiple of 90, not {self.rotate_degrees}")
        if not 1 <= self.min_jpeg_quality <= self.jpeg_quality <= 95:
            raise ValueError("need 1 <= min_jpeg_quality <= jpeg_quality <= 95")
        if self.max_side_px < 16 or self.max_bytes < 10_000:
            raise ValueError("max_side_px / max_bytes too small for a legible page")

    def for_scan(self, color: bool) -> NormaliseOptions:
        """These options for one scan: a gray scan request turns the output gray too."""
        return replace(self, grayscale=self.grayscale or not color)


def normalise_bytes(
    data: bytes,
    *,
    label: str,
    source: str,
    dpi: int = 0,
    options: NormaliseOptions | None = None,
) -> ScannedPage:
    """Decode an encoded image (JPEG, PNG, TIFF...) and normalise it."""
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (OSError, SyntaxError, ValueError) as error:
        raise ValueError(f"not a readable image: {error}") from error
    return normalise_image(image, label=label, source=source, dpi=dpi, options=options)


def normalise_image(
    image: Image.Image,
    *,
    label: str,
    source: str,
    dpi: int = 0,
    options: NormaliseOptions | None = None,
) -> ScannedPage:
    """Upright, colour or gray, size-capped JPEG of ``image``.

    ``dpi`` 0 means "take it from the image's own metadata if it has some"; the returned
    page's dpi is scaled along with any shrinking, so physical size stays right.
    """
    options = options or NormaliseOptions()
    if not dpi:
        dpi = _dpi_from_metadata(image)
    # phones and document cameras store "rotate me" in EXIF instead of rotating the pixels
    upright = ImageOps.exif_transpose(image) or image
    if options.rotate_degrees % 360:
        # PIL rotates counter-clockwise; the option is clockwise as people say it
        upright = upright.rotate(-options.rotate_degrees, expand=True)
    pixels = _to_8_bit(upright, grayscale=options.grayscale)

    scale = min(1.0, options.max_side_px / max(pixels.size))
    quality = options.jpeg_quality
    while True:
        sized = pixels if scale >= 1.0 else _resized(pixels, scale)
        data = _jpeg(sized, quality, round(dpi * scale))
        if len(data) <= options.max_bytes:
            break
        if quality > options.min_jpeg_quality:
            quality = max(options.min_jpeg_quality, quality - 10)
        else:
            # quality alone is not enough: fewer pixels, each step ~36% fewer bytes
            scale *= 0.8
    return ScannedPage(
        data=data,
        mime="image/jpeg",
        width=sized.width,
        height=sized.height,
        label=label,
        dpi=round(dpi * scale),
        source=source,
    )


def _dpi_from_metadata(image: Image.Image) -> int:
    value = image.info.get("dpi")
    try:
        return round(float(value[0])) if value else 0
    except (TypeError, ValueError, IndexError):
        return 0


def _to_8_bit(image: Image.Image, *, grayscale: bool) -> Image.Image:
    if image.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        # 16-bit scans: keep the top byte; PIL's own convert("L") would clip, not scale
        image = image.point(lambda value: value / 256).convert("L")
    if image.mode in ("RGBA", "LA", "P", "PA"):
        # transparency (PNG from some scanner software) goes on white paper, not black
        rgba = image.convert("RGBA")
        paper = Image.new("RGB", rgba.size, "white")
        paper.paste(rgba, mask=rgba.getchannel("A"))
        image = paper
    return image.convert("L" if grayscale else "RGB")


def _resized(image: Image.Image, scale: float) -> Image.Image:
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS)


def _jpeg(image: Image.Image, quality: int, dpi: int) -> bytes:
    out = io.BytesIO()
    extra = {"dpi": (dpi, dpi)} if dpi > 0 else {}
    image.save(out, format="JPEG", quality=quality, optimize=True, **extra)
    return out.getvalue()
