"""Reading a year's records folder (what ``randinspect demo`` and ``randinspect plan`` write).

Every file is optional except what a section needs: :class:`YearRecords` says which files were found, and
each section of the site (see :mod:`randinspect.publish._sections`) is built only from the files present.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from randinspect.errors import LoadError, Problem, PublishError

if TYPE_CHECKING:
    from randinspect.directory import ObjectDirectory
    from randinspect.draw import DrawRecord
    from randinspect.ledger import Journal
    from randinspect.results import Publication
    from randinspect.typing import RecordStore

__all__ = ["RECORD_FILES", "STORE_KINDS", "DrawEntry", "YearRecords", "load_records"]

RECORD_FILES: Final[Mapping[str, str]] = {
    "draws": "draws/*.json: draw records (randinspect draw, demo, plan)",
    "objects": "objects.csv: the object directory the draws were made from (needed to verify them)",
    "journal": "journal.jsonl: the hash-chained draw journal (commitment times, journal head)",
    "ceremony": "ceremony.json: the seed ceremony (seed as announced, when, where, how, witnesses)",
    "summary": "summary.json: the annual cycle summary (randinspect plan / demo)",
    "department_plans": "department-plans.json: the department plans",
    "joint_plan": "joint-plan.json: joint-plan proposals and blocks",
    "plan_tasks": "plan-tasks.csv: one row per department, object, item and round",
    "public_results": (
        "public-results.json and public-results/*.json: published results, already redacted "
        "(randinspect publish-results --json, demo)"
    ),
    "results_book": "book.json: the result book (randinspect record / publish-results, demo)",
    "overdue": "overdue.csv: the overdue list of the deadline report (randinspect assess, demo)",
    "assessment": "assessment.json: the department and district assessment (randinspect assess, demo)",
    "openings": "openings/*.json: auditors' openings of draws with reason digests (read, never published)",
}
"""The files a records folder may hold, by key, with what each is (the docs page lists them)."""


@attrs.frozen(kw_only=True)
class DrawEntry:
    """One draw record of the folder, where it came from, and its commitment as journalled before the seed.

    ``published_commitment`` is the digest of the first commitment the journal holds for the draw's item,
    year and round (``None`` without a journal); ``committed_at`` and ``recorded_at`` are the journal times
    of that commitment and of the draw. ``opening`` is the auditors' opening of the draw (原因清单, from
    ``openings/``), needed to re-run a version-2 draw whose commitment holds reason digests; it is
    used to verify the draw and never published.
    """

    path: Path
    record: DrawRecord
    published_commitment: str | None = None
    committed_at: str | None = None
    recorded_at: str | None = None
    opening: Mapping[str, Any] | None = None

    @property
    def disclosure(self) -> str:
        """What the public record says of each drawn object: ``"public"`` (tier and π) or ``"auditors"``."""
        value = self.record.commitment.policy.get("disclosure", "public")
        return "auditors" if value == "auditors" else "public"

    @property
    def slug(self) -> str:
        """File-name-safe name of the draw: ``<item id>-round<r>`` (a site holds one year)."""
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in self.record.item_id)
        return f"{safe}-round{self.record.round}"


@attrs.frozen(kw_only=True)
class YearRecords:
    """The records of one year as found in a folder (plain data; nothing here is verified yet).

    Attributes
    ----------
    folder:
        The records folder.
    draws:
        The draw records, ordered by item id and round.
    directory:
        The object directory (``objects.csv``), or ``None`` when the folder has none.
    json_files:
        Parsed JSON files by key of :data:`RECORD_FILES` (``summary``, ``department_plans``, ``joint_plan``,
        ``ceremony``, ``results_book``, ``assessment``) that are present.
    plan_tasks:
        Rows of ``plan-tasks.csv`` (empty when absent).
    publications:
        The public-results files (``public-results.json``, then ``public-results/*.json`` by name), each
        read with :meth:`randinspect.results.Publication.from_json_dict`, with its path.
    overdue:
        Rows of ``overdue.csv`` (empty when absent).
    journal_head, journal_length:
        Head hash and entry count of the journal, when there is one.
    present:
        Keys of :data:`RECORD_FILES` found in the folder.
    """

    folder: Path
    draws: tuple[DrawEntry, ...]
    directory: ObjectDirectory | None
    json_files: Mapping[str, Any]
    plan_tasks: tuple[Mapping[str, str], ...]
    publications: tuple[tuple[Path, Publication], ...] = ()
    overdue: tuple[Mapping[str, str], ...] = ()
    journal_head: str | None = None
    journal_length: int = 0
    present: frozenset[str] = frozenset()

    @property
    def year(self) -> int | None:
        """The plan year (from the draws, else the summary)."""
        if self.draws:
            return self.draws[0].record.year
        summary = self.json_files.get("summary")
        if isinstance(summary, Mapping) and isinstance(summary.get("year"), int):
            return int(summary["year"])
        return None

    @property
    def ceremony(self) -> Mapping[str, Any]:
        """The seed ceremony (empty when the folder has no ``ceremony.json``)."""
        value = self.json_files.get("ceremony")
        return value if isinstance(value, Mapping) else {}


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise LoadError([Problem(message=f"cannot read file: {exc.strerror}", source=str(path))]) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LoadError(
            [
                Problem(
                    message=f"not valid JSON: {exc}",
                    source=str(path),
                    hint="write the file again with the randinspect command that makes it",
                )
            ]
        ) from None


def _journal_times(
    journal: Journal,
) -> tuple[dict[str, tuple[str, str]], dict[str, str], str, int]:
    """Verify a journal; return first commitment (digest, time) by context, draw times by commitment
    digest, the head and the length."""
    committed: dict[str, tuple[str, str]] = {}
    drawn_at: dict[str, str] = {}
    check = journal.verify()
    for entry in journal.entries():
        payload = entry.payload
        if entry.kind == "commitment" and isinstance(payload.get("digest"), str):
            context = str(payload.get("context"))
            committed.setdefault(context, (str(payload["digest"]), entry.recorded_at))
        elif entry.kind == "draw":
            commitment = payload.get("commitment")
            if isinstance(commitment, Mapping) and isinstance(commitment.get("digest"), str):
                drawn_at.setdefault(str(commitment["digest"]), entry.recorded_at)
    return committed, drawn_at, check.head, check.length


def _check_opening(opening: Any, source: str) -> None:
    if (
        not isinstance(opening, Mapping)
        or opening.get("format") != "randinspect-draw-opening"
        or not isinstance(opening.get("commitment_digest"), str)
        or not isinstance(opening.get("policy"), Mapping)
    ):
        raise LoadError(
            [
                Problem(
                    message="not a draw opening (format randinspect-draw-opening with "
                    "commitment_digest and policy)",
                    source=source,
                    hint="write it with `randinspect draw --opening OPENING.json`",
                )
            ]
        )


_JSON_FILES: Final = {
    "ceremony": "ceremony.json",
    "summary": "summary.json",
    "department_plans": "department-plans.json",
    "joint_plan": "joint-plan.json",
    "results_book": "book.json",
    "assessment": "assessment.json",
}


def load_records(
    folder: str | os.PathLike[str] | RecordStore,
    *,
    objects: str | os.PathLike[str] | None = None,
    year: int | None = None,
    journal: Journal | None = None,
) -> YearRecords:
    """Read a year's records folder, or a year's records from a record store.

    Parameters
    ----------
    folder:
        The folder (``randinspect demo`` writes ``./randinspect-demo``; ``randinspect plan --out``
        another; see :data:`RECORD_FILES` for the files read), or a
        :class:`~randinspect.typing.RecordStore` (:class:`randinspect.ledger.FileRecordStore`,
        :class:`randinspect.ledger.sql.SqlAlchemyRecordStore`), from which the records of ``year`` are read
        by kind (:data:`STORE_KINDS`).
    objects:
        The object directory file, when it is not ``objects.csv`` in the folder (for a store: the object
        directory the draws were made from; without it the draws cannot be verified).
    year:
        The plan year to read from a store (required for a store, unused for a folder).
    journal:
        The ledger that dates a store's commitments and draws; by default, for a store that has one (the
        SQL record store: the ledger in its database), that one.

    Returns
    -------
    YearRecords

    Raises
    ------
    PublishError
        If the folder does not exist or holds none of the known files, a store holds no record of the
        year, or holds two records of a kind a year has once (``summary``, ``ceremony`` ...).
    LoadError, InputError
        If a file is present but cannot be read (naming the file).
    """
    from randinspect.directory import ObjectDirectory
    from randinspect.draw import DrawRecord, Journal, JsonLinesStore
    from randinspect.typing import RecordStore

    if isinstance(folder, RecordStore):
        return _load_from_store(folder, year=year, objects=objects, journal=journal)
    root = Path(folder)
    if not root.is_dir():
        raise PublishError(
            f"records folder {str(root)!r} does not exist; give the folder `randinspect demo` wrote"
        )
    present: set[str] = set()

    # Journal first: it dates the commitments.
    committed: dict[str, tuple[str, str]] = {}
    drawn_at: dict[str, str] = {}
    head: str | None = None
    length = 0
    journal_path = root / "journal.jsonl"
    if journal_path.is_file():
        present.add("journal")
        committed, drawn_at, head, length = _journal_times(Journal(JsonLinesStore(journal_path)))

    openings: dict[str, Mapping[str, Any]] = {}
    openings_dir = root / "openings"
    if openings_dir.is_dir():
        for path in sorted(openings_dir.glob("*.json")):
            opening = _read_json(path)
            _check_opening(opening, str(path))
            openings[str(opening["commitment_digest"])] = opening
        if openings:
            present.add("openings")

    entries: list[DrawEntry] = []
    draws_dir = root / "draws"
    if draws_dir.is_dir():
        for path in sorted(draws_dir.glob("*.json")):
            try:
                record = DrawRecord.from_json(path)
            except Exception as exc:
                raise PublishError(f"draw record {path.name} cannot be read: {exc}") from None
            published = committed.get(record.context)
            entries.append(
                DrawEntry(
                    path=path,
                    record=record,
                    published_commitment=None if published is None else published[0],
                    committed_at=None if published is None else published[1],
                    recorded_at=drawn_at.get(record.commitment.digest),
                    opening=openings.get(record.commitment.digest),
                )
            )
        if entries:
            present.add("draws")
    entries.sort(key=lambda e: (e.record.item_id, e.record.round, e.path.name))

    directory = None
    objects_path = Path(objects) if objects is not None else root / "objects.csv"
    if objects_path.is_file():
        present.add("objects")
        directory = ObjectDirectory.from_csv(objects_path)
    elif objects is not None:
        raise PublishError(f"object directory {str(objects_path)!r} does not exist")

    json_files: dict[str, Any] = {}
    for key, name in _JSON_FILES.items():
        path = root / name
        if path.is_file():
            present.add(key)
            json_files[key] = _read_json(path)

    tasks: tuple[Mapping[str, str], ...] = ()
    tasks_path = root / "plan-tasks.csv"
    if tasks_path.is_file():
        present.add("plan_tasks")
        text = tasks_path.read_text(encoding="utf-8-sig")
        tasks = tuple(dict(row) for row in csv.DictReader(io.StringIO(text)))

    publications = []
    from randinspect.results import OVERDUE_COLUMNS, Publication

    for path in [root / "public-results.json", *sorted((root / "public-results").glob("*.json"))]:
        if path.is_file():
            present.add("public_results")
            publications.append((path, Publication.from_json_dict(_read_json(path), where=str(path))))

    overdue: tuple[Mapping[str, str], ...] = ()
    overdue_path = root / "overdue.csv"
    if overdue_path.is_file():
        present.add("overdue")
        text = overdue_path.read_text(encoding="utf-8-sig")
        reader = csv.DictReader(io.StringIO(text))
        missing = [c for c in OVERDUE_COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            raise LoadError(
                [
                    Problem(
                        message=f"overdue list lacks column(s) {', '.join(missing)}",
                        source=str(overdue_path),
                        hint="write it with `randinspect assess` (DeadlineReport.overdue_csv)",
                    )
                ]
            )
        overdue = tuple(dict(row) for row in reader)

    if not present:
        raise PublishError(
            f"records folder {str(root)!r} holds none of the files publish reads "
            f"({', '.join(n.split(':')[0] for n in RECORD_FILES.values())})"
        )
    return YearRecords(
        folder=root,
        draws=tuple(entries),
        directory=directory,
        json_files=json_files,
        plan_tasks=tasks,
        publications=tuple(publications),
        overdue=overdue,
        journal_head=head,
        journal_length=length,
        present=frozenset(present),
    )


STORE_KINDS: Final[Mapping[str, str]] = {
    "draw": "draws",
    "opening": "openings",
    "publication": "public_results",
    "ceremony": "ceremony",
    "summary": "summary",
    "department-plans": "department_plans",
    "joint-plan": "joint_plan",
    "result-book": "results_book",
    "assessment": "assessment",
}
"""The record kinds :func:`load_records` reads from a record store, by the key of :data:`RECORD_FILES`
they stand for. ``draw``, ``opening`` and ``publication`` may hold many records a year; the others one
(its id is free, e.g. the year). The CSV files (``plan-tasks.csv``, ``overdue.csv``) are not records;
the object directory is given as ``objects``."""

_ONCE: Final = frozenset(STORE_KINDS) - {"draw", "opening", "publication"}


def _load_from_store(
    store: RecordStore,
    *,
    year: int | None,
    objects: str | os.PathLike[str] | None,
    journal: Journal | None,
) -> YearRecords:
    """:func:`load_records` for a record store: the records of ``year`` by kind."""
    from randinspect.directory import load_objects
    from randinspect.draw import DrawRecord
    from randinspect.results import Publication

    if isinstance(year, bool) or not isinstance(year, int):
        raise PublishError(f"reading records from {store!r} needs the plan year: pass year=2027 (--year)")
    root = Path(repr(store))
    present: set[str] = set()
    committed: dict[str, tuple[str, str]] = {}
    drawn_at: dict[str, str] = {}
    head: str | None = None
    length = 0
    if journal is None:
        own = getattr(store, "journal", None)
        journal = own() if callable(own) else None
    if journal is not None and len(journal) > 0:
        present.add("journal")
        committed, drawn_at, head, length = _journal_times(journal)

    by_kind: dict[str, list[Any]] = {}
    for kind in STORE_KINDS:
        by_kind[kind] = list(store.records(kind=kind, year=year))
    openings: dict[str, Mapping[str, Any]] = {}
    for stored in by_kind["opening"]:
        opening = stored.document
        _check_opening(opening, f"{root}/opening/{stored.id}")
        openings[str(opening["commitment_digest"])] = opening
    if openings:
        present.add("openings")
    entries: list[DrawEntry] = []
    for stored in by_kind["draw"]:
        try:
            record = DrawRecord.from_json_dict(stored.document)
        except Exception as exc:
            raise PublishError(f"draw record {stored.id!r} of {store!r} cannot be read: {exc}") from None
        published = committed.get(record.context)
        entries.append(
            DrawEntry(
                path=Path(f"{stored.id}.json"),
                record=record,
                published_commitment=None if published is None else published[0],
                committed_at=None if published is None else published[1],
                recorded_at=drawn_at.get(record.commitment.digest),
                opening=openings.get(record.commitment.digest),
            )
        )
    if entries:
        present.add("draws")
    entries.sort(key=lambda e: (e.record.item_id, e.record.round, e.path.name))
    json_files: dict[str, Any] = {}
    for kind in sorted(_ONCE):
        found = by_kind[kind]
        if len(found) > 1:
            raise PublishError(
                f"{store!r} holds {len(found)} {kind} records for {year} ({', '.join(r.id for r in found)}); "
                "a year has one"
            )
        if found:
            present.add(STORE_KINDS[kind])
            json_files[STORE_KINDS[kind]] = found[0].document
    publications = []
    for stored in by_kind["publication"]:
        source = f"{root}/publication/{stored.id}"
        publications.append((Path(source), Publication.from_json_dict(stored.document, where=source)))
    if publications:
        present.add("public_results")
    directory = None
    if objects is not None:
        if not Path(objects).exists():
            raise PublishError(f"object directory {os.fspath(objects)!r} does not exist")
        present.add("objects")
        directory = load_objects(objects)
    if not present - {"objects"}:
        raise PublishError(f"{store!r} holds no records of {year} (kinds read: {', '.join(STORE_KINDS)})")
    return YearRecords(
        folder=root,
        draws=tuple(entries),
        directory=directory,
        json_files=json_files,
        plan_tasks=(),
        publications=tuple(publications),
        overdue=(),
        journal_head=head,
        journal_length=length,
        present=frozenset(present),
    )
