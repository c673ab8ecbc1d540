"""The Python examples of docs/simulation.md run as written (except the one that needs a dask scheduler)."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "simulation.md"


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


class TestSimulationGuide:
    def test_examples_run(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Every Python block of the guide runs, in order, in one namespace."""
        matplotlib.use("Agg")
        monkeypatch.chdir(tmp_path)
        namespace: dict[str, object] = {}
        blocks = [b for b in _blocks() if not b.startswith("# cluster example")]
        assert len(blocks) >= 4
        for block in blocks:
            exec(compile(block, str(DOC), "exec"), namespace)
        assert (tmp_path / "violations.png").exists()
        assert "exit rate of visited objects" in capsys.readouterr().out
