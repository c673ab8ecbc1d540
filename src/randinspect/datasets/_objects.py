"""The object columns of the demo city: kinds, districts, industries, ids, names, credit, risk, tags."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from randinspect.codes import INDUSTRY, uscc_check_digits
from randinspect.datasets import _tables as t
from randinspect.datasets._random import (
    IntArray,
    categorical,
    check_seed,
    conditional_categorical,
    make_rng,
)
from randinspect.errors import ConfigurationError
from randinspect.model import DEFAULT_CREDIT_SCALE, DEFAULT_RISK_SCALE, SubjectKind

__all__ = ["MAX_OBJECTS", "generate_object_columns", "industry_classes"]

StrArray = npt.NDArray[np.str_]

MAX_OBJECTS = 10_000_000
"""Largest ``n`` the generator accepts (the organisation-code pools stay sparse enough for unique codes)."""

#: Departments that get a risk column of their own (``department_risk``).
DEPARTMENT_RISK_CODES: tuple[str, ...] = ("SAMR", "EMERGENCY", "ECO")

# USCC character set (GB 32100-2015): digits and capital letters without I, O, S, V, Z.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# GB 11714-1997 organisation-code weights of the eight body characters.
_ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
# Share per 1,000 of subjects whose organisation code is of the post-2015 "MA" form.
_NEW_FORM_PER_MILLE = 600
# The independent streams, one per column family; adding a stream at the END keeps earlier columns.
_STREAMS = (
    "kind",
    "region",
    "industry",
    "alive",
    "credit",
    "tags",
    "risk",
    "unit",
    "id",
    "name",
    "dept_risk",
)


def industry_classes() -> dict[str, tuple[str, ...]]:
    """The GB/T 4754-2017 four-digit classes of every division the demo city uses, from ``INDUSTRY``.

    Returns
    -------
    dict
        Division code (two digits) → its class codes, ascending.
    """
    divisions = sorted({d for table in t.KIND_DIVISIONS.values() for d, _ in table})
    all_classes = INDUSTRY.codes("class")
    found: dict[str, tuple[str, ...]] = {}
    for division in divisions:
        classes = tuple(sorted(c for c in all_classes if c.startswith(division)))
        if not classes:
            raise ConfigurationError(f"industry division {division!r} has no classes in the INDUSTRY table")
        found[division] = classes
    return found


def _checked_classes(classes: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Check a caller's division → classes mapping covers every division of the weight tables."""
    needed = sorted({d for table in t.KIND_DIVISIONS.values() for d, _ in table})
    missing = [d for d in needed if not classes.get(d)]
    if missing:
        raise ConfigurationError(
            f"classes must list at least one industry class for each division the demo city uses; "
            f"missing or empty: {', '.join(missing)} (start from randinspect.datasets.industry_classes())"
        )
    for division, codes in classes.items():
        for code in codes:
            if not (code.startswith(division) and INDUSTRY.is_valid(code, level="class")):
                raise ConfigurationError(
                    f"classes[{division!r}] holds {code!r}, which is not a GB/T 4754-2017 class of division "
                    f"{division}; use four-digit class codes that start with the division code"
                )
    return {d: tuple(classes[d]) for d in needed}


def _concat(*parts: StrArray | str) -> StrArray:
    out: StrArray = np.asarray(parts[0])
    for part in parts[1:]:
        out = np.char.add(out, part)
    return out


def _org_check_chars(values: IntArray) -> StrArray:
    """GB 11714 check characters of organisation-code bodies given as an ``(n, 8)`` array of char values."""
    remainder = (values * _ORG_WEIGHTS).sum(axis=1) % 11
    check = 11 - remainder  # 1..11
    table = np.array(["", "1", "2", "3", "4", "5", "6", "7", "8", "9", "X", "0"])
    result: StrArray = table[check]
    return result


