"""The ``randinspect`` command.

Each sub-command lives in its own module of this package and exposes ``register(subparsers)``, which adds
its parser and sets ``func`` to a callable taking the parsed arguments and returning the exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from randinspect.cli._exit import report

__all__ = ["main"]

# Sub-command modules, in the order ``randinspect --help`` lists them.
_COMMANDS: tuple[str, ...] = ("demo", "check", "draw", "match", "plan", "publish", "results", "simulate")


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every sub-command registered."""
    from randinspect import __version__

    parser = argparse.ArgumentParser(
        prog="randinspect",
        description=(
            "Double random, one public (双随机、一公开): verifiable draws, random matching, joint plans."
        ),
    )
    parser.add_argument("--version", action="version", version=f"randinspect {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMANDS:
        module = importlib.import_module(f"randinspect.cli.{name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    0 ok; 1 the command ran and the answer is "no" (a record does not reproduce or is invalid, problems
    found, tasks left unstaffed); 2 the command could not run (unreadable or bad input, bad arguments). Every
    failure prints one line on standard error, never a traceback (``randinspect.cli._exit``).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        parser.print_help()
        return 2
    try:
        code: int = args.func(args)
    except (Exception, KeyboardInterrupt) as exc:
        return report(str(args.command), exc)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
