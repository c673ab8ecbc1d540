"""Tests for feedback: default rules, determinism, journalling, and the FeedbackRules Protocol."""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.draw.journal import Journal, MemoryStore
from randinspect.results import (
    DEFAULT_FEEDBACK,
    DefaultFeedback,
    Finding,
    ResultBook,
    apply_feedback,
    enter_results,
)
from randinspect.typing import FeedbackRules

World = Any
CODES = ["01", "02", "03", "04", "05", "06", "07", "08", "09"]


def _book(world: World, codes: list[str], year: int | None = None) -> ResultBook:
    records = [
        attrs.evolve(r, findings=(Finding(content="c", category=c),))
        for r, c in zip(world.records, codes, strict=False)
    ]
    return enter_results(
        ResultBook(year=year or world.city.year), records, tasks=world.tasks, assignments=world.matching
    )


def _grade(objects: Any, oid: str) -> str:
    return str(objects.credit[int(objects.index_of([oid])[0])])


class TestDefaultFeedback:
    def test_is_a_feedback_rules(self) -> None:
        """The default conforms to the FeedbackRules Protocol."""
        assert isinstance(DEFAULT_FEEDBACK, FeedbackRules)

    def test_violation_lowers_grade(self, world: World) -> None:
        """An object with a violation moves one grade worse (or stays at the worst)."""
        book = _book(world, ["03"])
        oid = world.records[0].object_id
        out = apply_feedback(world.city.objects, book)
        levels = world.city.objects.credit_scale.levels
        before = levels.index(_grade(world.city.objects, oid))
        assert levels.index(_grade(out.objects, oid)) == min(before + 1, len(levels) - 1)

    def test_clean_over_years_raises(self, world: World) -> None:
        """Two consecutive clean years move an object one grade better; one clean year does not."""
        oid = world.records[0].object_id
        this = _book(world, ["01"])
        last = _book(world, ["01"], year=world.city.year - 1)
        levels = world.city.objects.credit_scale.levels
        before = levels.index(_grade(world.city.objects, oid))
        once = apply_feedback(world.city.objects, this)
        assert _grade(once.objects, oid) == levels[before]
        twice = apply_feedback(world.city.objects, this, history=[last])
        assert levels.index(_grade(twice.objects, oid)) == max(before - 1, 0)

    def test_unreachable_marks_abnormal(self, world: World) -> None:
        """'Not found at the registered address' tags the object abnormal; 'closed' tags it dormant."""
        book = _book(world, ["05", "07"])
        out = apply_feedback(world.city.objects, book)
        a, b = world.records[0].object_id, world.records[1].object_id
        if a != b:
            assert out.marks[a] == "abnormal"
            assert out.marks[b] == "dormant"
            assert "abnormal" in out.objects.tags[int(out.objects.index_of([a])[0])]

    def test_cases_and_referrals_feed_problem_tier(self, world: World) -> None:
        """Objects with a follow-up case, and referred objects, are next year's problem objects."""
        book = _book(world, ["04", "01"])
        out = apply_feedback(world.city.objects, book)
        assert world.records[0].object_id in out.problem_ids

    def test_input_not_changed(self, world: World) -> None:
        """Feedback returns a new directory; the input directory keeps its grades."""
        before = np.asarray(world.city.objects.credit).copy()
        apply_feedback(world.city.objects, _book(world, ["03"] * 10))
        assert (np.asarray(world.city.objects.credit) == before).all()

    @settings(max_examples=20)
    @given(codes=st.lists(st.sampled_from(CODES), min_size=1, max_size=30))
    def test_deterministic_and_journalled(self, world: World, codes: list[str]) -> None:
        """The same results give the same changes, and every change is in the journal with its reason."""
        book = _book(world, codes)
        j1, j2 = Journal(MemoryStore()), Journal(MemoryStore())
        a = apply_feedback(world.city.objects, book, journal=j1)
        b = apply_feedback(world.city.objects, book, journal=j2)
        assert a.report.changes == b.report.changes
        assert a.marks == b.marks
        assert [e.payload_json for e in j1.entries()] == [e.payload_json for e in j2.entries()]
        journalled = set()
        for e in j1.entries():
            assert e.kind == "grade-change"
            assert e.reason
            for c in e.payload.get("changes", ()):
                journalled.add((c["id"], c["column"], c["old"], c["new"], e.reason))
        assert {(c.id, c.column, c.old, c.new, c.reason) for c in a.report.changes} == journalled


class TestCustomRules:
    def test_custom_rules_used(self, world: World) -> None:
        """A user's rules (here: no grade drop, no risk change) replace the default."""
        rules = DefaultFeedback(violation_shift=0, violation_risk=None)
        out = apply_feedback(world.city.objects, _book(world, ["03"]), rules=rules)
        assert len(out.report) == 0


class TestConformance:
    def test_default_passes_check(self, world: World) -> None:
        """The default rules pass the conformance check on a year of synthetic results."""
        from randinspect.testing import check_feedback_rules

        book = enter_results(
            ResultBook(year=world.city.year), world.records, tasks=world.tasks, assignments=world.matching
        )
        check_feedback_rules(DEFAULT_FEEDBACK, world.city.objects, book)

    def test_check_catches_nondeterminism(self, world: World) -> None:
        """Rules whose problem ids change between calls fail the check."""
        import itertools

        import pytest

        from randinspect.testing import check_feedback_rules

        counter = itertools.count()

        class Flaky(DefaultFeedback):
            def problem_ids(self, book: Any, referrals: Any = ()) -> tuple[str, ...]:
                return (f"x{next(counter)}",)

        with pytest.raises(AssertionError, match="deterministic"):
            check_feedback_rules(Flaky(), world.city.objects, _book(world, ["01"]))
