"""Canonical JSON now lives in :mod:`randinspect._canonical`, below the ledger; this module re-exports it.

Kept so that imports of ``randinspect.draw._canonical`` (in tests and in other branches) go on working.
"""

from __future__ import annotations

from randinspect._canonical import _check, _plain, canonical_digest, canonical_json

__all__ = ["_check", "_plain", "canonical_digest", "canonical_json"]
