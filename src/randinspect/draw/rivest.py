"""Compatibility with Ronald L. Rivest's ``sampler.py``, the SHA-256 sampler of US post-election audits.

Rivest's reference sampler (``https://people.csail.mit.edu/rivest/sampler.py``, version of 14 November 2011;
also implemented in P. B. Stark's web page "Pseudo-Random Number Generator using SHA-256") draws a sample of
integers from ``a..b`` as follows. For counter ``i = 1, 2, 3, ...``:

1. ``hash_input = seed + "," + str(i)``, encoded as UTF-8 (the encoding was fixed in a 2014 note in the
   reference file, following C. Jerdonek's test cases);
2. ``h`` = the SHA-256 digest of ``hash_input`` read as a 256-bit big-endian integer (the hex digest read
   in base 16);
3. ``pick = a + h mod (b - a + 1)``;
4. without replacement, a pick equal to an earlier pick is rejected (the counter still advances); with
   replacement every pick is kept;

until ``n`` picks are kept. The seed is typed as one or more lines, each stripped of leading and trailing
blanks, and concatenated (:func:`rivest_seed`). An "expanded sample" re-runs the same procedure and skips
the first ``skip`` kept picks (the earlier sample), so an audit can escalate. The output is the list of kept
picks in the order generated and the same list sorted.

This module re-implements that procedure (not the interactive program) and reproduces the published
transcripts: see ``tests/draw/vectors/rivest_transcripts.json``.

When to use it: when an outside party must check a draw with tools they already trust (Rivest's program,
Stark's web page, audit software), for small ad-hoc draws from a numbered list. The verifiable tiered draw of
:mod:`randinspect.draw` uses order-independent tickets instead, because Rivest's picks depend on the
numbering of the list and give no per-object inclusion probability other than the uniform one.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from randinspect.errors import ConfigurationError, InputError, SeedError

__all__ = [
    "RIVEST_SAMPLER_VERSION",
    "RivestSample",
    "RivestStep",
    "rivest_pick",
    "rivest_sample",
    "rivest_seed",
    "rivest_select",
]

RIVEST_SAMPLER_VERSION = "November 14, 2011"
"""The version of Rivest's ``sampler.py`` whose procedure and transcripts this module reproduces."""


def rivest_seed(parts: Iterable[str]) -> str:
    """Join seed lines as Rivest's sampler does: strip each line's blanks and concatenate them.

    In the interactive program a blank line ends the input; here every part is used, and blank parts add
    nothing.

    Parameters
    ----------
    parts:
        The seed lines, for example one per party rolling dice.

    Returns
    -------
    str
        The seed, e.g. ``rivest_seed(["3546311", " 5561121 "]) == "35463115561121"``.

    Raises
    ------
    SeedError
        If a part is not a string, or the joined seed is empty.
    """
    if isinstance(parts, str):
        parts = [parts]
    pieces: list[str] = []
    for i, part in enumerate(parts):
        if not isinstance(part, str):
            raise SeedError(f"seed part {i} is a {type(part).__name__}; seed parts must be text")
        pieces.append(part.strip())
    seed = "".join(pieces)
    if not seed:
        raise SeedError("the seed is empty; roll dice (at least 24 digits are recommended) and enter them")
    return seed


def _check_seed(seed: str) -> str:
    if not isinstance(seed, str):
        raise SeedError(f"seed must be a string, got {type(seed).__name__}")
    if not seed:
        raise SeedError("the seed is empty; roll dice (at least 24 digits are recommended) and enter them")
    return seed


def _check_int(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigurationError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}, got {value}")
    return value


def rivest_pick(seed: str, counter: int, population: int, *, start: int = 1) -> int:
    """Return the ``counter``-th raw pick of Rivest's sampler, before any duplicate rejection.

    ``start + int(sha256((seed + "," + str(counter)).encode("utf-8")).hexdigest(), 16) % population``.

    Parameters
    ----------
    seed:
        The seed string, used exactly as given (see :func:`rivest_seed`).
    counter:
        The counter, 1 for the first pick.
    population:
        Size of the range ``start .. start + population - 1``.
    start:
        The least integer of the range (Rivest's ``a``).

    Raises
    ------
    SeedError, ConfigurationError
        For an empty seed, a counter below 1 or a population below 1.
    """
    _check_seed(seed)
    _check_int(counter, "counter", 1)
    _check_int(population, "population", 1)
    if isinstance(start, bool) or not isinstance(start, int):
        raise ConfigurationError(f"start must be an integer, got {type(start).__name__}")
    digest = hashlib.sha256(f"{seed},{counter}".encode()).digest()
    return start + int.from_bytes(digest, "big") % population


