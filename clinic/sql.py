"""Plain SQL for the few statements every request makes, without the ORM's compiler.

Compiling a query costs 0.4-0.9 ms of CPU on each request, running the same statement
through a cursor about 0.14 ms (issue 21's profile). The hottest statements (the audit row,
the patient's session, its steps and completions, a new completion) are therefore written
here once per model, from the model's own fields, so a new field needs no change, and run
with bound parameters. The rows come back as model instances (`Model.from_db`), as the ORM
would give them. Everything else goes through the ORM.
"""

import functools

from django.db import connection
from django.db.models import Model


@functools.cache
def columns(model: type[Model], alias: str) -> str:
    """`alias`.`column`, ... of every concrete field, in the model's order (`from_row`)."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields)


def width(model: type[Model]) -> int:
    return len(model._meta.concrete_fields)


def from_row(model: type[Model], row) -> Model:
    """A model instance from the values of `columns(model, ...)`, converted as the ORM does
    (dates on SQLite, decimals), and marked as loaded from the database."""
    fields = model._meta.concrete_fields
    values = []
    for field, value in zip(fields, row, strict=True):
        for converter in _converters(field):
            value = converter(value, field, connection)
        values.append(value)
    return model.from_db(connection.alias, None, values)


@functools.cache
def _converters(field) -> tuple:
    return tuple(
        connection.ops.get_db_converters(field.get_col(field.model._meta.db_table))
        + field.get_db_converters(connection)
    )


@functools.cache
def _insert_statement(model: type[Model]) -> tuple[str, tuple]:
    meta = model._meta
    fields = tuple(field for field in meta.local_concrete_fields if field is not meta.auto_field)
    quote = connection.ops.quote_name
    sql = "INSERT INTO {table} ({columns}) VALUES ({values})".format(  # noqa: S608 - names only
        table=quote(meta.db_table),
        columns=", ".join(quote(field.column) for field in fields),
        values=", ".join(["%s"] * len(fields)),
    )
    if connection.features.can_return_columns_from_insert:
        sql += f" RETURNING {quote(meta.auto_field.column)}"
    return sql, fields


def insert(instance: Model) -> None:
    """INSERT `instance` as a new row (its id set from the database), as
    `instance.save(force_insert=True)` would, minus the compiler. For models without save()
    logic or signals of their own: the caller checks that (see the callers)."""
    sql, fields = _insert_statement(type(instance))
    params = [
        field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if connection.features.can_return_columns_from_insert:
            pk = cursor.fetchone()[0]
        else:
            pk = cursor.lastrowid
    instance.pk = pk
    instance._state.adding = False
    instance._state.db = connection.alias
