"""A demo centre: a realistic, deterministic provincial social-assistance centre to try caremgr with.

``load_demo`` fills an empty database with about 120 residents of every category, their relatives,
insurance cards, health checks, conditions and referrals, the staff with their practising licences,
training courses, rehabilitation plans with sessions and Barthel assessments, the facility
checklists and the centre's effective-dated settings. Every date is placed relative to ``today``, so
the dashboard and the returns show a living centre (cards about to expire, checks overdue, plans
due for review, a training target not yet met) whatever the real date is. The same seed and the
same ``today`` always give the same centre.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from caremgr import audit, settings
from caremgr.auth import Actor, require
from caremgr.barthel import ALLOWED
from caremgr.bhyt import decode_card
from caremgr.cccd import cccd_for
from caremgr.dates import BirthDate, age_on
from caremgr.errors import ValidationError
from caremgr.ethnicities import ethnicity_name
from caremgr.facility import STARTER_PHC_REHAB, STARTER_TECHNICAL
from caremgr.i18n import _
from caremgr.text import name_sort_key, normalize, search_key
from caremgr.vocab import LICENSED_POSITIONS
from db.connection import write_transaction
from db.models import (
    Assessment,
    Condition,
    Contact,
    FacilityItem,
    HealthCheck,
    InsuranceCard,
    Referral,
    RehabGoal,
    RehabIntervention,
    RehabPlan,
    RehabSession,
    Resident,
    Setting,
    Staff,
    TrainingAttendance,
    TrainingCourse,
)

DEFAULT_SEED = 1942
BATCH = 200

# --- the facility checklists ------------------------------------------------------------------

# The starter lists themselves (STARTER_PHC_REHAB, STARTER_TECHNICAL) live in caremgr.facility.

# Items of the demo checklists that are not met yet, with the reason written in the note.
_PHC_NOT_MET = {
    "Có phòng y tế/phòng khám đạt tiêu chuẩn":
        "Phòng y tế chưa đủ diện tích theo quy định; đã đề nghị cải tạo trong kế hoạch năm sau",
}
_TECHNICAL_NOT_MET = {
    "Đặt sonde dạ dày": "Chưa có điều dưỡng được đào tạo; chuyển tuyến khi cần",
    "Châm cứu": "Chưa có y sĩ y học cổ truyền",
    "Điện tim": "Chưa có máy điện tim",
    "Khí dung": "Máy khí dung hỏng, chờ thay thế",
}

# The Barthel index: each item's allowed scores, in the standard order (caremgr.barthel); the old name
# stays for callers that still use it.
BARTHEL_ITEMS: dict[str, tuple[int, ...]] = ALLOWED


@dataclass(frozen=True)
class DemoSummary:
    """How many rows the demo centre put in each table."""

    residents: int = 0
    in_care: int = 0
    discharged: int = 0
    contacts: int = 0
    insurance_cards: int = 0
    health_checks: int = 0
    conditions: int = 0
    referrals: int = 0
    staff: int = 0
    training_courses: int = 0
    training_attendance: int = 0
    rehab_plans: int = 0
    rehab_goals: int = 0
    rehab_interventions: int = 0
    rehab_sessions: int = 0
    assessments: int = 0
    facility_items: int = 0
    settings: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def audit_text(self) -> str:
        return (f"demo data loaded: {self.residents} residents, {self.staff} staff, "
                f"{self.insurance_cards} insurance cards, {self.health_checks} health checks, "
                f"{self.rehab_plans} rehab plans, {self.training_courses} training courses")

    def describe(self) -> str:
        return (f"{self.residents} residents ({self.in_care} in care, {self.discharged} discharged), "
                f"{self.contacts} contacts, {self.insurance_cards} insurance cards, "
                f"{self.health_checks} health checks, {self.conditions} conditions, "
                f"{self.referrals} referrals, {self.staff} staff, {self.training_courses} courses "
                f"({self.training_attendance} attendances), {self.rehab_plans} rehab plans "
                f"({self.rehab_goals} goals, {self.rehab_interventions} interventions, "
                f"{self.rehab_sessions} sessions), {self.assessments} assessments, "
                f"{self.facility_items} facility items")


# --- the centre ---------------------------------------------------------------------------------

CENTRE_NAME = "Trung tâm Bảo trợ xã hội tỉnh Thanh Hóa"
CENTRE_SYMBOL = "TTBTXH"
DIRECTOR = "Lê Văn Thắng"
DEPUTIES = ["Nguyễn Thị Thu Hà", "Trịnh Đình Quang"]
REORGANISATION = date(2025, 3, 1)  # social protection moves from DOLISA to the Department of Health
SETTINGS_FROM = date(2021, 1, 1)

_CENTRE_SETTINGS = {
    "centre.name": CENTRE_NAME,
    "centre.type": "social_assistance",
    "centre.code": "TH-BTXH-01",
    "centre.address": "Số 08 đường Trịnh Khả, phường Hạc Thành, tỉnh Thanh Hóa",
    "centre.phone": "0237 3852 168",
    "centre.capacity": 150,
    "centre.symbol": CENTRE_SYMBOL,
    "centre.director": DIRECTOR,
    "centre.deputies": DEPUTIES,
    "centre.province": "Thanh Hóa",
    "centre.place": "Thanh Hóa",
    "agency.governing_body": "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI TỈNH THANH HÓA",
    "agency.receiving": "Sở Lao động - Thương binh và Xã hội tỉnh Thanh Hóa",
    "agency.recipients": [  # the agency addressed is "Như trên", not repeated here (Decree 30)
        "Ban Giám đốc",
        "Lưu: VT, HC-TH",
    ],
    "target.training_turns": 50,
    "target.technical_pct": 60,
}
_SETTINGS_2025 = {
    "agency.governing_body": "SỞ Y TẾ TỈNH THANH HÓA",
    "agency.receiving": "Sở Y tế tỉnh Thanh Hóa",
    "agency.recipients": [
        "UBND tỉnh Thanh Hóa (để b/c)",
        "Ban Giám đốc",
        "Các phòng chuyên môn",
        "Lưu: VT, HC-TH",
    ],
}

# --- names --------------------------------------------------------------------------------------

_KINH_FAMILIES = [
    ("Nguyễn", 30), ("Lê", 14), ("Trần", 9), ("Phạm", 6), ("Hoàng", 4), ("Huỳnh", 1), ("Phan", 3),
    ("Vũ", 3), ("Võ", 1), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 1), ("Ngô", 2), ("Dương", 1),
    ("Lý", 1), ("Trịnh", 3), ("Mai", 2), ("Đinh", 1), ("Cao", 1), ("Hà", 1), ("Lưu", 1),
]
_MINORITY_FAMILIES = {
    "03": ["Hà", "Lò", "Lương", "Vi", "Cầm", "Phạm", "Lộc"],  # Thái
    "04": ["Bùi", "Đinh", "Quách", "Phạm", "Hà", "Trương"],  # Mường
    "08": ["Giàng", "Vàng", "Thào", "Lầu", "Sùng", "Mùa", "Hờ"],  # H'Mông
    "09": ["Triệu", "Bàn", "Đặng", "Lý"],  # Dao
    "23": ["Vi", "Lò", "Lương"],  # Khơ Mú
}
_MIDDLE = {
    ("male", "old"): ["Văn"] * 6 + ["Hữu", "Đức", "Đình", "Xuân", "Ngọc", "Công", "Quang", "Bá"],
    ("female", "old"): ["Thị"] * 9 + ["Thị Thu", "Thị Ngọc", "Thị Kim"],
    ("male", "adult"): ["Văn"] * 3 + ["Đức", "Minh", "Quang", "Hữu", "Tuấn", "Xuân", "Mạnh", "Thành", "Đình"],
    ("female", "adult"): ["Thị"] * 3 + ["Thị Thu", "Thị Thanh", "Thị Hồng", "Thu", "Ngọc", "Hồng",
                                        "Thị Minh", "Thị Ngọc"],
    ("male", "child"): ["Gia", "Minh", "Đức", "Bảo", "Quốc", "Hoàng", "Văn", "Anh"],
    ("female", "child"): ["Ngọc", "Bảo", "Khánh", "Thảo", "Minh", "Gia", "Phương", "Thị"],
}
_GIVEN = {
    ("male", "old"): ["Thắng", "Lợi", "Hùng", "Dũng", "Cường", "Sơn", "Hải", "Bình", "Tâm", "Thành",
                      "Hòa", "Lâm", "Quý", "Đông", "Hưng", "Phúc", "Tài", "Lộc", "Khải", "Kỳ", "Trọng",
                      "Nghĩa", "Thuận", "Chiến", "Toàn", "Tỵ", "Dần", "Mão", "Thìn", "Bảy", "Tám", "Khoa"],
    ("female", "old"): ["Lan", "Hoa", "Hồng", "Huệ", "Cúc", "Mai", "Đào", "Nhung", "Hương", "Liên",
                        "Hằng", "Thảo", "Loan", "Lý", "Tâm", "Thơm", "Nụ", "Hến", "Xuyến", "Vân", "Yến",
                        "Nga", "Tuyết", "Sen", "Chắt", "Thìn", "Gái", "Nhàn", "Quế", "Nguyệt"],
    ("male", "adult"): ["Tuấn", "Hùng", "Dũng", "Cường", "Hải", "Long", "Quân", "Nam", "Trung", "Tùng",
                        "Hiếu", "Đạt", "Thành", "Sơn", "Việt", "Tiến", "Hoàng", "Phong", "Toàn", "Kiên",
                        "Lực", "Thịnh", "Huy", "Mạnh"],
    ("female", "adult"): ["Hương", "Lan", "Hà", "Trang", "Linh", "Huyền", "Nhung", "Thủy", "Hằng", "Yến",
                          "Phương", "Thảo", "Oanh", "Vân", "Hạnh", "Ngân", "Giang", "Quỳnh", "Mai", "Dung"],
    ("male", "child"): ["Bảo", "Khôi", "Minh", "Nam", "Phong", "Quân", "Huy", "Long", "Kiên", "Đạt",
                        "Hiếu", "An", "Khang", "Phúc", "Lâm", "Vũ", "Duy", "Tuấn"],
    ("female", "child"): ["Linh", "Ngọc", "Trang", "Vy", "Hân", "Nhi", "Anh", "Thư", "Ngân", "Hà", "My",
                          "Quỳnh", "Giang", "Châu", "Diệp", "Trâm", "Yến", "Chi"],
}
_HMONG_GIVEN = {
    "male": ["Páo", "Chư", "Dế", "Lử", "Tráng", "Sính", "Vừ", "Chứ", "Dình"],
    "female": ["Mỷ", "Sua", "Dợ", "Chở", "Pà", "Dua", "Say", "Ly"],
}

# --- places ---------------------------------------------------------------------------------------

# (village, commune before 7/2025, district before 7/2025, commune after 7/2025)
_PLACES_KINH = [
    ("Thôn Trung", "xã Hoằng Quỳ", "huyện Hoằng Hóa", "xã Hoằng Hóa"),
    ("Thôn 4", "xã Quảng Nhân", "huyện Quảng Xương", "xã Quảng Ninh"),
    ("Thôn Phú Xá", "xã Xuân Hồng", "huyện Thọ Xuân", "xã Thọ Xuân"),
    ("Thôn 2", "xã Tế Lợi", "huyện Nông Cống", "xã Nông Cống"),
    ("Thôn Đông Hải", "xã Đa Lộc", "huyện Hậu Lộc", "xã Hậu Lộc"),
    ("Thôn 7", "xã Định Tân", "huyện Yên Định", "xã Yên Định"),
    ("Thôn Yên Lược", "xã Dân Lực", "huyện Triệu Sơn", "xã Triệu Sơn"),
    ("Thôn Kim Sơn", "xã Hải Nhân", "thị xã Nghi Sơn", "phường Nghi Sơn"),
    ("Khu phố 3", "phường Đông Vệ", "thành phố Thanh Hóa", "phường Hạc Thành"),
    ("Khu phố Tân Thọ", "phường Điện Biên", "thành phố Thanh Hóa", "phường Hạc Thành"),
    ("Khu phố 5", "phường Trường Sơn", "thành phố Sầm Sơn", "phường Sầm Sơn"),
    ("Khu phố 2", "phường Ba Đình", "thị xã Bỉm Sơn", "phường Bỉm Sơn"),
    ("Thôn Thọ Lộc", "xã Thọ Lâm", "huyện Thọ Xuân", "xã Xuân Lập"),
    ("Thôn 9", "xã Hợp Thành", "huyện Triệu Sơn", "xã Hợp Tiến"),
    ("Thôn Hưng Phúc", "xã Hưng Lộc", "huyện Hậu Lộc", "xã Vạn Lộc"),
    ("Thôn Yên Trung", "xã Yên Trường", "huyện Yên Định", "xã Yên Trường"),
    ("Thôn Đông Lý", "xã Đông Tiến", "huyện Đông Sơn", "xã Đông Tiến"),
    ("Thôn Hà Thái", "xã Hà Lai", "huyện Hà Trung", "xã Hà Trung"),
]
_PLACES_MOUNTAIN = {
    "04": [("Làng Chiềng", "xã Quang Trung", "huyện Ngọc Lặc", "xã Ngọc Lặc"),
           ("Thôn Cẩm Hoa", "xã Cẩm Tú", "huyện Cẩm Thủy", "xã Cẩm Tú"),
           ("Làng Mót", "xã Thạch Lâm", "huyện Thạch Thành", "xã Thạch Lập")],
    "03": [("Bản Mướp", "xã Phú Lệ", "huyện Quan Hóa", "xã Phú Lệ"),
           ("Bản Nán", "xã Lương Ngoại", "huyện Bá Thước", "xã Bá Thước"),
           ("Bản Chiềng Ban", "xã Giao An", "huyện Lang Chánh", "xã Giao An")],
    "08": [("Bản Pù Quăn", "xã Pù Nhi", "huyện Mường Lát", "xã Pù Nhi"),
           ("Bản Sa Lung", "xã Trung Lý", "huyện Mường Lát", "xã Trung Lý")],
    "09": [("Thôn Ón", "xã Thanh Quân", "huyện Như Xuân", "xã Thanh Quân"),
           ("Thôn Cao Sơn", "xã Minh Sơn", "huyện Ngọc Lặc", "xã Minh Sơn")],
    "23": [("Bản Suối Tút", "xã Phú Thanh", "huyện Quan Hóa", "xã Phú Xuân")],
}
ADDRESS_REFORM = date(2025, 7, 1)  # districts abolished: addresses written after it have no district

# CCCD place-of-registration codes: Thanh Hóa mostly, some neighbours and migrants.
_CCCD_PROVINCES = ["038"] * 17 + ["040", "037", "036", "017", "001", "014"]

_PHONE_PREFIXES = ["032", "033", "034", "035", "036", "037", "038", "039", "056", "058", "070", "076",
                   "077", "078", "079", "081", "082", "083", "084", "085", "086", "088", "089", "090",
                   "091", "093", "094", "096", "097", "098"]

# --- health ---------------------------------------------------------------------------------------

# code: (title, chronic, ncd)
ICD = {
    "I10": ("Tăng huyết áp vô căn (nguyên phát)", True, True),
    "E11": ("Bệnh đái tháo đường type 2", True, True),
    "F20": ("Tâm thần phân liệt", True, False),
    "F25": ("Rối loạn phân liệt cảm xúc", True, False),
    "F32": ("Giai đoạn trầm cảm", True, False),
    "F03": ("Sa sút trí tuệ không đặc hiệu", True, False),
    "F06": ("Rối loạn tâm thần khác do tổn thương, rối loạn chức năng não và bệnh cơ thể", True, False),
    "F70": ("Chậm phát triển tâm thần nhẹ", True, False),
    "F72": ("Chậm phát triển tâm thần nặng", True, False),
    "F84": ("Rối loạn phát triển lan tỏa", True, False),
    "F11": ("Rối loạn tâm thần và hành vi do sử dụng opioid", True, False),
    "F15": ("Rối loạn tâm thần và hành vi do sử dụng chất kích thích khác, kể cả cafein", True, False),
    "G80": ("Bại não", True, False),
    "G40": ("Động kinh", True, False),
    "G20": ("Bệnh Parkinson", True, True),
    "J44": ("Bệnh phổi tắc nghẽn mạn tính", True, True),
    "J45": ("Hen phế quản", True, True),
    "M17": ("Thoái hóa khớp gối", True, False),
    "I63": ("Nhồi máu não", True, True),
    "I69": ("Di chứng bệnh mạch máu não", True, True),
    "Q90": ("Hội chứng Down", True, False),
    "H25": ("Đục thủy tinh thể người già", True, False),
    "H54": ("Mù và giảm thị lực", True, False),
    "H90": ("Nghe kém do dẫn truyền và thần kinh giác quan", True, False),
    "K29": ("Viêm dạ dày và tá tràng", False, False),
    "B18": ("Viêm gan virus mạn", True, False),
    "J18": ("Viêm phổi, tác nhân không xác định", False, False),
    "J06": ("Nhiễm trùng đường hô hấp trên cấp, nhiều vị trí và không xác định", False, False),
    "A09": ("Tiêu chảy và viêm dạ dày ruột do nhiễm trùng", False, False),
    "L30": ("Viêm da khác", False, False),
}
# (code, probability) of a lasting condition, by category.
_CONDITION_ODDS = {
    "NCT": [("I10", 0.5), ("E11", 0.2), ("M17", 0.35), ("H25", 0.25), ("F03", 0.15), ("J44", 0.12),
            ("I63", 0.1), ("K29", 0.15), ("G20", 0.05)],
    "NCC": [("I10", 0.6), ("M17", 0.4), ("H25", 0.3), ("J44", 0.2), ("E11", 0.2), ("I69", 0.15),
            ("H90", 0.2)],
    "NKT": [("I10", 0.15), ("K29", 0.1), ("G40", 0.1)],
    "TT": [("G40", 0.15), ("I10", 0.1), ("K29", 0.1)],
    "TE": [("J45", 0.1)],
    "CN": [("B18", 0.3), ("K29", 0.2)],
    "K": [("I10", 0.3), ("K29", 0.25), ("M17", 0.15), ("E11", 0.1)],
}
_DISABILITY_CONDITION = {
    "mobility": ["G80", "I69"],
    "hearing_speech": ["H90"],
    "vision": ["H54"],
    "mental_neuro": ["F20", "G40"],
    "intellectual": ["F70", "F72", "Q90"],
    "other": ["G40"],
}
_ACUTE = ["J18", "J06", "A09", "L30"]

_FACILITIES = [
    ("38001", "Bệnh viện Đa khoa tỉnh Thanh Hóa"),
    ("38142", "Trạm Y tế phường Hạc Thành"),
    ("38142", "Trạm Y tế phường Hạc Thành"),
    ("38017", "Trung tâm Y tế thành phố Thanh Hóa"),
]

_REFERRALS = [
    ("Bệnh viện Đa khoa tỉnh Thanh Hóa", "Sốt cao 39°C, ho khạc đờm, nghe phổi ran nổ",
     "Viêm phổi, điều trị nội trú 9 ngày, ổn định ra viện", 9),
    ("Bệnh viện Đa khoa tỉnh Thanh Hóa", "Đau bụng vùng thượng vị, nôn nhiều",
     "Viêm dạ dày cấp, điều trị nội trú 5 ngày", 5),
    ("Bệnh viện Đa khoa tỉnh Thanh Hóa", "Huyết áp 190/110 mmHg, đau đầu, chóng mặt",
     "Cơn tăng huyết áp, điều chỉnh thuốc, ra viện sau 4 ngày", 4),
    ("Bệnh viện Đa khoa tỉnh Thanh Hóa", "Yếu nửa người phải đột ngột",
     "Nhồi máu não, điều trị 14 ngày, chuyển về tiếp tục phục hồi chức năng", 14),
    ("Bệnh viện Tâm thần tỉnh Thanh Hóa", "Kích động, mất ngủ kéo dài, không hợp tác uống thuốc",
     "Điều trị nội trú 3 tuần, điều chỉnh phác đồ thuốc chống loạn thần", 21),
    ("Bệnh viện Tâm thần tỉnh Thanh Hóa", "Lên cơn co giật nhiều lần trong ngày",
     "Điều chỉnh thuốc chống động kinh, theo dõi tại Trung tâm", 3),
    ("Bệnh viện Mắt tỉnh Thanh Hóa", "Nhìn mờ hai mắt, đục thủy tinh thể",
     "Phẫu thuật phaco thay thủy tinh thể mắt phải", 2),
    ("Bệnh viện Phục hồi chức năng tỉnh Thanh Hóa", "Co cứng chi dưới, cần đánh giá chỉnh hình",
     "Làm nẹp cổ bàn chân, hướng dẫn bài tập tại Trung tâm", 7),
    ("Bệnh viện Nhi Thanh Hóa", "Sốt, tiêu chảy, dấu hiệu mất nước",
     "Tiêu chảy cấp, bù dịch, ra viện sau 4 ngày", 4),
    ("Bệnh viện Phổi Thanh Hóa", "Khó thở tăng, khạc đờm mủ",
     "Đợt cấp bệnh phổi tắc nghẽn mạn tính, điều trị 10 ngày", 10),
    ("Trung tâm Y tế thành phố Thanh Hóa", "Vết thương bàn tay do ngã, chảy máu",
     "Khâu vết thương, tiêm phòng uốn ván", 0),
]

_FINDINGS_NORMAL = [
    "Tỉnh, tiếp xúc được. Ăn uống, ngủ bình thường.",
    "Da niêm mạc hồng, không phù. Sức khỏe ổn định.",
    "Thể trạng trung bình, không có dấu hiệu bất thường.",
    "Ăn ngủ được, đại tiểu tiện bình thường.",
    "Sức khỏe ổn định, tiếp tục theo dõi định kỳ.",
]
_FINDINGS_BY_CODE = {
    "I10": ["Huyết áp cao, nhắc uống thuốc đều, ăn nhạt.", "Huyết áp ổn định với thuốc."],
    "E11": ["Đường huyết còn cao, điều chỉnh chế độ ăn.", "Đường huyết ổn định, tiếp tục metformin."],
    "F20": ["Ít nói, còn ảo thanh, uống thuốc theo giám sát.", "Tâm thần ổn định, hợp tác uống thuốc."],
    "F03": ["Hay quên, đi lại ban đêm, cần người giám sát.", "Ngủ kém, lú lẫn về chiều."],
    "J44": ["Ho khạc đờm buổi sáng, phổi ran rít nhẹ.", "Khó thở khi gắng sức."],
    "M17": ["Đau khớp gối khi đi lại, hướng dẫn tập vận động.", "Đau gối giảm sau xoa bóp."],
    "G40": ["Không lên cơn co giật trong tháng.", "Có 1 cơn co giật ngắn, đã xử trí."],
    "G80": ["Co cứng chi dưới, tiếp tục tập PHCN.", "Trương lực cơ tăng, kéo giãn hằng ngày."],
    "F11": ["Không còn hội chứng cai, ngủ được.", "Thèm chất, tư vấn tâm lý."],
    "F15": ["Ngủ được, tâm trạng ổn định hơn.", "Dễ cáu gắt, tư vấn tâm lý."],
    "K29": ["Đau thượng vị âm ỉ, ăn chia nhiều bữa.", "Hết đau bụng."],
}
_FINDINGS_CHILD = [
    "Trẻ phát triển bình thường, ăn ngủ tốt.",
    "Trẻ nhanh nhẹn, tăng cân đều.",
    "Ho nhẹ, không sốt, theo dõi thêm.",
]

# --- staff ----------------------------------------------------------------------------------------

# (position, full name, sex, qualification, contract type)
_STAFF = [
    ("manager", DIRECTOR, "male", "Thạc sĩ Quản lý công", "permanent"),
    ("manager", DEPUTIES[0], "female", "Cử nhân Công tác xã hội", "permanent"),
    ("manager", DEPUTIES[1], "male", "Bác sĩ chuyên khoa I Nội", "permanent"),
    ("doctor", "Nguyễn Văn Hải", "male", "Bác sĩ đa khoa", "permanent"),
    ("doctor", "Lê Thị Thanh Tâm", "female", "Bác sĩ chuyên khoa I Tâm thần", "permanent"),
    ("assistant_doctor", "Phạm Văn Toàn", "male", "Y sĩ đa khoa", "permanent"),
    ("assistant_doctor", "Hoàng Thị Lan", "female", "Y sĩ y học cổ truyền", "contract"),
    ("nurse", "Trần Thị Hằng", "female", "Cử nhân Điều dưỡng", "permanent"),
    ("nurse", "Đỗ Thị Ngọc Anh", "female", "Cao đẳng Điều dưỡng", "permanent"),
    ("nurse", "Bùi Văn Hiếu", "male", "Cao đẳng Điều dưỡng", "contract"),
    ("nurse", "Lê Thị Phương", "female", "Cử nhân Điều dưỡng", "contract"),
    ("nurse", "Mai Thị Huyền", "female", "Trung cấp Điều dưỡng", "contract"),
    ("nurse", "Vũ Thị Thảo", "female", "Cao đẳng Điều dưỡng", "contract"),  # left
    ("rehab_technician", "Nguyễn Đức Long", "male", "Cử nhân Kỹ thuật phục hồi chức năng", "permanent"),
    ("rehab_technician", "Trịnh Thị Yến", "female", "Cao đẳng Kỹ thuật phục hồi chức năng", "contract"),
    ("rehab_technician", "Đặng Văn Kiên", "male", "Cao đẳng Kỹ thuật phục hồi chức năng", "contract"),
    ("social_worker", "Ngô Thị Minh Trang", "female", "Cử nhân Công tác xã hội", "permanent"),
    ("social_worker", "Dương Văn Nam", "male", "Cử nhân Công tác xã hội", "contract"),
    ("social_worker", "Hồ Thị Quỳnh", "female", "Cử nhân Tâm lý học", "contract"),
    ("carer", "Lê Thị Hoa", "female", "Sơ cấp chăm sóc người cao tuổi", "contract"),
    ("carer", "Nguyễn Thị Nhung", "female", "Sơ cấp chăm sóc người cao tuổi", "contract"),
    ("carer", "Phan Văn Thành", "male", "Sơ cấp chăm sóc người khuyết tật", "contract"),
    ("carer", "Trần Thị Thủy", "female", "Sơ cấp chăm sóc người cao tuổi", "contract"),
    ("carer", "Lý Thị Mai", "female", "Trung cấp Công tác xã hội", "contract"),
    ("carer", "Cao Văn Dũng", "male", "Sơ cấp chăm sóc người tâm thần", "contract"),
    ("carer", "Đinh Thị Oanh", "female", "Sơ cấp chăm sóc người cao tuổi", "contract"),  # left
    ("other", "Nguyễn Thị Kim Dung", "female", "Cử nhân Kế toán", "permanent"),
    ("other", "Lê Văn Tiến", "male", "Lái xe", "contract"),
]
_LEFT = {"Vũ Thị Thảo", "Đinh Thị Oanh"}

# --- training -------------------------------------------------------------------------------------

DOLISA = "Sở Lao động - Thương binh và Xã hội tỉnh Thanh Hóa"
DOH = "Sở Y tế tỉnh Thanh Hóa"
# (field, title, organiser (None: the governing department of the day), place, hours, days, who)
_COURSES = [
    ("care", "Kỹ năng chăm sóc người cao tuổi tại cơ sở trợ giúp xã hội", None,
     "Hội trường Trung tâm", 24, 3, ("carer", "nurse", "social_worker")),
    ("rehabilitation", "Phục hồi chức năng cho người khuyết tật vận động", "Bệnh viện Phục hồi chức năng tỉnh Thanh Hóa",
     "Bệnh viện Phục hồi chức năng tỉnh Thanh Hóa", 40, 5, ("rehab_technician", "nurse", "carer")),
    ("mental_health", "Chăm sóc sức khỏe tâm thần cho đối tượng bảo trợ xã hội", "Bệnh viện Tâm thần tỉnh Thanh Hóa",
     "Hội trường Trung tâm", 16, 2, ("nurse", "carer", "doctor", "social_worker")),
    ("nursing", "Sơ cấp cứu ban đầu và phòng, chống dịch bệnh", "Trung tâm Kiểm soát bệnh tật tỉnh Thanh Hóa",
     "Hội trường Trung tâm", 8, 1, ("nurse", "assistant_doctor", "carer", "doctor")),
    ("social_work", "Nghiệp vụ công tác xã hội trong cơ sở trợ giúp xã hội", None,
     "Trường Chính trị tỉnh Thanh Hóa", 32, 4, ("social_worker", "manager", "carer")),
    ("database", "Vận hành phần mềm quản lý đối tượng và hồ sơ sức khỏe điện tử", CENTRE_NAME,
     "Phòng Hành chính - Tổng hợp", 8, 1, ("nurse", "doctor", "social_worker", "manager", "other")),
    ("orthopaedics", "Sử dụng và bảo quản dụng cụ chỉnh hình, dụng cụ trợ giúp",
     "Bệnh viện Phục hồi chức năng tỉnh Thanh Hóa", "Hội trường Trung tâm", 16, 2,
     ("rehab_technician", "carer", "nurse")),
    ("drug_rehab", "Hỗ trợ điều trị, tư vấn cho người nghiện ma túy", "Cơ sở cai nghiện ma túy tỉnh Thanh Hóa",
     "Cơ sở cai nghiện ma túy tỉnh Thanh Hóa", 16, 2, ("social_worker", "nurse", "doctor", "carer")),
]
_ORGANISER_ABBR = {
    DOLISA: "SLĐTBXH", DOH: "SYT", "Bệnh viện Phục hồi chức năng tỉnh Thanh Hóa": "BVPHCN",
    "Bệnh viện Tâm thần tỉnh Thanh Hóa": "BVTT", "Trung tâm Kiểm soát bệnh tật tỉnh Thanh Hóa": "CDC",
    CENTRE_NAME: CENTRE_SYMBOL, "Cơ sở cai nghiện ma túy tỉnh Thanh Hóa": "CSCN",
}

# --- rehabilitation -------------------------------------------------------------------------------

_GOALS = {
    "mobility": ["Tự đi lại trong phòng với khung tập đi, quãng đường 10 m, không cần người đỡ",
                 "Tự di chuyển từ giường sang xe lăn với hỗ trợ tối thiểu",
                 "Đứng vững 2 phút có tay vịn",
                 "Tự đi lên xuống 5 bậc cầu thang có tay vịn"],
    "self_care": ["Tự ăn bằng thìa, không rơi vãi quá 1/4 suất ăn",
                  "Tự mặc áo cài cúc trong 5 phút",
                  "Tự đánh răng, rửa mặt hằng ngày khi được nhắc",
                  "Tự đi vệ sinh ban ngày, báo được khi có nhu cầu"],
    "communication": ["Nói được câu 3–4 từ để nêu nhu cầu ăn, uống, đi vệ sinh",
                      "Dùng 10 cử chỉ hoặc thẻ hình để giao tiếp với người chăm sóc",
                      "Trả lời đúng câu hỏi có/không trong 8/10 lần"],
    "cognition": ["Nhận biết được tên mình, người chăm sóc và phòng ở",
                  "Tự nhớ giờ uống thuốc với lịch nhắc treo tường",
                  "Phân loại được đồ vật theo 3 màu cơ bản"],
    "behaviour": ["Giảm cơn kích động xuống dưới 2 lần mỗi tháng",
                  "Tham gia sinh hoạt nhóm 30 phút không bỏ ngang",
                  "Tự giác uống thuốc theo giờ dưới sự giám sát"],
    "social": ["Tham gia ít nhất 2 hoạt động tập thể mỗi tuần",
               "Tự giới thiệu bản thân và chào hỏi người khác",
               "Tham gia lao động trị liệu tại vườn rau 3 buổi mỗi tuần"],
}
_INTERVENTIONS = {
    "physiotherapy": "Tập vận động thụ động và chủ động, kéo giãn, tập đứng và đi với dụng cụ",
    "occupational": "Tập các hoạt động sinh hoạt hằng ngày: ăn uống, vệ sinh cá nhân, mặc quần áo",
    "speech": "Tập phát âm, hiểu lời nói, giao tiếp bằng thẻ hình",
    "psychological": "Tư vấn cá nhân và sinh hoạt nhóm, trị liệu bằng hoạt động",
    "assistive_device": "Hướng dẫn sử dụng khung tập đi, xe lăn, nẹp chỉnh hình",
    "traditional": "Xoa bóp bấm huyệt, chườm ấm",
    "other": "Lao động trị liệu: trồng rau, làm vệ sinh khuôn viên",
}
_DOMAINS_BY_CATEGORY = {
    "NKT": ["mobility", "self_care", "communication", "social"],
    "TT": ["behaviour", "social", "cognition", "self_care"],
    "NCT": ["mobility", "self_care", "cognition", "social"],
    "NCC": ["mobility", "self_care", "social"],
    "TE": ["communication", "self_care", "cognition", "mobility"],
    "CN": ["behaviour", "social"],
    "K": ["self_care", "social"],
}
_INTERVENTIONS_BY_CATEGORY = {
    "NKT": ["physiotherapy", "occupational", "assistive_device", "speech"],
    "TT": ["psychological", "other", "occupational"],
    "NCT": ["physiotherapy", "traditional", "occupational"],
    "NCC": ["physiotherapy", "traditional", "assistive_device"],
    "TE": ["speech", "occupational", "physiotherapy"],
    "CN": ["psychological", "other"],
    "K": ["occupational", "psychological"],
}

# --- who lives at the centre ----------------------------------------------------------------------

_CATEGORY_COUNTS = [("NCT", 38), ("NKT", 24), ("TT", 22), ("TE", 16), ("NCC", 8), ("K", 7), ("CN", 5)]
_DISCHARGES = [
    ("NCT", "deceased"), ("NCT", "deceased"), ("NCC", "deceased"), ("NKT", "deceased"), ("NCT", "deceased"),
    ("TE", "reintegrated"), ("CN", "reintegrated"), ("K", "reintegrated"), ("TT", "reintegrated"),
    ("TT", "transferred"), ("TE", "transferred"), ("NKT", "transferred"),
    ("CN", "other"), ("K", "other"), ("NCT", "other"),
]
_DISCHARGE_NOTES = {
    "deceased": ["Tử vong tại Trung tâm do tuổi cao, suy kiệt", "Tử vong tại bệnh viện do viêm phổi nặng",
                 "Tử vong do đột quỵ não"],
    "reintegrated": ["Gia đình nhận về chăm sóc", "Tái hòa nhập cộng đồng, về sống cùng người thân"],
    "transferred": ["Chuyển Trung tâm Chăm sóc và Điều dưỡng người tâm thần",
                    "Chuyển Làng trẻ em SOS Thanh Hóa", "Chuyển cơ sở chăm sóc người khuyết tật"],
    "other": ["Tự ý rời Trung tâm, đã thông báo chính quyền địa phương", "Hết thời hạn tiếp nhận tạm thời"],
}
_AGES = {
    "NCT": (60, 96), "NCC": (72, 97), "NKT": (16, 70), "TT": (19, 72), "CN": (22, 48), "K": (20, 76),
}
_TE_AGES = [0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 15]
_YEAR_ONLY_ODDS = {"NCT": 0.3, "NCC": 0.2, "K": 0.25, "TT": 0.1, "NKT": 0.05, "CN": 0.0, "TE": 0.0}
_FEMALE_ODDS = {"NCT": 0.6, "NCC": 0.15, "NKT": 0.45, "TT": 0.45, "TE": 0.5, "CN": 0.0, "K": 0.5}
_ETHNICITIES = [("01", 80), ("04", 7), ("03", 7), ("08", 3), ("09", 2), ("23", 1)]
# One per NCC resident (8): a heroic mother, war invalids, a sick soldier, agent-orange victims…
_MERIT = ["heroic_mother", "war_invalid", "war_invalid", "war_invalid", "sick_soldier", "agent_orange",
          "resistance", "martyr_relative"]


@dataclass
class _Person:
    code: str = ""
    full_name: str = ""
    sex: str = "male"
    birth: BirthDate = field(default_factory=lambda: BirthDate(1950))
    category: str = "NCT"
    ethnicity: str = "01"
    cccd: str | None = None
    cccd_note: str | None = None
    admission: date = date(2020, 1, 1)
    discharge: date | None = None
    discharge_reason: str | None = None
    disability_type: str | None = None
    severity: str | None = None
    merit_type: str | None = None
    conditions: list[str] = field(default_factory=list)
    id: int = 0

    def in_care_on(self, day: date) -> bool:
        return self.admission <= day and (self.discharge is None or self.discharge > day)


@dataclass
class _Employee:
    code: str
    full_name: str
    sex: str
    position: str
    birth_date: date
    start: date
    leave: date | None
    id: int = 0

    def employed_on(self, day: date) -> bool:
        return self.start <= day and (self.leave is None or self.leave > day)


def _insert(model, rows: list[dict]) -> int:
    for i in range(0, len(rows), BATCH):
        model.insert_many(rows[i:i + BATCH]).execute()
    return len(rows)


def _half_year_start(day: date) -> date:
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def _year_end(day: date) -> date:
    return date(day.year, 12, 31)


class _Builder:
    def __init__(self, today: date, seed: int):
        self.today = today
        self.rng = random.Random(seed)
        self.half_start = _half_year_start(today)
        self.used_names: set[str] = set()
        self.used_cccd: set[str] = set()
        self.used_sin: set[str] = set()
        self.people: list[_Person] = []
        self.staff: list[_Employee] = []

    # --- small helpers -------------------------------------------------------------------------

    def day_between(self, start: date, end: date) -> date:
        if end <= start:
            return start
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

    def weighted(self, pairs):
        items, weights = zip(*pairs, strict=True)
        return self.rng.choices(items, weights=weights)[0]

    def phone(self) -> str:
        return self.rng.choice(_PHONE_PREFIXES) + f"{self.rng.randint(0, 9_999_999):07d}"

    def name(self, sex: str, age: int, ethnicity: str) -> str:
        rng = self.rng
        band = "child" if age < 16 else "adult" if age < 50 else "old"
        for _attempt in range(50):
            if ethnicity in _MINORITY_FAMILIES:
                family = rng.choice(_MINORITY_FAMILIES[ethnicity])
            else:
                family = self.weighted(_KINH_FAMILIES)
            if ethnicity == "08":
                middle = ("A" if rng.random() < 0.6 else "Văn") if sex == "male" else "Thị"
                given = rng.choice(_HMONG_GIVEN[sex])
            else:
                middle = rng.choice(_MIDDLE[sex, band])
                given = rng.choice(_GIVEN[sex, band])
                if ethnicity == "04" and sex == "male" and family == "Đinh" and rng.random() < 0.6:
                    middle = "Công"
            if middle.split()[-1] == given:
                continue
            full = normalize(f"{family} {middle} {given}")
            if full not in self.used_names:
                self.used_names.add(full)
                return full
        raise AssertionError("ran out of demo names")

    def address(self, ethnicity: str, written_on: date) -> tuple[str, str]:
        """(address, commune) in the form in use when the address was written."""
        places = _PLACES_MOUNTAIN.get(ethnicity) or _PLACES_KINH
        village, old_commune, district, new_commune = self.rng.choice(places)
        if written_on >= ADDRESS_REFORM or self.rng.random() < 0.15:
            return f"{village}, {new_commune}, tỉnh Thanh Hóa", new_commune
        return f"{village}, {old_commune}, {district}, tỉnh Thanh Hóa", old_commune

    def new_cccd(self, birth_year: int, sex: str) -> str:
        province = self.rng.choice(_CCCD_PROVINCES)
        while True:
            number = cccd_for(province, birth_year, sex, self.rng.randint(0, 999_999))
            if number not in self.used_cccd:
                self.used_cccd.add(number)
                return number

    def new_social_insurance_no(self) -> str:
        while True:
            number = "38" + f"{self.rng.randint(0, 99_999_999):08d}"
            if number not in self.used_sin:
                self.used_sin.add(number)
                return number

    # --- residents -----------------------------------------------------------------------------

    def make_people(self) -> None:
        rng, today = self.rng, self.today
        plan: list[tuple[str, str | None]] = []
        discharges = list(_DISCHARGES)
        for category, count in _CATEGORY_COUNTS:
            reasons = [r for c, r in discharges if c == category]
            plan += [(category, r) for r in reasons] + [(category, None)] * (count - len(reasons))
        te_ages = sorted(_TE_AGES)
        rng.shuffle(te_ages)
        te_ages.sort(key=lambda a: a >= 8)  # pop() gives the discharged (first in plan) older children
        # A few of those in care arrived in the current half-year.
        in_care_slots = [i for i, (_c, r) in enumerate(plan) if r is None and plan[i][0] != "NCC"]
        recent = set(rng.sample(in_care_slots, 7))
        merit = list(_MERIT)
        rng.shuffle(merit)
        for index, (category, reason) in enumerate(plan):
            p = _Person(category=category, discharge_reason=reason)
            female = rng.random() < _FEMALE_ODDS[category]
            if category == "NCC":
                p.merit_type = merit.pop() if merit else "heroic_mother"
                female = p.merit_type in ("heroic_mother", "martyr_relative")
            p.sex = "female" if female else "male"
            if category == "TE":
                age = te_ages.pop()
            else:
                low, high = _AGES[category]
                age = rng.randint(low, high) if category != "NCT" else min(
                    high, low + int(abs(rng.gauss(16, 9))))
                if p.merit_type == "heroic_mother":
                    age = rng.randint(94, 99)
            born = _add_years(today, -age) - timedelta(days=rng.randint(30, 360))
            year_only = rng.random() < _YEAR_ONLY_ODDS[category]
            p.birth = BirthDate(born.year) if year_only else BirthDate(born.year, born)
            p.ethnicity = self.weighted(_ETHNICITIES) if category != "NCC" else "01"
            p.full_name = self.name(p.sex, age, p.ethnicity)
            # stay
            basis = p.birth.basis
            min_age = {"NCT": 60, "NCC": 60, "TE": 0, "CN": 18, "K": 16}.get(category, 10)
            earliest = max(date(2012, 1, 1), _add_years(basis, min_age) + timedelta(days=30))
            if reason is not None:
                p.discharge = self.day_between(max(today - timedelta(days=720), earliest + timedelta(days=90)),
                                               today - timedelta(days=3))
                p.admission = self.day_between(earliest, max(earliest, p.discharge - timedelta(days=200)))
                if p.admission >= p.discharge:
                    p.admission = p.discharge - timedelta(days=60)
            elif index in recent or earliest >= self.half_start:
                p.admission = self.day_between(max(earliest, self.half_start), today)
            else:
                p.admission = self.day_between(earliest, self.half_start - timedelta(days=1))
            p.admission = min(max(p.admission, basis + timedelta(days=3)), today)
            # disability
            if category in ("NKT", "TT") or (category == "TE" and rng.random() < 0.5) or (
                    category in ("NCT", "NCC") and rng.random() < 0.3):
                if category == "TT":
                    p.disability_type = "mental_neuro"
                elif category == "NKT":
                    p.disability_type = self.weighted([("mobility", 9), ("intellectual", 6), ("vision", 3),
                                                       ("hearing_speech", 3), ("mental_neuro", 2), ("other", 1)])
                elif category == "TE":
                    p.disability_type = self.weighted([("intellectual", 3), ("mobility", 2)])
                else:
                    p.disability_type = self.weighted([("mobility", 3), ("vision", 1)])
                    if p.merit_type in ("war_invalid", "agent_orange"):
                        p.disability_type = "mobility"
                p.severity = self.weighted([("especially_severe", 3), ("severe", 4), ("mild", 3)])
            self.people.append(p)
        # Codes and decisions follow the order of admission, as a register would.
        self.people.sort(key=lambda q: (q.admission, q.full_name))
        for number, p in enumerate(self.people, start=1):
            p.code = f"DT{number:04d}"
        # Identity numbers: abandoned children and wanderers often have none.
        for p in self.people:
            no_number = (p.category == "TE" and age_on(p.birth, self.today) < 6 and rng.random() < 0.6) or (
                p.category in ("TT", "K") and p.birth.year_only and rng.random() < 0.5) or (
                p.category in ("NKT", "TT") and rng.random() < 0.03)
            if no_number:
                p.cccd_note = "chưa có" if p.category == "TE" or p.birth.year_only else "đang làm thủ tục"
            else:
                p.cccd = self.new_cccd(p.birth.year, p.sex)
            self.add_conditions(p)

    def add_conditions(self, p: _Person) -> None:
        rng = self.rng
        codes: list[str] = []
        if p.category == "TT":
            codes.append(self.weighted([("F20", 10), ("F25", 2), ("F32", 2), ("F06", 2), ("F72", 1)]))
        if p.category == "CN":
            codes.append(self.weighted([("F11", 3), ("F15", 2)]))
        if p.disability_type and p.category != "TT":
            choices = _DISABILITY_CONDITION[p.disability_type]
            if p.category == "TE" and p.disability_type == "intellectual":
                choices = ["F70", "Q90", "F84"]
            if p.category in ("NCT", "NCC") and p.disability_type == "mobility":
                choices = ["I69", "I69", "M17", "G20"]
            codes.append(rng.choice(choices))
        for code, odds in _CONDITION_ODDS[p.category]:
            if rng.random() < odds and code not in codes:
                codes.append(code)
        if p.category == "NCT" and age_on(p.birth, self.today) >= 80 and "F03" not in codes and rng.random() < 0.2:
            codes.append("F03")
        p.conditions = codes

    def resident_rows(self) -> list[dict]:
        rng = self.rng
        rows = []
        decision_numbers: dict[int, int] = {}
        rooms = {
            "male": [f"A{floor}{n:02d}" for floor in (1, 2) for n in range(1, 11)],
            "female": [f"B{floor}{n:02d}" for floor in (1, 2) for n in range(1, 11)],
            "child": [f"C1{n:02d}" for n in range(1, 7)],
            "mental_male": [f"D1{n:02d}" for n in range(1, 7)],
            "mental_female": [f"D2{n:02d}" for n in range(1, 5)],
        }
        for p in self.people:
            year = p.admission.year
            decision_numbers[year] = decision_numbers.get(year, rng.randint(8, 30)) + rng.randint(1, 6)
            if p.category == "TE":
                room_list = rooms["child"]
            elif p.category in ("TT", "CN"):
                room_list = rooms["mental_" + p.sex]
            else:
                room_list = rooms[p.sex]
            address, commune = self.address(p.ethnicity, p.admission)
            if p.discharge_reason is None:
                status = "in_care"
            else:
                status = "deceased" if p.discharge_reason == "deceased" else "discharged"
            notes = None
            if rng.random() < 0.12:
                notes = rng.choice(["Ăn chế độ ăn mềm", "Dị ứng penicillin", "Cần người hỗ trợ khi tắm",
                                    "Nguy cơ ngã cao, dùng thanh chắn giường", "Ăn chay"])
            if p.cccd is None and p.category == "TE":
                address = "Không rõ; trẻ bị bỏ rơi, được tìm thấy tại " + commune
            rows.append({
                "code": p.code,
                "full_name": p.full_name,
                "search_name": search_key(p.full_name),
                "sort_key": name_sort_key(p.full_name, p.birth),
                "sex": p.sex,
                "birth_year": p.birth.year,
                "birth_date": p.birth.date,
                "ethnicity": ethnicity_name(p.ethnicity),
                "cccd": p.cccd,
                "cccd_note": p.cccd_note,
                "address": address,
                "province": "Thanh Hóa",
                "commune": commune,
                "category": p.category,
                "merit_type": p.merit_type,
                "disability_type": p.disability_type,
                "disability_severity": p.severity,
                "admission_date": p.admission,
                "admission_decision": f"{decision_numbers[year]}/QĐ-{CENTRE_SYMBOL}",
                "room": rng.choice(room_list) if status == "in_care" else None,
                "status": status,
                "discharge_date": p.discharge,
                "discharge_reason": p.discharge_reason,
                "discharge_note": rng.choice(_DISCHARGE_NOTES[p.discharge_reason]) if p.discharge_reason else None,
                "notes": notes,
            })
        return rows

    def contact_rows(self) -> list[dict]:
        rng = self.rng
        rows = []
        for p in self.people:
            if p.cccd is None and (p.category == "TE" or p.birth.year_only):
                continue  # abandoned children and wanderers: nobody to call
            if rng.random() < 0.1:
                continue
            age = age_on(p.birth, self.today)
            if p.category == "TE":
                relations = ["Bà ngoại", "Bà nội", "Bác ruột", "Cô ruột", "Dì ruột", "Mẹ"]
            elif age >= 60:
                relations = ["Con trai", "Con gái", "Cháu ruột", "Em trai", "Em gái", "Cháu gọi bằng bác"]
            else:
                relations = ["Mẹ", "Bố", "Anh trai", "Chị gái", "Em trai", "Vợ", "Chồng", "Bác ruột"]
            relations = [r for r in relations if r != ("Vợ" if p.sex == "female" else "Chồng")]
            count = 2 if rng.random() < 0.4 else 1
            address, _commune = self.address(p.ethnicity, p.admission)
            chosen = rng.sample(relations, count)
            for n, relation in enumerate(chosen):
                sex = "female" if relation in ("Bà ngoại", "Bà nội", "Cô ruột", "Dì ruột", "Mẹ", "Con gái",
                                               "Em gái", "Chị gái", "Vợ") else "male"
                rel_age = {"Bà ngoại": 70, "Bà nội": 70, "Mẹ": 45, "Bố": 50}.get(relation, 45)
                rows.append({
                    "resident": p.id,
                    "full_name": self.name(sex, rel_age, p.ethnicity),
                    "relationship": relation,
                    "phone": self.phone(),
                    "address": address,
                    "is_guardian": n == 0,
                    "notes": None,
                })
        return rows

    # --- insurance -----------------------------------------------------------------------------

    def card_rows(self) -> list[dict]:
        rng, today = self.rng, self.today
        order = [p.code for p in self.people if p.in_care_on(today)]
        rng.shuffle(order)
        # No card yet: two of the newly admitted (card in the making) and four others.
        recent = [c for c in order if self.person(c).admission >= self.half_start][:2]
        no_card = recent + [c for c in order if c not in recent][:6 - len(recent)]
        rest = [c for c in order if c not in no_card]
        bucket = {c: "none" for c in no_card}
        bucket.update({c: "expired" for c in rest[:8]})
        bucket.update({c: "expiring" for c in rest[8:18]})
        bucket.update({c: "valid" for c in rest[18:]})
        rows = []
        for p in self.people:
            kind = bucket.get(p.code, "past")
            if kind == "none":
                continue
            sin = self.new_social_insurance_no()
            facility = rng.choice(_FACILITIES)
            periods: list[tuple[date, date]] = []
            if kind == "past":
                end = p.discharge or today
                periods.append((date(end.year, 1, 1), date(end.year, 12, 31)))
                if rng.random() < 0.5:
                    periods.insert(0, (date(end.year - 1, 1, 1), date(end.year - 1, 12, 31)))
            elif kind == "expired":
                end = today - timedelta(days=rng.randint(5, 200))
                periods.append((end - timedelta(days=364), end))
            elif kind == "expiring":
                end = today + timedelta(days=rng.randint(0, 27))
                periods.append((min(today, end - timedelta(days=364)), end))
            else:
                end = _year_end(today) if (_year_end(today) - today).days > 60 and rng.random() < 0.6 \
                    else date(today.year + 1, 12, 31)
                start = date(today.year, 1, 1)
                if p.admission >= self.half_start:
                    start = p.admission
                periods.append((start, end))
            # Older cards: a history of one or two expired cards before the current one.
            if kind in ("valid", "expiring", "expired") and rng.random() < 0.35:
                first = periods[0][0]
                for _n in range(rng.randint(1, 2)):
                    prev_end = first - timedelta(days=1)
                    first = date(prev_end.year, 1, 1)
                    periods.insert(0, (first, prev_end))
            basis = p.birth.basis
            periods = [(max(s, basis), e) for s, e in periods if e > basis]
            new_form_from = len(periods) - 1 if kind in ("valid", "expiring") and rng.random() < 0.08 else None
            for n, (start, end) in enumerate(periods):
                group = self.card_group(p, start)
                level = {"CC": 1, "TE": 1, "CK": 2, "BT": 2, "HT": 3, "DN": 4}[group]
                number = sin if new_form_from is not None and n >= new_form_from else f"{group}{level}38{sin}"
                decoded = decode_card(number)
                rows.append({
                    "resident": p.id,
                    "number": decoded.number,
                    "group_code": decoded.group,
                    "benefit_level": decoded.level,
                    "province_code": decoded.province_code,
                    "social_insurance_no": decoded.social_insurance_no,
                    "valid_from": start,
                    "valid_to": end,
                    "facility_code": facility[0],
                    "facility_name": facility[1],
                    "note": None,
                })
        return rows

    def person(self, code: str) -> _Person:
        return next(p for p in self.people if p.code == code)

    def card_group(self, p: _Person, start: date) -> str:
        if p.category == "NCC":
            return "CC" if p.merit_type in ("war_invalid", "heroic_mother", "agent_orange") else "CK"
        if p.category == "TE" and age_on(p.birth, start) < 6:
            return "TE"
        digits = sum(int(ch) for ch in p.code[2:])
        if p.category == "NCT" and digits % 9 == 0:
            return "HT"  # a retired civil servant: pension card
        if p.category == "CN" and digits % 3 == 0 and start.year < self.today.year:
            return "DN"  # an old card from a job before admission
        return "BT"

    # --- health --------------------------------------------------------------------------------

    def examiners_on(self, day: date) -> list[_Employee]:
        found = [e for e in self.staff if e.position in ("doctor", "assistant_doctor", "nurse") and e.employed_on(day)]
        return found or [e for e in self.staff if e.position in ("doctor", "nurse")]

    def check_rows(self) -> list[dict]:
        rng, today = self.rng, self.today
        rows = []
        in_care = [p for p in self.people if p.in_care_on(today)]
        order = list(in_care)
        rng.shuffle(order)
        # Some residents lapse: their last check is more than a year old (or they were never checked).
        stale_pool = [p for p in order if p.admission <= today - timedelta(days=480)]
        stale = {p.code for p in stale_pool[:5]}
        never = {p.code for p in order if p.code not in stale and p.admission >= self.half_start}
        never = set(sorted(never)[:1])
        sparse = {p.code for p in order[5:20]}
        for p in self.people:
            if p.code in never:
                continue
            first = max(p.admission, today - timedelta(days=rng.randint(365, 720)))
            last = min(p.discharge or today, today)
            if p.code in stale:
                first = max(p.admission, today - timedelta(days=rng.randint(650, 760)))
                last = today - timedelta(days=rng.randint(380, 560))
            step = (60, 100) if p.code in sparse else (24, 40)
            day = first + timedelta(days=rng.randint(0, 10)) if first + timedelta(days=10) < last else first
            hypertensive = "I10" in p.conditions
            diabetic = "E11" in p.conditions
            copd = "J44" in p.conditions
            child = age_on(p.birth, today) < 16
            build = rng.uniform(0.9, 1.1)  # a child's growth, relative to the average
            adult_weight = rng.uniform(38, 62) + (6 if p.sex == "male" else 0)
            adult_height = rng.uniform(148, 172) - (8 if p.sex == "female" else 0)
            n = 0
            while day <= last:
                examiner = rng.choice(self.examiners_on(day))
                months = (day - p.birth.basis).days / 30.4
                small = child and months < 72
                weight = _child_weight(months) * build if child else adult_weight
                height = _child_height(months) * (1 + (build - 1) / 3) if child else adult_height
                systolic = None if small else (rng.randint(138, 165) if hypertensive and rng.random() < 0.6
                                               else rng.randint(102, 136))
                diastolic = None if systolic is None else min(95, max(60, systolic - rng.randint(45, 62)))
                findings = self.findings(p, child)
                rows.append({
                    "resident": p.id,
                    "check_date": day,
                    "pulse": rng.randint(64, 100) if child else rng.randint(60, 96),
                    "systolic": systolic,
                    "diastolic": diastolic,
                    "temperature": round(rng.uniform(36.2, 37.6), 1),
                    "weight_kg": round(weight + rng.uniform(-0.04, 0.04) * weight, 1),
                    "height_cm": round(height, 0) if n % 6 == 0 else None,
                    "spo2": rng.randint(93, 96) if copd else rng.randint(95, 99),
                    "glucose": round(rng.uniform(6.5, 11.0), 1) if diabetic else (
                        round(rng.uniform(4.2, 6.4), 1) if not child and rng.random() < 0.15 else None),
                    "examiner": examiner.full_name,
                    "findings": findings,
                })
                n += 1
                day += timedelta(days=rng.randint(*step))
        return rows

    def findings(self, p: _Person, child: bool) -> str:
        rng = self.rng
        if child and rng.random() < 0.7:
            return rng.choice(_FINDINGS_CHILD)
        specific = [c for c in p.conditions if c in _FINDINGS_BY_CODE]
        if specific and rng.random() < 0.6:
            return rng.choice(_FINDINGS_BY_CODE[rng.choice(specific)])
        return rng.choice(_FINDINGS_NORMAL)

    def condition_rows(self) -> list[dict]:
        rng, today = self.rng, self.today
        rows = []
        for p in self.people:
            basis = p.birth.basis
            for code in p.conditions:
                title, chronic, ncd = ICD[code]
                if code in ("G80", "Q90", "F70", "F72", "F84"):
                    onset = basis + timedelta(days=rng.randint(30, 900)) if code != "Q90" else basis
                elif age_on(p.birth, today) < 16:
                    onset = self.day_between(basis + timedelta(days=180), today - timedelta(days=30))
                else:
                    onset = self.day_between(max(basis + timedelta(days=365 * 12), date(1990, 1, 1)),
                                             p.admission + timedelta(days=200))
                onset = min(onset, today - timedelta(days=1))
                active = not (code == "K29" and rng.random() < 0.3)
                resolved = None if active else self.day_between(onset, today)
                rows.append({
                    "resident": p.id, "icd10": code, "title": title, "chronic": chronic, "ncd": ncd,
                    "onset_date": onset, "status": "active" if active else "resolved",
                    "resolved_date": resolved, "notes": None,
                })
            if rng.random() < 0.2:
                code = rng.choice(_ACUTE)
                title, chronic, ncd = ICD[code]
                end = min(p.discharge or today, today)
                onset = self.day_between(max(p.admission, today - timedelta(days=540)), end)
                resolved = onset + timedelta(days=rng.randint(5, 20))
                active = resolved > today
                rows.append({
                    "resident": p.id, "icd10": code, "title": title, "chronic": False, "ncd": False,
                    "onset_date": onset, "status": "active" if active else "resolved",
                    "resolved_date": None if active else resolved, "notes": None,
                })
        return rows

    def referral_rows(self) -> list[dict]:
        rng, today = self.rng, self.today
        rows = []
        candidates = [p for p in self.people if (p.discharge or today) >= today - timedelta(days=500)]
        for _n in range(20):
            p = rng.choice(candidates)
            choices = [r for r in _REFERRALS if self.referral_fits(p, r[0], r[1])]
            facility, reason, result, days = rng.choice(choices)
            end = min(p.discharge or today, today)
            start = max(p.admission, today - timedelta(days=540))
            when = self.day_between(start, end)
            back = when + timedelta(days=days)
            ongoing = back > end
            rows.append({
                "resident": p.id, "referral_date": when, "facility": facility, "reason": reason,
                "result": "Đang điều trị" if ongoing else result, "return_date": None if ongoing else back,
            })
        rows.sort(key=lambda r: r["referral_date"])
        return rows

    def referral_fits(self, p: _Person, facility: str, reason: str) -> bool:
        age = age_on(p.birth, self.today)
        if "Nhi" in facility:
            return age < 16
        if "Tâm thần" in facility:
            return p.category in ("TT", "CN") or "G40" in p.conditions
        if "Mắt" in facility:
            return "H25" in p.conditions or age >= 60
        if "Phổi" in facility:
            return "J44" in p.conditions
        if "Phục hồi" in facility:
            return p.disability_type == "mobility"
        if "Yếu nửa người" in reason or "Huyết áp" in reason:
            return age >= 45
        return age >= 16

    # --- staff and training --------------------------------------------------------------------

    def make_staff(self) -> list[dict]:
        rng, today = self.rng, self.today
        rows = []
        licensed = [i for i, s in enumerate(_STAFF) if s[0] in LICENSED_POSITIONS and s[1] not in _LEFT]
        expiring = {licensed[0]: 40, licensed[len(licensed) // 2]: 75}
        expired = {licensed[-2]: -20}
        licence_serial = rng.randint(800, 2400)
        for index, (position, full_name, sex, qualification, contract) in enumerate(_STAFF, start=0):
            age = rng.randint(24, 56) if position != "manager" else rng.randint(45, 57)
            birth = date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
            latest = date(2018, 12, 31) if position == "manager" else today - timedelta(days=200)
            start = self.day_between(max(date(2006, 1, 1), _add_years(birth, 22)), latest)
            leave = None
            if full_name in _LEFT:
                leave = today - timedelta(days=rng.randint(60, 300))
                start = min(start, leave - timedelta(days=700))
            employee = _Employee(f"NV{index + 1:03d}", normalize(full_name), sex, position, birth, start, leave)
            self.staff.append(employee)
            licence_no = licence_expiry = None
            if position in LICENSED_POSITIONS or (position == "manager" and "Bác sĩ" in qualification):
                licence_serial += rng.randint(3, 90)
                licence_no = f"{licence_serial:06d}/TH-CCHN"
                if index in expiring:
                    licence_expiry = today + timedelta(days=expiring[index])
                elif index in expired:
                    licence_expiry = today + timedelta(days=expired[index])
                else:
                    licence_expiry = today + timedelta(days=rng.randint(200, 1700))
            rows.append({
                "code": employee.code,
                "full_name": employee.full_name,
                "search_name": search_key(employee.full_name),
                "sort_key": name_sort_key(employee.full_name, birth),
                "sex": sex,
                "birth_date": birth,
                "position": position,
                "qualification": qualification,
                "contract_type": contract,
                "start_date": start,
                "leave_date": leave,
                "licence_no": licence_no,
                "licence_expiry": licence_expiry,
                "phone": self.phone(),
                "notes": "Nghỉ việc theo nguyện vọng cá nhân" if leave else None,
            })
        return rows

    def course_plan(self) -> list[tuple[date, int]]:
        """(start date, index into _COURSES): five courses last year, three this year so far."""
        today = self.today
        last_year = today.year - 1
        plan = [(date(last_year, month, self.rng.randint(6, 24)), index)
                for month, index in zip((3, 5, 7, 9, 11), (0, 1, 2, 3, 4), strict=True)]
        year_start = date(today.year, 1, 1)
        span = (today - year_start).days
        for k, index in enumerate((5, 6, 7), start=1):
            days = _COURSES[index][5]
            start = year_start + timedelta(days=span * k // 4)
            start = max(year_start, min(start, today - timedelta(days=days - 1)))
            plan.append((start, index))
        return plan

    def training(self) -> tuple[list[dict], list[tuple[str, list[dict]]]]:
        rng = self.rng
        courses, attendance = [], []
        numbers: dict[int, int] = {}
        for start, index in self.course_plan():
            field_code, title, organiser, place, hours, days, who = _COURSES[index]
            if organiser is None:
                organiser = DOH if start >= REORGANISATION else DOLISA
            numbers[start.year] = numbers.get(start.year, 0) + 1
            code = f"TH{start.year}-{numbers[start.year]:02d}"
            courses.append({
                "code": code, "title": title, "field": field_code, "organiser": organiser,
                "start_date": start, "end_date": start + timedelta(days=days - 1), "hours": float(hours),
                "place": place,
            })
            employed = [e for e in self.staff if e.employed_on(start)]
            preferred = [e for e in employed if e.position in who]
            others = [e for e in employed if e.position not in who]
            size = rng.randint(9, 14) if start.year < self.today.year else rng.randint(10, 13)
            chosen = rng.sample(preferred, min(size, len(preferred)))
            if len(chosen) < 5:
                chosen += rng.sample(others, min(5 - len(chosen), len(others)))
            chosen.sort(key=lambda e: e.code)
            abbr = _ORGANISER_ABBR.get(organiser, "GCN")
            serial = rng.randint(10, 200)
            rows = []
            for employee in chosen:
                completed = rng.random() < 0.9
                serial += 1
                rows.append({
                    "staff": employee.id, "completed": completed,
                    "certificate_no": f"{serial:03d}/{start.year}/GCN-{abbr}" if completed else None,
                })
            attendance.append((code, rows))
        return courses, attendance

    # --- rehabilitation ------------------------------------------------------------------------

    def barthel_start(self, p: _Person) -> dict[str, int]:
        level = {"especially_severe": 0.15, "severe": 0.4, "mild": 0.7}.get(p.severity or "", 0.75)
        if p.category == "TT":
            level = min(0.95, level + 0.25)
        items = {}
        for item, allowed in ALLOWED.items():
            position = level * (len(allowed) - 1) + self.rng.uniform(-0.8, 0.8)
            items[item] = allowed[min(len(allowed) - 1, max(0, round(position)))]
        return items

    def barthel_next(self, items: dict[str, int]) -> dict[str, int]:
        rng = self.rng
        result = dict(items)
        roll = rng.random()
        step = 1 if roll < 0.65 else 0 if roll < 0.85 else -1
        if step == 0:
            return result
        names = list(ALLOWED)
        rng.shuffle(names)
        changes = rng.randint(1, 3) if step > 0 else rng.randint(1, 2)
        for item in names:
            allowed = ALLOWED[item]
            i = allowed.index(result[item]) + step
            if 0 <= i < len(allowed):
                result[item] = allowed[i]
                changes -= 1
                if changes == 0:
                    break
        return result

    def rehab(self) -> dict[str, list]:
        """Plans, each with its goals, interventions, sessions and assessments, as nested plain data."""
        rng, today = self.rng, self.today
        in_care = [p for p in self.people if p.in_care_on(today)]
        weight = {"NKT": 0.9, "TT": 0.55, "NCT": 0.25, "TE": 0.35, "NCC": 0.4, "CN": 0.2, "K": 0.1}
        chosen = []
        for p in in_care:
            age = age_on(p.birth, today)
            needs = p.disability_type is not None or bool({"I69", "I63", "M17", "F03", "G20"} & set(p.conditions))
            if p.category == "TE" and age < 6:
                continue
            if p.admission > today - timedelta(days=20):
                continue
            if rng.random() < weight[p.category] + (0.2 if needs else 0):
                chosen.append(p)
        rng.shuffle(chosen)
        chosen = sorted(chosen[:40], key=lambda q: q.code)
        statuses = ["draft"] * 3 + ["reviewed"] * 3 + ["closed"] * 2
        statuses = (statuses + ["active"] * len(chosen))[:len(chosen)]
        rng.shuffle(statuses)
        chains = set(rng.sample(range(len(chosen)), 3))
        plans = []
        for n, (p, status) in enumerate(zip(chosen, statuses, strict=True)):
            if n in chains and status == "active" and p.admission <= today - timedelta(days=420):
                old_start = self.day_between(max(p.admission, today - timedelta(days=700)),
                                             today - timedelta(days=400))
                old_end = old_start + timedelta(days=rng.randint(150, 200))
                old = self.plan(p, "closed", old_start, old_end)
                plans.append(old)
                new = self.plan(p, "active", old_end + timedelta(days=1), None,
                                baseline=old["assessments"][-1]["items"])
                new["previous"] = old
                plans.append(new)
                continue
            if status == "draft":
                start = today - timedelta(days=rng.randint(0, 14))
                end = None
            elif status == "closed":
                start = self.day_between(max(p.admission, today - timedelta(days=420)), today - timedelta(days=130))
                end = start + timedelta(days=rng.randint(90, 120))
            else:
                start = self.day_between(max(p.admission + timedelta(days=7), today - timedelta(days=420)),
                                         today - timedelta(days=25))
                end = None
            start = max(start, p.admission)
            plans.append(self.plan(p, status, start, end))
        return {"plans": plans}

    def plan(self, p: _Person, status: str, start: date, end: date | None,
             baseline: dict[str, int] | None = None) -> dict:
        rng, today = self.rng, self.today
        technicians = [e for e in self.staff if e.position == "rehab_technician" and e.employed_on(start)] or [
            e for e in self.staff if e.position == "rehab_technician"]
        workers = [e for e in self.staff if e.position == "social_worker" and e.employed_on(start)] or technicians
        responsible = rng.choice(technicians)
        if status == "active":
            span = rng.choice((90, 120, 180))
            if rng.random() < 0.2 and (today - start).days > 45:
                # a review the team has let slip: the dashboard and the rehab screen show it
                review = today - timedelta(days=rng.randint(3, min(30, (today - start).days - 30)))
            else:
                review = start + timedelta(days=span)
                while review < today + timedelta(days=7):  # earlier reviews kept the plan going
                    review += timedelta(days=span)
        elif status == "draft":
            review = start + timedelta(days=90)
        else:
            review = (end or today) if status == "closed" else start + timedelta(days=90)
        domains = rng.sample(_DOMAINS_BY_CATEGORY[p.category], min(len(_DOMAINS_BY_CATEGORY[p.category]),
                                                                    rng.randint(2, 4)))
        goals = []
        for domain in domains:
            target = start + timedelta(days=rng.choice((90, 120, 180)))
            goal = {"domain": domain, "statement": rng.choice(_GOALS[domain]), "target_date": target,
                    "status": "open", "achieved_date": None, "outcome_note": None}
            last_day = min(end or today, today)
            if status != "draft" and rng.random() < 0.35 and start + timedelta(days=14) <= last_day:
                low = max(start + timedelta(days=14), self.half_start if status != "closed" else start)
                goal["status"] = "achieved"
                goal["achieved_date"] = self.day_between(min(low, last_day), last_day)
                goal["outcome_note"] = "Đạt mục tiêu, duy trì tập luyện"
            elif status in ("closed", "reviewed") and rng.random() < 0.5:
                goal["status"] = "partly"
                goal["outcome_note"] = "Tiến bộ nhưng chưa đạt hoàn toàn, tiếp tục ở kế hoạch sau"
            goals.append(goal)
        kinds = _INTERVENTIONS_BY_CATEGORY[p.category]
        kinds = rng.sample(kinds, min(len(kinds), rng.randint(1, 3)))
        interventions = []
        for kind in kinds:
            staff = rng.choice(workers) if kind == "psychological" else rng.choice(technicians)
            interventions.append({"kind": kind, "description": _INTERVENTIONS[kind], "per_week": rng.randint(2, 5),
                                  "minutes": rng.choice((30, 30, 45, 60)), "responsible": staff, "sessions": []})
        if status != "draft":
            # most planned sessions take place (a few missed for illness, holidays, staff away)
            first = max(start, today - timedelta(days=400))
            last = min(end or today, today)
            day = first
            while day <= last:
                for item in interventions:
                    if day.weekday() < 6 and rng.random() < item["per_week"] / 6 * 0.85:
                        staff = item["responsible"] if rng.random() < 0.8 else rng.choice(technicians)
                        item["sessions"].append({"session_date": day, "minutes": rng.randint(4, 12) * 5,
                                                 "staff": staff})
                day += timedelta(days=1)
        assessor = rng.choice(technicians)
        items = dict(baseline) if baseline else self.barthel_start(p)
        assessments = [{"assessed_on": start, "items": items, "assessor": assessor,
                        "note": "Đánh giá ban đầu"}]
        later_end = min(end or today, today)
        if status != "draft" and (later_end - start).days >= 30 and rng.random() < 0.85:
            when = later_end - timedelta(days=rng.randint(0, min(20, (later_end - start).days - 25)))
            assessments.append({"assessed_on": when, "items": self.barthel_next(items),
                                "assessor": rng.choice(technicians), "note": "Đánh giá lại"})
        summary = {
            "NKT": "Phục hồi chức năng vận động và sinh hoạt hằng ngày",
            "TT": "Ổn định hành vi, tăng kỹ năng sống và hòa nhập",
            "NCT": "Duy trì vận động, phòng ngã, tăng khả năng tự chăm sóc",
            "NCC": "Duy trì vận động, giảm đau, phòng biến chứng",
            "TE": "Can thiệp sớm: giao tiếp, tự phục vụ, vận động",
            "CN": "Hỗ trợ tâm lý, phòng tái nghiện, lao động trị liệu",
            "K": "Tăng khả năng tự chăm sóc và hòa nhập",
        }[p.category]
        return {"person": p, "status": status, "start": start, "end": end, "review": review,
                "responsible": responsible, "summary": summary, "goals": goals,
                "interventions": interventions, "assessments": assessments, "previous": None}


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _child_weight(months: float) -> float:
    """A rough median weight (kg) for a child's age in months."""
    if months <= 6:
        return 3.3 + 0.65 * max(0.0, months)
    if months <= 24:
        return 7.2 + 0.24 * (months - 6)
    return 11.5 + 0.19 * (months - 24)