def _organisation_codes(rng: np.random.Generator, n: int) -> StrArray:
    """``n`` distinct nine-character organisation codes (body + GB 11714 check character).

    About 60 % have the post-2015 form ``MA`` + six characters of the USCC alphabet; the rest are eight
    digits. Each form is drawn without replacement from its own pool, and the forms cannot collide.
    """
    new_form = rng.integers(0, 1000, size=n, dtype=np.int64) < _NEW_FORM_PER_MILLE
    n_new = int(new_form.sum())
    values = np.zeros((n, 8), dtype=np.int64)
    chars = np.zeros((n, 8), dtype=np.uint8)
    # Old form: eight decimal digits.
    old = rng.choice(10**8, size=n - n_new, replace=False).astype(np.int64)
    digits = np.empty((n - n_new, 8), dtype=np.int64)
    for j in range(7, -1, -1):
        digits[:, j] = old % 10
        old //= 10
    values[~new_form] = digits
    chars[~new_form] = (digits + ord("0")).astype(np.uint8)
    # New form: "MA" + six base-31 characters of the USCC alphabet.
    new = rng.choice(31**6, size=n_new, replace=False).astype(np.int64)
    alphabet_bytes = np.frombuffer(_USCC_ALPHABET.encode("ascii"), dtype=np.uint8)
    alphabet_values = np.array([int(c, 36) for c in _USCC_ALPHABET], dtype=np.int64)
    body = np.empty((n_new, 8), dtype=np.int64)
    body[:, 0] = int("M", 36)
    body[:, 1] = int("A", 36)
    body_chars = np.empty((n_new, 8), dtype=np.uint8)
    body_chars[:, 0] = ord("M")
    body_chars[:, 1] = ord("A")
    for j in range(7, 1, -1):
        digit = new % 31
        new //= 31
        body[:, j] = alphabet_values[digit]
        body_chars[:, j] = alphabet_bytes[digit]
    values[new_form] = body
    chars[new_form] = body_chars
    bodies = np.ascontiguousarray(chars).view("S8").ravel().astype("U8")
    return _concat(bodies, _org_check_chars(values))


def _word_table(
    kinds: tuple[SubjectKind, ...], divisions: tuple[str, ...]
) -> tuple[StrArray, IntArray, IntArray]:
    """Flat table of name words with the start and count for every (kind, division) pair."""
    words: list[str] = []
    start = np.zeros((len(kinds), len(divisions)), dtype=np.int64)
    count = np.zeros((len(kinds), len(divisions)), dtype=np.int64)
    for k, kind in enumerate(kinds):
        for d, division in enumerate(divisions):
            options = _words_for(kind, division)
            start[k, d] = len(words)
            count[k, d] = len(options)
            words.extend(options)
    return np.array(words), start, count


def _words_for(kind: SubjectKind, division: str) -> tuple[str, ...]:
    if kind is SubjectKind.ENTERPRISE:
        return t.ENTERPRISE_WORDS.get(division, t.DEFAULT_ENTERPRISE_WORDS)
    if kind is SubjectKind.INDIVIDUAL_BUSINESS:
        return t.SHOP_WORDS.get(division, t.DEFAULT_SHOP_WORDS)
    if kind is SubjectKind.PUBLIC_INSTITUTION:
        return t.PUBLIC_WORDS.get(division, t.DEFAULT_PUBLIC_WORDS)
    if kind is SubjectKind.SOCIAL_ORGANISATION:
        return t.SOCIAL_WORDS
    if kind is SubjectKind.PRIVATE_NON_ENTERPRISE:
        return t.PRIVATE_NON_ENTERPRISE_WORDS.get(division, t.DEFAULT_PRIVATE_NON_ENTERPRISE_WORDS)
    if kind is SubjectKind.OTHER_SUBJECT:
        return t.OTHER_WORDS.get(division, t.DEFAULT_OTHER_WORDS)
    if kind is SubjectKind.PRODUCT:
        return t.PRODUCT_WORDS.get(division, ("产品",))
    if kind is SubjectKind.PROJECT:
        return t.PROJECT_WORDS
    return t.BEHAVIOUR_WORDS


def _class_rule_mask(classes: StrArray, prefixes: tuple[str, ...]) -> npt.NDArray[np.bool_]:
    mask = np.zeros(len(classes), dtype=bool)
    for prefix in prefixes:
        mask |= np.char.startswith(classes, prefix)
    return mask


