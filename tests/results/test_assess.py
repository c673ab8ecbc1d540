"""Tests for the assessment and the annual summary: figures add up to the records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.draw.journal import Journal, MemoryStore
from randinspect.results import (
    CHART_ALT,
    ResultBook,
    annual_summary,
    assess,
    deadline_report,
    enter_results,
    publish,
)

World = Any


def _assessment(world: World, n: int, publish_until: dt.date | None = None, **kw: Any) -> Any:
    book = enter_results(
        ResultBook(year=world.city.year), world.records[:n], tasks=world.tasks, assignments=world.matching
    )
    if publish_until is not None:
        book, _ = publish(book, on=publish_until, calendar=world.calendar)
    deps = {i.id: i.department for i in world.items}
    report = deadline_report(
        book,
        as_of=dt.date(world.city.year, 12, 5),
        calendar=world.calendar,
        tasks=world.tasks,
        item_departments=deps,
    )
    return (
        book,
        report,
        assess(
            book=book,
            report=report,
            objects=world.city.objects,
            draw_records=world.cycle.records,
            tasks=world.tasks,
            items=world.items,
            savings=world.cycle.joint.savings(),
            **kw,
        ),
    )


class TestAssess:
    @settings(max_examples=10)
    @given(n=st.integers(0, 200), month=st.integers(1, 12))
    def test_counts_add_up(self, world: World, n: int, month: int) -> None:
        """Department rows sum to the total; the total matches the book, the report and the draws."""
        book, report, a = _assessment(world, n, dt.date(world.city.year, month, 28))
        t = a.total
        plan = [r for r in book if r.record.origin.value != "case"]
        assert t.inspected == len(plan)
        assert t.problems == sum(r.category.is_problem for r in plan)
        assert t.drawn == sum(len(r.selected) for r in world.cycle.records)
        assert t.expected == report.counts()["expected"]
        assert t.published == report.counts()["published"]
        assert t.tasks == sum(len(x.departments) for x in world.tasks)
        assert sum(r.inspected for r in a.districts) == t.inspected
        for field in ("inspected", "problems", "entered", "published", "a_grade", "drawn"):
            assert sum(getattr(r, field) for r in a.departments) == getattr(t, field)

    def test_estimator_hook(self, world: World) -> None:
        """An estimator gets the draw records and found-per-object, and its value is reported."""
        seen: dict[str, Any] = {}

        def estimator(records: Any, found: Any) -> str:
            seen["n"] = len(found)
            return "HT 5.0% (SE 1.0%)"

        _, _, a = _assessment(world, 50, estimator=estimator)
        assert a.estimate == "HT 5.0% (SE 1.0%)"
        assert seen["n"] == len({r.object_id for r in world.records[:50]})

    def test_journalled(self, world: World) -> None:
        """The assessment totals are journalled as one assessment entry."""
        journal = Journal(MemoryStore())
        _assessment(world, 20, journal=journal)
        assert [e.kind for e in journal.entries()] == ["assessment"]


class TestAnnualSummary:
    def test_writes_markdown_and_html(self, world: World, tmp_path: Path) -> None:
        """The summary is written as Markdown and HTML, Chinese first, with charts when matplotlib exists."""
        _, _, a = _assessment(world, 100, dt.date(world.city.year, 12, 1))
        s = annual_summary(a, tmp_path)
        md = (tmp_path / "summary.md").read_text(encoding="utf-8")
        assert md.startswith(f"# {world.city.year}年度")
        assert "录入率" in md
        assert "<table>" in (tmp_path / "summary.html").read_text(encoding="utf-8")
        for c in s.charts:
            assert (tmp_path / "charts" / c).stat().st_size > 0

    def test_chart_alt_text_describes_the_chart(self, world: World, tmp_path: Path) -> None:
        """Every chart in the HTML summary has a text alternative saying what it shows, not its file name."""
        _, _, a = _assessment(world, 100, dt.date(world.city.year, 12, 1))
        s = annual_summary(a, tmp_path)
        page = (tmp_path / "summary.html").read_text(encoding="utf-8")
        for c in s.charts:
            assert f'alt="{c}"' not in page
            assert CHART_ALT[c].split(" / ")[0] in page

    def test_renders_without_matplotlib(self, world: World, tmp_path: Path, monkeypatch: Any) -> None:
        """Without matplotlib the summary is still written, the charts omitted with a note."""
        import builtins

        real = builtins.__import__

        def fake(name: str, *args: Any, **kw: Any) -> Any:
            if name.startswith("matplotlib"):
                raise ImportError(name)
            return real(name, *args, **kw)

        monkeypatch.setattr(builtins, "__import__", fake)
        _, _, a = _assessment(world, 30)
        s = annual_summary(a, tmp_path)
        assert s.charts == ()
        assert "matplotlib" in s.note
        assert "matplotlib" in (tmp_path / "summary.md").read_text(encoding="utf-8")


class TestDeadlinesMet:
    def test_per_department(self, world: World) -> None:
        """Each department's row counts its milestones due by the day and those done on time."""
        from randinspect.planning import Milestone

        cycle = world.cycle.cycle
        on_time = {m: cycle.due(m) for m in Milestone}
        late = dict(on_time)
        late[Milestone.DRAWS] = cycle.due(Milestone.DRAWS) + dt.timedelta(days=3)
        _, _, a = _assessment(world, 10, cycle=cycle, department_milestones={"SAMR": on_time, "ECO": late})
        rows = {r.key: r for r in a.departments}
        assert (rows["SAMR"].deadlines, rows["SAMR"].deadlines_met) == (4, 4)
        assert (rows["ECO"].deadlines, rows["ECO"].deadlines_met) == (4, 3)
        assert a.milestones == ()


_counts = st.integers(0, 10**6)


class TestAssessmentRowJson:
    @settings(max_examples=50)
    @given(
        values=st.fixed_dictionaries(
            {
                "drawn": _counts,
                "expected": _counts,
                "entered": _counts,
                "problems": _counts,
                "inspected": _counts,
                "referrals": _counts,
            }
        ),
        planned=st.fractions(min_value=0, max_value=10**6),
    )
    def test_round_trip(self, values: dict[str, int], planned: Any) -> None:
        """A row read back from its JSON form equals the row, derived rates included."""
        from randinspect.results import AssessmentRow

        row = AssessmentRow(key="X", planned=planned, **values)
        back = AssessmentRow.from_json_dict(row.to_json_dict())
        assert back == row
        assert back.to_json_dict() == row.to_json_dict()

    def test_bad_count_is_named(self) -> None:
        """A count that is not a whole number is refused, naming the row and the field."""
        import pytest

        from randinspect.errors import ResultInputError
        from randinspect.results import AssessmentRow

        with pytest.raises(ResultInputError, match=r"'SAMR'.*'drawn'"):
            AssessmentRow.from_json_dict({"key": "SAMR", "drawn": "many"})


class TestAssessmentCharts:
    def test_charts_written_or_none(self, tmp_path: Path) -> None:
        """The charts are PNG files named CHART_FILES, or none at all for rows without results."""
        from randinspect.results import CHART_FILES, AssessmentRow, assessment_charts

        rows = [AssessmentRow(key="A", expected=4, entered=3, published=2, inspected=3, problems=1)]
        names = assessment_charts(rows, year=2027, out=tmp_path)
        assert names == CHART_FILES
        assert all((tmp_path / n).read_bytes().startswith(b"\x89PNG") for n in names)
        assert assessment_charts([AssessmentRow(key="B")], year=2027, out=tmp_path / "none") == ()
