"""The periodic return to the Sở (RETURN.md): its figures as plain data, issuing with a number and a
stored snapshot, the history of issued returns, and re-opening one exactly as it was issued.

``compute`` gives the whole return as one JSON-able dict (the shape of ``return.schema.json``,
described for the PDF in the issue's "return-shape" contract): every figure follows RETURN.md's
counting rules, where *End* is the period's last day and *P* the whole period. Where RETURN.md
leaves a reading open, the choice is written beside the code:

- residents deleted as "entered by mistake" count nowhere;
- a condition is *active on End* when its onset is empty or not after End, and it is still active
  or was resolved after End (so a return for a past period says what was true then);
- insurance statuses are ``caremgr.bhyt.card_status`` on End with a 30-day window (CODES.md): a
  renewal already recorded continues the cover, and a card starting after End is not "had" yet;
- ``rehab.improved`` counts every resident (not only those in care) with two Barthel totals on
  different dates up to End, the latest higher than the first;
- percentages are ``round(part × 100 ÷ whole, 1)`` like the dashboard and the facility screen,
  0 when the whole is 0; a target is met when the exact share (not the rounded one) reaches it.

``issue`` numbers the return ``NN/BC-<symbol>`` (per calendar year of the issue date), stores the
dict with a SHA-256 checksum of its canonical JSON in ``ReportRun`` and audits it; ``reopen``
returns that stored dict after checking the checksum, whatever changed in the data since.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from peewee import PostgresqlDatabase, fn

from caremgr import audit, facility, settings, staff, training, vocab
from caremgr.auth import Actor, require
from caremgr.bhyt import EXPIRED, EXPIRING, NONE, VALID, card_status
from caremgr.dates import age_on
from caremgr.errors import CaremgrError, Findings, NotFound, Problem, ValidationError
from caremgr.i18n import N_, _
from caremgr.periods import Period, parse_period
from caremgr.residents_query import in_care_on, tracked_on
from db.connection import current_database, write_transaction
from db.models import (
    Assessment,
    Condition,
    HealthCheck,
    InsuranceCard,
    Referral,
    RehabGoal,
    RehabPlan,
    RehabSession,
    ReportRun,
    Resident,
    Staff,
)

VIEW = "reports.view"
ISSUE = "reports.issue"
KIND = "return"
DOC_TYPE = "BC"
SCHEMA_ID = "caremgr-return-v1"
SCHEMA_FILE = Path(__file__).with_name("data") / "return.schema.json"

CHILD_AGE = 16    # children: under 16 on End
ELDERLY_AGE = 60  # elderly: 60 or more on End
EXPIRING_DAYS = 30   # insurance.expiring_30: always 30 days, whatever the alert setting
_PG_NUMBER_LOCK = 7_310_443  # advisory-lock key serialising the numbering of issued documents

NARRATIVE_LABELS = {
    "results": N_("Kết quả"),
    "difficulties": N_("Khó khăn, vướng mắc"),
    "proposals": N_("Đề xuất, kiến nghị"),
}


@dataclass(frozen=True)
class IssuedReturn:
    run_id: int
    number: int
    number_text: str  # "05/BC-TTBTXH"
    data: dict


@dataclass(frozen=True)
class RunRow:
    id: int
    kind: str
    number: int
    number_text: str
    period_label: str
    period_start: date | None
    period_end: date | None
    issued_on: date
    issued_by: str
    created_at: datetime


# --- small rules ---------------------------------------------------------------------------------

def _pct(part: int, whole: int) -> float:
    return round(part * 100.0 / whole, 1) if whole else 0.0


def _reaches(part: int, whole: int, target) -> bool | None:
    """Whether part/whole × 100 reaches ``target`` %, exactly (None when there is no target)."""
    if target is None:
        return None
    share = part * 100.0 / whole if whole else 0.0
    return share >= float(target)


def _basis(birth_year: int, birth_date: date | None) -> date:
    """Ages count from the birth date, or 01/01 of the year when only the year is known."""
    return birth_date or date(birth_year, 1, 1)


def _alive(query):
    return query.where(Resident.deleted == False)  # noqa: E712 - peewee needs the comparison


def _in_period(field, period: Period):
    return (field >= period.start) & (field <= period.end)


def condition_active_on(day: date):
    """Peewee expression: the condition is active on ``day`` (onset not after it; not resolved by it)."""
    return ((Condition.onset_date.is_null() | (Condition.onset_date <= day))
            & ((Condition.status == "active") | (Condition.resolved_date > day)))


def is_mental(icd10: str | None) -> bool:
    """ICD-10 chapter V, F00–F99."""
    code = (icd10 or "").strip().upper()
    return len(code) >= 3 and code[0] == "F" and code[1:3].isdigit()


def training_target(period: Period):
    """The yearly training target of the end's year, halved (rounded up) for a half-year period.

    RETURN.md halves it for a half-year only; a free range keeps the yearly value of its end's year
    unchanged (prorating by days is not a rule anyone gave us), and so does a whole year.
    """
    target = settings.year_target("target.training_turns", period.end.year)
    if target is None:
        return None
    target = int(target)
    return math.ceil(target / 2) if period.is_half_year else target


def _float_or_none(value):
    return None if value is None else float(value)


def _as_period(period) -> Period:
    return period if isinstance(period, Period) else parse_period(period)


def _narrative(narrative: Mapping | None) -> dict:
    """The three free texts, stripped; unknown keys or non-text values are refused."""
    out = {key: "" for key in NARRATIVE_LABELS}
    if narrative is not None and not isinstance(narrative, Mapping):
        raise ValidationError(_("Phần lời của báo cáo: cần các mục results, difficulties, proposals."), "narrative")
    findings = Findings()
    for key, value in (narrative or {}).items():
        if key not in NARRATIVE_LABELS:
            findings.error(str(key), _("Phần lời của báo cáo: không có mục \"{key}\" (chỉ có results, "
                                       "difficulties, proposals).").format(key=key))
        elif value is None:
            continue
        elif not isinstance(value, str):
            findings.error(key, _("{field}: phải là chữ.").format(field=_(NARRATIVE_LABELS[key])))
        else:
            out[key] = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    findings.raise_if_errors()
    return out


# --- the figures ---------------------------------------------------------------------------------

def _residents(period: Period) -> tuple[dict, list[int]]:
    end = period.end
    in_care = list(Resident.select(Resident.id, Resident.category, Resident.sex, Resident.birth_year,
                                   Resident.birth_date, Resident.disability_severity)
                   .where(in_care_on(end)).tuples())
    ids = [row[0] for row in in_care]
    by_category = {code: 0 for code in vocab.codes(vocab.CATEGORIES)}
    by_sex = {"male": 0, "female": 0}
    disability = {code: 0 for code in vocab.codes(vocab.DISABILITY_SEVERITIES)}
    children = elderly = 0
    for _id, category, sex, birth_year, birth_date, severity in in_care:
        if category in by_category:
            by_category[category] += 1
        if sex in by_sex:
            by_sex[sex] += 1
        if severity in disability:
            disability[severity] += 1
        age = age_on(_basis(birth_year, birth_date), end)
        children += age < CHILD_AGE
        elderly += age >= ELDERLY_AGE
    admitted = _alive(Resident.select().where(_in_period(Resident.admission_date, period))).count()
    discharged = {code: 0 for code in vocab.codes(vocab.DISCHARGE_REASONS)}
    reasons = _alive(Resident.select(Resident.discharge_reason)
                     .where(_in_period(Resident.discharge_date, period))).tuples()
    for (reason,) in reasons:
        # A discharge without a recorded reason is still a discharge: it counts as "other".
        discharged[reason if reason in discharged else "other"] += 1
    discharged["total"] = sum(discharged.values())
    return {
        "in_care": len(ids), "by_category": by_category, "by_sex": by_sex, "children": children,
        "elderly": elderly, "with_disability": disability, "admitted": admitted, "discharged": discharged,
    }, ids


def _health(period: Period, in_care: int) -> dict:
    end = period.end
    # One index seek per resident in care (resident, check_date) beats reading a year of checks; the
    # dashboard and the residents list's tracking filter use the same rule.
    tracked = Resident.select(fn.COUNT(Resident.id)).where(in_care_on(end) & tracked_on(end)).scalar() or 0
    checks, checked = _alive(HealthCheck.select(fn.COUNT(HealthCheck.id), fn.COUNT(fn.DISTINCT(HealthCheck.resident)))
                             .join(Resident).where(_in_period(HealthCheck.check_date, period))).tuples().first()
    referrals = _alive(Referral.select().join(Resident).where(_in_period(Referral.referral_date, period))).count()
    chronic, mental = set(), set()
    rows = (Condition.select(Condition.resident, Condition.icd10, Condition.chronic).join(Resident)
            .where(in_care_on(end) & condition_active_on(end)).tuples())
    for resident_id, icd10, is_chronic in rows:
        if is_chronic:
            chronic.add(resident_id)
        if is_mental(icd10):
            mental.add(resident_id)
    return {
        "tracked": tracked, "tracked_pct": _pct(tracked, in_care), "checks": checks or 0,
        "residents_checked": checked or 0, "referrals": referrals,
        "chronic": len(chronic), "mental": len(mental),
    }


def _insurance(period: Period, ids: list[int]) -> dict:
    end = period.end
    cards = defaultdict(list)
    rows = (InsuranceCard.select(InsuranceCard.resident, InsuranceCard.valid_from, InsuranceCard.valid_to)
            .join(Resident).where(in_care_on(end)).tuples())
    for resident_id, valid_from, valid_to in rows:
        cards[resident_id].append((valid_from, valid_to))
    statuses = Counter(card_status(cards.get(rid, []), end, EXPIRING_DAYS) for rid in ids)
    valid = statuses[VALID] + statuses[EXPIRING]  # expiring cards are valid cards
    return {
        "valid": valid, "expiring_30": statuses[EXPIRING], "expired": statuses[EXPIRED], "none": statuses[NONE],
        "coverage_pct": _pct(valid, len(ids)),
    }


def _rehab(period: Period) -> dict:
    end = period.end
    active_plans = (RehabPlan.select(fn.COUNT(fn.DISTINCT(RehabPlan.resident))).join(Resident)
                    .where(in_care_on(end) & (RehabPlan.start_date <= end)
                           & (RehabPlan.end_date.is_null() | (RehabPlan.end_date >= end))
                           & (RehabPlan.status != "cancelled")).scalar()) or 0
    sessions, minutes = _alive(RehabSession.select(fn.COUNT(RehabSession.id), fn.SUM(RehabSession.minutes))
                               .join(Resident).where(_in_period(RehabSession.session_date, period))).tuples().first()
    sessions, minutes = sessions or 0, int(minutes or 0)
    assessed = (_alive(Assessment.select(fn.COUNT(fn.DISTINCT(Assessment.resident))).join(Resident)
                       .where((Assessment.kind == "barthel") & _in_period(Assessment.assessed_on, period)))
                .scalar()) or 0
    series = defaultdict(list)
    rows = _alive(Assessment.select(Assessment.resident, Assessment.assessed_on, Assessment.id, Assessment.total)
                  .join(Resident).where((Assessment.kind == "barthel") & Assessment.total.is_null(False)
                                        & (Assessment.assessed_on <= end))).tuples()
    for resident_id, day, row_id, total in rows:
        series[resident_id].append((day, row_id, total))
    improved = 0
    for items in series.values():
        items.sort()
        (first_day, _a, first), (last_day, _b, last) = items[0], items[-1]
        improved += first_day != last_day and last > first
    goals = _alive(RehabGoal.select().join(RehabPlan).join(Resident)
                   .where((RehabGoal.status == "achieved") & _in_period(RehabGoal.achieved_date, period))).count()
    return {
        "active_plans": active_plans, "sessions": sessions, "hours": round(minutes / 60, 1),
        "assessed": assessed, "improved": improved, "goals_achieved": goals, "minutes": minutes,
    }


def _staff(period: Period) -> dict:
    end = period.end
    by_position = {code: 0 for code in vocab.codes(vocab.STAFF_POSITIONS)}
    for (position,) in Staff.select(Staff.position).where(staff.employed_on(end)).tuples():
        by_position[position if position in by_position else "other"] += 1
    return {"total": sum(by_position.values()), "by_position": by_position,
            "medical": staff.medical_count(end), "licensed": staff.licensed_count(end)}


def _facility(period: Period) -> dict:
    summary = facility.summary(period.end)
    return {
        "phc_rehab_ready": summary.phc_ready, "technical_pct": summary.technical_pct,
        "technical_target_pct": summary.technical_target_pct, "phc_total": summary.phc_total,
        "phc_met": summary.phc_met, "technical_total": summary.technical_total,
        "technical_done": summary.technical_done,
    }


def compute(period: Period | str, *, narrative: Mapping | None = None, issued_on: date | None = None,
            number: str = "") -> dict:
    """The whole return for ``period`` as plain JSON-able data (no permission check: the callers
    ``preview`` and ``issue`` check theirs)."""
    period = _as_period(period)
    issued_on = issued_on or date.today()
    texts = _narrative(narrative)
    end_year = period.end.year
    residents, ids = _residents(period)
    health = _health(period, residents["in_care"])
    insurance = _insurance(period, ids)
    train = {**training.period_totals(period.start, period.end), "target": training_target(period)}
    place = _facility(period)
    targets = {
        "tracking_pct": _float_or_none(settings.year_target("target.tracking_pct", end_year)),
        "insurance_pct": _float_or_none(settings.year_target("target.insurance_pct", end_year)),
        "training_turns": train["target"],
        "technical_pct": place["technical_target_pct"],
    }
    met = {
        "tracking": _reaches(health["tracked"], residents["in_care"], targets["tracking_pct"]),
        "insurance": _reaches(insurance["valid"], residents["in_care"], targets["insurance_pct"]),
        "training": None if train["target"] is None else train["turns"] >= train["target"],
        "technical": _reaches(place["technical_done"], place["technical_total"], targets["technical_pct"]),
        "phc_rehab": place["phc_rehab_ready"],
    }
    return {
        "schema": SCHEMA_ID,
        "centre": settings.centre_profile(issued_on).as_dict(),
        "period": period.as_dict(),
        "number": number,
        "issued_on": issued_on.isoformat(),
        "residents": residents,
        "health": health,
        "insurance": insurance,
        "rehab": _rehab(period),
        "staff": _staff(period),
        "training": train,
        "facility": place,
        "narrative": texts,
        "targets": targets,
        "met": met,
    }


def preview(actor: Actor, period: Period | str, narrative: Mapping | None = None, *,
            issued_on: date | None = None) -> dict:
    """The return as it would print today, without a number and without keeping it."""
    require(actor, VIEW)
    return compute(period, narrative=narrative, issued_on=issued_on)


# --- the schema ----------------------------------------------------------------------------------

_SCHEMA: dict | None = None


def schema() -> dict:
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return _SCHEMA


def _schema_message(error) -> str:
    """A jsonschema error in Vietnamese where the kind is a common one."""
    kind, expected = error.validator, error.validator_value
    if kind == "required":
        missing = [name for name in expected if isinstance(error.instance, dict) and name not in error.instance]
        return _("thiếu mục {names}").format(names=", ".join(missing) or "?")
    if kind == "type":
        names = {"integer": _("số nguyên"), "number": _("số"), "string": _("chữ"), "boolean": _("đúng/sai"),
                 "object": _("một nhóm mục"), "array": _("một danh sách"), "null": _("để trống (null)")}
        wanted = expected if isinstance(expected, list) else [expected]
        return _("phải là {kind} (đang là {value})").format(
            kind=_(" hoặc ").join(names.get(w, w) for w in wanted), value=json.dumps(error.instance, ensure_ascii=False, default=str))
    if kind == "minimum":
        return _("không được nhỏ hơn {limit} (đang là {value})").format(limit=expected, value=error.instance)
    if kind == "maximum":
        return _("không được lớn hơn {limit} (đang là {value})").format(limit=expected, value=error.instance)
    if kind == "const":
        return _("phải là \"{value}\"").format(value=expected)
    if kind == "format" and expected == "date":
        return _("không phải ngày dạng yyyy-mm-dd (đang là {value})").format(
            value=json.dumps(error.instance, ensure_ascii=False, default=str))
    return error.message


def validate(data) -> None:
    """Checks ``data`` against return.schema.json; ValidationError listing every problem otherwise."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    if not errors:
        return
    problems = []
    for error in errors:
        path = ".".join(str(p) for p in error.absolute_path) or _("(toàn bộ)")
        problems.append(Problem(path, _("Báo cáo JSON không đúng mẫu {schema}, mục {path}: {error}.").format(
            schema=SCHEMA_ID, path=path, error=_schema_message(error))))
    raise ValidationError(problems)


