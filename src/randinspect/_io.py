"""Writing files all-or-nothing, and spreadsheet-safe CSV cells: the one path every writer goes through.

:func:`atomic_write_text` writes to a temporary file in the target's directory, flushes it to disk and
renames it over the target (``os.replace``, atomic on POSIX and Windows), so a reader never sees half a
file and a failure leaves the old file, or no file, as it was.

:func:`csv_cell` neutralises spreadsheet formulas (CSV injection, OWASP "CSV Injection"): a text cell that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a leading apostrophe
``'``, which spreadsheet programs show as text and never evaluate. A cell that already starts with an
apostrophe gets one more, so :func:`csv_uncell` (used by every CSV reader of randinspect) restores every
value exactly. Plain numbers (``-1``, ``+0.5``) are left as they are: they cannot be formulas.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np

from randinspect.errors import LoadError, OutputError, Problem

__all__ = [
    "FORMULA_PREFIXES",
    "atomic_write_text",
    "check_output_path",
    "commit_staged",
    "csv_cell",
    "csv_column",
    "csv_text",
    "csv_uncell",
    "discard_staged",
    "read_csv_rows",
    "stage_text",
]

FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP)."""

_NUMBER: Final = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_ESCAPED: Final = (*FORMULA_PREFIXES, "'")


def csv_cell(value: Any) -> str:
    """The text of ``value`` as it goes into a CSV cell, with a formula-starting text neutralised.

    Examples
    --------
    >>> csv_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> csv_cell("-1"), csv_cell("'quoted"), csv_cell("贵阳")
    ('-1', "''quoted", '贵阳')
    """
    text = "" if value is None else str(value)
    if text.startswith(_ESCAPED) and _NUMBER.fullmatch(text) is None:
        return "'" + text
    return text


def csv_column(values: list[Any]) -> list[Any]:
    """:func:`csv_cell` over a column, fast when no cell needs it (numpy looks at the first characters)."""
    if not values:
        return values
    first = np.asarray([v[:1] if isinstance(v, str) else "" for v in values], dtype="U1")
    risky = np.flatnonzero(np.isin(first, _ESCAPED))
    if risky.size == 0:
        return values
    out = list(values)
    for i in risky.tolist():
        out[i] = csv_cell(out[i])
    return out


def csv_uncell(text: str) -> str:
    """Undo :func:`csv_cell`: drop the apostrophe it put before ``=``, ``+``, ``-``, ``@``, tab, CR or ``'``.

    Examples
    --------
    >>> csv_uncell(csv_cell("=1+1")), csv_uncell("'plain")
    ('=1+1', "'plain")
    """
    if len(text) > 1 and text[0] == "'" and text[1] in _ESCAPED:
        return text[1:]
    return text


def read_csv_rows(path: str | os.PathLike[str], required: Iterable[str]) -> list[dict[str, str]]:
    """The data rows of a small CSV file as dicts of stripped text, every cell :func:`csv_uncell`-ed.

    The file is UTF-8 (a BOM is dropped) or else GB18030, as the directory loaders read it; a missing
    cell is ``""``. Row ``k`` of the list is row ``k + 1`` of the file's data (the header is row 0).

    Raises
    ------
    randinspect.errors.LoadError
        The file cannot be read or decoded, is not well-formed CSV, or lacks a column of ``required``
        (the problem names the file, and the columns missing).
    """
    from randinspect.directory._text import decode_bytes

    required = tuple(required)
    source = os.fspath(path)
    try:
        text = decode_bytes(Path(path).read_bytes()).text
    except OSError as exc:
        raise LoadError([Problem(message=f"cannot read file: {exc.strerror}", source=source)]) from None
    except UnicodeDecodeError as exc:
        raise LoadError(
            [
                Problem(
                    message=f"cannot decode the file ({exc})",
                    source=source,
                    hint="save the file as UTF-8 (or GB18030) text",
                )
            ]
        ) from None
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        rows = [
            {str(k).strip(): csv_uncell((v or "").strip()) for k, v in row.items() if k is not None}
            for row in reader
        ]
        fieldnames = [str(f).strip() for f in reader.fieldnames or ()]
    except csv.Error as exc:
        raise LoadError(
            [Problem(message=f"malformed CSV: {exc}", source=source, code="csv", hint="check the quoting")]
        ) from None
    missing = sorted(set(required) - set(fieldnames))
    if missing:
        raise LoadError(
            [
                Problem(
                    message=f"missing column(s) {missing}",
                    source=source,
                    row=0,
                    hint=f"the header needs {', '.join(required)}",
                    code="csv.columns",
                )
            ]
        )
    return rows


