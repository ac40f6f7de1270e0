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
