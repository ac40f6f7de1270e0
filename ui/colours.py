"""Text colours that stay readable: the theme's warning yellow is for backgrounds, not for text."""

from __future__ import annotations

DARK_AMBER = "#8a5a00"  # contrast about 6:1 on white, where the theme's yellow is under 2:1


def text_colour(root, name: str) -> str:
    colours = root.style.colors
    if name == "warning" and not is_dark(root):
        return DARK_AMBER
    return getattr(colours, name)


def is_dark(root) -> bool:
    """The theme in use (this PC's choice may differ from the centre's setting)."""
    return "dark" in str(root.style.theme_use())
