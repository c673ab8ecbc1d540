"""Tests of randinspect.datasets.demo_city: determinism, the summary, and the files it writes."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.codes import GUIYANG_COUNTIES
from randinspect.datasets import (
    COMPLAINT_COLUMNS,
    COMPLAINT_HEADERS_ZH,
    DEPARTMENT_RISK_CODES,
    DemoCity,
    demo_city,
    format_summary,
    generate_object_columns,
)
from randinspect.datasets import _tables as tables
from randinspect.directory import INSPECTOR_HEADERS_ZH, InspectorDirectory, ObjectDirectory
from randinspect.errors import ConfigurationError
from randinspect.testing._datasets import demo_cities, demo_object_columns


@pytest.fixture(scope="module")
def city() -> DemoCity:
    return demo_city(5_000, seed=2026)


class TestDemoCity:
    def test_defaults(self) -> None:
        """The default city has 20,000 objects, plan year 2027 and seed 2026."""
        city = demo_city()
        assert (len(city.objects), city.year, city.seed) == (20_000, 2027, 2026)

    def test_same_seed_same_city(self, city: DemoCity) -> None:
        """The same arguments give the same directories and complaints."""
        again = demo_city(5_000, seed=2026)
        assert again.objects.digest == city.objects.digest
        assert again.inspectors.digest == city.inspectors.digest
        assert again.complaints == city.complaints
        assert again == city

    def test_different_seed_different_city(self, city: DemoCity) -> None:
        """Another seed gives other objects and inspectors."""
        other = demo_city(5_000, seed=2027)
        assert other.objects.digest != city.objects.digest
        assert other.inspectors.digest != city.inspectors.digest

    @settings(deadline=None, max_examples=10)
    @given(n=st.integers(1, 200), seed=st.integers(0, 2**32))
    def test_any_small_city_builds_validated(self, n: int, seed: int) -> None:
        """Any small city's columns pass the directory's full validation (USCCs, industries, divisions)."""
        cols = generate_object_columns(n, seed)
        directory = ObjectDirectory.from_arrays(
            id=cols["id"],
            name=cols["name"],
            kind=cols["kind"],
            industry=cols["industry"],
            region=cols["region"],
            unit=cols["unit"],
            credit=cols["credit"],
            risk=cols["risk"],
            alive=cols["alive"],
            tags=cols["tags"],
            department_risk={code: cols[f"risk@{code}"] for code in DEPARTMENT_RISK_CODES},
            validate=True,
        )
        assert len(directory) == n
        assert demo_city(n, seed).objects.digest == directory.digest

    def test_department_risk(self, city: DemoCity) -> None:
        """The directory carries the department risk columns."""
        assert set(city.objects.departments) == set(DEPARTMENT_RISK_CODES)
        assert city.objects.risk_for("SAMR").shape == city.objects.risk.shape

    def test_department_lookup(self, city: DemoCity) -> None:
        """department() finds a department by code and names the known codes otherwise."""
        assert city.department("ECO").name == "生态环境局"
        with pytest.raises(ConfigurationError, match="SAMR"):
            city.department("NOPE")

    def test_repr_is_short(self, city: DemoCity) -> None:
        """The repr gives sizes, not contents."""
        text = repr(city)
        assert text.startswith("DemoCity(seed=2026, year=2027, objects=5000")
        assert len(text) < 200

    @pytest.mark.parametrize("year", [1999, 2101, "2027", True])
    def test_bad_year(self, year: object) -> None:
        """A plan year outside 2000..2100 raises ConfigurationError."""
        with pytest.raises(ConfigurationError, match="plan year"):
            demo_city(10, year=year)  # type: ignore[arg-type]

    def test_scope_by_tag(self, city: DemoCity) -> None:
        """Later items can scope by tag: key special-equipment users exist and are alive mostly."""
        mask = city.objects.has_tag("SAMR:key:special-equipment-user")
        assert 0 < mask.sum() < len(city.objects)


class TestSummary:
    def test_counts_add_up(self, city: DemoCity) -> None:
        """Counts by district, kind, credit and risk each add up to the total; alive + dormant too."""
        s = city.summary()
        objects = s["objects"]
        total = objects["total"]
        assert total == 5_000
        assert sum(v["count"] for v in objects["by_district"].values()) == total
        assert sum(v["count"] for v in objects["by_kind"].values()) == total
        assert sum(objects["by_credit"].values()) == total
        assert sum(objects["by_risk"].values()) == total
        assert objects["alive"] + objects["dormant"] == total
        assert 0.02 * total < objects["dormant"] < 0.07 * total

    def test_district_names(self, city: DemoCity) -> None:
        """Districts are listed with their Chinese names."""
        by_district = city.summary()["objects"]["by_district"]
        assert set(by_district) == set(GUIYANG_COUNTIES)
        assert by_district["520102"]["name"] == "南明区"
        assert by_district["520115"]["name"] == "观山湖区"

    def test_inspectors_by_department(self, city: DemoCity) -> None:
        """Inspectors are counted by department and role, adding up to the directory size."""
        s = city.summary()["inspectors"]
        assert s["total"] == len(city.inspectors)
        assert sum(row["total"] for row in s["by_department"].values()) == s["total"]
        assert sum(s["by_role"].values()) == s["total"]
        assert s["by_department"]["SAMR"]["name"] == "市场监督管理局"

    def test_complaints(self, city: DemoCity) -> None:
        """The complaint summary counts records by channel and the objects with three or more."""
        s = city.summary()["complaints"]
        assert s["total"] == len(city.complaints) == sum(s["by_channel"].values())
        assert 0 < s["objects_with_3_or_more"] < s["total"]

    def test_format_summary(self, city: DemoCity) -> None:
        """The text summary names every district and department and gives the totals."""
        text = format_summary(city.summary())
        assert text.startswith("Demo city (seed 2026, plan year 2027)")
        assert "5,000" in text
        for _, name, *_ in tables.DISTRICTS:
            assert name in text
        for dept in city.departments:
            assert f"  {dept.code} " in text
            assert dept.name in text


class TestFiles:
    @pytest.mark.parametrize("chinese", [False, True])
    def test_round_trip(self, city: DemoCity, tmp_path: Path, chinese: bool) -> None:
        """The files load back into equal directories, with English or Chinese headers."""
        paths = city.to_files(tmp_path, chinese_headers=chinese)
        assert ObjectDirectory.from_csv(paths["objects"]).digest == city.objects.digest
        loaded = InspectorDirectory.from_csv(paths["inspectors"])
        assert loaded.to_public_records() == city.inspectors.to_public_records()
        with open(paths["complaints"], encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        header = [COMPLAINT_HEADERS_ZH[c] for c in COMPLAINT_COLUMNS] if chinese else list(COMPLAINT_COLUMNS)
        assert rows[0] == header
        assert len(rows) == len(city.complaints) + 1
        first = city.complaints[0]
        assert rows[1][:3] == [first.object_id, first.channel.value, first.received.isoformat()]

    def test_private_columns_only_on_request(self, city: DemoCity, tmp_path: Path) -> None:
        """inspectors.csv holds no identity-card or phone number unless include_private=True."""
        public = city.to_files(tmp_path / "public")["inspectors"].read_text(encoding="utf-8")
        private = city.to_files(tmp_path / "private", include_private=True)["inspectors"].read_text(
            encoding="utf-8"
        )
        person = city.inspectors.inspectors[0]
        assert person.id_card
        assert person.phone
        assert person.id_card not in public
        assert person.phone not in public
        assert "id_card" not in public.splitlines()[0]
        assert person.id_card in private
        assert person.phone in private
        loaded = InspectorDirectory.from_csv(tmp_path / "private" / "inspectors.csv")
        assert loaded.get(person.id).id_card == person.id_card

    def test_chinese_inspector_headers(self, city: DemoCity, tmp_path: Path) -> None:
        """With Chinese headers the inspector file starts with 工号 and has no private header."""
        header = (
            city.to_files(tmp_path, chinese_headers=True)["inspectors"]
            .read_text(encoding="utf-8")
            .split("\n")[0]
        )
        assert header.startswith("工号,姓名")
        assert INSPECTOR_HEADERS_ZH["id_card"] not in header


class TestStrategies:
    @settings(deadline=None, max_examples=5)
    @given(city=demo_cities(max_objects=50))
    def test_demo_cities(self, city: DemoCity) -> None:
        """The demo_cities strategy builds complete cities whose summary adds up."""
        summary = city.summary()
        assert summary["objects"]["total"] == len(city.objects) <= 50
        assert summary["inspectors"]["total"] == len(city.inspectors)

    @settings(deadline=None, max_examples=10)
    @given(columns=demo_object_columns(max_objects=40))
    def test_demo_object_columns(self, columns: dict[str, np.ndarray]) -> None:
        """The demo_object_columns strategy gives equal-length columns with unique ids."""
        n = len(columns["id"])
        assert 1 <= n <= 40
        assert all(len(col) == n for col in columns.values())
        assert len(set(columns["id"].tolist())) == n
