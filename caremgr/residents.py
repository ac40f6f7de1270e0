"""Residents: the profile, its contacts, admission, discharge, readmission, and the list.

Every write checks the actor's permission, validates everything at once, writes in one
transaction with an audit entry (old -> new values, ``resident_id`` set) and returns plain data.
A save names the version it was opened at; if someone saved in between, nothing is overwritten
and ``Conflict`` carries both sides. A deceased resident's record is kept as it was: read only.

The list (``search``, ``ResidentFilter`` …) lives in ``caremgr.resident_search`` and the form
rules (``validate``, ``FORM_KEYS`` …) in ``caremgr.resident_forms``; both are re-exported here, so
callers need only this module.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

from peewee import IntegrityError

from caremgr import audit, vocab
from caremgr.auth import Actor, require
from caremgr.cccd import clean_cccd
from caremgr.dates import format_date, parse_birth, parse_date
from caremgr.errors import Conflict, Findings, NotFound, ValidationError
from caremgr.i18n import _
from caremgr.resident_forms import (
    CONTACT_KEYS,
    FIELD_LABELS,
    FORM_KEYS,
    ContactData,
    ResidentDetail,
    contact_is_blank,
    detail_of,
    field_label,
    required_message,
    reworded,
    validate,
    validate_contact,
)
from caremgr.resident_search import (
    AGE_BAND_LABELS,
    AGE_BANDS,
    ROW_COLUMNS,
    Page,
    ResidentFilter,
    ResidentRow,
    age_band_label,
    counts_by_status,
    insurance_statuses,
    make_rows,
    search,
)
from caremgr.text import name_sort_key, normalize, search_key
from db import prepared
from db.connection import write_transaction
from db.models import AuditLog, Contact, Resident, User

__all__ = [
    "AGE_BANDS", "AGE_BAND_LABELS", "FIELD_LABELS", "FORM_KEYS", "ContactData", "Page", "ResidentDetail",
    "ResidentFilter", "ResidentRow", "age_band_label", "counts_by_status", "create", "delete_by_mistake",
    "details_by_code", "discharge", "find_duplicates", "get", "get_by_code", "insurance_status", "readmit", "search", "update", "validate",
    "validate_contact",
]

ENTITY = "resident"
DUPLICATE_LIMIT = 20


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


# --- reading ------------------------------------------------------------------------------------

def _load_query(resident_id: int, deleted: bool, limit: int):
    return Resident.select().where((Resident.id == resident_id) & (Resident.deleted == deleted)).limit(limit)


def _load(resident_id: int) -> Resident:
    # Every write starts here (an import: thousands), so the statement's text is built once.
    resident = prepared.load("residents.load", Resident, _load_query, resident_id, False, 1)
    if resident is None:
        raise NotFound(_("Không tìm thấy đối tượng (số hiệu {id}).").format(id=resident_id))
    return resident


def _contacts_query(resident_id: int):
    return Contact.select().where(Contact.resident == resident_id).order_by(Contact.id)


def _contacts(resident_id: int) -> list[Contact]:
    return prepared.instances("residents.contacts", Contact, _contacts_query, resident_id)


def _detail(resident: Resident, contacts: list[Contact] | None = None) -> ResidentDetail:
    return detail_of(resident, _contacts(resident.id) if contacts is None else contacts)


def get(actor: Actor, resident_id: int) -> ResidentDetail:
    require(actor, "residents.view")
    return _detail(_load(resident_id))


def get_by_code(actor: Actor, code: str) -> ResidentDetail:
    """The resident with this code (exact, or else ignoring case)."""
    require(actor, "residents.view")
    code = normalize(code)
    alive = Resident.deleted == False  # noqa: E712
    resident = Resident.get_or_none(alive & (Resident.code == code.upper()))
    if resident is None:
        raise NotFound(_("Không tìm thấy đối tượng có mã {code}.").format(code=code))
    return _detail(resident)


def details_by_code(actor: Actor, codes) -> dict[str, ResidentDetail]:
    """``get_by_code`` for many codes at once (an import): {code in capitals: detail} of the residents
    found (not deleted); codes not found are left out. A few queries per 500 codes, not two per code."""
    require(actor, "residents.view")
    wanted = sorted({normalize(code).upper() for code in codes if normalize(code)})
    found: dict[str, ResidentDetail] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        people = list(Resident.select().where((Resident.code.in_(chunk)) & (Resident.deleted == False)))  # noqa: E712
        contacts: dict[int, list[Contact]] = {p.id: [] for p in people}
        if people:
            for contact in (Contact.select().where(Contact.resident.in_(list(contacts))).order_by(Contact.id)):
                contacts[contact.resident_id].append(contact)
        for person in people:
            found[person.code] = _detail(person, contacts[person.id])
    return found


def insurance_status(resident_id: int, on: date | None = None) -> str:
    """The resident's card status on ``on`` (default today): "valid", "expiring", "expired" or "none",
    as ``caremgr.bhyt.card_status`` with the warning days of the settings."""
    on = on or date.today()
    return insurance_statuses([resident_id], on)[resident_id]


def find_duplicates(data: dict, *, resident_id: int | None = None) -> list[ResidentRow]:
    """Residents who may be the same person: the same CCCD, or the same name (ignoring diacritics
    and case) and year of birth. Excludes ``resident_id`` and residents deleted by mistake."""
    terms = []
    digits, _padded = clean_cccd(data.get("cccd"))
    if digits.isdigit() and len(digits) in (9, 12):
        terms.append(Resident.cccd == digits)
    key = search_key(normalize(data.get("full_name")))
    year = None
    try:
        raw_birth = data.get("birth")
        year = parse_birth(raw_birth.strip() if isinstance(raw_birth, str) else raw_birth).year
    except (ValueError, TypeError):
        pass
    if key and year:
        terms.append((Resident.search_name == key) & (Resident.birth_year == year))
    if not terms:
        return []
    condition = terms[0] if len(terms) == 1 else terms[0] | terms[1]
    condition = condition & (Resident.deleted == False)  # noqa: E712
    if resident_id is not None:
        condition = condition & (Resident.id != resident_id)
    query = (Resident.select(*ROW_COLUMNS).where(condition).order_by(Resident.sort_key, Resident.id)
             .limit(DUPLICATE_LIMIT).tuples())
    return make_rows(list(query), date.today())


# --- helpers for writing ------------------------------------------------------------------------

def _derived(clean: dict) -> dict:
    from caremgr.dates import BirthDate

    birth = BirthDate(clean["birth_year"], clean["birth_date"])
    return {"search_name": search_key(clean["full_name"]), "sort_key": name_sort_key(clean["full_name"], birth)}


def _contact_plain(values: dict | Contact) -> dict:
    if isinstance(values, Contact):
        values = {k: getattr(values, k) for k in ("id", *CONTACT_KEYS)}
    return {k: values.get(k) for k in ("id", *CONTACT_KEYS)}


def _validate_contacts(contacts) -> tuple[list[dict], Findings]:
    findings = Findings()
    rows = []
    for index, data in enumerate(contacts or ()):
        if isinstance(data, ContactData):
            data = dict(vars(data))  # flat: the same as dataclasses.asdict, which copies deeply (slow)
        if contact_is_blank(data):
            continue
        clean, problems = validate_contact(data, index)
        findings.extend(problems)
        rows.append(clean)
    return rows, findings


def _read_only_error(resident: Resident) -> ValidationError:
    return ValidationError(_("Đối tượng {code} {name} đã mất: hồ sơ người đã mất chỉ được xem.").format(
        code=resident.code, name=resident.full_name), "status")


def _conflict(resident: Resident, mine: dict) -> Conflict:
    last = (AuditLog.select().where((AuditLog.entity == ENTITY) & (AuditLog.entity_id == str(resident.id)))
            .order_by(AuditLog.id.desc()).first())
    if last is None:
        message = _("Hồ sơ {code} {name} đã được người khác thay đổi sau khi bạn mở. Thay đổi của bạn chưa được "
                    "lưu; hãy xem lại bản mới rồi sửa lại.").format(code=resident.code, name=resident.full_name)
    else:
        user = User.get_or_none(User.username == last.username)
        who = f"{user.full_name} ({last.username})" if user and user.full_name else last.username
        message = _("Hồ sơ {code} {name} đã được {who} thay đổi lúc {time} sau khi bạn mở. Thay đổi của bạn chưa "
                    "được lưu; hãy xem lại bản mới rồi sửa lại.").format(
            code=resident.code, name=resident.full_name, who=who,
            time=f"{last.at:%H:%M} {format_date(last.at.date())}")
    return Conflict(message, mine=dict(mine), theirs=_detail(resident).form_values())


def _save(resident: Resident, expected_version: int, changes: dict) -> None:
    """Writes the changed columns only if nobody saved meanwhile (the WHERE on version)."""
    values = dict(changes)
    values["version"] = expected_version + 1
    values["updated_at"] = _now()
    done = prepared.update(Resident, values, {"id": resident.id, "version": expected_version})
    if done != 1:
        raise _conflict(Resident.get_by_id(resident.id), changes)
    for key, value in changes.items():
        setattr(resident, key, value)
    resident.version = expected_version + 1


def _integrity_to_validation(data: dict, resident_id: int | None) -> ValidationError | None:
    """A unique index refused the row (another PC saved the same code/CCCD a moment before)."""
    _clean, findings = validate(data, resident_id=resident_id)
    return ValidationError(findings.problems) if findings.errors else None


# --- create and update --------------------------------------------------------------------------

def create(actor: Actor, data: dict, contacts: list[dict] = (), *,
           validated: tuple[dict, Findings] | None = None) -> ResidentDetail:
    """A new resident in care, with contacts, in one transaction; audit "create" with all values.

    ``validated`` is what ``validate(data)`` returned, when the caller (the import) has just run it
    in the same write transaction: the profile is then not checked twice.
    """
    require(actor, "residents.edit")
    try:
        with write_transaction():
            clean, findings = validated if validated is not None else validate(data)
            findings = Findings(list(findings.problems))
            contact_rows, contact_findings = _validate_contacts(contacts)
            findings.extend(contact_findings)
            findings.raise_if_errors()
            # db.prepared: the INSERTs' text is built once (an import creates thousands of residents).
            resident = prepared.insert(Resident, **clean, **_derived(clean), status="in_care")
            created = []
            for row in contact_rows:
                row = {k: v for k, v in row.items() if k != "id"}
                created.append(prepared.insert(Contact, resident=resident.id, **row))
            changes = audit.diff(None, audit.snapshot(resident))
            stored = [_contact_plain(c) for c in created]  # just written, in id order: as stored
            if stored:
                changes["contacts"] = [None, stored]
            audit.record(actor, "create", ENTITY, resident.id, resident_id=resident.id,
                         summary=f"{resident.code} {resident.full_name}", changes=changes)
            return _detail(resident, created)
    except IntegrityError:
        error = _integrity_to_validation(data, None)
        if error is None:
            raise
        raise error from None


def _replace_contacts(resident: Resident, rows: list[dict]) -> None:
    """The list becomes the resident's contacts: rows with a known id (or equal to an existing
    contact) keep that contact and its id; others are added; contacts not in the list are removed."""
    existing = {c.id: c for c in _contacts(resident.id)}
    kept: set[int] = set()
    pending = []
    for row in rows:
        cid = row.get("id")
        if cid in existing and cid not in kept:
            kept.add(cid)
            _update_contact(existing[cid], row)
        else:
            pending.append(row)
    for row in pending:
        values = {k: row[k] for k in CONTACT_KEYS}
        same = next((c for cid, c in existing.items()
                     if cid not in kept and {k: getattr(c, k) for k in CONTACT_KEYS} == values), None)
        if same is not None:
            kept.add(same.id)
        else:
            Contact.create(resident=resident.id, **values)
    gone = [cid for cid in existing if cid not in kept]
    if gone:
        Contact.delete().where(Contact.id.in_(gone)).execute()


def _update_contact(contact: Contact, row: dict) -> None:
    changed = {k: row[k] for k in CONTACT_KEYS if getattr(contact, k) != row[k]}
    if changed:
        changed.update(version=contact.version + 1, updated_at=_now())
        Contact.update(**changed).where(Contact.id == contact.id).execute()


def update(actor: Actor, resident_id: int, data: dict, *, version: int,
           contacts: list[dict] | None = None) -> ResidentDetail:
    """Saves the profile opened at ``version``. Keys missing from ``data`` keep their values;
    ``contacts`` (when given) replaces the contact list. Audit "update" with the changed fields."""
    require(actor, "residents.edit")
    mine = dict(data)
    if contacts is not None:
        mine["contacts"] = [dataclasses.asdict(c) if dataclasses.is_dataclass(c) else dict(c) for c in contacts]
    try:
        with write_transaction():
            resident = _load(resident_id)
            if resident.version != version:
                raise _conflict(resident, mine)
            if resident.status == "deceased":
                raise _read_only_error(resident)
            current = _detail(resident)
            merged = current.form_values() | {k: v for k, v in data.items() if k in FORM_KEYS}
            clean, findings = validate(merged, resident_id=resident.id)
            admitted = clean.get("admission_date")
            if resident.discharge_date and admitted and admitted > resident.discharge_date:
                findings.error("admission_date", _("{field}: không được sau ngày ra khỏi cơ sở ({date})").format(
                    field=field_label("admission_date"), date=format_date(resident.discharge_date)))
            contact_rows, contact_findings = _validate_contacts(contacts)
            findings.extend(contact_findings)
            findings.raise_if_errors()

            before = audit.snapshot(resident)
            before_contacts = [_contact_plain(c) for c in _contacts(resident.id)]
            new_values = clean | _derived(clean)
            changed = {k: v for k, v in new_values.items() if getattr(resident, k) != v}
            if contacts is not None:
                _replace_contacts(resident, contact_rows)
            after_contacts = [_contact_plain(c) for c in _contacts(resident.id)]
            if not changed and after_contacts == before_contacts:
                return current  # nothing to save: no new version, no audit entry
            _save(resident, version, changed)
            changes = audit.diff(before, audit.snapshot(resident))
            if after_contacts != before_contacts:
                changes["contacts"] = [before_contacts, after_contacts]
            audit.record(actor, "update", ENTITY, resident.id, resident_id=resident.id,
                         summary=f"{resident.code} {resident.full_name}", changes=changes)
            return _detail(resident)
    except IntegrityError:
        error = _integrity_to_validation(data, resident_id)
        if error is None:
            raise
        raise error from None


# --- leaving and coming back --------------------------------------------------------------------

def _day(findings: Findings, name: str, value) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        findings.error(name, required_message(name))
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        findings.error(name, reworded(field_label(name), str(exc)))
        return None


def discharge(actor: Actor, resident_id: int, *, on: date, reason: str, note: str = "",
              version: int | None = None) -> ResidentDetail:
    """The resident leaves the centre (or dies) on ``on``; the room is freed. Audit "discharge"."""
    require(actor, "residents.edit")
    today = date.today()
    with write_transaction():
        resident = _load(resident_id)
        if version is not None and resident.version != version:
            raise _conflict(resident, {"discharge_date": on, "discharge_reason": reason, "discharge_note": note})
        if resident.status == "deceased":
            raise _read_only_error(resident)
        findings = Findings()
        if resident.status == "discharged":
            findings.error("discharge_date", _("Đối tượng {code} {name} đã ra khỏi cơ sở ngày {date}.").format(
                code=resident.code, name=resident.full_name, date=format_date(resident.discharge_date)))
        day = _day(findings, "discharge_date", on)
        label = field_label("discharge_date")
        if day is not None and day < resident.admission_date:
            findings.error("discharge_date", _("{field}: không được trước ngày tiếp nhận ({date})").format(
                field=label, date=format_date(resident.admission_date)))
        if day is not None and day > today:
            findings.error("discharge_date", _("{field}: không được ở tương lai ({date})").format(
                field=label, date=format_date(day)))
        code = None if reason is None or not str(reason).strip() else vocab.match(vocab.DISCHARGE_REASONS, reason)
        if reason is None or not str(reason).strip():
            findings.error("discharge_reason", required_message("discharge_reason"))
        elif code is None:
            findings.error("discharge_reason", _("{field}: \"{value}\" không có trong danh mục ({choices})").format(
                field=field_label("discharge_reason"), value=normalize(reason),
                choices=", ".join(_(text) for _c, text in vocab.DISCHARGE_REASONS)))
        findings.raise_if_errors()
        before = audit.snapshot(resident)
        text = "\n".join(normalize(line) for line in str(note or "").splitlines()).strip("\n")
        _save(resident, resident.version, {
            "status": "deceased" if code == "deceased" else "discharged", "discharge_date": day,
            "discharge_reason": code, "discharge_note": text or None, "room": None,
        })
        audit.record(actor, "discharge", ENTITY, resident.id, resident_id=resident.id,
                     summary=f"{resident.code} {resident.full_name}: {code} {format_date(day)}",
                     changes=audit.diff(before, audit.snapshot(resident)))
        return _detail(resident)


def readmit(actor: Actor, resident_id: int, *, on: date, decision: str = "") -> ResidentDetail:
    """A discharged (not deceased) resident comes back on ``on``.

    The previous admission and discharge stay in the audit entry (action "readmit", old -> new)
    and a line "Ra khỏi cơ sở dd/mm/yyyy (lý do); tiếp nhận lại dd/mm/yyyy" is added to the notes.
    """
    require(actor, "residents.edit")
    today = date.today()
    with write_transaction():
        resident = _load(resident_id)
        if resident.status == "deceased":
            raise _read_only_error(resident)
        findings = Findings()
        if resident.status != "discharged":
            raise ValidationError(_("Đối tượng {code} {name} đang được chăm sóc tại cơ sở: không cần tiếp nhận "
                                    "lại.").format(code=resident.code, name=resident.full_name), "status")
        day = _day(findings, "admission_date", on)
        label = field_label("admission_date")
        if day is not None and resident.discharge_date and day < resident.discharge_date:
            findings.error("admission_date", _("{field}: không được trước ngày ra khỏi cơ sở ({date})").format(
                field=label, date=format_date(resident.discharge_date)))
        if day is not None and day > today:
            findings.error("admission_date", _("{field}: không được ở tương lai ({date})").format(
                field=label, date=format_date(day)))
        decision = normalize(decision)
        if len(decision) > 80:
            findings.error("admission_decision", _("{field}: tối đa {limit} ký tự (đã nhập {n})").format(
                field=field_label("admission_decision"), limit=80, n=len(decision)))
        findings.raise_if_errors()
        # Data, not interface: the line is written in Vietnamese whatever the screen language.
        reason = dict(vocab.DISCHARGE_REASONS).get(resident.discharge_reason or "", resident.discharge_reason or "")
        line = f"Ra khỏi cơ sở {format_date(resident.discharge_date)}"
        line += f" ({reason})" if reason else ""
        line += f"; tiếp nhận lại {format_date(day)}"
        notes = f"{resident.notes}\n{line}" if resident.notes else line
        before = audit.snapshot(resident)
        _save(resident, resident.version, {
            "status": "in_care", "admission_date": day, "admission_decision": decision or None,
            "discharge_date": None, "discharge_reason": None, "discharge_note": None, "notes": notes,
        })
        audit.record(actor, "readmit", ENTITY, resident.id, resident_id=resident.id,
                     summary=f"{resident.code} {resident.full_name}: {line}",
                     changes=audit.diff(before, audit.snapshot(resident)))
        return _detail(resident)


def delete_by_mistake(actor: Actor, resident_id: int, *, reason: str) -> None:
    """Hides a record entered by mistake (administrators only). Nothing is erased: the row stays,
    marked deleted, its code stays reserved; its CCCD is released (kept in the audit entry) so the
    person can be entered correctly. Audit "delete" with the reason."""
    require(actor, "residents.delete")
    reason = normalize(reason)
    if not reason:
        raise ValidationError(required_message("reason"), "reason")
    with write_transaction():
        resident = _load(resident_id)
        before = audit.snapshot(resident)
        _save(resident, resident.version, {"deleted": True, "cccd": None})
        changes = audit.diff(before, audit.snapshot(resident))
        changes["reason"] = [None, reason]
        audit.record(actor, "delete", ENTITY, resident.id, resident_id=resident.id,
                     summary=f"{resident.code} {resident.full_name}: {reason}", changes=changes)
