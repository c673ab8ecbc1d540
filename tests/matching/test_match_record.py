"""Tests for match records, verification, replacement and the journal."""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest
from hypothesis import given, settings

from randinspect.draw import PublicSeedSource
from randinspect.errors import (
    InfeasibleTasksError,
    MatchChangedError,
    MatchInputError,
    MatchInputsChangedError,
    ReasonRequiredError,
    SeedChangedError,
)
from randinspect.ledger import EntryKind, Journal, MemoryStore
from randinspect.matching import (
    MatchRecord,
    MatchResult,
    ReplacementRecord,
    UniformMatcher,
    match_inspectors,
    replace,
    verify_match,
)
from randinspect.testing._matching import (
    MatchingInstance,
    _check_result,
    matching_instances,
    random_matching_instance,
    tiny_inspectors,
    tiny_tasks,
)

SEED = "2027-12-01 dice 31415"


def matched(instance: MatchingInstance, seed: str = SEED) -> MatchResult:
    return match_inspectors(
        instance.tasks,
        instance.inspectors,
        source=PublicSeedSource(seed),
        conflicts=instance.conflicts,
        history=instance.history,
        caps=instance.caps,
        allow_partial=True,
    )


INSTANCE = random_matching_instance(4, n_tasks=25, cap=8)


class TestRecord:
    def test_json_round_trip(self) -> None:
        """A record survives JSON text unchanged."""
        record = matched(INSTANCE).record()
        again = MatchRecord.from_json_dict(json.loads(json.dumps(record.to_json_dict())))
        assert again == record
        assert again.digest == record.digest

    @pytest.mark.parametrize(
        "change",
        [
            lambda d: [d],
            lambda d: {**d, "groups": [{**d["groups"][0], "seats": [["x", ["y"]]]}]},
            lambda d: {**d, "groups": [{**d["groups"][0], "seats": {"T1|nobody|x": ["y"]}}]},
            lambda d: {**d, "infeasible": [{"task_id": "T1"}]},
            lambda d: {**d, "groups": 5},
        ],
    )
    def test_malformed_record_is_a_typed_error(self, change: Any) -> None:
        """A malformed match record raises MatchInputError, never AttributeError or KeyError."""
        data = matched(INSTANCE).record().to_json_dict()
        with pytest.raises(MatchInputError, match="match record"):
            MatchRecord.from_json_dict(change(data))

    def test_verify_reproduces(self) -> None:
        """verify_match re-runs the record from the public seed and returns the same groups."""
        result = matched(INSTANCE)
        again = verify_match(
            result.record(),
            INSTANCE.tasks,
            INSTANCE.inspectors,
            source=PublicSeedSource(SEED),
            conflicts=INSTANCE.conflicts,
            history=INSTANCE.history,
            caps=INSTANCE.caps,
        )
        assert again.groups == result.groups

    def test_verify_names_changed_input(self) -> None:
        """Changed history is named as the input that differs."""
        record = matched(INSTANCE).record()
        with pytest.raises(MatchInputsChangedError, match="history"):
            verify_match(
                record,
                INSTANCE.tasks,
                INSTANCE.inspectors,
                source=PublicSeedSource(SEED),
                conflicts=INSTANCE.conflicts,
                history=(),
                caps=INSTANCE.caps,
            )

    def test_verify_wrong_seed(self) -> None:
        """Another seed is refused before re-running."""
        record = matched(INSTANCE).record()
        with pytest.raises(SeedChangedError):
            verify_match(
                record,
                INSTANCE.tasks,
                INSTANCE.inspectors,
                source=PublicSeedSource("other"),
                conflicts=INSTANCE.conflicts,
                history=INSTANCE.history,
                caps=INSTANCE.caps,
            )

    def test_verify_names_first_difference(self) -> None:
        """A tampered group is reported with its task and seat."""
        record = matched(INSTANCE).record()
        g = record.groups[0]
        seat = g.seats[0]
        other = next(p.id for p in INSTANCE.inspectors if p.id not in seat.inspector_ids)
        forged_seat = attrs.evolve(seat, inspector_ids=(other, *seat.inspector_ids[1:]))
        forged = attrs.evolve(
            record, groups=(attrs.evolve(g, seats=(forged_seat, *g.seats[1:])), *record.groups[1:])
        )
        with pytest.raises(MatchChangedError, match=g.task_id):
            verify_match(
                forged,
                INSTANCE.tasks,
                INSTANCE.inspectors,
                source=PublicSeedSource(SEED),
                conflicts=INSTANCE.conflicts,
                history=INSTANCE.history,
                caps=INSTANCE.caps,
            )

    def test_partial_record_verifies(self) -> None:
        """A partial matching's record lists the infeasible tasks and verifies as partial."""
        instance = random_matching_instance(5, n_tasks=40, officers_per_bucket=3, cap=3)
        result = matched(instance)
        record = result.record()
        assert not record.complete
        assert [t.task_id for t in record.infeasible] == [t.task_id for t in result.infeasible]
        again = verify_match(
            record,
            instance.tasks,
            instance.inspectors,
            source=PublicSeedSource(SEED),
            conflicts=instance.conflicts,
            history=instance.history,
            caps=instance.caps,
        )
        assert again.groups == result.groups

    def test_uniform_record_verifies(self) -> None:
        """Records of the uniform matcher verify too (the matcher is read from the record)."""
        result = match_inspectors(
            tiny_tasks(), tiny_inspectors(), source=PublicSeedSource("u"), matcher=UniformMatcher()
        )
        assert (
            verify_match(
                result.record(), tiny_tasks(), tiny_inspectors(), source=PublicSeedSource("u")
            ).groups
            == result.groups
        )

    def test_journal(self) -> None:
        """Match and replacement records go into the journal (no floats, reason kept)."""
        journal = Journal(MemoryStore())
        result = match_inspectors(tiny_tasks(), tiny_inspectors(), source=PublicSeedSource("j"))
        record = result.record()
        journal.append(EntryKind.MATCH, record, key=record.journal_key)
        member = result.group("T3").seats[-1].inspector_ids[0]  # the food expert: another one is free
        _, rep = replace(
            result, "T3", member, reason="ill", approver="Director Wang", source=PublicSeedSource("j")
        )
        journal.append(EntryKind.REPLACEMENT, rep, key=rep.journal_key, reason=rep.reason)
        kinds = [e.kind for e in journal.entries()]
        assert kinds == ["match", "replacement"]
        assert journal.verify().length == 2


