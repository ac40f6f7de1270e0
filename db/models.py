"""The tables of a centre's database.

Models describe storage only; rules about what may be stored live in ``caremgr/``. Every editable
record carries ``version`` so that a save can detect that someone else changed the row meanwhile.
Dates are ``DateField`` (ISO text in SQLite, ``date`` in PostgreSQL); nothing here is SQLite-only.
"""

from __future__ import annotations

import json
from datetime import datetime

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DatabaseProxy,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

database_proxy = DatabaseProxy()


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


class JSONText(TextField):
    """JSON stored as text: the same on SQLite and PostgreSQL, readable in any SQL tool."""

    def db_value(self, value):
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)

    def python_value(self, value):
        if value is None or value == "":
            return None
        return json.loads(value)


class BaseModel(Model):
    class Meta:
        database = database_proxy
        legacy_table_names = False


class Record(BaseModel):
    """An editable record: creation/update stamps and an optimistic-lock version."""

    created_at = DateTimeField(default=_now)
    updated_at = DateTimeField(default=_now)
    version = IntegerField(default=1)


# --- administration ------------------------------------------------------------------------------

class SchemaVersion(BaseModel):
    version = IntegerField(primary_key=True)
    applied_at = DateTimeField(default=_now)
    description = CharField(max_length=200, default="")


class Setting(BaseModel):
    """A setting's value from a date on: the value in force on day d is the row with the latest
    ``effective_from`` not after d. Undated settings use ``caremgr.settings.ALWAYS``."""

    id = AutoField()
    key = CharField(max_length=80)
    effective_from = DateField()
    value = JSONText(null=True)
    updated_at = DateTimeField(default=_now)
    updated_by = CharField(max_length=60, default="")

    class Meta:
        indexes = ((("key", "effective_from"), True),)


class User(Record):
    id = AutoField()
    username = CharField(max_length=60, unique=True)
    full_name = CharField(max_length=120, default="")
    role = CharField(max_length=20)
    password_hash = CharField(max_length=300)
    active = BooleanField(default=True)
    failed_attempts = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    last_login_at = DateTimeField(null=True)
    password_changed_at = DateTimeField(null=True)

    class Meta:
        table_name = "app_user"  # "user" is reserved in PostgreSQL


class AuditLog(BaseModel):
    """Who changed what, when: one row per create/update/delete or security event."""

    id = AutoField()
    at = DateTimeField(default=_now, index=True)
    username = CharField(max_length=60, index=True)
    action = CharField(max_length=30, index=True)
    entity = CharField(max_length=40)
    entity_id = CharField(max_length=40, null=True)
    resident_id = IntegerField(null=True, index=True)
    summary = CharField(max_length=300, default="")
    changes = JSONText(null=True)
    prev_hash = CharField(max_length=64, null=True)
    entry_hash = CharField(max_length=64, null=True)

    class Meta:
        indexes = ((("entity", "entity_id"), False),)


class ReportRun(BaseModel):
    """An issued document: its number, period and the exact figures it was printed with."""

    id = AutoField()
    kind = CharField(max_length=30)
    year = IntegerField()
    number = IntegerField()
    number_text = CharField(max_length=60)
    period_label = CharField(max_length=40, default="")
    period_start = DateField(null=True)
    period_end = DateField(null=True)
    issued_on = DateField()
    issued_by = CharField(max_length=60)
    created_at = DateTimeField(default=_now)
    snapshot = JSONText()
    checksum = CharField(max_length=64)

    class Meta:
        indexes = ((("kind", "year", "number"), True),)


# --- residents -----------------------------------------------------------------------------------