def generate_object_columns(
    n: int, seed: int, *, classes: Mapping[str, tuple[str, ...]] | None = None
) -> dict[str, np.ndarray]:
    """Generate the columns of a Guiyang-like object directory (检查对象名录库) as plain numpy arrays.

    The result is a pure function of ``n`` and ``seed`` (and of the numpy version, see
    ``docs/datasets.md``): every draw uses a PCG64 generator of its own, spawned from
    ``numpy.random.SeedSequence(seed)``, and integer arithmetic only.

    Parameters
    ----------
    n:
        Number of objects, 1 to :data:`MAX_OBJECTS`.
    seed:
        Non-negative integer seed. The same seed gives the same columns; no global random state is used.
    classes:
        Division → industry classes to draw from; default :func:`industry_classes` (the shipped
        GB/T 4754-2017 table).

    Returns
    -------
    dict
        Equal-length arrays in generation order (not canonical order): ``id``, ``name``, ``kind``
        (``SubjectKind`` values), ``industry`` (four-digit class codes), ``region`` (six-digit GB/T 2260
        codes), ``unit`` (SAMR supervising-unit codes), ``credit`` (``A``–``D``), ``risk``
        (``low``/``medium``/``high``), ``alive`` (bool), ``tags`` (object array of tuples of str) and one
        ``risk@<DEPT>`` column per department with its own risk class (``SAMR``, ``EMERGENCY``, ``ECO``).

    Raises
    ------
    ConfigurationError
        If ``n`` or ``seed`` is out of range.

    Examples
    --------
    >>> from randinspect.datasets import generate_object_columns
    >>> cols = generate_object_columns(1000, seed=7)
    >>> len(cols["id"]), sorted(set(cols["credit"])) <= ["A", "B", "C", "D"]
    (1000, True)
    """
    seed = check_seed(seed)
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 1 <= int(n) <= MAX_OBJECTS:
        raise ConfigurationError(
            f"number of demo objects must be an integer from 1 to {MAX_OBJECTS:,}, got {n!r}"
        )
    n = int(n)
    classes = industry_classes() if classes is None else _checked_classes(classes)
    streams = dict(zip(_STREAMS, np.random.SeedSequence(seed).spawn(len(_STREAMS)), strict=True))
    rngs = {name: make_rng(ss) for name, ss in streams.items()}

    kinds = tuple(row[0] for row in t.KINDS)
    kind_idx = categorical(rngs["kind"], [row[1] for row in t.KINDS], n)

    # Districts, independent of kind.
    region_codes = np.array([row[0] for row in t.DISTRICTS])
    region_idx = categorical(rngs["region"], [row[2] for row in t.DISTRICTS], n)

    # Industry: a division by the kind's weights, then a class uniformly among the division's classes.
    divisions = tuple(sorted(classes))
    div_pos = {d: i for i, d in enumerate(divisions)}
    weight_rows = np.zeros((len(kinds), len(divisions)), dtype=np.int64)
    for k, kind in enumerate(kinds):
        for division, weight in t.KIND_DIVISIONS[kind]:
            weight_rows[k, div_pos[division]] = weight
    div_idx = conditional_categorical(rngs["industry"], weight_rows, kind_idx)
    class_table = np.array([c for d in divisions for c in classes[d]])
    class_count = np.array([len(classes[d]) for d in divisions], dtype=np.int64)
    class_start = np.concatenate(([0], np.cumsum(class_count)[:-1])).astype(np.int64)
    class_idx = class_start[div_idx] + rngs["industry"].integers(0, class_count[div_idx], dtype=np.int64)

    # Alive flag: dormant share per kind.
    dormant_per_mille = np.array([row[4] for row in t.KINDS], dtype=np.int64)
    alive = rngs["alive"].integers(0, 1000, size=n, dtype=np.int64) >= dormant_per_mille[kind_idx]

    # Credit: by alive flag.
    credit_rows = np.array([t.CREDIT_ALIVE, t.CREDIT_DORMANT], dtype=np.int64)
    credit_levels = np.array(DEFAULT_CREDIT_SCALE.levels)
    credit = credit_levels[conditional_categorical(rngs["credit"], credit_rows, (~alive).astype(np.int64))]

    # Tags: rule membership is computed once per class, then looked up per object.
    tag_names = sorted({rule[0] for rule in t.TAG_RULES})
    tag_pos = {tag: i for i, tag in enumerate(tag_names)}
    bits = np.zeros((n, len(tag_names)), dtype=bool)
    lifts = np.zeros(n, dtype=bool)
    for tag, prefixes, rule_kinds, per_mille, parent, lifts_risk in t.TAG_RULES:
        kind_ok = np.array([kind in rule_kinds for kind in kinds])[kind_idx]
        eligible = kind_ok
        if prefixes:
            eligible = eligible & _class_rule_mask(class_table, prefixes)[class_idx]
        if parent is not None:
            eligible = eligible & bits[:, tag_pos[parent]]
        draw = rngs["tags"].integers(0, 1000, size=n, dtype=np.int64) < per_mille
        hit = eligible & draw
        bits[:, tag_pos[tag]] |= hit
        if lifts_risk:
            lifts |= hit
    tags = _tag_tuples(bits, tag_names)

    # Risk class: industry tier, lifted to high by key tags and hazardous activities.
    division_codes = np.array(divisions)
    tier_of_division = np.where(
        np.isin(division_codes, sorted(t.HIGH_RISK_DIVISIONS)),
        2,
        np.where(np.isin(division_codes, sorted(t.MEDIUM_RISK_DIVISIONS)), 1, 0),
    ).astype(np.int64)
    tier = np.where(lifts, 2, tier_of_division[div_idx]).astype(np.int64)
    risk_rows = np.array(t.RISK_BY_TIER, dtype=np.int64)
    risk_levels = np.array(DEFAULT_RISK_SCALE.levels)
    risk = risk_levels[conditional_categorical(rngs["risk"], risk_rows, tier)]

    # Department-specific risk classes.
    def has(tag: str) -> npt.NDArray[np.bool_]:
        return bits[:, tag_pos[tag]]

    def in_divisions(codes: tuple[str, ...]) -> npt.NDArray[np.bool_]:
        return np.isin(division_codes, codes)[div_idx]

    samr_tier = np.where(
        has("SAMR:key:food-production") | has("SAMR:key:special-equipment-user"),
        2,
        np.where(has("SAMR:food") | has("SAMR:special-equipment") | has("SAMR:industrial-product"), 1, 0),
    )
    emergency_tier = np.where(
        has("EMERGENCY:hazchem") | has("EMERGENCY:mining") | in_divisions(("47", "48", "49")),
        2,
        np.where(in_divisions(("30", "31", "32", "33", "44", "45", "59")) | has("FIRE:crowded-place"), 1, 0),
    )
    eco_tier = np.where(has("ECO:key:priority-polluter"), 2, np.where(has("ECO:emission-permit"), 1, 0))
    dept_rng = rngs["dept_risk"]
    department_risk = {
        code: risk_levels[conditional_categorical(dept_rng, risk_rows, dept_tier.astype(np.int64))]
        for code, dept_tier in zip(DEPARTMENT_RISK_CODES, (samr_tier, emergency_tier, eco_tier), strict=True)
    }

    # Supervising unit: one SAMR station of the object's district.
    stations = np.array([row[3] for row in t.DISTRICTS], dtype=np.int64)
    unit_table = np.array([f"{row[0]}-SAMR-{k + 1:02d}" for row in t.DISTRICTS for k in range(row[3])])
    unit_start = np.concatenate(([0], np.cumsum(stations)[:-1])).astype(np.int64)
    unit = unit_table[unit_start[region_idx] + rngs["unit"].integers(0, stations[region_idx], dtype=np.int64)]

    ids = _ids(rngs["id"], kinds, kind_idx, region_idx, region_codes)
    names = _names(rngs["name"], kinds, kind_idx, div_idx, divisions, region_idx)

    kind_values = np.array([k.value for k in kinds])
    columns: dict[str, np.ndarray] = {
        "id": ids,
        "name": names,
        "kind": kind_values[kind_idx],
        "industry": class_table[class_idx],
        "region": region_codes[region_idx],
        "unit": unit,
        "credit": credit,
        "risk": risk,
        "alive": alive,
        "tags": tags,
    }
    for code, column in department_risk.items():
        columns[f"risk@{code}"] = column
    return columns


