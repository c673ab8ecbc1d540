"""After the visit (§四(七)1, §四(八), §四(九), §五): inspection records, methods, results published within
20 working days with redaction, referral, feedback into next year's grades, assessment and the annual
summary.

Every step is pure: it returns new frozen values (a new :class:`ResultBook`, a new directory) and never
changes its inputs; a refused step raises a typed error naming the record and writes nothing. Steps take an
optional :class:`randinspect.draw.journal.Journal` to leave their trace (全程留痕).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from randinspect.results._assess import (
    CHART_ALT,
    CHART_FILES,
    AnnualSummary,
    Assessment,
    AssessmentRow,
    Estimator,
    annual_summary,
    assess,
    assessment_charts,
)
from randinspect.results._book import EnteredResult, ResultBook, enter_results, inspection_record_entry
from randinspect.results._feedback import DEFAULT_FEEDBACK, DefaultFeedback, FeedbackResult, apply_feedback
from randinspect.results._methods import (
    COMMITMENT_COLUMNS,
    CaseTrigger,
    CommitmentStandIn,
    breach_record,
    conversion_tasks,
    immediate_task,
    load_credit_commitments,
)
from randinspect.results._publish import (
    OVERDUE_COLUMNS,
    PUBLICATION_WORKING_DAYS,
    Deadline,
    DeadlineReport,
    DeadlineRow,
    Publication,
    deadline_report,
    publication_due,
    publish,
)
from randinspect.results._records import (
    Acknowledgement,
    Attachment,
    Finding,
    InspectionRecord,
    Origin,
    Presence,
    Representative,
    load_inspection_records,
)
from randinspect.results._redact import DEFAULT_REDACTION, PUBLIC_FIELDS, RedactionPolicy
from randinspect.results._referral import (
    Referral,
    ReferralKind,
    ReferralRequest,
    RoutingTable,
    acknowledge,
    push_results,
    refer,
)
from randinspect.results._vocabulary import (
    DEFAULT_VOCABULARY,
    NATIONAL_CATEGORIES,
    Consequence,
    FindingVocabulary,
    ResultCategory,
)

__all__ = [
    "CHART_ALT",
    "CHART_FILES",
    "COMMITMENT_COLUMNS",
    "DEFAULT_FEEDBACK",
    "DEFAULT_REDACTION",
    "DEFAULT_VOCABULARY",
    "NATIONAL_CATEGORIES",
    "OVERDUE_COLUMNS",
    "PUBLICATION_WORKING_DAYS",
    "PUBLIC_FIELDS",
    "Acknowledgement",
    "AnnualSummary",
    "Assessment",
    "AssessmentRow",
    "Attachment",
    "CaseTrigger",
    "CommitmentStandIn",
    "Consequence",
    "Deadline",
    "DeadlineReport",
    "DeadlineRow",
    "DefaultFeedback",
    "EnteredResult",
    "Estimator",
    "FeedbackResult",
    "Finding",
    "FindingVocabulary",
    "InspectionRecord",
    "Origin",
    "Presence",
    "Publication",
    "RedactionPolicy",
    "Referral",
    "ReferralKind",
    "ReferralRequest",
    "Representative",
    "ResultBook",
    "ResultCategory",
    "RoutingTable",
    "acknowledge",
    "annual_summary",
    "apply_feedback",
    "assess",
    "assessment_charts",
    "breach_record",
    "conversion_tasks",
    "deadline_report",
    "enter_results",
    "immediate_task",
    "inspection_record_entry",
    "load_credit_commitments",
    "load_inspection_records",
    "publication_due",
    "publish",
    "push_results",
    "refer",
]