class Resident(Record):
    id = AutoField()
    code = CharField(max_length=20, unique=True)
    full_name = CharField(max_length=120)
    search_name = CharField(max_length=120, index=True)
    sort_key = CharField(max_length=400, index=True)
    sex = CharField(max_length=10)
    birth_year = IntegerField()
    birth_date = DateField(null=True)
    ethnicity = CharField(max_length=40, null=True)
    cccd = CharField(max_length=12, null=True, unique=True)
    cccd_note = CharField(max_length=120, null=True)
    address = TextField(null=True)
    province = CharField(max_length=80, null=True)
    commune = CharField(max_length=80, null=True)
    category = CharField(max_length=10, index=True)
    merit_type = CharField(max_length=40, null=True)
    disability_type = CharField(max_length=30, null=True)
    disability_severity = CharField(max_length=30, null=True)
    admission_date = DateField(index=True)
    admission_decision = CharField(max_length=80, null=True)
    room = CharField(max_length=30, null=True)
    status = CharField(max_length=20, default="in_care", index=True)
    discharge_date = DateField(null=True, index=True)
    discharge_reason = CharField(max_length=20, null=True)
    discharge_note = TextField(null=True)
    notes = TextField(null=True)
    photo = TextField(null=True)
    deleted = BooleanField(default=False, index=True)

    class Meta:
        # The list walks non-deleted residents in name order and tests the typed words against
        # search_name and the code on that walk: one covering index serves the page and the count.
        indexes = ((("deleted", "sort_key", "code", "search_name"), False),)


class Contact(Record):
    id = AutoField()
    resident = ForeignKeyField(Resident, backref="contacts", on_delete="CASCADE")
    full_name = CharField(max_length=120)
    relationship = CharField(max_length=60, null=True)
    phone = CharField(max_length=20, null=True)
    address = TextField(null=True)
    is_guardian = BooleanField(default=False)
    notes = TextField(null=True)


class InsuranceCard(Record):
    id = AutoField()
    resident = ForeignKeyField(Resident, backref="insurance_cards", on_delete="CASCADE")
    number = CharField(max_length=20)
    group_code = CharField(max_length=2, null=True)
    benefit_level = IntegerField(null=True)
    province_code = CharField(max_length=2, null=True)
    social_insurance_no = CharField(max_length=10, null=True, index=True)
    valid_from = DateField()
    valid_to = DateField(index=True)
    facility_code = CharField(max_length=5, null=True)
    facility_name = CharField(max_length=200, null=True)
    note = TextField(null=True)

    class Meta:
        indexes = ((("resident", "valid_to"), False),)


class HealthCheck(Record):
    id = AutoField()
    resident = ForeignKeyField(Resident, backref="health_checks", on_delete="CASCADE")
    check_date = DateField(index=True)
    pulse = IntegerField(null=True)
    systolic = IntegerField(null=True)
    diastolic = IntegerField(null=True)
    temperature = FloatField(null=True)
    weight_kg = FloatField(null=True)
    height_cm = FloatField(null=True)
    spo2 = IntegerField(null=True)
    glucose = FloatField(null=True)
    examiner = CharField(max_length=120, null=True)
    findings = TextField(null=True)

    class Meta:
        indexes = ((("resident", "check_date"), False),)


class Condition(Record):
    id = AutoField()
    resident = ForeignKeyField(Resident, backref="conditions", on_delete="CASCADE")
    icd10 = CharField(max_length=10, index=True)
    title = CharField(max_length=300)
    chronic = BooleanField(default=False)
    ncd = BooleanField(default=False)
    onset_date = DateField(null=True)
    status = CharField(max_length=20, default="active")
    resolved_date = DateField(null=True)
    notes = TextField(null=True)


class Referral(Record):
    id = AutoField()
    resident = ForeignKeyField(Resident, backref="referrals", on_delete="CASCADE")
    referral_date = DateField(index=True)
    facility = CharField(max_length=200)
    reason = TextField(null=True)
    result = TextField(null=True)
    return_date = DateField(null=True)


class Consent(Record):
    """A resident's (or guardian's) consent to the processing of their personal data (Law 91/2025/QH15)."""

    id = AutoField()
    resident = ForeignKeyField(Resident, backref="consents", on_delete="CASCADE")
    given_on = DateField()
    given_by = CharField(max_length=120)
    relation = CharField(max_length=20, default="self")
    scope = TextField()
    document = CharField(max_length=120, null=True)
    withdrawn_on = DateField(null=True)
    note = TextField(null=True)


# --- staff and training --------------------------------------------------------------------------

class Staff(Record):
    id = AutoField()
    code = CharField(max_length=20, unique=True)
    full_name = CharField(max_length=120)
    search_name = CharField(max_length=120, index=True)
    sort_key = CharField(max_length=400, index=True)
    sex = CharField(max_length=10, null=True)
    birth_date = DateField(null=True)
    position = CharField(max_length=30, index=True)
    qualification = CharField(max_length=120, null=True)
    contract_type = CharField(max_length=20, null=True)
    start_date = DateField()
    leave_date = DateField(null=True)
    licence_no = CharField(max_length=40, null=True)
    licence_expiry = DateField(null=True)
    phone = CharField(max_length=20, null=True)
    notes = TextField(null=True)


