"""A resident's health record: check-ups with vital signs, conditions (ICD-10) and referrals.

Every write checks the "health.edit" permission, validates, saves in one transaction with an audit
entry naming the resident, and refuses records of a resident who has died (they stay readable).
Reads need "residents.view". Edits carry the version the user opened; a stale one raises Conflict
and overwrites nothing.

Vital signs (``VITALS``) have two kinds of limits:

- *input limits* reject what cannot be a measurement of a living person (a pulse of 400 is a typing
  mistake), so they are deliberately wide: pulse 20–250/min, systolic 50–280 and diastolic
  30–180 mmHg (systolic above diastolic), temperature 30–44 °C, weight 1–250 kg, height 30–230 cm,
  SpO2 50–100 %, capillary glucose 1–40 mmol/L;
- *normal ranges* for adults only mark values for attention (``flags``): pulse 60–100/min, systolic
  90–139 and diastolic 60–89 mmHg (140/90 is the threshold of hypertension), axillary temperature
  36.0–37.5 °C, SpO2 95 % or more, glucose 3.9–7.0 mmol/L (low below the hypoglycaemia threshold,
  high above the fasting diabetes threshold; a random value after a meal may be higher), BMI
  18.5–24.9. BMI 23–24.9 is not flagged but ``bmi_class`` calls it "overweight" after the WHO
  cut-offs for Asian adults used in Vietnam (obese from 25).

Ranges are bounds inclusive. Children's pulse, blood pressure and BMI depend on age, so for
residents under 18 on the day of the check only temperature, SpO2 and glucose are flagged.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from caremgr import audit, icd10, settings
from caremgr.auth import Actor, require
from caremgr.dates import age_on, parse_date
from caremgr.errors import Conflict, Findings, NotFound, ValidationError
from caremgr.i18n import N_, _
from caremgr.text import normalize
from db.connection import write_transaction
from db.models import Condition, HealthCheck, Referral, Resident

VIEW = "residents.view"
EDIT = "health.edit"
ADULT_AGE = 18
# BMI of a check without a height uses the latest earlier height: any for an adult, for a child
# only one measured within this many days (children grow). Same rule as the printed record.
CHILD_HEIGHT_DAYS = 120


# --- vital signs -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Vital:
    key: str
    label: str  # N_ marked; translate with _() where shown
    unit: str
    integer: bool
    low: float  # input limits, inclusive
    high: float
    normal_low: float | None = None  # adult normal range, inclusive; None = no bound
    normal_high: float | None = None
    decimals: int = 0

    def limits_text(self) -> tuple[str, str]:
        return _fmt(self.low), _with_unit(_fmt(self.high), self.unit)


VITALS: list[Vital] = [
    Vital("pulse", N_("Mạch"), N_("lần/phút"), True, 20, 250, 60, 100),
    Vital("systolic", N_("Huyết áp tâm thu"), "mmHg", True, 50, 280, 90, 139),
    Vital("diastolic", N_("Huyết áp tâm trương"), "mmHg", True, 30, 180, 60, 89),
    Vital("temperature", N_("Nhiệt độ"), "°C", False, 30, 44, 36.0, 37.5, 1),
    Vital("weight_kg", N_("Cân nặng"), "kg", False, 1, 250, None, None, 1),
    Vital("height_cm", N_("Chiều cao"), "cm", False, 30, 230, None, None, 1),
    Vital("spo2", N_("SpO2"), "%", True, 50, 100, 95, None),
    Vital("glucose", N_("Đường huyết"), "mmol/L", False, 1, 40, 3.9, 7.0, 1),
]
BY_KEY = {v.key: v for v in VITALS}
VITAL_KEYS = [v.key for v in VITALS]
AGE_DEPENDENT = {"pulse", "systolic", "diastolic", "bmi"}

BMI_NORMAL = (18.5, 24.9)
BMI_ASIAN_OVERWEIGHT = 23.0  # WHO Western Pacific cut-offs for Asian adults
BMI_ASIAN_OBESE = 25.0
BMI_CLASSES = [
    ("underweight", N_("Thiếu cân")),
    ("normal", N_("Bình thường")),
    ("overweight", N_("Thừa cân")),
    ("obese", N_("Béo phì")),
]

CONDITION_STATUSES = [
    ("active", N_("Đang theo dõi")),
    ("resolved", N_("Đã khỏi")),
]

LABELS = {
    "check_date": N_("Ngày khám"),
    "blood_pressure": N_("Huyết áp"),
    "examiner": N_("Người khám"),
    "findings": N_("Nhận xét"),
    "icd10": N_("Mã ICD-10"),
    "title": N_("Tên bệnh"),
    "onset_date": N_("Ngày phát hiện"),
    "status": N_("Tình trạng"),
    "resolved_date": N_("Ngày khỏi"),
    "notes": N_("Ghi chú"),
    "referral_date": N_("Ngày chuyển"),
    "facility": N_("Nơi chuyển đến"),
    "reason": N_("Lý do"),
    "result": N_("Kết quả"),
    "return_date": N_("Ngày về"),
}


def _label(key: str) -> str:
    if key in BY_KEY:
        return _(BY_KEY[key].label)
    return _(LABELS[key])


def _fmt(number: float) -> str:
    """12 -> "12", 37.5 -> "37,5" (Vietnamese decimal comma)."""
    if float(number).is_integer():
        return str(int(number))
    return f"{number:g}".replace(".", ",")


def _with_unit(text: str, unit: str) -> str:
    return f"{text}{unit}" if unit == "%" else f"{text} {_(unit)}"


def bmi(weight_kg: float | None, height_cm: float | None) -> float | None:
    """Body-mass index, one decimal; None when either measure is missing or not positive."""
    if not weight_kg or not height_cm or weight_kg <= 0 or height_cm <= 0:
        return None
    return round(weight_kg / (height_cm / 100) ** 2, 1)


def bmi_class(value: float | None) -> str | None:
    """Asian adult cut-offs: underweight < 18.5 ≤ normal < 23 ≤ overweight < 25 ≤ obese."""
    if value is None:
        return None
    if value < BMI_NORMAL[0]:
        return "underweight"
    if value < BMI_ASIAN_OVERWEIGHT:
        return "normal"
    if value < BMI_ASIAN_OBESE:
        return "overweight"
    return "obese"


def flags(values, *, adult: bool = True) -> dict[str, str]:
    """``{vital: "low" | "high"}`` for each value outside the adult normal range, and "bmi".

    ``values`` is a mapping or an object with the vital attributes (a CheckRow); BMI is taken from
    "bmi" or computed from weight and height. With ``adult=False`` only temperature, SpO2 and
    glucose are judged.
    """
    def get(key):
        return values.get(key) if isinstance(values, Mapping) else getattr(values, key, None)

    out: dict[str, str] = {}
    for vital in VITALS:
        value = get(vital.key)
        if value is None or (not adult and vital.key in AGE_DEPENDENT):
            continue
        if vital.normal_low is not None and value < vital.normal_low:
            out[vital.key] = "low"
        elif vital.normal_high is not None and value > vital.normal_high:
            out[vital.key] = "high"
    if adult:
        value = get("bmi")
        if value is None:
            value = bmi(get("weight_kg"), get("height_cm"))
        if value is not None and value < BMI_NORMAL[0]:
            out["bmi"] = "low"
        elif value is not None and value > BMI_NORMAL[1]:
            out["bmi"] = "high"
    return out


# --- parsing helpers ---------------------------------------------------------------------------

def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _named(label: str, message: str) -> str:
    """ "Ngày khám" + "Ngày không hợp lệ: 31/02" -> "Ngày khám: ngày không hợp lệ: 31/02"."""
    return f"{label}: {message[:1].lower()}{message[1:]}"


def _number(raw, vital: Vital) -> tuple[float | int | None, str | None]:
    """(value, None) or (None, Vietnamese error). Accepts "37,2", "37.2", "97%", "65 kg"."""
    label = _(vital.label)
    if isinstance(raw, bool):
        return None, _("{field}: phải là một số.").format(field=label)
    if isinstance(raw, int | float):
        number = float(raw) if isinstance(raw, float) or abs(raw) < 10**300 else math.inf
    else:
        text = normalize(raw)
        for unit in {vital.unit, _(vital.unit)}:
            if text.casefold().endswith(unit.casefold()):
                text = text[: -len(unit)].strip()
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            return None, _("{field}: phải là một số.").format(field=label)
    if not math.isfinite(number):
        return None, _("{field}: phải là một số.").format(field=label)
    if vital.integer and not number.is_integer():
        return None, _("{field}: phải là số nguyên.").format(field=label)
    if not vital.low <= number <= vital.high:
        low, high = vital.limits_text()
        return None, _("{field}: phải từ {low} đến {high}.").format(field=label, low=low, high=high)
    return (int(number) if vital.integer else round(number, vital.decimals)), None


def _date(findings: Findings, data: Mapping, key: str, today: date, *, required: bool) -> date | None:
    raw = data.get(key)
    if _blank(raw):
        if required:
            findings.error(key, _("{field}: không được để trống.").format(field=_label(key)))
        return None
    try:
        day = parse_date(raw)
    except ValueError as exc:
        findings.error(key, _named(_label(key), str(exc)))
        return None
    if day > today:
        findings.error(key, _("{field}: không được sau ngày hôm nay.").format(field=_label(key)))
        return None
    return day


def _line(findings: Findings, data: Mapping, key: str, max_length: int, *, required: bool = False) -> str | None:
    text = normalize(data.get(key))
    if not text:
        if required:
            findings.error(key, _("{field}: không được để trống.").format(field=_label(key)))
        return None
    if len(text) > max_length:
        findings.error(key, _("{field}: dài quá {n} ký tự.").format(field=_label(key), n=max_length))
        return None
    return text


def _note(data: Mapping, key: str) -> str | None:
    """Free text with its line breaks kept; each line tidied; None when empty."""
    raw = data.get(key)
    if raw is None:
        return None
    lines = [normalize(line) for line in str(raw).splitlines()]
    text = "\n".join(lines).strip()
    return text or None


def _flag(value) -> bool:
    if isinstance(value, str):
        return value.strip().casefold() in ("1", "true", "yes", "x", "có", "co", "c", "y")
    return bool(value)


def _not_before(findings: Findings, key: str, day: date | None, other_key: str, other: date | None) -> None:
    if day and other and day < other:
        findings.error(key, _("{field}: không được trước {other}.").format(
            field=_label(key), other=_label(other_key).lower()))


# --- validation --------------------------------------------------------------------------------

_BP = re.compile(r"^(\d{1,3})\s*/\s*(\d{1,3})$")


def validate_check(data: Mapping, *, today: date | None = None) -> tuple[dict, Findings]:
    """Checks a health check as typed; returns the values to store and the problems found.

    Keys: check_date (required, not in the future), pulse, blood_pressure ("120/80") or systolic
    and diastolic, temperature ("37,2" accepted), weight_kg, height_cm, spo2, glucose, examiner,
    findings. At least one measure or a finding is required. Unknown keys are ignored.
    """
    today = today or date.today()
    findings = Findings()
    clean: dict = {"check_date": _date(findings, data, "check_date", today, required=True)}
    errors_before = len(findings.errors)

    for key in ("pulse", "temperature", "weight_kg", "height_cm", "spo2", "glucose"):
        clean[key] = None
        if not _blank(data.get(key)):
            clean[key], message = _number(data.get(key), BY_KEY[key])
            if message:
                findings.error(key, message)

    clean["systolic"] = clean["diastolic"] = None
    bp_label = _label("blood_pressure")
    if not _blank(data.get("blood_pressure")):
        fields = {"systolic": "blood_pressure", "diastolic": "blood_pressure"}
        text = normalize(data.get("blood_pressure"))
        text = re.sub(r"\s*mmhg$", "", text, flags=re.IGNORECASE)
        match = _BP.match(text)
        raw = {"systolic": match[1], "diastolic": match[2]} if match else None
        if raw is None:
            findings.error("blood_pressure", _("{field}: nhập dạng tâm thu/tâm trương, ví dụ 120/80.").format(
                field=bp_label))
    else:
        fields = {"systolic": "systolic", "diastolic": "diastolic"}
        raw = {key: data.get(key) for key in fields}
        given = [key for key in fields if not _blank(raw[key])]
        if len(given) == 1:
            missing = "diastolic" if given == ["systolic"] else "systolic"
            findings.error(missing, _("{field}: cần nhập cả huyết áp tâm thu và tâm trương.").format(
                field=bp_label))
            raw = None
        elif not given:
            raw = None
    if raw is not None:
        for key, field_name in fields.items():
            clean[key], message = _number(raw[key], BY_KEY[key])
            if message:
                findings.error(field_name, message)
        if clean["systolic"] is not None and clean["diastolic"] is not None \
                and clean["systolic"] <= clean["diastolic"]:
            findings.error(fields["diastolic"], _("{field}: tâm thu phải lớn hơn tâm trương.").format(
                field=bp_label))
            clean["systolic"] = clean["diastolic"] = None

    clean["examiner"] = _line(findings, data, "examiner", 120)
    clean["findings"] = _note(data, "findings")

    vital_errors = len(findings.errors) > errors_before
    if not vital_errors and clean["findings"] is None and all(clean[k] is None for k in VITAL_KEYS):
        findings.error("", _("Cần nhập ít nhất một chỉ số sức khỏe hoặc nhận xét khám."))

    value = bmi(clean["weight_kg"], clean["height_cm"])
    if value is not None and not 10 <= value <= 60:
        findings.warning("weight_kg", _("BMI {bmi}: hãy kiểm tra lại cân nặng và chiều cao.").format(
            bmi=_fmt(value)))
    return clean, findings


def validate_condition(data: Mapping, *, today: date | None = None) -> tuple[dict, Findings]:
    """Checks a condition. icd10 must be a code of the ICD-10 catalogue (stored normalised,
    "E11.9"); title defaults to the catalogue's title (Vietnamese, else English); chronic and ncd
    default to the catalogue's hints; status "active" (default) or "resolved"."""
    today = today or date.today()
    findings = Findings()
    clean: dict = {}
    raw_code = data.get("icd10")
    clean["icd10"] = None
    if _blank(raw_code):
        findings.error("icd10", _("{field}: không được để trống.").format(field=_label("icd10")))
    else:
        try:
            clean["icd10"] = icd10.normalise(raw_code)
        except ValueError as exc:
            findings.error("icd10", _named(_label("icd10"), str(exc)))
    code = clean["icd10"]
    clean["title"] = _line(findings, data, "title", 300) or (icd10.title(code) if code else None)
    for key, hint in (("chronic", icd10.is_chronic_hint), ("ncd", icd10.is_ncd_hint)):
        value = data.get(key)
        clean[key] = (hint(code) if code else False) if value is None or value == "" else _flag(value)
    clean["onset_date"] = _date(findings, data, "onset_date", today, required=False)
    status = data.get("status") or "active"
    if not isinstance(status, str) or status not in dict(CONDITION_STATUSES):
        findings.error("status", _("{field}: giá trị không hợp lệ.").format(field=_label("status")))
    clean["status"] = status
    clean["resolved_date"] = _date(findings, data, "resolved_date", today, required=False)
    if clean["resolved_date"] and status == "active":
        findings.error("resolved_date", _("{field}: chỉ ghi khi bệnh đã khỏi.").format(
            field=_label("resolved_date")))
    _not_before(findings, "resolved_date", clean["resolved_date"], "onset_date", clean["onset_date"])
    clean["notes"] = _note(data, "notes")
    return clean, findings