def _child_height(months: float) -> float:
    """A rough median height (cm) for a child's age in months."""
    if months <= 6:
        return 50 + 2.6 * max(0.0, months)
    if months <= 24:
        return 65.6 + 1.1 * (months - 6)
    return 85.4 + 0.53 * (months - 24)


# --- loading ------------------------------------------------------------------------------------

def centre_is_empty() -> bool:
    return not (Resident.select().exists() or Staff.select().exists() or TrainingCourse.select().exists())


def load_demo(actor: Actor, *, today: date | None = None, seed: int = DEFAULT_SEED) -> DemoSummary:
    """Fills an empty centre with the demo centre, all in one transaction.

    Raises ValidationError when the centre already has residents (or staff, or courses): the demo
    never mixes with real records.
    """
    require(actor, "settings.edit")
    today = today or date.today()
    with write_transaction():
        if not centre_is_empty():
            raise ValidationError(_("Cơ sở dữ liệu đã có đối tượng, nhân viên hoặc khóa tập huấn: "
                                    "chỉ nạp dữ liệu mẫu vào một cơ sở dữ liệu trống."))
        settings_before = Setting.select().count()
        settings.put(actor, dict(_CENTRE_SETTINGS), effective_from=SETTINGS_FROM)
        settings.put(actor, dict(_SETTINGS_2025), effective_from=REORGANISATION)
        settings.seed_programme_defaults(actor)
        counts = _load_records(_Builder(today, seed))
        counts["settings"] = Setting.select().count() - settings_before
        summary = DemoSummary(**counts)
        audit.record(actor, "demo", "centre", None, summary=summary.audit_text(),
                     changes={"seed": seed, "today": today.isoformat(), "counts": summary.as_dict()})
    return summary


