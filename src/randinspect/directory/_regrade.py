"""Rule-based re-rating of credit grades and risk classes (信用分级、风险分类动态调整, §四(二)1-2)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from randinspect.directory._build import _DEPT_CODE
from randinspect.directory._objects import ObjectDirectory
from randinspect.directory._scope import Scope
from randinspect.errors import ConfigurationError, ScaleError
from randinspect.model import OrderedScale

__all__ = ["GradeChange", "GradeRule", "RegradeReport", "regrade"]

Predicate = Callable[[ObjectDirectory], npt.NDArray[np.bool_]]


def _opt_ids(value: Iterable[str] | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _tags_tuple(value: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = (value,)
    out = tuple(dict.fromkeys(str(v).strip() for v in value))
    if any(not t or ";" in t for t in out):
        raise ConfigurationError(f"tags to add must be non-empty and hold no ';': {out!r}")
    return out


def _add_tags(
    codes: npt.NDArray[Any], cats: Sequence[str], mask: npt.NDArray[np.bool_], tags: tuple[str, ...]
) -> tuple[npt.NDArray[Any], tuple[str, ...]]:
    """New tag codes and categories with ``tags`` added to the masked objects (categories are 'a;b')."""
    if not tags or not mask.any():
        return codes, tuple(cats)
    new_cats = list(cats)
    lookup = {c: i for i, c in enumerate(new_cats)}
    mapper = np.arange(len(new_cats), dtype=np.int64)
    for old in np.unique(codes[mask]).tolist():
        text = new_cats[old]
        merged = ";".join(sorted({*(text.split(";") if text else ()), *tags}))
        if merged not in lookup:
            lookup[merged] = len(new_cats)
            new_cats.append(merged)
            mapper = np.append(mapper, lookup[merged])
        mapper[old] = lookup[merged]
    new_codes = codes.copy()
    new_codes[mask] = mapper[codes[mask]].astype(codes.dtype)
    return new_codes, tuple(new_cats)


@attrs.frozen(kw_only=True)
class GradeRule:
    """A re-rating rule (信用、风险等级调整规则): which objects, what happens to their grade or class.

    The objects a rule selects are those meeting every given selector (``when``, ``ids``, ``predicate``);
    with none given, every object. For each scale the actions apply in this order: ``set``, ``shift``,
    ``at_least``, ``at_most``. Levels are ordered best first (A before D, low before high), so
    ``credit_at_least="C"`` makes every selected object C or worse and ``risk_at_most="medium"`` makes it
    medium or better.

    Parameters
    ----------
    reason:
        Why (shown in the report; e.g. ``"violation found in 2027 inspection"``).
    when:
        A :class:`Scope` (note ``alive_only=True`` by default).
    ids:
        Object ids (every id must be in the directory).
    predicate:
        A function of the directory returning a boolean mask (keep it a module-level function so the rule
        pickles).
    set_credit, credit_shift, credit_at_least, credit_at_most:
        Credit actions: set a level; move ``n`` levels (positive = worse), clipped at the ends; bound.
    set_risk, risk_shift, risk_at_least, risk_at_most:
        The same for the risk class.
    department:
        When given, risk actions change that department's own risk column (created from the general
        column if the directory has none yet) instead of the general one.
    add_tags:
        Tags to add to the selected objects (e.g. ``("abnormal",)`` for 经营异常); changes are reported in
        column ``tags``.
    """

    reason: str
    when: Scope | None = None
    ids: tuple[str, ...] | None = attrs.field(default=None, converter=_opt_ids)
    predicate: Predicate | None = None
    set_credit: str | None = None
    credit_shift: int = 0
    credit_at_least: str | None = None
    credit_at_most: str | None = None
    set_risk: str | None = None
    risk_shift: int = 0
    risk_at_least: str | None = None
    risk_at_most: str | None = None
    department: str | None = None
    add_tags: tuple[str, ...] = attrs.field(default=(), converter=_tags_tuple)

    def __attrs_post_init__(self) -> None:
        credit = (self.set_credit, self.credit_at_least, self.credit_at_most)
        risk = (self.set_risk, self.risk_at_least, self.risk_at_most)
        nothing = all(v is None for v in credit + risk) and self.credit_shift == 0 and self.risk_shift == 0
        if nothing and not self.add_tags:
            raise ConfigurationError(
                f"rule {self.reason!r} changes nothing; give a set_/shift/at_least/at_most"
            )
        if self.department is not None and not _DEPT_CODE.match(self.department):
            raise ConfigurationError(
                f"rule {self.reason!r}: department {self.department!r} is not a code; use ASCII letters, "
                "digits, _ or - (as in a risk@DEPT column)"
            )

    def selects(self, directory: ObjectDirectory) -> npt.NDArray[np.bool_]:
        """Boolean mask of the objects this rule applies to."""
        mask = np.ones(len(directory), dtype=bool)
        if self.when is not None:
            mask &= directory.mask(self.when)
        if self.ids is not None:
            chosen = np.zeros(len(directory), dtype=bool)
            chosen[directory.index_of(self.ids)] = True
            mask &= chosen
        if self.predicate is not None:
            extra = np.asarray(self.predicate(directory), dtype=bool)
            if extra.shape != mask.shape:
                raise ConfigurationError(
                    f"rule {self.reason!r}: predicate returned shape {extra.shape}, expected {mask.shape}"
                )
            mask &= extra
        return mask


@attrs.frozen
class GradeChange:
    """One change made by a rule: id, column (``credit``, ``risk`` or ``risk@DEPT``), old, new, reason."""

    id: str
    column: str
    old: str
    new: str
    reason: str


@attrs.frozen(kw_only=True)
class RegradeReport:
    """What :func:`regrade` changed.

    Attributes
    ----------
    changes:
        Every change in rule order, then id order; an object changed by two rules appears twice.
    rules:
        Per rule: ``(reason, objects selected, values changed)``.
    """

    changes: tuple[GradeChange, ...]
    rules: tuple[tuple[str, int, int], ...]

    def __len__(self) -> int:
        return len(self.changes)

    def counts(self) -> dict[str, int]:
        """Changes per column."""
        return dict(sorted(Counter(c.column for c in self.changes).items()))

    def transitions(self, column: str = "credit") -> dict[tuple[str, str], int]:
        """Number of changes ``old → new`` in ``column``."""
        return dict(sorted(Counter((c.old, c.new) for c in self.changes if c.column == column).items()))

    def changed_ids(self) -> tuple[str, ...]:
        """Ids of the objects changed at least once, sorted."""
        return tuple(sorted({c.id for c in self.changes}))


def _apply(
    ranks: npt.NDArray[np.int32],
    mask: npt.NDArray[np.bool_],
    scale: OrderedScale,
    *,
    set_to: str | None,
    shift: int,
    at_least: str | None,
    at_most: str | None,
    reason: str,
) -> npt.NDArray[np.int32]:
    def rank(level: str) -> int:
        try:
            return scale.rank(scale.parse(level))
        except ScaleError as exc:
            raise ConfigurationError(f"rule {reason!r}: {exc}") from None

    new = ranks.copy()
    if set_to is not None:
        new[mask] = rank(set_to)
    if shift:
        new[mask] = np.clip(new[mask] + shift, 0, len(scale) - 1)
    if at_least is not None:
        new[mask] = np.maximum(new[mask], rank(at_least))
    if at_most is not None:
        new[mask] = np.minimum(new[mask], rank(at_most))
    return new


def regrade(directory: ObjectDirectory, rules: Sequence[GradeRule]) -> tuple[ObjectDirectory, RegradeReport]:
    """Re-rate credit grades and risk classes by ``rules``, applied in order; vectorised.

    Each rule sees the directory as left by the rules before it. The input directory is not changed.

    Returns
    -------
    (ObjectDirectory, RegradeReport)
        The new directory (equal to the input when nothing changed) and what changed.

    Raises
    ------
    ConfigurationError
        If a rule names a level that is not on the scale.
    InputError
        If a rule names ids that are not in the directory.

    Examples
    --------
    >>> rules = [GradeRule(reason="violation found", ids=["..."], credit_shift=1)]  # doctest: +SKIP
    """
    current = directory
    changes: list[GradeChange] = []
    outcomes: list[tuple[str, int, int]] = []
    for rule in rules:
        mask = rule.selects(current)
        parts: dict[str, Any] = {}
        changed_here = 0
        ids = current.ids
        credit_codes, _ = current.codes("credit")
        new_credit = _apply(
            credit_codes,
            mask,
            current.credit_scale,
            set_to=rule.set_credit,
            shift=rule.credit_shift,
            at_least=rule.credit_at_least,
            at_most=rule.credit_at_most,
            reason=rule.reason,
        )
        risk_col = "risk" if rule.department is None else f"risk@{rule.department}"
        if rule.department is not None and rule.department in current.departments:
            risk_codes, _ = current.codes(risk_col)
        else:
            risk_codes, _ = current.codes("risk")
        new_risk = _apply(
            risk_codes,
            mask,
            current.risk_scale,
            set_to=rule.set_risk,
            shift=rule.risk_shift,
            at_least=rule.risk_at_least,
            at_most=rule.risk_at_most,
            reason=rule.reason,
        )
        touches_risk = (
            rule.set_risk is not None
            or rule.risk_shift != 0
            or rule.risk_at_least is not None
            or rule.risk_at_most is not None
        )
        tag_codes, tag_cats = current.codes("tags")
        new_tags, new_tag_cats = _add_tags(tag_codes, tag_cats, mask, rule.add_tags)
        tag_diff = np.flatnonzero(new_tags != tag_codes)
        changed_here += int(tag_diff.size)
        changes.extend(
            GradeChange(i, "tags", new_tag_cats[o], new_tag_cats[n], rule.reason)
            for i, o, n in zip(
                ids[tag_diff].tolist(), tag_codes[tag_diff].tolist(), new_tags[tag_diff].tolist(), strict=True
            )
        )
        for column, old, new, scale in (
            ("credit", credit_codes, new_credit, current.credit_scale),
            (risk_col, risk_codes, new_risk, current.risk_scale),
        ):
            diff = np.flatnonzero(old != new)
            changed_here += int(diff.size)
            levels = scale.levels
            changes.extend(
                GradeChange(i, column, levels[o], levels[n], rule.reason)
                for i, o, n in zip(ids[diff].tolist(), old[diff].tolist(), new[diff].tolist(), strict=True)
            )
        if changed_here or (
            touches_risk and rule.department is not None and rule.department not in current.departments
        ):
            codes = {c: current.codes(c)[0] for c in ("kind", "industry", "region", "unit")}
            codes["tags"] = new_tags
            codes["credit"] = new_credit
            dept_risk = {d: current.codes(f"risk@{d}")[0] for d in current.departments}
            if rule.department is None:
                codes["risk"] = new_risk
            else:
                codes["risk"] = current.codes("risk")[0]
                if touches_risk:
                    dept_risk[rule.department] = new_risk
            parts = {
                "ids": current.ids,
                "names": current.names,
                "codes": codes,
                "cats": {
                    **{
                        c: current.codes(c)[1]
                        for c in ("kind", "industry", "region", "unit", "credit", "risk")
                    },
                    "tags": new_tag_cats,
                },
                "tagsets": tuple(tuple(t.split(";")) if t else () for t in new_tag_cats),
                "alive": current.alive,
                "dept_risk": dept_risk,
                "credit_scale": current.credit_scale,
                "risk_scale": current.risk_scale,
            }
            current = ObjectDirectory._assemble(**parts)
        outcomes.append((rule.reason, int(mask.sum()), changed_here))
    return current, RegradeReport(changes=tuple(changes), rules=tuple(outcomes))
