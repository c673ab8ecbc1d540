"""The simulation engine: one replication of several years of the annual cycle on the fast random source.

Each year: the item list is drawn for every round with the departments' sampling policies (exact π from
the policy, selection by :func:`randinspect.draw.select` on a :class:`randinspect.draw.NumpySource`), the
objects decide whether to violate (violation × deterrence models), inspections find what they detect,
results feed back into credit grades and risk classes (transition model), and objects leave and enter
(population model). The output is one row per year × department × credit grade.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from randinspect.draw import DrawFrame, NumpySource, item_rounds, select
from randinspect.errors import ConfigurationError, EmptyFrameError, SimulationError
from randinspect.simulate._models import ObjectView

if TYPE_CHECKING:
    from randinspect.items import CheckItem
    from randinspect.simulate._scenario import Scenario

__all__ = ["COLUMNS", "NEVER", "prepare", "replication_seed", "run_replication"]

IntArray = npt.NDArray[np.int64]

#: Columns of the result table, in order (see ``docs/simulation.md`` for their meaning).
COLUMNS: Final = (
    "scenario",
    "point",
    "replication",
    "year",
    "department",
    "credit",
    "objects",
    "violating",
    "inspections",
    "expected_inspections",
    "objects_visited",
    "violations_found",
    "hit_rate",
    "compliant_visited",
    "compliance",
    "inspectors",
    "load_mean",
    "load_sd",
    "exits",
    "visited_exits",
)

#: ``years_since_inspection`` of an object never inspected.
NEVER: Final = 10**6


@attrs.frozen(eq=False)
class _ItemFrame:
    item: CheckItem
    positions: IntArray  # directory positions of the frame rows (canonical order)
    frame: DrawFrame  # built with every object alive; subset each year


@attrs.frozen(eq=False)
class Prepared:
    """What a scenario needs once, before any replication: frames per item and department populations."""

    scenario: Scenario
    frames: tuple[_ItemFrame, ...]
    departments: tuple[str, ...]
    population: dict[str, npt.NDArray[np.bool_]]
    credit0: IntArray
    risk0: IntArray
    alive0: npt.NDArray[np.bool_]
    section: npt.NDArray[Any]
    credit_levels: tuple[str, ...]
    risk_levels: tuple[str, ...]
    entrant_order: IntArray


def prepare(scenario: Scenario) -> Prepared:
    """Frames of every item over the whole directory (entrants included) and each department's population.

    Raises
    ------
    SimulationError
        If no item has a frame in the directory.
    """
    objects = scenario.objects
    n = len(objects)
    alive0 = np.asarray(objects.alive, dtype=bool).copy()
    entrants = objects.index_of(scenario.entrant_ids) if scenario.entrant_ids else np.zeros(0, np.int64)
    everyone = objects.with_columns(alive=np.ones(n, dtype=bool), validate=False)
    alive0[entrants] = False
    frames = []
    population: dict[str, npt.NDArray[np.bool_]] = {}
    for item in scenario.items:
        positions = np.flatnonzero(np.asarray(everyone.mask(item.scope), dtype=bool))
        try:
            frame = DrawFrame.from_directory(everyone, item)
        except EmptyFrameError:
            continue
        frames.append(_ItemFrame(item=item, positions=positions.astype(np.int64), frame=frame))
        mask = population.setdefault(item.department, np.zeros(n, dtype=bool))
        mask[positions] = True
    if not frames:
        raise SimulationError("no item of the scenario has a frame in its directory; check the item scopes")
    credit, credit_levels = objects.codes("credit")
    risk, risk_levels = objects.codes("risk")
    industries = np.asarray(objects.industries, dtype=str)
    section = np.asarray([s[:1] if s[:1].isalpha() else "" for s in industries.tolist()], dtype=str)
    if section.size and not any(section.tolist()):
        from randinspect.codes import INDUSTRY

        section = np.asarray([INDUSTRY.section_of(s) if s else "" for s in industries.tolist()], dtype=str)
    return Prepared(
        scenario=scenario,
        frames=tuple(frames),
        departments=tuple(sorted(population)),
        population=population,
        credit0=np.asarray(credit, dtype=np.int64),
        risk0=np.asarray(risk, dtype=np.int64),
        alive0=alive0,
        section=section,
        credit_levels=tuple(credit_levels),
        risk_levels=tuple(risk_levels),
        entrant_order=np.sort(entrants),
    )


def replication_seed(root: np.random.SeedSequence, point: int, replication: int) -> np.random.SeedSequence:
    """The seed of one replication of one grid point: ``root`` extended by the spawn key ``(point,
    replication)``, so it never depends on which worker runs it or in which order."""
    return np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, point, replication))


def _year_frame(
    base: _ItemFrame, alive: npt.NDArray[np.bool_], credit: IntArray, risk: IntArray
) -> DrawFrame:
    keep = alive[base.positions]
    pos = base.positions[keep]
    frame = base.frame
    return DrawFrame(
        ids=frame.ids[keep],
        stratum_codes=frame.stratum_codes[keep],
        stratum_labels=frame.stratum_labels,
        credit_codes=credit[pos],
        credit_levels=frame.credit_levels,
        risk_codes=np.minimum(risk[pos], len(frame.risk_levels) - 1),
        risk_levels=frame.risk_levels,
        key=frame.key[keep],
        stratum_column=frame.stratum_column,
    )


def run_replication(
    prepared: Prepared,
    seed: np.random.SeedSequence,
    years: int,
    *,
    point: int = 0,
    replication: int = 0,
    label: str = "",
) -> list[tuple[Any, ...]]:
    """Simulate ``years`` years of one replication; rows in :data:`COLUMNS` order."""
    scenario = prepared.scenario
    n = prepared.credit0.shape[0]
    behaviour, draws = seed.spawn(2)
    rng = np.random.Generator(np.random.PCG64(behaviour))
    entropy = int.from_bytes(draws.generate_state(4, np.uint32).tobytes(), "little")
    source = NumpySource(entropy)
    credit = prepared.credit0.copy()
    risk = prepared.risk0.copy()
    alive = prepared.alive0.copy()
    pool = list(prepared.entrant_order.tolist())
    pool_at = 0
    since = np.full(n, NEVER, dtype=np.int64)
    streak = np.zeros(n, dtype=np.int64)
    n_grades = len(prepared.credit_levels)
    rows: list[tuple[Any, ...]] = []
    for year in range(years):
        view = ObjectView(
            credit=_ro(credit),
            risk=_ro(risk),
            credit_levels=prepared.credit_levels,
            risk_levels=prepared.risk_levels,
            section=prepared.section,
            alive=_ro(alive),
            years_since_inspection=_ro(since),
            clean_streak=_ro(streak),
            year=year,
        )
        pi_sum = np.zeros(n, dtype=np.float64)
        expected: dict[str, npt.NDArray[np.float64]] = {}
        chosen: dict[str, list[IntArray]] = {}
        for base in prepared.frames:
            item = base.item
            frame = _year_frame(base, alive, credit, risk)
            if len(frame) == 0:
                continue
            policy = scenario.policy_for(item.department)
            pos = base.positions[alive[base.positions]]
            for round_no in range(1, item_rounds(item, getattr(policy, "matrix", None)) + 1):
                table = policy.inclusion(frame, item, round=round_no)
                pi = table.numerators / float(table.denominator)
                pi_sum[pos] += pi
                exp = expected.setdefault(item.department, np.zeros(n_grades))
                exp += np.bincount(credit[pos], weights=pi, minlength=n_grades)[:n_grades]
                mask, _ = select(table, source, f"sim|{item.id}|y{year}|r{round_no}")
                chosen.setdefault(item.department, []).append(pos[mask])
        propensity = _checked(scenario.violation.propensity(view), n, "violation.propensity")
        factor = _checked(scenario.deterrence.factor(view, np.minimum(pi_sum, 1.0)), n, "deterrence.factor")
        violating = alive & (rng.random(n) < propensity * factor)
        detect = _checked(scenario.detection.probability(view), n, "detection.probability")
        inspected = np.zeros(n, dtype=bool)
        found_any = np.zeros(n, dtype=bool)
        outcomes = []
        for department in prepared.departments:
            picks = chosen.get(department, [])
            sel = np.concatenate(picks) if picks else np.zeros(0, np.int64)
            hits = sel[violating[sel] & (rng.random(sel.size) < detect[sel])]
            visited = np.unique(sel)
            found = np.unique(hits)
            inspected[visited] = True
            found_any[found] = True
            outcomes.append((department, prepared.population[department] & alive, sel, visited, found))
        # Results feed back into next year's directory (the results rules, as a Markov step).
        streak = np.where(inspected & ~found_any, streak + 1, np.where(inspected, 0, streak))
        since = np.where(inspected, 0, np.minimum(since + 1, NEVER))
        new_credit, new_risk = scenario.transitions.step(view, inspected, found_any, _ro(streak), rng)
        leaving = np.asarray(scenario.population.exits(view, inspected, rng), dtype=bool)
        if leaving.shape != (n,):
            raise SimulationError("population.exits must return one flag per object")
        for department, members, sel, visited, found in outcomes:
            rows.extend(
                _department_rows(
                    (label, point, replication, year + 1, department),
                    prepared,
                    credit,
                    members,
                    violating,
                    leaving,
                    sel,
                    visited,
                    found,
                    expected.get(department, np.zeros(n_grades)),
                    rng,
                )
            )
        credit = np.where(alive, _codes(new_credit, n, n_grades, "credit"), credit)
        risk = np.where(alive, _codes(new_risk, n, len(prepared.risk_levels), "risk"), risk)
        alive = alive & ~leaving
        entering = int(scenario.population.entries(view, rng))
        if entering < 0:
            raise SimulationError(f"population.entries returned {entering}; it must be >= 0")
        take = pool[pool_at : pool_at + entering]
        pool_at += len(take)
        if take:
            alive[np.asarray(take, dtype=np.int64)] = True
    return rows


def _department_rows(
    key: tuple[str, int, int, int, str],
    prepared: Prepared,
    credit: IntArray,
    members: npt.NDArray[np.bool_],
    violating: npt.NDArray[np.bool_],
    leaving: npt.NDArray[np.bool_],
    sel: IntArray,
    visited: IntArray,
    found: IntArray,
    expected: npt.NDArray[np.float64],
    rng: np.random.Generator,
) -> list[tuple[Any, ...]]:
    g = len(prepared.credit_levels)
    objects = np.bincount(credit[members], minlength=g)[:g]
    violators = np.bincount(credit[members & violating], minlength=g)[:g]
    inspections = np.bincount(credit[sel], minlength=g)[:g]
    visited_by = np.bincount(credit[visited], minlength=g)[:g]
    found_by = np.bincount(credit[found], minlength=g)[:g]
    clean = visited[~violating[visited]]
    clean_by = np.bincount(credit[clean], minlength=g)[:g]
    exits_by = np.bincount(credit[members & leaving], minlength=g)[:g]
    visited_exits = visited[leaving[visited]]
    visited_exits_by = np.bincount(credit[visited_exits], minlength=g)[:g]
    staff = int(prepared.scenario.inspectors.get(key[4], 0))
    seats = int(visited.size) * prepared.scenario.group_size
    if staff > 0:
        # Seats spread over the department's inspectors as the uniform matcher would (each seat to a
        # uniformly random inspector): the load spread of random matching without caps.
        load = rng.multinomial(seats, np.full(staff, 1.0 / staff))
        load_mean, load_sd = float(load.mean()), float(load.std())
    else:
        load_mean = load_sd = float("nan")
    rows = []
    for code, grade in enumerate(prepared.credit_levels):
        n_obj = int(objects[code])
        n_vis = int(visited_by[code])
        rows.append(
            (
                *key,
                grade,
                n_obj,
                int(violators[code]),
                int(inspections[code]),
                float(expected[code]),
                n_vis,
                int(found_by[code]),
                found_by[code] / n_vis if n_vis else float("nan"),
                int(clean_by[code]),
                1.0 - violators[code] / n_obj if n_obj else float("nan"),
                staff,
                load_mean,
                load_sd,
                int(exits_by[code]),
                int(visited_exits_by[code]),
            )
        )
    return rows


def _ro(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    view = array.view()
    view.flags.writeable = False
    return view


def _checked(values: Any, n: int, what: str) -> npt.NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64)
    if array.shape != (n,):
        raise SimulationError(f"{what} returned shape {array.shape}, expected ({n},)")
    if not np.all((array >= 0) & (array <= 1)):
        bad = int(np.flatnonzero(~((array >= 0) & (array <= 1)))[0])
        raise SimulationError(
            f"{what} returned {float(array[bad])!r} for object {bad}; values must be in [0, 1]"
        )
    return array


def _codes(values: Any, n: int, levels: int, what: str) -> IntArray:
    array = np.asarray(values)
    if array.shape != (n,) or array.dtype.kind not in "iu":
        raise SimulationError(f"transitions.step must return integer {what} codes, one per object")
    if array.size and (int(array.min()) < 0 or int(array.max()) >= levels):
        raise SimulationError(f"transitions.step returned a {what} code outside 0..{levels - 1}")
    return array.astype(np.int64)


def check_years(years: Any, replications: Any) -> None:
    """Refuse a non-positive number of years or replications (typed error)."""
    for name, value in (("years", years), ("replications", replications)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigurationError(f"{name} = {value!r} must be a whole number >= 1")
