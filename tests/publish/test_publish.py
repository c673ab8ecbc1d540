"""Tests of ``randinspect.publish``: what the site holds, what it refuses, that it leaks no personal data."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from randinspect.cli import main
from randinspect.directory import Scope
from randinspect.draw import DrawFrame, StratifiedPolicy, inclusion_probabilities
from randinspect.errors import PublishError, UnverifiedRecordError
from randinspect.items import CheckItem
from randinspect.publish import (
    DEFAULT_SECTIONS,
    SITE_MARKER,
    Page,
    Para,
    Section,
    Table,
    Text,
    load_records,
    public_frame_csv,
    publish,
)


@pytest.fixture
def records(demo_year: Path, tmp_path: Path) -> Path:
    """A private copy of the demo year's records folder (without its site)."""
    folder = tmp_path / "records"
    shutil.copytree(demo_year, folder, ignore=shutil.ignore_patterns("site"))
    return folder


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class TestSite:
    def test_demo_site_pages(self, demo_year: Path) -> None:
        """The demo site has index, items, joint plan, verifier; a page per draw, department, district."""
        site = demo_year / "site"
        year = load_records(demo_year)
        for name in ("index.html", "items.html", "joint-plan.html", "verify.html", "draws/index.html"):
            assert (site / name).is_file(), name
        assert len(list((site / "draws").glob("*-round*.html"))) == len(year.draws)
        departments = {str(e.record.commitment.item["department"]) for e in year.draws}
        assert {p.stem for p in (site / "departments").glob("*.html")} == departments
        assert list((site / "districts").glob("5201*.html"))
        assert (site / SITE_MARKER).is_file()

    def test_draw_page_shows_every_item_field_and_drawn_name(self, demo_year: Path) -> None:
        """A draw page shows every committed item field (known or not), the seed, each drawn name."""
        year = load_records(demo_year)
        entry = max(year.draws, key=lambda e: e.record.counts["total"])
        page = (demo_year / "site" / "draws" / f"{entry.slug}.html").read_text(encoding="utf-8")
        for key in entry.record.commitment.item:
            assert f">{key}<" in page, key
        assert entry.record.commitment.digest in page
        assert str(entry.record.seed) in page
        names = dict(zip(year.directory.ids.tolist(), year.directory.names.tolist(), strict=True))  # type: ignore[union-attr]
        for s in entry.record.selected:
            assert s.id in page
            assert names[s.id] in page

    def test_every_table_has_matching_downloads(self, demo_year: Path) -> None:
        """Every table's CSV and JSON downloads exist and hold the same rows."""
        downloads = demo_year / "site" / "downloads"
        csvs = sorted(downloads.glob("*.csv"))
        assert csvs
        for path in csvs:
            if path.stem == "public-results":
                continue  # the results package's own export (national layout): test_results_site.py
            data = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
            rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
            assert len(rows) == len(data["rows"]), path.name
            assert list(rows[0] if rows else [c["key"] for c in data["columns"]]) == [
                c["key"] for c in data["columns"]
            ]
            assert data["caption"]["zh"]
            assert data["caption"]["en"]

    def test_public_frames_match_commitments(self, demo_year: Path) -> None:
        """Each published frame file hashes to its commitment's frame and table digests (spec §3)."""
        site = demo_year / "site"
        for record_path in sorted((site / "records").glob("*.json")):
            record = json.loads(record_path.read_text(encoding="utf-8"))
            rows = list(
                csv.DictReader(io.StringIO((site / "frames" / f"{record_path.stem}.csv").read_text("utf-8")))
            )
            frame_text = "".join(f"{r['id']}\t{r['stratum']}\n" for r in rows)
            table_text = "".join(
                f"{r['id']}\t{r['stratum']}\t{r['tier']}\t{r['pi_numerator']}\n" for r in rows
            )
            assert hashlib.sha256(frame_text.encode()).hexdigest() == record["commitment"]["frame_digest"]
            assert hashlib.sha256(table_text.encode()).hexdigest() == record["commitment"]["table_digest"]

    def test_no_external_reference(self, demo_year: Path) -> None:
        """No page, script or stylesheet names an outside address (http, https or protocol-relative)."""
        for path in (demo_year / "site").rglob("*"):
            if path.suffix in (".html", ".css", ".js"):
                text = path.read_text(encoding="utf-8")
                for marker in ("http://", "https://", 'src="//', 'href="//', "url(//"):
                    assert marker not in text, (path.name, marker)


