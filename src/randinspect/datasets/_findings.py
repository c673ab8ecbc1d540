"""Deterministic synthetic inspection results for the demo city (the documented findings model).

The model (see ``docs/results.md``, "The demo's findings model"); every draw comes from one numpy PCG64
stream seeded with ``seed``, over tasks in id order, so the same inputs give the same records:

- one record per task and item whose department takes part in the task, entered by that department; the
  record's method is the task's (an on-site task's group is present; a desk task, online or by documents,
  has no group and lists no inspector);
- the inspection day is a uniformly chosen working day of the task's window; it lasts one day;
- a problem is found with probability 3 % (credit A), 8 % (B), 20 % (C), 40 % (D); a problem is
  "已责令改正" (55 %), "待后续处理" (25 %), "无法联系" (10 %), "不配合检查" (5 %) or "未按规定公示" (5 %);
  otherwise "未发现问题" (92 %), "未开展相关经营活动" (6 %) or "已关闭停业" (2 %);
- 10 % of the problems found by online or document checks need an on-site inspection; 5 % of problem notes
  are flagged trade secrets;
- the result is entered 1-15 working days after the inspection and published 0-3 working days later,
  except a share ``late_share`` (5 %) entered and published 21-40 working days after it (late), and a
  share ``unpublished_share`` (1 %) never published;
- the representative (负责人) who signs has a made-up name and mobile number, private by construction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["synthetic_results"]

_PROBLEM = {"A": 0.03, "B": 0.08, "C": 0.20, "D": 0.40}
_PROBLEM_CATS = (("03", 0.55), ("04", 0.25), ("05", 0.10), ("06", 0.05), ("08", 0.05))
_CLEAN_CATS = (("01", 0.92), ("02", 0.06), ("07", 0.02))


def _pick(rng: np.random.Generator, table: Sequence[tuple[str, float]]) -> str:
    u = float(rng.random())
    acc = 0.0
    for code, p in table:
        acc += p
        if u < acc:
            return code
    return table[-1][0]


def synthetic_results(
    tasks: Iterable[Any],
    assignments: Any,
    objects: Any,
    inspectors: Any,
    items: Iterable[Any],
    *,
    calendar: Any,
    seed: int = 2027,
    late_share: float = 0.05,
    unpublished_share: float = 0.01,
    origin: str = "plan",
    follows: Mapping[str, str] | None = None,
) -> tuple[tuple[Any, ...], dict[str, dt.date | None]]:
    """Synthetic inspection records for matched tasks, and the day each is to be published.

    Parameters
    ----------
    tasks:
        The inspection tasks; those with a group in ``assignments`` and the desk tasks (method other than
        on-site) get records.
    assignments:
        A matching result (``groups``) or groups.
    objects, inspectors:
        The city's directories (credit grade of objects; certificates of inspectors).
    items:
        The check items (department, method, check content).
    calendar:
        A WorkCalendar covering the year.
    seed:
        Seed of the PCG64 stream.
    late_share, unpublished_share:
        Shares of results entered late and never published.
    origin:
        Origin of the records (``"plan"``; ``"conversion"`` for converted tasks).
    follows:
        Task id -> record id of the online/document check a converted task follows.

    Returns
    -------
    (records, publish_on)
        The records in task and item order, and record id -> planned publication day (``None``: never).
    """
    from randinspect.items import InspectionMethod
    from randinspect.results import Acknowledgement, Finding, InspectionRecord, Presence, Representative

    on_site_method = InspectionMethod.ON_SITE
    by_item = {i.id: i for i in items}
    groups = {g.task_id: tuple(g.inspector_ids) for g in getattr(assignments, "groups", assignments)}
    rng = np.random.Generator(np.random.PCG64(seed))
    task_list = sorted(
        (t for t in tasks if t.id in groups or t.method is not on_site_method), key=lambda t: t.id
    )
    credit: dict[str, str] = {}
    if task_list:
        ids = sorted({t.object_id for t in task_list})
        grades = np.asarray(objects.credit)[objects.index_of(ids)]
        credit = dict(zip(ids, grades.tolist(), strict=True))
    records = []
    publish_on: dict[str, dt.date | None] = {}
    windows: dict[tuple[dt.date, dt.date], list[dt.date]] = {}
    for t in task_list:
        days = windows.get(t.window)
        if days is None:
            days = []
            d = t.start
            while d <= t.end:
                if calendar.is_working_day(d):
                    days.append(d)
                d += dt.timedelta(days=1)
            windows[t.window] = days
        if not days:
            continue
        group = groups.get(t.id, ())
        desk = t.method is not on_site_method
        for item_id in t.items:
            item = by_item.get(item_id)
            if item is None or item.department not in t.departments:
                continue
            day = days[int(rng.integers(len(days)))]
            problem = rng.random() < _PROBLEM.get(credit.get(t.object_id, "B"), 0.08)
            code = _pick(rng, _PROBLEM_CATS if problem else _CLEAN_CATS)
            note = ""
            secret = False
            on_site = False
            if problem:
                note = f"检查发现问题，已依法处理（{item.name}）"
                secret = bool(rng.random() < 0.05)
                if secret:
                    note = f"涉及配方与工艺参数 {t.id}/{item_id}"
                on_site = desk and bool(rng.random() < 0.10)
            people = list(group)  # the whole (joint) group is present; a desk check has none
            presences = tuple(
                Presence(
                    inspector_id=p,
                    certificate=(
                        inspectors.get(p).certificate.number
                        if p in inspectors and inspectors.get(p).certificate is not None
                        else ""
                    ),
                )
                for p in people
            )
            u = float(rng.random())
            n_rep = int(rng.integers(10**8))
            if u < late_share:
                entry_lag = int(rng.integers(21, 41))
                pub_lag = 0
            else:
                entry_lag = int(rng.integers(1, 16))
                pub_lag = int(rng.integers(0, 4))
            entered = calendar.add_working_days(day, entry_lag)
            rid = f"{t.id}/{item_id}"
            never = late_share <= u < late_share + unpublished_share
            publish_on[rid] = None if never else calendar.add_working_days(entered, pub_lag)
            records.append(
                InspectionRecord(
                    task_id=t.id,
                    item_id=item_id,
                    object_id=t.object_id,
                    department=item.department,
                    method=t.method,
                    origin=origin,
                    start=day,
                    end=day,
                    entered_on=entered,
                    inspectors=presences,
                    acknowledgement=Acknowledgement(
                        signed=True,
                        representative=Representative(
                            name=f"负责人{n_rep:08d}", phone=f"139{n_rep:08d}", role="负责人"
                        ),
                    ),
                    findings=(
                        Finding(
                            content=item.content or item.name,
                            category=code,
                            note=note,
                            trade_secret=secret,
                            needs_on_site=on_site,
                        ),
                    ),
                    follows=None if follows is None else follows.get(t.id),
                )
            )
    return tuple(records), publish_on
