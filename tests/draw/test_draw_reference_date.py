"""The complaint window ends at the draw's reference date, which defaults to the commitment date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from randinspect.draw import (
    ComplaintRule,
    DrawFrame,
    TieredPolicy,
    commit,
    default_commitment_date,
    draw,
    inclusion_probabilities,
    verify,
)
from randinspect.errors import CommitmentMismatchError, ComplaintWindowError
from randinspect.items import CheckItem
from randinspect.model import ComplaintChannel, ComplaintRecord

FRAME = DrawFrame.from_arrays(ids=[f"O{i:02d}" for i in range(12)], risk=["low"] * 12)
RULE = ComplaintRule(min_count=2, months=12)

days = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2027, 12, 31))
complaint_lists = st.lists(
    st.builds(
        ComplaintRecord,
        object_id=st.sampled_from(FRAME.ids.tolist()),
        channel=st.just(ComplaintChannel.HOTLINE_12315),
        received=days,
    ),
    max_size=30,
)


def _problem_ids(policy: TieredPolicy, item: CheckItem, committed_on: dt.date | None) -> set[str]:
    table = inclusion_probabilities(FRAME, item, policy, committed_on=committed_on)
    return set(table.frame.ids[table.tiers == "problem"].tolist())


class TestCommitmentDate:
    @given(complaints=complaint_lists, day=days)
    def test_no_complaint_after_the_commitment_counts(
        self, make_item: Callable[..., CheckItem], complaints: list[ComplaintRecord], day: dt.date
    ) -> None:
        """Committed on a day, the problem tier is exactly the rule applied to complaints up to that day."""
        item = make_item()
        policy = TieredPolicy(complaints=complaints, complaint_rule=RULE)
        counted = [c for c in complaints if RULE.window(day)[0] <= c.received <= day]
        by_object: dict[str, int] = {}
        for c in counted:
            by_object[c.object_id] = by_object.get(c.object_id, 0) + 1
        assert _problem_ids(policy, item, day) == {o for o, k in by_object.items() if k >= 2}
        later = [c for c in complaints if c.received <= day]
        assert _problem_ids(TieredPolicy(complaints=later, complaint_rule=RULE), item, day) == _problem_ids(
            policy, item, day
        )

    @given(day=days)
    def test_record_states_the_window(self, make_item: Callable[..., CheckItem], day: dt.date) -> None:
        """The commitment states the reference date and a window ending on the commitment date."""
        c = commit(FRAME, make_item(), policy=TieredPolicy(complaint_rule=RULE), committed_on=day)
        assert c.policy["reference_date"] == day.isoformat()
        assert c.policy["complaint_window"] == [d.isoformat() for d in RULE.window(day)]

    def test_default_is_the_draw_deadline(self, make_item: Callable[..., CheckItem]) -> None:
        """Without a commitment date the window ends on the cycle's draw deadline, 10 November of year − 1."""
        c = commit(FRAME, make_item(year=2027), policy=TieredPolicy())
        assert default_commitment_date(2027) == dt.date(2026, 11, 10)
        assert c.policy["reference_date"] == "2026-11-10"
        assert c.policy["complaint_window"] == ["2025-11-11", "2026-11-10"]

    def test_version_1_default_unchanged(self, make_item: Callable[..., CheckItem]) -> None:
        """Version 1 policies (old records) keep their default of 1 January of the plan year."""
        table = TieredPolicy(algorithm_version=1).inclusion(FRAME, make_item(year=2027))
        assert table.policy["reference_date"] == "2027-01-01"

    @given(gap=st.integers(min_value=0, max_value=400))
    def test_explicit_reference_on_or_before_kept(
        self, make_item: Callable[..., CheckItem], gap: int
    ) -> None:
        """A reference date on or before the commitment date is kept as the window's end."""
        day = dt.date(2026, 11, 10)
        ref = day - dt.timedelta(days=gap)
        c = commit(FRAME, make_item(), policy=TieredPolicy(reference_date=ref), committed_on=day)
        assert c.policy["reference_date"] == ref.isoformat()

    @given(gap=st.integers(min_value=1, max_value=400))
    def test_window_after_the_commitment_refused(self, make_item: Callable[..., CheckItem], gap: int) -> None:
        """A reference date after the commitment date is a ComplaintWindowError naming item and rule."""
        day = dt.date(2026, 11, 10)
        policy = TieredPolicy(reference_date=day + dt.timedelta(days=gap))
        with pytest.raises(ComplaintWindowError, match=r"SAMR-2027-001.*after the commitment date.*§四"):
            commit(FRAME, make_item(), policy=policy, committed_on=day)
        with pytest.raises(ComplaintWindowError):
            draw(FRAME, make_item(), "1 2 3", policy=policy, committed_on=day)

    def test_commitment_date_must_be_a_date(self, make_item: Callable[..., CheckItem]) -> None:
        """A datetime or text given as the commitment date is refused with a typed error."""
        from randinspect.errors import ConfigurationError

        with pytest.raises(ConfigurationError, match=r"datetime\.date"):
            commit(FRAME, make_item(), committed_on=dt.datetime(2026, 11, 10))  # type: ignore[arg-type]

    def test_draw_takes_the_date_from_the_commitment(self, make_item: Callable[..., CheckItem]) -> None:
        """Against the Commitment made on a day the draw uses that day; against a digest it needs the date."""
        complaints = [
            ComplaintRecord(
                object_id="O03", channel=ComplaintChannel.HOTLINE_12315, received=dt.date(2026, 3, d)
            )
            for d in (1, 2)
        ]
        policy = TieredPolicy(complaints=complaints, complaint_rule=RULE)
        day = dt.date(2026, 3, 1)  # only one of the two complaints was received by then
        c = commit(FRAME, make_item(), policy=policy, committed_on=day)
        record = draw(FRAME, make_item(), "7 7 7", policy=policy, commitment=c)
        assert record.commitment.digest == c.digest
        assert verify(record, FRAME, opening=record.opening_json_dict() if record.opening else None)
        with pytest.raises(CommitmentMismatchError, match="commitment date"):
            draw(FRAME, make_item(), "7 7 7", policy=policy, commitment=c.digest)
        again = draw(FRAME, make_item(), "7 7 7", policy=policy, commitment=c.digest, committed_on=day)
        assert again.commitment.digest == c.digest
