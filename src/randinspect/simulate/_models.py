"""Behaviour models of the policy simulation: violation, detection, deterrence, transitions, entry and exit.

Each model is a small frozen attrs class with keyword parameters named by credit grade or risk class, so a
sweep can vary any one of them by name (``"violation.base.D"``). Every default is an assumption of
randinspect, chosen to show the mechanisms, not an estimate for a real city; the sources cited give the
direction of an effect, not its size in Guiyang. ``docs/simulation.md`` lists them again with the sources.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from randinspect.errors import ConfigurationError

__all__ = [
    "DEFAULT_BASE_VIOLATION",
    "DEFAULT_RISK_VIOLATION",
    "ConstantDetection",
    "CreditRiskViolation",
    "GradeTransitions",
    "ObjectView",
    "PerceivedRiskDeterrence",
    "TurnoverPopulation",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Yearly probability that an object of a credit grade violates an inspected rule (before deterrence).
#: Assumption of randinspect: rising from A to D in the direction of SAMR's credit-risk classes
#: (国市监信发〔2022〕6号 ranks D as the highest risk of violation).
DEFAULT_BASE_VIOLATION: Final[Mapping[str, float]] = {"A": 0.02, "B": 0.06, "C": 0.15, "D": 0.30}

#: Multiplier of the violation probability by risk class (assumption of randinspect).
DEFAULT_RISK_VIOLATION: Final[Mapping[str, float]] = {"low": 0.7, "medium": 1.0, "high": 1.5}


def _probability_map(value: Mapping[str, Any], what: str, *, upper: float | None = 1.0) -> dict[str, float]:
    if not isinstance(value, Mapping) or not value:
        raise ConfigurationError(f"{what} must be a non-empty mapping of level to number, not {value!r}")
    out: dict[str, float] = {}
    for key, raw in value.items():
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise ConfigurationError(f"{what}[{key!r}] = {raw!r} is not a number")
        number = float(raw)
        if not np.isfinite(number) or number < 0 or (upper is not None and number > upper):
            bound = f"[0, {upper:g}]" if upper is not None else "[0, inf)"
            raise ConfigurationError(f"{what}[{key!r}] = {raw!r} is outside {bound}")
        out[str(key)] = number
    return out


def _probability(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= float(value) <= 1:
        raise ConfigurationError(f"{what} = {value!r} must be a probability in [0, 1]")
    return float(value)


def _non_negative(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= float(value) < np.inf:
        raise ConfigurationError(f"{what} = {value!r} must be a finite number >= 0")
    return float(value)


def _c_violation_base(value: Any) -> dict[str, float]:
    return _probability_map(value, "violation.base", upper=1.0)


def _c_violation_risk_factor(value: Any) -> dict[str, float]:
    return _probability_map(value, "violation.risk_factor", upper=None)


def _c_violation_industry_factor(value: Any) -> dict[str, float]:
    return _probability_map(value, "violation.industry_factor", upper=None) if value else {}


def _c_detection_rate(value: Any) -> float:
    return _probability(value, "detection.rate")


def _c_detection_by_credit(value: Any) -> dict[str, float]:
    return _probability_map(value, "detection.by_credit", upper=1.0) if value else {}


def _c_deterrence_elasticity(value: Any) -> float:
    return _non_negative(value, "deterrence.elasticity")


def _c_deterrence_prior_effect(value: Any) -> float:
    return _probability(value, "deterrence.prior_effect")


def _c_transitions_up_probability(value: Any) -> float:
    return _probability(value, "transitions.up_probability")


def _c_population_exit_rate(value: Any) -> dict[str, float]:
    return _probability_map(value, "population.exit_rate", upper=1.0)


def _c_population_entry_rate(value: Any) -> float:
    return _non_negative(value, "population.entry_rate")


def _c_population_inspection_exit_effect(value: Any) -> float:
    return _probability(value, "population.inspection_exit_effect")


def _lookup(levels: tuple[str, ...], table: Mapping[str, float], what: str) -> FloatArray:
    missing = [level for level in levels if level not in table]
    if missing:
        raise ConfigurationError(
            f"{what} has no value for {', '.join(map(repr, missing))}; it covers {', '.join(table)}"
        )
    return np.asarray([table[level] for level in levels], dtype=np.float64)


@attrs.frozen(eq=False)
class ObjectView:
    """What the models see of the simulated objects in one year (read-only arrays, one entry per object).

    Attributes
    ----------
    credit, risk:
        Codes into ``credit_levels`` / ``risk_levels`` (the rank: 0 is the best grade / lowest risk).
    credit_levels, risk_levels:
        The scales, best first.
    section:
        Industry section letter (GB/T 4754 门类) per object, ``""`` where unknown.
    alive:
        Whether the object operates this year (entrants not yet entered and leavers are False).
    years_since_inspection:
        Whole years since the object was last inspected (0 = inspected last year; a large number if never).
    clean_streak:
        Consecutive inspected years without a finding, up to last year.
    year:
        0-based simulation year.
    """

    credit: IntArray
    risk: IntArray
    credit_levels: tuple[str, ...]
    risk_levels: tuple[str, ...]
    section: npt.NDArray[Any]
    alive: BoolArray
    years_since_inspection: IntArray
    clean_streak: IntArray
    year: int

    def __len__(self) -> int:
        return int(self.credit.shape[0])


@attrs.frozen
class CreditRiskViolation:
    """Violation propensity (违法倾向) by credit grade × risk class × industry section.

    ``p = base[credit] × risk_factor[risk] × industry_factor.get(section, 1)``, clipped to [0, 1].

    Parameters
    ----------
    base:
        Yearly violation probability per credit grade (default :data:`DEFAULT_BASE_VIOLATION`).
    risk_factor:
        Multiplier per risk class (default :data:`DEFAULT_RISK_VIOLATION`).
    industry_factor:
        Multiplier per industry section letter; sections not named get 1.

    Examples
    --------
    >>> CreditRiskViolation().base["D"]
    0.3
    """

    base: Mapping[str, float] = attrs.field(
        factory=lambda: dict(DEFAULT_BASE_VIOLATION),
        converter=_c_violation_base,
    )
    risk_factor: Mapping[str, float] = attrs.field(
        factory=lambda: dict(DEFAULT_RISK_VIOLATION),
        converter=_c_violation_risk_factor,
    )
    industry_factor: Mapping[str, float] = attrs.field(
        factory=dict,
        converter=_c_violation_industry_factor,
    )

    def propensity(self, view: ObjectView) -> FloatArray:
        """Violation probability per object (before deterrence), in [0, 1]."""
        p = _lookup(view.credit_levels, self.base, "violation.base")[view.credit]
        p = p * _lookup(view.risk_levels, self.risk_factor, "violation.risk_factor")[view.risk]
        if self.industry_factor:
            sections = np.asarray(sorted(self.industry_factor), dtype=str)
            factors = np.asarray([self.industry_factor[s] for s in sections.tolist()])
            at = np.searchsorted(sections, view.section)
            at = np.minimum(at, sections.size - 1)
            hit = sections[at] == view.section
            p = p * np.where(hit, factors[at], 1.0)
        return np.clip(p, 0.0, 1.0)


@attrs.frozen
class ConstantDetection:
    """Probability that an inspection finds a violation that is there (检出率), per credit grade.

    Parameters
    ----------
    rate:
        Detection probability for every object (default 0.7, an assumption of randinspect: on-site checks
        miss some violations; the policy's 容错纠错 clause of §五(三) names technical limits as one reason).
    by_credit:
        Optional overrides per credit grade.
    """

    rate: float = attrs.field(default=0.7, converter=_c_detection_rate)
    by_credit: Mapping[str, float] = attrs.field(factory=dict, converter=_c_detection_by_credit)

    def probability(self, view: ObjectView) -> FloatArray:
        """Detection probability per object, in [0, 1]."""
        table = {level: self.by_credit.get(level, self.rate) for level in view.credit_levels}
        return _lookup(view.credit_levels, table, "detection")[view.credit]


@attrs.frozen
class PerceivedRiskDeterrence:
    """Deterrence (威慑): compliance responds to the perceived inspection probability and to a recent visit.

    The violation probability is multiplied by ``exp(-elasticity × q) × (1 - prior_effect)^[inspected within
    memory years]``, where ``q`` is the object's perceived probability of being inspected this year (the sum
    of its published inclusion probabilities over all items, capped at 1: the quota rules are public).

    Becker (1968) models the decision to offend as responding to the expected penalty, which falls with
    the detection probability; Kleven et al. (2011) found in a Danish field experiment that a prior audit
    raises later reported income (compliance). Both only give directions: ``elasticity`` (default 1.5) and
    ``prior_effect`` (default 0.3, for ``memory`` = 1 year) are assumptions of randinspect.

    References
    ----------
    - Becker, G. S., "Crime and punishment: an economic approach", Journal of Political Economy 76 (1968).
    - Kleven, H. J., Knudsen, M. B., Kreiner, C. T., Pedersen, S., Saez, E., "Unwilling or unable to cheat?
      Evidence from a tax audit experiment in Denmark", Econometrica 79 (2011).
    """

    elasticity: float = attrs.field(default=1.5, converter=_c_deterrence_elasticity)
    prior_effect: float = attrs.field(default=0.3, converter=_c_deterrence_prior_effect)
    memory: int = attrs.field(default=1)

    @memory.validator
    def _check_memory(self, attribute: attrs.Attribute[int], value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigurationError(f"deterrence.memory = {value!r} must be a whole number of years >= 0")

    def factor(self, view: ObjectView, perceived: FloatArray) -> FloatArray:
        """Multiplier in [0, 1] on each object's violation propensity."""
        q = np.clip(perceived, 0.0, 1.0)
        out = np.exp(-self.elasticity * q)
        recent = view.years_since_inspection < self.memory
        return np.where(recent, out * (1.0 - self.prior_effect), out)


