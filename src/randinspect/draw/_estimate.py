"""Estimating from a draw (抽查结果推断): Horvitz–Thompson totals and ratio rates with design-aware variances.

A draw selects object ``i`` with a known probability ``π_i``; after the inspections each drawn object has a
*finding* ``y_i`` (1 if a violation was found, a count, an amount). The Horvitz–Thompson (HT) estimator
``Ŷ = Σ_{i∈s} y_i / π_i`` is unbiased for the population total ``Y = Σ_U y_i`` whenever every ``π_i > 0``,
whatever the design. Its variance needs the *joint* inclusion probabilities ``π_ij``, and this is where the
design matters:

- **Systematic πps** (randinspect's draw): for a given order, most pairs of objects can never be drawn
  together (``π_ij = 0``), so **no unbiased variance estimator exists** given the order (Horvitz &
  Thompson 1952; Tillé 2006, §7.2). Over the seed the ticket order is random too, but the ``π_ij`` of such
  randomized systematic sampling have no closed form (Hartley & Rao 1962). Only approximations are
  offered: :data:`VARIANCE_METHODS` ``"hajek"`` (the default) and ``"with-replacement"`` (Hansen–Hurwitz
  style), each labelled as an approximation. For a plain stratified draw (equal π in a stratum, a whole
  number drawn per stratum) each stratum is, over the seed, a simple random sample without replacement,
  and ``"hajek"`` is then the usual unbiased ``N_h²(1 − f_h) s_h² / n_h``.
- **Poisson sampling** (each object drawn independently, ``π_ij = π_i π_j``): ``"poisson"`` is unbiased.
- **Any design with every** ``π_ij > 0``: ``"horvitz-thompson"`` is unbiased, and ``"sen-yates-grundy"`` is
  unbiased when the sample size is fixed; both need ``π_ij`` (:func:`systematic_joint_inclusion` gives them
  exactly for small frames).

Strata: the approximations are computed per stratum and summed.

References
----------
D. G. Horvitz and D. J. Thompson, "A generalization of sampling without replacement from a finite
universe", Journal of the American Statistical Association 47 (1952) 663-685.
A. R. Sen, "On the estimate of the variance in sampling with varying probabilities", Journal of the Indian
Society of Agricultural Statistics 5 (1953) 119-127; F. Yates and P. M. Grundy, "Selection without
replacement from within strata with probability proportional to size", JRSS B 15 (1953) 253-261.
M. H. Hansen and W. N. Hurwitz, "On the theory of sampling from finite populations", Annals of
Mathematical Statistics 14 (1943) 333-362.
H. O. Hartley and J. N. K. Rao, "Sampling with unequal probabilities and without replacement", Annals of
Mathematical Statistics 33 (1962) 350-374.
J. Hájek, "Asymptotic theory of rejective sampling with varying probabilities from a finite population",
Annals of Mathematical Statistics 35 (1964) 1491-1523; J.-C. Deville, "Variance estimation for complex
statistics and estimators: linearization and residual techniques", Survey Methodology 25 (1999) 193-203;
A. Matei and Y. Tillé, "Evaluation of variance approximations and estimators in maximum entropy sampling
with unequal probability and fixed sample size", Journal of Official Statistics 21 (2005) 543-570.
C.-E. Särndal, B. Swensson and J. Wretman, *Model Assisted Survey Sampling*, Springer (1992), §5.5-5.6
(ratio estimator and its linearised variance).
Y. Tillé, *Sampling Algorithms*, Springer (2006).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from randinspect.draw._inclusion import DENOMINATOR
from randinspect.draw._select import systematic_select
from randinspect.errors import InputError

if TYPE_CHECKING:
    from randinspect.draw._record import DrawRecord

__all__ = [
    "MAX_JOINT_SIZE",
    "VARIANCE_METHODS",
    "Estimate",
    "JointInclusion",
    "estimate_rate",
    "estimate_total",
    "ht_ratio",
    "ht_total",
    "systematic_joint_inclusion",
]

VARIANCE_METHODS: Final[Mapping[str, str]] = {
    "horvitz-thompson": (
        "Horvitz–Thompson (1952) variance estimator; needs π_ij; unbiased when every π_ij > 0"
    ),
    "sen-yates-grundy": (
        "Sen–Yates–Grundy (1953) variance estimator; needs π_ij; unbiased for fixed-size designs with every "
        "π_ij > 0"
    ),
    "poisson": "unbiased under Poisson sampling (π_ij = π_i π_j); for other designs an approximation",
    "with-replacement": (
        "approximation: treats each stratum's sample as drawn with replacement (Hansen–Hurwitz style); "
        "usually conservative for πps without replacement"
    ),
    "hajek": (
        "approximation: Hájek (1964) variance approximation for high-entropy fixed-size designs, "
        "estimated as by Deville (1999)"
    ),
}
"""The variance estimators offered, and what each is valid for."""

_EXACT_METHODS: Final = frozenset({"horvitz-thompson", "sen-yates-grundy"})
_APPROXIMATIONS: Final = frozenset({"with-replacement", "hajek"})

MAX_JOINT_SIZE: Final = 2000
"""Largest frame for which :func:`systematic_joint_inclusion` builds the ``n × n`` matrix."""

SYSTEMATIC_NOTE: Final = (
    "systematic πps: for the drawn ticket order many pairs have π_ij = 0, and over the seed the π_ij "
    "have no closed form, so no unbiased variance estimator is available; this variance is an approximation"
)
"""The note every estimate from a draw record carries first."""

FloatArray = npt.NDArray[np.float64]


@attrs.frozen(kw_only=True)
class Estimate:
    """An estimate from a drawn sample (抽样推断) with its estimated variance.

    Attributes
    ----------
    value:
        The point estimate (a total, or a ratio for rates).
    variance:
        The estimated variance of :attr:`value` (``nan`` when it cannot be estimated, see :attr:`notes`).
    method:
        Key of :data:`VARIANCE_METHODS`.
    approximate:
        True when the variance estimator is not unbiased for the design used (always for a systematic
        draw, and for the ``"hajek"`` and ``"with-replacement"`` approximations).
    sample_size:
        Number of drawn objects used.
    notes:
        What the caller should know: the design condition, strata whose variance could not be estimated.
    """

    value: float
    variance: float
    method: str
    approximate: bool
    sample_size: int
    notes: tuple[str, ...] = ()

    @property
    def standard_error(self) -> float:
        """Square root of :attr:`variance` (``nan`` if the variance is ``nan``; 0 for a tiny negative)."""
        if math.isnan(self.variance):
            return math.nan
        return math.sqrt(max(self.variance, 0.0))

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """Normal-approximation confidence interval ``value ± z·SE`` at ``level``.

        Raises
        ------
        InputError
            If ``level`` is not strictly between 0 and 1.
        """
        if not 0 < level < 1:
            raise InputError(f"the confidence level must lie strictly between 0 and 1, not {level!r}")
        z = statistics.NormalDist().inv_cdf(0.5 + level / 2)
        half = z * self.standard_error
        return (self.value - half, self.value + half)


def _float_vector(values: npt.ArrayLike, what: str) -> FloatArray:
    try:
        out = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"{what} must be numbers") from None
    if out.ndim != 1:
        raise InputError(f"{what} must be one-dimensional, got shape {out.shape}")
    bad = np.flatnonzero(~np.isfinite(out))
    if bad.size:
        raise InputError(f"{what} must be finite; position {int(bad[0])} is {out[bad[0]]}")
    return out


def _check_pi(pi: FloatArray, n: int) -> None:
    if pi.shape != (n,):
        raise InputError(f"π must have one value per drawn object ({n}), got {pi.shape[0]}")
    bad = np.flatnonzero((pi <= 0) | (pi > 1))
    if bad.size:
        raise InputError(
            f"π must lie in (0, 1] for drawn objects; position {int(bad[0])} has π = {pi[bad[0]]} "
            "(an object with π = 0 cannot be drawn)"
        )


def _check_joint(joint: npt.ArrayLike, pi: FloatArray) -> FloatArray:
    n = pi.shape[0]
    try:
        m = np.asarray(joint, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError("the joint inclusion probabilities must be numbers") from None
    if m.shape != (n, n):
        raise InputError(f"the joint inclusion matrix must be {n} × {n} (the drawn objects), got {m.shape}")
    if not np.allclose(m, m.T, rtol=1e-12, atol=0):
        raise InputError("the joint inclusion matrix must be symmetric (π_ij = π_ji)")
    if not np.allclose(np.diag(m), pi, rtol=1e-12, atol=0):
        raise InputError("the diagonal of the joint inclusion matrix must be π (π_ii = π_i)")
    zero = np.argwhere(m <= 0)
    if zero.size:
        i, j = (int(x) for x in zero[0])
        raise InputError(
            f"drawn objects at positions {i} and {j} have π_ij = {m[i, j]}: under that design they cannot be "
            "drawn together, so the joint probabilities do not belong to this sample's design"
        )
    return m


def _variance(
    checked: FloatArray,
    pi: FloatArray,
    method: str,
    joint: FloatArray | None,
    strata: npt.NDArray[Any] | None,
) -> tuple[float, list[str]]:
    """Estimated variance of ``Σ checked`` where ``checked = y / π`` (already expanded)."""
    notes: list[str] = []
    if method == "horvitz-thompson":
        assert joint is not None
        outer = np.outer(pi, pi)
        return float(checked @ ((1.0 - outer / joint) @ checked)), notes
    if method == "sen-yates-grundy":
        assert joint is not None
        diff = checked[:, None] - checked[None, :]
        weight = np.outer(pi, pi) / joint - 1.0
        np.fill_diagonal(weight, 0.0)
        return float(0.5 * np.sum(weight * diff * diff)), notes
    if method == "poisson":
        return float(np.sum((1.0 - pi) * checked * checked)), notes
    # Approximations, per stratum, over the objects drawn with π < 1 (π = 1 objects add no variance).
    labels = np.zeros(pi.shape[0], dtype=np.int64) if strata is None else strata
    total = 0.0
    for label in np.unique(labels).tolist():
        members = (labels == label) & (pi < 1.0)
        k = int(members.sum())
        if k == 0:
            continue
        if k == 1:
            where = "the sample" if strata is None else f"stratum {label!r}"
            notes.append(
                f"{where} has one drawn object with π < 1: its variance cannot be estimated "
                "(collapse it with a similar stratum)"
            )
            total = math.nan
            continue
        yc = checked[members]
        if method == "with-replacement":
            total += k / (k - 1) * float(np.sum((yc - yc.mean()) ** 2))
        else:  # hajek
            c = (1.0 - pi[members]) * k / (k - 1)
            centre = float(np.sum(c * yc) / np.sum(c))
            total += float(np.sum(c * (yc - centre) ** 2))
    return total, notes


def _prepare(
    values: npt.ArrayLike,
    pi: npt.ArrayLike,
    method: str,
    joint: npt.ArrayLike | None,
    strata: npt.ArrayLike | None,
) -> tuple[FloatArray, FloatArray, FloatArray | None, npt.NDArray[Any] | None]:
    if method not in VARIANCE_METHODS:
        raise InputError(f"unknown variance method {method!r}; use one of {', '.join(VARIANCE_METHODS)}")
    y = _float_vector(values, "the findings")
    p = _float_vector(pi, "π")
    _check_pi(p, y.shape[0])
    m: FloatArray | None = None
    if method in _EXACT_METHODS:
        if joint is None:
            raise InputError(
                f"the {method!r} variance needs the joint inclusion probabilities (joint=); for a systematic "
                "draw, which has none that allow it, use 'hajek' or 'with-replacement'"
            )
        m = _check_joint(joint, p)
    s: npt.NDArray[Any] | None = None
    if strata is not None:
        s = np.asarray(strata)
        if s.shape != y.shape:
            raise InputError(f"strata must have one label per drawn object ({y.shape[0]}), got {s.shape}")
    return y, p, m, s


def _notes(method: str, extra: Sequence[str]) -> tuple[str, ...]:
    return (VARIANCE_METHODS[method], *extra)


def ht_total(
    values: npt.ArrayLike,
    pi: npt.ArrayLike,
    *,
    method: str = "hajek",
    joint: npt.ArrayLike | None = None,
    strata: npt.ArrayLike | None = None,
) -> Estimate:
    """Horvitz–Thompson estimate of a population total, ``Ŷ = Σ y_i / π_i``, with a variance estimate.

    Parameters
    ----------
    values:
        The finding ``y_i`` of each drawn object.
    pi:
        Its inclusion probability ``π_i`` in ``(0, 1]``.
    method:
        Variance estimator, a key of :data:`VARIANCE_METHODS`: ``"horvitz-thompson"`` and
        ``"sen-yates-grundy"`` need ``joint``; ``"poisson"`` is exact for Poisson sampling;
        ``"hajek"`` (default) and ``"with-replacement"`` are approximations, computed per stratum.
    joint:
        ``π_ij`` of the drawn objects (``n × n``, diagonal ``π_i``), for the exact methods.
    strata:
        Stratum label of each drawn object, for the approximations.

    Returns
    -------
    Estimate
        ``value`` is unbiased for the total whatever the design (all ``π_i > 0``); the variance is as
        valid as ``method`` says.

    Raises
    ------
    InputError
        For an unknown method, π outside ``(0, 1]``, non-finite findings, mismatched lengths, or a joint
        matrix that is not symmetric, has the wrong diagonal or a zero for a drawn pair.

    Examples
    --------
    >>> est = ht_total([1, 0, 1, 1], [0.5, 0.5, 0.25, 1.0], method="poisson")
    >>> est.value, est.variance
    (7.0, 14.0)
    """
    y, p, m, s = _prepare(values, pi, method, joint, strata)
    checked = y / p
    variance, extra = _variance(checked, p, method, m, s)
    return Estimate(
        value=float(checked.sum()),
        variance=variance,
        method=method,
        approximate=method in _APPROXIMATIONS,
        sample_size=int(y.shape[0]),
        notes=_notes(method, extra),
    )


def ht_ratio(
    values: npt.ArrayLike,
    base: npt.ArrayLike,
    pi: npt.ArrayLike,
    *,
    method: str = "hajek",
    joint: npt.ArrayLike | None = None,
    strata: npt.ArrayLike | None = None,
) -> Estimate:
    """Ratio estimate of a population rate ``R = Y / Z``: ``R̂ = Ŷ / Ẑ`` with its linearised variance.

    ``Ŷ`` and ``Ẑ`` are Horvitz–Thompson totals of the findings ``y`` and of the base ``z`` (``z = 1``: the
    rate per object, the Hájek mean). The variance is the chosen estimator applied to the linearised
    residuals ``u_i = (y_i − R̂ z_i)``, divided by ``Ẑ²`` (Taylor linearisation, Särndal, Swensson and
    Wretman 1992, §5.6). The ratio is consistent but not exactly unbiased; its variance is an
    approximation for every design, and :attr:`Estimate.approximate` says so.

    Parameters
    ----------
    values, base:
        ``y_i`` and ``z_i`` of each drawn object.
    pi, method, joint, strata:
        As for :func:`ht_total`.

    Raises
    ------
    InputError
        As for :func:`ht_total`, and when ``Ẑ = 0``.

    Examples
    --------
    >>> round(ht_ratio([1, 0, 1, 1], [1, 1, 1, 1], [0.5, 0.5, 0.25, 1.0]).value, 6)
    0.777778
    """
    y, p, m, s = _prepare(values, pi, method, joint, strata)
    z = _float_vector(base, "the base")
    if z.shape != y.shape:
        raise InputError(f"the base must have one value per drawn object ({y.shape[0]}), got {z.shape[0]}")
    y_hat = float(np.sum(y / p))
    z_hat = float(np.sum(z / p))
    if z_hat == 0:
        raise InputError("the estimated base total Ẑ is 0, so the rate is undefined; check the base values")
    ratio = y_hat / z_hat
    residual = (y - ratio * z) / p
    variance, extra = _variance(residual, p, method, m, s)
    return Estimate(
        value=ratio,
        variance=variance / (z_hat * z_hat),
        method=method,
        approximate=True,
        sample_size=int(y.shape[0]),
        notes=_notes(method, ("ratio: linearised (Taylor) variance, an approximation", *extra)),
    )


# --- from a draw record ---------------------------------------------------------------------------------

_RECORD_METHODS: Final = ("hajek", "with-replacement", "poisson")


def _findings_vector(record: DrawRecord, findings: Mapping[str, Any], what: str) -> FloatArray:
    if not isinstance(findings, Mapping):
        raise InputError(f"{what} must be a mapping from drawn object id to a number")
    ids = record.selected_ids
    drawn = set(ids)
    missing = [i for i in ids if i not in findings]
    if missing:
        raise InputError(
            f"{what}: {len(missing)} drawn object(s) have no value, e.g. "
            f"{', '.join(map(repr, missing[:5]))}; "
            "give one for every drawn object (an object not inspected is non-response, which the "
            "Horvitz–Thompson estimator does not handle)"
        )
    extra = [i for i in findings if i not in drawn]
    if extra:
        raise InputError(
            f"{what}: {len(extra)} id(s) were not drawn in record {record.context!r}, e.g. "
            f"{', '.join(map(repr, extra[:5]))}; give values for the drawn objects only"
        )
    out = np.empty(len(ids), dtype=np.float64)
    for k, object_id in enumerate(ids):
        value = findings[object_id]
        if isinstance(value, bool):
            value = int(value)
        if not isinstance(value, int | float | np.integer | np.floating) or not math.isfinite(value):
            raise InputError(f"{what}: the value of object {object_id!r} is {value!r}, not a finite number")
        out[k] = float(value)
    return out


def _record_design(record: DrawRecord, method: str) -> tuple[FloatArray, npt.NDArray[np.str_]]:
    if method not in _RECORD_METHODS:
        raise InputError(
            f"a draw record supports the variance methods {', '.join(_RECORD_METHODS)}, not {method!r}: "
            "systematic selection has zero joint inclusion probabilities, so the exact estimators do not "
            "apply (use ht_total with joint= for another design)"
        )
    if not record.selected:
        raise InputError(f"record {record.context!r} selected no object; there is nothing to estimate from")
    denominator = record.commitment.denominator
    withheld = [s.id for s in record.selected if s.pi_numerator is None]
    if withheld:
        raise InputError(
            f"record {record.context!r} withholds π of its drawn objects (disclosure 'auditors'), e.g. "
            f"{withheld[0]!r}; estimate from the auditors' full record (with the opening) instead"
        )
    pi = np.asarray([(s.pi_numerator or 0) / denominator for s in record.selected], dtype=np.float64)
    strata = np.asarray([s.stratum for s in record.selected], dtype=str)
    return pi, strata


def _systematic(est: Estimate, n_strata: int) -> Estimate:
    shared = (
        ("strata share one systematic start; their covariance is left out of the approximation",)
        if n_strata > 1
        else ()
    )
    return attrs.evolve(est, approximate=True, notes=(SYSTEMATIC_NOTE, *shared, *est.notes))


def estimate_total(record: DrawRecord, findings: Mapping[str, Any], *, method: str = "hajek") -> Estimate:
    """Estimate a population total from a draw and its findings (e.g. the number of violating objects).

    The drawn objects' π and strata come from the record; ``findings`` gives each drawn object's value.
    As the draw is systematic πps, the variance is always an approximation (:data:`SYSTEMATIC_NOTE`),
    computed per stratum and summed.

    Parameters
    ----------
    record:
        The draw record.
    findings:
        ``{object id: value}`` for every drawn object (1/0 for "violation found", or a count, an amount).
    method:
        ``"hajek"`` (default), ``"with-replacement"`` or ``"poisson"``.

    Raises
    ------
    InputError
        If a drawn object has no finding, an id was not drawn, a value is not a finite number, or the method
        does not apply to a systematic draw.
    """
    pi, strata = _record_design(record, method)
    y = _findings_vector(record, findings, "findings")
    return _systematic(ht_total(y, pi, method=method, strata=strata), len(set(strata.tolist())))


def estimate_rate(
    record: DrawRecord,
    findings: Mapping[str, Any],
    base: Mapping[str, Any] | None = None,
    *,
    method: str = "hajek",
) -> Estimate:
    """Estimate a population rate (e.g. the share of objects violating) from a draw: ``Ŷ / Ẑ``.

    With ``base`` omitted, ``z_i = 1`` and the rate is per object (``Ŷ / N̂``). The variance is linearised
    (:func:`ht_ratio`) and, for a systematic draw, an approximation.

    Parameters
    ----------
    record, findings, method:
        As for :func:`estimate_total`.
    base:
        ``{object id: z}`` for every drawn object (e.g. floor area, employees), default 1 each.

    Raises
    ------
    InputError
        As for :func:`estimate_total`.
    """
    pi, strata = _record_design(record, method)
    y = _findings_vector(record, findings, "findings")
    z = np.ones_like(y) if base is None else _findings_vector(record, base, "base")
    return _systematic(ht_ratio(y, z, pi, method=method, strata=strata), len(set(strata.tolist())))


# --- exact joint inclusion probabilities ------------------------------------------------------------------


@attrs.frozen(eq=False, repr=False)
class JointInclusion:
    """Exact joint inclusion probabilities ``π_ij = numerators[i, j] / denominator`` (联合入样概率).

    Attributes
    ----------
    numerators:
        ``n × n`` array of Python integers (object dtype); the diagonal holds the π numerators.
    denominator:
        ``D`` for one systematic sample; ``D²`` when units are sampled independently.
    """

    numerators: npt.NDArray[Any]
    denominator: int

    def __repr__(self) -> str:
        return f"JointInclusion(n={len(self)}, zero_pairs={self.zero_pairs})"

    def __len__(self) -> int:
        return int(self.numerators.shape[0])

    def exact(self, i: int, j: int) -> Fraction:
        """``π_ij`` as an exact fraction."""
        return Fraction(int(self.numerators[i, j]), self.denominator)

    def to_float(self) -> FloatArray:
        """``π_ij`` as floats (for :func:`ht_total`'s ``joint``)."""
        return np.asarray(
            [[int(v) / self.denominator for v in row] for row in self.numerators.tolist()], dtype=np.float64
        ).reshape(self.numerators.shape)

    @property
    def zero_pairs(self) -> int:
        """Pairs ``i < j`` with ``π_ij = 0``: when there are any, no unbiased variance estimator exists."""
        zero = self.numerators == 0
        return int(np.triu(zero.astype(np.int64), k=1).sum())


def _one_systematic(a: npt.NDArray[np.int64], denominator: int) -> npt.NDArray[np.int64]:
    """Integer matrix ``M`` with ``M[i, j]`` = number of starts in ``[0, D)`` selecting both ``i`` and ``j``.

    The selection only changes where the start crosses a breakpoint ``C_k mod D``; each interval between
    breakpoints adds its length to every selected pair (the sweep of
    :func:`randinspect.draw.exact_selection_probabilities`, for pairs).
    """
    n = a.shape[0]
    m = np.zeros((n, n), dtype=np.int64)
    cum = np.concatenate([[0], np.cumsum(a)])
    breaks = sorted({0, denominator, *(int(c) % denominator for c in cum.tolist())})
    for lo, hi in itertools.pairwise(breaks):
        if hi <= lo:
            continue
        chosen = np.flatnonzero(systematic_select(a, lo, denominator))
        m[np.ix_(chosen, chosen)] += hi - lo
    return m


def systematic_joint_inclusion(
    numerators: npt.ArrayLike,
    denominator: int = DENOMINATOR,
    *,
    units: npt.ArrayLike | None = None,
) -> JointInclusion:
    """Exact ``π_ij`` of systematic πps selection over a frame in a fixed selection order.

    Without ``units`` one start ``u`` uniform on ``[0, D)`` serves the whole frame (today's draw): the
    starts are enumerated exactly, interval by interval, in integer arithmetic over ``D``. With ``units``
    each unit has its own independent start (independent-unit draws): pairs within a unit come from that
    unit's enumeration, pairs across units are the product ``π_i π_j``; the common denominator is then
    ``D²``.

    Parameters
    ----------
    numerators:
        π numerators ``a_i`` in ``[0, D]``, in selection order (within each unit, that unit's order).
    denominator:
        ``D`` (default :data:`randinspect.draw.DENOMINATOR`).
    units:
        Unit label of each object, for independent-unit designs.

    Returns
    -------
    JointInclusion
        ``n × n`` exact joint probabilities.

    Raises
    ------
    InputError
        For more than :data:`MAX_JOINT_SIZE` objects, numerators outside ``[0, D]`` or mismatched units.

    Examples
    --------
    >>> joint = systematic_joint_inclusion([2, 2, 2, 2], 4)
    >>> joint.exact(0, 2), joint.exact(0, 1), joint.zero_pairs
    (Fraction(1, 2), Fraction(0, 1), 4)
    """
    a = np.asarray(numerators, dtype=np.int64)
    if a.ndim != 1:
        raise InputError(f"numerators must be one-dimensional, got shape {a.shape}")
    n = int(a.shape[0])
    if n > MAX_JOINT_SIZE:
        raise InputError(
            f"{n} objects: exact joint probabilities are built for frames of at most {MAX_JOINT_SIZE} "
            "objects (the matrix has n² entries); use a variance approximation for larger frames"
        )
    if denominator < 1:
        raise InputError(f"the denominator must be a positive integer, not {denominator}")
    if n and (int(a.min()) < 0 or int(a.max()) > denominator):
        raise InputError(f"numerators must lie in [0, {denominator}]")
    if units is None:
        m = _one_systematic(a, denominator)
        out = np.empty((n, n), dtype=object)
        out[:, :] = m.astype(object)
        return JointInclusion(numerators=out, denominator=denominator)
    labels = np.asarray(units)
    if labels.shape != (n,):
        raise InputError(f"units must have one label per object ({n}), got shape {labels.shape}")
    values = [int(x) for x in a.tolist()]
    out = np.empty((n, n), dtype=object)
    for i in range(n):
        for j in range(n):
            out[i, j] = values[i] * values[j]
    for label in np.unique(labels).tolist():
        members = np.flatnonzero(labels == label)
        within = _one_systematic(a[members], denominator)
        for r, i in enumerate(members.tolist()):
            for c, j in enumerate(members.tolist()):
                out[i, j] = int(within[r, c]) * denominator
    return JointInclusion(numerators=out, denominator=denominator * denominator)
