"""The policies' π arithmetic from group sizes alone, which the distributed draw runs on the driver."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.directory import ObjectDirectory, Scope
from randinspect.draw import DrawFrame, StratifiedPolicy, TieredPolicy
from randinspect.draw._frame import Tier
from randinspect.draw._inclusion import largest_remainder_units
from randinspect.items import CheckItem
from randinspect.testing._directory import object_records

LEGAL = [{"title": "《中华人民共和国食品安全法》", "article": "第一百一十条"}]


def _item(d: ObjectDirectory, cap: str | None, frequency: int, cap_period: str) -> CheckItem:
    key_tag = next((t for t in d.tag_vocabulary if t.startswith("SAMR:key:")), None)
    return CheckItem(
        id="SAMR-2027-011",
        name="食品经营检查",
        department="SAMR",
        year=2027,
        scope=Scope(),
        ratio="30%",
        cap=cap,
        frequency=frequency,
        cap_period=cap_period,
        legal_basis=LEGAL,
        key_scope=None if key_tag is None else Scope(tags_any=[key_tag]),
    )


def _from_units(groups: npt.NDArray[np.int64], bases: list[int], extras: list[int]) -> list[int]:
    """Numerators from per-group (base, extras): the first ``extras`` members (id order) get one more."""
    seen = [0] * len(bases)
    out: list[int] = []
    for g in groups.tolist():
        out.append(bases[g] + (seen[g] < extras[g]))
        seen[g] += 1
    return out


modes = st.fixed_dictionaries(
    {
        "ratio_mode": st.sampled_from(["volume", "absolute"]),
        "frequency": st.integers(1, 4),
        "cap": st.sampled_from([None, "30%", "60%"]),
        "cap_period": st.sampled_from(["year", "round"]),
    }
)


class TestPlanFromSizes:
    @settings(deadline=None, max_examples=40)
    @given(recs=object_records(min_size=1, max_size=40), mode=modes, data=st.data())
    def test_tiered_plan_is_the_inclusion(
        self, recs: list[dict[str, Any]], mode: dict[str, Any], data: st.DataObject
    ) -> None:
        """TieredPolicy.plan over cell sizes, rounded from sizes alone, gives the π table's numerators,
        cap report and parameters exactly."""
        d = ObjectDirectory.from_records(recs)
        if not d.alive.any():
            return
        item = _item(d, mode["cap"], mode["frequency"], mode["cap_period"])
        frame = DrawFrame.from_directory(d, item)
        rnd = data.draw(st.integers(1, mode["frequency"]))
        ratio_mode: Literal["volume", "absolute"] = mode["ratio_mode"]
        policy = TieredPolicy(ratio_mode=ratio_mode, filed_case_ids=frame.ids[:2].tolist())
        table = policy.inclusion(frame, item, round=rnd)
        tiers, resolved = policy.tiers(frame, item)
        n_risk = len(frame.risk_levels)
        n_cells = len(frame.credit_levels) * n_risk
        cell = frame.credit_codes * n_risk + frame.risk_codes
        groups = np.where(tiers <= Tier.PROBLEM.code, n_cells, cell).astype(np.int64)
        sizes = np.bincount(groups, minlength=n_cells + 1).tolist()
        values, total, report = policy.plan(
            item, rnd, sizes[:n_cells], sizes[n_cells], frame.credit_levels, frame.risk_levels
        )
        bases, extras = largest_remainder_units(values, sizes, total)
        assert _from_units(groups, bases, extras) == table.numerators.tolist()
        assert total == int(table.numerators.sum())
        assert report == table.cap_report
        assert policy.table_params(item, resolved) == dict(table.policy)

    @settings(deadline=None, max_examples=40)
    @given(recs=object_records(min_size=1, max_size=40), mode=modes, data=st.data())
    def test_stratified_allocation_is_the_inclusion(
        self, recs: list[dict[str, Any]], mode: dict[str, Any], data: st.DataObject
    ) -> None:
        """StratifiedPolicy.allocation over stratum sizes gives the π table's allocation and cap report,
        and each stratum's numerators sum to its allocation times D."""
        d = ObjectDirectory.from_records(recs)
        if not d.alive.any():
            return
        item = _item(d, mode["cap"], mode["frequency"], mode["cap_period"])
        frame = DrawFrame.from_directory(d, item)
        rnd = data.draw(st.integers(1, mode["frequency"]))
        ratio_mode: Literal["volume", "absolute"] = mode["ratio_mode"]
        policy = StratifiedPolicy(ratio_mode=ratio_mode)
        table = policy.inclusion(frame, item, round=rnd)
        sizes = np.bincount(frame.stratum_codes, minlength=len(frame.stratum_labels)).tolist()
        alloc, report = policy.allocation(item, rnd, sizes)
        assert dict(zip(frame.stratum_labels, alloc, strict=True)) == table.policy["allocation"]
        assert report == table.cap_report
        sums = np.bincount(frame.stratum_codes, weights=table.numerators, minlength=len(sizes))
        assert [int(s) for s in sums.tolist()] == [a * table.denominator for a in alloc]
