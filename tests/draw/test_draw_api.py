"""Tests of the public surface of randinspect.draw."""

from __future__ import annotations

import randinspect.draw as draw_pkg
import randinspect.typing as typing_mod


class TestPublicNames:
    def test_all_is_sorted_unique_and_importable(self) -> None:
        """__all__ lists each public name once, sorted (constants first), and every name exists."""
        names = draw_pkg.__all__
        assert len(names) == len(set(names))
        assert names == sorted(names, key=lambda s: (not s.isupper(), s))
        for name in names:
            assert getattr(draw_pkg, name) is not None

    def test_protocols_exported(self) -> None:
        """The draw Protocols live in randinspect.typing."""
        assert {"RandomSource", "CreditRiskMatrix", "SamplingPolicy"} <= set(typing_mod.__all__)

    def test_no_private_names_exported(self) -> None:
        """No exported name starts with an underscore."""
        assert not [n for n in draw_pkg.__all__ if n.startswith("_")]
