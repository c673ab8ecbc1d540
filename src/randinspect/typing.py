"""The Protocols of randinspect: the interfaces a host system or researcher may implement.

Each Protocol's docstring starts with **Protocol:** and says what an implementation must guarantee. No base
class is needed: any object with the right methods and properties conforms (duck typing). The
``randinspect.testing`` ``check_*`` functions test an implementation against these guarantees.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable, Iterator, Sequence

    import numpy as np
    import numpy.typing as npt

    from randinspect.directory import GradeRule, ObjectDirectory
    from randinspect.draw import DrawFrame, InclusionTable
    from randinspect.items import CheckItem
    from randinspect.ledger import StoredRecord
    from randinspect.matching import MatchingProblem, MatchResult
    from randinspect.planning import Answer, DepartmentPlan, JointPlan, ProposalRound
    from randinspect.results import ResultBook
    from randinspect.simulate import ObjectView

__all__ = [
    "CreditRiskMatrix",
    "DetectionModel",
    "DeterrenceModel",
    "FeedbackRules",
    "InspectorMatcher",
    "JointPlanMerger",
    "JournalStore",
    "JournalView",
    "LockingJournalStore",
    "PopulationModel",
    "RandomSource",
    "RecordStore",
    "SamplingPolicy",
    "TransitionModel",
    "ViolationModel",
    "WorkCalendar",
]


# --- CreditRiskMatrix, SamplingPolicy (draw) ---------------------------------------------------------------


@runtime_checkable
class CreditRiskMatrix(Protocol):
    """**Protocol:** ratio multiplier and round share per credit grade × risk class (信用风险分类矩阵).

    An implementation must guarantee:

    - it covers every pair of ``credit_levels`` × ``risk_levels`` (no missing cell);
    - ``multiplier(credit, risk)`` is an exact, non-negative :class:`fractions.Fraction` (it may exceed 1:
      the policy caps π at 1);
    - ``frequency(credit, risk)`` is an exact Fraction above 0: the share of an item's rounds per year in
      which objects of the cell take part (above 1 it raises the cell's frequency and adds rounds to the
      item, :func:`randinspect.draw.item_rounds`);
    - a grade or class it does not cover raises :class:`randinspect.errors.ScaleError` naming it;
    - the same arguments always give the same values, and ``to_dict()`` is JSON-ready (for records).

    Built-ins: :class:`randinspect.draw.SamrMatrix` (default) and :class:`randinspect.draw.TableMatrix`.

    .. versionadded:: 0.1.0
    """

    @property
    def credit_levels(self) -> tuple[str, ...]:
        """Credit grades covered."""
        ...

    @property
    def risk_levels(self) -> tuple[str, ...]:
        """Risk classes covered."""
        ...

    def multiplier(self, credit: str, risk: str) -> Fraction:
        """Ratio multiplier of the cell."""
        ...

    def frequency(self, credit: str, risk: str) -> Fraction:
        """Share of the item's rounds in which the cell takes part, above 0 (above 1: raised frequency)."""
        ...

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready parameters."""
        ...


@runtime_checkable
class SamplingPolicy(Protocol):
    """**Protocol:** which objects an item draws, with which exact inclusion probabilities (抽查规则).

    ``inclusion(frame, item, round=r)`` returns an :class:`randinspect.draw.InclusionTable` over exactly
    the given frame. An implementation must guarantee (``randinspect.testing.check_sampling_policy``
    tests them):

    - every numerator lies in ``[0, D]`` (``D = randinspect.draw.DENOMINATOR``) and key and problem
      objects have π = 1;
    - with a cap, Σπ ≤ floor(cap × N), the most objects the ceiling allows (不超过), unless mandatory
      objects alone exceed it, which ``cap_report.exceeded`` then says (mandatory objects are never
      trimmed); systematic selection draws the floor or the ceiling of Σπ, so no draw selects more;
    - no randomness: the same frame, item and round always give the same table, whatever order the
      objects were loaded in;
    - ``table.policy`` (and ``to_dict()``) is JSON-ready and holds every parameter needed to recompute the
      table, so a published record can be verified.

    Built-ins: :class:`randinspect.draw.TieredPolicy` (default) and
    :class:`randinspect.draw.StratifiedPolicy`.

    .. versionadded:: 0.1.0
    """

    def inclusion(self, frame: DrawFrame, item: CheckItem, *, round: int = 1) -> InclusionTable:
        """The π table of ``item`` over ``frame`` for ``round``."""
        ...

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready parameters, with a ``"kind"`` key."""
        ...


