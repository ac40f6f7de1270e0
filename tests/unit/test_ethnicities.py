import pytest

from caremgr.ethnicities import ALIASES, ETHNICITIES, _key, ethnicity_name, find_ethnicity


def test_full_list_with_official_codes():
    assert len(ETHNICITIES) == 54
    assert [code for code, _ in ETHNICITIES] == [f"{i:02d}" for i in range(1, 55)]
    assert ETHNICITIES[0] == ("01", "Kinh")
    assert ETHNICITIES[-1] == ("54", "Ơ Đu")
    assert len({name for _, name in ETHNICITIES}) == 54
    # A few fixed points of Decision 1019/QĐ-TCTK.
    names = dict(ETHNICITIES)
    assert names["04"] == "Mường"
    assert names["05"] == "Khmer"
    assert names["06"] == "Hoa"
    assert names["08"] == "H'Mông"
    assert names["10"] == "Gia Rai"
    assert names["11"] == "Ê Đê"
    assert names["43"] == "Ngái"


def test_names_and_aliases_do_not_collide():
    owners: dict[str, set[str]] = {}
    for code, name in ETHNICITIES:
        owners.setdefault(_key(name), set()).add(code)
    for alias, code in ALIASES.items():
        owners.setdefault(_key(alias), set()).add(code)
    assert {key: codes for key, codes in owners.items() if len(codes) > 1} == {}
    assert set(ALIASES.values()) <= {code for code, _ in ETHNICITIES}


def test_every_official_name_is_found():
    for code, name in ETHNICITIES:
        assert find_ethnicity(name) == (code, name)
        assert find_ethnicity(name.upper()) == (code, name)
        assert find_ethnicity(code) == (code, name)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Hmong", "08"), ("H'Mông", "08"), ("H’mông", "08"), ("Mông", "08"), ("Mèo", "08"), ("HMÔNG", "08"),
        ("Khơ-me", "05"), ("Khmer", "05"), ("khome", "05"), ("Khơ me", "05"),
        ("Ê Đê", "11"), ("Ê-đê", "11"), ("Ede", "11"), ("ede", "11"),
        ("Gia-rai", "10"), ("Jrai", "10"), ("Ba-na", "12"), ("Bahnar", "12"),
        ("Xơ-đăng", "16"), ("Cơ-ho", "15"), ("K'Ho", "15"), ("Ra-glai", "19"), ("M'Nông", "20"),
        ("Stiêng", "22"), ("Bru - Vân Kiều", "24"), ("Vân Kiều", "24"), ("Gié-Triêng", "29"),
        ("Cờ Lao", "47"), ("Rơ-măm", "52"), ("Ơ-đu", "54"), ("O Du", "54"),
        ("Việt", "01"), ("  kinh ", "01"), ("Dân tộc Kinh", "01"), ("người Hoa", "06"), ("Hán", "06"),
        ("8", "08"), ("08", "08"),
    ],
)
def test_common_spellings(text, code):
    found = find_ethnicity(text)
    assert found is not None and found[0] == code


@pytest.mark.parametrize("text", ["", None, "Pháp", "Nga", "55", "0", "Thành phần khác"])
def test_unknown(text):
    assert find_ethnicity(text) is None


def test_ethnicity_name():
    assert ethnicity_name("08") == "H'Mông"
    assert ethnicity_name("99") == ""
    assert ethnicity_name(None) == ""
