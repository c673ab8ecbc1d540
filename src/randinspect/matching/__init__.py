"""Random matching of inspectors to inspection tasks (检查人员随机匹配), the second "random" of 双随机.

Tasks expand to seat groups (:class:`SeatRule`), an eligibility graph links seats to the inspectors who may
fill them (:class:`MatchingProblem`), and an :class:`~randinspect.typing.InspectorMatcher` picks the groups:
:class:`ExactMarginalMatcher` (default: equal chances, exact marginals, balanced loads) or
:class:`UniformMatcher` (a simple baseline). Results carry a :class:`MatchRecord` that
:func:`verify_match` re-runs; :func:`replace` draws a substitute for an inspector who cannot attend.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from randinspect.matching._flow import MAX_DENOMINATOR
from randinspect.matching._io import load_competitors, load_conflicts, load_history, load_tasks
from randinspect.matching._matchers import (
    ExactMarginalMatcher,
    UniformMatcher,
    diagnose,
    match_inspectors,
    replace,
    verify_match,
)
from randinspect.matching._problem import CONFLICT_RULES, STAGES, MatchingProblem
from randinspect.matching._rematch import MatchVersion, rematch
from randinspect.matching._result import (
    MATCH_RECORD_VERSION,
    InfeasibleTask,
    InspectionGroup,
    MatchRecord,
    MatchResult,
    ReplacementRecord,
    Seat,
)
from randinspect.matching._tasks import (
    DEFAULT_SEAT_RULE,
    ConflictList,
    HistoryRecord,
    InspectionTask,
    JurisdictionLevel,
    SeatGroup,
    SeatKind,
    SeatRule,
    TaskCategory,
    seat_groups,
)

__all__ = [
    "CONFLICT_RULES",
    "DEFAULT_SEAT_RULE",
    "MATCH_RECORD_VERSION",
    "MAX_DENOMINATOR",
    "STAGES",
    "ConflictList",
    "ExactMarginalMatcher",
    "HistoryRecord",
    "InfeasibleTask",
    "InspectionGroup",
    "InspectionTask",
    "JurisdictionLevel",
    "MatchRecord",
    "MatchResult",
    "MatchVersion",
    "MatchingProblem",
    "ReplacementRecord",
    "Seat",
    "SeatGroup",
    "SeatKind",
    "SeatRule",
    "TaskCategory",
    "UniformMatcher",
    "diagnose",
    "load_competitors",
    "load_conflicts",
    "load_history",
    "load_tasks",
    "match_inspectors",
    "rematch",
    "replace",
    "seat_groups",
    "verify_match",
]
