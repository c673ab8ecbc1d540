"""The one place that turns a failure of a ``randinspect`` command into an exit code and one line of text.

Every sub-command raises; :func:`report` decides the exit code from the exception's type and prints one
line on standard error, never a traceback. ``docs/cli.md`` ("Exit codes") shows the same table: change
both together.

====  ==========================================================================================
code  meaning
====  ==========================================================================================
0     success: done, clean, reproduces
1     the command ran and the answer is "no": a record does not reproduce or is not a valid record
      (any tampering), a commitment mismatch (``verify --commitment``, ``draw --commitment``),
      ``check`` found problems, ``match --allow-partial`` left tasks unstaffed, ``demo`` found a
      draw or matching that does not verify
2     the command could not run: unreadable or malformed input (also a ``--commitment`` or
      ``--opening`` file), bad arguments, an output that cannot be written, an infeasible
      matching, a refused journal entry; ``verify`` of a draw with reason digests without its
      ``--opening`` (the checks that need no opening passed, the full check could not run; a
      difference found by them exits 1)
====  ==========================================================================================
"""

from __future__ import annotations

import csv
import sqlite3
import sys
from typing import Final, TextIO

from randinspect.errors import OpeningRequiredError, RandInspectError, VerificationError

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_UNUSABLE", "exit_code", "message", "report"]

EXIT_OK: Final = 0
"""Success."""
EXIT_FAILED: Final = 1
"""The command ran and the answer is "no" (does not reproduce, problems found, tasks left unstaffed)."""
EXIT_UNUSABLE: Final = 2
"""The command could not run (unreadable or bad input, bad arguments, unwritable output)."""


def exit_code(exc: BaseException) -> int:
    """The exit code of a command that raised ``exc``."""
    if isinstance(exc, KeyboardInterrupt):
        return 130
    if isinstance(exc, VerificationError):
        return EXIT_FAILED
    return EXIT_UNUSABLE


def message(exc: BaseException) -> str:
    """One line saying what went wrong and, where the error says it, how to fix it."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, OpeningRequiredError):
        return f"NOT fully checked ({type(exc).__name__}): {text}"
    if isinstance(exc, VerificationError):
        return f"NOT reproduced ({type(exc).__name__}): {text}"
    if isinstance(exc, RandInspectError):
        return f"error: {text}"
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted; files being written were left as they were"
    if isinstance(exc, sqlite3.DatabaseError):
        return (
            f"error: the SQLite journal cannot be read ({text}); it is damaged or not a randinspect journal: "
            "restore it from a copy"
        )
    if isinstance(exc, csv.Error):
        return f"error: malformed CSV ({text}); check the file's quoting and separators"
    if isinstance(exc, UnicodeError):
        return f"error: text that is not valid UTF-8 or GB18030 ({text}); save the file as UTF-8"
    if isinstance(exc, OSError):
        where = f" {exc.filename!s}" if exc.filename is not None else ""
        return f"error: cannot read or write{where}: {exc.strerror or text}"
    if isinstance(exc, RecursionError | MemoryError):
        return f"error: the input is too deeply nested or too large ({type(exc).__name__})"
    return f"internal error ({type(exc).__name__}): {text}; please report this as a randinspect bug"


def _safe(text: str, stream: TextIO) -> str:
    encoding = getattr(stream, "encoding", None) or "utf-8"
    return text.encode(encoding, errors="backslashreplace").decode(encoding, errors="replace")


def report(command: str, exc: BaseException, stream: TextIO | None = None) -> int:
    """Print ``randinspect <command>: <one line>`` for ``exc`` on ``stream`` (stderr); return the code."""
    out = sys.stderr if stream is None else stream
    out.write(_safe(f"randinspect {command}: {message(exc)}\n", out))
    out.flush()
    return exit_code(exc)
