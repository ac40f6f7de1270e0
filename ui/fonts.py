"""Text size for older eyes: every named Tk font grows or shrinks together, rows of tables with them."""

from __future__ import annotations

import tkinter.font as tkfont

NAMED = ("TkDefaultFont", "TkTextFont", "TkHeadingFont", "TkMenuFont", "TkFixedFont", "TkCaptionFont",
         "TkSmallCaptionFont", "TkTooltipFont", "TkIconFont")


def apply_scale(root, scale: float) -> None:
    """Sizes relative to the sizes Tk started with (kept on the root), so repeated changes do not drift."""
    base = getattr(root, "_base_font_sizes", None)
    if base is None:
        base = {}
        for name in NAMED:
            try:
                base[name] = tkfont.nametofont(name, root=root).actual("size")
            except Exception:  # noqa: BLE001 - a font this Tk does not define
                continue
        root._base_font_sizes = base
    for name, size in base.items():
        scaled = round(abs(size) * scale) or abs(size)
        tkfont.nametofont(name, root=root).configure(size=-scaled if size < 0 else scaled)
    root.font_scale = scale
    linespace = tkfont.nametofont("TkDefaultFont", root=root).metrics("linespace")
    style = getattr(root, "style", None)
    if style is not None:
        style.configure("Treeview", rowheight=int(linespace * 1.45))
