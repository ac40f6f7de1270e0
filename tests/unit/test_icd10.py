"""ICD-10: codes, normalisation, Vietnamese titles, chapters, search and the F00–F99 rule."""

import csv
import time

import pytest

from caremgr import icd10


@pytest.mark.parametrize("code", ["I10", "i10", " I10 ", "E11.9", "e11.9", "E119", "F20", "F00.0*", "G30.0†",
                                  "E11.-", "B18.00", "U07.1", "Z99.3"])
def test_valid_codes(code):
    assert icd10.is_valid(code)


@pytest.mark.parametrize("code", ["", None, "I", "IX", "I10-I15", "E11.99", "K99", "I10.0", "E1", "11.9", "EE11",
                                  "tang huyet ap", "F20.7"])
def test_invalid_codes(code):
    assert not icd10.is_valid(code)


@pytest.mark.parametrize("code, expected", [
    ("e119", "E11.9"), ("E11.9", "E11.9"), ("i10", "I10"), ("f200", "F20.0"), ("F00.0*", "F00.0"),
    ("b1800", "B18.00"), ("E11.", "E11"),
])
def test_normalise(code, expected):
    assert icd10.normalise(code) == expected


def test_normalise_rejects_unknown_codes_in_vietnamese():
    with pytest.raises(ValueError, match="Không có mã K99 trong danh mục ICD-10"):
        icd10.normalise("K99")


@pytest.mark.parametrize("code, title", [
    ("I10", "Tăng huyết áp vô căn (nguyên phát)"),
    ("E11", "Bệnh đái tháo đường không phụ thuộc insuline (type 2)"),
    ("F20", "Tâm thần phân liệt"),
    ("G40", "Động kinh"),
    ("J44", "Bệnh phổi tắc nghẽn mạn tính khác"),
    ("G80", "Bại não"),
    ("G20", "Bệnh Parkinson"),
    ("I69", "Di chứng bệnh mạch máu não"),
    ("Q90", "Hội chứng Down"),
    ("F84.0", "Tự kỷ ở trẻ em"),
    ("e11.9", "Bệnh đái tháo đường không phụ thuộc insuline (Không có biến chứng)"),
])
def test_vietnamese_titles_of_common_codes(code, title):
    assert icd10.title(code) == title


def test_english_titles_and_fallback():
    assert icd10.title("I10", lang="en") == "Essential (primary) hypertension"
    assert icd10.title("A00.0") == "Cholera due to Vibrio cholerae 01, biovar cholerae"  # no Vietnamese title
    with pytest.raises(ValueError):
        icd10.title("K99")


def test_every_code_of_the_demo_centre_has_a_vietnamese_title():
    from caremgr.demo import ICD

    missing = [code for code in ICD if icd10.title(code) == icd10.title(code, lang="en")]
    assert missing == []


def test_shipped_catalogue_is_well_formed():
    with icd10.DATA_FILE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    codes = [row["code"] for row in rows]
    assert len(codes) == len(set(codes))
    chapters = [c for c in codes if c in icd10.ROMAN]
    assert chapters == icd10.ROMAN
    assert all(icd10.is_valid(c) and icd10.normalise(c) == c for c in codes if c not in icd10.ROMAN)
    assert len(codes) - len(chapters) >= 300
    assert all(row["title_vi"].strip() == row["title_vi"] and row["title_vi"] for row in rows)


@pytest.mark.parametrize("code, number, title", [
    ("A15.0", 1, "Bệnh nhiễm trùng và ký sinh trùng"),
    ("E11.9", 4, "Bệnh nội tiết, dinh dưỡng và chuyển hóa"),
    ("F20", 5, "Rối loạn tâm thần và hành vi"),
    ("I10", 9, "Bệnh hệ tuần hoàn"),
    ("J44", 10, "Bệnh hệ hô hấp"),
    ("S72.0", 19, "Vết thương, ngộ độc và hậu quả của một số nguyên nhân bên ngoài"),
    ("Z99.3", 21, "Các yếu tố ảnh hưởng đến tình trạng sức khỏe và tiếp xúc dịch vụ y tế"),
    ("U07.1", 22, "Mã phục vụ những mục đích đặc biệt"),
])
def test_chapters(code, number, title):
    assert icd10.chapter(code) == (number, title)


def test_all_chapters_have_vietnamese_titles():
    chapters = icd10.chapters()
    assert [n for n, _vi, _en in chapters] == list(range(1, 23))
    assert all(vi != en for _n, vi, en in chapters)


def codes(results):
    return [code for code, _title, _english in results]


def test_search_vietnamese_without_diacritics():
    results = icd10.search("tang huyet ap")
    assert codes(results)[0] == "I10"
    assert results[0] == ("I10", "Tăng huyết áp vô căn (nguyên phát)", "Essential (primary) hypertension")
    assert {"I11", "I15"} <= set(codes(results))
    assert codes(icd10.search("Tăng huyết áp"))[0] == "I10"
    assert codes(icd10.search("tâm thần phân liệt"))[0] == "F20"
    assert codes(icd10.search("huyet ap tang"))[:1] == ["I10"]  # words in any order


def test_search_english():
    results = codes(icd10.search("hypertension"))
    assert "I10" in results and results.index("I10") < 3
    assert codes(icd10.search("schizophrenia"))[0] == "F20"


def test_search_code_prefix_lists_categories_first():
    results = codes(icd10.search("F2"))
    assert results[:8] == ["F20", "F21", "F22", "F23", "F24", "F25", "F28", "F29"]
    assert all(code.startswith("F2") for code in results)
    assert len(results) == 30


def test_search_exact_code_comes_first():
    assert codes(icd10.search("e119")) == ["E11.9"]
    assert codes(icd10.search("E11"))[:3] == ["E11", "E11.0", "E11.1"]
    assert codes(icd10.search("I10")) == ["I10"]


def test_search_everyday_words_and_limits():
    assert codes(icd10.search("tieu duong"))[:3] == ["E10", "E11", "E14"]
    assert codes(icd10.search("COPD")) == ["J44"]
    assert icd10.search("") == [] and icd10.search("   ") == [] and icd10.search("tang", limit=0) == []
    assert len(icd10.search("benh", limit=5)) == 5
    assert icd10.search("xyzzy khong co") == []


def test_search_is_fast_after_the_index_is_built():
    icd10.warm_up()
    queries = ["tang huyet ap", "hypertension", "F2", "dai thao duong", "disease", "a", "gay xuong", "E11.9"]
    start = time.perf_counter()
    for _round in range(5):
        for query in queries:
            icd10.search(query)
    per_query = (time.perf_counter() - start) / (5 * len(queries))
    assert per_query < 0.02


@pytest.mark.parametrize("code, mental", [
    ("F00", True), ("F20.0", True), ("f99", True), ("F84.0", True), ("G40", False), ("E11", False),
    ("", False), (None, False), ("G30", False),
])
def test_mental_range(code, mental):
    assert icd10.is_mental(code) is mental


def test_hints():
    assert all(icd10.is_chronic_hint(c) for c in ("I10", "E11.9", "F20", "G80.1", "J44", "M17", "I69.3", "Q90"))
    assert not any(icd10.is_chronic_hint(c) for c in ("J18", "A09", "K29.7", "S72.0", "", None))
    assert all(icd10.is_ncd_hint(c) for c in ("I10", "E11", "J44", "J45", "I63", "C34"))
    assert not any(icd10.is_ncd_hint(c) for c in ("F20", "A15", "J18", None))