def csv_text(header: Sequence[str], rows: Iterable[Iterable[Any]]) -> str:
    """CSV text (``\\n`` line ends) of a header and rows, every cell through :func:`csv_cell`."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    # The csv module does not quote a lone CR when the line ends are \n: rows holding one are quoted whole.
    quoted = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in ([csv_cell(h) for h in header], *([csv_cell(v) for v in r] for r in rows)):
        (quoted if any("\r" in c for c in row) else writer).writerow(row)
    return buf.getvalue()


def check_output_path(path: str | os.PathLike[str], *, what: str = "output") -> Path:
    """Check that ``path`` can be written as a file: its directory exists and it is not a directory.

    Raises
    ------
    randinspect.errors.OutputError
        Saying what is wrong and how to fix it.
    """
    p = Path(path)
    if p.is_dir():
        raise OutputError(f"cannot write the {what} to {str(p)!r}: it is a directory; give a file name")
    parent = p.parent
    if not parent.is_dir():
        raise OutputError(
            f"cannot write the {what} to {str(p)!r}: directory {str(parent)!r} does not exist; "
            "create it first"
        )
    return p


def stage_text(
    path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8", what: str = "output"
) -> Path:
    """Write ``text`` to a new temporary file beside ``path`` (flushed to disk) and return its path.

    :func:`commit_staged` renames it into place, :func:`discard_staged` removes it: a command can stage
    every output, then journal, then commit, so it either completes or leaves no trace.

    Raises
    ------
    randinspect.errors.OutputError
        If the directory does not exist, ``path`` is a directory or the file cannot be written (no
        temporary file remains then).
    """
    p = check_output_path(path, what=what)
    data = text.encode(encoding)
    try:
        fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"cannot write the {what} to {str(p)!r}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException as exc:
        discard_staged(Path(tmp))
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write the {what} to {str(p)!r}: {exc.strerror or exc}") from None
        raise
    return Path(tmp)


def commit_staged(staged: Path, path: str | os.PathLike[str], *, what: str = "output") -> None:
    """Rename a file from :func:`stage_text` over ``path`` (atomic); on failure remove it.

    Raises
    ------
    randinspect.errors.OutputError
        If the rename fails; ``path`` is then as it was.
    """
    try:
        os.replace(staged, path)
    except OSError as exc:
        discard_staged(staged)
        raise OutputError(f"cannot write the {what} to {os.fspath(path)!r}: {exc.strerror or exc}") from None


def discard_staged(staged: Path) -> None:
    """Remove a staged temporary file (no error if it is gone)."""
    with contextlib.suppress(OSError):
        os.unlink(staged)


def atomic_write_text(
    path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8", what: str = "output"
) -> None:
    """Write ``text`` to ``path`` all-or-nothing: a temporary file beside it, ``fsync``, then rename.

    Line ends are written as given (no newline translation).

    Raises
    ------
    randinspect.errors.OutputError
        If the directory does not exist, ``path`` is a directory or the file cannot be written; the target
        is then left as it was and no temporary file remains.
    """
    commit_staged(stage_text(path, text, encoding=encoding, what=what), path, what=what)
