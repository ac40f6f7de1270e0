"""Consent to the processing of a resident's personal data (Law 91/2025/QH15 on personal data protection).

Each consent records when it was given, by whom (the resident or their guardian), its scope and the
document (form, minutes) that carries it. A consent is never deleted: it is withdrawn from a date on,
so the record shows what was agreed at any time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from caremgr import audit
from caremgr.auth import Actor, require
from caremgr.dates import parse_date
from caremgr.errors import Conflict, Findings, NotFound, ValidationError
from caremgr.i18n import N_, _
from caremgr.text import normalize
from db.connection import write_transaction
from db.models import Consent, Resident

VIEW = "residents.view"
EDIT = "residents.edit"

RELATIONS = {
    "self": N_("Chính đối tượng"),
    "guardian": N_("Người giám hộ"),
    "relative": N_("Người thân"),
    "other": N_("Khác"),
}

LABELS = {
    "given_on": N_("Ngày đồng ý"),
    "given_by": N_("Người đồng ý"),
    "relation": N_("Quan hệ"),
    "scope": N_("Phạm vi đồng ý"),
    "document": N_("Văn bản, biên bản số"),
    "note": N_("Ghi chú"),
    "withdrawn_on": N_("Ngày rút lại"),
}


@dataclass(frozen=True)
class ConsentRow:
    id: int
    version: int
    resident_id: int
    given_on: date
    given_by: str
    relation: str  # a key of RELATIONS
    scope: str
    document: str | None
    withdrawn_on: date | None
    note: str | None

    @property
    def relation_label(self) -> str:
        return _(RELATIONS.get(self.relation, self.relation))

    def in_force(self, on: date) -> bool:
        return self.given_on <= on and (self.withdrawn_on is None or self.withdrawn_on > on)


def _label(key: str) -> str:
    return _(LABELS[key])


def _row(c: Consent) -> ConsentRow:
    return ConsentRow(id=c.id, version=c.version, resident_id=c.resident_id, given_on=c.given_on,
                      given_by=c.given_by, relation=c.relation, scope=c.scope, document=c.document,
                      withdrawn_on=c.withdrawn_on, note=c.note)


def _resident(resident_id: int) -> Resident:
    resident = Resident.get_or_none((Resident.id == resident_id) & (Resident.deleted == False))  # noqa: E712
    if resident is None:
        raise NotFound(_("Không tìm thấy hồ sơ đối tượng."))
    return resident


def _day(findings: Findings, key: str, raw, today: date, *, required: bool) -> date | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            findings.error(key, _("{field}: không được để trống.").format(field=_label(key)))
        return None
    if isinstance(raw, datetime):
        day = raw.date()
    elif isinstance(raw, date):
        day = raw
    else:
        try:
            day = parse_date(raw)
        except ValueError as exc:
            message = str(exc)
            findings.error(key, f"{_label(key)}: {message[:1].lower()}{message[1:]}")
            return None
    if day > today:
        findings.error(key, _("{field}: không được sau ngày hôm nay.").format(field=_label(key)))
        return None
    return day


def _line(findings: Findings, data: Mapping, key: str, max_length: int, *, required: bool) -> str | None:
    text = normalize(data.get(key))
    if not text:
        if required:
            findings.error(key, _("{field}: không được để trống.").format(field=_label(key)))
        return None
    if len(text) > max_length:
        findings.error(key, _("{field}: dài quá {n} ký tự.").format(field=_label(key), n=max_length))
        return None
    return text


def _text(data: Mapping, key: str) -> str | None:
    raw = data.get(key)
    if raw is None:
        return None
    text = "\n".join(normalize(line) for line in str(raw).splitlines()).strip()
    return text or None


def validate(data: Mapping, *, today: date | None = None) -> tuple[dict, Findings]:
    """Checks a consent as typed: given_on (required, not in the future), given_by (required),
    relation (a key of RELATIONS, "self" when blank), scope (required), document, note."""
    today = today or date.today()
    findings = Findings()
    values = {
        "given_on": _day(findings, "given_on", data.get("given_on"), today, required=True),
        "given_by": _line(findings, data, "given_by", 120, required=True),
        "scope": _text(data, "scope"),
        "document": _line(findings, data, "document", 120, required=False),
        "note": _text(data, "note"),
    }
    relation = normalize(data.get("relation")) or "self"
    if relation not in RELATIONS:
        findings.error("relation", _("{field}: chọn một trong: {choices}.").format(
            field=_label("relation"), choices=", ".join(_(label) for label in RELATIONS.values())))
    values["relation"] = relation
    if not values["scope"]:
        findings.error("scope", _("{field}: không được để trống.").format(field=_label("scope")))
    return values, findings


def list_consents(actor: Actor, resident_id: int) -> list[ConsentRow]:
    """The resident's consents, newest first."""
    require(actor, VIEW)
    resident = _resident(resident_id)
    query = Consent.select().where(Consent.resident == resident.id).order_by(Consent.given_on.desc(),
                                                                             Consent.id.desc())
    return [_row(c) for c in query]


