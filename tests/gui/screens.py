"""Screenshots of the real windows (the README's and the user guide's pictures come from here)."""

from __future__ import annotations

import os
from pathlib import Path


def capture(root, path: Path) -> Path:
    """Saves what the window shows on the X display, exactly as a user would see it."""
    from PIL import ImageGrab

    root.update_idletasks()
    root.update()
    x, y = root.winfo_rootx(), root.winfo_rooty()
    box = (x, y, x + root.winfo_width(), y + root.winfo_height())
    image = ImageGrab.grab(bbox=box, xdisplay=os.environ.get("DISPLAY"))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    return path
