"""Tests of randinspect.directory.regrade: rule-based re-rating of credit grades and risk classes."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.directory import GradeRule, ObjectDirectory, Scope, regrade
from randinspect.errors import ConfigurationError, InputError
from randinspect.model import DEFAULT_CREDIT_SCALE
from randinspect.testing._directory import object_directories


def _food(d: ObjectDirectory) -> npt.NDArray[np.bool_]:
    return d.has_tag("food")


class TestGradeRule:
    def test_rule_must_change_something(self) -> None:
        """A rule without any action is refused."""
        with pytest.raises(ConfigurationError):
            GradeRule(reason="nothing")

    def test_unknown_level_refused(self, records: list[dict[str, Any]]) -> None:
        """A level not on the scale is reported when the rule is applied."""
        d = ObjectDirectory.from_records(records)
        with pytest.raises(ConfigurationError, match="Z"):
            regrade(d, [GradeRule(reason="bad", set_credit="Z")])

    def test_unknown_ids_refused(self, records: list[dict[str, Any]]) -> None:
        """Rules naming ids outside the directory raise."""
        d = ObjectDirectory.from_records(records)
        with pytest.raises(InputError):
            regrade(d, [GradeRule(reason="x", ids=["nope"], set_credit="D")])

    @pytest.mark.parametrize("department", ["bad code!", "市场监管", "SAMR;FIRE"])
    def test_department_must_be_a_code(self, department: str) -> None:
        """A department that is not a code is refused, so a regraded directory still loads back from CSV."""
        with pytest.raises(ConfigurationError, match="department"):
            GradeRule(reason="x", set_risk="high", department=department)


class TestRegrade:
    def test_set_shift_and_bounds(self, records: list[dict[str, Any]]) -> None:
        """set, shift and at_least/at_most act on the selected objects only, in that order."""
        d = ObjectDirectory.from_records(records)
        target = str(d.ids[0])
        new, report = regrade(
            d,
            [
                GradeRule(reason="violation", ids=[target], credit_shift=1),
                GradeRule(reason="floor", when=Scope(alive_only=False), credit_at_least="B"),
                GradeRule(reason="cap high", risk_at_most="medium", when=Scope(alive_only=False)),
            ],
        )
        old_rank = DEFAULT_CREDIT_SCALE.rank(str(d.credit[0]))
        expected_first = DEFAULT_CREDIT_SCALE.levels[max(min(old_rank + 1, 3), 1)]
        assert new.credit[0] == expected_first
        assert "A" not in new.credit.tolist()
        assert "high" not in new.risk.tolist()
        assert [r[0] for r in report.rules] == ["violation", "floor", "cap high"]
        assert report.rules[0][1] == 1

    def test_input_unchanged(self, records: list[dict[str, Any]]) -> None:
        """regrade returns a new directory and leaves the input as it was."""
        d = ObjectDirectory.from_records(records)
        before = d.digest
        regrade(d, [GradeRule(reason="all D", set_credit="D", when=Scope(alive_only=False))])
        assert d.digest == before

    def test_department_rule_writes_department_column(self, records: list[dict[str, Any]]) -> None:
        """A rule with a department changes that department's risk column only."""
        d = ObjectDirectory.from_records(records)
        new, report = regrade(
            d, [GradeRule(reason="food", predicate=_food, set_risk="high", department="SAMR")]
        )
        assert new.departments == ("SAMR",)
        assert new.risk.tolist() == d.risk.tolist()
        assert set(new.risk_for("SAMR")[d.has_tag("food")].tolist()) == {"high"}
        assert all(c.column == "risk@SAMR" for c in report.changes)

    @settings(deadline=None, max_examples=40)
    @given(object_directories(min_size=1), st.sampled_from("ABCD"), st.integers(-3, 3))
    def test_report_matches_difference(self, d: ObjectDirectory, floor: str, shift: int) -> None:
        """The report lists exactly the objects whose values differ, with old and new values."""
        rules = [
            GradeRule(reason="shift", credit_shift=shift, when=Scope(alive_only=False)) if shift else None,
            GradeRule(reason="floor", credit_at_least=floor),
        ]
        new, report = regrade(d, [r for r in rules if r is not None])
        net: dict[str, tuple[str, str]] = {}
        for c in report.changes:
            assert c.column == "credit"
            net[c.id] = (net.get(c.id, (c.old, c.old))[0], c.new)
        changed = {i for i, (o, n) in net.items() if o != n}
        differ = set(d.ids[d.credit != new.credit].tolist())
        assert changed == differ
        for i, (old, new_level) in net.items():
            pos = int(d.index_of(i)[0])
            assert d.credit[pos] == old
            assert new.credit[pos] == new_level
        assert sum(report.transitions("credit").values()) == len(report)
        alive = d.alive
        ranks = np.array([DEFAULT_CREDIT_SCALE.rank(c) for c in new.credit.tolist()])
        assert (ranks[alive] >= DEFAULT_CREDIT_SCALE.rank(floor)).all()


class TestAddTags:
    @settings(max_examples=25)
    @given(d=object_directories(min_size=1, max_size=40), data=st.data())
    def test_tags_added_to_selected_only(self, d: ObjectDirectory, data: st.DataObject) -> None:
        """add_tags tags exactly the selected objects, keeps their other tags, and reports each change."""
        ids = data.draw(st.lists(st.sampled_from(d.ids.tolist()), min_size=1, unique=True))
        new, report = regrade(d, [GradeRule(reason="unreachable", ids=ids, add_tags=("abnormal",))])
        chosen = set(ids)
        for i, oid in enumerate(d.ids.tolist()):
            before, after = set(d.tags_of(i)), set(new.tags_of(i))
            assert after == (before | {"abnormal"} if oid in chosen else before)
        assert {c.id for c in report.changes} == {
            o for o in chosen if "abnormal" not in d.tags_of(int(d.index_of([o])[0]))
        }
        assert all(c.column == "tags" for c in report.changes)

    def test_bad_tag_refused(self) -> None:
        """A tag holding ';' (the tag separator) is refused."""
        with pytest.raises(ConfigurationError):
            GradeRule(reason="x", add_tags=("a;b",))
