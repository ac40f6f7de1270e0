"""Users, roles, passwords and the permission check every service makes.

Passwords are hashed with scrypt (memory-hard, in the standard library); the clear text is never
stored or logged. Five wrong passwords in a row lock the account for five minutes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from caremgr import audit
from caremgr.errors import (
    AccountLocked,
    AuthenticationFailed,
    Findings,
    NotFound,
    PermissionDenied,
    Problem,
    ValidationError,
)
from caremgr.i18n import N_, _
from db.connection import write_transaction
from db.models import User

ROLES = {
    "administrator": N_("Quản trị viên"),
    "nurse": N_("Điều dưỡng"),
    "director": N_("Giám đốc"),
}

# What each role may do. Services call ``require(actor, permission)``, so the windows and the
# command line obey the same rules.
PERMISSIONS: dict[str, frozenset[str]] = {
    "administrator": frozenset({"*"}),
    "nurse": frozenset({
        "dashboard.view", "residents.view", "residents.edit", "health.edit", "rehab.edit",
        "insurance.edit", "staff.view", "reports.view", "settings.view",
    }),
    "director": frozenset({
        "dashboard.view", "residents.view", "staff.view", "staff.edit", "training.edit",
        "reports.view", "reports.issue", "settings.view", "audit.view", "facility.edit",
    }),
}

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=5)
MIN_PASSWORD_LENGTH = 8
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


@dataclass(frozen=True)
class Actor:
    """The person on whose behalf a service acts."""

    id: int
    username: str
    full_name: str
    role: str

    @property
    def role_label(self) -> str:
        return _(ROLES.get(self.role, self.role))

    def can(self, permission: str) -> bool:
        allowed = PERMISSIONS.get(self.role, frozenset())
        return "*" in allowed or permission in allowed


# Acts for the program itself (first-run set-up, migrations); never for a person.
SYSTEM = Actor(0, "system", "caremgr", "administrator")


def require(actor: Actor | None, permission: str) -> Actor:
    if actor is None:
        raise PermissionDenied(_("Cần đăng nhập để thực hiện thao tác này."))
    if not actor.can(permission):
        raise PermissionDenied(
            _("Tài khoản {user} (vai trò {role}) không có quyền thực hiện thao tác này.").format(
                user=actor.username, role=actor.role_label)
        )
    return actor


def actor_of(user: User) -> Actor:
    return Actor(user.id, user.username, user.full_name or user.username, user.role)


# --- passwords -----------------------------------------------------------------------------------

def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, maxmem=64 * 1024 * 1024, **_SCRYPT)
    b64 = base64.b64encode
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    expected = base64.b64decode(digest)
    actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                            p=int(p), dklen=len(expected), maxmem=64 * 1024 * 1024)
    return hmac.compare_digest(actual, expected)


def password_problems(password: str, username: str | None = None, field: str = "password") -> list[Problem]:
    """Every password rule the text breaks: at least MIN_PASSWORD_LENGTH characters, a letter and a
    digit, and not the user's own name."""
    password = password if isinstance(password, str) else ""  # not text (None, bytes...): no password
    username = username if isinstance(username, str) or username is None else str(username)
    findings = Findings()
    if len(password) < MIN_PASSWORD_LENGTH:
        findings.error(field, _("Mật khẩu phải có ít nhất {n} ký tự.").format(n=MIN_PASSWORD_LENGTH))
    if not any(ch.isalpha() for ch in password):
        findings.error(field, _("Mật khẩu phải có ít nhất một chữ cái."))
    if not any(ch.isdigit() for ch in password):
        findings.error(field, _("Mật khẩu phải có ít nhất một chữ số."))
    if username and password.strip().casefold() == username.strip().casefold():
        findings.error(field, _("Mật khẩu không được trùng với tên đăng nhập."))
    return findings.problems


def check_password_rules(password: str, field: str = "password", *, username: str | None = None) -> None:
    problems = password_problems(password, username, field)
    if problems:
        raise ValidationError(problems)


# --- users ---------------------------------------------------------------------------------------

def has_users() -> bool:
    return User.select().exists()


def _clean_username(username: str) -> str:
    username = (username if isinstance(username, str) else "").strip().lower()
    if not username or len(username) > 60 or any(ch.isspace() for ch in username):
        raise ValidationError(_("Tên đăng nhập không được để trống hoặc chứa khoảng trắng."), "username")
    return username