# --- RandomSource (draw) ------------------------------------------------------------------------------------


@runtime_checkable
class RandomSource(Protocol):
    """**Protocol:** where the randomness of draws, matchings and plans comes from.

    Every random choice names a *context* (``"ITEM|2027|round=1"``, ``"match|<plan>|<component>"``), so
    one source serves many independent uses and each use is reproducible on its own.

    An implementation must guarantee:

    - **Determinism**: the same source, context and arguments always give the same values.
    - **Order independence**: ``tickets(context, ids)[i]`` depends only on the context and ``ids[i]``,
      never on the other ids or their order.
    - **Independence across contexts**: values for different contexts behave as independent.
    - **Exactness**: ``integer_below(context, bound)`` is exactly uniform on ``[0, bound)``;
      ``uniforms`` are in ``[0, 1)`` with 53 random bits.
    - ``verifiable`` is True only if anyone can recompute every value from public information by a
      published specification (``docs/draw-spec.md``); only such sources may be used for published draws.

    Built-ins: :class:`randinspect.draw.PublicSeedSource` (verifiable SHA-256 tickets) and
    :class:`randinspect.draw.NumpySource` (numpy Philox, simulations only).

    A source that is not verifiable may also offer ``shuffle_groups(context, values, bounds)`` (a copy of
    ``values`` with each group ``values[bounds[k]:bounds[k + 1]]`` in a uniformly random order, as
    :meth:`randinspect.draw.NumpySource.shuffle_groups`) or ``permutation(context, n)``:
    :func:`randinspect.draw.select` then orders each stratum with it instead of by tickets, the fast path
    of simulations. Both are optional and looked up by name.

    .. versionadded:: 0.1.0
    """

    @property
    def verifiable(self) -> bool:
        """True when every value can be recomputed by anyone from public information."""
        ...

    def tickets(self, context: str, ids: npt.ArrayLike) -> npt.NDArray[np.uint64]:
        """One ``uint64`` ticket per id, aligned with ``ids`` and independent of their order."""
        ...

    def uniforms(self, context: str, n: int) -> npt.NDArray[np.float64]:
        """A reproducible stream of ``n`` floats in ``[0, 1)`` for ``context``."""
        ...

    def integer_below(self, context: str, bound: int) -> int:
        """An exactly uniform integer in ``[0, bound)``."""
        ...

    def describe(self) -> dict[str, Any]:
        """A JSON-ready description of the source, stored in records (must include ``"kind"``)."""
        ...


# --- WorkCalendar, JointPlanMerger (planning) -----------------------------------------------------


@runtime_checkable
class WorkCalendar(Protocol):
    """**Protocol:** which days are working days (工作日), for deadlines such as "within 10 working days".

    An implementation must guarantee:

    - **Deadline reading**: ``add_working_days(start, n)`` is the ``n``-th working day after ``start``, not
      counting ``start`` (开始的当日不计入, 《民法典》第二百零一条); ``n == 0`` returns ``start``.
    - **Consistency**: ``working_days_between(a, b)`` counts working days ``d`` with ``a < d <= b`` (negative
      when ``b < a``), so ``working_days_between(a, add_working_days(a, n)) == n`` and the result of
      ``add_working_days`` is a working day for ``n > 0``.
    - **Honesty about data**: for a year ``covers(year)`` is False for, answers either raise
      :class:`randinspect.errors.CalendarDataMissingError` or follow a fallback the caller asked for; a
      calendar never silently guesses holidays it does not know.
    - Determinism and no mutable state.

    Built-ins: :class:`randinspect.calendar.ChineseOfficialCalendar` (default),
    :class:`randinspect.calendar.WeekendsOnly`, :class:`randinspect.calendar.OverrideCalendar`.

    .. versionadded:: 0.1.0
    """

    def is_working_day(self, day: dt.date) -> bool:
        """Whether ``day`` is a working day."""
        ...

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``start`` (not counting ``start``)."""
        ...

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days ``d`` with ``start < d <= end``."""
        ...

    def covers(self, year: int) -> bool:
        """True when the calendar's answers for ``year`` rest on official data (or need none)."""
        ...