class TestReplace:
    @settings(max_examples=30, deadline=None)
    @given(instance=matching_instances())
    def test_replacement_keeps_guarantees(self, instance: MatchingInstance) -> None:
        """A substitute keeps every guarantee, and every other group is unchanged."""
        result = matched(instance)
        if not result.groups:
            return
        group = result.groups[len(result.groups) // 2]
        member = group.inspector_ids[-1]
        try:
            new, rep = replace(
                result,
                group.task_id,
                member,
                reason="sick leave",
                approver="Deputy Li",
                source=PublicSeedSource(SEED),
            )
        except InfeasibleTasksError as exc:
            constraint = exc.infeasible[0].constraint  # type: ignore[attr-defined]
            assert constraint == "replacement", "only 'no substitute left' may stop a replacement"
            return
        assert isinstance(rep, ReplacementRecord)
        assert rep.removed == member
        assert rep.substitute not in group.inspector_ids
        assert member not in new.group(group.task_id).inspector_ids
        assert [g for g in new.groups if g.task_id != group.task_id] == [
            g for g in result.groups if g.task_id != group.task_id
        ]
        _check_result(instance, new, "replace")

    def test_reason_and_approver_required(self) -> None:
        """A replacement without a reason or approver is refused."""
        result = match_inspectors(tiny_tasks(), tiny_inspectors(), source=PublicSeedSource("r"))
        g = result.groups[0]
        with pytest.raises(ReasonRequiredError):
            replace(
                result, g.task_id, g.inspector_ids[0], reason=" ", approver="x", source=PublicSeedSource("r")
            )

    def test_not_a_member(self) -> None:
        """Replacing someone who is not in the group is a typed error listing the members."""
        result = match_inspectors(tiny_tasks(), tiny_inspectors(), source=PublicSeedSource("r"))
        with pytest.raises(MatchInputError, match="not in the group"):
            replace(result, "T1", "EXP-3", reason="x", approver="y", source=PublicSeedSource("r"))

    def test_no_substitute(self) -> None:
        """With no eligible substitute left the answer is an infeasibility report, not a crash."""
        result = match_inspectors(tiny_tasks(), tiny_inspectors(), source=PublicSeedSource("r"))
        g = result.group("T1")  # both SAMR officers of 520102 are already in the group
        with pytest.raises(InfeasibleTasksError) as info:
            replace(result, "T1", g.inspector_ids[0], reason="x", approver="y", source=PublicSeedSource("r"))
        assert info.value.infeasible[0].constraint == "replacement"  # type: ignore[attr-defined]

    def test_replacements_verify(self) -> None:
        """A record with replacements re-runs them and checks each substitute."""
        result = matched(INSTANCE)
        g = result.groups[0]
        new, _ = replace(
            result, g.task_id, g.inspector_ids[0], reason="ill", approver="Li", source=PublicSeedSource(SEED)
        )
        again = verify_match(
            new.record(),
            INSTANCE.tasks,
            INSTANCE.inspectors,
            source=PublicSeedSource(SEED),
            conflicts=INSTANCE.conflicts,
            history=INSTANCE.history,
            caps=INSTANCE.caps,
        )
        assert again.groups == new.groups

    def test_replacement_with_its_own_seed_verifies(self) -> None:
        """A replacement drawn with a fresh public seed re-runs from the seed its record names."""
        result = matched(INSTANCE)
        g = result.groups[0]
        new, rep = replace(
            result, g.task_id, g.inspector_ids[0], reason="ill", approver="Li", source=PublicSeedSource("r-2")
        )
        assert rep.source["seed"] == "r-2"
        again = verify_match(
            new.record(),
            INSTANCE.tasks,
            INSTANCE.inspectors,
            source=PublicSeedSource(SEED),
            conflicts=INSTANCE.conflicts,
            history=INSTANCE.history,
            caps=INSTANCE.caps,
        )
        assert again.replacements == new.replacements

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("candidates", 999),
            ("candidates_digest", "0" * 64),
            ("context", "match|x"),
            ("match_digest", "1" * 64),
        ],
    )
    def test_replacement_fields_are_checked(self, field: str, value: object) -> None:
        """Changing a drawn field of a recorded replacement (not only the substitute) fails verification."""
        result = matched(INSTANCE)
        g = result.groups[0]
        new, rep = replace(
            result, g.task_id, g.inspector_ids[0], reason="ill", approver="Li", source=PublicSeedSource(SEED)
        )
        record = attrs.evolve(new.record(), replacements=(attrs.evolve(rep, **{field: value}),))
        with pytest.raises(MatchChangedError, match=field):
            verify_match(
                record,
                INSTANCE.tasks,
                INSTANCE.inspectors,
                source=PublicSeedSource(SEED),
                conflicts=INSTANCE.conflicts,
                history=INSTANCE.history,
                caps=INSTANCE.caps,
            )