class TrainingCourse(Record):
    id = AutoField()
    code = CharField(max_length=30, unique=True)
    title = CharField(max_length=300)
    field = CharField(max_length=40)
    organiser = CharField(max_length=200, null=True)
    start_date = DateField(index=True)
    end_date = DateField()
    hours = FloatField(null=True)
    place = CharField(max_length=200, null=True)


class TrainingAttendance(Record):
    id = AutoField()
    course = ForeignKeyField(TrainingCourse, backref="attendance", on_delete="CASCADE")
    staff = ForeignKeyField(Staff, backref="training", on_delete="CASCADE")
    completed = BooleanField(default=True)
    certificate_no = CharField(max_length=60, null=True)

    class Meta:
        indexes = ((("course", "staff"), True),)


# --- rehabilitation ------------------------------------------------------------------------------

class RehabPlan(Record):
    id = AutoField()
    resident = ForeignKeyField(Resident, backref="rehab_plans", on_delete="CASCADE")
    start_date = DateField()
    review_date = DateField(null=True, index=True)
    end_date = DateField(null=True)
    responsible = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    status = CharField(max_length=20, default="draft", index=True)
    summary = TextField(null=True)
    previous = ForeignKeyField("self", null=True, backref="next_plans", on_delete="SET NULL")


class RehabGoal(Record):
    id = AutoField()
    plan = ForeignKeyField(RehabPlan, backref="goals", on_delete="CASCADE")
    domain = CharField(max_length=30)
    statement = TextField()
    target_date = DateField(null=True)
    status = CharField(max_length=20, default="open")
    achieved_date = DateField(null=True, index=True)
    outcome_note = TextField(null=True)


class RehabIntervention(Record):
    id = AutoField()
    plan = ForeignKeyField(RehabPlan, backref="interventions", on_delete="CASCADE")
    kind = CharField(max_length=30)
    description = TextField(null=True)
    per_week = IntegerField(default=1)
    minutes = IntegerField(default=30)
    responsible = ForeignKeyField(Staff, null=True, on_delete="SET NULL")


class RehabSession(Record):
    id = AutoField()
    resident = ForeignKeyField(Resident, backref="rehab_sessions", on_delete="CASCADE")
    plan = ForeignKeyField(RehabPlan, null=True, backref="sessions", on_delete="SET NULL")
    intervention = ForeignKeyField(RehabIntervention, null=True, backref="sessions", on_delete="SET NULL")
    session_date = DateField(index=True)
    minutes = IntegerField()
    staff = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    note = TextField(null=True)


class Assessment(Record):
    """A dated assessment; for Barthel, ``items`` holds the ten item scores and ``total`` their sum."""

    id = AutoField()
    resident = ForeignKeyField(Resident, backref="assessments", on_delete="CASCADE")
    plan = ForeignKeyField(RehabPlan, null=True, backref="assessments", on_delete="SET NULL")
    kind = CharField(max_length=20, default="barthel")
    assessed_on = DateField(index=True)
    items = JSONText(null=True)
    total = IntegerField(null=True)
    assessor = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    assessor_name = CharField(max_length=120, null=True)
    note = TextField(null=True)


# --- facility ------------------------------------------------------------------------------------

class FacilityItem(Record):
    """One line of a capability checklist (``phc_rehab`` conditions or ``technical`` activities)."""

    id = AutoField()
    checklist = CharField(max_length=20, index=True)
    position = IntegerField(default=0)
    title = TextField()
    met = BooleanField(default=False)
    met_on = DateField(null=True)
    note = TextField(null=True)
    starter = BooleanField(default=False)


ALL_MODELS = [
    SchemaVersion,
    Setting,
    User,
    AuditLog,
    ReportRun,
    Resident,
    Contact,
    InsuranceCard,
    HealthCheck,
    Condition,
    Referral,
    Consent,
    Staff,
    TrainingCourse,
    TrainingAttendance,
    RehabPlan,
    RehabGoal,
    RehabIntervention,
    RehabSession,
    Assessment,
    FacilityItem,
]
