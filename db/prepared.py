"""Statements whose SQL text is built once and then run with new parameters (hot paths).

peewee builds the SQL text of a query anew on every call: 0.3–2 ms for a small SELECT or INSERT on
an office PC, which an import of 10,000 rows pays a dozen times per row. The few statements such a
path runs are kept here per database dialect: peewee (or, for an INSERT, the model's fields) gives
the text the first time, later calls bind their parameters only. Results and stored values are
converted by the fields exactly as peewee converts them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from peewee import Field, Model

from db.connection import current_database

_SQL: dict[tuple, str] = {}
_INSERTS: dict[tuple, tuple[str, list]] = {}


def _text(key: tuple, build: Callable[..., Any], params: Sequence[Any]) -> str:
    database = current_database()
    cache_key = (type(database), *key)
    sql = _SQL.get(cache_key)
    if sql is None:
        sql, built = build(*params).sql()
        if list(built) != list(params):  # the parameters must be exactly those given, in that order
            raise ValueError(f"prepared statement {key!r}: parameters {built!r} differ from {list(params)!r}")
        _SQL[cache_key] = sql
    return sql


def rows(key: str, fields: Sequence[Field], build: Callable[..., Any], *params: Any) -> list[tuple]:
    """The rows of ``build(*params)`` — a query selecting ``fields``, every value of it a parameter
    (a LIMIT too) — as tuples of Python values."""
    sql = _text((key,), build, params)
    cursor = current_database().execute_sql(sql, params)
    return [tuple(f.python_value(v) for f, v in zip(fields, row, strict=True)) for row in cursor.fetchall()]


def _instance(model: type[Model], data: dict) -> Model:
    """A model instance holding ``data`` (field name -> Python value) as read from the database."""
    instance = model(__no_default__=1)
    instance.__data__ = data
    return instance


def instances(key: str, model: type[Model], build: Callable[..., Any], *params: Any) -> list[Model]:
    """The model instances ``build(*params)`` (a ``model.select()`` of every field) finds."""
    names = [f.name for f in model._meta.sorted_fields]
    return [_instance(model, dict(zip(names, row, strict=True)))
            for row in rows(key, model._meta.sorted_fields, build, *params)]


def load(key: str, model: type[Model], build: Callable[..., Any], *params: Any) -> Model | None:
    """The first model instance ``build(*params)`` (a ``model.select()`` of every field) finds, or None."""
    found = instances(key, model, build, *params)
    return found[0] if found else None


def _quote(database, name: str) -> str:
    return f"{database.quote[0]}{name}{database.quote[1]}"


def update(model: type[Model], values: dict[str, Any], where: dict[str, Any]) -> int:
    """``UPDATE model SET <values> WHERE <field = value AND …>`` (field names); the rows changed."""
    database = current_database()
    meta = model._meta
    set_fields = [meta.fields[name] for name in values]
    where_fields = [meta.fields[name] for name in where]
    cache_key = (type(database), "update", model, tuple(values), tuple(where))
    sql = _SQL.get(cache_key)
    if sql is None:
        sql = (f"UPDATE {_quote(database, meta.table_name)} SET "
               + ", ".join(f"{_quote(database, f.column_name)} = {database.param}" for f in set_fields)
               + " WHERE "
               + " AND ".join(f"{_quote(database, f.column_name)} = {database.param}" for f in where_fields))
        _SQL[cache_key] = sql
    params = [f.db_value(values[f.name]) for f in set_fields] + [f.db_value(where[f.name]) for f in where_fields]
    return database.execute_sql(sql, params).rowcount


def insert(model: type[Model], **values: Any) -> Model:
    """``model.create(**values)``: the same row (defaults filled in the same way), the same instance."""
    database = current_database()
    meta = model._meta
    if all(name in meta.fields and not isinstance(value, Model) for name, value in values.items()):
        data = meta.get_default_dict()  # what Model.__init__ does, without a setattr per field
        data.update(values)
        instance = _instance(model, data)
    else:
        instance = model(**values)
        instance._dirty.clear()
        data = instance.__data__
    pk = meta.primary_key
    new = data.get(pk.name) is None
    cache_key = (type(database), "insert", model, tuple(data), new)
    compiled = _INSERTS.get(cache_key)
    if compiled is None:
        fields = [f for f in meta.sorted_fields if f.name in data and not (f is pk and new)]
        columns = ", ".join(_quote(database, f.column_name) for f in fields)
        sql = (f"INSERT INTO {_quote(database, meta.table_name)} ({columns}) "
               f"VALUES ({', '.join([database.param] * len(fields))})")
        if database.returning_clause:
            sql += f" RETURNING {_quote(database, pk.column_name)}"
        compiled = _INSERTS[cache_key] = (sql, [(f.name, f.db_value) for f in fields])
    sql, converters = compiled
    cursor = database.execute_sql(sql, [convert(data[name]) for name, convert in converters])
    if new:
        data[pk.name] = cursor.fetchone()[0] if database.returning_clause else cursor.lastrowid
    return instance