@runtime_checkable
class JointPlanMerger(Protocol):
    """**Protocol:** which departments inspect which objects together, and when (部门联合抽查计划, §四(六)2).

    ``propose`` pushes proposals for objects drawn by two or more departments, due 10 working days after the
    push date on the calendar; ``merge`` turns the departments' answers into a joint plan. An implementation
    must guarantee:

    - **Exactly once**: every visit of every department plan appears exactly once in the result, either in a
      joint block that includes the department or as the department's own visit.
    - **Consent**: a joint block never contains a department that declined the object (or was not asked);
      every block has at least two departments.
    - **Savings**: visits with joint inspection never exceed the visits without.
    - **Capacity**: no department's period load exceeds its capacity when its input plan respected it.
    - **Validation**: answers from departments not asked or to unknown proposals raise
      :class:`randinspect.errors.PlanError` and nothing is applied.
    - **Late answers**: an answer after the due date never blocks the merge; its department does not join
      that object's block this round (the others do), and the decision is marked late.
    - **Reproducibility**: the same inputs and RandomSource give the same plan.

    :func:`randinspect.testing.check_joint_plan_merger` tests these. Built-ins:
    :class:`randinspect.planning.OverlapMerger` (default) and :class:`randinspect.planning.LouvainMerger`.

    .. versionadded:: 0.1.0
    """

    def propose(
        self,
        plans: Sequence[DepartmentPlan],
        *,
        pushed_on: dt.date,
        calendar: WorkCalendar,
        source: RandomSource | None = None,
    ) -> ProposalRound:
        """Push the joint proposals."""
        ...

    def merge(
        self,
        round: ProposalRound,
        answers: Iterable[Answer],
        *,
        source: RandomSource,
        decided_on: dt.date | None = None,
    ) -> JointPlan:
        """Form the joint plan from the answers."""
        ...


# --- InspectorMatcher (matching) ----------------------------------------------------------------------------


@runtime_checkable
class InspectorMatcher(Protocol):
    """**Protocol:** which inspectors form each inspection group (检查人员随机匹配, §四(三), §四(七)1).

    ``match`` receives a :class:`randinspect.matching.MatchingProblem` (tasks, their seat groups, the
    eligible (seat group, inspector) pairs and the load caps) and returns a
    :class:`randinspect.matching.MatchResult`. An implementation must guarantee:

    - **Seats**: every staffed task gets exactly its seat groups, each with exactly its number of inspectors,
      all drawn from the group's eligible inspectors (so at least two certified officers, each department
      its own share, experts of the needed specialty); no inspector sits twice in one task.
    - **Caps**: no inspector's number of tasks exceeds its cap.
    - **Determinism**: all randomness comes from ``source`` under names built from ``context``; the same
      problem, source and context give the same result.
    - **Honest infeasibility**: if some task cannot be staffed, raise
      :class:`randinspect.errors.InfeasibleMatchingError` unless ``allow_partial`` is True; then return a
      result whose ``infeasible`` reports every task left out and whose ``complete`` is False.
    - **Purity**: the problem and the source are not changed.
    - ``describe()`` returns a JSON-ready dict with ``"kind"``, stored in match records.

    :func:`randinspect.testing.check_inspector_matcher` checks these guarantees. Built-ins:
    :class:`randinspect.matching.ExactMarginalMatcher` (default; additionally exact marginals and loads at
    the floor or ceiling of their expectation) and :class:`randinspect.matching.UniformMatcher`.

    .. versionadded:: 0.1.0
    """

    def match(
        self,
        problem: MatchingProblem,
        source: RandomSource,
        *,
        context: str = "match",
        allow_partial: bool = False,
    ) -> MatchResult:
        """Match the problem's tasks; see the guarantees above."""
        ...

    def describe(self) -> dict[str, Any]:
        """A JSON-ready description (must include ``"kind"``) for match records."""
        ...


