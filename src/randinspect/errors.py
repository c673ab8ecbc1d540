"""The typed errors of randinspect.

Every error the library raises on purpose is a subclass of :class:`RandInspectError`, so a host system can
catch one base class. Errors about bad input also subclass :class:`ValueError`; errors about a state that
cannot be reached (an infeasible matching, a journal that was edited) subclass :class:`RuntimeError` only
through :class:`RandInspectError`.

Each message says what was wrong, where (file, row, column, id) and how to fix it. Errors that come from
loading data carry the list of :class:`Problem` found, so a vendor can print them all.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

__all__ = [
    "CalendarDataMissingError",
    "CalendarError",
    "CapExceededError",
    "CeilingError",
    "CodeError",
    "CommitmentMismatchError",
    "ComplaintWindowError",
    "ConfigurationError",
    "DeregisteredObjectError",
    "DrawError",
    "DuplicateDrawError",
    "DuplicateEntryError",
    "DuplicateResultError",
    "EmptyFrameError",
    "ExposureError",
    "FrameChangedError",
    "InfeasibleMatchingError",
    "InfeasibleTasksError",
    "InputError",
    "InspectorNotInGroupError",
    "JournalError",
    "JournalIntegrityError",
    "JournalLockTimeoutError",
    "JournalSchemaError",
    "JournalUnavailableError",
    "LoadError",
    "MatchChangedError",
    "MatchInputError",
    "MatchInputsChangedError",
    "MatchRecordError",
    "MatchingError",
    "OpeningRequiredError",
    "OutputError",
    "PlanError",
    "ProbabilitiesChangedError",
    "Problem",
    "PublishError",
    "RandInspectError",
    "ReasonRequiredError",
    "RecordConflictError",
    "RecordError",
    "RecordIntegrityError",
    "RecordNotFoundError",
    "RecordStoreError",
    "ReferralError",
    "ResultDateError",
    "ResultError",
    "ResultInputError",
    "RoundShareError",
    "ScaleError",
    "SchemaError",
    "SeedChangedError",
    "SeedError",
    "SelectionChangedError",
    "SimulationError",
    "SweepPointError",
    "UnassignedTaskError",
    "UnknownCategoryError",
    "UnknownDepartmentError",
    "UnsupportedVersionError",
    "UnverifiedRecordError",
    "VerificationError",
    "WorkerLostError",
]


@attrs.frozen(kw_only=True)
class Problem:
    """One problem found in input data: where it is, what it is and how to fix it.

    Attributes
    ----------
    message:
        What is wrong, in one sentence.
    source:
        File name or other description of the input (``"<records>"`` for in-memory data).
    row:
        1-based data row (the header is row 0 in CSV files); ``None`` when the problem is not tied to a row.
    column:
        Column or field name as written in the input, if any.
    value:
        The offending value as found (already redacted if it was private).
    hint:
        How to fix it.
    code:
        Short machine-readable kind of problem, for example ``"uscc.check_digit"``.
    """

    message: str
    source: str = "<input>"
    row: int | None = None
    column: str | None = None
    value: str | None = None
    hint: str | None = None
    code: str = "invalid"

    def __str__(self) -> str:
        where = [self.source]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        text = ", ".join(where) + f": {self.message}"
        if self.value is not None:
            text += f" (value {self.value!r})"
        if self.hint:
            text += f"; {self.hint}"
        return text


class RandInspectError(Exception):
    """Base class of every error raised on purpose by randinspect."""


class InputError(RandInspectError, ValueError):
    """Input data or arguments are malformed."""


class CodeError(InputError):
    """A reference code (USCC, industry code, division code) is invalid.

    Attributes
    ----------
    code_value:
        The code as given.
    reasons:
        Every reason it is invalid, most basic first.
    """

    def __init__(self, message: str, *, code_value: str = "", reasons: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.code_value = code_value
        self.reasons = tuple(reasons)


class ScaleError(InputError):
    """A credit grade or risk class is not on its scale."""


class LoadError(InputError):
    """Loading a directory or another input failed; nothing was loaded.

    Attributes
    ----------
    problems:
        Every problem found (strict loaders stop at the first one, so it holds one).
    """

    def __init__(self, problems: Iterable[Problem], *, summary: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if summary is None:
            if not self.problems:
                summary = "input could not be loaded"
            elif len(self.problems) == 1:
                summary = str(self.problems[0])
            else:
                summary = f"{len(self.problems)} problems, first: {self.problems[0]}"
        super().__init__(summary)


class SchemaError(LoadError):
    """A typed table (Parquet, Arrow) has a column of the wrong type, or one part of a partitioned Parquet
    dataset has a schema other than the first part's; nothing was loaded.

    .. versionadded:: 0.1.0
    """


class ConfigurationError(InputError):
    """A policy, matrix, item or rule is configured with values it cannot use (ratio outside [0, 1] ...)."""


class DrawError(RandInspectError):
    """A draw cannot be made as asked."""


class WorkerLostError(DrawError):
    """A worker of a distributed computation was lost (or a task failed) mid-way; nothing was recorded.

    .. versionadded:: 0.1.0
    """


class EmptyFrameError(DrawError, InputError):
    """The item's scope selects no alive object."""