def validate_referral(data: Mapping, *, today: date | None = None) -> tuple[dict, Findings]:
    """Checks a referral: date and facility required; the return not before the referral."""
    today = today or date.today()
    findings = Findings()
    clean = {
        "referral_date": _date(findings, data, "referral_date", today, required=True),
        "facility": _line(findings, data, "facility", 200, required=True),
        "reason": _note(data, "reason"),
        "result": _note(data, "result"),
        "return_date": _date(findings, data, "return_date", today, required=False),
    }
    _not_before(findings, "return_date", clean["return_date"], "referral_date", clean["referral_date"])
    return clean, findings


# --- rows --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckRow:
    id: int
    check_date: date
    pulse: int | None
    systolic: int | None
    diastolic: int | None
    temperature: float | None
    weight_kg: float | None
    height_cm: float | None
    bmi: float | None  # from this check's height or the latest earlier one (see CHILD_HEIGHT_DAYS)
    spo2: int | None
    glucose: float | None
    examiner: str | None
    findings: str | None
    version: int
    flags: dict[str, str] = field(default_factory=dict)

    @property
    def blood_pressure(self) -> str:
        return f"{self.systolic}/{self.diastolic}" if self.systolic and self.diastolic else ""


@dataclass(frozen=True)
class ConditionRow:
    id: int
    icd10: str
    title: str
    chronic: bool
    ncd: bool
    mental: bool
    onset_date: date | None
    status: str
    resolved_date: date | None
    notes: str | None
    version: int

    @property
    def active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True)
