"""Canonical JSON now lives in :mod:`randinspect._canonical`, below the ledger; this module re-exports it."""

from __future__ import annotations

from randinspect._canonical import canonical_digest, canonical_json

__all__ = ["canonical_digest", "canonical_json"]
