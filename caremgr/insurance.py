"""Health-insurance cards of residents (thẻ BHYT): checking what was typed, and adding a card.

The rules on the card number itself live in ``caremgr.bhyt``; this module checks a card as a whole
(number, validity dates, registered primary-care facility) and stores it in a resident's card history.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from caremgr import audit
from caremgr.auth import Actor, require
from caremgr.bhyt import check_card_dates, check_card_number, check_facility_code
from caremgr.dates import BirthDate, format_date, parse_date
from caremgr.errors import Findings, NotFound, ValidationError
from caremgr.i18n import _
from caremgr.text import normalize
from db.connection import write_transaction
from db.models import InsuranceCard, Resident

CARD_KEYS = ("number", "valid_from", "valid_to", "facility", "facility_code", "facility_name", "note")

# "38001 - Bệnh viện Đa khoa tỉnh", "38001: Trạm Y tế", "38001 Trạm Y tế", or the code alone.
_CODE_AND_NAME = re.compile(r"^(\d{5})(?:\s*[-–—:|/]\s*|\s+)(.+)$")
_CODE_ONLY = re.compile(r"^[0-9A-Za-z.]{1,8}$")


def split_facility(value: object) -> tuple[str | None, str | None]:
    """(code, name) from one text such as "38001 - Bệnh viện Đa khoa tỉnh".

    A number cell (38001, or 1001 that lost its leading zero) is a code. A short token with digits
    is a code too (its shape is checked later); anything else is a name.
    """
    if value is None or isinstance(value, bool):
        return None, None
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            return str(value), None
        return f"{int(value):05d}", None
    text = normalize(value)
    if not text:
        return None, None
    match = _CODE_AND_NAME.match(text)
    if match:
        return match[1], match[2].strip() or None
    if _CODE_ONLY.match(text) and any(ch.isdigit() for ch in text):
        return text.upper(), None
    return None, text


def facility_text(code: str | None, name: str | None) -> str:
    """The one-cell form of a facility, which ``split_facility`` reads back."""
    if code and name:
        return f"{code} - {name}"
    return code or name or ""


def _date(value: Any, field: str, label: str, findings: Findings) -> _dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        findings.error(field, _("{label}: {reason}").format(label=label, reason=exc))
        return None


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def validate_card(data: dict, *, birth: BirthDate | _dt.date | None = None,
                  today: _dt.date | None = None) -> tuple[dict, Findings]:
    """Checks a card typed or imported: ``number``, ``valid_from``, ``valid_to`` and the facility
    (``facility`` as "code - name", or ``facility_code`` / ``facility_name``).

    Returns the values to store (empty when no card was given at all) and the findings, with field
    names ``number``, ``valid_from``, ``valid_to`` and ``facility``. A card number needs both dates;
    dates or a facility without a number are an error (there is no card to keep them on).
    """
    findings = Findings()
    if isinstance(birth, _dt.date):
        birth = BirthDate(birth.year, birth)
    valid_from = _date(data.get("valid_from"), "valid_from", _("BHYT từ ngày"), findings)
    valid_to = _date(data.get("valid_to"), "valid_to", _("BHYT đến ngày"), findings)

    code, name = split_facility(data.get("facility"))
    if _present(data.get("facility_code")):
        code = split_facility(data.get("facility_code"))[0] or normalize(data.get("facility_code")).upper()
    if _present(data.get("facility_name")):
        name = normalize(data.get("facility_name"))
    if code:
        findings.extend(check_facility_code(code, field="facility"))
    if name and len(name) > 200:
        findings.error("facility", _("Tên nơi đăng ký KCB ban đầu dài quá 200 ký tự"))

    number_given = _present(data.get("number"))
    if not number_given:
        if any(_present(data.get(k)) for k in ("valid_from", "valid_to")):
            findings.error("number", _("Có ngày hiệu lực thẻ BHYT nhưng chưa có số thẻ"))
        if code or name:
            findings.error("number", _("Có nơi đăng ký KCB ban đầu nhưng chưa có số thẻ BHYT"))
        return {}, findings

    card, number_findings = check_card_number(data.get("number"), on=valid_from or today, birth=birth,
                                              field="number")
    findings.extend(number_findings)
    if valid_from is None and not any(p.field == "valid_from" for p in findings.errors):
        findings.error("valid_from", _("Số thẻ BHYT cần có ngày bắt đầu hiệu lực (BHYT từ ngày)"))
    if valid_to is None and not any(p.field == "valid_to" for p in findings.errors):
        findings.error("valid_to", _("Số thẻ BHYT cần có ngày hết hạn (BHYT đến ngày)"))
    findings.extend(check_card_dates(valid_from, valid_to, field="valid_to"))
    if card is None:
        return {}, findings
    note = normalize(data.get("note")) or None
    clean = {
        "number": card.number,
        "group_code": card.group,
        "benefit_level": card.level,
        "province_code": card.province_code,
        "social_insurance_no": card.social_insurance_no,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "facility_code": code or None,
        "facility_name": name or None,
        "note": note,
    }
    return clean, findings


def _birth_of(resident: Resident) -> BirthDate:
    return BirthDate(resident.birth_year, resident.birth_date)


def find_card(resident_id: int, number: str, valid_from: _dt.date) -> InsuranceCard | None:
    """The card of this resident with this number starting on this day, if already recorded."""
    return (InsuranceCard.select()
            .where((InsuranceCard.resident == resident_id) & (InsuranceCard.number == number)
                   & (InsuranceCard.valid_from == valid_from))
            .first())


def add_card(actor: Actor, resident_id: int, data: dict, *, today: _dt.date | None = None) -> InsuranceCard:
    """Adds a card to a resident's history; a card already recorded (same number, same start) is
    returned as it is, without writing anything."""
    require(actor, "insurance.edit")
    with write_transaction():
        resident = Resident.get_or_none((Resident.id == resident_id) & (Resident.deleted == False))  # noqa: E712
        if resident is None:
            raise NotFound(_("Không tìm thấy đối tượng."))
        clean, findings = validate_card(data, birth=_birth_of(resident), today=today)
        findings.raise_if_errors()
        if not clean:
            raise ValidationError(_("Chưa nhập số thẻ BHYT"), "number")
        existing = find_card(resident.id, clean["number"], clean["valid_from"])
        if existing is not None:
            return existing
        card = InsuranceCard.create(resident=resident.id, **clean)
        audit.record(actor, "create", "insurance_card", card.id, resident_id=resident.id,
                     summary=f"BHYT {card.number} {format_date(card.valid_from)}–{format_date(card.valid_to)} "
                             f"for {resident.code}",
                     changes=audit.diff(None, audit.snapshot(card)))
        return card


def cards_of(resident_id: int) -> list[InsuranceCard]:
    """A resident's cards, latest expiry first."""
    return list(InsuranceCard.select().where(InsuranceCard.resident == resident_id)
                .order_by(InsuranceCard.valid_to.desc(), InsuranceCard.valid_from.desc(), InsuranceCard.id.desc()))


def current_card(resident_id: int) -> InsuranceCard | None:
    """The card with the latest expiry (what a list or an export shows as "the" card)."""
    cards = cards_of(resident_id)
    return cards[0] if cards else None