class ReferralRow:
    id: int
    referral_date: date
    facility: str
    reason: str | None
    result: str | None
    return_date: date | None
    version: int


def _birth_basis(resident: Resident) -> date:
    if resident.birth_date is not None:
        return resident.birth_date
    return date(resident.birth_year, 1, 1)


def _is_adult(resident: Resident, day: date) -> bool:
    return age_on(_birth_basis(resident), day) >= ADULT_AGE


def _check_rows(resident: Resident) -> list[CheckRow]:
    """All checks of a resident, oldest first, with BMI and flags."""
    rows = []
    measured: tuple[date, float] | None = None  # the latest height so far and its date
    query = HealthCheck.select().where(HealthCheck.resident == resident.id).order_by(
        HealthCheck.check_date, HealthCheck.id)
    for c in query:
        adult = _is_adult(resident, c.check_date)
        height = c.height_cm
        if height is not None:
            measured = (c.check_date, height)
        elif measured and (adult or (c.check_date - measured[0]).days <= CHILD_HEIGHT_DAYS):
            height = measured[1]
        value = bmi(c.weight_kg, height)
        row = CheckRow(
            id=c.id, check_date=c.check_date, pulse=c.pulse, systolic=c.systolic, diastolic=c.diastolic,
            temperature=c.temperature, weight_kg=c.weight_kg, height_cm=c.height_cm, bmi=value, spo2=c.spo2,
            glucose=c.glucose, examiner=c.examiner, findings=c.findings, version=c.version, flags={},
        )
        rows.append(replace(row, flags=flags(row, adult=adult)))
    return rows