def _load_records(builder: _Builder) -> dict[str, int]:
    today = builder.today
    counts: dict[str, int] = {}

    staff_rows = builder.make_staff()
    counts["staff"] = _insert(Staff, staff_rows)
    staff_ids = dict(Staff.select(Staff.code, Staff.id).tuples())
    for employee in builder.staff:
        employee.id = staff_ids[employee.code]

    builder.make_people()
    counts["residents"] = _insert(Resident, builder.resident_rows())
    resident_ids = dict(Resident.select(Resident.code, Resident.id).tuples())
    for p in builder.people:
        p.id = resident_ids[p.code]
    counts["in_care"] = sum(1 for p in builder.people if p.in_care_on(today))
    counts["discharged"] = counts["residents"] - counts["in_care"]

    counts["contacts"] = _insert(Contact, builder.contact_rows())
    counts["insurance_cards"] = _insert(InsuranceCard, builder.card_rows())
    counts["health_checks"] = _insert(HealthCheck, builder.check_rows())
    counts["conditions"] = _insert(Condition, builder.condition_rows())
    counts["referrals"] = _insert(Referral, builder.referral_rows())

    courses, attendance = builder.training()
    counts["training_courses"] = _insert(TrainingCourse, courses)
    course_ids = dict(TrainingCourse.select(TrainingCourse.code, TrainingCourse.id).tuples())
    attendance_rows = [dict(row, course=course_ids[code]) for code, rows in attendance for row in rows]
    counts["training_attendance"] = _insert(TrainingAttendance, attendance_rows)

    counts.update(_load_rehab(builder.rehab()["plans"]))

    items = []
    for checklist, titles, not_met in (("phc_rehab", STARTER_PHC_REHAB, _PHC_NOT_MET),
                                       ("technical", STARTER_TECHNICAL, _TECHNICAL_NOT_MET)):
        for position, title in enumerate(titles, start=1):
            met = title not in not_met
            met_on = builder.day_between(date(2021, 3, 1), today - timedelta(days=30)) if met else None
            items.append({"checklist": checklist, "position": position, "title": title, "met": met,
                          "met_on": met_on, "note": not_met.get(title), "starter": True})
    counts["facility_items"] = _insert(FacilityItem, items)
    return counts


