"""Tests for randinspect.codes.uscc: GB 32100-2015 unified social credit codes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.codes import (
    REGISTRATION_AUTHORITIES,
    USCC_ALPHABET,
    USCC_WEIGHTS,
    Uscc,
    is_valid_uscc,
    make_uscc,
    normalise_uscc,
    org_code_check_char,
    parse_uscc,
    uscc_check_digit,
    uscc_check_digits,
    uscc_problems,
    uscc_warnings,
)
from randinspect.errors import CodeError
from randinspect.testing._codes import invalid_usccs, usccs

stdnum_uscc = pytest.importorskip("stdnum.cn.uscc")

# Published valid codes, from python-stdnum's tests/test_cn_uscc.doctest ("found online"; the first is also
# the doctest of stdnum.cn.uscc). A sample covering authorities 1 and 9, types 1, 2 and letters in positions
# 9-17 and 18.
PUBLISHED_VALID = (
    "121200004013590816",
    "91110000600037341L",
    "91110000710926094P",
    "91120224064012553U",
    "9115220107837757XE",
    "91310115MA1K3BTP2B",
    "91340600MA2PBM9HXD",
    "91440300568520498A",
    "9144030071526726XG",
    "91620105L015101280",
    "92340602MA2PBMEM24",
    "92340621MA2UK3PJXE",
)

alphabet17 = st.text(USCC_ALPHABET, min_size=17, max_size=17)


class TestCheckDigit:
    def test_weights_are_powers_of_three_mod_31(self) -> None:
        """The weights are 3**i mod 31 for positions 1-17, as GB 32100-2015 lists them."""
        assert USCC_WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

    def test_alphabet_excludes_ambiguous_letters(self) -> None:
        """The alphabet has 31 characters: digits and upper-case letters except I, O, Z, S, V."""
        assert len(USCC_ALPHABET) == 31
        assert not set("IOZSV") & set(USCC_ALPHABET)

    @pytest.mark.parametrize("code", PUBLISHED_VALID)
    def test_published_codes_validate(self, code: str) -> None:
        """Codes published as valid (python-stdnum test vectors) have no problem."""
        assert uscc_problems(code) == ()
        assert uscc_check_digit(code[:17]) == code[17]

    @given(alphabet17)
    def test_agrees_with_stdnum(self, first17: str) -> None:
        """The check character equals python-stdnum's calc_check_digit for every 17-character string."""
        assert uscc_check_digit(first17) == stdnum_uscc.calc_check_digit(first17)

    @given(alphabet17, st.integers(0, 16), st.sampled_from(USCC_ALPHABET))
    def test_single_substitution_changes_check(self, first17: str, pos: int, new: str) -> None:
        """Changing one of the first 17 characters to another alphabet character changes the check."""
        changed = first17[:pos] + new + first17[pos + 1 :]
        assert (uscc_check_digit(changed) == uscc_check_digit(first17)) == (new == first17[pos])

    def test_every_single_substitution_is_detected_exhaustively(self) -> None:
        """For each position and each pair of distinct values the weighted sums differ mod 31 (proof).

        A substitution at position i from value a to b changes the sum by w_i * (b - a); with 31 prime and
        w_i not divisible by 31, that is never 0 mod 31 for a != b. Checked for all 17 * 31 * 30 cases,
        including the check character itself (weight 1 against its own value).
        """
        for w in (*USCC_WEIGHTS, 1):
            deltas = {(w * (b - a)) % 31 for a in range(31) for b in range(31) if a != b}
            assert 0 not in deltas

    def test_rejects_wrong_length_and_characters(self) -> None:
        """A check character needs 17 characters of the alphabet; the error names the position."""
        with pytest.raises(CodeError, match="17"):
            uscc_check_digit("123")
        with pytest.raises(CodeError, match="position 3") as info:
            uscc_check_digit("91I100006000373410"[:17])
        assert info.value.reasons