def _condition_row(c: Condition) -> ConditionRow:
    return ConditionRow(id=c.id, icd10=c.icd10, title=c.title, chronic=c.chronic, ncd=c.ncd,
                        mental=icd10.is_mental(c.icd10), onset_date=c.onset_date, status=c.status,
                        resolved_date=c.resolved_date, notes=c.notes, version=c.version)


def _referral_row(r: Referral) -> ReferralRow:
    return ReferralRow(id=r.id, referral_date=r.referral_date, facility=r.facility, reason=r.reason,
                       result=r.result, return_date=r.return_date, version=r.version)


# --- shared service steps ----------------------------------------------------------------------

def _resident(resident_id: int) -> Resident:
    resident = Resident.get_or_none((Resident.id == resident_id) & (Resident.deleted == False))  # noqa: E712
    if resident is None:
        raise NotFound(_("Không tìm thấy hồ sơ đối tượng."))
    return resident


def _writable(resident: Resident) -> Resident:
    if resident.status == "deceased":
        raise ValidationError(_("Hồ sơ người đã mất chỉ được xem."))
    return resident


def _record(model, record_id: int):
    row = model.get_or_none(model.id == record_id)
    if row is None:
        raise NotFound(_("Không tìm thấy bản ghi (có thể đã bị xóa)."))
    return row


