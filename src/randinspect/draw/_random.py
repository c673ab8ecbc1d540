"""Sources of randomness: public-seed SHA-256 tickets (verifiable) and numpy Philox (simulations only).

Every random choice in randinspect goes through a :class:`randinspect.typing.RandomSource`. A *context*
string names the use (``"SAMR-2027-003|2027|round=1"``, ``"match|<plan>|<component>"``), so one seed serves
many independent draws. The byte layout of the public-seed source is fixed by the verification spec
(``docs/draw-spec.md``) and versioned by :data:`TICKET_VERSION`.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import hashlib
import itertools
import unicodedata
from collections.abc import Iterable
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from randinspect.errors import InputError, SeedError

__all__ = [
    "MAX_SEED_LENGTH",
    "TICKET_VERSION",
    "NumpySource",
    "PublicSeedSource",
    "normalise_context",
    "normalise_seed",
    "seed_digest",
    "ticket_bytes",
]

TICKET_VERSION: Final = 1
"""Version of the ticket byte layout (``docs/draw-spec.md``); bumped if the layout ever changes."""

MAX_SEED_LENGTH: Final = 1024
"""Longest accepted public seed, in characters after normalisation."""

_SEP: Final = b"\x1f"
"""Unit separator between the context and the id (a control character no context may contain)."""

_TWO_53: Final = float(2**53)
_CHUNK: Final = 1 << 16
"""Ids hashed per chunk, so memory stays flat for large frames."""

_SMALL_GROUPS: Final = 32
"""Below this mean group size :meth:`NumpySource.shuffle_groups` draws one permutation of all the values
instead of a Fisher–Yates shuffle per group."""


def _control_chars(text: str) -> list[str]:
    return [f"U+{ord(c):04X}" for c in text if unicodedata.category(c) == "Cc"]


def normalise_seed(text: object) -> str:
    """Normalise a public seed: Unicode NFC, surrounding white space stripped, non-empty.

    This is the only place a seed string is interpreted. Dice digits, a lottery result or any text are
    accepted; inner spaces are kept as given (``"3 1 4"`` and ``"314"`` are different seeds).

    Parameters
    ----------
    text:
        The seed as announced.

    Returns
    -------
    str
        The normalised seed.

    Raises
    ------
    SeedError
        If ``text`` is not a string, is empty after stripping, is longer than :data:`MAX_SEED_LENGTH`, or
        contains control characters (tabs, line breaks and the like inside the seed), or is not valid
        Unicode text (bytes that are not UTF-8 on the command line arrive as lone surrogates).

    Examples
    --------
    >>> normalise_seed("  2027-03-01 双色球 03 07 12 \\n")
    '2027-03-01 双色球 03 07 12'
    """
    if not isinstance(text, str):
        raise SeedError(f"a seed must be a string, not {type(text).__name__}; write the numbers as text")
    seed = unicodedata.normalize("NFC", text).strip()
    if not seed:
        raise SeedError("the seed is empty; announce a non-empty public seed (dice digits, lottery result)")
    if len(seed) > MAX_SEED_LENGTH:
        raise SeedError(f"the seed has {len(seed)} characters; at most {MAX_SEED_LENGTH} are accepted")
    bad = _control_chars(seed)
    if bad:
        raise SeedError(
            f"the seed contains control character(s) {', '.join(bad[:5])}; use printable characters only"
        )
    try:
        seed.encode("utf-8")
    except UnicodeEncodeError:
        raise SeedError(
            "the seed is not valid text (it holds bytes that are not UTF-8, or a lone surrogate); "
            "type the seed again in a UTF-8 terminal"
        ) from None
    return seed


def seed_digest(seed: str) -> bytes:
    """SHA-256 of the UTF-8 bytes of the normalised seed (32 bytes)."""
    return hashlib.sha256(normalise_seed(seed).encode("utf-8")).digest()


def normalise_context(context: object) -> str:
    """Normalise a context string (NFC) and check it: non-empty, no control characters.

    Raises
    ------
    InputError
        If the context is not a non-empty string of printable characters.
    """
    if not isinstance(context, str):
        raise InputError(f"a context must be a string, not {type(context).__name__}")
    ctx = unicodedata.normalize("NFC", context)
    if not ctx:
        raise InputError("a context must not be empty; name the use, e.g. 'ITEM|2027|round=1'")
    bad = _control_chars(ctx)
    if bad:
        raise InputError(f"context {ctx!r} contains control character(s) {', '.join(bad[:5])}")
    return ctx


def _ascii_id_bytes(values: npt.NDArray[np.str_]) -> list[bytes] | None:
    """UTF-8 bytes of ASCII ids straight from numpy's UCS-4 buffer, or ``None`` to take the general path.

    For code points below 128 the UTF-8 byte is the code point, NFC changes nothing, and numpy strips
    trailing NULs exactly as ``tolist()`` does; ``None`` is returned when any id is not ASCII, contains a
    line break or starts with NUL (empty or not), so that the general path raises the right error.
    """
    width = values.dtype.itemsize // 4
    if width == 0:
        return None
    codes = np.ascontiguousarray(values).view(np.uint32).reshape(values.shape[0], width)
    if int(codes.max()) >= 128:
        return None
    raw = codes.astype(np.uint8)
    if not bool(raw[:, 0].all()) or bool((raw == 10).any()):
        return None
    out: list[bytes] = raw.view(f"S{width}").reshape(-1).tolist()
    return out


def _id_bytes(ids: npt.ArrayLike, offset: int = 0) -> list[bytes]:
    """UTF-8 bytes of the NFC form of each id (one join, one normalisation, one split for speed)."""
    values = np.asarray(ids)
    if values.ndim != 1:
        raise InputError(f"ids must be a one-dimensional array, got shape {values.shape}")
    if values.size and values.dtype.kind == "U":
        fast = _ascii_id_bytes(values)
        if fast is not None:
            return fast
    items: list[str] = values.tolist()
    if not items:
        return []
    if values.dtype.kind != "U":
        bad = next((x for x in items if not isinstance(x, str)), None)
        if bad is not None:
            raise InputError(f"ids must be strings; found {type(bad).__name__} {bad!r}")
    joined = "\n".join(items)
    if joined.count("\n") != len(items) - 1:
        position = next(i for i, x in enumerate(items) if "\n" in x)
        raise InputError(f"id at position {offset + position} contains a line break; ids are printable text")
    if not joined.isascii():
        # LF never composes with a neighbour, so normalising the joined text normalises each id.
        joined = unicodedata.normalize("NFC", joined)
    encoded = joined.encode("utf-8").split(b"\n")
    if not all(encoded):
        position = next(i for i, x in enumerate(encoded) if not x)
        raise InputError(f"id at position {offset + position} is empty; every object needs a non-empty id")
    return encoded


def ticket_bytes(seed: str, context: str, object_id: str) -> bytes:
    """The exact message hashed for one ticket (for the spec, vectors and other implementations).

    ``SHA256(UTF8(normalise_seed(seed))) ‖ UTF8(NFC(context)) ‖ 0x1F ‖ UTF8(NFC(object_id))``
    """
    return (
        seed_digest(seed)
        + normalise_context(context).encode("utf-8")
        + _SEP
        + unicodedata.normalize("NFC", object_id).encode("utf-8")
    )


@attrs.frozen(repr=False)
class PublicSeedSource:
    """Verifiable randomness from a public seed (公开随机种子): SHA-256 tickets anyone can recompute.

    The ticket of an object is the first 8 bytes, big-endian, of
    ``SHA256(SHA256(seed) ‖ context ‖ 0x1F ‖ id)`` (all text UTF-8, seed and id Unicode NFC). It depends
    only on the seed, the context and the id, never on the order of the frame, so a draw can be re-run by
    anyone with any tool that computes SHA-256 (the consistent-sampling idea of Rivest's
    ``consistent_sampler``).

    Parameters
    ----------
    seed:
        The public seed as announced; normalised by :func:`normalise_seed`.

    Raises
    ------
    SeedError
        If the seed is malformed.

    References
    ----------
    R. L. Rivest, "Consistent sampling with replacement", arXiv:1808.10016 (2018).

    Examples
    --------
    >>> src = PublicSeedSource("31415926")
    >>> ctx = "ITEM|2027|round=1"
    >>> int(src.tickets(ctx, ["A1"])[0]) == int(src.tickets(ctx, ["B", "A1"])[1])
    True
    """

    seed: str = attrs.field(converter=normalise_seed)
    _digest: bytes = attrs.field(init=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_digest", hashlib.sha256(self.seed.encode("utf-8")).digest())

    def __repr__(self) -> str:
        return f"PublicSeedSource(seed={self.seed!r})"

    @property
    def verifiable(self) -> bool:
        """Always True: every value can be recomputed from the public seed."""
        return True

    @property
    def seed_digest(self) -> str:
        """Hex SHA-256 of the normalised seed."""
        return self._digest.hex()

    def _prefix(self, context: str) -> Any:
        return hashlib.sha256(self._digest + normalise_context(context).encode("utf-8") + _SEP)

    def tickets(self, context: str, ids: npt.ArrayLike) -> npt.NDArray[np.uint64]:
        """One 64-bit ticket per id (first 8 bytes of the SHA-256, big-endian).

        Parameters
        ----------
        context:
            Names the use; different contexts give independent tickets.
        ids:
            Object ids (strings); NFC-normalised before hashing.

        Returns
        -------
        numpy.ndarray
            ``uint64`` tickets, aligned with ``ids``. ``ticket / 2**64`` is the ticket as a number in [0, 1).
        """
        prefix = self._prefix(context)
        values = np.asarray(ids)
        if values.ndim != 1:
            raise InputError(f"ids must be a one-dimensional array, got shape {values.shape}")
        out = np.empty(values.shape[0], dtype=np.uint64)
        for start in range(0, values.shape[0], _CHUNK):
            stop = start + _CHUNK
            out[start:stop] = _hash_many(prefix, _id_bytes(values[start:stop], start))
        return out

    def uniforms(self, context: str, n: int) -> npt.NDArray[np.float64]:
        """``n`` numbers in [0, 1) with 53 random bits each: the tickets of ids ``"0"``, ``"1"``, ...

        Value ``k`` is ``(ticket(context, str(k)) >> 11) / 2**53``, so the stream is reproducible from the
        public seed by the spec.
        """
        _check_count(n)
        prefix = self._prefix(context)
        raw = _hash_many(prefix, (str(k).encode("ascii") for k in range(n)))
        return (raw >> np.uint64(11)).astype(np.float64) / _TWO_53

    def integer_below(self, context: str, bound: int) -> int:
        """An exactly uniform integer in ``[0, bound)``.

        Counter ``k = 0, 1, ...``: ``x_k`` is the whole 256-bit SHA-256 of
        ``SHA256(seed) ‖ context ‖ 0x1F ‖ str(k)`` read big-endian; the first ``x_k`` below the largest
        multiple of ``bound`` not above ``2**256`` gives ``x_k mod bound``. For ``bound`` a power of two
        (the draw uses ``2**32``) the first value is always accepted: the result is its last bytes.
        """
        _check_bound(bound)
        prefix = self._prefix(context)
        limit = (1 << 256) - ((1 << 256) % bound)
        k = 0
        while True:
            h = prefix.copy()
            h.update(str(k).encode("ascii"))
            x = int.from_bytes(h.digest(), "big")
            if x < limit:
                return x % bound
            k += 1  # pragma: no cover - probability below bound / 2**256

    def describe(self) -> dict[str, Any]:
        """JSON-ready description for records: kind, ticket version, seed and its digest."""
        return {
            "kind": "public-seed-sha256",
            "version": TICKET_VERSION,
            "seed": self.seed,
            "seed_digest": self.seed_digest,
        }


def _check_count(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
        raise InputError(f"the number of values must be a non-negative integer, not {n!r}")


def _check_bound(bound: int) -> None:
    if isinstance(bound, bool) or not isinstance(bound, int | np.integer) or bound < 1:
        raise InputError(f"the bound must be a positive integer, not {bound!r}")


#: Messages hashed per block by :func:`_hash_many` (bounds its temporary digest objects).
_HASH_BLOCK = 65_536


def _hash_many(prefix: Any, encoded: Iterable[bytes]) -> npt.NDArray[np.uint64]:
    """First 8 bytes (big-endian) of the SHA-256 of prefix ‖ each message."""
    # Midstate reuse: the prefix is absorbed once and copied per message. A plain loop with bound methods
    # over a block of messages is the fastest pure-Python form: three hashlib calls and an append per
    # message, nothing else. The digests are gathered in blocks of _HASH_BLOCK, each block reduced to its
    # 8-byte prefixes before the next: a list of every 32-byte digest object would cost about 100 bytes
    # per message at once.
    copy = prefix.copy
    messages = encoded if isinstance(encoded, list) else list(encoded)
    blocks: list[npt.NDArray[np.uint64]] = []
    for start in range(0, max(len(messages), 1), _HASH_BLOCK):
        digests: list[bytes] = []
        append = digests.append
        for message in messages[start : start + _HASH_BLOCK]:
            h = copy()
            h.update(message)
            append(h.digest())
        blocks.append(np.frombuffer(b"".join(digests), dtype=">u8")[::4].astype(np.uint64))
    return blocks[0] if len(blocks) == 1 else np.concatenate(blocks)


# --- numpy simulation source -------------------------------------------------------------------------------

_MASK64: Final = (1 << 64) - 1


def _splitmix64(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """The SplitMix64 finaliser (Steele, Lea, Flood 2014), vectorised; wraps modulo 2**64."""
    with np.errstate(over="ignore"):
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def _id_hash64(ids: npt.ArrayLike) -> npt.NDArray[np.uint64]:
    """A fast vectorised 64-bit hash of id strings (FNV-1a over code points, then SplitMix64)."""
    values = np.asarray(ids)
    if values.ndim != 1:
        raise InputError(f"ids must be a one-dimensional array, got shape {values.shape}")
    if values.size == 0:
        return np.zeros(0, dtype=np.uint64)
    if values.dtype.kind != "U":
        if not all(isinstance(x, str) for x in values.tolist()):
            raise InputError("ids must be strings")
        values = values.astype(str)
    width = values.dtype.itemsize // 4
    codes = np.ascontiguousarray(values).view(np.uint32).reshape(values.size, width)
    h = np.full(values.size, 0xCBF29CE484222325, dtype=np.uint64)
    prime = np.uint64(0x100000001B3)
    with np.errstate(over="ignore"):
        for j in range(width):
            h = (h ^ codes[:, j].astype(np.uint64)) * prime
    return _splitmix64(h)


_DEFAULT_POOL_SIZE: Final = 4
"""numpy's default ``SeedSequence`` pool size (in 32-bit words)."""

