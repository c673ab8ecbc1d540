"""The verifiable draw (抽取检查对象): public randomness, exact inclusion probabilities, records, verify.

The first "random" of 双随机 and the "public" of 一公开 (§四(五), §四(八)4, §四(九)). A draw of one round
of a check item goes:

1. :class:`DrawFrame` — the item's in-scope, alive objects, canonical order;
2. a :class:`randinspect.typing.SamplingPolicy` (default :class:`TieredPolicy`) gives the
   :class:`InclusionTable`: tier, stratum and exact π per object, integers over :data:`DENOMINATOR`;
3. :func:`commit` — publish the :class:`Commitment` digest before the seed exists;
4. :func:`draw` with the public seed (:class:`PublicSeedSource`) — systematic πps selection over the frame
   ordered by (stratum, ticket), giving a :class:`DrawRecord`;
5. :func:`verify` — anyone re-runs it and gets the first difference, if any;
6. after the inspections, :func:`estimate_total` and :func:`estimate_rate` estimate population totals and
   rates from the findings (Horvitz–Thompson, with the variance the design allows).

The language-neutral specification is ``docs/draw-spec.md``.
"""

from __future__ import annotations

from randinspect._canonical import canonical_digest, canonical_json
from randinspect.draw._estimate import (
    MAX_JOINT_SIZE,
    SYSTEMATIC_NOTE,
    VARIANCE_METHODS,
    Estimate,
    JointInclusion,
    estimate_rate,
    estimate_total,
    ht_ratio,
    ht_total,
    systematic_joint_inclusion,
)
from randinspect.draw._frame import STRATUM_COLUMNS, DrawFrame, Tier
from randinspect.draw._inclusion import (
    ALGORITHM_VERSION,
    DENOMINATOR,
    CapReport,
    InclusionTable,
    decimal_string,
    largest_remainder,
)
from randinspect.draw._matrix import (
    DEFAULT_CREDIT_MULTIPLIERS,
    DEFAULT_CREDIT_ROUND_SHARES,
    DEFAULT_RISK_MULTIPLIERS,
    SamrMatrix,
    TableMatrix,
    matrix_from_dict,
)
from randinspect.draw._policy import (
    MAX_ROUNDS,
    RATIO_MODES,
    UNIT_MODES,
    ComplaintRule,
    StratifiedPolicy,
    TieredPolicy,
    active_rounds,
    apportion,
    default_commitment_date,
    inclusion_probabilities,
    item_rounds,
    policy_from_dict,
)
from randinspect.draw._privacy import (
    REASON_LISTS,
    check_reason,
    object_salt,
    open_reasons,
    public_policy,
    reason_digest,
)
from randinspect.draw._random import (
    TICKET_VERSION,
    NumpySource,
    PublicSeedSource,
    normalise_context,
    normalise_seed,
    seed_digest,
    ticket_bytes,
)
from randinspect.draw._record import (
    Commitment,
    DrawRecord,
    SelectedObject,
    commit,
    draw,
    draw_context,
    select,
    source_from_description,
    unit_starts,
    verify,
)
from randinspect.draw._select import exact_selection_probabilities, selection_order, systematic_select
from randinspect.draw._volume import DepartmentVolume, ItemVolume, VolumeReport, volume_report
from randinspect.draw.rivest import (
    RIVEST_SAMPLER_VERSION,
    RivestSample,
    RivestStep,
    rivest_pick,
    rivest_sample,
    rivest_seed,
    rivest_select,
)
from randinspect.ledger import (
    GENESIS_HASH,
    EntryKind,
    Journal,
    JournalCheck,
    JournalEntry,
    JournalKey,
    JournalStore,
    JsonLinesStore,
    MemoryStore,
    SqliteStore,
    entry_hash,
    open_store,
)

__all__ = [
    "ALGORITHM_VERSION",
    "DEFAULT_CREDIT_MULTIPLIERS",
    "DEFAULT_CREDIT_ROUND_SHARES",
    "DEFAULT_RISK_MULTIPLIERS",
    "DENOMINATOR",
    "GENESIS_HASH",
    "MAX_JOINT_SIZE",
    "MAX_ROUNDS",
    "RATIO_MODES",
    "REASON_LISTS",
    "RIVEST_SAMPLER_VERSION",
    "STRATUM_COLUMNS",
    "SYSTEMATIC_NOTE",
    "TICKET_VERSION",
    "UNIT_MODES",
    "VARIANCE_METHODS",
    "CapReport",
    "Commitment",
    "ComplaintRule",
    "DepartmentVolume",
    "DrawFrame",
    "DrawRecord",
    "EntryKind",
    "Estimate",
    "InclusionTable",
    "ItemVolume",
    "JointInclusion",
    "Journal",
    "JournalCheck",
    "JournalEntry",
    "JournalKey",
    "JournalStore",
    "JsonLinesStore",
    "MemoryStore",
    "NumpySource",
    "PublicSeedSource",
    "RivestSample",
    "RivestStep",
    "SamrMatrix",
    "SelectedObject",
    "SqliteStore",
    "StratifiedPolicy",
    "TableMatrix",
    "Tier",
    "TieredPolicy",
    "VolumeReport",
    "active_rounds",
    "apportion",
    "canonical_digest",
    "canonical_json",
    "check_reason",
    "commit",
    "decimal_string",
    "default_commitment_date",
    "draw",
    "draw_context",
    "entry_hash",
    "estimate_rate",
    "estimate_total",
    "exact_selection_probabilities",
    "ht_ratio",
    "ht_total",
    "inclusion_probabilities",
    "item_rounds",
    "largest_remainder",
    "matrix_from_dict",
    "normalise_context",
    "normalise_seed",
    "object_salt",
    "open_reasons",
    "open_store",
    "policy_from_dict",
    "public_policy",
    "reason_digest",
    "rivest_pick",
    "rivest_sample",
    "rivest_seed",
    "rivest_select",
    "seed_digest",
    "select",
    "selection_order",
    "source_from_description",
    "systematic_joint_inclusion",
    "systematic_select",
    "ticket_bytes",
    "unit_starts",
    "verify",
    "volume_report",
]