class TestVectorisedCheckDigits:
    @settings(deadline=None, max_examples=30)
    @given(st.lists(alphabet17, min_size=1, max_size=40))
    def test_equals_scalar(self, values: list[str]) -> None:
        """The vectorised check characters equal the scalar ones element by element."""
        out = uscc_check_digits(np.array(values))
        assert out.tolist() == [uscc_check_digit(v) for v in values]

    def test_keeps_shape_and_accepts_object_arrays(self) -> None:
        """The result has the input's shape; object arrays and lists are accepted."""
        values = [c[:17] for c in PUBLISHED_VALID[:6]]
        out = uscc_check_digits(np.array(values, dtype=object).reshape(2, 3))
        assert out.shape == (2, 3)
        assert out.ravel().tolist() == [c[17] for c in PUBLISHED_VALID[:6]]
        assert uscc_check_digits([]).shape == (0,)

    def test_bad_row_is_named(self) -> None:
        """A row with a bad character or length raises CodeError naming the first such row."""
        values = np.array([PUBLISHED_VALID[0][:17], "9111000060003IOZS", PUBLISHED_VALID[1][:17]])
        with pytest.raises(CodeError, match="row 1"):
            uscc_check_digits(values)
        with pytest.raises(CodeError, match="row 1"):
            uscc_check_digits(np.array([PUBLISHED_VALID[0][:17], "12345"]))
        with pytest.raises(CodeError, match="row 0"):
            uscc_check_digits(np.array(["12345"]))
        with pytest.raises(CodeError, match="row 0"):
            uscc_check_digits(np.array([PUBLISHED_VALID[0]]))

    def test_million_codes(self) -> None:
        """One million check characters are computed at once, each as the scalar rule gives it (speed:
        benchmarks/bench_codes.py)."""
        rng = np.random.default_rng(2026)
        letters = np.array(list(USCC_ALPHABET))[rng.integers(0, 31, (1_000_000, 17))]
        first17 = letters.view("<U17").reshape(-1)
        out = uscc_check_digits(first17)
        assert out.shape == (1_000_000,)
        assert out[:50].tolist() == [uscc_check_digit(s) for s in first17[:50].tolist()]


class TestProblems:
    def test_valid_code_has_no_problem(self) -> None:
        """The stdnum doctest code is valid, also with full-width characters and surrounding spaces."""
        assert uscc_problems("91110000600037341L") == ()
        assert is_valid_uscc(" ９１１１００００６０００３７３４１Ｌ ")
        assert normalise_uscc(" 91110000600037341l ") == "91110000600037341L"

    def test_reports_check_expected_and_given(self) -> None:
        """A wrong check character is reported with the expected and the given character."""
        (reason,) = uscc_problems("91110000600037341N")
        assert "'N'" in reason
        assert "'L'" in reason

    def test_reports_every_reason(self) -> None:
        """All problems are listed: length, characters, authority and division."""
        reasons = uscc_problems("ZZ1100O0600037")
        joined = " | ".join(reasons)
        assert "length" in joined
        assert "position 1" in joined
        assert "position 7" in joined
        assert "registration-authority" in joined
        assert "division" in joined

    def test_org_type_must_fit_authority(self) -> None:
        """Type 4 exists for authority 3 (司法鉴定机构) but not for 9 (工商)."""
        first17 = "94110000600037341"
        reasons = uscc_problems(first17 + uscc_check_digit(first17))
        assert len(reasons) == 1
        assert "organisation type '4'" in reasons[0]
        assert "9 (工商)" in reasons[0]
        ok17 = "34110000600037341"
        assert uscc_problems(ok17 + uscc_check_digit(ok17)) == ()

    def test_division_must_start_with_province(self) -> None:
        """Positions 3-8 must be six digits starting with a province code or 10 (national level)."""
        for division, ok in (("100000", True), ("520102", True), ("990000", False), ("52A102", False)):
            first17 = f"91{division}600037341"
            reasons = uscc_problems(first17 + uscc_check_digit(first17))
            assert (reasons == ()) is ok, (division, reasons)

    def test_empty_text(self) -> None:
        """An empty string is reported as too short and nothing else."""
        assert uscc_problems("") == ("length is 0, a USCC has 18 characters",)

    @pytest.mark.parametrize("value", [None, 91520102801890437, b"91520102801890437A"])
    def test_non_text_is_not_valid(self, value: object) -> None:
        """is_valid_uscc answers False for a value that is not text, like the other code predicates."""
        assert is_valid_uscc(value) is False  # type: ignore[arg-type]

    @given(usccs())
    def test_generated_codes_validate(self, code: str) -> None:
        """Codes from the usccs() strategy are valid; stdnum agrees (it knows only numeric authorities)."""
        assert uscc_problems(code) == ()
        assert uscc_warnings(code) == ()
        assert stdnum_uscc.calc_check_digit(code[:17]) == code[17]
        if code[0].isdigit():
            assert stdnum_uscc.is_valid(code)

    @given(invalid_usccs())
    def test_damaged_codes_are_rejected(self, code: str) -> None:
        """Codes from invalid_usccs() have at least one problem."""
        assert uscc_problems(code)
        assert not is_valid_uscc(code)

    @given(st.one_of(usccs(), invalid_usccs(), st.text(USCC_ALPHABET + "IOZSV -", max_size=20)))
    def test_valid_implies_stdnum_valid(self, text: str) -> None:
        """Whatever we accept with a numeric authority, python-stdnum accepts too (we are as strict or more).

        python-stdnum requires positions 1-8 to be digits, so it rejects the letter authorities A, N and Y
        that GB 32100-2015 roll-out tables define; those are compared on the check character only.
        """
        if is_valid_uscc(text):
            code = normalise_uscc(text)
            assert stdnum_uscc.calc_check_digit(code[:17]) == code[17]
            if code[0].isdigit():
                assert stdnum_uscc.is_valid(text)

    @given(alphabet17)
    def test_agreement_with_stdnum_on_numeric_prefix(self, first17: str) -> None:
        """With a known authority/type and a numeric province division, validity equals stdnum's."""
        first17 = "91" + "52" + "0102" + first17[8:]
        for check in USCC_ALPHABET[:5] + uscc_check_digit(first17):
            code = first17 + check
            assert is_valid_uscc(code) == stdnum_uscc.is_valid(code)


