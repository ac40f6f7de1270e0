"""Regenerates the application icon: ui/assets/caremgr.png (window icon) and caremgr.ico (Windows exe).

    .venv/bin/python tools/make_icon.py

A rounded square in the theme's primary blue with "CM" in white, drawn with the report font that ships
with caremgr (Liberation Serif Bold), so the result is the same on every machine.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "ui" / "assets"
FONT = ROOT / "reports" / "fonts" / "LiberationSerif-Bold.ttf"
PRIMARY = "#0a58ca"  # ttkbootstrap "bootstrap-light" primary, the colour of the selected navigation button
SIZE = 256
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]


def draw(size: int = SIZE) -> Image.Image:
    """The icon at ``size`` pixels, drawn 4× larger and scaled down for smooth edges."""
    big = size * 4
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    margin = big // 32
    pen.rounded_rectangle((margin, margin, big - margin, big - margin), radius=big // 5, fill=PRIMARY)
    font = ImageFont.truetype(str(FONT), int(big * 0.5))
    left, top, right, bottom = pen.textbbox((0, 0), "CM", font=font)
    x = (big - (right - left)) / 2 - left
    y = (big - (bottom - top)) / 2 - top
    pen.text((x, y), "CM", font=font, fill="white")
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> int:
    ASSETS.mkdir(parents=True, exist_ok=True)
    icon = draw()
    icon.save(ASSETS / "caremgr.png", optimize=True)
    icon.save(ASSETS / "caremgr.ico", sizes=ICO_SIZES)
    print(f"{ASSETS / 'caremgr.png'}\n{ASSETS / 'caremgr.ico'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
