"""Controlled vocabularies (IMPORT.md): a stable code stored in the database, a Vietnamese label shown.

Each vocabulary is an ordered list of ``(code, label)``; the order is the order of choice lists.
Labels are marked with ``N_`` and translated where shown (``label``). ``match`` takes what people
type in a spreadsheet: the label or the code, in any case, with or without diacritics.
"""

from __future__ import annotations

import functools

from caremgr.i18n import N_, _, language
from caremgr.text import search_key

Vocab = list[tuple[str, str]]

# Primary beneficiary group of a resident (exactly one each).
CATEGORIES: Vocab = [
    ("NCC", N_("Người có công với cách mạng")),
    ("NCT", N_("Người cao tuổi")),
    ("TE", N_("Trẻ em có hoàn cảnh đặc biệt")),
    ("NKT", N_("Người khuyết tật")),
    ("TT", N_("Người tâm thần, rối nhiễu tâm trí")),
    ("CN", N_("Người nghiện ma túy")),
    ("K", N_("Đối tượng cần trợ giúp xã hội khác")),
]

SEXES: Vocab = [
    ("male", N_("Nam")),
    ("female", N_("Nữ")),
]

# The six disability types and three severities of the Law on Persons with Disabilities.
DISABILITY_TYPES: Vocab = [
    ("mobility", N_("vận động")),
    ("hearing_speech", N_("nghe, nói")),
    ("vision", N_("nhìn")),
    ("mental_neuro", N_("thần kinh, tâm thần")),
    ("intellectual", N_("trí tuệ")),
    ("other", N_("khác")),
]

DISABILITY_SEVERITIES: Vocab = [
    ("especially_severe", N_("đặc biệt nặng")),
    ("severe", N_("nặng")),
    ("mild", N_("nhẹ")),
]

DISCHARGE_REASONS: Vocab = [
    ("reintegrated", N_("Hồi gia/tái hòa nhập")),
    ("transferred", N_("Chuyển cơ sở khác")),
    ("deceased", N_("Tử vong")),
    ("other", N_("Khác")),
]

STAFF_POSITIONS: Vocab = [
    ("doctor", N_("Bác sĩ")),
    ("assistant_doctor", N_("Y sĩ")),
    ("nurse", N_("Điều dưỡng")),
    ("rehab_technician", N_("Kỹ thuật viên PHCN")),
    ("social_worker", N_("Nhân viên công tác xã hội")),
    ("carer", N_("Nhân viên chăm sóc")),
    ("manager", N_("Quản lý")),
    ("other", N_("Khác")),
]

# Positions that need a practising certificate; RETURN.md counts them as "medical" staff.
LICENSED_POSITIONS = ("doctor", "assistant_doctor", "nurse", "rehab_technician")

CONTRACT_TYPES: Vocab = [
    ("permanent", N_("Biên chế")),
    ("contract", N_("Hợp đồng")),
]

TRAINING_FIELDS: Vocab = [
    ("care", N_("Chăm sóc")),
    ("nursing", N_("Điều dưỡng")),
    ("rehabilitation", N_("Phục hồi chức năng")),
    ("orthopaedics", N_("Chỉnh hình")),
    ("social_work", N_("Công tác xã hội")),
    ("mental_health", N_("Sức khỏe tâm thần")),
    ("drug_rehab", N_("Cai nghiện ma túy")),
    ("database", N_("Vận hành cơ sở dữ liệu")),
    ("other", N_("Khác")),
]

RESIDENT_STATUSES: Vocab = [
    ("in_care", N_("Đang chăm sóc")),
    ("discharged", N_("Đã ra khỏi cơ sở")),
    ("deceased", N_("Đã mất")),
]

