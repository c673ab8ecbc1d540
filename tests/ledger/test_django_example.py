"""The Django host example of docs/postgres.md (docs/examples/django_host.py), run against PostgreSQL and
SQLite through Django's own ``DATABASES`` setting, each in a fresh process (Django settings are global)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.ledger.test_records import draw_record

pytestmark = pytest.mark.postgres

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "django_host.py"

CHILD = """
import importlib.util, json, sys
from django.conf import settings
settings.configure(DATABASES={"default": json.loads(sys.argv[1])}, INSTALLED_APPS=[], USE_TZ=True)
import django
django.setup()
spec = importlib.util.spec_from_file_location("django_host", sys.argv[2])
host = importlib.util.module_from_spec(spec)
spec.loader.exec_module(host)
from randinspect.draw import DrawRecord
record = DrawRecord.from_json(sys.argv[3])
version = host.migrate_ledger()
stored = host.store_draw(record)
again = host.store_draw(record)
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT kind, id, digest, journal_seq FROM randinspect_records")
    rows = [list(r) for r in cursor.fetchall()]
print(json.dumps({"version": version, "rows": rows, "digest": stored.digest, "same": again == stored}))
"""


def django_database(url: str) -> dict[str, str]:
    """Django's DATABASES entry for an SQLAlchemy URL of the test server (or an SQLite file)."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(parsed.database)}
    host = parsed.host or str(parsed.query.get("host", ""))
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": str(parsed.database),
        "USER": parsed.username or "",
        "PASSWORD": parsed.password or "",
        "HOST": host,
        "PORT": str(parsed.port or ""),
    }


class TestDjangoHost:
    """A Django host reaches the record store through its own database settings."""

    @pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
    def test_example_runs(self, backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
        """The example migrates the database Django is configured with, stores a draw record with its
        ledger entry (a repeat is idempotent), and Django's own connection sees the row."""
        url = request.getfixturevalue("pg_url") if backend == "postgresql" else f"sqlite:///{tmp_path}/dj.db"
        record_path = tmp_path / "draw.json"
        record_path.write_text(json.dumps(draw_record(), ensure_ascii=False), encoding="utf-8")
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, json.dumps(django_database(url)), str(EXAMPLE), str(record_path)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        out = json.loads(proc.stdout)
        assert out["version"] == 2
        assert out["same"] is True
        assert out["rows"] == [["draw", "SAMR-2027-01-round1", out["digest"], 1]]
