"""Testing help for randinspect users: conformance checks for plug-in policies and Hypothesis strategies.

The ``check_*`` functions run the guarantees of a Protocol against a user's own implementation, in the spirit
of scikit-learn's ``check_estimator``: each raises ``AssertionError`` naming the broken guarantee and returns
``None`` when all hold.

- :func:`check_sampling_policy`: a ``SamplingPolicy`` (every object in one tier, π in [0, 1], mandatory tiers
  at 1, caps kept, determinism).
- :func:`check_inspector_matcher`: an ``InspectorMatcher`` (seats filled, at least two certified officers,
  no conflict, no repeat, certificates and availability, caps, determinism).
- :func:`check_joint_plan_merger`: a ``JointPlanMerger`` (every drawn object once per department, declined
  departments never in a block, visits never above the unmerged count).
- :func:`check_feedback_rules`: a ``FeedbackRules`` (determinism, reasons, known ids, inputs unchanged).
- :func:`check_journal_store`: a ``JournalStore`` (append-only order, round trip, refusal of non-extending
  entries).
- :func:`check_record_store`: a ``RecordStore`` (canonical text and digest, immutability, idempotent
  repeats, validation, ordering).
- :func:`check_violation_model`, :func:`check_detection_model`, :func:`check_deterrence_model`,
  :func:`check_transition_model`, :func:`check_population_model`: the behaviour models of
  :mod:`randinspect.simulate` (values in range, determinism, randomness only from ``rng``, picklable).

``randinspect.testing.strategies`` holds Hypothesis strategies for the library's types. This package needs
the test extra (``pip install 'randinspect[tests]'``) because it builds on Hypothesis.
"""

from __future__ import annotations

from randinspect.testing._draw import check_sampling_policy
from randinspect.testing._journal import check_journal_store
from randinspect.testing._matching import (
    MatchingInstance,
    check_inspector_matcher,
    random_matching_instance,
    tiny_inspectors,
    tiny_tasks,
)
from randinspect.testing._planning import check_joint_plan_merger, joint_plan_problems
from randinspect.testing._records import check_record_store
from randinspect.testing._results import check_feedback_rules
from randinspect.testing._simulate import (
    check_detection_model,
    check_deterrence_model,
    check_population_model,
    check_transition_model,
    check_violation_model,
    object_views,
)

__all__ = [
    "MatchingInstance",
    "check_detection_model",
    "check_deterrence_model",
    "check_feedback_rules",
    "check_inspector_matcher",
    "check_joint_plan_merger",
    "check_journal_store",
    "check_population_model",
    "check_record_store",
    "check_sampling_policy",
    "check_transition_model",
    "check_violation_model",
    "joint_plan_problems",
    "object_views",
    "random_matching_instance",
    "tiny_inspectors",
    "tiny_tasks",
]