@attrs.frozen(kw_only=True)
class RivestStep:
    """One counter step of Rivest's sampler (one line of its transcript).

    Attributes
    ----------
    counter:
        The counter ``i`` (1-based).
    hash_input:
        ``seed + "," + str(i)``.
    value:
        The pick in ``start .. start + population - 1``.
    status:
        ``"new"`` (kept, part of this sample), ``"previous"`` (kept, part of the earlier sample being
        expanded) or ``"duplicate"`` (rejected, sampling without replacement).
    """

    counter: int
    hash_input: str
    value: int
    status: str


def _format_rows(values: Sequence[int]) -> list[str]:
    """Rivest's screen layout: ten values a row, each right-aligned in seven columns (trailing blanks cut)."""
    rows = []
    for i in range(0, len(values), 10):
        rows.append(("     " + "".join(f"{v:7d}  " for v in values[i : i + 10])).rstrip())
    return rows


@attrs.frozen(kw_only=True)
class RivestSample:
    """A sample drawn with Rivest's SHA-256 sampler (``sampler.py`` compatible).

    Attributes
    ----------
    seed:
        The seed string.
    population:
        Size of the range sampled from.
    start:
        The least integer of the range (Rivest's ``a``); the greatest is :attr:`end`.
    with_replacement:
        Whether duplicates were allowed.
    previous:
        The earlier sample skipped when expanding (empty for a new sample), in generation order.
    picks:
        The new sample in the order generated ("unsorted list of outputs").
    steps:
        Every counter step, including rejected duplicates: the full transcript.
    """

    seed: str = attrs.field(repr=False)
    population: int
    start: int
    with_replacement: bool
    previous: tuple[int, ...]
    picks: tuple[int, ...]
    steps: tuple[RivestStep, ...] = attrs.field(repr=False)

    @property
    def end(self) -> int:
        """The greatest integer of the range (Rivest's ``b``)."""
        return self.start + self.population - 1

    @property
    def original_order(self) -> tuple[int, ...]:
        """The new picks in the order generated."""
        return self.picks

    @property
    def sorted_order(self) -> tuple[int, ...]:
        """The new picks sorted increasingly ("sorted list of outputs")."""
        return tuple(sorted(self.picks))

    def transcript(self) -> str:
        """Return the generation lines as the reference program prints them.

        One line per counter step: ``"{k:7d}. {seed},{i} ==> {pick}"`` indented by four spaces, where ``k`` is
        the number of new picks so far; rejected duplicates end in ``"  (duplicate rejected)"`` and skipped
        picks of the earlier sample in ``"  (skipped, since it was in previous sample)"``.
        """
        lines = []
        kept = 0
        for step in self.steps:
            if step.status == "new":
                kept += 1
            text = f"    {kept:7d}. {step.hash_input} ==> {step.value}"
            if step.status == "duplicate":
                text += "  (duplicate rejected)"
            elif step.status == "previous":
                text += "  (skipped, since it was in previous sample)"
            lines.append(text)
        return "\n".join(lines)

    def format_lists(self) -> str:
        """Return the "unsorted" and "sorted" output lists laid out as the reference program prints them.

        For an expanded sample the earlier sample's lists come first, as in the reference program.
        """
        blocks: list[tuple[str, Sequence[int]]] = []
        if self.previous:
            blocks += [
                ("Unsorted list of outputs in previous sample:", self.previous),
                ("Sorted list of outputs in previous sample:", sorted(self.previous)),
                ("Unsorted list of new outputs:", self.picks),
                ("Sorted list of new outputs:", self.sorted_order),
            ]
        else:
            blocks += [
                ("Unsorted list of outputs:", self.picks),
                ("Sorted list of outputs:", self.sorted_order),
            ]
        lines: list[str] = []
        for title, values in blocks:
            lines.append(f"    {title}")
            lines.extend(_format_rows(values))
            lines.append("")
        return "\n".join(lines)

    def to_json_dict(self) -> dict[str, Any]:
        """Return a JSON-ready record of the sample (for the journal or a publication)."""
        return {
            "algorithm": "rivest-sampler",
            "reference_version": RIVEST_SAMPLER_VERSION,
            "seed": self.seed,
            "a": self.start,
            "b": self.end,
            "with_replacement": self.with_replacement,
            "previous": list(self.previous),
            "original_order": list(self.picks),
            "sorted_order": list(self.sorted_order),
            "counters_used": len(self.steps),
        }