class CapExceededError(DrawError):
    """Mandatory objects alone exceed the item's cap (ceiling); they are reported, never trimmed."""


class VerificationError(RandInspectError):
    """A published record does not reproduce. Subclasses name the first difference found."""


class JournalError(RandInspectError):
    """A journal operation was refused."""


class JournalIntegrityError(JournalError):
    """The journal's hash chain is broken: an entry was edited, removed or reordered."""


class DuplicateDrawError(JournalError):
    """A second draw for the same item, year and round was attempted without a stated reason."""


class MatchingError(RandInspectError):
    """Inspectors cannot be matched as asked."""


class InfeasibleMatchingError(MatchingError):
    """No matching satisfies every constraint; the attached report says which tasks and why."""


class PlanError(RandInspectError):
    """A plan, an overlay or a joint-plan answer is inconsistent."""


class CeilingError(PlanError, ConfigurationError):
    """An overlay, item or department plan asks for more than a national or provincial ceiling allows.

    Overlays may add items and raise ratios up to an item's ceiling (抽查总量不高于国家、省规定比例, §四(五)),
    never the ceiling itself; the message names the item, the district (or department) and the ceiling.
    """


class RoundShareError(ConfigurationError):
    """A credit-risk cell's round share (频次比例) cannot be met by whole rounds of an item.

    A share above 1 raises the cell's frequency (§四(八)4 提高抽查频次): the cell takes part in
    ``frequency × share`` rounds a year, which must be a whole number (at most
    :data:`randinspect.draw.MAX_ROUNDS`). The message names the item, the cell and the share.
    """


class CalendarError(RandInspectError):
    """A working-day computation cannot be made."""


class CalendarDataMissingError(CalendarError, LookupError):
    """The official holiday schedule for the year is not known to the calendar."""


class DuplicateEntryError(JournalError):
    """A second match or plan entry for the same key was attempted without a stated reason.

    Draws and commitments raise :class:`DuplicateDrawError` instead.
    """


class ReasonRequiredError(JournalError, InputError):
    """A journal entry that changes an earlier one (replacement, plan adjustment, redraw) has no reason."""


class ComplaintWindowError(ConfigurationError):
    """A complaint window ends after the draw's commitment date: complaints received after the draw would
    make objects problem objects (问题对象). The message names the item, the dates and the rule."""


class OpeningRequiredError(InputError):
    """A draw whose commitment holds reason digests cannot be fully re-run without the auditors' opening.

    Not a :class:`VerificationError`: nothing was found wrong. The checks that need no opening passed
    (the message lists them); the π table and the selection need the opening.
    """


class SeedError(InputError):
    """A public seed is malformed: empty, not text, too long or holding control characters."""


class FrameChangedError(VerificationError):
    """The frame rebuilt from the directory differs from the record's (an id, stratum or tier changed)."""


class ProbabilitiesChangedError(VerificationError):
    """The inclusion probabilities recomputed for the frame differ from the record's π table."""


class SeedChangedError(VerificationError):
    """The record's seed differs from the seed the verifier expected (announced in the seed ceremony)."""


class SelectionChangedError(VerificationError):
    """Re-running the draw selects other objects than the record lists."""


class CommitmentMismatchError(VerificationError):
    """The record's commitment does not match its contents or the commitment published before the seed."""


class UnsupportedVersionError(VerificationError):
    """The record was made by a newer (or unknown) draw algorithm version than this library implements."""


class MatchInputError(MatchingError, InputError):
    """Matching input is malformed: duplicate ids, unknown inspectors, tasks or objects, bad caps."""


class InfeasibleTasksError(InfeasibleMatchingError):
    """Some tasks cannot be staffed; ``infeasible`` holds one report per task with the binding constraint.

    Attributes
    ----------
    infeasible:
        The ``randinspect.matching.InfeasibleTask`` reports, in task id order.
    """

    def __init__(self, message: str, *, infeasible: Sequence[object] = ()) -> None:
        super().__init__(message)
        self.infeasible = tuple(infeasible)


class MatchInputsChangedError(VerificationError):
    """The tasks, inspectors, rule, conflicts, history or caps given differ from those the record names."""


class MatchChangedError(VerificationError):
    """Re-running the matching gives other groups than the match record lists (the first difference named)."""


class SimulationError(RandInspectError):
    """A simulation cannot run: a model broke its Protocol's guarantees or a scenario has nothing to draw."""


