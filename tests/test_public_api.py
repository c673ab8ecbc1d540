"""The public surface: every package's ``__all__`` is sorted, complete and importable."""

from __future__ import annotations

import importlib
import inspect

import pytest

import randinspect

PACKAGES = [
    "randinspect",
    "randinspect.calendar",
    "randinspect.codes",
    "randinspect.datasets",
    "randinspect.directory",
    "randinspect.draw",
    "randinspect.errors",
    "randinspect.items",
    "randinspect.ledger",
    "randinspect.matching",
    "randinspect.model",
    "randinspect.planning",
    "randinspect.publish",
    "randinspect.results",
    "randinspect.simulate",
    "randinspect.simulate.plots",
    "randinspect.scale",
    "randinspect.testing",
    "randinspect.testing.strategies",
    "randinspect.typing",
]


def _isort_key(name: str) -> tuple[int, str]:
    """Ruff's (isort-style) order: CONSTANTS, then Classes, then functions."""
    if name.isupper() or (name.upper() == name and "_" in name):
        return (0, name)
    if name[:1].isupper():
        return (1, name)
    return (2, name)


@pytest.mark.parametrize("name", PACKAGES)
class TestAll:
    def test_names_exist(self, name: str) -> None:
        """Every name in __all__ can be imported from the package."""
        module = importlib.import_module(name)
        missing = [n for n in module.__all__ if not hasattr(module, n)]
        assert missing == []

    def test_no_duplicates(self, name: str) -> None:
        """__all__ lists each name once."""
        module = importlib.import_module(name)
        assert len(set(module.__all__)) == len(module.__all__)

    def test_public_definitions_listed(self, name: str) -> None:
        """Every public class or function defined in the package's modules is in its __all__."""
        module = importlib.import_module(name)
        defined = {
            n
            for n, obj in vars(module).items()
            if not n.startswith("_")
            and (inspect.isclass(obj) or inspect.isfunction(obj))
            and getattr(obj, "__module__", "").startswith(name)
        }
        assert defined - set(module.__all__) == set()


def test_top_level_sorted() -> None:
    """The top-level __all__ is sorted the way ruff sorts it, so additions land in one obvious place."""
    names = [n for n in randinspect.__all__ if n != "__version__"]
    assert names == sorted(names, key=_isort_key)


def test_top_level_names_are_the_subpackages_objects() -> None:
    """Top-level names are re-exports, not copies: the same objects as in their home packages."""
    from randinspect import directory, draw, matching, planning

    assert randinspect.ObjectDirectory is directory.ObjectDirectory
    assert randinspect.commit is draw.commit
    assert randinspect.ExactMarginalMatcher is matching.ExactMarginalMatcher
    assert randinspect.run_cycle is planning.run_cycle


def test_subpackage_names_not_shadowed() -> None:
    """No top-level name hides a subpackage (``randinspect.draw`` stays the package, not its function)."""
    import types

    for sub in (
        "calendar",
        "codes",
        "datasets",
        "directory",
        "draw",
        "items",
        "ledger",
        "matching",
        "planning",
        "publish",
    ):
        importlib.import_module(f"randinspect.{sub}")
        assert isinstance(getattr(randinspect, sub), types.ModuleType), sub
