"""The simulation engine, scenarios and models: determinism, independence, exact expectations, bad input."""

from __future__ import annotations

import math
import pickle

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.errors import ConfigurationError, SimulationError
from randinspect.simulate import (
    ConstantDetection,
    CreditRiskViolation,
    GradeTransitions,
    PerceivedRiskDeterrence,
    Scenario,
    TurnoverPopulation,
    replication_seed,
    simulate,
)
from randinspect.testing import (
    check_detection_model,
    check_deterrence_model,
    check_population_model,
    check_transition_model,
    check_violation_model,
)


@attrs.frozen
class Reckless:
    """A violation model that breaks its Protocol (probabilities above 1)."""

    def propensity(self, view: object) -> np.ndarray:  # type: ignore[type-arg]
        return np.full(len(view), 1.5)  # type: ignore[arg-type]


@attrs.frozen
class Negative:
    """A detection model that breaks its Protocol (negative probabilities)."""

    def probability(self, view: object) -> np.ndarray:  # type: ignore[type-arg]
        return np.full(len(view), -0.5)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return Scenario.from_demo(3_000, seed=11)


class TestScenario:
    def test_unknown_parameter_is_refused_with_the_known_prefixes(self, scenario: Scenario) -> None:
        """A sweep parameter that names nothing gives a typed error listing the known prefixes."""
        with pytest.raises(ConfigurationError, match=r"unknown parameter 'violation\.bogus'"):
            scenario.with_params({"violation.bogus": 1})
        with pytest.raises(ConfigurationError, match="parameters start with one of"):
            scenario.with_params({"ratio": "3%"})

    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("violation.base.D", 1.5),
            ("detection.rate", -0.1),
            ("deterrence.prior_effect", 2),
            ("population.exit_rate.A", float("nan")),
            ("items.general_ratio", "150%"),
            ("transitions.up_probability", True),
        ],
    )
    def test_probabilities_outside_the_unit_interval_are_refused(
        self, scenario: Scenario, name: str, value: object
    ) -> None:
        """Probabilities outside [0, 1] (or not numbers) are typed errors naming the parameter."""
        with pytest.raises(ConfigurationError, match=name.split(".")[0]):
            scenario.with_params({name: value})

    def test_with_params_leaves_the_scenario_unchanged(self, scenario: Scenario) -> None:
        """Applying parameters returns a new scenario; the original keeps its models and items."""
        before = (scenario.violation, scenario.items, scenario.default_policy)
        changed = scenario.with_params({"violation.base.D": 0.5, "items.general_ratio": "3%"})
        assert (scenario.violation, scenario.items, scenario.default_policy) == before
        assert changed.violation.base["D"] == 0.5  # type: ignore[attr-defined]

    def test_general_ratio_changes_only_general_items(self, scenario: Scenario) -> None:
        """``items.general_ratio`` sets ratio and ceiling of general items and leaves key items alone."""
        changed = scenario.with_params({"items.general_ratio": "3%"})
        for old, new in zip(scenario.items, changed.items, strict=True):
            if old.category.value == "general":
                assert float(new.ratio) == pytest.approx(0.03)
            else:
                assert new == old

    def test_ratio_scale_cannot_pass_a_ceiling(self, scenario: Scenario) -> None:
        """Scaling ratios above an item's national ceiling is refused, naming the item."""
        with pytest.raises(ConfigurationError, match="ceiling"):
            scenario.with_params({"items.ratio_scale": 3})

    def test_scenario_pickles(self, scenario: Scenario) -> None:
        """Scenarios cross process boundaries (sweeps)."""
        clone = pickle.loads(pickle.dumps(scenario))
        assert clone.objects == scenario.objects
        assert clone.items == scenario.items

    def test_unknown_entrant_is_refused(self, scenario: Scenario) -> None:
        """Future entrants must be objects of the directory."""
        with pytest.raises(Exception, match="entrant ids"):
            attrs.evolve(scenario, entrant_ids=("no-such-object",))


class TestModels:
    def test_builtin_models_pass_their_conformance_checks(self) -> None:
        """Each built-in model honours its Protocol's guarantees (checked by randinspect.testing)."""
        check_violation_model(CreditRiskViolation())
        check_detection_model(ConstantDetection(by_credit={"D": 0.9}))
        check_deterrence_model(PerceivedRiskDeterrence())
        check_transition_model(GradeTransitions())
        check_population_model(TurnoverPopulation(inspection_exit_effect=0.1))

    def test_a_broken_model_fails_its_check(self) -> None:
        """A model returning probabilities above 1 is caught by the conformance check."""
        with pytest.raises(AssertionError, match=r"outside \[0, 1\]"):
            check_violation_model(Reckless())

    def test_a_broken_model_stops_the_simulation_with_a_typed_error(self, scenario: Scenario) -> None:
        """The engine refuses model output that breaks the Protocol instead of simulating nonsense."""
        with pytest.raises(SimulationError, match=r"detection.probability returned -0.5"):
            simulate(attrs.evolve(scenario, detection=Negative()), years=1, replications=1)


