"""Today's administrative units for address pickers: 34 provinces and their communes and wards.

Since 1 July 2025 Vietnam has 34 provincial units and, below them, only communes, wards and
special zones (xã, phường, đặc khu); districts are gone (CODES.md). The lists come from the
``vietnam-provinces`` package, which follows the official register.

These lists help people pick and spell names; they never decide what may be stored. Addresses
written before the reform keep their old units, so callers must accept any free text: when
``match_province`` finds nothing the text is simply not one of today's provinces.

Province display names are the short forms people write ("Hà Nội", "Thanh Hóa", "Huế"), except Hồ
Chí Minh City, written "TP. Hồ Chí Minh" as usual; ``official_name`` gives the full legal name
("Thành phố Hà Nội", "Tỉnh Thanh Hóa") for documents. Lists are in Vietnamese alphabetical order.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from caremgr.text import name_sort_key, normalize, search_key

HCMC = "TP. Hồ Chí Minh"

# Old (pre-July 2025) provinces merged into today's ones (Resolution 202/2025/QH15).
MERGED_INTO: dict[str, str] = {
    "Hà Giang": "Tuyên Quang", "Yên Bái": "Lào Cai", "Bắc Kạn": "Thái Nguyên", "Vĩnh Phúc": "Phú Thọ",
    "Hòa Bình": "Phú Thọ", "Bắc Giang": "Bắc Ninh", "Thái Bình": "Hưng Yên", "Hải Dương": "Hải Phòng",
    "Hà Nam": "Ninh Bình", "Nam Định": "Ninh Bình", "Quảng Bình": "Quảng Trị", "Quảng Nam": "Đà Nẵng",
    "Kon Tum": "Quảng Ngãi", "Bình Định": "Gia Lai", "Ninh Thuận": "Khánh Hòa", "Đắk Nông": "Lâm Đồng",
    "Bình Thuận": "Lâm Đồng", "Phú Yên": "Đắk Lắk", "Bình Dương": HCMC, "Bà Rịa - Vũng Tàu": HCMC,
    "Bình Phước": "Đồng Nai", "Long An": "Tây Ninh", "Sóc Trăng": "Cần Thơ", "Hậu Giang": "Cần Thơ",
    "Bến Tre": "Vĩnh Long", "Trà Vinh": "Vĩnh Long", "Tiền Giang": "Đồng Tháp", "Bạc Liêu": "Cà Mau",
    "Kiên Giang": "An Giang", "Thừa Thiên Huế": "Huế",
}

# Other ways people write a province, as search keys.
_ALIASES = {
    "hcm": HCMC, "tphcm": HCMC, "hcmc": HCMC, "sai gon": HCMC, "saigon": HCMC, "tp hcm": HCMC,
    "thua thien hue": "Huế", "tt hue": "Huế", "hn": "Hà Nội", "dak lak": "Đắk Lắk", "daklak": "Đắk Lắk",
}
# Words naming the kind of unit, dropped before matching ("Tỉnh Thanh Hóa", "TP. Huế").
_PROVINCE_PREFIXES = ("thanh pho ", "tp ", "t p ", "tinh ")
_COMMUNE_PREFIXES = {"xa": "xã", "phuong": "phường", "dac khu": "đặc khu", "p": "phường", "x": "xã"}


@dataclass(frozen=True)
class _Province:
    name: str  # display name
    official: str
    code: int
    communes: tuple[str, ...]
    # search key of a commune's own name (without "Xã"/"Phường") -> full names having it
    commune_keys: dict


def _phrase_key(text: str) -> tuple[str, ...]:
    """Vietnamese alphabetical order of a phrase, word by word (name_sort_key of each word)."""
    return tuple(name_sort_key(word) for word in text.split())


def _own_name(full: str) -> str:
    """A commune's name without its kind: "Phường Hạc Thành" -> "Hạc Thành"."""
    for prefix in ("Đặc khu ", "Phường ", "Xã "):
        if full.startswith(prefix):
            return full[len(prefix):]
    return full


