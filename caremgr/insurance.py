"""Health-insurance cards of residents (thẻ BHYT): checking, recording and following them.

The rules on the card number itself live in ``caremgr.bhyt``; this module checks a card as a whole
(number, validity dates, registered primary-care facility, the group against the resident's
category) and keeps each resident's card history: a renewal adds a card, the old one stays. The
resident's "current" card is derived (the one with the latest expiry), never stored twice.

It also answers, for the centre on a day, how many residents in care hold a valid, expiring or
expired card or none (``status_counts``), and who needs a card issued or renewed
(``needing_cards``, the list sent to the social-insurance office).
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import Any

from caremgr import audit, vocab
from caremgr.auth import Actor, require
from caremgr.bhyt import (
    EXPIRED,
    EXPIRING,
    NONE,
    STATUS_LABELS,
    VALID,
    card_status,
    check_card_dates,
    check_card_number,
    check_facility_code,
    group_description,
    level_description,
)
from caremgr.dates import BirthDate, format_date, parse_date
from caremgr.errors import Conflict, Findings, NotFound, ValidationError
from caremgr.i18n import _
from caremgr.text import normalize
from db import prepared
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


# --- the card's group against the resident's category ---------------------------------------------

# Which card groups (bhyt.GROUPS) are expected for each resident category (vocab.CATEGORIES). A card
# is issued by the social-insurance agency, so another group is only a warning: the centre records
# what is printed. A category missing here (CN drug users, K others) may hold any group.
CATEGORY_GROUPS: dict[str, tuple[str, ...]] = {
    # People with merit: their own groups (CC level 1, CK level 2).
    "NCC": ("CC", "CK"),
    # Children in special circumstances: under 6 as TE, otherwise as social-protection beneficiaries.
    "TE": ("TE", "BT"),
    # Elderly: social protection, or their pension / survivor / retired-official allowance, or the
    # poor and near-poor household card they came with.
    "NCT": ("BT", "HT", "CT", "XB", "XN", "MS", "HN", "CN"),
    # People with disabilities and people with mental illness: social protection (a child under 6: TE).
    "NKT": ("BT", "TE", "HN", "CN"),
    "TT": ("BT", "TE", "HN", "CN"),
}


def group_warnings(category: str | None, group_code: str | None) -> list[str]:
    """Warnings when a card's group is not one expected for the resident's category.

    No warning for a card without a group (the new 10-digit form) or a category with no
    expectation (``CATEGORY_GROUPS``).
    """
    expected = CATEGORY_GROUPS.get(category or "")
    group = (group_code or "").strip().upper()
    if not expected or not group or group in expected:
        return []
    category_label = _(dict(vocab.CATEGORIES).get(category, category))
    return [_("Thẻ BHYT nhóm {group} không phải nhóm thường cấp cho đối tượng \"{category}\" "
              "(thường là {expected}); hãy kiểm tra lại thẻ").format(
        group=group, category=category_label, expected=", ".join(expected))]


def validate_card(data: dict, *, birth: BirthDate | _dt.date | None = None,
                  today: _dt.date | None = None, category: str | None = None) -> tuple[dict, Findings]:
    """Checks a card typed or imported: ``number``, ``valid_from``, ``valid_to`` and the facility
    (``facility`` as "code - name", or ``facility_code`` / ``facility_name``).

    Returns the values to store (empty when no card was given at all) and the findings, with field
    names ``number``, ``valid_from``, ``valid_to`` and ``facility``. A card number needs both dates;
    dates or a facility without a number are an error (there is no card to keep them on). With the
    resident's ``category``, a group not expected for it is a warning on ``number``.
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
    for message in group_warnings(category, card.group):
        findings.warning("number", message)
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


# What the card functions read of the resident (id, code, birth, category): not the whole row.
_RESIDENT_FIELDS = (Resident.id, Resident.code, Resident.birth_year, Resident.birth_date, Resident.category)


def _resident_query(resident_id: int, deleted: bool, limit: int):
    return (Resident.select(*_RESIDENT_FIELDS).where((Resident.id == resident_id) & (Resident.deleted == deleted))
            .limit(limit))


def _card_id_query(resident_id: int, number: str, valid_from: _dt.date, limit: int):
    return (InsuranceCard.select(InsuranceCard.id)
            .where((InsuranceCard.resident == resident_id) & (InsuranceCard.number == number)
                   & (InsuranceCard.valid_from == valid_from)).limit(limit))


def _resident(resident_id: int) -> Resident:
    # Run for every card an import adds: the statement's text is built once (db.prepared).
    found = prepared.rows("insurance.resident", _RESIDENT_FIELDS, _resident_query, resident_id, False, 1)
    resident = Resident(**dict(zip((f.name for f in _RESIDENT_FIELDS), found[0], strict=True))) if found else None
    if resident is None:
        raise NotFound(_("Không tìm thấy đối tượng."))
    return resident


