"""Sweeps: identical results on every executor (process pool, threads, a real dask LocalCluster), resumable
caches, and failed grid points reported, never dropped."""

from __future__ import annotations

from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from randinspect.cli import main
from randinspect.errors import ConfigurationError, SweepPointError
from randinspect.simulate import Scenario, grid_points, simulate, sweep

GRID = {"items.general_ratio": ["3%", "5%"], "matrix.credit_multipliers.D": [4, 8]}


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return Scenario.from_demo(2_000, seed=3)


@pytest.fixture(scope="module")
def reference(scenario: Scenario) -> pd.DataFrame:
    return sweep(scenario, GRID, years=2, replications=3, seed=17, executor=ThreadPoolExecutor(1), chunk=1)


class FlakyExecutor(Executor):
    """Runs tasks in this thread but loses the second one (its future fails as a lost worker's would)."""

    def __init__(self) -> None:
        self.calls = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.calls += 1
        future: Future[Any] = Future()
        if self.calls == 2:
            future.set_exception(ConnectionError("worker tcp://127.0.0.1:1 lost"))
        else:
            future.set_result(fn(*args, **kwargs))
        return future


class CountingExecutor(Executor):
    """Runs tasks in this thread and counts them."""

    def __init__(self) -> None:
        self.calls = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.calls += 1
        future: Future[Any] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


class TestGrid:
    def test_product_in_order(self) -> None:
        """A mapping grid is the Cartesian product of its lists, in the order given."""
        points = grid_points({"a": [1, 2], "b": ["x"]})
        assert points == [{"a": 1, "b": "x"}, {"a": 2, "b": "x"}]

    def test_empty_value_list_is_refused(self) -> None:
        """A parameter with no values is a typed error."""
        with pytest.raises(ConfigurationError, match="non-empty list"):
            grid_points({"a": []})

    def test_unknown_name_is_refused_before_any_work(self, scenario: Scenario) -> None:
        """Every point is validated before a task starts."""
        executor = FlakyExecutor()
        with pytest.raises(ConfigurationError, match="unknown parameter"):
            sweep(scenario, {"items.general_ratio": ["3%"], "nonsense.x": [1]}, executor=executor)
        assert executor.calls == 0


class TestExecutors:
    def test_in_process_equals_sweep_point(self, scenario: Scenario, reference: pd.DataFrame) -> None:
        """``simulate`` without an executor gives the rows of grid point 0 of a sweep with the same seed."""
        params = grid_points(GRID)[0]
        alone = simulate(scenario.with_params(params), years=2, replications=3, seed=17)
        mine = reference[reference["point"] == 0][alone.columns].reset_index(drop=True)
        assert alone.equals(mine)

    def test_process_pool_is_bit_identical(self, scenario: Scenario, reference: pd.DataFrame) -> None:
        """Two worker processes and another chunking give exactly the same table."""
        with ProcessPoolExecutor(2) as pool:
            df = sweep(scenario, GRID, years=2, replications=3, seed=17, executor=pool, chunk=2)
        assert df.equals(reference)

    def test_dask_local_cluster_is_bit_identical(self, scenario: Scenario, reference: pd.DataFrame) -> None:
        """A real dask.distributed LocalCluster with 2 worker processes gives exactly the same table."""
        from distributed import Client, LocalCluster

        with (
            LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
            ) as cluster,
            Client(cluster) as client,
        ):
            df = sweep(
                scenario, GRID, years=2, replications=3, seed=17, executor=client.get_executor(), chunk=3
            )
        assert df.equals(reference)

    def test_lost_task_is_reported_with_its_point(self, scenario: Scenario) -> None:
        """A task lost by the executor raises SweepPointError naming the grid point and its parameters."""
        with pytest.raises(SweepPointError, match="grid point 0") as info:
            sweep(scenario, GRID, years=1, replications=2, seed=1, executor=FlakyExecutor(), chunk=1)
        assert info.value.params == grid_points(GRID)[0]


class TestCache:
    def test_interrupted_sweep_resumes_to_the_same_table(
        self, scenario: Scenario, reference: pd.DataFrame, tmp_path: Path
    ) -> None:
        """Points already cached are loaded, missing ones computed; the table equals an uninterrupted run."""
        first = sweep(
            scenario,
            GRID,
            years=2,
            replications=3,
            seed=17,
            executor=ThreadPoolExecutor(1),
            cache_dir=tmp_path,
        )
        assert first.equals(reference)
        files = sorted(tmp_path.glob("point-*.npz"))
        assert len(files) == 4
        files[1].unlink()
        files[3].unlink()
        executor = CountingExecutor()
        resumed = sweep(
            scenario, GRID, years=2, replications=3, seed=17, executor=executor, chunk=3, cache_dir=tmp_path
        )
        assert resumed.equals(reference)
        assert executor.calls == 2  # only the two missing points, one task each

    def test_cache_is_keyed_by_seed(self, scenario: Scenario, tmp_path: Path) -> None:
        """Another seed never reuses a cached point."""
        sweep(
            scenario,
            [{}],
            years=1,
            replications=1,
            seed=1,
            executor=ThreadPoolExecutor(1),
            cache_dir=tmp_path,
        )
        sweep(
            scenario,
            [{}],
            years=1,
            replications=1,
            seed=2,
            executor=ThreadPoolExecutor(1),
            cache_dir=tmp_path,
        )
        assert len(list(tmp_path.glob("point-*.npz"))) == 2


class TestCommand:
    def test_simulate_command_writes_table_and_figures(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """``randinspect simulate`` writes results.csv and the standard figures and prints a summary."""
        scenario_file = tmp_path / "s.toml"
        scenario_file.write_text(
            "[city]\ndemo_objects = 1500\n[simulation]\nyears = 2\nreplications = 2\nseed = 3\n"
            '[grid]\n"items.general_ratio" = ["3%", "5%"]\n',
            encoding="utf-8",
        )
        out = tmp_path / "out"
        assert main(["simulate", "--scenario", str(scenario_file), "--out", str(out), "--workers", "1"]) == 0
        table = pd.read_csv(out / "results.csv")
        assert set(table["items.general_ratio"]) == {"3%", "5%"}
        for stem in ("violations_found", "burden_A", "hit_rate", "load"):
            assert (out / f"{stem}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert "2 grid point(s)" in capsys.readouterr().out

    def test_bad_scenario_file_exits_2_with_a_message(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An unknown section is refused with exit status 2 and one clear line."""
        scenario_file = tmp_path / "s.toml"
        scenario_file.write_text("[citty]\n", encoding="utf-8")
        assert main(["simulate", "--scenario", str(scenario_file), "--out", str(tmp_path / "o")]) == 2
        err = capsys.readouterr().err
        assert "unknown section" in err
        assert "Traceback" not in err
        assert not (tmp_path / "o").exists()