class TestPrivacy:
    def test_no_personal_data_in_any_file(self, demo_year: Path) -> None:
        """No inspector's identity-card or phone number appears in any page or download, searched as bytes."""
        from randinspect.datasets import demo_city

        city = demo_city(n_objects=3000, seed=2026, year=2027)
        secrets = set()
        for person in city.inspectors:
            for value in (person.id_card, person.phone):
                if value:
                    secrets.add(value.encode("utf-8"))
        assert len(secrets) > 100
        files = [p for p in (demo_year / "site").rglob("*") if p.is_file()]
        assert files
        for path in files:
            data = path.read_bytes()
            leaked = [s for s in secrets if s in data]
            assert leaked == [], path.name

    def test_no_opening_in_any_file(self, demo_year: Path) -> None:
        """The auditors' openings verify the demo's draws with reason digests but nothing of them (salt, the
        id lists behind the digests) reaches the site, while the public commitments hold the digests."""
        openings = sorted((demo_year / "openings").glob("*.json"))
        records = [json.loads(p.read_text("utf-8")) for p in (demo_year / "site" / "records").glob("*.json")]
        committed = [r for r in records if r["commitment"]["policy"].get("reasons")]
        assert committed
        assert len(openings) == len(records)
        salts = {json.loads(p.read_text("utf-8"))["policy"]["reason_salt"].encode() for p in openings}
        for path in (demo_year / "site").rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                assert not [s for s in salts if s in data], path.name
                assert b"randinspect-draw-opening" not in data, path.name
                assert b"filed_case_ids" not in data, path.name
                assert b"complaint_ids" not in data, path.name


class TestRefusals:
    def test_tampered_record_is_not_published(self, records: Path, tmp_path: Path) -> None:
        """A record whose selection was changed stops publication, names the record, and writes nothing."""
        path = sorted((records / "draws").glob("*.json"))[0]
        data = json.loads(path.read_text(encoding="utf-8"))
        data["selected"] = data["selected"][1:]
        data["counts"]["total"] -= 1
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        out = tmp_path / "site"
        with pytest.raises(UnverifiedRecordError, match=path.name):
            publish(records, out)
        assert not out.exists()
        assert [p.name for p in tmp_path.iterdir()] == ["records"]

    def test_previous_site_kept_on_failure(self, records: Path, tmp_path: Path) -> None:
        """When publication fails, a site published before stays exactly as it was."""
        out = tmp_path / "site"
        publish(records, out)
        before = _tree(out)
        (records / "objects.csv").write_text("id,name\n", encoding="utf-8")
        with pytest.raises((UnverifiedRecordError, Exception)):
            publish(records, out)
        assert _tree(out) == before

    def test_missing_directory_names_record(self, records: Path, tmp_path: Path) -> None:
        """Without the object directory the draws cannot be verified, so nothing is published."""
        (records / "objects.csv").unlink()
        with pytest.raises(UnverifiedRecordError, match=r"objects\.csv"):
            publish(records, tmp_path / "site")

    def test_changed_directory_is_refused(self, records: Path, tmp_path: Path) -> None:
        """A directory that is not the committed snapshot makes the draws unverifiable."""
        lines = (records / "objects.csv").read_text(encoding="utf-8").splitlines(keepends=True)
        (records / "objects.csv").write_text("".join(lines[:-50]), encoding="utf-8")
        with pytest.raises(UnverifiedRecordError, match=r"draw record .*\.json does not verify"):
            publish(records, tmp_path / "site")

    def test_foreign_folder_not_replaced(self, records: Path, tmp_path: Path) -> None:
        """An out folder holding other files is refused, untouched."""
        out = tmp_path / "mine"
        out.mkdir()
        (out / "notes.txt").write_text("keep", encoding="utf-8")
        with pytest.raises(PublishError, match="other files"):
            publish(records, out)
        assert (out / "notes.txt").read_text(encoding="utf-8") == "keep"

    def test_missing_folder(self, tmp_path: Path) -> None:
        """A records folder that does not exist is a clear PublishError."""
        with pytest.raises(PublishError, match="does not exist"):
            publish(tmp_path / "nope", tmp_path / "site")

    def test_republish_replaces_site(self, records: Path, tmp_path: Path) -> None:
        """Publishing twice to the same folder gives the same files (the old site is replaced whole)."""
        out = tmp_path / "site"
        publish(records, out)
        first = _tree(out)
        publish(records, out)
        assert _tree(out) == first


