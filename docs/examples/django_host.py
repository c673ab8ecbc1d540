"""A Django host keeping randinspect's ledger and records in the database of its ``DATABASES`` setting.

Shown in docs/postgres.md and run by tests/ledger/test_django_example.py (on PostgreSQL and SQLite). The
ledger and record tables are not Django models: SQLAlchemy reaches the same database with its own
connections, so keep the tables out of Django's migrations and create them with ``migrate`` at deployment
(here: :func:`migrate_ledger`, e.g. from a management command or a data migration).
"""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa
from django.conf import settings

from randinspect.ledger import StoredRecord
from randinspect.ledger.sql import SqlAlchemyRecordStore, migrate

#: Django database backends and the SQLAlchemy dialect+driver reaching the same database.
BACKENDS = {
    "django.db.backends.postgresql": "postgresql+psycopg",
    "django.db.backends.sqlite3": "sqlite",
}


def engine_from_django(alias: str = "default") -> sa.Engine:
    """An SQLAlchemy engine on the database Django's ``DATABASES[alias]`` names (same credentials)."""
    db = settings.DATABASES[alias]
    url = sa.URL.create(
        BACKENDS[db["ENGINE"]],
        username=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=int(db["PORT"]) if db.get("PORT") else None,
        database=str(db["NAME"]),
    )
    return sa.create_engine(url, pool_pre_ping=True)


def migrate_ledger() -> int:
    """Create (or upgrade) the ledger and record tables; run once per deployment."""
    engine = engine_from_django()
    try:
        return migrate(engine)
    finally:
        engine.dispose()


@functools.cache
def record_store() -> SqlAlchemyRecordStore:
    """The process's record store (one engine and pool per worker process, made on first use)."""
    return SqlAlchemyRecordStore(engine_from_django())


def store_draw(record: Any) -> StoredRecord:
    """Keep a draw record and its ledger entry, written together in one transaction."""
    stored, _entry = record_store().put_journalled(
        "draw", f"{record.item_id}-round{record.round}", record, year=record.year
    )
    return stored