# Kinds of người có công, after Ordinance 02/2020/UBTVQH14 on preferential treatment.
MERIT_TYPES: Vocab = [
    ("pre_1945", N_("Người hoạt động cách mạng trước ngày 01/01/1945")),
    ("pre_uprising", N_("Người hoạt động cách mạng từ 01/01/1945 đến Tổng khởi nghĩa tháng Tám 1945")),
    ("heroic_mother", N_("Bà mẹ Việt Nam anh hùng")),
    ("hero", N_("Anh hùng Lực lượng vũ trang nhân dân, Anh hùng Lao động trong kháng chiến")),
    ("war_invalid", N_("Thương binh")),
    ("like_war_invalid", N_("Người hưởng chính sách như thương binh")),
    ("sick_soldier", N_("Bệnh binh")),
    ("agent_orange", N_("Người hoạt động kháng chiến bị nhiễm chất độc hóa học")),
    ("prisoner", N_("Người hoạt động cách mạng, kháng chiến bị địch bắt tù, đày")),
    ("resistance", N_("Người hoạt động kháng chiến giải phóng dân tộc, bảo vệ Tổ quốc")),
    ("martyr_relative", N_("Thân nhân liệt sĩ")),
    ("revolution_helper", N_("Người có công giúp đỡ cách mạng")),
    ("other", N_("Khác")),
]

INTERVENTION_TYPES: Vocab = [
    ("physiotherapy", N_("Vật lý trị liệu")),
    ("occupational", N_("Hoạt động trị liệu")),
    ("speech", N_("Ngôn ngữ trị liệu")),
    ("psychological", N_("Hỗ trợ tâm lý")),
    ("assistive_device", N_("Dụng cụ trợ giúp, chỉnh hình")),
    ("traditional", N_("Y học cổ truyền")),
    ("other", N_("Khác")),
]

PLAN_STATUSES: Vocab = [
    ("draft", N_("Nháp")),
    ("active", N_("Đang thực hiện")),
    ("reviewed", N_("Đã đánh giá")),
    ("closed", N_("Kết thúc")),
    ("cancelled", N_("Hủy")),
]

GOAL_STATUSES: Vocab = [
    ("open", N_("Đang thực hiện")),
    ("achieved", N_("Đạt")),
    ("partly", N_("Đạt một phần")),
    ("not_achieved", N_("Không đạt")),
    ("dropped", N_("Bỏ")),
]

# Domains of a rehabilitation goal (ICF-style activity and participation areas).
GOAL_DOMAINS: Vocab = [
    ("mobility", N_("Vận động")),
    ("self_care", N_("Tự chăm sóc")),
    ("communication", N_("Giao tiếp")),
    ("cognition", N_("Nhận thức")),
    ("behaviour", N_("Hành vi")),
    ("social", N_("Tham gia xã hội")),
]


def codes(vocab: Vocab) -> list[str]:
    return [code for code, _label in vocab]


def label(vocab: Vocab, code: str | None) -> str:
    """The translated label of ``code``; "" for no code, the code itself if it is unknown.

    Showing an unknown code (say, from a newer version's database) beats hiding the value.
    """
    if not code:
        return ""
    for known, text in vocab:
        if known == code:
            return _(text)
    return code


def match(vocab: Vocab, text: object) -> str | None:
    """The code whose code or label matches ``text`` ignoring case, diacritics, spaces, punctuation.

    The translated label matches too, so an English export imports back.
    """
    key = _text_key(text) if isinstance(text, str) else search_key(text)
    if not key:
        return None
    return _keys_of(tuple(vocab), language()).get(key)


@functools.lru_cache(maxsize=4096)
def _text_key(text: str) -> str:
    return search_key(text)  # cells repeat ("Nữ", "Kinh" …): an import of 10,000 rows asks the same keys


@functools.lru_cache(maxsize=256)
def _keys_of(vocab: tuple[tuple[str, str], ...], lang: str) -> dict[str, str]:
    """{key of a code or a label: code} as ``match`` reads it: the first code in order wins."""
    keys: dict[str, str] = {}
    for code, text_label in vocab:
        for key in (search_key(code), search_key(text_label), search_key(_(text_label))):
            keys.setdefault(key, code)
    return keys
