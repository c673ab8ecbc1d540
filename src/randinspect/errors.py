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
    "ConfigurationError",
    "DrawError",
    "DuplicateDrawError",
    "DuplicateEntryError",
    "EmptyFrameError",
    "FrameChangedError",
    "InfeasibleMatchingError",
    "InfeasibleTasksError",
    "InputError",
    "JournalError",
    "JournalIntegrityError",
    "LoadError",
    "MatchChangedError",
    "MatchInputError",
    "MatchInputsChangedError",
    "MatchingError",
    "PlanError",
    "ProbabilitiesChangedError",
    "Problem",
    "RandInspectError",
    "ReasonRequiredError",
    "ScaleError",
    "SeedChangedError",
    "SeedError",
    "SelectionChangedError",
    "UnsupportedVersionError",
    "VerificationError",
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


class ConfigurationError(InputError):
    """A policy, matrix, item or rule is configured with values it cannot use (ratio outside [0, 1] ...)."""


class DrawError(RandInspectError):
    """A draw cannot be made as asked."""


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
