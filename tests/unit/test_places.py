"""Today's provinces and communes for address pickers; old names are never forced into new ones."""

import pytest

from caremgr import places
from caremgr.text import name_sort_key


def test_thirty_four_provinces_in_vietnamese_order():
    names = places.provinces()
    assert len(names) == 34 and len(set(names)) == 34
    assert {"Hà Nội", "Thanh Hóa", "Huế", "Đà Nẵng", "Cần Thơ", "TP. Hồ Chí Minh", "Hải Phòng"} <= set(names)
    assert names[:5] == ["An Giang", "Bắc Ninh", "Cà Mau", "Cao Bằng", "Cần Thơ"]
    assert names.index("Cao Bằng") < names.index("Đà Nẵng") < names.index("Gia Lai")
    assert names.index("Hà Nội") < names.index("Hà Tĩnh") < names.index("Hải Phòng") < names.index("Huế")
    # old provinces merged in 2025 are not offered
    assert not {"Bình Dương", "Quảng Nam", "Hà Giang", "Kon Tum"} & set(names)


def test_provinces_returns_a_fresh_list():
    names = places.provinces()
    names.clear()
    assert len(places.provinces()) == 34


@pytest.mark.parametrize("text, expected", [
    ("TP. Hồ Chí Minh", "TP. Hồ Chí Minh"),
    ("Thành phố Hồ Chí Minh", "TP. Hồ Chí Minh"),
    ("ho chi minh", "TP. Hồ Chí Minh"),
    ("TP HCM", "TP. Hồ Chí Minh"),
    ("Thanh Hoa", "Thanh Hóa"),
    ("  tỉnh   THANH HÓA ", "Thanh Hóa"),
    ("Thành phố Hà Nội", "Hà Nội"),
    ("Hà Nội", "Hà Nội"),
    ("Huế", "Huế"),
    ("Thừa Thiên Huế", "Huế"),
    ("dak lak", "Đắk Lắk"),
    ("Đăk Lăk", "Đắk Lắk"),
    ("Bình Dương", None),  # merged into TP. Hồ Chí Minh: the caller keeps what was written
    ("Quảng Nam", None),
    ("Paris", None),
    ("", None),
    (None, None),
])
def test_match_province(text, expected):
    assert places.match_province(text) == expected


def test_official_names_and_codes():
    assert places.official_name("ha noi") == "Thành phố Hà Nội"
    assert places.official_name("Thanh Hóa") == "Tỉnh Thanh Hóa"
    assert places.official_name("hcm") == "Thành phố Hồ Chí Minh"
    assert places.official_name("Kon Tum") is None
    assert places.province_code("Thanh Hóa") == 38 and places.province_code("Hà Nội") == 1
    assert places.province_code("Cà Mau") == 96 and places.province_code("nowhere") is None


@pytest.mark.parametrize("old, new", [
    ("Bình Dương", "TP. Hồ Chí Minh"), ("Bà Rịa - Vũng Tàu", "TP. Hồ Chí Minh"), ("Tỉnh Quảng Nam", "Đà Nẵng"),
    ("ha giang", "Tuyên Quang"), ("Thanh Hóa", "Thanh Hóa"), ("Atlantis", None),
])
def test_successor_of_old_provinces(old, new):
    assert places.successor(old) == new


def test_every_merged_province_points_to_a_current_one():
    current = set(places.provinces())
    assert set(places.MERGED_INTO.values()) <= current
    assert not any(places.match_province(old) for old in places.MERGED_INTO if old != "Thừa Thiên Huế")


def test_communes_of_a_province():
    communes = places.communes("Thanh Hóa")
    assert len(communes) == 166 and len(set(communes)) == 166
    assert {"Phường Hạc Thành", "Xã Hoằng Hóa", "Phường Sầm Sơn"} <= set(communes)
    assert all(c.startswith(("Xã ", "Phường ", "Đặc khu ")) for c in communes)
    own = [c.split(" ", 1)[1] for c in communes]
    keys = [tuple(name_sort_key(w) for w in name.split()) for name in own]
    assert keys == sorted(keys)  # ordered by the commune's own name, Vietnamese alphabet
    assert places.communes("thanh hoa") == communes
    assert places.communes("Kon Tum") == [] and places.communes("") == []


def test_all_communes():
    total = sum(len(places.communes(p)) for p in places.provinces())
    assert total == 3321  # the register after 1 July 2025
    assert "Đặc khu Phú Quốc" in places.communes("An Giang")


@pytest.mark.parametrize("province, text, expected", [
    ("Thanh Hóa", "hac thanh", "Phường Hạc Thành"),
    ("thanh hoa", "Phường Hạc Thành", "Phường Hạc Thành"),
    ("Thanh Hóa", "P. Hạc Thành", "Phường Hạc Thành"),
    ("Thanh Hóa", "xa hoang hoa", "Xã Hoằng Hóa"),
    ("Thanh Hóa", "phường Điện Biên", None),  # a ward of the old city, gone since 2025
    ("Đồng Nai", "Xã Lộc Thạnh", "Xã Lộc Thạnh"),  # differs from "Lộc Thành" only by its marks
    ("Đồng Nai", "Lộc Thành", "Xã Lộc Thành"),
    ("Đồng Nai", "loc thanh", None),  # ambiguous without marks
    ("Kon Tum", "Phường Kon Tum", None),
    ("Thanh Hóa", "", None),
])
def test_match_commune(province, text, expected):
    assert places.match_commune(province, text) == expected
