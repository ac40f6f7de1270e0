from datetime import datetime, timedelta

import pytest

from caremgr import audit, auth
from caremgr.errors import AccountLocked, AuthenticationFailed, PermissionDenied, ValidationError
from db.models import AuditLog, User


def test_first_user_must_be_administrator(database):
    with pytest.raises(ValidationError):
        auth.create_user(None, "y-ta", "mat-khau-1", "nurse")
    admin = auth.create_user(None, "Admin", "mat-khau-1", "administrator", "Lê Văn Quản")
    assert admin.username == "admin" and admin.role == "administrator"
    # Once a user exists, nobody may add users without logging in.
    with pytest.raises(PermissionDenied):
        auth.create_user(None, "other", "mat-khau-1", "administrator")


def test_password_is_hashed_never_stored_in_clear(admin):
    row = User.get(User.username == "admin")
    assert "mat-khau-1" not in row.password_hash
    assert row.password_hash.startswith("scrypt$")
    assert auth.verify_password("mat-khau-1", row.password_hash)
    assert not auth.verify_password("mat-khau-2", row.password_hash)
    for entry in AuditLog.select():
        assert "mat-khau-1" not in (entry.summary + str(entry.changes))
        assert "password_hash" not in str(entry.changes)


def test_roles_limit_what_users_may_do(admin):
    nurse = auth.create_user(admin, "lan", "mat-khau-2", "nurse", "Nguyễn Thị Lan")
    director = auth.create_user(admin, "hung", "mat-khau-3", "director")
    with pytest.raises(PermissionDenied) as err:
        auth.create_user(nurse, "x", "mat-khau-4", "nurse")
    assert "lan" in str(err.value)
    with pytest.raises(PermissionDenied):
        auth.list_users(director)
    assert [u.username for u in auth.list_users(admin)] == ["admin", "hung", "lan"]
    assert nurse.can("residents.edit") and not nurse.can("settings.edit")
    assert director.can("reports.issue") and not director.can("residents.edit")


def test_rejects_short_password_and_unknown_role(admin):
    with pytest.raises(ValidationError, match="ít nhất 8"):
        auth.create_user(admin, "ngan", "123", "nurse")
    with pytest.raises(ValidationError, match="Vai trò"):
        auth.create_user(admin, "ngan", "mat-khau-9", "doctor")
    with pytest.raises(ValidationError, match="đã có"):
        auth.create_user(admin, "ADMIN", "mat-khau-9", "nurse")


def test_login_succeeds_and_is_audited(admin):
    actor = auth.authenticate("admin", "mat-khau-1")
    assert actor.username == "admin"
    assert AuditLog.select().where(AuditLog.action == "login").count() == 1


def test_five_wrong_passwords_lock_for_five_minutes(admin):
    start = datetime(2026, 3, 1, 8, 0, 0)
    for attempt in range(1, 5):
        with pytest.raises(AuthenticationFailed) as err:
            auth.authenticate("admin", "sai-mat-khau", now=start)
        assert not isinstance(err.value, AccountLocked)
        assert f"còn {5 - attempt} lần" in str(err.value)
    with pytest.raises(AccountLocked):
        auth.authenticate("admin", "sai-mat-khau", now=start)
    # Even the right password is refused while locked...
    with pytest.raises(AccountLocked, match="sau 4 phút"):
        auth.authenticate("admin", "mat-khau-1", now=start + timedelta(minutes=1))
    with pytest.raises(AccountLocked, match="sau 1 phút"):
        auth.authenticate("admin", "mat-khau-1", now=start + timedelta(minutes=4, seconds=59))
    # ...and accepted once the five minutes have passed.
    assert auth.authenticate("admin", "mat-khau-1", now=start + timedelta(minutes=5, seconds=1)).username == "admin"
    actions = [e.action for e in AuditLog.select().order_by(AuditLog.id)]
    assert actions.count("login_failed") == 4 and actions.count("locked") == 1 and actions[-1] == "login"


def test_successful_login_resets_the_count(admin):
    now = datetime(2026, 3, 1, 8, 0, 0)
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            auth.authenticate("admin", "sai", now=now)
    auth.authenticate("admin", "mat-khau-1", now=now)
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            auth.authenticate("admin", "sai", now=now)
    assert User.get(User.username == "admin").locked_until is None


def test_unknown_user_gets_the_same_message(admin):
    with pytest.raises(AuthenticationFailed, match="Tên đăng nhập hoặc mật khẩu không đúng"):
        auth.authenticate("khong-co", "x")


def test_password_change_and_admin_reset(admin):
    nurse = auth.create_user(admin, "lan", "mat-khau-2", "nurse")
    auth.set_password(nurse, "lan", "mat-khau-moi")
    assert auth.authenticate("lan", "mat-khau-moi").username == "lan"
    with pytest.raises(PermissionDenied):
        auth.set_password(nurse, "admin", "chiem-quyen-1")
    auth.set_password(admin, "lan", "dat-lai-123")
    assert auth.authenticate("lan", "dat-lai-123").role == "nurse"
    assert audit.verify_chain().ok