class TestVerifyMatchTampering:
    """verify_match rejects every tampering of a record with a typed verification error (issue 9)."""

    @staticmethod
    def _record_and_inputs() -> tuple[Any, list[Any], list[Any]]:
        from randinspect.testing._matching import tiny_inspectors, tiny_tasks

        tasks, people = tiny_tasks(), tiny_inspectors()
        result = match_inspectors(tasks, people, source=PublicSeedSource("5"))
        return result.record(), tasks, people

    def _verify(self, record: Any, tasks: Any, people: Any) -> None:
        verify_match(record, tasks, people, source=PublicSeedSource("5"))

    def test_changed_object_id(self) -> None:
        """A group whose object id was changed does not verify (MatchChangedError)."""
        from randinspect.errors import MatchChangedError

        record, tasks, people = self._record_and_inputs()
        g = record.groups[0]
        forged = attrs.evolve(record, groups=(attrs.evolve(g, object_id="O-FORGED"), *record.groups[1:]))
        with pytest.raises(MatchChangedError, match="object"):
            self._verify(forged, tasks, people)

    def test_flipped_complete(self) -> None:
        """A complete matching recorded as incomplete does not verify."""
        from randinspect.errors import MatchChangedError

        record, tasks, people = self._record_and_inputs()
        with pytest.raises(MatchChangedError, match="complete"):
            self._verify(attrs.evolve(record, complete=False), tasks, people)

    def test_forged_group_before_the_genuine_one(self) -> None:
        """A forged group listed before the genuine one with the same task id does not verify."""
        from randinspect.errors import MatchChangedError

        record, tasks, people = self._record_and_inputs()
        g = record.groups[0]
        seat = g.seats[0]
        forged = attrs.evolve(g, seats=(attrs.evolve(seat, inspector_ids=("SAMR-9", "SAMR-8")), *g.seats[1:]))
        with pytest.raises(MatchChangedError, match="two groups"):
            self._verify(attrs.evolve(record, groups=(forged, *record.groups)), tasks, people)

    @pytest.mark.parametrize("rule", [{"min_officers": "two"}, {"jurisdiction": "galaxy"}, {"bogus": 1}])
    def test_tampered_rule_is_a_typed_error(self, rule: dict[str, Any]) -> None:
        """A seat rule that cannot be read is MatchInputsChangedError, not a bare ValueError or TypeError."""
        from randinspect.errors import MatchInputsChangedError

        record, tasks, people = self._record_and_inputs()
        with pytest.raises(MatchInputsChangedError):
            self._verify(attrs.evolve(record, rule={**record.rule, **rule}), tasks, people)

    @pytest.mark.parametrize("field", ["name", "certificate"])
    def test_inspector_name_and_certificate_are_covered(self, field: str) -> None:
        """Another name or certificate number behind an inspector id changes the inputs digest."""
        from randinspect.errors import MatchInputsChangedError

        record, tasks, people = self._record_and_inputs()
        j = next(i for i, p in enumerate(people) if p.certificate is not None)
        p = people[j]
        changed = (
            attrs.evolve(p, name=p.name + "改")
            if field == "name"
            else attrs.evolve(p, certificate=attrs.evolve(p.certificate, number=p.certificate.number + "X"))
        )
        with pytest.raises(MatchInputsChangedError, match="inspectors"):
            self._verify(record, tasks, [*people[:j], changed, *people[j + 1 :]])


class TestMatchContext:
    @pytest.mark.parametrize("context", ["", "   ", "match\x00", "a\nb"])
    def test_empty_or_control_context_refused(self, context: str) -> None:
        """match_inspectors refuses an empty context or one holding a control character (MatchInputError)."""
        from randinspect.errors import MatchInputError
        from randinspect.testing._matching import tiny_inspectors, tiny_tasks

        with pytest.raises(MatchInputError, match="context"):
            match_inspectors(tiny_tasks(), tiny_inspectors(), source=PublicSeedSource("1"), context=context)