def create_user(actor: Actor | None, username: str, password: str, role: str, full_name: str = "") -> Actor:
    """Adds a user. Without an actor this is allowed only for the very first account (set-up)."""
    with write_transaction():
        if actor is None:
            if has_users():
                raise PermissionDenied(_("Cần đăng nhập bằng tài khoản quản trị để thêm người dùng."))
            if role != "administrator":
                raise ValidationError(_("Tài khoản đầu tiên phải là quản trị viên."), "role")
            actor = SYSTEM
        else:
            require(actor, "users.manage")
        username = _clean_username(username)
        if not isinstance(role, str) or role not in ROLES:
            raise ValidationError(
                _("Vai trò không hợp lệ: {role}. Chọn một trong: {choices}.").format(
                    role=role, choices=", ".join(ROLES)), "role")
        check_password_rules(password, username=username)
        if User.select().where(User.username == username).exists():
            raise ValidationError(_("Tên đăng nhập {user} đã có.").format(user=username), "username")
        now = datetime.now().replace(microsecond=0)
        user = User.create(username=username, full_name=(full_name if isinstance(full_name, str) else "").strip(), role=role,
                           password_hash=hash_password(password), password_changed_at=now)
        audit.record(actor, "create", "user", user.id, summary=f"user {username} ({role})",
                     changes=audit.diff(None, audit.snapshot(user)))
        return actor_of(user)


def list_users(actor: Actor) -> list[Actor]:
    require(actor, "users.manage")
    return [actor_of(u) for u in User.select().order_by(User.username)]


def set_password(actor: Actor, username: str, new_password: str) -> None:
    """A user changes their own password; an administrator may reset anyone's."""
    if actor.username != username:
        require(actor, "users.manage")
    check_password_rules(new_password, username=username)
    with write_transaction():
        user = User.get_or_none(User.username == username)
        if user is None:
            raise NotFound(_("Không có người dùng {user}.").format(user=username))
        user.password_hash = hash_password(new_password)
        user.password_changed_at = datetime.now().replace(microsecond=0)
        user.failed_attempts = 0
        user.locked_until = None
        user.version += 1
        user.save()
        audit.record(actor, "password", "user", user.id, summary=f"password set for {username}")


def reset_password(actor: Actor, username: str, new_password: str) -> None:
    """An administrator gives a user a new password (forgotten, or after a lock-out): the account is
    unlocked and its failed-attempt count cleared; the reset is audited, the password never is."""
    require(actor, "users.manage")
    username = (username or "").strip().lower()
    check_password_rules(new_password, username=username)
    with write_transaction():
        user = User.get_or_none(User.username == username)
        if user is None:
            raise NotFound(_("Không có người dùng {user}.").format(user=username))
        was_locked = user.locked_until is not None or user.failed_attempts > 0
        user.password_hash = hash_password(new_password)
        user.password_changed_at = datetime.now().replace(microsecond=0)
        user.failed_attempts = 0
        user.locked_until = None
        user.version += 1
        user.save()
        audit.record(actor, "password_reset", "user", user.id,
                     summary=f"password reset for {username} by {actor.username}"
                     + (" (account unlocked)" if was_locked else ""))


def authenticate(username: str, password: str, *, now: datetime | None = None) -> Actor:
    """Checks a login. Wrong passwords count; the fifth in a row locks the account for 5 minutes.

    The failure is committed (count, lock, audit entry) before the error is raised.
    """
    now = now or datetime.now()
    username = (username or "").strip().lower()
    failure: AuthenticationFailed | None = None
    with write_transaction():
        user = User.get_or_none(User.username == username)
        if user is None or not user.active:
            audit.record(None, "login_failed", "user", None, summary=f"unknown or inactive user {username[:40]}")
            failure = AuthenticationFailed(_("Tên đăng nhập hoặc mật khẩu không đúng."))
        elif user.locked_until is not None and user.locked_until > now:
            minutes = max(1, int((user.locked_until - now).total_seconds() + 59) // 60)
            failure = AccountLocked(
                _("Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần. Thử lại sau {m} phút.").format(m=minutes),
                user.locked_until)
        elif not verify_password(password or "", user.password_hash):
            failure = _count_failure(user, now)
        else:
            user.failed_attempts = 0
            user.locked_until = None
            user.last_login_at = now.replace(microsecond=0)
            user.save()
            actor = actor_of(user)
            audit.record(actor, "login", "user", user.id, summary=f"{username} logged in")
    if failure is not None:
        raise failure
    return actor


def _count_failure(user: User, now: datetime) -> AuthenticationFailed:
    user.failed_attempts += 1
    actor = actor_of(user)
    if user.failed_attempts >= MAX_FAILED_ATTEMPTS:
        user.locked_until = (now + LOCKOUT).replace(microsecond=0)
        user.failed_attempts = 0
        user.save()
        audit.record(actor, "locked", "user", user.id,
                     summary=f"{user.username} locked until {user.locked_until:%H:%M:%S}")
        return AccountLocked(
            _("Nhập sai mật khẩu {n} lần: tài khoản bị khóa trong 5 phút.").format(n=MAX_FAILED_ATTEMPTS),
            user.locked_until)
    user.save()
    audit.record(actor, "login_failed", "user", user.id, summary=f"wrong password for {user.username}")
    left = MAX_FAILED_ATTEMPTS - user.failed_attempts
    return AuthenticationFailed(_("Tên đăng nhập hoặc mật khẩu không đúng (còn {n} lần thử).").format(n=left))