def rivest_sample(
    seed: str,
    n: int,
    population: int,
    *,
    with_replacement: bool = False,
    start: int = 1,
    skip: int = 0,
) -> RivestSample:
    """Draw ``n`` integers from ``start .. start + population - 1`` exactly as Rivest's ``sampler.py`` does.

    Parameters
    ----------
    seed:
        The seed string, used exactly as given (UTF-8); join dice lines with :func:`rivest_seed`.
    n:
        How many new picks to return.
    population:
        Size of the range (Rivest's ``b - a + 1``).
    with_replacement:
        Allow duplicates (Rivest's "Duplicates OK"). Without replacement, a repeated pick is rejected and the
        counter moves on.
    start:
        The least integer of the range (Rivest's ``a``).
    skip:
        Size of an earlier sample with the same seed and range being expanded: its picks are regenerated,
        kept in :attr:`RivestSample.previous` and not repeated among the ``n`` new picks (without
        replacement).

    Returns
    -------
    RivestSample
        The picks in generation order and sorted, and the full transcript.

    Raises
    ------
    SeedError
        For an empty seed.
    ConfigurationError
        For a negative ``n`` or ``skip``, a population below 1, or, without replacement, ``n + skip`` larger
        than the population (no such sample exists).

    Notes
    -----
    Each pick is uniform on the range up to the modulo bias of reducing a 256-bit number, below
    ``population / 2**256``. Without replacement the expected number of hashes is
    ``population * (H(population) - H(population - n - skip))`` (coupon collector), so drawing nearly the
    whole range of a large population is slow; the tiered draw is the tool for large frames.

    References
    ----------
    R. L. Rivest, ``sampler.py`` (version of 14 November 2011), https://people.csail.mit.edu/rivest/sampler.py.
    C. Jerdonek, rivest-sampler-tests, https://github.com/cjerdonek/rivest-sampler-tests.

    Examples
    --------
    >>> rivest_sample("3546311556112163624615351222", 5, 876).picks
    (740, 180, 264, 789, 238)
    """
    _check_seed(seed)
    _check_int(n, "n", 0)
    _check_int(population, "population", 1)
    _check_int(skip, "skip", 0)
    if isinstance(start, bool) or not isinstance(start, int):
        raise ConfigurationError(f"start must be an integer, got {type(start).__name__}")
    if not with_replacement and n + skip > population:
        raise ConfigurationError(
            f"cannot draw {n + skip} distinct values (n={n}, skip={skip}) from a range of {population}; "
            "lower n or sample with replacement"
        )
    previous: list[int] = []
    picks: list[int] = []
    seen: set[int] = set()
    steps: list[RivestStep] = []
    counter = 0
    while len(previous) + len(picks) < n + skip:
        counter += 1
        hash_input = f"{seed},{counter}"
        digest = hashlib.sha256(hash_input.encode("utf-8")).digest()
        value = start + int.from_bytes(digest, "big") % population
        if not with_replacement and value in seen:
            status = "duplicate"
        elif len(previous) < skip:
            previous.append(value)
            status = "previous"
        else:
            picks.append(value)
            status = "new"
        seen.add(value)
        steps.append(RivestStep(counter=counter, hash_input=hash_input, value=value, status=status))
    return RivestSample(
        seed=seed,
        population=population,
        start=start,
        with_replacement=with_replacement,
        previous=tuple(previous),
        picks=tuple(picks),
        steps=tuple(steps),
    )


def rivest_select(
    seed: str,
    ids: Sequence[str],
    n: int,
    *,
    with_replacement: bool = False,
) -> tuple[str, ...]:
    """Select ``n`` ids from a numbered list with Rivest's sampler: list position ``k`` (1-based) is ``k``.

    The numbering is the order of ``ids`` as given, so it must be published with the seed for anyone to
    re-check the draw (with Rivest's program or Stark's web page, range ``1 .. len(ids)``).

    Parameters
    ----------
    seed:
        The seed string (see :func:`rivest_seed`).
    ids:
        The numbered list, e.g. a directory's ids in canonical order.
    n:
        How many to select.
    with_replacement:
        Allow the same id more than once.

    Returns
    -------
    tuple of str
        The selected ids in generation order.

    Raises
    ------
    SeedError
        For an empty seed.
    InputError
        For repeated ids (the numbering would be ambiguous).
    ConfigurationError
        For an empty list or ``n`` larger than the list without replacement.
    """
    ids = tuple(ids)
    if not ids:
        raise ConfigurationError("the list to select from is empty")
    if len(set(ids)) != len(ids):
        raise InputError("the list to select from repeats an id; number each object exactly once")
    sample = rivest_sample(seed, n, len(ids), with_replacement=with_replacement, start=1)
    return tuple(ids[k - 1] for k in sample.picks)
