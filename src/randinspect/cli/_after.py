"""The demo's second half: inspections, results, publication, referral, feedback, assessment, summary."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["DEMO_ROUTES", "after_the_visit"]

#: The demo's routing table (移送路由表): matter -> competent department; crimes go to the PSB.
DEMO_ROUTES: dict[str, Any] = {
    "routes": {
        "food-safety": "SAMR",
        "pollution": "ECO",
        "work-safety": "EMERGENCY",
        "fire-safety": "FIRE",
        "tax": "TAX",
    },
    "judicial": "PSB",
    "industry": {"SAMR": ["COMMERCE"], "HEALTH": ["SAMR"], "CULTURE": ["COMMERCE"]},
    "due_working_days": 10,
}


def _calendar() -> tuple[Any, str]:
    from randinspect.calendar import ChineseOfficialCalendar, ProvisionalCalendar

    try:
        import lunardate  # noqa: F401
    except ImportError:
        return (
            ChineseOfficialCalendar(fallback="weekends"),
            "lunardate not installed: years without an official notice count weekends only "
            "(pip install 'randinspect[lunar]' for the provisional statutory-holiday calendar)",
        )
    return ProvisionalCalendar(), ""


def after_the_visit(
    city: Any,
    items: Any,
    result: Any,
    journal: Any,
    source: Any,
    out: Path,
    *,
    commitments: tuple[Any, ...] = (),
    public_seed: str = "",
    complaint_policy: Any = None,
) -> int:
    """Run the year after the matching on the demo city; print a summary; return the number of problems.

    ``commitments`` are the credit commitments given to the cycle (a breach of the first drawn one is
    recorded); with ``public_seed``, next year's items are drawn from the fed-back directory and the
    fed-back problem objects are shown in the problem tier (written to ``next-year/``).
    """
    from randinspect.datasets import synthetic_results
    from randinspect.matching import match_inspectors
    from randinspect.planning import AnnualCycle, Milestone, convert_to_on_site
    from randinspect.results import (
        CaseTrigger,
        Publication,
        ReferralRequest,
        ResultBook,
        RoutingTable,
        acknowledge,
        annual_summary,
        apply_feedback,
        assess,
        breach_record,
        deadline_report,
        enter_results,
        immediate_task,
        publish,
        push_results,
        refer,
    )

    year = result.year
    matching = result.matching
    calendar, note = _calendar()
    if note:
        print(note)
    as_of = dt.date(year, 12, 5)
    names = {d.code: d.name for d in city.departments}
    names["PSB"] = "公安局"
    item_list = tuple(items)

    # Plan tasks: the matched on-site visits and the desk checks (online, documents; no group). A credit
    # commitment's stand-in expects no result unless the commitment is breached.
    stand_ids = {c.task_id for c in commitments}
    stand_tasks = [t for t in result.desk_tasks if t.id in stand_ids]
    desk = [t for t in result.desk_tasks if t.id not in stand_ids]
    plan_tasks = [*result.tasks, *desk]
    records, publish_on = synthetic_results(
        plan_tasks, matching, city.objects, city.inspectors, item_list, calendar=calendar, seed=city.seed
    )
    records = tuple(r for r in records if r.entered_on <= as_of)
    book = enter_results(
        ResultBook(year=year),
        records,
        tasks=plan_tasks,
        assignments=result.assignments(),
        objects=city.objects,
        inspectors=city.inspectors,
        journal=journal,
    )
    tasks = list(plan_tasks)
    n_desk = sum(1 for r in records if r.method.value != "on_site")
    # Desk checks whose findings need a visit become on-site tasks, matched under the cycle's rules.
    conversion = convert_to_on_site(
        result, book, city.inspectors, source=source, calendar=calendar, journal=journal
    )
    n_conv = 0
    if conversion.tasks:
        more, more_pub = synthetic_results(
            conversion.tasks,
            conversion.matching,
            city.objects,
            city.inspectors,
            item_list,
            calendar=calendar,
            seed=city.seed + 1,
            origin="conversion",
            follows=conversion.follows,
        )
        more = tuple(r for r in more if r.entered_on <= as_of)
        book = enter_results(
            book,
            more,
            tasks=conversion.tasks,
            assignments=conversion.assignments(),
            objects=city.objects,
            inspectors=city.inspectors,
            journal=journal,
        )
        publish_on.update(more_pub)
        tasks += list(conversion.tasks)
        n_conv = len(more)

    # Case-triggered inspections (投诉举报): the three most complained-about live objects in scope of the
    # first SAMR item get immediate tasks in March, matched at once, kept apart in statistics.
    n_case = 0
    samr = next((i for i in item_list if i.department == "SAMR"), None)
    if samr is not None:
        in_scope = city.objects.mask(samr.scope)
        eligible = set(np.asarray(city.objects.ids)[in_scope].tolist())
        counts = Counter(c.object_id for c in city.complaints if c.object_id in eligible)
        case_tasks = [
            immediate_task(
                trigger=CaseTrigger.COMPLAINT,
                reference=f"12315-{year}-{n + 1:04d}",
                objects=city.objects,
                object_id=oid,
                item=samr,
                start=dt.date(year, 3, 1),
                end=dt.date(year, 3, 12),
            )
            for n, (oid, _) in enumerate(counts.most_common(3))
        ]
        if case_tasks:
            case_match = match_inspectors(
                case_tasks, city.inspectors, source=source, context=f"match|{year}|case", allow_partial=True
            )
            journal.append_match(case_match.record())
            cases, case_pub = synthetic_results(
                case_tasks,
                case_match,
                city.objects,
                city.inspectors,
                item_list,
                calendar=calendar,
                seed=city.seed + 2,
                origin="case",
            )
            book = enter_results(
                book,
                cases,
                tasks=case_tasks,
                assignments=case_match,
                objects=city.objects,
                inspectors=city.inspectors,
                journal=journal,
            )
            publish_on.update(case_pub)
            tasks += case_tasks
            n_case = len(cases)

    # Credit commitments (信用承诺) stood in for the drawn committed objects: no visit. The first one is
    # breached, recorded and published as the commitment says.
    n_breach = 0
    if stand_tasks:
        stand = next(c for c in commitments if c.task_id == stand_tasks[0].id)
        breach = breach_record(
            stand,
            found_on=dt.date(year, 6, 1),
            entered_on=dt.date(year, 6, 3),
            note="未按承诺在期限内完成备案",
        )
        book = enter_results(
            book, [breach], tasks=stand_tasks, assignments=result.assignments(), journal=journal
        )
        publish_on[breach.record_id] = dt.date(year, 6, 4)
        tasks.append(stand_tasks[0])
        n_breach = 1

    # Weekly publication on Fridays of what each department has ready (谁公开).
    rows: list[Any] = []
    late: list[str] = []
    day = dt.date(year, 1, 1)
    while day <= as_of:
        if day.weekday() == 4:
            ready = [
                r.record_id
                for r in book.unpublished()
                if (p := publish_on.get(r.record_id)) is not None and p <= day
            ]
            if ready:
                book, pub = publish(
                    book,
                    on=day,
                    calendar=calendar,
                    objects=city.objects,
                    inspectors=city.inspectors,
                    departments=names,
                    record_ids=ready,
                    journal=journal,
                )
                rows.extend(pub.rows)
                late.extend(pub.late)
        day += dt.timedelta(days=1)
    public = Publication(published_on=as_of, rows=tuple(rows), late=tuple(late))
    public.to_json(out / "public-results.json")
    public.to_csv(out / "public-results.csv")

    table = RoutingTable.from_dict({**DEMO_ROUTES, "departments": names})
    matters = sorted(table.routes)
    requests = []
    for n, r in enumerate(x for x in book if x.category.code == "04"):
        sent = r.record.entered_on
        if n % 10 == 9:
            requests.append(ReferralRequest(record_id=r.record_id, crime=True, sent_on=sent))
            continue
        matter = next(
            m
            for k in range(len(matters))
            if table.routes[m := matters[(n + k) % len(matters)]] != r.record.department
        )
        requests.append(ReferralRequest(record_id=r.record_id, matter=matter, sent_on=sent))
    referrals = refer(book, requests, table=table, calendar=calendar, journal=journal)
    receipts = {
        ref.id: calendar.add_working_days(ref.sent_on, 5)
        for n, ref in enumerate(referrals)
        if n % 7 != 6 and calendar.add_working_days(ref.sent_on, 5) <= as_of
    }
    referrals = acknowledge(referrals, receipts)
    pushes = push_results(book, table=table, on=as_of, calendar=calendar, journal=journal)

    item_departments = {i.id: i.department for i in item_list}
    report = deadline_report(
        book, as_of=as_of, calendar=calendar, tasks=tasks, item_departments=item_departments
    )
    feedback = apply_feedback(city.objects, book, referrals=referrals, journal=journal)

    plan_cycle = result.cycle
    done = {
        m: plan_cycle.due(m) for m in (Milestone.ITEM_LISTS_AND_PLANS, Milestone.DRAWS, Milestone.JOINT_PLAN)
    }
    statuses = [s for s in plan_cycle.status(done, today=as_of) if s.milestone is not Milestone.SUMMARY]
    next_cycle = AnnualCycle(year=year + 1, calendar=calendar)
    statuses += [
        s
        for s in next_cycle.status({Milestone.SUMMARY: as_of}, today=as_of)
        if s.milestone is Milestone.SUMMARY
    ]
    assessment = assess(
        book=book,
        report=report,
        objects=city.objects,
        draw_records=result.records,
        tasks=tasks,
        items=item_list,
        savings=result.joint.savings(),
        referrals=referrals,
        milestones=statuses,
        cycle=plan_cycle,
        department_milestones=dict.fromkeys(sorted({i.department for i in item_list}), done),
        names=names,
        journal=journal,
    )
    summary = annual_summary(assessment, out / "summary")
    (out / "assessment.json").write_text(
        json.dumps(assessment.to_json_dict(), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    # The files the results commands share and the publication site reads (docs/publishing.md).
    (out / "book.json").write_text(
        json.dumps(book.to_json_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    (out / "overdue.csv").write_text(report.overdue_csv(), encoding="utf-8")

    t = assessment.total
    categories = Counter(r.category.zh for r in book)
    print(
        f"{len(book)} results entered by {as_of} ({n_desk} online/document desk checks without a visit, "
        f"{n_conv} after conversion of desk checks to on-site tasks ({len(conversion.tasks)} converted), "
        f"{n_case} case-triggered, {n_breach} breached credit commitment of {len(stand_tasks)} standing in "
        "for a visit); categories:"
    )
    for zh, n in categories.most_common():
        print(f"  {n:>6}  {zh}")
    print(
        f"published {t.published} of {t.expected} expected results ({len(rows)} public rows, redacted); "
        f"entry rate {float(t.entry_rate or 0):.1%}, "
        f"publication rate {float(t.publication_rate or 0):.1%}, "
        f"on time {float(t.timely_publication_rate or 0):.1%}"
    )
    overdue = report.overdue()
    by_dep = Counter(r.department for r in overdue)
    per_dep = ", ".join(f"{d} {n}" for d, n in sorted(by_dep.items()))
    print(f"overdue list 逾期清单: {len(overdue)} results ({per_dep})")
    for row in overdue[:3]:
        print(f"  {row.record_id}: due {row.due} ({row.status}{', provisional' if row.provisional else ''})")
    judicial = sum(r.kind.value == "judicial" for r in referrals)
    no_receipt = sum(r.overdue(as_of) for r in referrals)
    print(
        f"referrals 移送: {len(referrals)} ({judicial} to the judicial organ), {no_receipt} without receipt "
        f"past due; {len(pushes)} pushes to same-industry departments"
    )
    print(
        f"feedback: {len(feedback.report)} grade changes, {len(feedback.marks)} objects marked "
        f"abnormal/dormant, {len(feedback.problem_ids)} problem objects for {year + 1}"
    )
    print(
        f"problem-finding rate {float(t.problem_rate or 0):.1%}; A-grade objects are "
        f"{float(t.a_grade_share or 0):.1%} of plan results"
    )
    if report.provisional:
        print("deadlines after the last official holiday notice are provisional (statutory holidays only)")
    charts = f"{len(summary.charts)} charts" if summary.charts else summary.note
    print(f"annual summary 年度工作总结 written to {out / 'summary'}/summary.md and .html ({charts})")
    if public_seed:
        next_year_draw(city, feedback, referrals, public_seed, out / "next-year", complaint_policy)
    return 0


def next_year_draw(
    city: Any, feedback: Any, referrals: Any, public_seed: str, out: Path, complaint_policy: Any = None
) -> dict[str, Any]:
    """Draw next year's items from the fed-back directory; show the fed-back problem objects drawn.

    The problem objects of the feedback (filed cases, 立案) and the referred objects (移送) are given to every
    department's :class:`randinspect.draw.TieredPolicy` as ``filed_case_ids`` and ``referral_ids``; the
    re-graded directory gives the credit grades and risk classes. Each fed-back object in an item's scope is
    drawn with π = 1 (problem tier, or key tier when it is a key object). Writes ``draws/`` and
    ``feedback.json`` (``{"year", "problem_ids", "in_scope", "drawn"}``, drawn as object id → item ids)
    under ``out`` and prints one line. A preview: next year's draws are committed and journalled in next
    year's cycle.
    """
    from randinspect.datasets import demo_items
    from randinspect.draw import PublicSeedSource, TieredPolicy, draw
    from randinspect.errors import EmptyFrameError

    year = int(getattr(city, "year", 0)) + 1
    objects = feedback.objects
    referred = sorted({r.object_id for r in referrals})
    filed = sorted(set(feedback.problem_ids) - set(referred))
    plain = TieredPolicy(filed_case_ids=filed, referral_ids=referred)
    samr = plain
    if complaint_policy is not None:
        samr = TieredPolicy(
            complaints=complaint_policy.complaints,
            complaint_rule=complaint_policy.complaint_rule,
            reference_date=dt.date(year - 1, 11, 10),
            filed_case_ids=filed,
            referral_ids=referred,
        )
    source = PublicSeedSource(f"{public_seed} | {year} | preview")
    problem = set(feedback.problem_ids)
    alive = np.asarray(objects.alive, dtype=bool)
    ids = np.asarray(objects.ids)
    in_scope: set[str] = set()
    drawn: dict[str, list[str]] = {}
    (out / "draws").mkdir(parents=True, exist_ok=True)
    n_records = 0
    for item in demo_items(year):
        scoped = set(ids[objects.mask(item.scope) & alive].tolist()) & problem
        in_scope |= scoped
        try:
            record = draw(
                objects, item, source, policy=samr if item.department == "SAMR" else plain, year=year
            )
        except EmptyFrameError:
            continue
        record.to_json(out / "draws" / f"{item.id}-round1.json")
        n_records += 1
        for s in record.selected:
            if s.id in problem and s.tier in ("problem", "key"):
                drawn.setdefault(s.id, []).append(item.id)
    report = {
        "year": year,
        "problem_ids": sorted(problem),
        "in_scope": sorted(in_scope),
        "drawn": {k: sorted(v) for k, v in sorted(drawn.items())},
    }
    (out / "feedback.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    changed = len({c.id for c in feedback.report.changes})
    print(
        f"next year {year} 次年度抽取 (preview, {n_records} draws of the fed-back directory): "
        f"{len(drawn)} of {len(in_scope)} fed-back problem objects in an item's scope drawn as mandatory "
        f"(problem/key tier, π = 1); the draws use the new grades of {changed} re-graded objects"
    )
    return report