class SweepPointError(SimulationError):
    """A grid point of a sweep failed (its worker raised or was lost); the point and its parameters are named.

    Attributes
    ----------
    point:
        Index of the grid point.
    params:
        Its parameters.
    """

    def __init__(self, message: str, *, point: int, params: dict[str, object]) -> None:
        super().__init__(message)
        self.point = point
        self.params = dict(params)


class ResultError(RandInspectError):
    """An inspection result, publication, referral or feedback step cannot be made as asked.

    Attributes
    ----------
    record_id:
        The record the problem is about (``"<task id>/<item id>"`` for an inspection record, the referral id
        for a referral), or ``""`` when it concerns no single record.
    """

    def __init__(self, message: str, *, record_id: str = "") -> None:
        super().__init__(message)
        self.record_id = record_id


class ResultInputError(ResultError, InputError):
    """An inspection record, result, publication or referral is malformed or refers to unknown things."""


class UnassignedTaskError(ResultInputError):
    """A result names a task (or an item of a task) that no inspection group was assigned to."""


class InspectorNotInGroupError(ResultInputError):
    """A result names an inspector who is not in the task's inspection group, or shows a wrong certificate."""


class ResultDateError(ResultInputError):
    """A result's dates are impossible: entered before the inspection ended, inspected before the window."""


class DuplicateResultError(ResultInputError):
    """A second result for the same task and item was entered without a stated reason."""


class UnknownCategoryError(ResultInputError):
    """A result category (检查结果类别) is not in the findings vocabulary in use."""


class DeregisteredObjectError(ResultInputError):
    """A result for an object inspected after it was deregistered (注销)."""


class ExposureError(ResultError):
    """A public file would expose a protected field (personal data, a trade secret, a rule-marked value)."""


class ReferralError(ResultError):
    """A referral (移送) cannot be made as asked."""


class UnknownDepartmentError(ReferralError, InputError):
    """A referral or push names a department the routing table does not know."""


class JournalLockTimeoutError(JournalError):
    """Another writer held the ledger's write lock longer than the store's timeout; nothing was written.

    Appending again later is safe: the entry was not stored.
    """


class JournalSchemaError(JournalError):
    """A database ledger's tables are missing or carry a schema version this release does not know.

    Run the documented migration (:func:`randinspect.ledger.sql.migrate`) or upgrade randinspect.
    """


class JournalUnavailableError(JournalError):
    """The ledger's database cannot be reached (refused connection, failed login, no such database)."""


class PublishError(RandInspectError):
    """The publication site cannot be built from the records folder (see ``randinspect.publish``)."""


class UnverifiedRecordError(PublishError, VerificationError):
    """A draw record in the records folder does not verify, so the site is not published.

    The message names the record file and the first difference; nothing is written.
    """


class RecordError(VerificationError, InputError):
    """A record, commitment, match record or journal payload is JSON but not a valid one of its kind.

    A key given twice, an unknown field (at any level), a missing field or a value of the wrong type (a
    fraction where an integer belongs, ``"2027"`` for 2027, ``true`` for 1): the record does not mean one
    thing, so it does not verify. The ``randinspect`` command exits 1 for it, like any record that does not
    reproduce.

    Attributes
    ----------
    field:
        Path of the offending field (``"commitment.year"``, ``"selected[3].pi"``), ``None`` when not tied
        to one field.

    .. versionadded:: 0.1.0
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class OutputError(InputError):
    """An output file cannot be written: its directory is missing, it is a directory or not writable.

    Nothing was written: randinspect writes every output to a temporary file beside it and renames it into
    place, so a failed write leaves the old file (or no file) as it was.

    .. versionadded:: 0.1.0
    """


class MatchRecordError(RecordError, MatchInputError):
    """A match record is JSON but not a valid match record (see :class:`RecordError`).

    .. versionadded:: 0.1.0
    """


class RecordStoreError(JournalError):
    """A record store (记录存储: draw, match and result records kept by kind and id) refused an operation.

    A :class:`JournalError`, because a database record store shares the ledger's database, migration and
    errors: an unreachable database is :class:`JournalUnavailableError`, tables missing or at an unknown
    schema version :class:`JournalSchemaError`, a held lock :class:`JournalLockTimeoutError`.

    .. versionadded:: 0.1.0
    """


class RecordConflictError(RecordStoreError):
    """A record of this kind and id is already stored with other bytes (or another year); stored records
    never change. Nothing was written. Store the corrected record under a new id (and journal why).

    .. versionadded:: 0.1.0
    """


class RecordNotFoundError(RecordStoreError, LookupError):
    """No record of this kind and id is stored.

    .. versionadded:: 0.1.0
    """


class RecordIntegrityError(RecordStoreError, JournalIntegrityError):
    """A stored record does not read back as written: not valid for its kind, its digest does not match
    its text, its text is not canonical, or it differs from the journal entry it is tied to.

    .. versionadded:: 0.1.0
    """