_GENERATOR_WORDS: Final = 4
"""32-bit words (128 bits) drawn from a ``Generator`` or bit generator to seed a :class:`NumpySource`."""


def _check_entropy_int(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise SeedError(f"{where} must be a non-negative integer, not {type(value).__name__} {value!r}")
    if int(value) < 0:
        raise SeedError(f"{where} must be a non-negative integer, not {int(value)}")
    return int(value)


def _entropy_value(entropy: object) -> int | tuple[int, ...]:
    """An entropy as numpy's ``SeedSequence`` takes it: one integer or a non-empty sequence of them."""
    if isinstance(entropy, int | np.integer) and not isinstance(entropy, bool):
        return _check_entropy_int(entropy, "the entropy")
    if isinstance(entropy, str | bytes) or not isinstance(entropy, Iterable | np.ndarray):
        raise SeedError(f"an entropy must be a non-negative integer or a list of them, not {entropy!r}")
    words = tuple(
        _check_entropy_int(w, f"entropy word {i}") for i, w in enumerate(np.asarray(entropy).tolist())
    )
    if not words:
        raise SeedError("the entropy sequence is empty; give at least one non-negative integer")
    return words


def _sequence_of(seed: object) -> np.random.SeedSequence:
    """The one place a :class:`NumpySource` seed is interpreted (STYLE: one randomness path).

    An integer (or a list of them) becomes ``SeedSequence(seed)``; a ``SeedSequence`` is taken as it is
    (entropy, spawn key, pool size); a ``Generator`` or bit generator is *consumed*: 128 bits are drawn
    from it (advancing it, as any numpy function given a generator does) and become the entropy.
    """
    if isinstance(seed, np.random.SeedSequence):
        if seed.entropy is None:  # pragma: no cover - numpy always fills the entropy in
            raise SeedError("the SeedSequence has no entropy")
        return seed
    if isinstance(seed, np.random.Generator):
        seed = seed.bit_generator
    if isinstance(seed, np.random.BitGenerator):
        words = np.random.Generator(seed).integers(0, 2**32, size=_GENERATOR_WORDS, dtype=np.uint64)
        return np.random.SeedSequence(tuple(int(w) for w in words.tolist()))
    if isinstance(seed, list | tuple | np.ndarray):
        return np.random.SeedSequence(_entropy_value(seed))
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise SeedError(
            f"NumpySource needs a non-negative integer (or a list of them), a numpy.random.SeedSequence, a "
            f"numpy.random.Generator or a numpy bit generator, not {type(seed).__name__}; for published "
            "draws use PublicSeedSource(text)"
        )
    return np.random.SeedSequence(_check_entropy_int(seed, "a NumpySource seed"))


def _context_words(context: str) -> tuple[int, ...]:
    digest = hashlib.sha256(normalise_context(context).encode("utf-8")).digest()
    return tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))


