import datetime as dt
import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caremgr.dates import BirthDate
from caremgr.text import name_sort_key, normalize, search_key, vietnamese_sorted

# --- an independent reference for Vietnamese name order ---------------------------------------
# Each row lists one base vowel with its tones in dictionary order: none, huyền, hỏi, ngã, sắc, nặng.
TONED_VOWELS = [
    "aàảãáạ", "ăằẳẵắặ", "âầẩẫấậ", "eèẻẽéẹ", "êềểễếệ", "iìỉĩíị",
    "oòỏõóọ", "ôồổỗốộ", "ơờởỡớợ", "uùủũúụ", "ưừửữứự", "yỳỷỹýỵ",
]
ALPHABET = "0123456789aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
REFERENCE: dict[str, tuple[int, int]] = {ch: (ALPHABET.index(ch), 0) for ch in ALPHABET}
for row in TONED_VOWELS:
    for tone, ch in enumerate(row):
        REFERENCE[ch] = (ALPHABET.index(row[0]), tone)

LETTERS = sorted(set(REFERENCE) - set("0123456789"))


def reference_key(name: str, birth: dt.date | None = None):
    words = [[REFERENCE[ch] for ch in w] for w in unicodedata.normalize("NFC", name).lower().split()]
    if len(words) > 1:
        words = [words[-1], *words[1:-1], words[0]]
    primary = tuple(tuple(base for base, _ in w) for w in words)
    tones = tuple(tone for w in words for _, tone in w)
    return primary, tones, (0, birth) if birth else (1,)


def cmp(a, b) -> int:
    return (a > b) - (a < b)


word = st.lists(st.sampled_from(LETTERS), min_size=1, max_size=6).map("".join)
name = st.lists(word, min_size=1, max_size=4).map(" ".join)
cased_name = st.tuples(name, st.lists(st.booleans(), min_size=30, max_size=30)).map(
    lambda p: "".join(c.upper() if up else c for c, up in zip(p[0], p[1] * 4, strict=False))
)
births = st.none() | st.dates(min_value=dt.date(1880, 1, 1), max_value=dt.date(2100, 12, 31))
vietnamese_text = st.text(alphabet=LETTERS + [c.upper() for c in LETTERS] + list("0123456789 '-,.\u00a0"))


# --- normalize --------------------------------------------------------------------------------

def test_normalize_examples():
    assert normalize(None) == ""
    assert normalize("  Nguyễn \u00a0Thị\t\nHồng  ") == "Nguyễn Thị Hồng"
    assert normalize(unicodedata.normalize("NFD", "Hồng")) == "Hồng"
    assert normalize("Lê\u200b Văn") == "Lê Văn"
    assert normalize(12) == "12"


@given(st.text())
def test_normalize_properties(s):
    out = normalize(s)
    assert normalize(out) == out
    assert out == out.strip()
    assert "  " not in out
    assert not any(ch.isspace() and ch != " " for ch in out)
    assert unicodedata.is_normalized("NFC", out)


# --- search_key -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Nguyễn Thị Hồng", "nguyen thi hong"),
        ("ĐẶNG VĂN ĐỨC", "dang van duc"),
        ("\u00d0ặng", "dang"),  # eth typed for Đ
        ("H'Mông", "hmong"),
        ("H\u2019Mông", "hmong"),
        ("Khơ-me", "kho me"),
        ("nghe, nói", "nghe noi"),
        ("  Trần   Bình\u00a0An ", "tran binh an"),
        ("Phòng 12A", "phong 12a"),
        (None, ""),
    ],
)
def test_search_key_examples(text, key):
    assert search_key(text) == key


def test_search_key_nfd_input():
    assert search_key(unicodedata.normalize("NFD", "Nguyễn Thị Hồng")) == "nguyen thi hong"


@given(st.text())
def test_search_key_idempotent(s):
    key = search_key(s)
    assert search_key(key) == key


@given(vietnamese_text)
def test_search_key_vietnamese_is_ascii_and_insensitive(s):
    key = search_key(s)
    assert key.isascii()
    assert re.fullmatch(r"([0-9a-z]+( [0-9a-z]+)*)?", key)
    assert search_key(unicodedata.normalize("NFD", s)) == key
    assert search_key(unicodedata.normalize("NFC", s)) == key
    assert search_key(s.upper()) == key
    assert search_key(s.lower()) == key


# --- name_sort_key ----------------------------------------------------------------------------

def sort_names(names):
    return vietnamese_sorted(names)


def test_given_name_first_then_middle_then_family():
    names = ["Nguyễn Văn Bình", "Trần An", "Lê Thị An", "Nguyễn An", "Phạm Văn Cường"]
    # All the "An" first; after the given name the words compare in turn: the middle word of
    # "Lê Thị An" (Thị) against the family name of the others (Nguyễn, Trần).
    assert sort_names(names) == ["Nguyễn An", "Lê Thị An", "Trần An", "Nguyễn Văn Bình", "Phạm Văn Cường"]
    assert sort_names(["Trần Văn An", "Lê Văn An"]) == ["Lê Văn An", "Trần Văn An"]


