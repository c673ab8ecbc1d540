"""Replications and sweeps on any :class:`concurrent.futures.Executor` (a process pool, dask.distributed).

Seeds come from :class:`numpy.random.SeedSequence` spawn keys per grid point and replication
(:func:`replication_seed`), never from the worker, so a sweep gives bit-identical results whatever the
executor, the number of workers or the order in which tasks finish.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from randinspect.errors import ConfigurationError, InputError, SimulationError, SweepPointError
from randinspect.simulate._engine import COLUMNS, check_years, prepare, replication_seed, run_replication

if TYPE_CHECKING:
    import pandas as pd

    from randinspect.simulate._scenario import Scenario

__all__ = ["grid_points", "simulate", "sweep"]

SeedLike = int | Sequence[int] | np.random.SeedSequence


def _root_seed(seed: SeedLike) -> np.random.SeedSequence:
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, bool):
        raise ConfigurationError("seed must be an integer, a list of integers or a numpy SeedSequence")
    if isinstance(seed, int | np.integer):
        if int(seed) < 0:
            raise ConfigurationError(f"seed {seed} must be >= 0")
        return np.random.SeedSequence(int(seed))
    if isinstance(seed, list | tuple) and seed:
        values = list(seed)
        if all(isinstance(v, int | np.integer) and not isinstance(v, bool) and v >= 0 for v in values):
            return np.random.SeedSequence([int(v) for v in values])
    raise ConfigurationError(
        f"seed {seed!r} must be a non-negative integer, a list of them or a numpy SeedSequence"
    )


def grid_points(grid: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The grid points of a sweep: the Cartesian product of a mapping of name → values (in the order
    given), or an explicit list of parameter mappings.

    Raises
    ------
    ConfigurationError
        If a value list is empty or not a list.
    """
    if isinstance(grid, Mapping):
        names = list(grid)
        lists = []
        for name in names:
            values = grid[name]
            if isinstance(values, str | bytes) or not isinstance(values, Sequence) or not values:
                raise ConfigurationError(f"grid parameter {name!r} needs a non-empty list of values")
            lists.append(list(values))
        return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*lists)] or [{}]
    points = [dict(p) for p in grid]
    if not points:
        raise ConfigurationError("a grid needs at least one point")
    return points


def _task(
    scenario: Scenario,
    params: dict[str, Any],
    root: np.random.SeedSequence,
    point: int,
    replications: tuple[int, int],
    years: int,
) -> list[tuple[Any, ...]]:
    """Run replications ``[start, stop)`` of one grid point (the unit of work sent to an executor)."""
    prepared = prepare(scenario.with_params(params))
    rows: list[tuple[Any, ...]] = []
    for r in range(*replications):
        rows.extend(
            run_replication(
                prepared,
                replication_seed(root, point, r),
                years,
                point=point,
                replication=r,
                label=scenario.name,
            )
        )
    return rows


def _fingerprint(
    scenario: Scenario, params: Mapping[str, Any], root: np.random.SeedSequence, years: int, replications: int
) -> str:
    body = {
        "objects": scenario.objects.digest,
        "items": [item.to_dict() for item in scenario.items],
        "scenario": repr(
            (
                scenario.default_policy,
                sorted(scenario.policies.items()),
                scenario.violation,
                scenario.detection,
                scenario.deterrence,
                scenario.transitions,
                scenario.population,
                sorted(scenario.inspectors.items()),
                scenario.group_size,
                scenario.entrant_ids,
            )
        ),
        "params": {k: repr(v) for k, v in params.items()},
        "seed": [repr(root.entropy), list(root.spawn_key)],
        "years": years,
        "replications": replications,
        "columns": COLUMNS,
    }
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def _save(path: Path, rows: list[tuple[Any, ...]]) -> None:
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in COLUMNS]
    arrays: dict[str, Any] = {}
    for name, values in zip(COLUMNS, columns, strict=True):
        array = np.asarray(values)
        if array.dtype == object:
            array = array.astype(str)
        arrays[name] = array
    tmp = path.with_suffix(".tmp.npz")
    with tmp.open("wb") as handle:
        np.savez(handle, **arrays)
    os.replace(tmp, path)