def _load_rehab(plans: list[dict]) -> dict[str, int]:
    goals, sessions, assessments = [], [], []
    interventions = 0
    for plan in plans:
        p = plan["person"]
        row = RehabPlan.create(
            resident=p.id, start_date=plan["start"], review_date=plan["review"], end_date=plan["end"],
            responsible=plan["responsible"].id, status=plan["status"], summary=plan["summary"],
            previous=plan["previous"]["id"] if plan["previous"] else None,
        )
        plan["id"] = row.id
        for goal in plan["goals"]:
            goals.append(dict(goal, plan=row.id))
        for item in plan["interventions"]:
            intervention = RehabIntervention.create(
                plan=row.id, kind=item["kind"], description=item["description"], per_week=item["per_week"],
                minutes=item["minutes"], responsible=item["responsible"].id)
            interventions += 1
            for session in item["sessions"]:
                sessions.append({"resident": p.id, "plan": row.id, "intervention": intervention.id,
                                 "session_date": session["session_date"], "minutes": session["minutes"],
                                 "staff": session["staff"].id, "note": None})
        for assessment in plan["assessments"]:
            assessments.append({
                "resident": p.id, "plan": row.id, "kind": "barthel", "assessed_on": assessment["assessed_on"],
                "items": assessment["items"], "total": sum(assessment["items"].values()),
                "assessor": assessment["assessor"].id, "assessor_name": assessment["assessor"].full_name,
                "note": assessment["note"],
            })
    sessions.sort(key=lambda s: (s["session_date"], s["resident"]))
    return {
        "rehab_plans": len(plans),
        "rehab_goals": _insert(RehabGoal, goals),
        "rehab_interventions": interventions,
        "rehab_sessions": _insert(RehabSession, sessions),
        "assessments": _insert(Assessment, assessments),
    }