class TestSections:
    def test_plug_in_section(self, records: Path, tmp_path: Path) -> None:
        """A registered section adds its page and nav entry; one missing its files is left out."""

        def build(data: object) -> tuple[Page, ...]:
            table = Table(
                name="t", caption=Text("测试", "test"), columns=(("a", Text("甲", "a")),), rows=({"a": 1},)
            )
            return (
                Page(
                    path="extra.html",
                    title=Text("附加", "Extra"),
                    section="extra",
                    blocks=(Para(Text("段", "p")), table),
                ),
            )

        extra = Section(key="extra", title=Text("附加", "Extra"), needs=frozenset({"draws"}), build=build)
        later = Section(key="later", title=Text("以后", "Later"), needs=frozenset({"not_yet"}), build=build)
        report = publish(records, tmp_path / "site", sections=(*DEFAULT_SECTIONS, extra, later))
        assert "extra" in report.sections
        assert report.left_out == (("later", "missing records: not_yet"),)
        assert "extra.html" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
        assert (tmp_path / "site" / "downloads" / "extra-t.csv").is_file()

    def test_only_sections_with_files(self, records: Path, tmp_path: Path) -> None:
        """A folder with only the plans gets index and joint plan; draw sections are left out."""
        shutil.rmtree(records / "draws")
        for name in ("public-results.json", "overdue.csv", "assessment.json"):
            (records / name).unlink()
        report = publish(records, tmp_path / "site")
        assert report.sections == ("index", "joint_plan")
        assert {k for k, _ in report.left_out} >= {"results", "overdue", "assessment"}
        assert {k for k, _ in report.left_out} == {
            "items",
            "draws",
            "departments",
            "districts",
            "verifier",
            "results",
            "overdue",
            "assessment",
        }
        assert report.draws_verified == 0


class TestPublicFrame:
    @given(
        ids=st.lists(
            st.text(alphabet='AB,"9é', min_size=1, max_size=4), min_size=1, max_size=12, unique=True
        ),
        ratio=st.sampled_from(["1/2", "1/3", "1/10"]),
    )
    def test_rows_are_the_committed_table(self, ids: list[str], ratio: str) -> None:
        """The public frame CSV, read back, gives exactly the committed table digest for any ids."""
        frame = DrawFrame.from_arrays(ids=ids, strata=["U1" if i % 2 else "U2" for i in range(len(ids))])
        item = CheckItem(
            id="X-1",
            name="x",
            department="X",
            year=2027,
            ratio=Fraction(ratio),
            scope=Scope(),
            legal_basis=["x"],
        )
        table = inclusion_probabilities(frame, item, StratifiedPolicy())
        rows = list(csv.DictReader(io.StringIO(public_frame_csv(table))))
        text = "".join(f"{r['id']}\t{r['stratum']}\t{r['tier']}\t{r['pi_numerator']}\n" for r in rows)
        assert hashlib.sha256(text.encode("utf-8")).hexdigest() == table.digest


