"""Every Vietnamese string in the code has its English translation, compiled."""

import subprocess
import sys
from pathlib import Path

from caremgr.i18n import _, compile_mo, ngettext, parse_po, set_language

ROOT = Path(__file__).resolve().parents[2]


def test_english_catalogue_is_complete_and_compiled():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "update_catalogue.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]


def test_switching_language():
    try:
        set_language("en")
        assert _("Đăng nhập") == "Log in"
        set_language("vi")
        assert _("Đăng nhập") == "Đăng nhập"
        set_language("fr")  # unknown: back to Vietnamese
        assert _("Đối tượng") == "Đối tượng"
    finally:
        set_language("vi")
    assert ngettext("một", "nhiều", 2) == "nhiều"


def test_po_round_trip_through_mo(tmp_path):
    import gettext

    entries = {"": "Content-Type: text/plain; charset=UTF-8\n", "Xin chào": "Hello", "Dòng \"trích\"\nhai": "Two"}
    mo = tmp_path / "x.mo"
    mo.write_bytes(compile_mo(entries))
    with mo.open("rb") as fh:
        catalogue = gettext.GNUTranslations(fh)
    assert catalogue.gettext("Xin chào") == "Hello"
    assert catalogue.gettext("Dòng \"trích\"\nhai") == "Two"
    po = 'msgid ""\nmsgstr ""\n\nmsgid "A"\n"B"\nmsgstr "C"\n"D"\n'
    assert parse_po(po) == {"": "", "AB": "CD"}