def _messages(findings: Findings) -> list[str]:
    return [p.message for p in findings.warnings]


def add_card(actor: Actor, resident_id: int, data: dict, *, today: _dt.date | None = None,
             validated: tuple[dict, Findings] | None = None) -> InsuranceCard:
    """Adds a card to a resident's history; a card already recorded (same number, same start) is
    returned as it is, without writing anything.

    The returned card carries ``warnings`` (list of texts): what was recorded as printed although
    unusual (level, group against the resident's category, a TE card for an older resident …).
    """
    require(actor, "insurance.edit")
    with write_transaction():
        resident = _resident(resident_id)
        # ``validated``: what validate_card gave the caller for this resident's birth and category (an
        # import has just checked the row), so the card is not checked twice.
        clean, findings = validated or validate_card(data, birth=_birth_of(resident), today=today,
                                                     category=resident.category)
        findings.raise_if_errors()
        if not clean:
            raise ValidationError(_("Chưa nhập số thẻ BHYT"), "number")
        known = prepared.rows("insurance.card_id", [InsuranceCard.id], _card_id_query,
                              resident.id, clean["number"], clean["valid_from"], 1)
        if known:
            existing = InsuranceCard.get_by_id(known[0][0])
            existing.warnings = _messages(findings)
            return existing
        card = prepared.insert(InsuranceCard, resident=resident.id, **clean)
        audit.record(actor, "create", "insurance_card", card.id, resident_id=resident.id,
                     summary=f"BHYT {card.number} {format_date(card.valid_from)}–{format_date(card.valid_to)} "
                             f"for {resident.code}",
                     changes=audit.diff(None, audit.snapshot(card)))
        card.warnings = _messages(findings)
        return card


def renew_card(actor: Actor, resident_id: int, data: dict, *, today: _dt.date | None = None) -> InsuranceCard:
    """Records a new (renewed or re-issued) card; the old cards stay in the history.

    As ``add_card``; ``warnings`` also says when the new card does not reach beyond the current one
    or carries another social-insurance number (which is the person's for life).
    """
    require(actor, "insurance.edit")
    with write_transaction():
        previous = current_card(_resident(resident_id).id)
        card = add_card(actor, resident_id, data, today=today)
        warnings = list(card.warnings)
        if previous is not None and previous.id != card.id:
            if card.valid_to <= previous.valid_to:
                warnings.append(_("Thẻ mới hết hạn ngày {new}, không sau hạn thẻ đang có ({old})").format(
                    new=format_date(card.valid_to), old=format_date(previous.valid_to)))
            if (previous.social_insurance_no and card.social_insurance_no
                    and previous.social_insurance_no != card.social_insurance_no):
                warnings.append(_("Mã số BHXH trên thẻ mới ({new}) khác thẻ trước ({old}); mã số BHXH là "
                                  "của mỗi người, không đổi").format(new=card.social_insurance_no,
                                                                     old=previous.social_insurance_no))
        card.warnings = warnings
        return card


def cards_of(resident_id: int) -> list[InsuranceCard]:
    """A resident's cards, latest expiry first."""
    return list(InsuranceCard.select().where(InsuranceCard.resident == resident_id)
                .order_by(InsuranceCard.valid_to.desc(), InsuranceCard.valid_from.desc(), InsuranceCard.id.desc()))


def current_card(resident_id: int) -> InsuranceCard | None:
    """The card with the latest expiry (what a list or an export shows as "the" card)."""
    cards = cards_of(resident_id)
    return cards[0] if cards else None


def _card(card_id: int) -> InsuranceCard:
    card = InsuranceCard.get_or_none(InsuranceCard.id == card_id)
    if card is None:
        raise NotFound(_("Không tìm thấy thẻ BHYT (có thể đã bị xóa)."))
    return card


def _form_values(card: InsuranceCard) -> dict:
    return {"number": card.number, "valid_from": card.valid_from, "valid_to": card.valid_to,
            "facility_code": card.facility_code, "facility_name": card.facility_name, "note": card.note}


def _conflict(card_id: int, mine: dict) -> Conflict:
    current = InsuranceCard.get_or_none(InsuranceCard.id == card_id)
    return Conflict(_("Thẻ BHYT đã được người khác sửa hoặc xóa sau khi bạn mở; chưa có gì bị ghi đè. "
                      "Hãy tải lại để xem thay đổi."),
                    mine=dict(mine), theirs=_form_values(current) if current else {})