class TestCommand:
    def test_publish_command(self, records: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """`randinspect publish` writes the site and says how to open it."""
        assert main(["publish", "--from", str(records), "--out", str(tmp_path / "site")]) == 0
        out = capsys.readouterr().out
        assert "draws verified" in out
        assert "index.html" in out

    def test_publish_command_refuses(
        self, records: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`randinspect publish` exits 1 (does not reproduce) naming the record that does not verify."""
        path = sorted((records / "draws").glob("*.json"))[-1]
        data = json.loads(path.read_text(encoding="utf-8"))
        data["source"]["seed"] = "changed"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        assert main(["publish", "--from", str(records), "--out", str(tmp_path / "site")]) == 1
        assert path.name in capsys.readouterr().err


class TestPlanFolder:
    def test_plan_output_publishes(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """What `randinspect plan` writes, with its object directory, publishes with every draw verified."""
        from randinspect.datasets import demo_city, demo_items

        city = demo_city(n_objects=1500, seed=7, year=2027)
        objects = tmp_path / "objects.csv"
        city.objects.to_csv(objects)
        items = tmp_path / "items.json"
        items.write_text(json.dumps(demo_items(2027).to_dict(), ensure_ascii=False), encoding="utf-8")
        out = tmp_path / "plan"
        argv = ["plan", "--objects", str(objects), "--items", str(items), "--seed", "42", "--out", str(out)]
        assert main(argv) == 0
        capsys.readouterr()
        report = publish(out, tmp_path / "site", objects=objects)
        assert report.draws_verified == len(list((out / "draws").glob("*.json"))) > 0
        assert {"draws", "joint_plan", "verifier"} <= set(report.sections)


class TestDisclosure:
    def test_auditors_site_shows_no_single_pi_or_tier(self, auditors_year: Path) -> None:
        """Under disclosure "auditors" the public frame file holds ids and strata only, the record and
        the drawn-objects tables hold no tier or π, and nothing of the opening (salt, lists) is published."""
        site = auditors_year / "site"
        (record_path,) = sorted((site / "records").glob("*.json"))
        record = json.loads(record_path.read_text(encoding="utf-8"))
        assert record["commitment"]["policy"]["disclosure"] == "auditors"
        assert record["commitment"]["policy"]["reasons"]
        assert all(set(s) == {"id", "stratum"} for s in record["selected"])
        frame = (site / "frames" / f"{record_path.stem}.csv").read_text(encoding="utf-8")
        assert frame.splitlines()[0] == "id,stratum"
        assert all(line.count(",") == 1 for line in frame.splitlines())
        drawn_tables = sorted((site / "downloads").glob("*drawn*.csv"))
        assert drawn_tables
        for path in drawn_tables:
            header = path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
            assert not {"tier", "pi"} & set(header), path.name
        opening = json.loads(next((auditors_year / "openings").glob("*.json")).read_text(encoding="utf-8"))
        salt = opening["policy"]["reason_salt"]
        assert not (site / "openings").exists()
        for path in site.rglob("*"):
            if path.is_file():
                text = path.read_text(encoding="utf-8", errors="replace")
                assert salt not in text, path
                assert "randinspect-draw-opening" not in text, path

    def test_frame_follows_the_table(self) -> None:
        """public_frame_csv follows the table's disclosure unless told, and refuses unknown settings."""
        from randinspect.draw import TieredPolicy
        from randinspect.errors import InputError

        frame = DrawFrame.from_arrays(ids=["B", "A", "C"], strata=["U1", "U1", "U2"])
        item = CheckItem(
            id="X-1",
            name="x",
            department="X",
            year=2027,
            ratio=Fraction(1, 2),
            scope=Scope(),
            legal_basis=["x"],
        )
        table = inclusion_probabilities(frame, item, TieredPolicy(disclosure="auditors"))
        assert public_frame_csv(table) == "id,stratum\nA,U1\nB,U1\nC,U2\n"
        full = public_frame_csv(table, disclosure="public").splitlines()
        assert full[0] == "id,stratum,tier,pi_numerator"
        assert len(full) == 4
        with pytest.raises(InputError, match="disclosure"):
            public_frame_csv(table, disclosure="everyone")

    def test_missing_opening_is_named(self, auditors_year: Path, tmp_path: Path) -> None:
        """A draw whose commitment holds reason digests is not published without its opening, and the
        message says where the opening goes."""
        folder = tmp_path / "records"
        shutil.copytree(auditors_year, folder, ignore=shutil.ignore_patterns("site", "openings"))
        with pytest.raises(UnverifiedRecordError, match=r"openings/"):
            publish(folder, tmp_path / "site")
        assert not (tmp_path / "site").exists()

    def test_wrong_opening_is_refused(self, auditors_year: Path, tmp_path: Path) -> None:
        """An opening whose reason lists do not open the committed digests stops publication."""
        folder = tmp_path / "records"
        shutil.copytree(auditors_year, folder, ignore=shutil.ignore_patterns("site"))
        path = next((folder / "openings").glob("*.json"))
        opening = json.loads(path.read_text(encoding="utf-8"))
        opening["policy"]["key_ids"] = opening["policy"]["key_ids"][:1]
        path.write_text(json.dumps(opening, ensure_ascii=False), encoding="utf-8")
        with pytest.raises(UnverifiedRecordError, match=r"does not verify"):
            publish(folder, tmp_path / "site")


class TestVersionOne:
    def test_v1_records_publish_and_verify_in_node(self, tmp_path: Path) -> None:
        """Kept version-1 records of the demo city publish (verified by the version-1 rules) and their site
        files reproduce in the JavaScript verifier's version-1 entry."""
        from tests.publish.conftest import V1_DIR, run_node

        from randinspect.datasets import demo_city
        from randinspect.draw import DrawRecord

        data = json.loads((V1_DIR / "records_v1_demo_city.json").read_text(encoding="utf-8"))
        directory = demo_city(n_objects=3000, seed=7).objects
        if DrawRecord.from_json_dict(data["records"][0]["record"]).commitment.directory_digest != (
            directory.digest
        ):
            pytest.skip("the demo-city generator changed since these records were made")
        folder = tmp_path / "records"
        (folder / "draws").mkdir(parents=True)
        directory.to_csv(folder / "objects.csv")
        for i, case in enumerate(data["records"]):
            (folder / "draws" / f"v1-{i}.json").write_text(
                json.dumps(case["record"], ensure_ascii=False), encoding="utf-8"
            )
        report = publish(folder, tmp_path / "site")
        assert report.draws_verified == len(data["records"])
        site = tmp_path / "site"
        cases = []
        for path in sorted((site / "records").glob("*.json")):
            frame = (site / "frames" / f"{path.stem}.csv").read_text(encoding="utf-8")
            assert frame.splitlines()[0] == "id,stratum,tier,pi_numerator"
            cases.append({"name": path.stem, "record": json.loads(path.read_text("utf-8")), "frame": frame})
        empty = {"tickets": [], "integer_below": [], "decimal": [], "selections": []}
        vectors = {"uniforms": {"seed": "1", "context": "x", "values": []}, **empty}
        results = [
            r for r in run_node({"vectors": vectors, "records": cases, "hash": "js"}) if r["kind"] == "record"
        ]
        assert len(results) == len(data["records"])
        for r in results:
            assert r["result"]["ok"] is True, r["result"]
            assert r["result"]["version"] == 1
