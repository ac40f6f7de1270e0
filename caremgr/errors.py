"""Errors the services raise; every message is Vietnamese (translated by the UI language)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One finding about one field: an ``error`` blocks saving, a ``warning`` is shown and kept."""

    field: str
    message: str
    severity: str = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


@dataclass
class Findings:
    """Collects problems while validating a record, so the user sees all of them at once."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, field_name: str, message: str) -> None:
        self.problems.append(Problem(field_name, message, "error"))

    def warning(self, field_name: str, message: str) -> None:
        self.problems.append(Problem(field_name, message, "warning"))

    def extend(self, other: Findings | list[Problem]) -> None:
        self.problems.extend(other.problems if isinstance(other, Findings) else other)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ValidationError(self.problems)


class CaremgrError(Exception):
    """Base of the errors a user may see; ``str()`` is the message to show."""


class ValidationError(CaremgrError):
    def __init__(self, problems: list[Problem] | str, field_name: str = ""):
        if isinstance(problems, str):
            problems = [Problem(field_name, problems)]
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems if p.is_error) or problems[0].message)

    def for_field(self, field_name: str) -> list[str]:
        return [p.message for p in self.problems if p.field == field_name and p.is_error]


class PermissionDenied(CaremgrError):
    pass


class AuthenticationFailed(CaremgrError):
    pass


class AccountLocked(AuthenticationFailed):
    def __init__(self, message: str, until):
        super().__init__(message)
        self.until = until


class NotFound(CaremgrError):
    pass


def schema_too_new_message(exc) -> str:
    """The Vietnamese explanation of ``db.errors.SchemaTooNew``."""
    from caremgr.i18n import _

    return _("Cơ sở dữ liệu thuộc phiên bản mới hơn ({found}) so với chương trình ({ours}). "
             "Hãy cài phiên bản caremgr mới hơn.").format(found=exc.found, ours=exc.supported)


def database_locked_message(exc) -> str:
    """The Vietnamese explanation of ``db.errors.DatabaseLocked`` (an encrypted database not opened)."""
    from pathlib import Path

    from caremgr.i18n import _

    name = Path(exc.path).name
    if exc.reason == "no_sqlcipher":
        return _("Máy này chưa cài thành phần mã hóa (sqlcipher3) nên không mở được cơ sở dữ liệu được mã hóa "
                 "{db}. Hãy cài gói sqlcipher3 (phần \"encryption\" của caremgr) rồi mở lại.").format(db=name)
    if exc.reason == "wrong_key":
        return _("Khóa cơ sở dữ liệu không đúng: không mở được {db}.").format(db=name)
    return _("Cơ sở dữ liệu {db} được mã hóa: cần khóa cơ sở dữ liệu (nhập khóa, hoặc đặt biến môi trường "
             "CAREMGR_DB_KEY).").format(db=name)


def encryption_message(exc) -> str:
    """The Vietnamese explanation of ``db.errors.EncryptionError`` (encrypting/decrypting did not happen)."""
    from caremgr.i18n import _

    messages = {
        "already_encrypted": _("Cơ sở dữ liệu đã được mã hóa rồi."),
        "not_encrypted": _("Cơ sở dữ liệu chưa được mã hóa."),
        "key_too_short": _("Khóa cơ sở dữ liệu: cần ít nhất {n} ký tự."),
        "not_sqlite": _("Tệp không phải cơ sở dữ liệu SQLite của caremgr; không thay đổi gì."),
        "integrity": _("Cơ sở dữ liệu không qua được kiểm tra toàn vẹn; không thay đổi gì."),
        "no_sqlcipher": _("Máy này chưa cài thành phần mã hóa (sqlcipher3)."),
        "missing": _("Không tìm thấy tệp cơ sở dữ liệu."),
    }
    return messages.get(exc.code, messages["integrity"]).format(n=exc.min_length)


class Conflict(CaremgrError):
    """Someone else saved the record after it was opened here; nothing was overwritten.

    ``mine`` holds the values this user tried to save, ``theirs`` the values now stored.
    """

    def __init__(self, message: str, mine: dict | None = None, theirs: dict | None = None):
        super().__init__(message)
        self.mine = mine or {}
        self.theirs = theirs or {}


def user_message(exc: BaseException) -> str:
    """What a user is told about a failure, in Vietnamese; a programming error becomes a general
    sentence (the details go to the log), never a traceback."""
    from caremgr.i18n import _
    from db.errors import DatabaseBusy, DatabaseLocked, EncryptionError, SchemaTooNew

    if isinstance(exc, CaremgrError):
        return str(exc)
    if isinstance(exc, SchemaTooNew):
        return schema_too_new_message(exc)
    if isinstance(exc, DatabaseLocked):
        return database_locked_message(exc)
    if isinstance(exc, EncryptionError):
        return encryption_message(exc)
    text = str(exc).lower()
    if isinstance(exc, DatabaseBusy) or "database is locked" in text or "database is busy" in text:
        return _("Máy khác đang ghi dữ liệu (ví dụ đang nhập một danh sách dài) nên chưa lưu được. "
                 "Không có gì bị mất: hãy đợi một lát rồi bấm lưu lại.")
    if isinstance(exc, OSError):
        return _("Không đọc/ghi được tệp: {error}").format(error=exc.strerror or exc)
    return _("Đã xảy ra lỗi không mong đợi ({kind}). Dữ liệu đã lưu trước đó không bị ảnh hưởng; "
             "chi tiết được ghi vào tệp nhật ký lỗi.").format(kind=type(exc).__name__)
