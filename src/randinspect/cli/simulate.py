"""``randinspect simulate``: run a scenario file (one point or a grid) and write the table and figures.

Writes ``results.csv`` (always), ``results.parquet`` (when pyarrow is installed) and the standard figures as
PNG (when matplotlib is installed) to ``--out``, and prints a summary per grid point. Exit status 0 on
success, 2 on a bad scenario file or parameter.
"""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path
from typing import Any

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``simulate`` sub-command to ``subparsers``."""
    parser = subparsers.add_parser(
        "simulate",
        help="simulate quota rules over several years (a scenario file, optionally a grid)",
        description=(
            "Simulate a scenario (政策模拟): years of draws, inspections, findings and feedback, with "
            "replications, over an optional parameter grid. Writes results.csv (and results.parquet with "
            "pyarrow) and PNG figures (with matplotlib) to --out."
        ),
    )
    parser.add_argument("--scenario", required=True, metavar="SCENARIO.toml", help="scenario file (TOML)")
    parser.add_argument("--out", required=True, metavar="DIR", help="output folder (created)")
    parser.add_argument("--years", type=int, help="simulated years (overrides the file)")
    parser.add_argument("--replications", type=int, help="replications per grid point (overrides the file)")
    parser.add_argument("--seed", type=int, help="root seed (overrides the file)")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: one per core)")
    parser.add_argument("--cache", metavar="DIR", help="cache folder: an interrupted sweep resumes from it")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the scenario named in ``args``; return the exit status."""
    from concurrent.futures import ProcessPoolExecutor

    from randinspect.errors import ConfigurationError
    from randinspect.simulate import Scenario, grid_points, sweep

    scenario, settings = Scenario.from_toml(args.scenario)
    sim = settings["simulation"]
    years = args.years if args.years is not None else int(sim.get("years", 5))
    replications = args.replications if args.replications is not None else int(sim.get("replications", 100))
    seed = args.seed if args.seed is not None else sim.get("seed", 0)
    grid = settings["grid"] or [{}]
    if args.workers is not None and args.workers < 1:
        raise ConfigurationError(f"--workers {args.workers} must be at least 1")
    out = Path(args.out)
    executor = ProcessPoolExecutor(max_workers=args.workers) if args.workers else None
    try:
        df = sweep(
            scenario,
            grid,
            years=years,
            replications=replications,
            seed=seed,
            executor=executor,
            cache_dir=args.cache,
        )
    finally:
        if executor is not None:
            executor.shutdown()
    out.mkdir(parents=True, exist_ok=True)
    written = [_write_csv(df, out / "results.csv")]
    if importlib.util.find_spec("pyarrow") is not None:
        df.astype({c: str for c in df.columns if df[c].dtype == object}).to_parquet(out / "results.parquet")
        written.append(out / "results.parquet")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print("matplotlib is not installed: no figures (pip install 'randinspect[plot]')")
    else:
        from randinspect.simulate.plots import FIGURES

        for stem, make in FIGURES.items():
            figure = make(df)
            figure.savefig(out / f"{stem}.png", dpi=120)
            written.append(out / f"{stem}.png")
    params = [c for c in df.columns if c not in _columns()]
    summary = df.groupby(params or ["point"], dropna=False)[
        ["inspections", "expected_inspections", "violations_found", "compliant_visited"]
    ].sum() / (replications * years)
    print(
        f"{scenario.name}: {years} years x {replications} replications x "
        f"{len(grid_points(grid))} grid point(s)"
    )
    print("per year (mean over replications):")
    print(summary.round(1).to_string())
    for path in written:
        print(f"wrote {path}")
    return 0


def _columns() -> tuple[str, ...]:
    from randinspect.simulate import COLUMNS

    return COLUMNS


def _write_csv(df: Any, path: Path) -> Path:
    tmp = path.with_suffix(".csv.tmp")
    df.to_csv(tmp, index=False, encoding="utf-8")
    tmp.replace(path)
    return path
