"""The result of a lenient load: what was loaded and every problem found."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any, Generic, TypeVar

import attrs

from randinspect.errors import Problem

__all__ = ["LoadResult", "ValidationReport"]

T = TypeVar("T")


@attrs.frozen(kw_only=True)
class ValidationReport:
    """Every problem a lenient load found in one input (校验报告).

    Parameters
    ----------
    source:
        File name or description of the input.
    problems:
        Every problem, ordered by row (problems not tied to a row, such as header problems, first).
    rows_read:
        Data rows found in the input (blank CSV lines excluded).
    rows_loaded:
        Rows that made it into the directory (rows with any problem are left out whole).
    """

    source: str
    problems: tuple[Problem, ...] = ()
    rows_read: int = 0
    rows_loaded: int = 0

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems

    @property
    def rows_rejected(self) -> int:
        """Rows read but left out because of a problem."""
        return self.rows_read - self.rows_loaded

    def by_code(self) -> dict[str, int]:
        """Number of problems of each kind (``Problem.code``), most frequent first."""
        return dict(Counter(p.code for p in self.problems).most_common())

    def summary(self) -> str:
        """One line: problems found, rows read, loaded and rejected."""
        if self.ok:
            return f"{self.source}: no problems; {self.rows_loaded} of {self.rows_read} rows loaded"
        kinds = ", ".join(f"{code} ×{n}" for code, n in self.by_code().items())
        return (
            f"{self.source}: {len(self.problems)} problem(s) ({kinds}); "
            f"{self.rows_loaded} of {self.rows_read} rows loaded, {self.rows_rejected} rejected"
        )

    def __str__(self) -> str:
        return "\n".join([*(str(p) for p in self.problems), self.summary()])


@attrs.frozen(kw_only=True)
class LoadResult(Generic[T]):
    """What a lenient load returns: the directory of the valid rows (or ``None``) and the report.

    The directory is ``None`` only when nothing could be read (unreadable or empty file, undecodable text,
    missing required columns). It unpacks like a pair: ``directory, report = result``.
    """

    directory: T | None
    report: ValidationReport

    @property
    def ok(self) -> bool:
        """True when the load found no problem."""
        return self.report.ok

    def __iter__(self) -> Iterator[Any]:
        return iter((self.directory, self.report))
