"""Schema versions and the runner that upgrades an older database when it is opened.

A new database gets the current tables at once. An older one is brought forward one version at a
time, all steps in a single transaction, so a failure leaves it exactly as it was. Each step uses
only the migrator and plain SQL, never today's models, because those describe the newest schema.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from peewee import Database, PostgresqlDatabase
from playhouse.migrate import PostgresqlMigrator, SchemaMigrator, SqliteMigrator

from caremgr.errors import SchemaTooNew
from db.models import ALL_MODELS, SchemaVersion

Step = Callable[[Database, SchemaMigrator], None]

# version -> (description, step that upgrades from version - 1)
MIGRATIONS: dict[int, tuple[str, Step]] = {}

CURRENT_VERSION = 1


@dataclass(frozen=True)
class UpgradeResult:
    from_version: int | None  # None: the database was empty
    to_version: int

    @property
    def created(self) -> bool:
        return self.from_version is None

    @property
    def upgraded(self) -> bool:
        return self.from_version is not None and self.from_version < self.to_version


def migrator_for(database: Database) -> SchemaMigrator:
    if isinstance(database, PostgresqlDatabase):
        return PostgresqlMigrator(database)
    return SqliteMigrator(database)


def schema_version(database: Database) -> int | None:
    if not database.table_exists(SchemaVersion._meta.table_name):
        return None
    row = database.execute_sql(f"SELECT MAX(version) FROM {SchemaVersion._meta.table_name}").fetchone()
    return row[0] if row and row[0] is not None else None


def upgrade(database: Database, *, before_upgrade: Callable[[int, int], None] | None = None) -> UpgradeResult:
    """Creates or upgrades the schema. ``before_upgrade(old, new)`` runs first when an existing
    database is about to change (the backup hook)."""
    current = schema_version(database)
    if current is not None and current > CURRENT_VERSION:
        from caremgr.i18n import _

        raise SchemaTooNew(
            _("Cơ sở dữ liệu thuộc phiên bản mới hơn ({found}) so với chương trình ({ours}). "
              "Hãy cài phiên bản caremgr mới hơn.").format(found=current, ours=CURRENT_VERSION)
        )
    if current == CURRENT_VERSION:
        return UpgradeResult(current, current)
    if current is not None and before_upgrade is not None:
        before_upgrade(current, CURRENT_VERSION)
    with database.atomic():
        if current is None:
            database.create_tables(ALL_MODELS, safe=True)
            SchemaVersion.insert(version=CURRENT_VERSION, description="initial schema").execute()
        else:
            migrator = migrator_for(database)
            for version in range(current + 1, CURRENT_VERSION + 1):
                description, step = MIGRATIONS[version]
                step(database, migrator)
                SchemaVersion.insert(version=version, description=description).execute()
    return UpgradeResult(current, CURRENT_VERSION)
