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

from db.audit_chain import GENESIS, entry_hash
from db.errors import SchemaTooNew
from db.models import ALL_MODELS, JSONText, SchemaVersion

Step = Callable[[Database, SchemaMigrator], None]



def _v2_audit_hash_chain(database: Database, migrator: SchemaMigrator) -> None:
    """Version 2: audit entries carry the hash of the entry before them (tamper evidence).
    Existing entries are chained in id order, so an old trail is protected from now on."""
    from peewee import CharField
    from playhouse.migrate import migrate

    migrate(
        migrator.add_column("audit_log", "prev_hash", CharField(max_length=64, null=True)),
        migrator.add_column("audit_log", "entry_hash", CharField(max_length=64, null=True)),
    )
    as_json = JSONText()
    prev = GENESIS
    rows = database.execute_sql(
        "SELECT id, at, username, action, entity, entity_id, resident_id, summary, changes "
        "FROM audit_log ORDER BY id"
    ).fetchall()
    for row_id, at, username, action, entity, entity_id, resident_id, summary, changes in rows:
        digest = entry_hash(prev, at, username, action, entity, entity_id, resident_id, summary,
                            as_json.python_value(changes))
        database.execute_sql(
            "UPDATE audit_log SET prev_hash = %s, entry_hash = %s WHERE id = %s"
            .replace("%s", database.param), (prev, digest, row_id),
        )
        prev = digest


def _v3_resident_list_index(database: Database, migrator: SchemaMigrator) -> None:
    """Version 3: a covering index for the residents list (search as you type at 100,000 residents),
    and resident codes in capitals so that "unique ignoring case" is an indexed equality."""
    from playhouse.migrate import migrate

    migrate(migrator.add_index("resident", ("deleted", "sort_key", "code", "search_name"), False))
    rows = database.execute_sql("SELECT id, code FROM resident").fetchall()
    taken = {code for _id, code in rows}
    for row_id, code in rows:
        upper = code.upper()
        if upper != code and upper not in taken:  # two codes differing only in case keep theirs
            database.execute_sql("UPDATE resident SET code = %s WHERE id = %s".replace("%s", database.param),
                                 (upper, row_id))
            taken.add(upper)


def _v4_consent(database: Database, migrator: SchemaMigrator) -> None:
    """Version 4: consents to the processing of personal data (Law 91/2025/QH15)."""
    if isinstance(database, PostgresqlDatabase):
        key, stamp = "SERIAL NOT NULL PRIMARY KEY", "TIMESTAMP"
    else:
        key, stamp = "INTEGER NOT NULL PRIMARY KEY", "DATETIME"
    database.execute_sql(
        f'CREATE TABLE "consent" ("id" {key}, "created_at" {stamp} NOT NULL, "updated_at" {stamp} NOT NULL, '
        '"version" INTEGER NOT NULL, "resident_id" INTEGER NOT NULL, "given_on" DATE NOT NULL, '
        '"given_by" VARCHAR(120) NOT NULL, "relation" VARCHAR(20) NOT NULL, "scope" TEXT NOT NULL, '
        '"document" VARCHAR(120), "withdrawn_on" DATE, "note" TEXT, '
        'FOREIGN KEY ("resident_id") REFERENCES "resident" ("id") ON DELETE CASCADE)'
    )
    database.execute_sql('CREATE INDEX "consent_resident_id" ON "consent" ("resident_id")')


# version -> (description, step that upgrades from version - 1)
MIGRATIONS: dict[int, tuple[str, Step]] = {
    2: ("audit hash chain", _v2_audit_hash_chain),
    3: ("resident list index, codes in capitals", _v3_resident_list_index),
    4: ("consent to personal data processing", _v4_consent),
}

CURRENT_VERSION = 4


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
        raise SchemaTooNew(current, CURRENT_VERSION)
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
