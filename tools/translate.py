#!/usr/bin/env python3
"""Adds English translations to the catalogue from a small JSON file {"vietnamese": "english"}.

    python tools/translate.py new.json && python tools/update_catalogue.py
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.update_catalogue import PO, current, render  # noqa: E402


def main(path: str) -> int:
    additions = json.loads(Path(path).read_text(encoding="utf-8"))
    messages, translations = current()
    unknown = [k for k in additions if k not in messages]
    translations.update(additions)
    PO.write_text(render(messages, translations), encoding="utf-8")
    for k in unknown:
        print(f"not in the code (ignored): {k}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
