"""Every service call that changes data leaves an audit entry naming who did it."""

from datetime import date

import pytest

from caremgr import audit, auth, settings, setup
from db.models import AuditLog


def count():
    return AuditLog.select().count()


CHANGES = {
    "create_user": lambda admin: auth.create_user(admin, "lan", "mat-khau-2", "nurse"),
    "set_password": lambda admin: auth.set_password(admin, "admin", "mat-khau-moi-2"),
    "login": lambda admin: auth.authenticate("admin", "mat-khau-1"),
    "settings": lambda admin: settings.put(admin, {"centre.name": "Trung tâm A", "centre.province": "Huế"},
                                           effective_from=date(2026, 1, 1)),
    "programme_defaults": lambda admin: settings.seed_programme_defaults(admin),
    "demo": lambda admin: setup.load_demo_centre(admin, today=date(2026, 6, 30)),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_change_is_audited(admin, change):
    before = count()
    CHANGES[change](admin)
    new = list(AuditLog.select().where(AuditLog.id > 0).order_by(AuditLog.id.desc()).limit(count() - before))
    assert new, f"{change} wrote no audit entry"
    assert {e.username for e in new} == {"admin"}
    assert audit.verify_chain().ok


def test_first_run_is_audited_as_set_up(database):
    setup.first_run(username="quantri", password="mat-khau-1", centre={
        "centre.name": "Trung tâm B", "centre.symbol": "TTB", "centre.province": "Huế",
        "centre.director": "Lê C", "agency.governing_body": "SỞ Y TẾ THÀNH PHỐ HUẾ",
        "agency.receiving": "Sở Y tế thành phố Huế"})
    actions = [(e.username, e.action, e.entity) for e in AuditLog.select().order_by(AuditLog.id)]
    assert ("system", "create", "user") in actions
    assert sum(1 for a in actions if a[2] == "setting" and a[0] == "quantri") >= 6


def test_first_run_without_details_fails_and_leaves_nothing(database):
    from caremgr.errors import ValidationError

    with pytest.raises(ValidationError) as err:
        setup.first_run(username="quantri", password="mat-khau-1", centre={"centre.name": "Trung tâm B"})
    assert {p.field for p in err.value.problems} >= {"centre.symbol", "agency.governing_body"}
    assert not auth.has_users() and count() == 0