def _not_before_birth(findings: Findings, key: str, day: date | None, resident: Resident) -> None:
    if day is not None and day < _birth_basis(resident):
        findings.error(key, _("{field}: không được trước ngày sinh của đối tượng.").format(field=_label(key)))


def _conflict(model, row_id: int, mine: dict) -> Conflict:
    current = model.get_or_none(model.id == row_id)
    return Conflict(_("Bản ghi đã được người khác sửa sau khi bạn mở; chưa có gì bị ghi đè. "
                      "Hãy tải lại để xem thay đổi."),
                    mine=mine, theirs=audit.snapshot(current) if current else {})


def _create(actor: Actor, model, resident: Resident, values: dict, entity: str, summary: str):
    row = model.create(resident=resident.id, **values)
    audit.record(actor, "create", entity, row.id, resident_id=resident.id, summary=summary,
                 changes=audit.diff(None, audit.snapshot(row)))
    return row


def _update(actor: Actor, model, row, values: dict, version: int, entity: str, summary: str):
    """Saves changed fields if the row still has ``version``; Conflict otherwise."""
    if row.version != version:
        raise _conflict(model, row.id, values)
    changed = {k: v for k, v in values.items() if getattr(row, k) != v}
    if not changed:
        return row
    before = audit.snapshot(row)
    count = (model.update(**changed, version=model.version + 1, updated_at=datetime.now().replace(microsecond=0))
             .where((model.id == row.id) & (model.version == version)).execute())
    if count != 1:
        raise _conflict(model, row.id, values)
    row = model.get_by_id(row.id)
    audit.record(actor, "update", entity, row.id, resident_id=row.resident_id, summary=summary,
                 changes=audit.diff(before, audit.snapshot(row)))
    return row


