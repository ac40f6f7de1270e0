"""Errors raised by the storage layer. Messages for people are worded in the layers above."""


class SchemaTooNew(Exception):
    """The database was written by a newer caremgr than this one."""

    def __init__(self, found: int, supported: int):
        self.found = found
        self.supported = supported
        super().__init__(f"database schema {found} is newer than this program's {supported}")


class DatabaseBusy(Exception):
    """Another program kept the database's write lock for longer than a user can be asked to wait."""

    def __init__(self, waited: float):
        self.waited = waited
        super().__init__(f"database still locked by another writer after {waited:.0f} s")


class DatabaseLocked(Exception):
    """The SQLite file is encrypted (SQLCipher) and cannot be opened: ``reason`` is "no_key" (no key given,
    in CAREMGR_DB_KEY or remembered on this PC), "wrong_key", or "no_sqlcipher" (sqlcipher3 missing)."""

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"encrypted database {path}: {reason}")


class EncryptionError(Exception):
    """Encrypting, decrypting or re-keying a database file did not happen; ``code`` says why:
    already_encrypted, not_encrypted, key_too_short, not_sqlite, integrity, no_sqlcipher, missing."""

    def __init__(self, code: str, detail: str = "", *, min_length: int = 0):
        self.code = code
        self.detail = detail
        self.min_length = min_length
        super().__init__(f"{code}: {detail}" if detail else code)
