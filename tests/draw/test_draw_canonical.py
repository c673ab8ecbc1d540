"""Tests of randinspect.draw canonical JSON."""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from randinspect.draw import canonical_digest, canonical_json
from randinspect.errors import InputError

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


class TestCanonicalJson:
    def test_layout(self) -> None:
        """Keys sorted, no spaces, non-ASCII kept as UTF-8."""
        assert canonical_json({"b": [1, None], "a": "抽查"}) == '{"a":"抽查","b":[1,null]}'.encode()

    @given(json_values)
    def test_matches_the_spec_and_round_trips(self, value: object) -> None:
        """The bytes equal json.dumps(sort_keys, compact separators, ensure_ascii=False) and load back."""
        expected = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
            "utf-8"
        )
        assert canonical_json(value) == expected
        assert json.loads(canonical_json(value)) == value
        assert canonical_digest(value) == hashlib.sha256(expected).hexdigest()

    @pytest.mark.parametrize("value", [1.5, {"a": [0.1]}, {1: "x"}, {"s": {1, 2}}])
    def test_refuses(self, value: object) -> None:
        """Floats, non-string keys and non-JSON types are refused with the path."""
        with pytest.raises(InputError, match=r"\$"):
            canonical_json(value)

    def test_tuples_are_lists(self) -> None:
        """Tuples encode as lists."""
        assert canonical_json(("a", 1)) == b'["a",1]'
