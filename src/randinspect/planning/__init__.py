"""Planning a year (§四(四), §四(六), §五(四)): item lists and district overlays, department plans with
periods, joint plans with acceptance, dynamic adjustment and the annual cycle.

Every function is pure: it returns new frozen values and never changes its inputs. Randomness comes from a
:class:`randinspect.typing.RandomSource`, deadlines from a :class:`randinspect.typing.WorkCalendar`.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from randinspect.planning._adjust import PlanChange, PlanRevision, TaskKey, adjust, current_period
from randinspect.planning._convert import OnSiteConversion, convert_to_on_site
from randinspect.planning._cycle import DEFAULT_DEADLINES, AnnualCycle, Milestone, MilestoneStatus
from randinspect.planning._department import (
    DEFAULT_PERIODS,
    DepartmentPlan,
    ItemDraw,
    balanced_targets,
    period_label,
    plan_department,
)
from randinspect.planning._items import (
    AddItem,
    AdjustItem,
    DistrictOverlay,
    EffectiveItem,
    EffectiveList,
    FieldChange,
    ItemList,
    ItemOrigin,
    OverlayChange,
    RemoveItem,
    effective_list,
    load_item_list,
    load_overlay,
)
from randinspect.planning._joint import (
    ANSWER_WORKING_DAYS,
    DEFAULT_MISSING_ANSWER,
    Answer,
    Decision,
    JointBlock,
    JointPlan,
    JointProposal,
    LouvainMerger,
    MissingAnswer,
    OverlapMerger,
    ProposalRound,
    SavingsReport,
    StandingTeam,
    co_draw_graph,
    department_object_graph,
)
from randinspect.planning._run import (
    CycleResult,
    commit_cycle,
    credit_commitment_entries,
    immediate_task,
    inspection_tasks,
    journal_cycle,
    period_window,
    run_cycle,
)

__all__ = [
    "ANSWER_WORKING_DAYS",
    "DEFAULT_DEADLINES",
    "DEFAULT_MISSING_ANSWER",
    "DEFAULT_PERIODS",
    "AddItem",
    "AdjustItem",
    "AnnualCycle",
    "Answer",
    "CycleResult",
    "Decision",
    "DepartmentPlan",
    "DistrictOverlay",
    "EffectiveItem",
    "EffectiveList",
    "FieldChange",
    "ItemDraw",
    "ItemList",
    "ItemOrigin",
    "JointBlock",
    "JointPlan",
    "JointProposal",
    "LouvainMerger",
    "Milestone",
    "MilestoneStatus",
    "MissingAnswer",
    "OnSiteConversion",
    "OverlapMerger",
    "OverlayChange",
    "PlanChange",
    "PlanRevision",
    "ProposalRound",
    "RemoveItem",
    "SavingsReport",
    "StandingTeam",
    "TaskKey",
    "adjust",
    "balanced_targets",
    "co_draw_graph",
    "commit_cycle",
    "convert_to_on_site",
    "credit_commitment_entries",
    "current_period",
    "department_object_graph",
    "effective_list",
    "immediate_task",
    "inspection_tasks",
    "journal_cycle",
    "load_item_list",
    "load_overlay",
    "period_label",
    "period_window",
    "plan_department",
    "run_cycle",
]