class TestSimulate:
    def test_same_seed_same_table(self, scenario: Scenario) -> None:
        """A simulation is a function of its seed."""
        a = simulate(scenario, years=2, replications=2, seed=5)
        b = simulate(scenario, years=2, replications=2, seed=5)
        assert a.equals(b)

    def test_replications_differ(self, scenario: Scenario) -> None:
        """Replications are independent streams: their draws differ."""
        df = simulate(scenario, years=1, replications=3, seed=5)
        per_rep = df.groupby("replication")["inspections"].apply(list)
        assert (
            len({tuple(v) for v in per_rep}) == 3
            or df.groupby("replication")["violating"].sum().nunique() > 1
        )

    @settings(max_examples=10)
    @given(st.integers(0, 2**64), st.integers(0, 50), st.integers(0, 50))
    def test_replication_seeds_are_distinct_and_stable(self, entropy: int, g: int, r: int) -> None:
        """Spawn keys (point, replication) give distinct streams, and the same key the same stream."""
        root = np.random.SeedSequence(entropy)
        a = replication_seed(root, g, r).generate_state(4)
        assert np.array_equal(a, replication_seed(root, g, r).generate_state(4))
        assert not np.array_equal(a, replication_seed(root, g, r + 1).generate_state(4))
        assert not np.array_equal(a, replication_seed(root, g + 1, r).generate_state(4))

    def test_table_shape_and_columns(self, scenario: Scenario) -> None:
        """One row per replication × year × department × credit grade, with counts that add up."""
        df = simulate(scenario, years=2, replications=2, seed=1)
        departments = df["department"].nunique()
        assert len(df) == 2 * 2 * departments * 4
        assert (df["violations_found"] <= df["objects_visited"]).all()
        assert (df["compliant_visited"] <= df["objects_visited"]).all()
        assert (df["objects_visited"] <= df["inspections"]).all()
        assert (df["violating"] <= df["objects"]).all()

    def test_year_one_counts_stay_within_the_systematic_bound(self, scenario: Scenario) -> None:
        """In year 1 every department draws within one object per item round of its exact expected count
        (systematic πps: each draw's size is the floor or ceiling of Σπ)."""
        df = simulate(scenario, years=1, replications=4, seed=3)
        rounds = {}
        for item in scenario.items:
            rounds[item.department] = rounds.get(item.department, 0) + item.frequency
        totals = df.groupby(["replication", "department"])[["inspections", "expected_inspections"]].sum()
        for (_, department), row in totals.iterrows():
            assert abs(row["inspections"] - row["expected_inspections"]) <= rounds[department] + 1e-9

    @pytest.mark.statistical
    def test_monte_carlo_mean_matches_exact_expectation(self, scenario: Scenario) -> None:
        """Year-1 inspections per credit grade average to their exact expectation from π.

        200 replications; per grade a t-statistic of the mean against Σπ is compared with 4.5, a two-sided
        false-failure rate below 1e-5 per grade under the normal approximation (4 grades: below 4e-5).
        """
        df = simulate(scenario, years=1, replications=200, seed=2024)
        per = (
            df.groupby(["replication", "credit"])[["inspections", "expected_inspections"]].sum().reset_index()
        )
        for grade, part in per.groupby("credit"):
            expected = part["expected_inspections"].iloc[0]
            assert np.allclose(part["expected_inspections"], expected)  # year 1: the same state every time
            sd = part["inspections"].std(ddof=1)
            if sd == 0:
                assert part["inspections"].iloc[0] == pytest.approx(expected, abs=1)
                continue
            t = (part["inspections"].mean() - expected) / (sd / math.sqrt(len(part)))
            assert abs(t) < 4.5, f"grade {grade}: mean {part['inspections'].mean()} vs exact {expected}"

    def test_deterrence_lowers_violations(self, scenario: Scenario) -> None:
        """With a strong deterrence elasticity fewer objects violate than with none (same seed)."""
        none = simulate(
            scenario.with_params({"deterrence.elasticity": 0, "deterrence.prior_effect": 0}),
            years=1,
            replications=3,
            seed=9,
        )
        strong = simulate(
            scenario.with_params({"deterrence.elasticity": 20}), years=1, replications=3, seed=9
        )
        assert strong["violating"].sum() < none["violating"].sum()

    def test_bad_years_are_refused(self, scenario: Scenario) -> None:
        """Zero or fractional years/replications are typed errors."""
        with pytest.raises(ConfigurationError, match="years"):
            simulate(scenario, years=0)
        with pytest.raises(ConfigurationError, match="replications"):
            simulate(scenario, replications=1.5)  # type: ignore[arg-type]

    def test_bad_seed_is_refused(self, scenario: Scenario) -> None:
        """A seed that is not an integer, a list of them or a SeedSequence is a typed error."""
        with pytest.raises(ConfigurationError, match="seed"):
            simulate(scenario, seed="seven")  # type: ignore[arg-type]

    def test_seed_sequence_with_spawn_key_is_honoured(self, scenario: Scenario) -> None:
        """Spawned SeedSequence children give different simulations; the same child the same one."""
        a, b = np.random.SeedSequence(42).spawn(2)
        df_a = simulate(scenario, years=1, replications=2, seed=a)
        assert df_a.equals(
            simulate(scenario, years=1, replications=2, seed=np.random.SeedSequence(42).spawn(1)[0])
        )
        assert not df_a.equals(simulate(scenario, years=1, replications=2, seed=b))