@attrs.frozen
class GradeTransitions:
    """Credit and risk feedback (信用分级、风险分类动态调整, §四(二)1–2) as a Markov step.

    - a violation found lowers the credit grade by ``down_steps`` and raises the risk class by one;
    - ``clean_years`` consecutive clean inspections raise the grade by one (and lower risk by one), with
      probability ``up_probability`` (the rules' review is not automatic);
    - an object not inspected keeps its grade.

    Harrington (1988) shows why such feedback gives inspections leverage: firms in the watched group face
    more visits and comply to leave it. The numbers are assumptions of randinspect, matching the default
    feedback of the results rules (a finding lowers a grade; clean results over years raise it).

    References
    ----------
    Harrington, W., "Enforcement leverage when penalties are restricted", Journal of Public Economics 37
    (1988).
    """

    down_steps: int = 1
    clean_years: int = 2
    up_probability: float = attrs.field(default=0.5, converter=_c_transitions_up_probability)

    def __attrs_post_init__(self) -> None:
        for name in ("down_steps", "clean_years"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigurationError(f"transitions.{name} = {value!r} must be a whole number >= 1")

    def step(
        self,
        view: ObjectView,
        inspected: BoolArray,
        found: BoolArray,
        clean_streak: IntArray,
        rng: np.random.Generator,
    ) -> tuple[IntArray, IntArray]:
        """Next year's (credit, risk) codes; ``clean_streak`` already counts this year's result."""
        top_credit = len(view.credit_levels) - 1
        top_risk = len(view.risk_levels) - 1
        credit = view.credit.copy()
        risk = view.risk.copy()
        credit[found] = np.minimum(credit[found] + self.down_steps, top_credit)
        risk[found] = np.minimum(risk[found] + 1, top_risk)
        eligible = inspected & ~found & (clean_streak >= self.clean_years) & (credit > 0)
        up = eligible & (rng.random(credit.shape[0]) < self.up_probability)
        credit[up] -= 1
        risk[up] = np.maximum(risk[up] - 1, 0)
        return credit, risk


@attrs.frozen
class TurnoverPopulation:
    """Entry and exit of objects (市场主体进入与退出).

    Each alive object leaves with probability ``exit_rate[credit]`` a year (plus ``inspection_exit_effect``
    if it was inspected this year); ``entry_rate × alive`` new objects enter from the scenario's pool of
    future entrants. Levine, Toffel and Johnson (2012) found that randomised OSHA inspections did not
    harm the survival of inspected firms, so ``inspection_exit_effect`` defaults to 0.

    Parameters
    ----------
    exit_rate:
        Yearly exit probability per credit grade (default 0.05 for A … 0.12 for D; assumption).
    entry_rate:
        New entrants per alive object per year (default 0.08; assumption).
    inspection_exit_effect:
        Extra exit probability of an inspected object.

    References
    ----------
    Levine, D. I., Toffel, M. W., Johnson, M. S., "Randomized government safety inspections reduce worker
    injuries with no detectable job loss", Science 336 (2012).
    """

    exit_rate: Mapping[str, float] = attrs.field(
        factory=lambda: {"A": 0.05, "B": 0.06, "C": 0.09, "D": 0.12},
        converter=_c_population_exit_rate,
    )
    entry_rate: float = attrs.field(default=0.08, converter=_c_population_entry_rate)
    inspection_exit_effect: float = attrs.field(default=0.0, converter=_c_population_inspection_exit_effect)

    def exits(self, view: ObjectView, inspected: BoolArray, rng: np.random.Generator) -> BoolArray:
        """Objects that leave after this year (only alive ones)."""
        p = _lookup(view.credit_levels, self.exit_rate, "population.exit_rate")[view.credit]
        p = np.clip(p + np.where(inspected, self.inspection_exit_effect, 0.0), 0.0, 1.0)
        return view.alive & (rng.random(len(view)) < p)

    def entries(self, view: ObjectView, rng: np.random.Generator) -> int:
        """How many new objects enter next year."""
        return int(rng.poisson(self.entry_rate * float(np.count_nonzero(view.alive))))
