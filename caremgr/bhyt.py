"""Health-insurance cards (thẻ BHYT): card numbers, validity dates, status on a day.

The legacy card number is ``GG L PP NNNNNNNNNN``: beneficiary group, benefit level, issuing
province, 10-digit social-insurance number. Newer cards (and the VssID app) show only the
social-insurance number. Cards are issued by the social-insurance agency, not the centre, so
anything unusual about the group or level is a warning: the centre must record what is printed.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from caremgr.dates import BirthDate, age_on, format_date
from caremgr.errors import Findings
from caremgr.i18n import N_, _

# What each benefit level pays (Decision 1351/QĐ-BHXH and the Law on Health Insurance).
BENEFIT_LEVELS: dict[int, str] = {
    1: N_("100% chi phí KCB, không giới hạn tỷ lệ thanh toán một số thuốc, hóa chất, vật tư y tế, "
          "dịch vụ kỹ thuật"),
    2: N_("100% chi phí KCB (có giới hạn với một số thuốc, vật tư, dịch vụ kỹ thuật theo quy định)"),
    3: N_("95% chi phí KCB"),
    4: N_("80% chi phí KCB"),
    5: N_("100% chi phí KCB, kể cả chi phí ngoài phạm vi được hưởng BHYT"),
}

ALWAYS = _dt.date(1900, 1, 1)
# Law 51/2024/QH15 amending the Law on Health Insurance takes effect on this day.
LAW_51_2024 = _dt.date(2025, 7, 1)


@dataclass(frozen=True)
class Group:
    code: str
    description: str
    # (effective_from, level), oldest first: when the law moves a group, append a row.
    levels: tuple[tuple[_dt.date, int], ...]

    def level_on(self, day: _dt.date) -> int:
        current = self.levels[0][1]
        for start, level in self.levels:
            if start <= day:
                current = level
        return current


def _g(code: str, level: int, description: str, *changes: tuple[_dt.date, int]) -> Group:
    return Group(code, description, ((ALWAYS, level), *changes))


GROUPS: dict[str, Group] = {g.code: g for g in [
    # Level 1
    _g("CC", 1, N_("Người có công với cách mạng")),
    _g("TE", 1, N_("Trẻ em dưới 6 tuổi")),
    # Level 2
    _g("CK", 2, N_("Người có công với cách mạng khác (trừ nhóm CC)")),
    _g("CB", 2, N_("Cựu chiến binh")),
    _g("KC", 2, N_("Người tham gia kháng chiến, bảo vệ Tổ quốc, làm nhiệm vụ quốc tế")),
    _g("HN", 2, N_("Người thuộc hộ gia đình nghèo")),
    _g("DT", 2, N_("Người dân tộc thiểu số sống ở vùng có điều kiện kinh tế - xã hội khó khăn")),
    _g("DK", 2, N_("Người sống ở vùng có điều kiện kinh tế - xã hội đặc biệt khó khăn")),
    _g("XD", 2, N_("Người sống ở xã đảo, huyện đảo")),
    _g("BT", 2, N_("Người thuộc diện hưởng trợ cấp bảo trợ xã hội hằng tháng")),
    _g("TS", 2, N_("Thân nhân liệt sĩ (cha mẹ đẻ, vợ hoặc chồng, con), người có công nuôi dưỡng liệt sĩ")),
    # Level 3
    _g("HT", 3, N_("Người hưởng lương hưu, trợ cấp mất sức lao động")),
    _g("TC", 3, N_("Thân nhân của người có công với cách mạng (trừ nhóm TS)")),
    _g("CN", 3, N_("Người thuộc hộ gia đình cận nghèo"), (LAW_51_2024, 2)),
    # Level 4
    _g("DN", 4, N_("Người lao động làm việc trong doanh nghiệp")),
    _g("HX", 4, N_("Người lao động làm việc trong hợp tác xã, liên hiệp hợp tác xã")),
    _g("CH", 4, N_("Người lao động làm việc trong cơ quan nhà nước, đơn vị sự nghiệp, tổ chức chính trị - xã hội")),
    _g("NN", 4, N_("Người lao động làm việc trong cơ quan, tổ chức nước ngoài, tổ chức quốc tế tại Việt Nam")),
    _g("TK", 4, N_("Người lao động làm việc trong tổ chức khác có sử dụng lao động")),
    _g("HC", 4, N_("Cán bộ, công chức, viên chức")),
    _g("XK", 4, N_("Người hoạt động không chuyên trách ở xã, phường, thị trấn")),
    _g("TB", 4, N_("Người hưởng trợ cấp tai nạn lao động, bệnh nghề nghiệp hằng tháng")),
    _g("NO", 4, N_("Người lao động nghỉ việc hưởng chế độ ốm đau dài ngày")),
    _g("CT", 4, N_("Người từ đủ 80 tuổi trở lên hưởng trợ cấp tuất hằng tháng")),
    _g("XB", 4, N_("Cán bộ xã, phường, thị trấn đã nghỉ việc hưởng trợ cấp bảo hiểm xã hội hằng tháng")),
    _g("TN", 4, N_("Người hưởng trợ cấp thất nghiệp")),
    _g("CS", 4, N_("Công nhân cao su nghỉ việc hưởng trợ cấp hằng tháng")),
    _g("XN", 4, N_("Cán bộ xã, phường, thị trấn đã nghỉ việc hưởng trợ cấp hằng tháng từ ngân sách nhà nước")),
    _g("MS", 4, N_("Người đã thôi hưởng trợ cấp mất sức lao động, hưởng trợ cấp hằng tháng từ ngân sách nhà nước")),
    _g("HD", 4, N_("Đại biểu Quốc hội, đại biểu Hội đồng nhân dân đương nhiệm")),
    _g("TQ", 4, N_("Thân nhân của quân nhân (nhóm QN)")),
    _g("TA", 4, N_("Thân nhân của công an nhân dân (nhóm CA)")),
    _g("TY", 4, N_("Thân nhân của người làm công tác cơ yếu (nhóm CY)")),
    _g("HG", 4, N_("Người đã hiến bộ phận cơ thể người")),
    _g("LS", 4, N_("Người nước ngoài học tập tại Việt Nam được cấp học bổng từ ngân sách nhà nước")),
    _g("PV", 4, N_("Người phục vụ người có công với cách mạng")),
    _g("HS", 4, N_("Học sinh")),
    _g("SV", 4, N_("Sinh viên")),
    _g("GB", 4, N_("Người thuộc hộ gia đình làm nông, lâm, ngư, diêm nghiệp có mức sống trung bình")),
    _g("GD", 4, N_("Người tham gia BHYT theo hộ gia đình")),
    # Level 5
    _g("QN", 5, N_("Quân nhân đang tại ngũ")),
    _g("CA", 5, N_("Công an nhân dân đang công tác")),
    _g("CY", 5, N_("Người làm công tác cơ yếu")),
]}

_LEGACY = re.compile(r"^[A-Z]{2}[1-5][0-9]{2}[0-9]{10}$")
_SOCIAL_INSURANCE_NO = re.compile(r"^[0-9]{10}$")
_FACILITY = re.compile(r"^[0-9]{5}$")

TE_AGE_LIMIT = 6


@dataclass(frozen=True)
class DecodedCard:
    number: str  # as stored: upper case, no spaces
    group: str | None  # None for the new 10-digit form, which carries no group or level
    level: int | None
    province_code: str | None
    social_insurance_no: str
    is_legacy: bool


def group_level(code: str, on: _dt.date | None = None) -> int | None:
    """The usual benefit level of a group on a day (None for an unknown group)."""
    group = GROUPS.get(code)
    return group.level_on(on or _dt.date.today()) if group else None


def group_description(code: str) -> str:
    group = GROUPS.get(code)
    return _(group.description) if group else ""


def level_description(level: int) -> str:
    text = BENEFIT_LEVELS.get(level)
    return _(text) if text else ""


def _clean(text: object) -> str:
    return "".join(str(text).split()).upper() if text is not None else ""


def decode_card(text: object) -> DecodedCard | None:
    """The parts of a card number, or None when it has neither accepted shape."""
    number = _clean(text)
    if _LEGACY.match(number):
        return DecodedCard(number, number[:2], int(number[2]), number[3:5], number[5:], True)
    if _SOCIAL_INSURANCE_NO.match(number):
        return DecodedCard(number, None, None, None, number, False)
    return None


def _shape_errors(number: str) -> list[str]:
    """Says which part of a malformed card number is wrong."""
    if number.isdigit():
        return [_("Số thẻ BHYT dạng mới là mã số BHXH 10 chữ số (nhận được {n} chữ số)").format(n=len(number))]
    if len(number) != 15:
        return [
            _("Số thẻ BHYT phải có 15 ký tự (ví dụ BT2790123456789) hoặc là mã số BHXH 10 chữ số "
              "(nhận được {n} ký tự)").format(n=len(number))
        ]
    problems = []
    if not re.fullmatch(r"[A-Z]{2}", number[:2]):
        problems.append(_("Số thẻ BHYT: 2 ký tự đầu (mã đối tượng) phải là chữ cái, nhận được \"{part}\"")
                        .format(part=number[:2]))
    if number[2] not in "12345":
        problems.append(_("Số thẻ BHYT: ký tự thứ 3 (mức hưởng) phải là số từ 1 đến 5, nhận được \"{part}\"")
                        .format(part=number[2]))
    if not re.fullmatch(r"[0-9]{2}", number[3:5]):
        problems.append(_("Số thẻ BHYT: ký tự thứ 4–5 (mã tỉnh) phải là 2 chữ số, nhận được \"{part}\"")
                        .format(part=number[3:5]))
    if not re.fullmatch(r"[0-9]{10}", number[5:]):
        problems.append(_("Số thẻ BHYT: 10 ký tự cuối (mã số BHXH) phải là chữ số, nhận được \"{part}\"")
                        .format(part=number[5:]))
    return problems


def check_card_number(
    text: object,
    *,
    on: _dt.date | None = None,
    birth: BirthDate | None = None,
    field: str = "bhyt",
) -> tuple[DecodedCard | None, Findings]:
    """Checks a card number; ``on`` is the card's start date (default today).

    Returns the decoded card (None when the shape is wrong or the text is empty) and the
    findings. An empty number gives no finding: whether a card is required is the caller's rule.
    """
    findings = Findings()
    number = _clean(text)
    if not number:
        return None, findings
    card = decode_card(number)
    if card is None:
        for message in _shape_errors(number):
            findings.error(field, message)
        return None, findings
    if not card.is_legacy:
        return card, findings

    day = on or _dt.date.today()
    usual = group_level(card.group, day)
    if usual is None:
        findings.warning(
            field, _("Số thẻ BHYT: mã đối tượng {group} không có trong danh mục").format(group=card.group)
        )
    elif card.level != usual:
        findings.warning(
            field,
            _("Số thẻ BHYT: mức hưởng {level} khác mức thường gặp của nhóm {group} ({usual})").format(
                level=card.level, group=card.group, usual=usual
            ),
        )
    if card.group == "TE" and birth is not None:
        age = age_on(birth, day)
        if age >= TE_AGE_LIMIT:
            findings.warning(
                field,
                _("Thẻ BHYT nhóm TE (trẻ em dưới 6 tuổi) nhưng đối tượng đã {age} tuổi vào ngày {day}").format(
                    age=age, day=format_date(day)
                ),
            )
    return card, findings


def check_card_dates(
    valid_from: _dt.date | None, valid_to: _dt.date | None, field: str = "bhyt_valid_to"
) -> Findings:
    """A card's validity must not end before it starts (missing dates are the caller's rule)."""
    findings = Findings()
    if valid_from is not None and valid_to is not None and valid_from > valid_to:
        findings.error(
            field,
            _("Thẻ BHYT: ngày hết hạn {to} trước ngày bắt đầu {start}").format(
                to=format_date(valid_to), start=format_date(valid_from)
            ),
        )
    return findings


def check_facility_code(code: object, field: str = "kcb_code") -> Findings:
    """Primary-care facility code: 2-digit province + 3 digits. Only the shape is checked."""
    findings = Findings()
    text = _clean(code)
    if text and not _FACILITY.match(text):
        findings.error(
            field,
            _("Mã nơi đăng ký KCB ban đầu phải gồm 5 chữ số (2 số mã tỉnh và 3 số mã cơ sở), "
              "nhận được \"{code}\"").format(code=text),
        )
    return findings


# --- status on a day ------------------------------------------------------------------------

VALID, EXPIRING, EXPIRED, NONE = "valid", "expiring", "expired", "none"
STATUS_LABELS: dict[str, str] = {
    VALID: N_("Còn hạn"),
    EXPIRING: N_("Sắp hết hạn"),
    EXPIRED: N_("Hết hạn"),
    NONE: N_("Chưa có thẻ"),
}


def status_label(status: str) -> str:
    return _(STATUS_LABELS[status])


def _period(card) -> tuple[_dt.date | None, _dt.date | None]:
    if isinstance(card, tuple | list):
        return card[0], card[1]
    return card.valid_from, card.valid_to


def _cover_end(periods: list[tuple[_dt.date, _dt.date]], end: _dt.date) -> _dt.date:
    """The last day of unbroken cover from ``end`` on, following cards that continue it."""
    while end < _dt.date.max:
        following = [e for s, e in periods if e > end and s <= end + _dt.timedelta(days=1)]
        if not following:
            break
        end = max(following)
    return end


def card_status(cards: Iterable, on: _dt.date, warn_days: int = 30) -> str:
    """"valid", "expiring", "expired" or "none" on day ``on`` (CODES.md).

    - valid: some card has valid_from ≤ on ≤ valid_to;
    - expiring: valid, and cover ends within ``warn_days`` (end ≤ on + warn_days). Cover is
      followed across cards that start by the day after the previous one ends, so a renewal
      already recorded stops the alert;
    - expired: no valid card, and some card ended before ``on``;
    - none: no card ever, or only cards that start after ``on`` (the person has not yet been
      covered, so "expired" would be wrong).
    A missing valid_from or valid_to is read as open on that side.
    """
    if isinstance(on, _dt.datetime):
        on = on.date()
    periods = [_period(card) for card in cards]
    periods = [(start or _dt.date.min, end or _dt.date.max) for start, end in periods]
    current = [end for start, end in periods if start <= on <= end]
    if current:
        if _cover_end(periods, max(current)) <= on + _dt.timedelta(days=warn_days):
            return EXPIRING
        return VALID
    if any(end < on for _start, end in periods):
        return EXPIRED
    return NONE
