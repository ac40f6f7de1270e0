"""Hostile input to every service that validates and writes (create/update/add), on SQLite and
PostgreSQL: the call succeeds, or refuses with a CaremgrError whose messages are Vietnamese and name
the field — and a refused call leaves every table count and the audit log unchanged (nothing
half-written). Also the validators that look at the database (resident and staff profiles).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from caremgr import (
    auth,
    barthel,
    consent,
    facility,
    health,
    insurance,
    rehab,
    resident_forms,
    residents,
    staff,
    training,
)
from caremgr import settings as app_settings
from caremgr.errors import CaremgrError
from db.models import ALL_MODELS, RehabPlan, Resident, Staff, TrainingCourse
from tests.unit.test_fuzz_validators import (
    HOSTILE_VALUES,
    ISSUE_VALUES,
    any_value,
    check_error,
    check_problems,
    fuzz_settings,
    mappings,
)

TODAY = date.today()


def dmy(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


past_day = st.integers(1, 900).map(lambda n: dmy(TODAY - timedelta(days=n)))
some_id = st.integers(-3, 12)
barthel_items = st.fixed_dictionaries({}, optional={item.key: st.one_of(st.sampled_from(item.scores), any_value)
                                                    for item in barthel.ITEMS})


def counts() -> dict[str, int]:
    """Row counts of every table (the audit log included), in one query."""
    names = [m._meta.table_name for m in ALL_MODELS]
    sql = "SELECT " + ", ".join(f'(SELECT COUNT(*) FROM "{name}")' for name in names)
    return dict(zip(names, ALL_MODELS[0]._meta.database.execute_sql(sql).fetchone(), strict=True))


@pytest.fixture
def world(admin):
    """A resident with an active plan (goal, intervention), a second resident without a plan, two staff
    members and a course — all made through the services."""
    base = {"full_name": "Nguyễn Thị Hồng", "birth": "1948", "sex": "Nữ", "category": "NCT",
            "admission_date": dmy(TODAY - timedelta(days=1000))}
    first = residents.create(admin, {**base, "code": "FZ001"})
    second = residents.create(admin, {**base, "code": "FZ002", "full_name": "Lò Văn Tuấn", "sex": "Nam"})
    worker = staff.create(admin, {"code": "NV001", "full_name": "Đỗ Thị Đào", "position": "Điều dưỡng",
                                  "start_date": "01/01/2015"})
    staff.create(admin, {"code": "NV002", "full_name": "Trần Văn Bình", "position": "Bác sĩ",
                         "start_date": "01/01/2016"})
    plan = rehab.create_plan(admin, first.id, {"start_date": dmy(TODAY - timedelta(days=100)),
                                               "review_date": dmy(TODAY + timedelta(days=60))})
    rehab.add_goal(admin, plan.id, {"domain": "mobility", "statement": "Tự đi lại trong phòng"})
    rehab.add_intervention(admin, plan.id, {"kind": "physiotherapy", "per_week": "3", "minutes": "30"})
    course = training.create_course(admin, {"code": "TH01", "title": "Sơ cấp cứu", "field": "Chăm sóc",
                                            "start_date": "01/03/2025", "end_date": "02/03/2025"})
    return {"admin": admin, "resident": first.id, "free": second.id, "staff": worker.id, "plan": plan.id,
            "course": course.id}


def version_of(model, row_id: int) -> int:
    return model.get_by_id(row_id).version


KEYS_PLAN = ["start_date", "review_date", "end_date", "responsible_id", "summary"]
KEYS_GOAL = ["domain", "statement", "target_date", "status", "achieved_date", "outcome_note"]
KEYS_INTERVENTION = ["kind", "description", "per_week", "minutes", "responsible_id"]
KEYS_BARTHEL = ["assessed_on", "items", "assessor_id", "assessor_name", "note", "plan_id"]
KEYS_FUNCTIONAL = ["assessed_on", "notes", "assessor_id", "assessor_name", "note", "plan_id"]
KEYS_SESSION = ["resident_id", "intervention_id", "plan_id", "session_date", "minutes", "staff_id", "note"]
DATES = {"start_date", "review_date", "end_date", "target_date", "achieved_date", "assessed_on", "session_date",
         "check_date", "onset_date", "resolved_date", "referral_date", "return_date", "given_on", "met_on",
         "valid_from", "valid_to", "admission_date", "birth_date", "leave_date", "licence_expiry"}
IDS = {"responsible_id", "assessor_id", "plan_id", "resident_id", "intervention_id", "staff_id"}


def plausible(keys) -> dict:
    out = {k: past_day for k in keys if k in DATES}
    out.update({k: some_id for k in keys if k in IDS})
    if "items" in keys:
        out["items"] = barthel_items
    if "notes" in keys:
        out["notes"] = st.dictionaries(st.sampled_from(["mobility", "self_care", "x"]), any_value, max_size=2)
    return out


# name -> (keys, call(world, data))
SERVICES = {
    "residents.create": (resident_forms.FORM_KEYS,
                         lambda w, d: residents.create(w["admin"], d, [d] if "phone" in d else [])),
    "residents.update": (resident_forms.FORM_KEYS,
                         lambda w, d: residents.update(w["admin"], w["free"], d,
                                                       version=version_of(Resident, w["free"]))),
    "staff.create": (staff.FORM_KEYS, lambda w, d: staff.create(w["admin"], d)),
    "staff.update": (staff.FORM_KEYS, lambda w, d: staff.update(w["admin"], w["staff"], d,
                                                                version=version_of(Staff, w["staff"]))),
    "health.add_check": (["check_date", "pulse", "blood_pressure", "temperature", "weight_kg", "height_cm", "spo2",
                          "glucose", "examiner", "findings"],
                         lambda w, d: health.add_check(w["admin"], w["resident"], d)),
    "health.add_condition": (["icd10", "title", "onset_date", "status", "resolved_date", "chronic", "notes"],
                             lambda w, d: health.add_condition(w["admin"], w["resident"], d)),
    "health.add_referral": (["referral_date", "facility", "reason", "result", "return_date"],
                            lambda w, d: health.add_referral(w["admin"], w["resident"], d)),
    "insurance.add_card": (list(insurance.CARD_KEYS), lambda w, d: insurance.add_card(w["admin"], w["resident"], d)),
    "insurance.renew_card": (list(insurance.CARD_KEYS),
                             lambda w, d: insurance.renew_card(w["admin"], w["resident"], d)),
    "consent.add_consent": (["given_on", "given_by", "relation", "scope", "document", "note"],
                            lambda w, d: consent.add_consent(w["admin"], w["resident"], d)),
    "facility.add_item": (list(facility.FIELD_LABELS), lambda w, d: facility.add_item(w["admin"], "technical", d)),
    "training.create_course": (list(training.COURSE_KEYS), lambda w, d: training.create_course(w["admin"], d)),
    "training.update_course": (list(training.COURSE_KEYS),
                               lambda w, d: training.update_course(w["admin"], w["course"], d,
                                                                   version=version_of(TrainingCourse, w["course"]))),
    "training.add_attendee": (["staff_id", "completed", "certificate_no"],
                              lambda w, d: training.add_attendee(w["admin"], w["course"], d)),
    "rehab.create_plan": (KEYS_PLAN, lambda w, d: rehab.create_plan(w["admin"], w["free"], d)),
    "rehab.update_plan": (KEYS_PLAN, lambda w, d: rehab.update_plan(w["admin"], w["plan"], d,
                                                                    version=version_of(RehabPlan, w["plan"]))),
    "rehab.add_goal": (KEYS_GOAL, lambda w, d: rehab.add_goal(w["admin"], w["plan"], d)),
    "rehab.add_intervention": (KEYS_INTERVENTION, lambda w, d: rehab.add_intervention(w["admin"], w["plan"], d)),
    "rehab.add_barthel": (KEYS_BARTHEL, lambda w, d: rehab.add_barthel(w["admin"], w["resident"], d)),
    "rehab.add_functional": (KEYS_FUNCTIONAL, lambda w, d: rehab.add_functional(w["admin"], w["resident"], d)),
    "rehab.add_session": (KEYS_SESSION, lambda w, d: rehab.add_session(w["admin"], d)),
    # (only the known keys: an unknown key is a programming error, KeyError by contract)
    "settings.put": ([d.key for d in app_settings.DEFINITIONS],
                     lambda w, d: app_settings.put(w["admin"], {k: v for k, v in d.items() if k in app_settings.BY_KEY})),
    "auth.create_user": (["username", "password", "role", "full_name"],
                         lambda w, d: auth.create_user(w["admin"], d.get("username"), d.get("password"),
                                                       d.get("role"), d.get("full_name") or "")),
}


def check_service(name, world, data):
    keys, call = SERVICES[name]
    before = counts()
    try:
        call(world, data)
    except CaremgrError as exc:
        check_error(exc, where=name)
        assert counts() == before, f"{name}: a refused call wrote something"
        return False
    after = counts()
    if after != before:
        assert after["audit_log"] > before["audit_log"], f"{name}: a write without an audit entry"
    return True


STRATEGIES = {name: mappings(keys, **plausible(keys)) for name, (keys, _call) in SERVICES.items()}


@given(name=st.sampled_from(list(SERVICES)), data=st.data())
@fuzz_settings(250)
def test_fuzz_services(world, name, data):
    """Random forms for random services, all in one database per backend (creating a fresh database
    per service would cost more than the fuzzing itself)."""
    check_service(name, world, data.draw(STRATEGIES[name], label="data"))


EXTRA_VALUES = ["9" * 10_001]  # found by the fuzz: int() refuses > 4300 digits (ValueError)


def test_every_hostile_value_under_every_key(world):
    """The issue's hostile values, each under all the keys of each form at once, and no keys at all."""
    for name, (keys, _call) in SERVICES.items():
        check_service(name, world, {})
        for value in ISSUE_VALUES + EXTRA_VALUES:
            check_service(name, world, {key: value for key in keys})


# --- the validators that look at the database ------------------------------------------------------

@given(data=mappings(resident_forms.FORM_KEYS, **plausible(resident_forms.FORM_KEYS)))
@example(data={key: value for key in resident_forms.FORM_KEYS for value in [HOSTILE_VALUES[0]]})
@fuzz_settings(30)
def test_resident_validate(world, data):
    labels = {key: resident_forms.field_label(key) for key in resident_forms.FORM_KEYS}
    for resident_id in (None, world["free"]):
        clean, findings = resident_forms.validate(data, resident_id=resident_id)
        check_problems(findings.problems, labels, where="resident_forms.validate")


@given(data=mappings(staff.FORM_KEYS, **plausible(staff.FORM_KEYS)))
@example(data={key: HOSTILE_VALUES[0] for key in staff.FORM_KEYS})
@fuzz_settings(30)
def test_staff_validate(world, data):
    labels = {key: staff.field_label(key) for key in staff.FORM_KEYS}
    for staff_id in (None, world["staff"]):
        clean, findings = staff.validate(data, staff_id=staff_id)
        check_problems(findings.problems, labels, where="staff.validate")