# --- Behaviour models (simulate) ---------------------------------------------------------------------------


@runtime_checkable
class ViolationModel(Protocol):
    """**Protocol:** how likely each object is to violate the inspected rules in a year (违法倾向).

    An implementation must guarantee:

    - ``propensity(view)`` returns one float per object of ``view``, each in [0, 1];
    - it is deterministic (no randomness: the engine draws the outcomes) and does not change ``view``;
    - it is picklable, so sweeps can send it to other processes and machines.

    Built-in: :class:`randinspect.simulate.CreditRiskViolation`. Checked by
    :func:`randinspect.testing.check_violation_model`.

    .. versionadded:: 0.1.0
    """

    def propensity(self, view: ObjectView) -> npt.NDArray[np.float64]:
        """Violation probability per object, before deterrence."""
        ...


@runtime_checkable
class DetectionModel(Protocol):
    """**Protocol:** the probability that an inspection finds a violation that is there (检出率).

    Guarantees as :class:`ViolationModel`: one value in [0, 1] per object, deterministic, no mutation,
    picklable. Built-in: :class:`randinspect.simulate.ConstantDetection`.

    .. versionadded:: 0.1.0
    """

    def probability(self, view: ObjectView) -> npt.NDArray[np.float64]:
        """Detection probability per object."""
        ...