@functools.lru_cache(maxsize=1)
def _load() -> dict[str, _Province]:
    from vietnam_provinces import Province, VietNamDivisionType, Ward

    result: dict[str, _Province] = {}
    for province in Province.iter_all():
        own = province.name.removeprefix("Thành phố ")
        if province.division_type == VietNamDivisionType.THANH_PHO_TRUNG_UONG:
            official = f"Thành phố {own}"
        else:
            official = f"Tỉnh {own}"
        display = HCMC if own == "Hồ Chí Minh" else own
        wards = sorted((w.name for w in Ward.iter_by_province(province.code)),
                       key=lambda name: (_phrase_key(_own_name(name)), name))
        keys: dict[str, list[str]] = {}
        for name in wards:
            keys.setdefault(search_key(_own_name(name)), []).append(name)
        result[display] = _Province(display, official, int(province.code), tuple(wards), keys)
    return dict(sorted(result.items(), key=lambda item: _phrase_key(item[0].removeprefix("TP. "))))


@functools.lru_cache(maxsize=1)
def _province_keys() -> dict[str, str]:
    keys = {}
    for name, province in _load().items():
        keys[search_key(name)] = name
        keys[search_key(province.official)] = name
        keys[_strip_province_kind(search_key(name))] = name
    keys.update(_ALIASES)
    return keys


def _strip_province_kind(key: str) -> str:
    for prefix in _PROVINCE_PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix):]
    return key


def provinces() -> list[str]:
    """The 34 provinces and centrally-run cities, display names in Vietnamese alphabetical order."""
    return list(_load())


def match_province(text: object) -> str | None:
    """Today's province that ``text`` names, as in ``provinces()``; None when it names none.

    Ignores case, diacritics, punctuation and the kind of unit: "TP. Hồ Chí Minh", "ho chi minh",
    "Tỉnh Thanh Hóa", "Thanh Hoa" all match. Old provinces merged in 2025 do not match (see
    ``successor``): the text stays as it was written.
    """
    key = search_key(text)
    if not key:
        return None
    keys = _province_keys()
    return keys.get(key) or keys.get(_strip_province_kind(key))


def official_name(province: object) -> str | None:
    """The legal name for documents: "Thành phố Hà Nội", "Tỉnh Thanh Hóa"; None if unknown."""
    name = match_province(province)
    return _load()[name].official if name else None


def province_code(province: object) -> int | None:
    """The official numeric code of today's province (1 Hà Nội … 96 Cà Mau); None if unknown."""
    name = match_province(province)
    return _load()[name].code if name else None


def successor(old_province: object) -> str | None:
    """Today's province that an old one became part of (e.g. "Bình Dương" -> "TP. Hồ Chí Minh");
    a current name gives itself; None when unknown. For suggestions only: never rewrite stored text."""
    current = match_province(old_province)
    if current:
        return current
    key = _strip_province_kind(search_key(old_province))
    for old, new in MERGED_INTO.items():
        if search_key(old) == key:
            return new
    return None


def communes(province: object) -> list[str]:
    """Communes, wards and special zones of a province ("Phường Hạc Thành", "Xã Hoằng Hóa"…),
    ordered by their own names; [] for a name that is not one of today's provinces."""
    name = match_province(province)
    return list(_load()[name].communes) if name else []


def match_commune(province: object, text: object) -> str | None:
    """The commune of ``province`` that ``text`` names ("xa hoang hoa", "Hạc Thành", "P. Hạc Thành").

    Without a kind word the name must be unambiguous in the province; None when nothing matches.
    """
    name = match_province(province)
    key = search_key(text)
    if not name or not key:
        return None
    found = _load()[name].commune_keys
    kind = None
    for prefix in sorted(_COMMUNE_PREFIXES, key=len, reverse=True):
        if key.startswith(prefix + " ") and key[len(prefix) + 1:] in found:
            kind = _COMMUNE_PREFIXES[prefix]
            key = key[len(prefix) + 1:]
            break
    candidates = found.get(key, [])
    if kind:
        candidates = [c for c in candidates if search_key(c).startswith(search_key(kind) + " ")]
    if len(candidates) > 1:
        # Names that differ only by marks ("Lộc Thành", "Lộc Thạnh"): the marks typed decide.
        typed = normalize(text).casefold()
        candidates = [c for c in candidates if typed in (c.casefold(), _own_name(c).casefold())
                      or typed.endswith(" " + _own_name(c).casefold())]
    return candidates[0] if len(candidates) == 1 else None