def test_prefix_sorts_first():
    assert sort_names(["Anh", "An"]) == ["An", "Anh"]
    assert sort_names(["Lê Anh", "Trần An"]) == ["Trần An", "Lê Anh"]
    assert sort_names(["Bình An", "An"]) == ["An", "Bình An"]


def test_vietnamese_letter_order():
    # a < ă < â < b; d < đ < e; o < ô < ơ < p; u < ư < v
    assert sort_names(["Bảo", "Ân", "Ăn", "An"]) == ["An", "Ăn", "Ân", "Bảo"]
    assert sort_names(["Em", "Đào", "Dung"]) == ["Dung", "Đào", "Em"]
    assert sort_names(["Phúc", "Ơn", "Ôn", "On"]) == ["On", "Ôn", "Ơn", "Phúc"]
    assert sort_names(["Vân", "Ưng", "Uyên"]) == ["Uyên", "Ưng", "Vân"]
    assert sort_names(["Zô", "Yến"]) == ["Yến", "Zô"]


def test_tones_only_break_ties():
    # Tone order: none, huyền, hỏi, ngã, sắc, nặng.
    assert sort_names(["Mạ", "Má", "Mã", "Mả", "Mà", "Ma"]) == ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ"]
    # A tone never beats a base letter, even a later one in the name.
    assert sort_names(["Lê Ấn", "Lê Ân"]) == ["Lê Ân", "Lê Ấn"]
    assert sort_names(["Bùi An", "Bụi An", "Bui Ang"]) == ["Bùi An", "Bụi An", "Bui Ang"]
    assert name_sort_key("Àn Bình") < name_sort_key("An Bính")  # An given name equal; Bình < Bính


def test_case_and_normal_form_do_not_matter():
    assert name_sort_key("NGUYỄN THỊ HỒNG") == name_sort_key("nguyễn thị hồng")
    assert name_sort_key(unicodedata.normalize("NFD", "Nguyễn Thị Hồng")) == name_sort_key("Nguyễn Thị Hồng")
    # NFD puts the dot below before the circumflex; the key must not care.
    assert name_sort_key("e\u0302\u0323") == name_sort_key("ệ") == name_sort_key("e\u0323\u0302")


def test_birth_breaks_ties_last():
    old = name_sort_key("Nguyễn An", dt.date(1948, 1, 5))
    young = name_sort_key("Nguyễn An", dt.date(1990, 6, 1))
    unknown = name_sort_key("Nguyễn An")
    assert old < young < unknown
    assert young < name_sort_key("Nguyễn Ân", dt.date(1900, 1, 1))  # name first
    assert name_sort_key("Nguyễn An", 1948) < old  # year only sorts before known dates that year
    assert name_sort_key("Nguyễn An", BirthDate(1948)) == name_sort_key("Nguyễn An", 1948)
    assert name_sort_key("Nguyễn An", BirthDate(1948, dt.date(1948, 1, 5))) == old
    assert name_sort_key("Nguyễn An", dt.datetime(1948, 1, 5, 10, 30)) == old
    with pytest.raises(TypeError):
        name_sort_key("An", "1948")


def test_punctuation_and_empty():
    assert re.fullmatch(r"[0-9a-z]+", name_sort_key(""))
    assert name_sort_key("H'Mông") == name_sort_key("Hmông")
    assert name_sort_key("Ksor H'Luyn") < name_sort_key("Ksor Mai")


def test_vietnamese_sorted_with_key_and_birth():
    rows = [("Trần Văn Bình", dt.date(1950, 1, 1)), ("Lê An", None), ("Trần Văn Bình", dt.date(1940, 1, 1))]
    out = vietnamese_sorted(rows, key=lambda r: r[0], birth=lambda r: r[1])
    assert out == [rows[1], rows[2], rows[0]]


@given(cased_name, births)
def test_key_is_lowercase_ascii_alphanumeric(n, birth):
    key = name_sort_key(n, birth)
    assert re.fullmatch(r"[0-9a-z]+", key)
    assert name_sort_key(unicodedata.normalize("NFD", n), birth) == key
    assert name_sort_key(n.upper(), birth) == key


@settings(max_examples=500)
@given(cased_name, births, cased_name, births)
def test_key_agrees_with_reference(a, birth_a, b, birth_b):
    assert cmp(name_sort_key(a, birth_a), name_sort_key(b, birth_b)) == cmp(
        reference_key(a, birth_a), reference_key(b, birth_b)
    )


@given(word, word, word, word)
def test_given_name_dominates_family_name(given1, given2, family1, family2):
    # Given names that differ in a base letter decide, whatever the family names are.
    base1, base2 = reference_key(given1)[0], reference_key(given2)[0]
    if base1 == base2:
        return
    a, b = f"{family1} {given1}", f"{family2} {given2}"
    assert cmp(name_sort_key(a), name_sort_key(b)) == cmp(base1, base2)
