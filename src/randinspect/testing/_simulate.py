"""Conformance checks for the behaviour models of :mod:`randinspect.simulate`.

Each check runs a model on Hypothesis-generated object views and raises ``AssertionError`` naming the
broken guarantee of its Protocol (:mod:`randinspect.typing`); it returns ``None`` when all hold.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from randinspect.simulate import ObjectView

__all__ = [
    "check_detection_model",
    "check_deterrence_model",
    "check_population_model",
    "check_transition_model",
    "check_violation_model",
    "object_views",
]

_CREDIT = ("A", "B", "C", "D")
_RISK = ("low", "medium", "high")


@st.composite
def object_views(draw: Any, max_size: int = 40) -> ObjectView:
    """Hypothesis strategy: read-only :class:`ObjectView` s (SAMR credit, low/medium/high risk scales)."""
    n = draw(st.integers(0, max_size))
    ints = st.lists(st.integers(0, 3), min_size=n, max_size=n)

    def ro(values: Any, dtype: Any) -> Any:
        array = np.asarray(values, dtype=dtype).reshape(n)
        array.flags.writeable = False
        return array

    return ObjectView(
        credit=ro(draw(ints), np.int64),
        risk=ro([v % 3 for v in draw(ints)], np.int64),
        credit_levels=_CREDIT,
        risk_levels=_RISK,
        section=ro(draw(st.lists(st.sampled_from(["", "C", "F", "H"]), min_size=n, max_size=n)), str),
        alive=ro(draw(st.lists(st.booleans(), min_size=n, max_size=n)), bool),
        years_since_inspection=ro(draw(st.lists(st.integers(0, 10**6), min_size=n, max_size=n)), np.int64),
        clean_streak=ro(draw(st.lists(st.integers(0, 5), min_size=n, max_size=n)), np.int64),
        year=draw(st.integers(0, 20)),
    )


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def _probabilities(values: Any, n: int, what: str) -> np.ndarray[Any, Any]:
    array = np.asarray(values, dtype=np.float64)
    _require(array.shape == (n,), f"{what} must return one value per object: shape {array.shape} for {n}")
    _require(bool(np.all((array >= 0) & (array <= 1))), f"{what} returned values outside [0, 1]")
    return array


def _picklable(model: Any, what: str) -> None:
    try:
        clone = pickle.loads(pickle.dumps(model))
    except Exception as exc:  # pragma: no cover - message path
        raise AssertionError(f"{what} must be picklable (sweeps send it to other processes): {exc}") from None
    _require(clone == model or repr(clone) == repr(model), f"{what} does not survive pickling unchanged")


_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_violation_model(model: Any) -> None:
    """Check a :class:`randinspect.typing.ViolationModel`: one probability per object, deterministic,
    inputs unchanged, picklable."""
    _picklable(model, "ViolationModel")

    @_SETTINGS
    @given(object_views())
    def run(view: ObjectView) -> None:
        first = _probabilities(model.propensity(view), len(view), "ViolationModel.propensity")
        again = _probabilities(model.propensity(view), len(view), "ViolationModel.propensity")
        _require(np.array_equal(first, again), "ViolationModel.propensity is not deterministic")

    run()


def check_detection_model(model: Any) -> None:
    """Check a :class:`randinspect.typing.DetectionModel` (as :func:`check_violation_model`)."""
    _picklable(model, "DetectionModel")

    @_SETTINGS
    @given(object_views())
    def run(view: ObjectView) -> None:
        first = _probabilities(model.probability(view), len(view), "DetectionModel.probability")
        again = _probabilities(model.probability(view), len(view), "DetectionModel.probability")
        _require(np.array_equal(first, again), "DetectionModel.probability is not deterministic")

    run()


def check_deterrence_model(model: Any) -> None:
    """Check a :class:`randinspect.typing.DeterrenceModel`: factors in [0, 1], deterministic, never raising
    violations when the perceived inspection probability rises, inputs unchanged, picklable."""
    _picklable(model, "DeterrenceModel")

    @_SETTINGS
    @given(object_views(), st.data())
    def run(view: ObjectView, data: Any) -> None:
        n = len(view)
        q = np.asarray(data.draw(st.lists(st.floats(0, 1), min_size=n, max_size=n)), dtype=np.float64)
        before = q.copy()
        low = _probabilities(model.factor(view, q), n, "DeterrenceModel.factor")
        _require(np.array_equal(q, before), "DeterrenceModel.factor changed its perceived-probability input")
        high = _probabilities(model.factor(view, np.minimum(q + 0.1, 1.0)), n, "DeterrenceModel.factor")
        _require(bool(np.all(high <= low + 1e-12)), "a higher chance of inspection must not raise violations")

    run()


def check_transition_model(model: Any) -> None:
    """Check a :class:`randinspect.typing.TransitionModel`: integer codes within the scales, one per object,
    the same for the same generator state, inputs unchanged, picklable."""
    _picklable(model, "TransitionModel")

    @_SETTINGS
    @given(object_views(), st.data(), st.integers(0, 2**32))
    def run(view: ObjectView, data: Any, seed: int) -> None:
        n = len(view)
        inspected = np.asarray(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
        found = inspected & np.asarray(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
        streak = view.clean_streak
        results = []
        for _ in range(2):
            credit, risk = model.step(
                view, inspected, found, streak, np.random.Generator(np.random.PCG64(seed))
            )
            credit, risk = np.asarray(credit), np.asarray(risk)
            _require(credit.shape == (n,) and risk.shape == (n,), "TransitionModel.step: one code per object")
            _require(
                credit.dtype.kind in "iu" and risk.dtype.kind in "iu", "TransitionModel.step: integer codes"
            )
            if n:
                _require(
                    credit.min() >= 0 and credit.max() < len(view.credit_levels), "credit code off its scale"
                )
                _require(risk.min() >= 0 and risk.max() < len(view.risk_levels), "risk code off its scale")
            results.append((credit, risk))
        _require(
            np.array_equal(results[0][0], results[1][0]) and np.array_equal(results[0][1], results[1][1]),
            "TransitionModel.step must take all randomness from rng (same seed, same result)",
        )

    run()


def check_population_model(model: Any) -> None:
    """Check a :class:`randinspect.typing.PopulationModel`: exits only of alive objects, entries a count
    >= 0, all randomness from ``rng``, picklable."""
    _picklable(model, "PopulationModel")

    @_SETTINGS
    @given(object_views(), st.integers(0, 2**32))
    def run(view: ObjectView, seed: int) -> None:
        n = len(view)
        inspected = np.zeros(n, dtype=bool)
        exits = np.asarray(model.exits(view, inspected, np.random.Generator(np.random.PCG64(seed))))
        _require(exits.shape == (n,) and exits.dtype == bool, "PopulationModel.exits: one flag per object")
        _require(not bool(np.any(exits & ~view.alive)), "PopulationModel.exits flagged an object not alive")
        again = np.asarray(model.exits(view, inspected, np.random.Generator(np.random.PCG64(seed))))
        _require(np.array_equal(exits, again), "PopulationModel.exits must take all randomness from rng")
        entries = model.entries(view, np.random.Generator(np.random.PCG64(seed)))
        _require(
            isinstance(entries, int | np.integer) and int(entries) >= 0,
            "PopulationModel.entries: a count >= 0",
        )

    run()