def _load(path: Path) -> list[tuple[Any, ...]]:
    try:
        with np.load(path, allow_pickle=False) as data:
            columns = [data[name].tolist() for name in COLUMNS]
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(f"{path}: unreadable sweep cache file ({exc}); delete it to recompute") from None
    return list(zip(*columns, strict=True))


def _progress(total: int, enabled: bool | None, label: str) -> Callable[[int], None]:
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return lambda n: None
    try:
        from tqdm import tqdm  # type: ignore[import-untyped]
    except ImportError:
        return lambda n: None
    bar = tqdm(total=total, desc=label, unit="rep", leave=False, file=sys.stderr)

    def advance(n: int) -> None:
        bar.update(n)
        if bar.n >= total:
            bar.close()

    return advance


def sweep(
    scenario: Scenario,
    grid: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]],
    *,
    years: int = 5,
    replications: int = 100,
    seed: SeedLike = 0,
    executor: Executor | None = None,
    chunk: int | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Simulate every grid point of ``grid`` (see :meth:`Scenario.with_params` for parameter names).

    Parameters
    ----------
    scenario:
        The base scenario.
    grid:
        Parameter name → list of values (Cartesian product), or a list of parameter mappings.
    years, replications:
        Simulated years per replication and replications per grid point.
    seed:
        Root seed: an integer, a list of integers or a :class:`numpy.random.SeedSequence`. Replication
        ``r`` of point ``g`` uses the spawn key ``(g, r)`` under it, so results do not depend on the
        executor or the number of workers.
    executor:
        Any :class:`concurrent.futures.Executor`; default a process pool on every core, shut down after.
        For dask.distributed pass ``client.get_executor()``.
    chunk:
        Replications per task (default: spread over about four tasks per core).
    cache_dir:
        Folder for one result file per grid point; points already there are loaded, not recomputed, so
        an interrupted sweep resumes with the same result.
    progress:
        Show a progress bar (tqdm) — default only when standard error is a terminal.

    Returns
    -------
    pandas.DataFrame
        The tidy table of :data:`randinspect.simulate.COLUMNS` plus one column per grid parameter; one row
        per grid point × replication × year × department × credit grade.

    Raises
    ------
    ConfigurationError
        On an unknown parameter name or a value out of range (checked for every point before any work).
    SweepPointError
        If a grid point fails or its worker is lost: the point and its parameters are named.
    """
    check_years(years, replications)
    root = _root_seed(seed)
    points = grid_points(grid)
    for params in points:  # validate every point before any work starts
        scenario.with_params(params)
    cache = Path(cache_dir) if cache_dir is not None else None
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
    results: dict[int, list[tuple[Any, ...]]] = {}
    todo: list[int] = []
    fingerprints = {}
    for g, params in enumerate(points):
        fingerprints[g] = _fingerprint(scenario, params, root, years, replications)
        if cache is not None and (cache / f"point-{g:05d}-{fingerprints[g]}.npz").exists():
            results[g] = _load(cache / f"point-{g:05d}-{fingerprints[g]}.npz")
        else:
            todo.append(g)
    workers = os.cpu_count() or 1
    if chunk is None:
        chunk = max(1, -(-replications * max(1, len(todo)) // (4 * workers)))
        chunk = min(chunk, replications)
    if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1:
        raise ConfigurationError(f"chunk = {chunk!r} must be a whole number >= 1")
    tasks = [(g, (lo, min(lo + chunk, replications))) for g in todo for lo in range(0, replications, chunk)]
    advance = _progress(replications * len(points), progress, scenario.name or "sweep")
    advance(replications * (len(points) - len(todo)))
    if tasks:
        own = executor is None
        pool: Executor = ProcessPoolExecutor(max_workers=min(workers, len(tasks))) if own else executor  # type: ignore[assignment]
        try:
            futures: list[tuple[int, tuple[int, int], Future[list[tuple[Any, ...]]]]] = [
                (g, span, pool.submit(_task, scenario, points[g], root, g, span, years)) for g, span in tasks
            ]
            parts: dict[int, list[list[tuple[Any, ...]]]] = {g: [] for g in todo}
            per_replication = None
            for g, span, future in futures:
                try:
                    rows = future.result()
                except (SimulationError, ConfigurationError) as exc:
                    raise SweepPointError(
                        f"grid point {g} {points[g]}: {exc}", point=g, params=points[g]
                    ) from exc
                except Exception as exc:  # a lost worker, a broken pool, a cancelled task
                    raise SweepPointError(
                        f"grid point {g} {points[g]}: replications {span[0]}..{span[1] - 1} failed or their "
                        f"worker was lost ({type(exc).__name__}: {exc}); nothing of this point was kept",
                        point=g,
                        params=points[g],
                    ) from exc
                expected_rows = _expected_rows(rows, span, per_replication)
                per_replication = expected_rows
                parts[g].append(rows)
                advance(span[1] - span[0])
                if len(parts[g]) == -(-replications // chunk):
                    results[g] = [row for part in parts[g] for row in part]
                    if cache is not None:
                        _save(cache / f"point-{g:05d}-{fingerprints[g]}.npz", results[g])
        finally:
            if own:
                pool.shutdown(cancel_futures=True)
    return _frame(points, results)


def _expected_rows(rows: list[tuple[Any, ...]], span: tuple[int, int], per: int | None) -> int:
    count = span[1] - span[0]
    seen = sorted({row[2] for row in rows})
    if seen != list(range(*span)):
        raise SimulationError(
            f"a task for replications {span[0]}..{span[1] - 1} returned rows of replications {seen[:5]}: "
            "the executor lost or mixed up results"
        )
    each = len(rows) // count
    if each * count != len(rows) or (per is not None and each != per):
        raise SimulationError("a task returned an unexpected number of rows: the executor lost results")
    return each


def _frame(points: list[dict[str, Any]], results: Mapping[int, Iterable[tuple[Any, ...]]]) -> pd.DataFrame:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is in the simulate extra
        raise ImportError("simulation results need pandas: pip install 'randinspect[simulate]'") from None
    rows = [row for g in range(len(points)) for row in results[g]]
    frame = pd.DataFrame.from_records(rows, columns=list(COLUMNS))
    names: list[str] = []
    for params in points:
        names.extend(n for n in params if n not in names)
    for name in names:
        values = [points[g].get(name) for g in range(len(points))]
        frame[name] = pd.Series(values, dtype=object).iloc[frame["point"].to_numpy()].to_numpy()
    int_cols = [
        "point",
        "replication",
        "year",
        "objects",
        "violating",
        "inspections",
        "objects_visited",
        "violations_found",
        "compliant_visited",
        "inspectors",
        "exits",
        "visited_exits",
    ]
    return frame.astype(dict.fromkeys(int_cols, "int64"))


def simulate(
    scenario: Scenario,
    years: int = 5,
    replications: int = 100,
    seed: SeedLike = 0,
    *,
    executor: Executor | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Simulate ``replications`` independent runs of ``years`` annual cycles of ``scenario``.

    Without an ``executor`` the replications run in this process (no pool is started); with one, as
    :func:`sweep` does. Results are identical either way for the same ``seed``.

    Returns
    -------
    pandas.DataFrame
        One row per replication × year × department × credit grade (see :data:`COLUMNS`).

    Examples
    --------
    >>> from randinspect.simulate import Scenario, simulate
    >>> df = simulate(Scenario.from_demo(2_000), years=2, replications=2, seed=1)
    >>> sorted(df["year"].unique().tolist())
    [1, 2]
    """
    check_years(years, replications)
    root = _root_seed(seed)
    if executor is not None:
        return sweep(
            scenario,
            [{}],
            years=years,
            replications=replications,
            seed=root,
            executor=executor,
            progress=progress,
        )
    advance = _progress(replications, progress, scenario.name or "simulate")
    prepared = prepare(scenario)
    rows: list[tuple[Any, ...]] = []
    for r in range(replications):
        rows.extend(
            run_replication(prepared, replication_seed(root, 0, r), years, replication=r, label=scenario.name)
        )
        advance(1)
    return _frame([{}], {0: rows})