# --- issuing, history, re-opening ----------------------------------------------------------------

def canonical_json(data) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def checksum(data) -> str:
    """SHA-256 (hex) of the canonical JSON of ``data``."""
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def format_number(number: int, symbol: str) -> str:
    """``05/BC-TTBTXH``: numbers below 10 take a leading zero (the rule of reports.layout.number_text)."""
    return f"{number:02d}/{DOC_TYPE}-{symbol.strip()}"


def next_number(year: int, kind: str = KIND) -> int:
    """The next number of ``kind`` in ``year``: numbering restarts on 1 January."""
    last = (ReportRun.select(fn.MAX(ReportRun.number))
            .where((ReportRun.kind == kind) & (ReportRun.year == year)).scalar())
    return (last or 0) + 1


def issue(actor: Actor, period: Period | str, narrative: Mapping | None = None, *,
          issued_on: date | None = None, deliver: Callable[[IssuedReturn], None] | None = None) -> IssuedReturn:
    """Gives the return the next number of the issue date's year and keeps it exactly as issued.

    Issuing the same period again makes a new numbered return; the earlier ones stay in the history.
    ``deliver``, when given, runs inside the same transaction with the issued return (to write its
    PDF and JSON): if it raises, nothing is issued and the number stays free.
    """
    require(actor, ISSUE)
    period = _as_period(period)
    issued_on = issued_on or date.today()
    symbol = settings.centre_profile(issued_on).symbol
    if not symbol.strip():
        raise ValidationError(_("Chưa có chữ viết tắt trên số văn bản (Cài đặt → Thông tin cơ sở): chưa cấp "
                                "số được."), "centre.symbol")
    with write_transaction():
        database = current_database()
        if isinstance(database, PostgresqlDatabase):  # two PCs issuing at once get different numbers
            database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_PG_NUMBER_LOCK,))
        number = next_number(issued_on.year)
        number_text = format_number(number, symbol)
        data = json.loads(canonical_json(compute(period, narrative=narrative, issued_on=issued_on,
                                                 number=number_text)))
        validate(data)
        digest = checksum(data)
        run = ReportRun.create(
            kind=KIND, year=issued_on.year, number=number, number_text=number_text, period_label=period.label,
            period_start=period.start, period_end=period.end, issued_on=issued_on, issued_by=actor.username,
            snapshot=data, checksum=digest)
        audit.record(actor, "issue", "report_run", run.id,
                     summary=f"return {number_text} for {period.label} issued on {issued_on.isoformat()}",
                     changes={"number_text": [None, number_text], "period_label": [None, period.label],
                              "issued_on": [None, issued_on.isoformat()], "checksum": [None, digest]})
        issued = IssuedReturn(run.id, number, number_text, data)
        if deliver is not None:
            deliver(issued)
    return issued