def update_card(actor: Actor, card_id: int, data: dict, *, version: int,
                today: _dt.date | None = None) -> InsuranceCard:
    """Corrects a card as opened at ``version`` (keys missing from ``data`` keep their values).

    ``Conflict`` when someone saved or deleted it meanwhile (nothing is overwritten). The returned
    card carries ``warnings`` like ``add_card``.
    """
    require(actor, "insurance.edit")
    with write_transaction():
        card = _card(card_id)
        if card.version != version:
            raise _conflict(card.id, data)
        resident = _resident(card.resident_id)
        merged = _form_values(card)
        if "facility" in data:  # one "code - name" text replaces both parts
            merged.pop("facility_code")
            merged.pop("facility_name")
        merged.update(data)
        clean, findings = validate_card(merged, birth=_birth_of(resident), today=today, category=resident.category)
        findings.raise_if_errors()
        if not clean:
            raise ValidationError(_("Chưa nhập số thẻ BHYT"), "number")
        twin = find_card(resident.id, clean["number"], clean["valid_from"])
        if twin is not None and twin.id != card.id:
            raise ValidationError(_("Thẻ BHYT số {number} từ ngày {start} đã có trong lịch sử thẻ của đối tượng")
                                  .format(number=clean["number"], start=format_date(clean["valid_from"])), "number")
        changed = {k: v for k, v in clean.items() if getattr(card, k) != v}
        if changed:
            before = audit.snapshot(card)
            done = (InsuranceCard.update(**changed, version=InsuranceCard.version + 1,
                                         updated_at=_dt.datetime.now().replace(microsecond=0))
                    .where((InsuranceCard.id == card.id) & (InsuranceCard.version == version)).execute())
            if done != 1:
                raise _conflict(card.id, data)
            card = InsuranceCard.get_by_id(card.id)
            audit.record(actor, "update", "insurance_card", card.id, resident_id=resident.id,
                         summary=f"BHYT {card.number} for {resident.code}",
                         changes=audit.diff(before, audit.snapshot(card)))
        card.warnings = _messages(findings)
        return card


def delete_card(actor: Actor, card_id: int, *, reason: str, version: int | None = None) -> None:
    """Removes a card entered by mistake (an expired or replaced card stays: it is history).

    Administrators only; ``reason`` is required and kept in the audit trail with the card's values.
    """
    require(actor, "insurance.delete")  # only the administrator role holds it ("*")
    reason = normalize(reason)
    if not reason:
        raise ValidationError(_("Cần ghi lý do xóa thẻ BHYT."), "reason")
    with write_transaction():
        card = _card(card_id)
        if version is not None and card.version != version:
            raise _conflict(card.id, {})
        before = audit.snapshot(card)
        query = InsuranceCard.delete().where(InsuranceCard.id == card.id)
        if version is not None:
            query = query.where(InsuranceCard.version == version)
        if query.execute() != 1:
            raise _conflict(card.id, {})
        resident = Resident.get_or_none(Resident.id == card.resident_id)
        changes = audit.diff(before, None)
        changes["reason"] = [None, reason]
        audit.record(actor, "delete", "insurance_card", card.id, resident_id=card.resident_id,
                     summary=f"BHYT {card.number} for {resident.code if resident else card.resident_id}: {reason}",
                     changes=changes)


# --- history and status -----------------------------------------------------------------------------

@dataclass(frozen=True)
class CardRow:
    """One card of a resident's history, decoded, as a screen shows it."""

    id: int
    number: str
    group: str  # "" for a 10-digit card
    group_label: str
    level: int | None
    level_label: str
    province_code: str
    social_insurance_no: str
    valid_from: _dt.date
    valid_to: _dt.date
    facility_code: str
    facility_name: str
    note: str
    status_on_today: str  # this card alone: valid | expiring | expired | none (not started yet)
    version: int = 1

    @property
    def status_label(self) -> str:
        return _(STATUS_LABELS[self.status_on_today])

    @property
    def facility(self) -> str:
        return facility_text(self.facility_code or None, self.facility_name or None)


def _warning_days(on: _dt.date) -> int:
    from caremgr.resident_search import warning_days

    return warning_days(on)


def card_history(actor: Actor, resident_id: int, *, today: _dt.date | None = None) -> list[CardRow]:
    """A resident's cards, newest first (latest start, then latest expiry)."""
    require(actor, "residents.view")
    today = today or _dt.date.today()
    resident = _resident(resident_id)
    days = _warning_days(today)
    cards = (InsuranceCard.select().where(InsuranceCard.resident == resident.id)
             .order_by(InsuranceCard.valid_from.desc(), InsuranceCard.valid_to.desc(), InsuranceCard.id.desc()))
    return [CardRow(
        id=c.id, number=c.number, group=c.group_code or "",
        group_label=group_description(c.group_code) if c.group_code else "",
        level=c.benefit_level, level_label=level_description(c.benefit_level) if c.benefit_level else "",
        province_code=c.province_code or "", social_insurance_no=c.social_insurance_no or "",
        valid_from=c.valid_from, valid_to=c.valid_to, facility_code=c.facility_code or "",
        facility_name=c.facility_name or "", note=c.note or "",
        status_on_today=card_status([c], today, days), version=c.version,
    ) for c in cards]