def _tag_tuples(bits: npt.NDArray[np.bool_], tag_names: list[str]) -> npt.NDArray[np.object_]:
    """One tuple of tags per object, built once per distinct combination of tags."""
    weights = np.left_shift(np.int64(1), np.arange(bits.shape[1], dtype=np.int64))
    code = bits.astype(np.int64) @ weights
    combos, inverse = np.unique(code, return_inverse=True)
    table = np.empty(len(combos), dtype=object)
    for i, combo in enumerate(combos.tolist()):
        table[i] = tuple(tag for j, tag in enumerate(tag_names) if (combo >> j) & 1)
    result: npt.NDArray[np.object_] = table[inverse.ravel()]
    return result


def _ids(
    rng: np.random.Generator,
    kinds: tuple[SubjectKind, ...],
    kind_idx: IntArray,
    region_idx: IntArray,
    region_codes: StrArray,
) -> StrArray:
    """USCCs for subjects (division part = the object's district) and ``PRD-520102-000123`` style ids."""
    n = len(kind_idx)
    ids = np.empty(n, dtype="U18")
    uscc_prefix = np.array([row[2] or "" for row in t.KINDS])
    is_subject = np.array([k.is_subject for k in kinds])[kind_idx]
    m = int(is_subject.sum())
    org = _organisation_codes(rng, m)
    first17 = _concat(uscc_prefix[kind_idx[is_subject]], region_codes[region_idx[is_subject]], org)
    ids[is_subject] = _concat(first17, np.asarray(uscc_check_digits(first17)))

    # Non-subjects: a sequence number per (kind, district), in generation order.
    other = np.flatnonzero(~is_subject)
    if len(other):
        key = kind_idx[other] * len(region_codes) + region_idx[other]
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        group_start = np.searchsorted(sorted_key, sorted_key, side="left")
        seq = np.empty(len(other), dtype=np.int64)
        seq[order] = np.arange(len(other)) - group_start + 1
        width = max(6, len(str(int(seq.max()))))
        id_prefix = np.array([row[3] or "" for row in t.KINDS])
        numbers = np.char.zfill(seq.astype(str), width)
        ids = ids.astype(f"U{max(18, 12 + width)}")
        ids[other] = _concat(id_prefix[kind_idx[other]], "-", region_codes[region_idx[other]], "-", numbers)
    return ids


