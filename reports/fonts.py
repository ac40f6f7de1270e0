"""The serif family every document is set in, shipped inside the package and embedded in each PDF.

Decree 30/2020 asks for Times New Roman, which cannot be shipped. Liberation Serif (SIL OFL 1.1,
licence in ``fonts/LICENSE``) has the same metrics and full Vietnamese coverage. The TTF files live
in ``reports/fonts/`` beside this module, so the same lookup works from a source tree, an installed
wheel (package data) and a PyInstaller bundle (``datas`` puts them at ``reports/fonts``).
"""

from __future__ import annotations

import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FAMILY = "VNSerif"
REGULAR = FAMILY
BOLD = f"{FAMILY}-Bold"
ITALIC = f"{FAMILY}-Italic"
BOLD_ITALIC = f"{FAMILY}-BoldItalic"

# (registered name, file, bold, italic)
FACES = (
    (REGULAR, "LiberationSerif-Regular.ttf", 0, 0),
    (BOLD, "LiberationSerif-Bold.ttf", 1, 0),
    (ITALIC, "LiberationSerif-Italic.ttf", 0, 1),
    (BOLD_ITALIC, "LiberationSerif-BoldItalic.ttf", 1, 1),
)

_lock = threading.Lock()


def font_dir() -> Path:
    """The folder holding the TTF files (``reports/fonts``)."""
    return Path(__file__).resolve().parent / "fonts"


def font_path(file_name: str) -> Path:
    path = font_dir() / file_name
    if not path.is_file():
        raise FileNotFoundError(
            f"font file missing: {path} (reports/fonts must be shipped as package data)")
    return path


def register_fonts() -> str:
    """Registers the VNSerif family (regular, bold, italic, bold italic) once; returns its name.

    Safe to call before every document and from several threads.
    """
    with _lock:
        registered = set(pdfmetrics.getRegisteredFontNames())
        for name, file_name, _bold, _italic in FACES:
            if name not in registered:
                # subfontSize default: only the glyphs used are embedded (a subset per document).
                pdfmetrics.registerFont(TTFont(name, str(font_path(file_name))))
        pdfmetrics.registerFontFamily(FAMILY, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC)
    return FAMILY
