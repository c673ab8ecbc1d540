"""Standard figures of a simulation or sweep result (matplotlib, the ``plot`` extra).

Each function takes the DataFrame of :func:`randinspect.simulate.simulate` or
:func:`randinspect.simulate.sweep` and returns a :class:`matplotlib.figure.Figure` (nothing is shown or
saved: the caller decides). Lines are told apart by marker and line style as well as colour, so the
figures read in grey print. Bands are the 2.5 %–97.5 % range over replications.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from randinspect.errors import ConfigurationError

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = ["FIGURES", "burden_by_policy", "hit_rate_by_credit", "load_spread", "violations_found_by_policy"]

_STYLES = (("-", "o"), ("--", "s"), (":", "^"), ("-.", "D"), ("-", "v"), ("--", "P"))


def _figure(ncols: int = 1) -> tuple[Figure, Any]:
    try:
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - matplotlib is the plot extra
        raise ImportError("figures need matplotlib: pip install 'randinspect[plot]'") from None
    fig = Figure(figsize=(6.4 * ncols, 4.2), layout="constrained")
    axes = fig.subplots(1, ncols, squeeze=False)[0]
    return fig, axes


def _policies(df: pd.DataFrame, by: Sequence[str] | None) -> list[str]:
    from randinspect.simulate._engine import COLUMNS

    if by is not None:
        missing = [c for c in by if c not in df.columns]
        if missing:
            raise ConfigurationError(f"no column(s) {missing} in the result; its columns: {list(df.columns)}")
        return list(by)
    return [c for c in df.columns if c not in COLUMNS]


def _label(row: Any, names: list[str]) -> str:
    if not names:
        return "scenario"
    values = row if isinstance(row, tuple) else (row,)
    return ", ".join(f"{n}={v}" for n, v in zip(names, values, strict=True))


def _lines(
    ax: Any, df: pd.DataFrame, value: str, names: list[str], ylabel: str, *, ratio_of: str | None = None
) -> None:
    from matplotlib.ticker import MaxNLocator

    per_rep = df.groupby([*names, "point", "replication", "year"], dropna=False)[
        [value] + ([ratio_of] if ratio_of else [])
    ].sum()
    if ratio_of:
        per_rep = (per_rep[value] / per_rep[ratio_of]).rename(value).to_frame()
    grouped = per_rep.reset_index().groupby([*names, "year"] if names else ["year"], dropna=False)[value]
    summary = grouped.agg(
        mean="mean", lo=lambda s: s.quantile(0.025), hi=lambda s: s.quantile(0.975)
    ).reset_index()
    keys = summary[names].drop_duplicates().itertuples(index=False, name=None) if names else [()]
    for i, key in enumerate(keys):
        part = summary
        for name, v in zip(names, key, strict=True):
            part = part[part[name] == v]
        style, marker = _STYLES[i % len(_STYLES)]
        label = _label(key if len(key) != 1 else key[0], names)
        ax.plot(part["year"], part["mean"], linestyle=style, marker=marker, label=label)
        ax.fill_between(part["year"], part["lo"], part["hi"], alpha=0.15)
    ax.set_xlabel("year")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small")


def violations_found_by_policy(df: pd.DataFrame, by: Sequence[str] | None = None) -> Figure:
    """Violations found per year by policy (违法行为发现数), all departments and grades together."""
    fig, (ax,) = _figure()
    _lines(ax, df, "violations_found", _policies(df, by), "violations found per year")
    ax.set_title("Violations found by policy")
    return fig


def burden_by_policy(df: pd.DataFrame, by: Sequence[str] | None = None, credit: str = "A") -> Figure:
    """Visits to compliant objects of one credit grade (无事不扰 burden) per year by policy."""
    fig, (ax,) = _figure()
    part = df[df["credit"] == credit]
    if part.empty:
        raise ConfigurationError(
            f"no rows of credit grade {credit!r}; grades: {sorted(df['credit'].unique())}"
        )
    _lines(ax, part, "compliant_visited", _policies(df, by), f"compliant {credit}-grade objects visited")
    ax.set_title(f"Burden on compliant {credit}-grade objects")
    return fig


def hit_rate_by_credit(df: pd.DataFrame, by: Sequence[str] | None = None) -> Figure:
    """Hit rate (violations found / objects visited) per credit grade, last simulated year, by policy."""
    names = _policies(df, by)
    fig, (ax,) = _figure()
    last = df[df["year"] == df["year"].max()]
    table = last.groupby([*names, "credit"], dropna=False)[["violations_found", "objects_visited"]].sum()
    rate = (table["violations_found"] / table["objects_visited"]).unstack("credit")
    grades = list(rate.columns)
    width = 0.8 / max(1, len(rate))
    hatches = ("", "//", "..", "xx", "\\\\", "++")
    for i, (key, row) in enumerate(rate.iterrows()):
        xs = [g + i * width for g in range(len(grades))]
        ax.bar(
            xs,
            row.to_numpy(),
            width=width,
            label=_label(key, names),
            hatch=hatches[i % len(hatches)],
            edgecolor="black",
        )
    ax.set_xticks([g + width * (len(rate) - 1) / 2 for g in range(len(grades))], grades)
    ax.set_xlabel("credit grade")
    ax.set_ylabel("hit rate (found / visited)")
    ax.set_title(f"Hit rate by credit grade, year {int(df['year'].max())}")
    ax.legend(fontsize="small")
    return fig


def load_spread(df: pd.DataFrame, by: Sequence[str] | None = None) -> Figure:
    """Inspector load (mean and standard deviation of tasks per inspector) per department, by policy."""
    names = _policies(df, by)
    fig, axes = _figure(2)
    per = df.drop_duplicates([*names, "point", "replication", "year", "department"])
    per = per[per["inspectors"] > 0]
    for ax, column, title in zip(
        axes, ("load_mean", "load_sd"), ("mean load", "load spread (sd)"), strict=True
    ):
        _lines(ax, per, column, names, f"{title} per inspector, summed over departments")
        ax.set_title(title.capitalize())
    return fig


#: The standard figures by file stem, as ``randinspect simulate`` saves them.
FIGURES = {
    "violations_found": violations_found_by_policy,
    "burden_A": burden_by_policy,
    "hit_rate": hit_rate_by_credit,
    "load": load_spread,
}
