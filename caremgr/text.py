"""Vietnamese text: normalising what people type, search keys and name order.

Names are stored as typed (after ``normalize``); ``search_key`` and ``name_sort_key`` are derived
columns, so the database never needs a Vietnamese collation. SQLite has none, and PostgreSQL's
depend on the server's ICU/glibc build, so a key made of plain ASCII digits sorts the same
everywhere, byte by byte.
"""

from __future__ import annotations

import datetime as _dt
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")

# Invisible characters that arrive from Word, web pages and CSV files (zero-width space, word
# joiner, BOM). str.split() does not count them as whitespace, so they would make two equal
# names differ; they carry nothing, so they are deleted. So are the control characters that are
# not whitespace (NUL, ESC… from broken files): PostgreSQL cannot even store a NUL.
_CONTROLS = "".join(chr(c) for c in (*range(0x00, 0x09), *range(0x0E, 0x1C), 0x7F))
_INVISIBLE = str.maketrans("", "", "\u200b\u2060\ufeff" + _CONTROLS)

# Apostrophes inside a word belong to it ("H'Mông", "K'Ho", "M’Nông"): dropping them without a
# space keeps "hmong" one word, so "Hmong", "H'Mông" and "H’Mông" all give the same key.
_APOSTROPHES = "'\u2019\u2018\u02bc\u02bb`\u00b4"

# U+00D0/U+00F0 (Icelandic eth) look exactly like Đ/đ and turn up in names typed with old
# keyboard drivers or pasted from PDFs; treat them as đ.
_D_STROKE = {"đ", "ð"}


def normalize(s: object) -> str:
    """NFC, trimmed, every run of whitespace (NBSP, tabs, newlines…) turned into one space."""
    if s is None:
        return ""
    # Delete the invisible characters before composing: one between a letter and its mark
    # would otherwise stop NFC from composing them, and a second call would give another result.
    text = unicodedata.normalize("NFC", str(s).translate(_INVISIBLE))
    return " ".join(text.split())


def search_key(s: object) -> str:
    """A diacritic-free, lower-case key: "Nguyễn Thị Hồng" -> "nguyen thi hong".

    Letters and digits are kept; apostrophes are removed (``"H'Mông" -> "hmong"``); any other
    punctuation separates words (``"Khơ-me" -> "kho me"``). Vietnamese input gives ASCII output.
    """
    if s is None:
        return ""
    # Lower-case first and decompose after, so a capital with a mark decomposes like its small
    # letter; casefold also folds odd cases ("ß" -> "ss") so typing either finds the other.
    text = unicodedata.normalize("NFD", str(s).casefold())
    out: list[str] = []
    for ch in text:
        if unicodedata.combining(ch):
            continue
        if ch in _D_STROKE:
            out.append("d")
        elif ch in _APOSTROPHES:
            continue
        elif ch.isalnum():
            out.append(ch)
        else:
            out.append(" ")
    key = " ".join("".join(out).split())
    # Decomposing can expose a letter that casefolds further; one more pass makes the key stable.
    return key if key == key.casefold() else search_key(key)


# --- name order -----------------------------------------------------------------------------

# Base letters in Vietnamese dictionary order (f j w z only occur in foreign names); digits sort
# before letters. A letter with a shape mark (ă â ê ô ơ ư) is a letter of its own, not a variant.
_ALPHABET = list("0123456789") + [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
    "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]
# Two-digit codes. 00 ends the name and 01 ends a word, both below every letter, so a prefix
# sorts first ("An" < "Anh", and "An" < "An Bình"). Letters outside the alphabet sort last.
_NAME_END = "00"
_WORD_END = "01"
_UNKNOWN = "99"
_CODES = {ch: f"{i + 2:02d}" for i, ch in enumerate(_ALPHABET)}

_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"
_SHAPED = {
    ("a", _BREVE): "ă", ("a", _CIRCUMFLEX): "â", ("e", _CIRCUMFLEX): "ê",
    ("o", _CIRCUMFLEX): "ô", ("o", _HORN): "ơ", ("u", _HORN): "ư",
}
# Tone order used by Vietnamese dictionaries: ngang (none), huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}


def _letters(word: str) -> list[tuple[str, str]]:
    """(base letter, tone digit) for each letter or digit of one word; other characters dropped.

    Works on NFD text where each base character is followed by its marks, in any order (NFD puts
    the dot below before the circumflex of "ệ").
    """
    result: list[tuple[str, str]] = []
    for ch in word:
        if unicodedata.combining(ch):
            if not result:
                continue
            base, tone = result[-1]
            if (base, ch) in _SHAPED:
                result[-1] = (_SHAPED[base, ch], tone)
            elif ch in _TONES and tone == "0":
                result[-1] = (base, _TONES[ch])
            # Marks Vietnamese does not use (ü, ç…) are ignored: the base letter is what counts.
        elif ch in _D_STROKE:
            result.append(("đ", "0"))
        elif ch.isalnum():
            result.append((ch, "0"))
    return result


def _birth_part(birth: Any) -> str:
    """yyyymmdd; a year alone gives yyyy0000 (before any known date that year); none 99999999."""
    if birth is None:
        return "99999999"
    if isinstance(birth, _dt.date):  # also datetime, which has the same fields
        return f"{birth.year:04d}{birth.month:02d}{birth.day:02d}"
    if isinstance(birth, int) and not isinstance(birth, bool):
        if not 1 <= birth <= 9999:  # keeps the part 8 digits wide, like a date's
            raise ValueError(f"birth year out of range: {birth}")
        return f"{birth:04d}0000"
    if hasattr(birth, "year") and hasattr(birth, "date"):  # caremgr.dates.BirthDate
        return _birth_part(birth.date) if birth.date is not None else _birth_part(birth.year)
    raise TypeError(f"birth must be a date, a BirthDate, a year or None, not {birth!r}")


def name_sort_key(full_name: object, birth: Any = None) -> str:
    """A key of digits only whose byte order is Vietnamese name order.

    Order: given name (last word), the middle words in order, the family name (first word),
    then the date of birth. Letters compare by the Vietnamese alphabet; tones only break ties
    once every base letter of the whole name is equal; case and NFC/NFD do not matter.
    ``birth`` may be a date, a ``BirthDate``, a year (int) or None (sorts after any birth).
    """
    text = unicodedata.normalize("NFD", normalize(full_name).lower())
    words = [_letters(w) for w in text.split()]
    words = [w for w in words if w]
    if len(words) > 1:
        words = [words[-1], *words[1:-1], words[0]]
    primary = "".join("".join(_CODES.get(base, _UNKNOWN) for base, _ in w) + _WORD_END for w in words)
    tones = "".join(tone for w in words for _, tone in w)
    # Equal primaries have equal lengths, so the fixed-width parts after them line up.
    return primary + _NAME_END + tones + _birth_part(birth)


def vietnamese_sorted(
    items: Iterable[T],
    key: Callable[[T], object] = lambda item: item,
    birth: Callable[[T], Any] | None = None,
) -> list[T]:
    """Sorts items by Vietnamese name order; ``key`` gives the full name, ``birth`` the birth."""
    return sorted(items, key=lambda item: name_sort_key(key(item), birth(item) if birth else None))