def _delete(actor: Actor, model, row, version: int | None, entity: str, summary: str) -> None:
    if version is not None and row.version != version:
        raise _conflict(model, row.id, {})
    before = audit.snapshot(row)
    query = model.delete().where(model.id == row.id)
    if version is not None:
        query = query.where(model.version == version)
    if query.execute() != 1:
        raise _conflict(model, row.id, {})
    audit.record(actor, "delete", entity, row.id, resident_id=row.resident_id, summary=summary,
                 changes=audit.diff(before, None))


# --- health checks -----------------------------------------------------------------------------

def list_checks(actor: Actor, resident_id: int) -> list[CheckRow]:
    """The resident's checks, newest first."""
    require(actor, VIEW)
    return list(reversed(_check_rows(_resident(resident_id))))


def _check_row(resident: Resident, check_id: int) -> CheckRow:
    return next(row for row in _check_rows(resident) if row.id == check_id)


def add_check(actor: Actor, resident_id: int, data: Mapping) -> CheckRow:
    require(actor, EDIT)
    with write_transaction():
        resident = _writable(_resident(resident_id))
        values, findings = validate_check(data)
        _not_before_birth(findings, "check_date", values["check_date"], resident)
        findings.raise_if_errors()
        row = _create(actor, HealthCheck, resident, values, "health_check",
                      f"health check {values['check_date'].isoformat()} of resident {resident.code}")
    return _check_row(resident, row.id)


def _check_input(row: HealthCheck) -> dict:
    return {key: getattr(row, key) for key in ("check_date", *VITAL_KEYS, "examiner", "findings")}


def update_check(actor: Actor, check_id: int, data: Mapping, *, version: int) -> CheckRow:
    """Changes a check. ``data`` may hold only the fields that change; the others stay."""
    require(actor, EDIT)
    with write_transaction():
        row = _record(HealthCheck, check_id)
        resident = _writable(_resident(row.resident_id))
        merged = _check_input(row)
        if "blood_pressure" in data:
            for key in ("systolic", "diastolic"):
                merged.pop(key)
        merged.update(data)
        values, findings = validate_check(merged)
        _not_before_birth(findings, "check_date", values["check_date"], resident)
        findings.raise_if_errors()
        _update(actor, HealthCheck, row, values, version, "health_check",
                f"health check {values['check_date'].isoformat()} of resident {resident.code}")
    return _check_row(resident, check_id)


