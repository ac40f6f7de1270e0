from datetime import datetime, timedelta

import pytest

from caremgr import audit, auth
from caremgr.errors import AccountLocked, AuthenticationFailed, NotFound, PermissionDenied, ValidationError
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
    auth.set_password(nurse, "lan", "mat-khau-moi-5")
    assert auth.authenticate("lan", "mat-khau-moi-5").username == "lan"
    with pytest.raises(PermissionDenied):
        auth.set_password(nurse, "admin", "chiem-quyen-1")
    auth.set_password(admin, "lan", "dat-lai-123")
    assert auth.authenticate("lan", "dat-lai-123").role == "nurse"
    assert audit.verify_chain().ok


# --- password rules and the administrator's reset (issue 9) -------------------------------------

@pytest.mark.parametrize("password, rule", [
    ("abc1234", "ít nhất 8 ký tự"),
    ("mat-khau-dai", "chữ số"),
    ("12345678", "chữ cái"),
    ("--------", "chữ cái"),
    ("hoa12345", "trùng với tên đăng nhập"),
    ("HOA12345", "trùng với tên đăng nhập"),
])
def test_password_rules_are_named_in_vietnamese(admin, password, rule):
    with pytest.raises(ValidationError) as err:
        auth.create_user(admin, "hoa12345", password, "nurse")
    assert rule in str(err.value)
    assert all(p.field == "password" for p in err.value.problems)
    assert not User.select().where(User.username == "hoa12345").exists()


def test_every_broken_rule_is_listed_at_once():
    problems = auth.password_problems("----", "lan")
    assert len(problems) == 3  # too short, no letter, no digit
    assert auth.password_problems("mat-khau-1", "lan") == []
    assert len(auth.password_problems("lan", "lan")) == 3  # short, no digit, the user's name


def test_rules_apply_to_own_change_and_reset(admin):
    auth.create_user(admin, "lan", "mat-khau-2", "nurse")
    nurse = auth.authenticate("lan", "mat-khau-2")
    with pytest.raises(ValidationError, match="chữ số"):
        auth.set_password(nurse, "lan", "khong-co-so")
    with pytest.raises(ValidationError, match="ít nhất 8"):
        auth.reset_password(admin, "lan", "a1")
    assert auth.authenticate("lan", "mat-khau-2").username == "lan"


def test_admin_reset_unlocks_and_is_audited_without_the_password(admin):
    auth.create_user(admin, "lan", "mat-khau-2", "nurse")
    start = datetime.now()
    for _ in range(auth.MAX_FAILED_ATTEMPTS):
        with pytest.raises(AuthenticationFailed):
            auth.authenticate("lan", "sai-mat-khau", now=start)
    assert User.get(User.username == "lan").locked_until is not None
    version = User.get(User.username == "lan").version
    auth.reset_password(admin, " LAN ", "dat-lai-456")
    user = User.get(User.username == "lan")
    assert (user.locked_until, user.failed_attempts, user.version) == (None, 0, version + 1)
    assert auth.authenticate("lan", "dat-lai-456", now=start).username == "lan"  # no wait for the lock
    entry = AuditLog.select().where(AuditLog.action == "password_reset").get()
    assert (entry.username, entry.entity, entry.entity_id) == ("admin", "user", str(user.id))
    assert "unlocked" in entry.summary and "dat-lai-456" not in entry.summary + str(entry.changes)
    assert audit.verify_chain().ok


def test_only_an_administrator_resets(admin):
    auth.create_user(admin, "lan", "mat-khau-2", "nurse")
    director = auth.create_user(admin, "hung", "mat-khau-3", "director")
    with pytest.raises(PermissionDenied):
        auth.reset_password(director, "lan", "dat-lai-456")
    with pytest.raises(NotFound):
        auth.reset_password(admin, "khong-co", "dat-lai-456")


def test_cli_user_reset(tmp_path, monkeypatch, capsys):
    from ui.cli import main

    db = str(tmp_path / "r.sqlite")
    monkeypatch.setenv("CAREMGR_PASSWORD", "mat-khau-1")
    assert main(["init", "--db", db]) == 0
    monkeypatch.setenv("CAREMGR_NEW_PASSWORD", "mat-khau-2")
    assert main(["user", "add", "lan", "--role", "nurse", "--db", db, "--user", "admin"]) == 0
    monkeypatch.setenv("CAREMGR_NEW_PASSWORD", "khongcoso")
    assert main(["user", "reset", "lan", "--db", db, "--user", "admin"]) == 1
    assert "chữ số" in capsys.readouterr().err
    monkeypatch.setenv("CAREMGR_NEW_PASSWORD", "dat-lai-789")
    assert main(["user", "reset", "lan", "--db", db, "--user", "admin"]) == 0
    monkeypatch.setenv("CAREMGR_PASSWORD", "dat-lai-789")
    assert main(["user", "reset", "admin", "--db", db, "--user", "lan"]) == 1  # a nurse may not
    assert "không có quyền" in capsys.readouterr().err
