"""``publish``: a year's records folder → a self-contained static website (一公开).

Every draw is verified first (:func:`randinspect.draw.verify` against the object directory, the seed of
the ceremony and the commitment found in the journal); one that does not verify stops the publication with
the record named, and nothing is written. The site is built in a temporary folder next to ``out`` and moved
into place at the end, so a failure leaves ``out`` as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from randinspect.errors import InputError, PublishError, RandInspectError, UnverifiedRecordError
from randinspect.publish._html import Page, Table, Text, render_page, table_csv, table_json
from randinspect.publish._records import YearRecords, load_records
from randinspect.publish._results import public_results
from randinspect.publish._sections import DEFAULT_SECTIONS, Section, SiteData

if TYPE_CHECKING:
    from randinspect.draw import InclusionTable
    from randinspect.typing import RecordStore

__all__ = ["SITE_MARKER", "PublishReport", "public_frame_csv", "publish"]

SITE_MARKER: Final = ".randinspect-site"
"""File that marks a folder as a site written by :func:`publish` (only such a folder is replaced)."""

STATIC_FILES: Final = ("site.css", "site.js", "verify.js", "verify-page.js")
"""Package data copied into ``assets/``."""


@attrs.frozen(kw_only=True)
class PublishReport:
    """What :func:`publish` wrote.

    Attributes
    ----------
    out:
        The site folder.
    pages:
        Paths of the HTML pages, relative to ``out``.
    downloads:
        Paths of the CSV and JSON downloads.
    draws_verified:
        Number of draw records verified before publication.
    sections:
        Keys of the sections built.
    left_out:
        ``(section key, reason)`` of sections not built because their files are missing.
    withheld:
        ``(record id, reason)`` of results left out of the published results: entered but not yet
        published, or refused by the redaction check (see :class:`randinspect.publish.PublicResults`).
    seconds:
        Wall time.
    """

    out: Path
    pages: tuple[str, ...]
    downloads: tuple[str, ...]
    draws_verified: int
    sections: tuple[str, ...]
    left_out: tuple[tuple[str, str], ...]
    seconds: float
    withheld: tuple[tuple[str, str], ...] = ()


def public_frame_csv(table: InclusionTable, *, disclosure: str | None = None) -> str:
    """The public frame file of a draw: its committed frame, with the π table when it is public.

    With ``disclosure="public"`` (the default for stratified draws and version-1 records): columns
    ``id, stratum, tier, pi_numerator`` in canonical id order, exactly the lines behind the commitment's
    table digest (spec §3), so the browser verifier can check them and re-run the selection. With
    ``disclosure="auditors"`` (公开范围：仅审核人员) only ``id, stratum``: the lines behind the frame digest,
    without the tier and π of single objects, which go to designated auditors only (spec §5.3).

    Parameters
    ----------
    table:
        The draw's π table.
    disclosure:
        ``"public"`` or ``"auditors"``; ``None`` (default) follows the table's policy parameters.

    Raises
    ------
    InputError
        If ``disclosure`` is not ``None``, ``"public"`` or ``"auditors"``.

    Examples
    --------
    >>> from fractions import Fraction
    >>> from randinspect.directory import Scope
    >>> from randinspect.draw import DrawFrame, StratifiedPolicy, inclusion_probabilities
    >>> from randinspect.items import CheckItem
    >>> frame = DrawFrame.from_arrays(ids=["B", "A"], strata=["U1", "U1"])
    >>> item = CheckItem(id="X-1", name="x", department="X", year=2027, ratio=Fraction(1, 2),
    ...                  scope=Scope(), legal_basis=["《示例》"])
    >>> table = inclusion_probabilities(frame, item, StratifiedPolicy())
    >>> print(public_frame_csv(table), end="")
    id,stratum,tier,pi_numerator
    A,U1,general,2147483648
    B,U1,general,2147483648
    >>> print(public_frame_csv(table, disclosure="auditors"), end="")
    id,stratum
    A,U1
    B,U1
    """
    if disclosure is None:
        disclosure = str(table.policy.get("disclosure", "public"))
    if disclosure not in ("public", "auditors"):
        raise InputError(f"disclosure must be 'public' or 'auditors', got {disclosure!r}")
    ids = table.frame.ids.tolist()
    labels = table.frame.stratum_labels
    strata = [labels[c] for c in table.frame.stratum_codes.tolist()]
    special = ',"\r\n'
    if any(c in "".join(labels) for c in special) or any(c in "".join(ids) for c in special):
        ids = [_csv_cell(i) for i in ids]
        strata = [_csv_cell(s) for s in strata]
    if disclosure == "auditors":
        return "".join(["id,stratum\n", *(f"{i},{s}\n" for i, s in zip(ids, strata, strict=True))])
    tiers = table.tiers.tolist()
    nums = table.numerators.tolist()
    lines = ["id,stratum,tier,pi_numerator\n"]
    lines.extend(f"{i},{s},{t},{a}\n" for i, s, t, a in zip(ids, strata, tiers, nums, strict=True))
    return "".join(lines)


def _csv_cell(text: str) -> str:
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


@attrs.frozen
class _Computed:
    """A sampling policy that returns the π table already computed for this frame and round."""

    policy: Any
    frame: Any
    round: int
    table: InclusionTable

    def inclusion(self, frame: Any, item: Any, *, round: int = 1) -> InclusionTable:
        if frame is self.frame and round == self.round:
            return self.table
        return self.policy.inclusion(frame, item, round=round)  # type: ignore[no-any-return]

    def to_dict(self) -> dict[str, Any]:
        return self.policy.to_dict()  # type: ignore[no-any-return]


def _verify_all(records: YearRecords) -> dict[str, InclusionTable]:
    """Verify every draw and rebuild its π table; :class:`UnverifiedRecordError` names the first bad one."""
    from randinspect.draw import DrawFrame, policy_from_dict, verify
    from randinspect.items import CheckItem

    directory = records.directory
    if records.draws and directory is None:
        first = records.draws[0].path.name
        raise UnverifiedRecordError(
            f"draw record {first} cannot be verified: the records folder has no objects.csv (the object "
            "directory the draws were made from); put it there or pass objects="
        )
    assert directory is not None or not records.draws
    seed = records.ceremony.get("seed")
    tables: dict[str, InclusionTable] = {}
    seen: dict[str, str] = {}
    for entry in records.draws:
        record = entry.record
        name = entry.path.name
        if entry.slug in seen:
            raise UnverifiedRecordError(
                f"draw records {seen[entry.slug]} and {name} are both item {record.item_id!r}, round "
                f"{record.round}: a redraw must be published with its reason; keep one record per round"
            )
        seen[entry.slug] = name
        if not record.verifiable:
            raise UnverifiedRecordError(
                f"draw record {name} was not drawn from a public seed, so nobody can re-run it; "
                "it is not published"
            )
        try:
            # The frame and π table are built once, exactly as verify would, and handed to it.
            c = record.commitment
            item = CheckItem.from_dict(c.item)
            frame = DrawFrame.from_directory(directory, item, stratum=c.stratum)  # type: ignore[arg-type]
            params = c.policy
            if entry.opening is not None:
                params = entry.opening["policy"]
            elif c.policy.get("reasons"):
                raise UnverifiedRecordError(
                    f"draw record {name} commits {len(c.policy['reasons'])} reason(s) for mandatory "
                    "objects by salted digests, so only the opening can re-run it: put the auditors' "
                    f"opening (randinspect draw --opening) in openings/ of the records folder "
                    f"(commitment {c.digest[:16]}…); it is used to verify and never published"
                )
            policy = policy_from_dict(params, version=c.version)
            table = policy.inclusion(frame, item, round=c.round)
            verify(
                record,
                frame,
                policy=_Computed(policy, frame, c.round, table),
                expected_seed=None if seed is None else str(seed),
                commitment=entry.published_commitment,
                opening=entry.opening,
            )
        except UnverifiedRecordError:
            raise
        except RandInspectError as exc:
            raise UnverifiedRecordError(
                f"draw record {name} does not verify, so the site is not published: {exc}"
            ) from None
        if table.digest != record.commitment.table_digest:  # pragma: no cover - verify checked it
            raise UnverifiedRecordError(f"draw record {name}: the π table does not match its commitment")
        tables[entry.slug] = table
    return tables


def _site_data(records: YearRecords, tables: dict[str, InclusionTable]) -> SiteData:
    from randinspect.codes import DIVISIONS

    names: dict[str, str] = {}
    regions: dict[str, str] = {}
    directory = records.directory
    if directory is not None and records.draws:
        wanted = sorted({i for e in records.draws for i in e.record.selected_ids})
        # Joint-plan proposals only hold drawn objects, so their names are among these.
        idx = directory.index_of(wanted).tolist()
        all_names = directory.names
        all_regions = directory.regions
        for object_id, i in zip(wanted, idx, strict=True):
            names[object_id] = str(all_names[i])
            regions[object_id] = str(all_regions[i])
    district_names: dict[str, str] = {}
    for code in {r[:6] for r in regions.values()}:
        district_names[code] = DIVISIONS.get(code).name if code in DIVISIONS else code
    results = public_results(records) if "public_results" in records.present else None
    return SiteData(
        records=records,
        tables=tables,
        names=names,
        regions=regions,
        district_names=district_names,
        results=results,
    )


def _js_string(value: Any) -> str:
    """JSON for embedding in a script: ``</`` and line separators escaped."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _write_draw_data(root: Path, data: SiteData) -> list[str]:
    """Records, public frames (CSV for download, JS for the verifier page) and the draw index script."""
    written: list[str] = []
    (root / "records").mkdir()
    (root / "frames").mkdir()
    (root / "data").mkdir()
    index = []
    seed = data.records.ceremony.get("seed")
    for entry in data.records.draws:
        slug = entry.slug
        record_json = entry.record.to_json_dict()
        (root / "records" / f"{slug}.json").write_text(
            json.dumps(record_json, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
        )
        # Under disclosure "auditors" the public frame holds ids and strata only (no tier or π of single
        # objects); the full table goes to the designated auditors, not to the site.
        frame = public_frame_csv(data.tables[slug], disclosure=entry.disclosure)
        (root / "frames" / f"{slug}.csv").write_text(frame, encoding="utf-8")
        (root / "data" / f"{slug}.js").write_text(
            f"RandinspectData.add({_js_string(slug)},{_js_string(record_json)},{_js_string(frame)});\n",
            encoding="utf-8",
        )
        written += [f"records/{slug}.json", f"frames/{slug}.csv", f"data/{slug}.js"]
        index.append(
            {
                "slug": slug,
                "item": entry.record.item_id,
                "name": str(entry.record.commitment.item.get("name", "")),
                "round": entry.record.round,
                "frame_size": entry.record.commitment.frame_size,
                "commitment": entry.record.commitment.digest,
                "version": entry.record.version,
                "disclosure": entry.disclosure,
                "committed_at": entry.committed_at,
            }
        )
    (root / "data" / "draws.js").write_text(
        "var RandinspectData = {draws: "
        + _js_string(index)
        + ", seed: "
        + _js_string(None if seed is None else str(seed))
        + ", loaded: {}, add: function (slug, record, frame) "
        + "{ this.loaded[slug] = {record: record, frame: frame}; }};\n",
        encoding="utf-8",
    )
    written.append("data/draws.js")
    return written


def _nav(built: Sequence[tuple[Section, tuple[Page, ...]]]) -> list[tuple[str, Text]]:
    return [(pages[0].path, section.title) for section, pages in built if pages]


def publish(
    records: str | os.PathLike[str] | YearRecords | RecordStore,
    out: str | os.PathLike[str],
    *,
    objects: str | os.PathLike[str] | None = None,
    year: int | None = None,
    sections: Sequence[Section] = DEFAULT_SECTIONS,
    title: Text | None = None,
) -> PublishReport:
    """Write the publication site of a year (一公开): static HTML, downloads and the in-browser verifier.

    Parameters
    ----------
    records:
        The records folder (``randinspect demo`` writes ``./randinspect-demo``), a record store
        (:class:`~randinspect.typing.RecordStore`: the records of ``year`` are read, with the ledger of
        its database; see :func:`load_records`), or loaded :class:`YearRecords`.
    out:
        The site folder. It must not exist, be empty, or be a site written before by ``publish``
        (it is then replaced whole).
    objects:
        The object directory file, when it is not ``objects.csv`` in the records folder (for a store: the
        object directory the draws were made from).
    year:
        The plan year, when ``records`` is a record store.
    sections:
        The sections to build (default :data:`DEFAULT_SECTIONS`); each is built only when its files are
        present, the others are reported in :attr:`PublishReport.left_out`.
    title:
        The site title (default "<city> <year> 双随机、一公开").

    Returns
    -------
    PublishReport

    Raises
    ------
    UnverifiedRecordError
        If a draw record does not verify (named in the message); nothing is written.
    PublishError
        If the records folder is missing or empty, or ``out`` is a folder publish must not replace.
    """
    started = time.perf_counter()
    year_records = (
        records if isinstance(records, YearRecords) else load_records(records, objects=objects, year=year)
    )
    target = Path(out)
    if target.exists():
        if not target.is_dir():
            raise PublishError(f"--out {str(target)!r} is a file; give a folder for the site")
        if any(target.iterdir()) and not (target / SITE_MARKER).is_file():
            raise PublishError(
                f"--out {str(target)!r} is a folder with other files; give an empty or new folder "
                "(publish replaces only a site it wrote before)"
            )
    keys = [s.key for s in sections]
    if len(set(keys)) != len(keys):
        raise PublishError(f"section keys must be unique, got {keys}")

    tables = _verify_all(year_records)
    data = _site_data(year_records, tables)
    built: list[tuple[Section, tuple[Page, ...]]] = []
    left_out: list[tuple[str, str]] = []
    for section in sections:
        missing = sorted(section.needs - year_records.present)
        if missing:
            left_out.append((section.key, f"missing records: {', '.join(missing)}"))
            continue
        built.append((section, section.build(data)))
    year = data.year
    site_title = title or Text(f"{year} 年度双随机、一公开", f"Random inspections {year}")
    nav = _nav(built)
    footer = [
        Text(
            "本站为静态网页，不使用任何外部资源，不收集任何信息。不含检查人员和个体经营者的个人信息。",
            "A static site: no outside resource, no tracking, no personal data of inspectors or owners.",
        )
    ]
    if year_records.journal_head:
        footer.append(
            Text(
                f"留痕日志最新摘要：{year_records.journal_head}", f"Journal head: {year_records.journal_head}"
            )
        )

    parent = target.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=parent))
    pages: list[str] = []
    downloads: list[str] = []
    try:
        (tmp / "assets").mkdir()
        (tmp / "downloads").mkdir()
        static = resources.files("randinspect.publish").joinpath("static")
        for name in STATIC_FILES:
            (tmp / "assets" / name).write_bytes(static.joinpath(name).read_bytes())
        if any(s.key == "verifier" for s, _ in built):
            downloads += _write_draw_data(tmp, data)
        seen_paths: set[str] = set()
        for _, section_pages in built:
            for page in section_pages:
                if page.path in seen_paths:
                    raise PublishError(f"two sections write the page {page.path}")
                seen_paths.add(page.path)
                path = tmp / page.path
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(
                    render_page(page, site_title=site_title, nav=nav, footer=footer), encoding="utf-8"
                )
                pages.append(page.path)
                for name, content in page.files:
                    if name in seen_paths or ".." in Path(name).parts or Path(name).is_absolute():
                        raise PublishError(
                            f"page {page.path} writes the file {name} twice or outside the site"
                        )
                    seen_paths.add(name)
                    (tmp / name).parent.mkdir(parents=True, exist_ok=True)
                    (tmp / name).write_bytes(content)
                    downloads.append(name)
                for block in page.blocks:
                    if isinstance(block, Table):
                        stem = page.download_stem(block)
                        (tmp / "downloads" / f"{stem}.csv").write_bytes(table_csv(block))
                        (tmp / "downloads" / f"{stem}.json").write_bytes(table_json(block))
                        downloads += [f"downloads/{stem}.csv", f"downloads/{stem}.json"]
        (tmp / SITE_MARKER).write_text("written by randinspect publish\n", encoding="utf-8")
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=parent))
            old.rmdir()
            target.rename(old)
            tmp.rename(target)
            shutil.rmtree(old)
        else:
            tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return PublishReport(
        out=target,
        pages=tuple(pages),
        downloads=tuple(downloads),
        draws_verified=len(year_records.draws),
        sections=tuple(s.key for s, _ in built),
        left_out=tuple(left_out),
        seconds=time.perf_counter() - started,
        withheld=() if data.results is None else data.results.withheld,
    )
