"""Policy simulation for researchers (政策模拟): multi-year models, replications, sweeps and plots.

A :class:`Scenario` is a city (the demo generator at any size, or a directory file), its item list, a
sampling policy per department and five behaviour models (Protocols in :mod:`randinspect.typing`):
violation propensity, detection, deterrence, credit/risk transitions, and entry and exit.
:func:`simulate` runs the annual cycle each year on the fast random source (draw with exact π, inspect,
find, feed back) and returns a tidy pandas DataFrame with Monte Carlo counts beside their exact expected
values from π; :func:`sweep` does it over a parameter grid on any :class:`concurrent.futures.Executor`
(a process pool, or dask.distributed), bit-identical whatever the executor. :mod:`randinspect.simulate.plots`
draws the standard comparisons. ``docs/simulation.md`` is the guide.

Needs the ``simulate`` extra (pandas; tqdm for progress bars) and ``plot`` (matplotlib) for figures.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from randinspect.simulate._engine import COLUMNS, NEVER, Prepared, prepare, replication_seed, run_replication
from randinspect.simulate._models import (
    DEFAULT_BASE_VIOLATION,
    DEFAULT_RISK_VIOLATION,
    ConstantDetection,
    CreditRiskViolation,
    GradeTransitions,
    ObjectView,
    PerceivedRiskDeterrence,
    TurnoverPopulation,
)
from randinspect.simulate._scenario import MODEL_FIELDS, PARAMETER_PREFIXES, Scenario, scenario_from_mapping
from randinspect.simulate._sweep import grid_points, simulate, sweep

__all__ = [
    "COLUMNS",
    "DEFAULT_BASE_VIOLATION",
    "DEFAULT_RISK_VIOLATION",
    "MODEL_FIELDS",
    "NEVER",
    "PARAMETER_PREFIXES",
    "ConstantDetection",
    "CreditRiskViolation",
    "GradeTransitions",
    "ObjectView",
    "PerceivedRiskDeterrence",
    "Prepared",
    "Scenario",
    "TurnoverPopulation",
    "grid_points",
    "prepare",
    "replication_seed",
    "run_replication",
    "scenario_from_mapping",
    "simulate",
    "sweep",
]
