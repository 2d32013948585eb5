"""Column types and row locking shared by every feature."""

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, String, select
from sqlalchemy.types import TypeDecorator

from eventapp.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """An instant stored in UTC and always read back as an aware UTC datetime.

    SQLite keeps no zone, so values are normalised on the way in and tagged on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC instant is stored")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def render_migration_type(type_, obj, autogen_context):
    """Write UTCDateTime and EnumText into migrations as the plain column types they store, so
    migrations never import application code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, EnumText):
        return f"sa.String(length={obj.length})"
    return False


def lock_for_update(model, ident: int) -> None:
    """Take the write lock on one row before counting what it limits (seats, serials).

    PostgreSQL locks the row (SELECT … FOR UPDATE). SQLite has no row locks; its driver opens
    the transaction at the first write, so a no-op UPDATE makes this transaction the database's
    single writer until it commits, and concurrent callers queue behind it.
    """
    table = model.__table__
    if db.session.get_bind().dialect.name == "sqlite":
        # Every column set to itself, the "changed at" ones too: taking a lock changes nothing.
        unchanged = {column.name: column for column in table.c if column.onupdate is not None}
        db.session.execute(table.update().where(table.c.id == ident).values(id=table.c.id, **unchanged))
    else:
        db.session.execute(select(table.c.id).where(table.c.id == ident).with_for_update())


class EnumText(TypeDecorator):
    """A StrEnum column stored as its text in a VARCHAR (the table's CHECK constraint names the
    values) and read back as the enum: a misspelt status fails when it is written, not when
    a page compares it."""

    impl = String
    cache_ok = True

    def __init__(self, enum_class: type[enum.StrEnum], length: int):
        super().__init__(length)
        self.enum_class = enum_class
        self.length = length

    def process_bind_param(self, value, dialect):
        return None if value is None else self.enum_class(value).value

    def process_result_value(self, value, dialect):
        return None if value is None else self.enum_class(value)