def delete_check(actor: Actor, check_id: int, *, version: int | None = None) -> None:
    """Deletes a check entered by mistake (audited with its values)."""
    require(actor, EDIT)
    with write_transaction():
        row = _record(HealthCheck, check_id)
        resident = _writable(_resident(row.resident_id))
        _delete(actor, HealthCheck, row, version, "health_check",
                f"health check {row.check_date.isoformat()} of resident {resident.code} deleted")


def series(actor: Actor, resident_id: int) -> dict[str, list]:
    """Chart data, oldest first: ``dates`` and, aligned with them, ``weight``, ``systolic`` and
    ``diastolic`` (None where a check did not measure it)."""
    require(actor, VIEW)
    rows = _check_rows(_resident(resident_id))
    return {
        "dates": [r.check_date for r in rows],
        "weight": [r.weight_kg for r in rows],
        "systolic": [r.systolic for r in rows],
        "diastolic": [r.diastolic for r in rows],
    }


def last_check_date(resident_id: int, *, on: date | None = None) -> date | None:
    """The date of the resident's latest check (on or before ``on`` when given)."""
    query = HealthCheck.select(HealthCheck.check_date).where(HealthCheck.resident == resident_id)
    if on is not None:
        query = query.where(HealthCheck.check_date <= on)
    row = query.order_by(HealthCheck.check_date.desc()).first()
    return row.check_date if row else None


def check_interval(on: date | None = None) -> timedelta:
    return timedelta(days=settings.get("care.check_interval_days", on) or 30)


def next_check_due(resident_id: int, on: date | None = None) -> date:
    """The last check on or before ``on`` plus the interval setting; ``on`` itself (default
    today) when the resident has never been checked."""
    on = on or date.today()
    last = last_check_date(resident_id, on=on)
    return last + check_interval(on) if last else on


def is_overdue(resident_id: int, on: date | None = None) -> bool:
    """Past the due date, or never checked (as the dashboard counts "checks overdue")."""
    on = on or date.today()
    last = last_check_date(resident_id, on=on)
    return last is None or on > last + check_interval(on)


# --- conditions --------------------------------------------------------------------------------

def list_conditions(actor: Actor, resident_id: int) -> list[ConditionRow]:
    """Active conditions first, then resolved ones; each group by onset, latest first."""
    require(actor, VIEW)
    resident = _resident(resident_id)
    rows = [_condition_row(c) for c in Condition.select().where(Condition.resident == resident.id)]
    rows.sort(key=lambda c: (not c.active, c.onset_date is None,
                             -(c.onset_date.toordinal() if c.onset_date else 0), -c.id))
    return rows


def _check_condition(findings: Findings, values: dict, resident: Resident, exclude: int | None = None) -> None:
    _not_before_birth(findings, "onset_date", values["onset_date"], resident)
    if values["icd10"] and values["status"] == "active":
        query = Condition.select().where((Condition.resident == resident.id) & (Condition.icd10 == values["icd10"])
                                         & (Condition.status == "active"))
        if exclude is not None:
            query = query.where(Condition.id != exclude)
        if query.exists():
            findings.error("icd10", _("{field}: đối tượng đã có bệnh {code} đang theo dõi.").format(
                field=_label("icd10"), code=values["icd10"]))


def add_condition(actor: Actor, resident_id: int, data: Mapping) -> ConditionRow:
    require(actor, EDIT)
    with write_transaction():
        resident = _writable(_resident(resident_id))
        values, findings = validate_condition(data)
        _check_condition(findings, values, resident)
        findings.raise_if_errors()
        row = _create(actor, Condition, resident, values, "condition",
                      f"condition {values['icd10']} of resident {resident.code}")
    return _condition_row(row)


def _condition_input(row: Condition) -> dict:
    return {key: getattr(row, key) for key in ("icd10", "title", "chronic", "ncd", "onset_date", "status",
                                               "resolved_date", "notes")}


