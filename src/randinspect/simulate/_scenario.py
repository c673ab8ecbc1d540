"""Scenarios: a city, an item list, a sampling policy per department, and the behaviour models.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np

from randinspect.draw import SamrMatrix, TieredPolicy
from randinspect.errors import ConfigurationError, InputError
from randinspect.simulate._models import (
    ConstantDetection,
    CreditRiskViolation,
    GradeTransitions,
    PerceivedRiskDeterrence,
    TurnoverPopulation,
)

if TYPE_CHECKING:
    from randinspect.directory import ObjectDirectory
    from randinspect.planning import ItemList
    from randinspect.typing import (
        DetectionModel,
        DeterrenceModel,
        PopulationModel,
        SamplingPolicy,
        TransitionModel,
        ViolationModel,
    )

__all__ = ["MODEL_FIELDS", "PARAMETER_PREFIXES", "Scenario"]

#: The scenario fields that hold behaviour models; a sweep parameter ``"<field>.<attribute>[.<key>]"``
#: changes one attribute of one of them.
MODEL_FIELDS: Final = ("violation", "detection", "deterrence", "transitions", "population")

#: Every prefix a sweep parameter may start with (see :meth:`Scenario.with_params`).
PARAMETER_PREFIXES: Final = (*MODEL_FIELDS, "items", "matrix", "group_size")


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | Fraction):
        raise ConfigurationError(f"parameter {name!r}: {value!r} is not a number")
    return float(value)


def _ratio(value: Any, name: str) -> Fraction:
    if isinstance(value, str):
        text = value.strip()
        try:
            ratio = Fraction(text[:-1]) / 100 if text.endswith("%") else Fraction(text)
        except (ValueError, ZeroDivisionError):
            raise ConfigurationError(
                f"parameter {name!r}: {value!r} is not a ratio like '5%' or 0.05"
            ) from None
    elif isinstance(value, bool) or not isinstance(value, int | float | Fraction):
        raise ConfigurationError(f"parameter {name!r}: {value!r} is not a ratio like '5%' or 0.05")
    else:
        ratio = Fraction(value).limit_denominator(10**9) if isinstance(value, float) else Fraction(value)
    if not 0 <= ratio <= 1:
        raise ConfigurationError(f"parameter {name!r}: ratio {value!r} is outside [0, 1]")
    return ratio


def _policy_dict(value: Mapping[str, SamplingPolicy]) -> dict[str, SamplingPolicy]:
    return dict(value)


@attrs.frozen(eq=False)
class Scenario:
    """A simulated city under one set of quota rules (模拟情景).

    Parameters
    ----------
    objects:
        The object directory (检查对象名录库). Objects listed in ``entrant_ids`` are not yet in business at
        the start; they enter in later years as the population model says.
    items:
        The yearly item list (the same list is drawn every simulated year).
    policies:
        :class:`randinspect.typing.SamplingPolicy` per department code; departments not named use
        ``default_policy``.
    default_policy:
        Default :class:`randinspect.draw.TieredPolicy` with the SAMR matrix.
    violation, detection, deterrence, transitions, population:
        The behaviour models (Protocols in :mod:`randinspect.typing`), defaults documented in
        ``docs/simulation.md``.
    inspectors:
        Number of inspectors per department, for the load figures (departments not named report no load).
    group_size:
        Inspectors per visit (at least two law-enforcement officers, §四(七)1).
    entrant_ids:
        Ids of future entrants (a pool; the directory must list them).
    name:
        Label used in results.
    """

    objects: ObjectDirectory
    items: ItemList
    policies: Mapping[str, SamplingPolicy] = attrs.field(factory=dict, converter=_policy_dict)
    default_policy: SamplingPolicy = attrs.field(factory=TieredPolicy)
    violation: ViolationModel = attrs.field(factory=CreditRiskViolation)
    detection: DetectionModel = attrs.field(factory=ConstantDetection)
    deterrence: DeterrenceModel = attrs.field(factory=PerceivedRiskDeterrence)
    transitions: TransitionModel = attrs.field(factory=GradeTransitions)
    population: PopulationModel = attrs.field(factory=TurnoverPopulation)
    inspectors: Mapping[str, int] = attrs.field(factory=dict, converter=dict)
    group_size: int = 2
    entrant_ids: tuple[str, ...] = attrs.field(
        default=(), converter=tuple, repr=lambda ids: f"<{len(ids)} ids>"
    )
    name: str = ""

    def __attrs_post_init__(self) -> None:
        if isinstance(self.group_size, bool) or not isinstance(self.group_size, int) or self.group_size < 1:
            raise ConfigurationError(f"group_size = {self.group_size!r} must be a whole number >= 1")
        if self.entrant_ids:
            try:
                self.objects.index_of(self.entrant_ids)
            except InputError as exc:
                raise InputError(
                    f"entrant ids: {exc}; list future entrants as objects of the directory"
                ) from None
        for department, count in self.inspectors.items():
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise ConfigurationError(
                    f"inspectors[{department!r}] = {count!r} must be a whole number of inspectors >= 0"
                )

    def policy_for(self, department: str) -> SamplingPolicy:
        """The sampling policy of ``department``."""
        return self.policies.get(department, self.default_policy)

    # -- building -----------------------------------------------------------------------------------------

    @classmethod
    def from_demo(
        cls,
        n_objects: int = 20_000,
        *,
        seed: int = 2026,
        year: int = 2027,
        entrant_share: float = 0.4,
        **fields: Any,
    ) -> Scenario:
        """A scenario on the demo city (:func:`randinspect.datasets.demo_city`) with its item list.

        ``entrant_share`` × ``n_objects`` further demo objects form the pool of future entrants, so the
        population can grow for several years. Other keyword arguments set scenario fields.
        """
        from randinspect.datasets import demo_city, demo_items

        if not 0 <= entrant_share <= 10:
            raise ConfigurationError(f"entrant_share = {entrant_share!r} must be in [0, 10]")
        total = int(n_objects) + round(entrant_share * int(n_objects))
        city = demo_city(n_objects=total, seed=seed, year=year)
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, 0x5157])))
        alive = np.flatnonzero(np.asarray(city.objects.alive))
        pool = rng.choice(alive, size=min(alive.size, total - int(n_objects)), replace=False)
        entrants = tuple(sorted(np.asarray(city.objects.ids)[pool].tolist()))
        fields.setdefault("inspectors", city.inspectors.counts("department"))
        fields.setdefault("name", f"demo city ({n_objects:,} objects, seed {seed})")
        return cls(objects=city.objects, items=demo_items(year), entrant_ids=entrants, **fields)

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str]) -> tuple[Scenario, dict[str, Any]]:
        """Read a scenario file; returns the scenario and its ``[simulation]`` and ``[grid]`` settings.

        See ``docs/simulation.md`` for the format. Relative file names are resolved against the file's
        folder.

        Raises
        ------
        InputError
            If the file cannot be read or is not valid TOML (with the line).
        ConfigurationError
            On an unknown section or key, or a value out of range.
        """
        file = Path(path)
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{file}: cannot read the scenario file ({exc})") from None
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"{file}: not valid TOML: {exc}") from None
        return scenario_from_mapping(data, base=file.parent, where=str(file))

    # -- parameters ---------------------------------------------------------------------------------------

    def with_params(self, params: Mapping[str, Any]) -> Scenario:
        """A new scenario with sweep parameters applied (the scenario itself is not changed).

        Parameter names:

        - ``"<model>.<attribute>"`` or ``"<model>.<attribute>.<key>"`` for the models
          (``violation``, ``detection``, ``deterrence``, ``transitions``, ``population``), e.g.
          ``"violation.base.D"``, ``"deterrence.elasticity"``;
        - ``"items.general_ratio"``: ratio and ceiling of every general item (一般事项), e.g. ``"3%"``;
        - ``"items.ratio_scale"``: multiply every item's ratio (ceilings unchanged);
        - ``"matrix.credit_multipliers.<grade>"``, ``"matrix.risk_multipliers.<class>"``,
          ``"matrix.credit_round_shares.<grade>"``: one cell of the SAMR matrix of every policy;
        - ``"group_size"``.

        Raises
        ------
        ConfigurationError
            Naming an unknown parameter (and the known prefixes) or a value out of range.
        """
        scenario = self
        for name, value in params.items():
            scenario = scenario._with_param(str(name), value)
        return scenario

    def _with_param(self, name: str, value: Any) -> Scenario:
        head, _, rest = name.partition(".")
        if head in MODEL_FIELDS and rest:
            return attrs.evolve(self, **{head: _evolve_model(getattr(self, head), head, rest, value)})
        if head == "items" and rest in ("general_ratio", "ratio_scale"):
            return attrs.evolve(self, items=_evolve_items(self.items, rest, value, name))
        if head == "matrix" and rest:
            policies: dict[str, SamplingPolicy] = {
                d: _evolve_policy(p, rest, value, name) for d, p in self.policies.items()
            }
            default = _evolve_policy(self.default_policy, rest, value, name)
            return attrs.evolve(self, policies=policies, default_policy=default)
        if name == "group_size":
            if isinstance(value, bool) or not isinstance(value, int):
                raise ConfigurationError(f"parameter 'group_size': {value!r} is not a whole number")
            return attrs.evolve(self, group_size=value)
        raise ConfigurationError(
            f"unknown parameter {name!r}; parameters start with one of {', '.join(PARAMETER_PREFIXES)} "
            "(see Scenario.with_params)"
        )


def _evolve_model(model: Any, field: str, path: str, value: Any) -> Any:
    attribute, _, key = path.partition(".")
    if not attrs.has(type(model)) or attribute not in attrs.fields_dict(type(model)):
        known = ", ".join(attrs.fields_dict(type(model))) if attrs.has(type(model)) else "none"
        raise ConfigurationError(
            f"unknown parameter '{field}.{path}': {type(model).__name__} has no attribute {attribute!r} "
            f"(it has: {known})"
        )
    if key:
        current = getattr(model, attribute)
        if not isinstance(current, Mapping):
            raise ConfigurationError(f"parameter '{field}.{path}': {attribute!r} is not a mapping")
        if key not in current:
            raise ConfigurationError(
                f"unknown parameter '{field}.{path}': {attribute!r} has keys {', '.join(map(str, current))}"
            )
        value = {**current, key: value}
    return attrs.evolve(model, **{attribute: value})


def _evolve_items(items: ItemList, what: str, value: Any, name: str) -> ItemList:
    from randinspect.items import ItemCategory

    changed = []
    for item in items:
        if what == "general_ratio":
            if item.category is ItemCategory.GENERAL:
                ratio = _ratio(value, name)
                item = attrs.evolve(item, ratio=ratio, cap=ratio)
        else:
            scale = _number(value, name)
            if scale < 0:
                raise ConfigurationError(f"parameter {name!r}: scale {value!r} must be >= 0")
            ratio = min(Fraction(1), item.ratio * Fraction(scale).limit_denominator(10**6))
            if item.cap is not None and ratio > item.cap:
                raise ConfigurationError(
                    f"parameter {name!r} = {value!r} raises item {item.id!r} to {float(ratio):.2%}, above "
                    f"its ceiling {float(item.cap):.2%}; the ceiling is national or provincial law"
                )
            item = attrs.evolve(item, ratio=ratio)
        changed.append(item)
    return attrs.evolve(items, items=tuple(changed))


def _evolve_policy(policy: SamplingPolicy, path: str, value: Any, name: str) -> SamplingPolicy:
    matrix = getattr(policy, "matrix", None)
    if not isinstance(matrix, SamrMatrix):
        raise ConfigurationError(
            f"parameter {name!r}: the policy {type(policy).__name__} has no SAMR matrix to change"
        )
    attribute, _, key = path.partition(".")
    if attribute not in ("credit_multipliers", "risk_multipliers", "credit_round_shares") or not key:
        raise ConfigurationError(
            f"unknown parameter {name!r}; use matrix.credit_multipliers.<grade>, "
            "matrix.risk_multipliers.<class> or matrix.credit_round_shares.<grade>"
        )
    current = dict(getattr(matrix, attribute))
    if key not in current:
        raise ConfigurationError(f"unknown parameter {name!r}: the matrix has no {key!r} in {attribute}")
    current[key] = _ratio_or_multiplier(value, name)
    return attrs.evolve(policy, matrix=attrs.evolve(matrix, **{attribute: current}))  # type: ignore[misc]


def _ratio_or_multiplier(value: Any, name: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | float | Fraction | str):
        raise ConfigurationError(f"parameter {name!r}: {value!r} is not a number")
    try:
        result = Fraction(value).limit_denominator(10**6) if isinstance(value, float) else Fraction(value)
    except (ValueError, ZeroDivisionError):
        raise ConfigurationError(f"parameter {name!r}: {value!r} is not a number") from None
    if result < 0:
        raise ConfigurationError(f"parameter {name!r}: {value!r} must be >= 0")
    return result


_SECTIONS: Final = ("city", "items", "policy", "models", "simulation", "grid", "name")


def scenario_from_mapping(
    data: Mapping[str, Any], *, base: Path | None = None, where: str = "scenario"
) -> tuple[Scenario, dict[str, Any]]:
    """Build a scenario from a parsed scenario file (see :meth:`Scenario.from_toml`)."""
    unknown = sorted(set(data) - set(_SECTIONS))
    if unknown:
        raise ConfigurationError(f"{where}: unknown section(s) {unknown}; known: {', '.join(_SECTIONS)}")
    base = base or Path.cwd()
    city = dict(data.get("city", {}))
    unknown = sorted(set(city) - {"demo_objects", "seed", "year", "entrant_share", "objects"})
    if unknown:
        raise ConfigurationError(f"{where}: unknown key(s) {unknown} in [city]")
    fields: dict[str, Any] = {}
    if "name" in data:
        fields["name"] = str(data["name"])
    if "objects" in city:
        from randinspect.directory import ObjectDirectory
        from randinspect.planning import load_item_list

        directory = ObjectDirectory.from_csv(base / str(city["objects"]))
        items_spec = dict(data.get("items", {}))
        if "file" not in items_spec:
            raise ConfigurationError(f"{where}: a scenario on a directory file needs [items] file = '...'")
        items = load_item_list(base / str(items_spec["file"]))
        scenario = Scenario(objects=directory, items=items, **fields)
    else:
        scenario = Scenario.from_demo(
            int(city.get("demo_objects", 20_000)),
            seed=int(city.get("seed", 2026)),
            year=int(city.get("year", 2027)),
            entrant_share=float(city.get("entrant_share", 0.4)),
            **fields,
        )
        items_spec = dict(data.get("items", {}))
        if "file" in items_spec:
            from randinspect.planning import load_item_list

            scenario = attrs.evolve(scenario, items=load_item_list(base / str(items_spec["file"])))
    params: dict[str, Any] = {}
    for key, value in dict(data.get("items", {})).items():
        if key != "file":
            params[f"items.{key}"] = value
    for key, value in dict(data.get("policy", {})).items():
        if not isinstance(value, Mapping):
            raise ConfigurationError(f"{where}: [policy] {key} must be a table of grade = multiplier")
        for grade, number in value.items():
            params[f"matrix.{key}.{grade}"] = number
    for model, settings in dict(data.get("models", {})).items():
        if model not in MODEL_FIELDS or not isinstance(settings, Mapping):
            raise ConfigurationError(
                f"{where}: unknown model [models.{model}]; known: {', '.join(MODEL_FIELDS)}"
            )
        for key, value in settings.items():
            if isinstance(value, Mapping):
                for sub, number in value.items():
                    params[f"{model}.{key}.{sub}"] = number
            else:
                params[f"{model}.{key}"] = value
    scenario = scenario.with_params(params)
    settings = dict(data.get("simulation", {}))
    unknown = sorted(set(settings) - {"years", "replications", "seed"})
    if unknown:
        raise ConfigurationError(f"{where}: unknown key(s) {unknown} in [simulation]")
    grid = dict(data.get("grid", {}))
    for key, values in grid.items():
        if not isinstance(values, list) or not values:
            raise ConfigurationError(f"{where}: [grid] {key} must be a non-empty list of values")
    return scenario, {"simulation": settings, "grid": grid}