def _run_row(run: ReportRun) -> RunRow:
    return RunRow(id=run.id, kind=run.kind, number=run.number, number_text=run.number_text,
                  period_label=run.period_label, period_start=run.period_start, period_end=run.period_end,
                  issued_on=run.issued_on, issued_by=run.issued_by, created_at=run.created_at)


def history(actor: Actor, kind: str = KIND) -> list[RunRow]:
    """Issued documents of ``kind``, newest first."""
    require(actor, VIEW)
    query = (ReportRun.select(ReportRun.id, ReportRun.kind, ReportRun.number, ReportRun.number_text,
                              ReportRun.period_label, ReportRun.period_start, ReportRun.period_end,
                              ReportRun.issued_on, ReportRun.issued_by, ReportRun.created_at)
             .where(ReportRun.kind == kind).order_by(ReportRun.id.desc()))
    return [_run_row(run) for run in query]


def reopen(actor: Actor, run_id: int) -> dict:
    """The return exactly as issued (its stored figures, not today's), after checking its checksum."""
    require(actor, VIEW)
    run = ReportRun.get_or_none(ReportRun.id == run_id)
    if run is None:
        raise NotFound(_("Không tìm thấy báo cáo đã cấp (mã {id}).").format(id=run_id))
    data = run.snapshot
    if data is None or checksum(data) != run.checksum:
        raise CaremgrError(_("Bản lưu báo cáo số {number} đã bị thay đổi sau khi cấp (mã kiểm tra không khớp); "
                             "không mở lại được. Hãy khôi phục từ bản sao lưu hoặc cấp lại báo cáo.").format(
            number=run.number_text))
    return data