def _in_care_ids(on: _dt.date) -> list[int]:
    from caremgr.residents_query import in_care_on

    return [r.id for r in Resident.select(Resident.id).where(in_care_on(on)).order_by(Resident.sort_key,
                                                                                      Resident.code)]


def _statuses(ids: list[int], on: _dt.date) -> dict[int, str]:
    from caremgr.resident_search import insurance_statuses

    return insurance_statuses(ids, on, _warning_days(on))


STATUS_ORDER = (VALID, EXPIRING, EXPIRED, NONE)
NEEDING = (NONE, EXPIRED, EXPIRING)


def status_counts(actor: Actor, on: _dt.date | None = None) -> dict:
    """Residents in care on ``on`` (default today) by card status: ``valid``, ``expiring``,
    ``expired``, ``none``, with ``in_care``, ``warning_days`` and ``coverage_pct`` = (valid +
    expiring) ÷ in care × 100, one decimal (0.0 with nobody in care)."""
    require(actor, "residents.view")
    on = on or _dt.date.today()
    ids = _in_care_ids(on)
    statuses = _statuses(ids, on)
    counts: dict = {s: 0 for s in STATUS_ORDER}
    for status in statuses.values():
        counts[status] += 1
    holding = counts[VALID] + counts[EXPIRING]
    counts["in_care"] = len(ids)
    counts["warning_days"] = _warning_days(on)
    counts["coverage_pct"] = round(holding * 100.0 / len(ids), 1) if ids else 0.0
    return counts


@dataclass(frozen=True)
class NeedRow:
    """A resident in care who needs a card issued (``none``) or renewed (``expired``, ``expiring``).

    Labels are Vietnamese whatever the UI language: the list goes to the social-insurance office.
    ``group`` is the current card's group code; without a card (or with a 10-digit card) it is
    empty and ``group_text`` shows the resident's category instead.
    """

    resident_id: int
    code: str
    full_name: str
    birth: BirthDate
    sex: str
    sex_label: str
    cccd: str
    social_insurance_no: str
    category: str
    category_label: str
    group: str
    group_text: str
    facility_code: str
    facility_name: str
    card_number: str
    valid_to: _dt.date | None
    status: str
    status_label: str

    @property
    def facility(self) -> str:
        return facility_text(self.facility_code or None, self.facility_name or None)


def needing_cards(actor: Actor, on: _dt.date | None = None) -> list[NeedRow]:
    """Residents in care on ``on`` (default today) whose card status is none, expired or expiring,
    in Vietnamese name order. The card shown is the one with the latest expiry among those started
    by ``on``; the social-insurance number falls back to any earlier card (it is for life)."""
    require(actor, "residents.view")
    on = on or _dt.date.today()
    ids = _in_care_ids(on)
    statuses = _statuses(ids, on)
    wanted = [rid for rid in ids if statuses[rid] in NEEDING]
    residents = {r.id: r for r in Resident.select().where(Resident.id.in_(wanted))} if wanted else {}
    cards: dict[int, list[InsuranceCard]] = {rid: [] for rid in wanted}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        for card in (InsuranceCard.select().where(InsuranceCard.resident.in_(chunk) & (InsuranceCard.valid_from <= on))
                     .order_by(InsuranceCard.valid_to.desc(), InsuranceCard.valid_from.desc(),
                               InsuranceCard.id.desc())):
            cards[card.resident_id].append(card)
    categories, sexes = dict(vocab.CATEGORIES), dict(vocab.SEXES)
    rows = []
    for rid in wanted:
        r = residents[rid]
        held = cards[rid]
        card = held[0] if held else None
        social_no = next((c.social_insurance_no for c in held if c.social_insurance_no), "")
        group = (card.group_code or "") if card else ""
        category_label = categories.get(r.category, r.category)
        rows.append(NeedRow(
            resident_id=rid, code=r.code, full_name=r.full_name, birth=_birth_of(r), sex=r.sex,
            sex_label=sexes.get(r.sex, r.sex), cccd=r.cccd or "", social_insurance_no=social_no,
            category=r.category, category_label=category_label, group=group, group_text=group or category_label,
            facility_code=(card.facility_code or "") if card else "",
            facility_name=(card.facility_name or "") if card else "",
            card_number=card.number if card else "", valid_to=card.valid_to if card else None,
            status=statuses[rid], status_label=STATUS_LABELS[statuses[rid]],
        ))
    return rows
