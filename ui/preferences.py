"""What this PC remembers for its users: window size and place, last screen, text size, theme.

Kept in a small JSON file in the user's data folder, not in the centre's database: a nurse's larger
text or dark theme on one PC is not the centre's setting. Unreadable or missing file = defaults.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

ENV_VAR = "CAREMGR_PREFERENCES"  # another file (tests, a portable install)
FONT_SCALES = (0.9, 1.0, 1.15, 1.3, 1.5, 1.75)
_GEOMETRY = re.compile(r"^(\d+)x(\d+)([+-]-?\d+)([+-]-?\d+)$")


def path() -> Path:
    chosen = os.environ.get(ENV_VAR, "").strip()
    if chosen:
        return Path(chosen)
    from db.connection import default_data_dir

    return default_data_dir() / "preferences.json"


def load() -> dict:
    try:
        data = json.loads(path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save(data: dict) -> None:
    target = path()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(target.name + ".part")
        part.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(part, target)
    except OSError:  # a read-only profile: the app works, it just forgets
        pass


def update(**changes) -> dict:
    data = load()
    data.update(changes)
    save(data)
    return data


def font_scale(data: dict | None = None) -> float:
    value = (data if data is not None else load()).get("font_scale", 1.0)
    return value if isinstance(value, int | float) and 0.8 <= value <= 2.0 else 1.0


def next_font_scale(current: float, step: int) -> float:
    """The next size up (step 1) or down (step -1) in FONT_SCALES; 0 = the normal size."""
    if step == 0:
        return 1.0
    sizes = list(FONT_SCALES)
    nearest = min(range(len(sizes)), key=lambda i: abs(sizes[i] - current))
    return sizes[max(0, min(len(sizes) - 1, nearest + step))]


def last_screen(username: str, data: dict | None = None) -> str | None:
    users = (data if data is not None else load()).get("last_screen", {})
    return users.get(username) if isinstance(users, dict) else None


def remember_screen(username: str, key: str) -> None:
    data = load()
    users = data.get("last_screen") if isinstance(data.get("last_screen"), dict) else {}
    if users.get(username) != key:
        users[username] = key
        data["last_screen"] = users
        save(data)


def fitted_geometry(text: str | None, screen_width: int, screen_height: int) -> str | None:
    """A remembered geometry, moved/shrunk to fit this screen (the PC may have a smaller one now)."""
    match = _GEOMETRY.match(text or "")
    if not match:
        return None
    width = min(int(match[1]), screen_width)
    height = min(int(match[2]), screen_height)
    x = max(0, min(int(match[3]), screen_width - width))
    y = max(0, min(int(match[4]), screen_height - height))
    return f"{width}x{height}+{x}+{y}"
