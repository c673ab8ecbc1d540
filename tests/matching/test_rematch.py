"""Tests of re-matching after a change: only affected tasks get new groups, under the same rules and caps."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.draw import PublicSeedSource
from randinspect.errors import ReasonRequiredError
from randinspect.matching import InspectionTask, MatchVersion, TaskCategory, match_inspectors, rematch
from randinspect.testing._matching import _check_result, random_matching_instance


class TestRematch:
    @settings(max_examples=25, deadline=None)
    @given(
        seed=st.integers(0, 2**32 - 1),
        change=st.sets(st.integers(0, 19), max_size=6),
        drop=st.sets(st.integers(0, 19), max_size=3),
        add=st.integers(0, 3),
        extra_rules=st.booleans(),
    )
    def test_touches_only_affected(
        self, seed: int, change: set[int], drop: set[int], add: int, extra_rules: bool
    ) -> None:
        """Unchanged tasks keep their groups; dropped tasks vanish; the rest obey every rule and cap."""
        inst = random_matching_instance(seed, n_tasks=20, cap=5, extra_rules=extra_rules)
        source = PublicSeedSource(f"r{seed}")
        first = match_inspectors(
            inst.tasks,
            inst.inspectors,
            source=source,
            conflicts=inst.conflicts,
            history=inst.history,
            caps=inst.caps,
            allow_partial=True,
        )
        new_tasks = []
        for n, t in enumerate(inst.tasks):
            if n in drop:
                continue
            if n in change:
                t = attrs.evolve(t, window=(t.start, t.start + dt.timedelta(days=20)))
            new_tasks.append(t)
        for k in range(add):
            base = inst.tasks[k]
            new_tasks.append(attrs.evolve(base, id=f"CASE-{k}", category=TaskCategory.CASE, note="线索"))
        v2 = rematch(
            first,
            new_tasks,
            inst.inspectors,
            reason="计划调整",
            source=source,
            conflicts=inst.conflicts,
            history=inst.history,
            caps=inst.caps,
        )
        before = {g.task_id: g for g in first.groups}
        changed_ids = {inst.tasks[n].id for n in change - drop}
        for g in v2.kept:
            assert g == before[g.task_id]
            assert g.task_id not in changed_ids
        assert set(v2.affected) <= changed_ids | {t.id for t in new_tasks if t.id not in before}
        assert set(v2.dropped) == {inst.tasks[n].id for n in drop}
        for task_id in {t.id for t in new_tasks} - set(v2.affected):
            if task_id in before:
                assert task_id in {g.task_id for g in v2.kept}
        if v2.result is not None:
            _check_result(
                attrs.evolve(inst, tasks=tuple(t for t in new_tasks if t.id in set(v2.affected)), caps=None),
                v2.result,
                "rematch",
            )
        loads: dict[str, int] = {}
        for g in v2.groups:
            for i in g.inspector_ids:
                loads[i] = loads.get(i, 0) + 1
        assert max(loads.values(), default=0) <= 5

    def test_versions_chain(self) -> None:
        """Each change is a new version with its reason; history lists them oldest first."""
        inst = random_matching_instance(3, n_tasks=8)
        source = PublicSeedSource("chain")
        first = match_inspectors(inst.tasks, inst.inspectors, source=source, allow_partial=True)
        v2 = rematch(first, inst.tasks[:-1], inst.inspectors, reason="撤销事项", source=source)
        extra = attrs.evolve(inst.tasks[0], id="SPECIAL-1", category="special")
        v3 = rematch(v2, [*inst.tasks[:-1], extra], inst.inspectors, reason="专项检查", source=source)
        assert [(v.version, v.reason) for v in v3.history()] == [(2, "撤销事项"), (3, "专项检查")]
        assert v3.affected == ("SPECIAL-1",)
        assert isinstance(v3.to_json_dict()["groups"], list)
        assert v2.result is None

    def test_reason_required(self) -> None:
        """A re-matching without a reason is refused."""
        inst = random_matching_instance(1, n_tasks=3)
        first = match_inspectors(
            inst.tasks, inst.inspectors, source=PublicSeedSource("x"), allow_partial=True
        )
        with pytest.raises(ReasonRequiredError):
            rematch(first, inst.tasks, inst.inspectors, reason=" ", source=PublicSeedSource("x"))

    def test_new_version_type(self) -> None:
        """rematch returns a MatchVersion numbered 2 after the original matching."""
        inst = random_matching_instance(2, n_tasks=3)
        first = match_inspectors(
            inst.tasks, inst.inspectors, source=PublicSeedSource("y"), allow_partial=True
        )
        task: InspectionTask = attrs.evolve(inst.tasks[0], id="CASE-9", category="case")
        v = rematch(first, [*inst.tasks, task], inst.inspectors, reason="投诉", source=PublicSeedSource("y"))
        assert isinstance(v, MatchVersion)
        assert v.version == 2