def _decimal_int(value: object, what: str) -> int:
    text = str(value)
    if not text.isascii() or not text.isdigit():
        raise InputError(
            f"the numpy source's {what} {text[:40]!r} is not a non-negative integer written in decimal; "
            "the record's source was changed"
        )
    return int(text)


@attrs.frozen(init=False)
class NumpySource:
    """Fast randomness (模拟用随机数) from numpy's Philox bit generator, for simulations only, never for
    published draws.

    The seed is turned into a :class:`numpy.random.SeedSequence` (entropy, spawn key, pool size) and each
    context gets its own stream: ``Philox(SeedSequence(entropy, spawn_key=spawn_key + <128 bits of
    SHA256(context)>, pool_size=pool_size))``. So children spawned from one sequence
    (``SeedSequence(e).spawn(n)``), which differ only in their spawn keys, give independent streams, and
    the same sequence always gives the same values. Tickets hash each id (FNV-1a over code points) and mix
    it with a per-context key through SplitMix64, so they too are order-independent. Numpy guarantees its
    streams only for the same numpy version and build; that is why this source reports
    ``verifiable = False``.

    Parameters
    ----------
    seed:
        What fixes the randomness, read once by one rule (see :doc:`/randomness`):

        - a non-negative integer ``e`` or a list of them: the same as ``SeedSequence(e)``;
        - a :class:`numpy.random.SeedSequence`: its entropy (an integer or a list of them), spawn key and
          pool size are all used; spawn independent replications with ``SeedSequence(entropy).spawn(n)``;
        - a :class:`numpy.random.Generator` or a numpy bit generator (``PCG64``, ``Philox``, ...): 128 bits
          are drawn from it, advancing it as any numpy function given a generator does (Scientific Python
          SPEC 7), so two sources made in turn from one generator differ, and generators in the same state
          give the same source.

    Attributes
    ----------
    entropy:
        The entropy: an integer, or a tuple of integers.
    spawn_key:
        The spawn key of the sequence (``()`` for a root sequence).
    pool_size:
        The sequence's pool size in 32-bit words (numpy's default 4).

    Raises
    ------
    SeedError
        If ``seed`` is none of these, or is negative.

    References
    ----------
    M. E. O'Neill and R. Kern, numpy ``SeedSequence`` (NEP 19, "Random number generator policy", 2018).
    Scientific Python SPEC 7, "Seeding pseudo-random number generation" (2023).

    Examples
    --------
    >>> import numpy as np
    >>> first, second = (NumpySource(s) for s in np.random.SeedSequence(2027).spawn(2))
    >>> first.uniforms("sim", 3).tolist() == second.uniforms("sim", 3).tolist()
    False
    >>> again = NumpySource(np.random.SeedSequence(2027, spawn_key=(0,)))
    >>> first.uniforms("sim", 3).tolist() == again.uniforms("sim", 3).tolist()
    True
    """

    entropy: int | tuple[int, ...]
    spawn_key: tuple[int, ...]
    pool_size: int

    def __init__(self, seed: object) -> None:
        sequence = _sequence_of(seed)
        entropy = _entropy_value(sequence.entropy)
        spawn_key = tuple(
            _check_entropy_int(w, f"spawn key word {i}") for i, w in enumerate(sequence.spawn_key)
        )
        self.__attrs_init__(entropy, spawn_key, int(sequence.pool_size))

    @classmethod
    def from_description(cls, description: Any) -> NumpySource:
        """Rebuild a source from :meth:`describe` output.

        Raises
        ------
        InputError
            If the entropy, spawn key or pool size is not written as :meth:`describe` writes it.
        """
        raw = description.get("entropy")
        entropy: int | list[int]
        if isinstance(raw, list):
            if not raw:
                raise InputError("the numpy source's entropy list is empty; the record's source was changed")
            entropy = [_decimal_int(w, "entropy") for w in raw]
        else:
            entropy = _decimal_int(raw, "entropy")
        key = description.get("spawn_key", [])
        if not isinstance(key, list):
            raise InputError(f"the numpy source's spawn_key {key!r} is not a list of decimal integers")
        spawn_key = tuple(_decimal_int(w, "spawn key") for w in key)
        pool_size = description.get("pool_size", _DEFAULT_POOL_SIZE)
        if isinstance(pool_size, bool) or not isinstance(pool_size, int) or pool_size < _DEFAULT_POOL_SIZE:
            raise InputError(f"the numpy source's pool_size {pool_size!r} is not an integer of at least 4")
        return cls(np.random.SeedSequence(entropy, spawn_key=spawn_key, pool_size=pool_size))

    @property
    def verifiable(self) -> bool:
        """Always False: numpy streams are not a public standard."""
        return False

    def sequence(self, context: str | None = None) -> np.random.SeedSequence:
        """The :class:`numpy.random.SeedSequence` of the source, or of one ``context``'s stream."""
        key = self.spawn_key if context is None else (*self.spawn_key, *_context_words(context))
        return np.random.SeedSequence(self.entropy, spawn_key=key, pool_size=self.pool_size)

    def generator(self, context: str) -> np.random.Generator:
        """The numpy Generator of ``context`` (a fresh one on every call)."""
        return np.random.Generator(np.random.Philox(self.sequence(context)))

    def tickets(self, context: str, ids: npt.ArrayLike) -> npt.NDArray[np.uint64]:
        """One pseudo-random 64-bit ticket per id, independent of the order of ``ids``."""
        k1, k2 = (
            np.uint64(int(x))
            for x in self.generator(context).integers(0, 2**64, size=2, dtype=np.uint64, endpoint=False)
        )
        with np.errstate(over="ignore"):
            return _splitmix64(_splitmix64(_id_hash64(ids) ^ k1) + k2)

    def permutation(self, context: str, n: int) -> npt.NDArray[np.int64]:
        """A uniformly random permutation of ``range(n)`` for ``context`` (the fast path of simulated draws).

        :func:`randinspect.draw.select` orders a frame by stratum and this permutation instead of by
        tickets when the source is not verifiable: the same distribution (a uniformly random order within
        each stratum) without hashing the ids.
        """
        _check_count(n)
        return self.generator(context + "|order").permutation(int(n)).astype(np.int64, copy=False)

    def shuffle_groups(self, context: str, values: npt.ArrayLike, bounds: npt.ArrayLike) -> npt.NDArray[Any]:
        """A copy of ``values`` with each group ``values[bounds[k]:bounds[k + 1]]`` in a uniformly random
        order, the groups independent of each other (the fast path of simulated draws).

        :func:`randinspect.draw.select` gives it the frame's positions grouped by stratum, so each
        stratum comes out in a uniformly random order, the distribution the tickets of a verifiable source
        give, without hashing the ids. Each group is shuffled where it lies (Fisher–Yates from the
        context's stream ``context + "|order"``), a short run of memory that stays in cache, and no
        frame-wide permutation is gathered and sorted back into strata. When the groups are many and small
        (fewer than 32 values each on average) one permutation of all the values is drawn instead and
        regrouped by a stable sort, which costs less than a call per group; both orders are uniform.

        Parameters
        ----------
        context:
            The context of the draw.
        values:
            A one-dimensional array (not changed).
        bounds:
            Non-decreasing group boundaries, from 0 to ``len(values)``.

        Raises
        ------
        InputError
            If ``values`` is not one-dimensional or ``bounds`` do not cut it into groups.

        Examples
        --------
        >>> out = NumpySource(7).shuffle_groups("sim", [0, 1, 2, 10, 11, 12, 13], [0, 3, 7])
        >>> sorted(out[:3].tolist()), sorted(out[3:].tolist())
        ([0, 1, 2], [10, 11, 12, 13])
        """
        out = np.array(values, copy=True)
        cuts = np.asarray(bounds, dtype=np.int64)
        if out.ndim != 1:
            raise InputError(f"shuffle_groups takes a one-dimensional array, not shape {out.shape}")
        if (
            cuts.ndim != 1
            or cuts.size == 0
            or int(cuts[0]) != 0
            or int(cuts[-1]) != out.size
            or bool(np.any(np.diff(cuts) < 0))
        ):
            raise InputError(
                f"group bounds must rise from 0 to the number of values ({out.size}); got "
                f"{cuts.tolist()[:8]}{' ...' if cuts.size > 8 else ''}"
            )
        generator = self.generator(context + "|order")
        groups = cuts.size - 1
        if groups * _SMALL_GROUPS > out.size:
            group_of = np.repeat(np.arange(groups, dtype=np.int64), np.diff(cuts))
            perm = generator.permutation(out.size)
            return out[perm[np.argsort(group_of[perm], kind="stable")]]
        for lo, hi in itertools.pairwise(cuts.tolist()):
            if hi - lo > 1:
                generator.shuffle(out[lo:hi])
        return out

    def uniforms(self, context: str, n: int) -> npt.NDArray[np.float64]:
        """``n`` numbers in [0, 1) (53 bits) from the context's Philox stream."""
        _check_count(n)
        return self.generator(context).random(int(n))

    def integer_below(self, context: str, bound: int) -> int:
        """A uniform integer in ``[0, bound)``, ``bound`` at most ``2**64``."""
        _check_bound(bound)
        if bound > 2**64:
            raise InputError(f"NumpySource.integer_below supports bounds up to 2**64, not {bound}")
        if bound == 2**64:
            return int(self.generator(context).integers(0, 2**64, dtype=np.uint64, endpoint=False))
        return int(self.generator(context).integers(0, bound, dtype=np.uint64))

    def describe(self) -> dict[str, Any]:
        """JSON-ready description: kind, numpy version and the sequence, integers written in decimal.

        ``entropy`` is a string (or a list of strings for list entropy); ``spawn_key`` and ``pool_size``
        are listed only when they are not numpy's defaults (``()`` and 4), so a source seeded by an integer
        is described as before.
        """
        out: dict[str, Any] = {
            "kind": "numpy-philox",
            "entropy": (
                str(self.entropy) if isinstance(self.entropy, int) else [str(w) for w in self.entropy]
            ),
            "numpy": np.__version__,
        }
        if self.spawn_key:
            out["spawn_key"] = [str(w) for w in self.spawn_key]
        if self.pool_size != _DEFAULT_POOL_SIZE:
            out["pool_size"] = self.pool_size
        return out
