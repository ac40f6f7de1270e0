"""Vietnam's 54 ethnic groups with their official statistical codes.

Codes are those of the General Statistics Office's list, Decision 1019/QĐ-TCTK (2008), which the
e-government data standard QCVN 109:2017/BTTTT (citizen data, appendix E) adopts: 01 Kinh … 54 Ơ Đu.
(The older Decision 121-TCTK/PPCĐ of 1979 numbered them differently, e.g. 04 Hoa; do not mix them.)
Names are in common modern spelling; ``find_ethnicity`` also accepts the older hyphenated forms,
other names and spellings without diacritics that turn up in centres' spreadsheets.
"""

from __future__ import annotations

from caremgr.text import search_key

ETHNICITIES: list[tuple[str, str]] = [
    ("01", "Kinh"), ("02", "Tày"), ("03", "Thái"), ("04", "Mường"), ("05", "Khmer"),
    ("06", "Hoa"), ("07", "Nùng"), ("08", "H'Mông"), ("09", "Dao"), ("10", "Gia Rai"),
    ("11", "Ê Đê"), ("12", "Ba Na"), ("13", "Sán Chay"), ("14", "Chăm"), ("15", "Cơ Ho"),
    ("16", "Xơ Đăng"), ("17", "Sán Dìu"), ("18", "Hrê"), ("19", "Ra Glai"), ("20", "Mnông"),
    ("21", "Thổ"), ("22", "Xtiêng"), ("23", "Khơ Mú"), ("24", "Bru-Vân Kiều"), ("25", "Cơ Tu"),
    ("26", "Giáy"), ("27", "Tà Ôi"), ("28", "Mạ"), ("29", "Giẻ Triêng"), ("30", "Co"),
    ("31", "Chơ Ro"), ("32", "Xinh Mun"), ("33", "Hà Nhì"), ("34", "Chu Ru"), ("35", "Lào"),
    ("36", "La Chí"), ("37", "Kháng"), ("38", "Phù Lá"), ("39", "La Hủ"), ("40", "La Ha"),
    ("41", "Pà Thẻn"), ("42", "Lự"), ("43", "Ngái"), ("44", "Chứt"), ("45", "Lô Lô"),
    ("46", "Mảng"), ("47", "Cơ Lao"), ("48", "Bố Y"), ("49", "Cống"), ("50", "Si La"),
    ("51", "Pu Péo"), ("52", "Rơ Măm"), ("53", "Brâu"), ("54", "Ơ Đu"),
]

# Other names and spellings -> code. Only names that belong to one group: "Thổ" is also an old
# name of the Tày and Khmer, and "Miên" a Dao subgroup, so they are not aliases here.
ALIASES: dict[str, str] = {
    "Việt": "01",
    "Thái Đen": "03", "Thái Trắng": "03",
    "Mol": "04", "Mual": "04",
    "Khơ-me": "05", "Khơ me": "05", "Khme": "05", "Khmer Krôm": "05", "Khơ-me Krôm": "05",
    "Việt gốc Miên": "05",
    "Hán": "06",
    "Hmông": "08", "Hmong": "08", "Mông": "08", "Mèo": "08", "Mẹo": "08",
    "Mán": "09",
    "Gia-rai": "10", "Giơ-rai": "10", "Jrai": "10", "Jarai": "10",
    "Ê-đê": "11", "Ede": "11", "Ra-đê": "11", "Rhađê": "11", "Rhade": "11",
    "Ba-na": "12", "Bahnar": "12",
    "Cao Lan": "13", "Sán Chỉ": "13", "Cao Lan-Sán Chỉ": "13",
    "Chàm": "14",
    "Cơ-ho": "15", "Kơ Ho": "15", "K'Ho": "15", "Koho": "15",
    "Xơ-đăng": "16", "Sedang": "16", "Xê Đăng": "16",
    "H'rê": "18",
    "Ra-glai": "19", "Raglai": "19", "Ra Giai": "19", "Rắc Lây": "19",
    "M'Nông": "20",
    "Stiêng": "22", "X'Tiêng": "22",
    "Khơ-mú": "23", "Khmu": "23", "Kmhmu": "23", "Xá Cẩu": "23",
    "Bru": "24", "Vân Kiều": "24",
    "Cơ-tu": "25", "Cờ Tu": "25", "Katu": "25", "Ka Tu": "25",
    "Nhắng": "26",
    "Tà-ôi": "27", "Ta Ôi": "27", "Pa Cô": "27",
    "Gié Triêng": "29", "Gié-Triêng": "29", "Giẻ": "29", "Triêng": "29",
    "Chơ-ro": "31", "Châu Ro": "31",
    "Xinh-mun": "32",
    "U Ni": "33",
    "Chu-ru": "34", "Churu": "34", "Chơ Ru": "34",
    "Cù Tê": "36",
    "Xá Phó": "38",
    "Khù Xung": "39", "Cò Xung": "39",
    "Pà Hưng": "41",
    "Lừ": "42",
    "Rục": "44", "Sách": "44", "A Rem": "44",
    "Mun Di": "45",
    "Mảng Ư": "46",
    "Cờ Lao": "47", "Co Lao": "47",
    "Bouyei": "48",
    "Ka Pèo": "51", "Pu Piéo": "51",
    "Rơ-măm": "52", "Romam": "52",
    "Brao": "53",
    "Ơ-đu": "54", "Tày Hạt": "54",
}

_NAMES = dict(ETHNICITIES)
_PREFIXES = ("dantoc", "nguoi")  # "Dân tộc Kinh", "người H'Mông"


def _key(text: object) -> str:
    # Spaces, hyphens and apostrophes are spelled every which way ("Ê-đê", "Ê Đê", "Ede").
    return search_key(text).replace(" ", "")


def _build_index() -> dict[str, str]:
    index = {_key(name): code for code, name in ETHNICITIES}
    for alias, code in ALIASES.items():
        index.setdefault(_key(alias), code)  # an official name always wins over an alias
    return index


_INDEX = _build_index()


def ethnicity_name(code: str | None) -> str:
    return _NAMES.get(code or "", "")


def find_ethnicity(text: object) -> tuple[str, str] | None:
    """(code, name) for a name, another name or a code ("8", "08"); None if not recognised."""
    key = _key(text)
    if not key:
        return None
    if key.isdigit() and len(key) <= 2:
        code = f"{int(key):02d}"
        return (code, _NAMES[code]) if code in _NAMES else None
    code = _INDEX.get(key)
    if code is None:
        for prefix in _PREFIXES:
            if key.startswith(prefix) and key[len(prefix):] in _INDEX:
                code = _INDEX[key[len(prefix):]]
                break
    return (code, _NAMES[code]) if code else None
