"""Vietnamese-first translation through gettext.

Source strings are Vietnamese; an English catalogue lives in ``caremgr/locale``.
``set_language`` switches the process-wide language (the UI setting, or ``--lang``).
"""

from __future__ import annotations

import ast
import gettext
import struct
from pathlib import Path

DOMAIN = "caremgr"
LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}

_current: gettext.NullTranslations = gettext.NullTranslations()
_language = "vi"


def set_language(code: str) -> None:
    global _current, _language
    code = (code or "vi").lower()[:2]
    if code not in LANGUAGES:
        code = "vi"
    _language = code
    if code == "vi":
        _current = gettext.NullTranslations()
    else:
        _current = gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)


def language() -> str:
    return _language


def _(message: str) -> str:
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a string for translation where it is defined; translate it with ``_`` where shown."""
    return message


# --- catalogue tooling (used by tools/update_catalogue.py and the tests) ---------------------------

def parse_po(text: str) -> dict[str, str]:
    """Reads msgid/msgstr pairs of a .po file (no plurals or contexts: we do not use them)."""
    entries: dict[str, str] = {}
    msgid = msgstr = None
    target = None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("msgid "):
            if msgid is not None:
                entries[msgid] = msgstr or ""
            msgid, msgstr, target = ast.literal_eval(line[6:]), None, "id"
        elif line.startswith("msgstr "):
            msgstr, target = ast.literal_eval(line[7:]), "str"
        elif line.startswith('"') and target == "id":
            msgid += ast.literal_eval(line)
        elif line.startswith('"') and target == "str":
            msgstr += ast.literal_eval(line)
    if msgid is not None:
        entries[msgid] = msgstr or ""
    return entries


def compile_mo(entries: dict[str, str]) -> bytes:
    """The GNU .mo format, as msgfmt writes it (sorted keys, no hash table)."""
    items = sorted((k, v) for k, v in entries.items() if v or k == "")
    ids = b""
    strs = b""
    offsets = []
    for key, value in items:
        kb, vb = key.encode("utf-8"), value.encode("utf-8")
        offsets.append((len(ids), len(kb), len(strs), len(vb)))
        ids += kb + b"\0"
        strs += vb + b"\0"
    n = len(items)
    key_table = 7 * 4
    value_table = key_table + n * 8
    ids_start = value_table + n * 8
    strs_start = ids_start + len(ids)
    out = struct.pack("Iiiiiii", 0x950412DE, 0, n, key_table, value_table, 0, ids_start)
    for o1, l1, _o2, _l2 in offsets:
        out += struct.pack("ii", l1, ids_start + o1)
    for _o1, _l1, o2, l2 in offsets:
        out += struct.pack("ii", l2, strs_start + o2)
    return out + ids + strs


def extract_messages(paths: list[Path]) -> list[str]:
    """Every string literal passed to ``_()`` or ``N_()`` in the given Python files, in order."""
    found: list[str] = []
    seen: set[str] = set()
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "N_")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                msg = node.args[0].value
                if msg not in seen:
                    seen.add(msg)
                    found.append(msg)
    return found