def update_condition(actor: Actor, condition_id: int, data: Mapping, *, version: int) -> ConditionRow:
    """Changes a condition; ``data`` may hold only the fields that change. A new code without a
    new title takes the new code's title."""
    require(actor, EDIT)
    with write_transaction():
        row = _record(Condition, condition_id)
        resident = _writable(_resident(row.resident_id))
        merged = _condition_input(row)
        if "icd10" in data and "title" not in data and not _blank(data["icd10"]):
            try:
                if icd10.normalise(data["icd10"]) != row.icd10:
                    merged["title"] = None
            except ValueError:
                pass  # validate_condition reports it
        merged.update(data)
        values, findings = validate_condition(merged)
        _check_condition(findings, values, resident, exclude=row.id)
        findings.raise_if_errors()
        row = _update(actor, Condition, row, values, version, "condition",
                      f"condition {values['icd10']} of resident {resident.code}")
    return _condition_row(row)


def resolve_condition(actor: Actor, condition_id: int, on, *, version: int | None = None) -> ConditionRow:
    """Marks a condition resolved on ``on`` (a date or "dd/mm/yyyy")."""
    require(actor, EDIT)
    with write_transaction():
        row = _record(Condition, condition_id)
        resident = _writable(_resident(row.resident_id))
        if row.status == "resolved":
            raise ValidationError(_("Bệnh {code} đã được ghi nhận khỏi.").format(code=row.icd10), "status")
        values, findings = validate_condition({**_condition_input(row), "status": "resolved", "resolved_date": on})
        if values["resolved_date"] is None and not findings.errors:
            findings.error("resolved_date", _("{field}: không được để trống.").format(field=_label("resolved_date")))
        findings.raise_if_errors()
        row = _update(actor, Condition, row, values, row.version if version is None else version, "condition",
                      f"condition {row.icd10} of resident {resident.code} resolved")
    return _condition_row(row)


def delete_condition(actor: Actor, condition_id: int, *, version: int | None = None) -> None:
    """Deletes a condition entered by mistake (audited with its values)."""
    require(actor, EDIT)
    with write_transaction():
        row = _record(Condition, condition_id)
        resident = _writable(_resident(row.resident_id))
        _delete(actor, Condition, row, version, "condition",
                f"condition {row.icd10} of resident {resident.code} deleted")


# --- referrals ---------------------------------------------------------------------------------

def list_referrals(actor: Actor, resident_id: int) -> list[ReferralRow]:
    """The resident's referrals, newest first."""
    require(actor, VIEW)
    resident = _resident(resident_id)
    query = Referral.select().where(Referral.resident == resident.id).order_by(
        Referral.referral_date.desc(), Referral.id.desc())
    return [_referral_row(r) for r in query]


def _check_referral(findings: Findings, values: dict, resident: Resident) -> None:
    _not_before_birth(findings, "referral_date", values["referral_date"], resident)


def add_referral(actor: Actor, resident_id: int, data: Mapping) -> ReferralRow:
    require(actor, EDIT)
    with write_transaction():
        resident = _writable(_resident(resident_id))
        values, findings = validate_referral(data)
        _check_referral(findings, values, resident)
        findings.raise_if_errors()
        row = _create(actor, Referral, resident, values, "referral",
                      f"referral {values['referral_date'].isoformat()} of resident {resident.code}")
    return _referral_row(row)


def update_referral(actor: Actor, referral_id: int, data: Mapping, *, version: int) -> ReferralRow:
    """Changes a referral (typically to add the result and the return date)."""
    require(actor, EDIT)
    with write_transaction():
        row = _record(Referral, referral_id)
        resident = _writable(_resident(row.resident_id))
        merged = {key: getattr(row, key) for key in ("referral_date", "facility", "reason", "result", "return_date")}
        merged.update(data)
        values, findings = validate_referral(merged)
        _check_referral(findings, values, resident)
        findings.raise_if_errors()
        row = _update(actor, Referral, row, values, version, "referral",
                      f"referral {values['referral_date'].isoformat()} of resident {resident.code}")
    return _referral_row(row)


def delete_referral(actor: Actor, referral_id: int, *, version: int | None = None) -> None:
    """Deletes a referral entered by mistake (audited with its values)."""
    require(actor, EDIT)
    with write_transaction():
        row = _record(Referral, referral_id)
        resident = _writable(_resident(row.resident_id))
        _delete(actor, Referral, row, version, "referral",
                f"referral {row.referral_date.isoformat()} of resident {resident.code} deleted")