@runtime_checkable
class DeterrenceModel(Protocol):
    """**Protocol:** how compliance responds to the chance of inspection and to past inspections (威慑).

    ``factor(view, perceived)`` multiplies each object's violation propensity; ``perceived`` is the object's
    published chance of inspection this year (Σπ over items, capped at 1). Guarantees: one value in [0, 1]
    per object, deterministic, no mutation, picklable. Built-in:
    :class:`randinspect.simulate.PerceivedRiskDeterrence`.

    .. versionadded:: 0.1.0
    """

    def factor(self, view: ObjectView, perceived: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Multiplier in [0, 1] per object."""
        ...


@runtime_checkable
class TransitionModel(Protocol):
    """**Protocol:** next year's credit grade and risk class from this year's results (信用风险动态调整).

    ``step(view, inspected, found, clean_streak, rng)`` returns ``(credit, risk)`` integer code arrays, one
    per object, within the scales of ``view``; all randomness comes from ``rng``; inputs are not changed.
    Built-in: :class:`randinspect.simulate.GradeTransitions`.

    .. versionadded:: 0.1.0
    """

    def step(
        self,
        view: ObjectView,
        inspected: npt.NDArray[np.bool_],
        found: npt.NDArray[np.bool_],
        clean_streak: npt.NDArray[np.int64],
        rng: np.random.Generator,
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Next (credit, risk) codes."""
        ...


@runtime_checkable
class PopulationModel(Protocol):
    """**Protocol:** entry and exit of objects (市场主体进入与退出).

    ``exits(view, inspected, rng)`` flags alive objects that leave after the year (never a dead one);
    ``entries(view, rng)`` is the number of new objects (>= 0). All randomness from ``rng``. Built-in:
    :class:`randinspect.simulate.TurnoverPopulation`.

    .. versionadded:: 0.1.0
    """

    def exits(
        self, view: ObjectView, inspected: npt.NDArray[np.bool_], rng: np.random.Generator
    ) -> npt.NDArray[np.bool_]:
        """Objects that leave."""
        ...

    def entries(self, view: ObjectView, rng: np.random.Generator) -> int:
        """How many objects enter next year."""
        ...


# --- FeedbackRules (results) -------------------------------------------------------------------------------


@runtime_checkable
class FeedbackRules(Protocol):
    """**Protocol:** how a year's results feed back into next year's grades and tiers (结果运用规则).

    An implementation must be a pure, deterministic function of its arguments (the same books give the same
    rules, marks and ids, in the same order) and must not change them:

    - ``grade_rules(objects, book, *, history)``: the :class:`randinspect.directory.GradeRule` list to apply
      (in order) to the directory; each rule's ``reason`` is journalled with its changes, so it should say
      why in words a reader understands;
    - ``marks(book)``: object id -> tag to add (e.g. ``"abnormal"`` for "not found at the registered
      address", ``"dormant"`` for closed or liquidating);
    - ``problem_ids(book, referrals)``: next year's problem objects (cases, referrals), sorted;
    - ``describe()``: a JSON-ready description, journalled with the marks.

    The default is :data:`randinspect.results.DEFAULT_FEEDBACK`
    (:class:`randinspect.results.DefaultFeedback`).

    .. versionadded:: 0.1.0
    """

    def grade_rules(
        self, objects: ObjectDirectory, book: ResultBook, *, history: Sequence[ResultBook] = ()
    ) -> Sequence[GradeRule]:
        """The re-rating rules, in the order to apply them."""
        ...

    def marks(self, book: ResultBook) -> dict[str, str]:
        """Object id -> tag to add."""
        ...

    def problem_ids(self, book: ResultBook, referrals: Iterable[Any] = ()) -> tuple[str, ...]:
        """Next year's problem objects."""
        ...

    def describe(self) -> dict[str, Any]:
        """JSON-ready description."""
        ...


# --- RecordStore (ledger) ---------------------------------------------------------------------------------


@runtime_checkable
class RecordStore(Protocol):
    """**Protocol:** where a host keeps the record documents of the yearly cycle (记录存储), by kind and id.

    Draw records, match records, published results, plans and assessments are stored as documents,
    addressed by ``(kind, id)`` (see :data:`randinspect.ledger.RECORD_KINDS`). An implementation must:

    - ``put(kind, id, document, *, year=None)``: validate the document with the strict reader (for a kind
      with a shipped JSON Schema, against it; :func:`randinspect.ledger.encode_record` does both), store its
      canonical JSON text with its SHA-256 digest, year, schema version and creation time **all or
      nothing**, and return the :class:`~randinspect.ledger.StoredRecord`. Stored records are **immutable**:
      a put of the same bytes and year for a stored ``(kind, id)`` returns the stored record unchanged
      (idempotent: a retried request is harmless); any other put for it raises
      :class:`~randinspect.errors.RecordConflictError` and writes nothing. Concurrent puts of one
      ``(kind, id)`` from several processes store exactly one of them.
    - ``get(kind, id)``: return the stored record, read back through the strict reader (its text valid for
      its kind, canonical and hashing to its digest; otherwise
      :class:`~randinspect.errors.RecordIntegrityError`); raise
      :class:`~randinspect.errors.RecordNotFoundError` when there is none.
    - ``records(*, kind=None, year=None)``: yield the stored records, of ``kind`` and of ``year`` when given,
      ordered by kind, then id, by Unicode code point, each checked as by ``get``.
    - ``__len__()``: the number of stored records.

    Nothing else: no update, no delete. Built in: :class:`randinspect.ledger.FileRecordStore` (a folder)
    and :class:`randinspect.ledger.sql.SqlAlchemyRecordStore` (PostgreSQL or SQLite, in the ledger's
    database, where a record and its journal entry can be written in one transaction). Check an
    implementation with :func:`randinspect.testing.check_record_store`.

    .. versionadded:: 0.1.0
    """

    def put(self, kind: str, record_id: str, document: Any, *, year: int | None = None) -> StoredRecord:
        """Store a record once; return it (or the stored one for a repeat of the same bytes)."""
        ...

    def get(self, kind: str, record_id: str) -> StoredRecord:
        """Return the stored record ``(kind, id)``."""
        ...

    def records(self, *, kind: str | None = None, year: int | None = None) -> Iterator[StoredRecord]:
        """Yield the stored records ordered by kind, then id."""
        ...

    def __len__(self) -> int:
        """Return the number of stored records."""
        ...


# --- JournalStore, JournalView, LockingJournalStore (ledger) ---------------------------------------------
# Defined beside the ledger they serve (which sits below everything else); re-exported here so every
# Protocol has one home for users.
from randinspect.ledger import JournalStore, JournalView, LockingJournalStore  # noqa: E402