class TestOrgCode:
    def test_gb11714_check_of_published_code(self) -> None:
        """The organisation code 60003734-1 inside 91110000600037341L checks under GB 11714."""
        assert org_code_check_char("60003734") == "1"
        assert uscc_warnings("91110000600037341L") == ()

    def test_mismatch_is_only_a_warning(self) -> None:
        """A wrong GB 11714 character is a warning, and a problem only when asked for."""
        first17 = "92520102MA6DL8R2" + "5"
        code = first17 + uscc_check_digit(first17)
        assert uscc_problems(code) == ()
        assert len(uscc_warnings(code)) == 1
        assert uscc_problems(code, check_org_code=True) == uscc_warnings(code)

    def test_x_and_zero_checks(self) -> None:
        """Check values 10 and 11 are written X and 0."""
        values = {org_code_check_char(f"{i:08d}") for i in range(0, 2000, 7)}
        assert {"X", "0"} <= values

    def test_malformed_body(self) -> None:
        """A body that is not 8 digits or upper-case letters raises CodeError."""
        with pytest.raises(CodeError):
            org_code_check_char("1234")
        with pytest.raises(CodeError):
            org_code_check_char("1234567a")


class TestParseAndMake:
    def test_parse_parts(self) -> None:
        """parse_uscc splits the code into authority, type, division, organisation code and check."""
        u = parse_uscc("91110000600037341L")
        assert isinstance(u, Uscc)
        assert u.parts == ("9", "1", "110000", "600037341", "L")
        assert (u.registration_authority, u.org_type, u.division, u.org_code, u.check) == u.parts
        assert u.registration_authority_name == "工商"
        assert u.org_type_name == "企业"
        assert str(u) == "91110000600037341L"

    def test_parse_is_frozen(self) -> None:
        """A parsed code cannot be changed."""
        u = parse_uscc("91110000600037341L")
        with pytest.raises(AttributeError):
            u.code = "x"  # type: ignore[misc]

    def test_parse_raises_with_reasons(self) -> None:
        """An invalid code raises CodeError carrying every reason."""
        with pytest.raises(CodeError) as info:
            parse_uscc("91110000600037341N")
        assert info.value.reasons == uscc_problems("91110000600037341N")
        assert info.value.code_value == "91110000600037341N"

    def test_make_reproduces_published_code(self) -> None:
        """make_uscc rebuilds a published code from its parts (8-char body gets its GB 11714 check)."""
        assert make_uscc("9", "1", "110000", "60003734") == "91110000600037341L"
        assert make_uscc("9", "1", "110000", "600037341") == "91110000600037341L"

    @given(
        st.sampled_from([(a.code, t) for a in REGISTRATION_AUTHORITIES.values() for t in a.org_types]),
        st.text(USCC_ALPHABET, min_size=8, max_size=8),
    )
    def test_make_round_trips(self, authority_type: tuple[str, str], body: str) -> None:
        """Every authority/type pair makes valid codes that parse back to the same parts."""
        authority, org_type = authority_type
        code = make_uscc(authority, org_type, "520102", body)
        parsed = parse_uscc(code)
        assert parsed.parts[:3] == (authority, org_type, "520102")
        assert parsed.org_code[:8] == body

    def test_make_rejects_bad_parts(self) -> None:
        """Bad parts raise CodeError saying what is wrong."""
        with pytest.raises(CodeError, match="8 or 9"):
            make_uscc("9", "1", "520102", "123")
        with pytest.raises(CodeError, match="17"):
            make_uscc("9", "1", "52010", "60003734")
        with pytest.raises(CodeError, match="alphabet"):
            make_uscc("9", "1", "520102", "6000373I1")
        with pytest.raises(CodeError, match="organisation type"):
            make_uscc("9", "9", "520102", "60003734")


def test_problems_of_non_text() -> None:
    """uscc_problems of a non-text value is one reason, not a TypeError."""
    from randinspect.codes import uscc_problems

    assert uscc_problems(None) == ("a USCC is text of 18 characters, not NoneType",)