def _names(
    rng: np.random.Generator,
    kinds: tuple[SubjectKind, ...],
    kind_idx: IntArray,
    div_idx: IntArray,
    divisions: tuple[str, ...],
    region_idx: IntArray,
) -> StrArray:
    """Synthetic Chinese names: place + two-character trade name (字号) + industry word + legal form."""
    n = len(kind_idx)
    brand_chars = np.array(list(t.BRAND_CHARS))
    brand = _concat(
        brand_chars[rng.integers(0, len(brand_chars), size=n)],
        brand_chars[rng.integers(0, len(brand_chars), size=n)],
    )
    words, start, count = _word_table(kinds, divisions)
    word = words[start[kind_idx, div_idx] + rng.integers(0, count[kind_idx, div_idx], dtype=np.int64)]

    district_names = np.array([row[1] for row in t.DISTRICTS])[region_idx]
    ent_prefix = np.array([p for p, _ in t.ENTERPRISE_PREFIXES])[
        categorical(rng, [w for _, w in t.ENTERPRISE_PREFIXES], n)
    ]
    forms = np.array([f for f, _ in t.ENTERPRISE_FORMS])[
        categorical(rng, [w for _, w in t.ENTERPRISE_FORMS], n)
    ]
    kind_of = np.array([k.value for k in kinds])[kind_idx]
    is_enterprise = kind_of == SubjectKind.ENTERPRISE.value
    no_place = np.isin(kind_of, [SubjectKind.PRODUCT.value, SubjectKind.BEHAVIOUR.value])
    place = np.where(is_enterprise, ent_prefix, np.where(no_place, "", district_names))
    brand = np.where(kind_of == SubjectKind.PRODUCT.value, _concat(brand, "牌"), brand)
    suffix = np.where(is_enterprise, forms, "")
    return _concat(place, brand, word, suffix)
