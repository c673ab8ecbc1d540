"""``randinspect demo``: the annual cycle on the embedded demo city, with no arguments and no network."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add the ``demo`` sub-command."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "demo",
        help="run the annual cycle on the embedded demo city",
        description="Load the embedded Guiyang-like demo city and summarise both directories.",
    )
    p.add_argument("--objects", type=int, default=20_000, metavar="N", help="objects in the city (20000)")
    p.add_argument("--seed", type=int, default=2026, help="seed of the city generator (2026)")
    p.add_argument("--year", type=int, default=2027, help="plan year (2027)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the demo; return the exit code."""
    from randinspect.datasets import demo_city, format_summary

    city = demo_city(n_objects=args.objects, seed=args.seed, year=args.year)
    print(format_summary(city.summary()))
    return 0
