#!/usr/bin/env python3
"""Keeps the English catalogue in step with the code.

    python tools/update_catalogue.py          # add new strings (empty), drop unused ones, compile .mo
    python tools/update_catalogue.py --check  # exit 1 if a string lacks a translation or .mo is stale

Source strings are Vietnamese, marked with _() or N_() in caremgr/, ui/ and reports/.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from caremgr.i18n import LOCALE_DIR, compile_mo, extract_messages, parse_po  # noqa: E402

PO = LOCALE_DIR / "en" / "LC_MESSAGES" / "caremgr.po"
MO = PO.with_suffix(".mo")
HEADER = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: en\\n"\n'
)


def sources() -> list[Path]:
    return sorted(p for folder in ("caremgr", "ui", "reports") for p in (ROOT / folder).rglob("*.py"))


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def render(messages: list[str], translations: dict[str, str]) -> str:
    out = [HEADER]
    for msg in messages:
        out.append(f"msgid {quote(msg)}\nmsgstr {quote(translations.get(msg, ''))}\n")
    return "\n".join(out)


def current() -> tuple[list[str], dict[str, str]]:
    messages = extract_messages(sources())
    translations = parse_po(PO.read_text(encoding="utf-8")) if PO.exists() else {}
    return messages, translations


def main(argv: list[str]) -> int:
    messages, translations = current()
    if "--check" in argv:
        missing = [m for m in messages if not translations.get(m)]
        stale = not MO.exists() or MO.read_bytes() != compile_mo({m: translations.get(m, "") for m in messages} | {
            "": translations.get("", "")})
        for m in missing:
            print(f"no English for: {m}")
        if stale:
            print(f"{MO.relative_to(ROOT)} is not compiled from the current .po")
        return 1 if missing or stale else 0
    PO.parent.mkdir(parents=True, exist_ok=True)
    PO.write_text(render(messages, translations), encoding="utf-8")
    kept = {m: translations.get(m, "") for m in messages}
    kept[""] = parse_po(HEADER)[""]
    MO.write_bytes(compile_mo(kept))
    missing = sum(1 for m in messages if not translations.get(m))
    print(f"{len(messages)} strings, {missing} without English")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
