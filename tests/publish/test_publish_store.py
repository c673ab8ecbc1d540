"""Publishing a year from a record store (randinspect.publish.load_records / publish with a RecordStore)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from tests.ledger.conftest import pg_server, pg_url  # noqa: F401 - the PostgreSQL fixtures

from randinspect.cli import main
from randinspect.errors import PublishError
from randinspect.ledger import FileRecordStore, Journal, JsonLinesStore
from randinspect.publish import STORE_KINDS, load_records, publish
from randinspect.typing import RecordStore

pytestmark = pytest.mark.postgres

#: Records-folder files and the record kind each is stored as.
_SINGLE = {
    "ceremony.json": "ceremony",
    "summary.json": "summary",
    "department-plans.json": "department-plans",
    "joint-plan.json": "joint-plan",
    "book.json": "result-book",
    "assessment.json": "assessment",
    "public-results.json": "publication",
}


def _json(path: Path) -> Any:
    data = json.loads(path.read_text(encoding="utf-8-sig"))
    if path.name == "summary.json":
        data.pop("timings", None)  # machine timings (floats) are not a record
    return data


def fill(store: RecordStore, folder: Path, year: int) -> None:
    """Put a records folder's JSON records into a store, by kind."""
    for name, kind in _SINGLE.items():
        if (folder / name).is_file():
            store.put(
                kind, str(year) if kind != "publication" else name[:-5], _json(folder / name), year=year
            )
    for sub, kind in (("draws", "draw"), ("openings", "opening")):
        for path in sorted((folder / sub).glob("*.json")):
            store.put(kind, path.stem, _json(path), year=year)


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def folder_site(demo_year: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """The demo year as a folder without its CSV files (which are not records) and its published site."""
    folder = tmp_path_factory.mktemp("plain") / "records"
    shutil.copytree(demo_year, folder, ignore=shutil.ignore_patterns("site", "*.csv"))
    shutil.copy(demo_year / "objects.csv", folder / "objects.csv")
    summary = folder / "summary.json"
    summary.write_text(json.dumps(_json(summary), ensure_ascii=False), encoding="utf-8")
    publish(folder, folder.parent / "site")
    return folder, site_files(folder.parent / "site")


class TestPublishFromStore:
    """A year published from a record store is the year published from its folder."""

    @pytest.mark.parametrize("backend", ["postgresql", "sqlite", "files"])
    def test_same_site_as_the_folder(
        self,
        backend: str,
        folder_site: tuple[Path, dict[str, bytes]],
        tmp_path: Path,
        request: pytest.FixtureRequest,
    ) -> None:
        """The records of the folder put into a store (the journal's entries into the store's ledger), then
        published with publish(store, year=...), give a site byte-identical to the folder's."""
        folder, expected = folder_site
        year = json.loads((folder / "summary.json").read_text("utf-8"))["year"]
        journal: Journal | None = None
        if backend == "files":
            store: Any = FileRecordStore(tmp_path / "store")
            journal = Journal(JsonLinesStore(folder / "journal.jsonl", read_only=True))
        else:
            from randinspect.ledger.sql import SqlAlchemyRecordStore, migrate

            url = (
                request.getfixturevalue("pg_url") if backend == "postgresql" else f"sqlite:///{tmp_path}/r.db"
            )
            migrate(url)
            store = SqlAlchemyRecordStore(url)
            for entry in JsonLinesStore(folder / "journal.jsonl", read_only=True).entries():
                store.ledger.append(entry)
        fill(store, folder, year)
        loaded = load_records(store, year=year, objects=folder / "objects.csv", journal=journal)
        assert loaded.present == load_records(folder).present
        publish(loaded, tmp_path / "site")
        assert site_files(tmp_path / "site") == expected
        if backend == "sqlite":  # the command line reads a database URL too
            code = main(
                [
                    "publish",
                    "--from",
                    url,
                    "--year",
                    str(year),
                    "--objects",
                    str(folder / "objects.csv"),
                    "--out",
                    str(tmp_path / "cli-site"),
                ]
            )
            assert code == 0
            assert site_files(tmp_path / "cli-site") == expected

    def test_store_errors(self, tmp_path: Path) -> None:
        """A store without the year's records, without a year, or with two summaries of a year is a
        PublishError; a URL without --year is a usage error."""
        store = FileRecordStore(tmp_path / "s")
        store.put("summary", "a", {"year": 2027}, year=2027)
        with pytest.raises(PublishError, match="year"):
            load_records(store)
        with pytest.raises(PublishError, match="no records of 2026"):
            load_records(store, year=2026)
        store.put("summary", "b", {"year": 2027}, year=2027)
        with pytest.raises(PublishError, match="2 summary records"):
            load_records(store, year=2027)
        assert main(["publish", "--from", "sqlite:///x.db", "--out", str(tmp_path / "o")]) == 2
        assert set(STORE_KINDS) >= {"draw", "publication", "summary"}