def add_consent(actor: Actor, resident_id: int, data: Mapping, *, today: date | None = None) -> ConsentRow:
    require(actor, EDIT)
    with write_transaction():
        resident = _resident(resident_id)
        if resident.status == "deceased":
            raise ValidationError(_("Hồ sơ người đã mất chỉ được xem."))
        values, findings = validate(data, today=today)
        findings.raise_if_errors()
        row = Consent.create(resident=resident.id, **values)
        audit.record(actor, "create", "consent", row.id, resident_id=resident.id,
                     summary=f"consent {values['given_on'].isoformat()} by {values['relation']} "
                             f"for resident {resident.code}",
                     changes=audit.diff(None, audit.snapshot(row)))
    return _row(Consent.get_by_id(row.id))


def withdraw(actor: Actor, consent_id: int, on, *, version: int, today: date | None = None) -> ConsentRow:
    """Records that the consent is withdrawn from ``on`` (a date or "dd/mm/yyyy"); it no longer holds
    on that day. Conflict when the consent changed since ``version`` was read."""
    require(actor, EDIT)
    today = today or date.today()
    with write_transaction():
        row = Consent.get_or_none(Consent.id == consent_id)
        if row is None:
            raise NotFound(_("Không tìm thấy bản ghi (có thể đã bị xóa)."))
        resident = _resident(row.resident_id)
        if row.version != version:
            raise _conflict(row, {"withdrawn_on": on})
        findings = Findings()
        day = _day(findings, "withdrawn_on", on, today, required=True)
        if row.withdrawn_on is not None:
            findings.error("withdrawn_on", _("{field}: sự đồng ý này đã được rút lại ngày {day}.").format(
                field=_label("withdrawn_on"), day=row.withdrawn_on.strftime("%d/%m/%Y")))
        elif day is not None and day < row.given_on:
            findings.error("withdrawn_on", _("{field}: không được trước ngày đồng ý.").format(
                field=_label("withdrawn_on")))
        findings.raise_if_errors()
        before = audit.snapshot(row)
        count = (Consent.update(withdrawn_on=day, version=Consent.version + 1,
                                updated_at=datetime.now().replace(microsecond=0))
                 .where((Consent.id == row.id) & (Consent.version == version)).execute())
        if count != 1:
            raise _conflict(row, {"withdrawn_on": day})
        row = Consent.get_by_id(row.id)
        audit.record(actor, "update", "consent", row.id, resident_id=resident.id,
                     summary=f"consent {row.given_on.isoformat()} withdrawn from {day.isoformat()} "
                             f"for resident {resident.code}",
                     changes=audit.diff(before, audit.snapshot(row)))
    return _row(row)


def _conflict(row: Consent, mine: dict) -> Conflict:
    current = Consent.get_or_none(Consent.id == row.id)
    return Conflict(_("Bản ghi đã được người khác sửa sau khi bạn mở; chưa có gì bị ghi đè. "
                      "Hãy tải lại để xem thay đổi."),
                    mine=mine, theirs=audit.snapshot(current) if current else {})


def has_consent(resident_id: int, on: date | None = None) -> bool:
    """Whether a consent given on or before ``on`` (today by default) and not withdrawn by then holds."""
    on = on or date.today()
    return (Consent.select(Consent.id)
            .where((Consent.resident == resident_id) & (Consent.given_on <= on)
                   & (Consent.withdrawn_on.is_null() | (Consent.withdrawn_on > on)))
            .exists())


def consent_plain(resident_id: int) -> list[dict]:
    """All consents of a resident as plain JSON-able data (for the data subject access export)."""
    return [
        {"given_on": c.given_on.isoformat(), "given_by": c.given_by, "relation": c.relation, "scope": c.scope,
         "document": c.document, "withdrawn_on": c.withdrawn_on.isoformat() if c.withdrawn_on else None,
         "note": c.note}
        for c in Consent.select().where(Consent.resident == resident_id).order_by(Consent.given_on, Consent.id)
    ]
