"""First-run set-up: the centre's details, the first administrator, optionally the demo centre."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from caremgr import auth, settings
from caremgr.auth import Actor
from caremgr.errors import ValidationError
from caremgr.i18n import _
from db.connection import write_transaction
from db.models import Resident, Staff, TrainingCourse


@dataclass(frozen=True)
class SetupSummary:
    admin: Actor
    demo_loaded: bool
    residents: int = 0
    staff: int = 0
    courses: int = 0


def needs_setup() -> bool:
    """True while nobody can log in: the wizard must run first."""
    return not auth.has_users()


def load_demo_centre(actor: Actor, today: date | None = None) -> SetupSummary:
    from caremgr import demo

    demo.load_demo(actor, today=today)
    return SetupSummary(actor, True, Resident.select().count(), Staff.select().count(),
                        TrainingCourse.select().count())


def first_run(*, username: str, password: str, full_name: str = "", centre: dict | None = None,
              effective_from: date | None = None, demo: bool = False, today: date | None = None) -> SetupSummary:
    """Creates the first administrator and the centre's settings in one unit of work.

    With ``demo`` the demo centre is loaded first and then whatever the user typed overrides its
    settings, so nothing typed in the wizard is lost. Without it, the required settings must be given.
    """
    centre = {k: v for k, v in (centre or {}).items() if v not in (None, "", [])}
    if not demo:
        missing = [d for d in settings.DEFINITIONS if d.required and not centre.get(d.key)]
        if missing:
            raise ValidationError([
                ValidationError(_("{field}: không được để trống.").format(field=_(d.label)), d.key).problems[0]
                for d in missing
            ])
    with write_transaction():
        admin = auth.create_user(None, username, password, "administrator", full_name)
        summary = load_demo_centre(admin, today) if demo else SetupSummary(admin, False)
        settings.seed_programme_defaults(admin)
        if not demo:  # a new centre starts with the editable starter checklists
            from caremgr import facility

            facility.seed_starters(admin)
        if centre:
            settings.put(admin, centre, effective_from=effective_from or date.today())
    return summary
