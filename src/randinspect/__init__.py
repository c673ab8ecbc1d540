"""randinspect: credit-based "double random, one public" (双随机、一公开) market supervision.

Objects to inspect are drawn at random with exact, verifiable inclusion probabilities; inspectors are matched
at random under the group rules; plans and results are made public.

The names here are the most used ones; each subpackage holds the rest:

- ``randinspect.codes``: USCC (GB 32100), industry (GB/T 4754-2017) and division (GB/T 2260) codes;
- ``randinspect.directory``: the object and inspector directories and their loaders;
- ``randinspect.items``: check items; ``randinspect.planning``: item lists, plans, joint plans, the cycle;
- ``randinspect.draw``: randomness sources, policies, the verifiable draw, records;
- ``randinspect.ledger``: the hash-chained ledger (journal) of every step and its stores;
- ``randinspect.matching``: random matching of inspectors;
- ``randinspect.calendar``: working-day calendars;
- ``randinspect.datasets``: the embedded demo city;
- ``randinspect.typing``: the Protocols; ``randinspect.testing``: strategies and conformance checks.

The draw function itself is ``randinspect.draw.draw``: the name ``randinspect.draw`` is the subpackage.
"""

from __future__ import annotations

from randinspect.calendar import ChineseOfficialCalendar, OverrideCalendar, WeekendsOnly
from randinspect.codes import DIVISIONS, GUIYANG_COUNTIES, INDUSTRY, is_valid_uscc, parse_uscc, uscc_problems
from randinspect.datasets import DemoCity, demo_city, demo_items
from randinspect.directory import (
    EnforcementCertificate,
    Inspector,
    InspectorDirectory,
    InspectorRole,
    LoadResult,
    ObjectDirectory,
    Scope,
    ValidationReport,
    load_objects,
    regrade,
)
from randinspect.draw import (
    Commitment,
    DrawRecord,
    Estimate,
    NumpySource,
    PublicSeedSource,
    SamrMatrix,
    StratifiedPolicy,
    TableMatrix,
    Tier,
    TieredPolicy,
    commit,
    estimate_rate,
    estimate_total,
    inclusion_probabilities,
    verify,
)
from randinspect.errors import RandInspectError
from randinspect.items import CheckItem, InspectionMethod, ItemCategory, LegalBasis
from randinspect.ledger import Journal, JsonLinesStore, SqliteStore
from randinspect.matching import (
    ExactMarginalMatcher,
    InspectionTask,
    MatchRecord,
    MatchResult,
    SeatRule,
    UniformMatcher,
    match_inspectors,
    verify_match,
)
from randinspect.model import (
    DEFAULT_CREDIT_SCALE,
    DEFAULT_RISK_SCALE,
    ComplaintChannel,
    ComplaintRecord,
    Department,
    OrderedScale,
    SubjectKind,
    SupervisingUnit,
)
from randinspect.planning import (
    AnnualCycle,
    DepartmentPlan,
    DistrictOverlay,
    ItemList,
    JointPlan,
    LouvainMerger,
    OverlapMerger,
    adjust,
    effective_list,
    plan_department,
    run_cycle,
)

__version__ = "0.1.0.dev0"

__all__ = [
    "DEFAULT_CREDIT_SCALE",
    "DEFAULT_RISK_SCALE",
    "DIVISIONS",
    "GUIYANG_COUNTIES",
    "INDUSTRY",
    "AnnualCycle",
    "CheckItem",
    "ChineseOfficialCalendar",
    "Commitment",
    "ComplaintChannel",
    "ComplaintRecord",
    "DemoCity",
    "Department",
    "DepartmentPlan",
    "DistrictOverlay",
    "DrawRecord",
    "EnforcementCertificate",
    "Estimate",
    "ExactMarginalMatcher",
    "InspectionMethod",
    "InspectionTask",
    "Inspector",
    "InspectorDirectory",
    "InspectorRole",
    "ItemCategory",
    "ItemList",
    "JointPlan",
    "Journal",
    "JsonLinesStore",
    "LegalBasis",
    "LoadResult",
    "LouvainMerger",
    "MatchRecord",
    "MatchResult",
    "NumpySource",
    "ObjectDirectory",
    "OrderedScale",
    "OverlapMerger",
    "OverrideCalendar",
    "PublicSeedSource",
    "RandInspectError",
    "SamrMatrix",
    "Scope",
    "SeatRule",
    "SqliteStore",
    "StratifiedPolicy",
    "SubjectKind",
    "SupervisingUnit",
    "TableMatrix",
    "Tier",
    "TieredPolicy",
    "UniformMatcher",
    "ValidationReport",
    "WeekendsOnly",
    "__version__",
    "adjust",
    "commit",
    "demo_city",
    "demo_items",
    "effective_list",
    "estimate_rate",
    "estimate_total",
    "inclusion_probabilities",
    "is_valid_uscc",
    "load_objects",
    "match_inspectors",
    "parse_uscc",
    "plan_department",
    "regrade",
    "run_cycle",
    "uscc_problems",
    "verify",
    "verify_match",
]
