"""Testing help for record stores: a conformance check for :class:`randinspect.typing.RecordStore`.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from randinspect.errors import InputError, RecordConflictError, RecordError, RecordNotFoundError
from randinspect.ledger import StoredRecord
from randinspect.typing import RecordStore

__all__ = ["check_record_store"]


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def _raises(error: type[Exception], call: Callable[[], Any], message: str) -> None:
    try:
        call()
    except error:
        return
    except Exception as exc:
        raise AssertionError(
            f"{message}: raised {type(exc).__name__} ({exc}), not {error.__name__}"
        ) from None
    raise AssertionError(f"{message}: nothing was raised, expected {error.__name__}")


def check_record_store(make_store: Callable[[], RecordStore]) -> None:
    """Check that a store honours the :class:`~randinspect.typing.RecordStore` Protocol.

    On a fresh store from ``make_store``: it is empty; a put returns a
    :class:`~randinspect.ledger.StoredRecord` whose text is the canonical JSON of the document and whose
    digest is its SHA-256; ``get`` returns it equal; a repeat of the same bytes returns the stored record
    (same creation time); other bytes or another year under the same ``(kind, id)`` raise
    :class:`~randinspect.errors.RecordConflictError` and change nothing; an invalid document (a float, a draw
    record breaking its schema) is refused with nothing stored; a missing record raises
    :class:`~randinspect.errors.RecordNotFoundError`; ``records`` filters by kind and year and orders by kind,
    then id, by code point.

    Parameters
    ----------
    make_store:
        Returns a new, empty store each time it is called.

    Raises
    ------
    AssertionError
        Naming the first guarantee that does not hold.
    """
    store = make_store()
    name = type(store).__name__
    _require(isinstance(store, RecordStore), f"{name} does not have the RecordStore methods")
    _require(len(store) == 0, f"{name}: a new store holds {len(store)} records, expected 0")
    _require(list(store.records()) == [], f"{name}: records() of an empty store is not empty")

    doc = {"year": 2027, "名称": "抽查", "items": [3, 1, 2], "ok": True, "none": None}
    first = store.put("summary", "2027", doc, year=2027)
    text = '{"items":[3,1,2],"none":null,"ok":true,"year":2027,"名称":"抽查"}'
    _require(isinstance(first, StoredRecord), f"{name}: put returned a {type(first).__name__}")
    _require(first.text == text, f"{name}: stored text {first.text!r} is not the canonical JSON {text!r}")
    _require(
        first.digest == hashlib.sha256(text.encode("utf-8")).hexdigest(),
        f"{name}: the digest is not the SHA-256 of the text",
    )
    _require(
        (first.kind, first.id, first.year) == ("summary", "2027", 2027), f"{name}: kind, id or year lost"
    )
    _require(store.get("summary", "2027") == first, f"{name}: get does not return the stored record")
    _require(store.get("summary", "2027").document == doc, f"{name}: the document does not round-trip")
    again = store.put("summary", "2027", dict(reversed(list(doc.items()))), year=2027)
    _require(again == first, f"{name}: a repeat of the same bytes did not return the stored record unchanged")
    _raises(
        RecordConflictError,
        lambda: store.put("summary", "2027", {**doc, "year": 2028}, year=2027),
        f"{name}: other bytes under a stored (kind, id)",
    )
    _raises(
        RecordConflictError,
        lambda: store.put("summary", "2027", doc, year=2028),
        f"{name}: the same bytes under another year",
    )
    _require(store.get("summary", "2027") == first, f"{name}: a refused put changed the stored record")
    _raises(InputError, lambda: store.put("summary", "x", {"t": 0.5}), f"{name}: a float in a document")
    _raises(RecordError, lambda: store.put("draw", "bad", {"format": "x"}), f"{name}: an invalid draw record")
    _raises(RecordNotFoundError, lambda: store.get("draw", "bad"), f"{name}: a refused record was stored")
    _raises(RecordNotFoundError, lambda: store.get("summary", "1999"), f"{name}: a missing record")
    _require(len(store) == 1, f"{name}: holds {len(store)} records after one accepted put, expected 1")

    for kind, record_id, year in [
        ("publication", "b", 2027),
        ("publication", "B", 2027),
        ("publication", "甲", 2027),
        ("publication", "a-2026", 2026),
        ("assessment", "z", None),
    ]:
        store.put(kind, record_id, {"id": record_id}, year=year)
    listed = [(r.kind, r.id) for r in store.records()]
    _require(listed == sorted(listed), f"{name}: records() is not ordered by kind, then id: {listed}")
    _require(len(listed) == len(store) == 6, f"{name}: records() lists {len(listed)} of {len(store)} records")
    by_year = [r.id for r in store.records(kind="publication", year=2027)]
    _require(by_year == ["B", "b", "甲"], f"{name}: records(kind, year) gave {by_year}")
    _require(
        [r.id for r in store.records(year=2026)] == ["a-2026"],
        f"{name}: records(year=2026) does not filter by year",
    )
