"""Unit tests of hwcnn.fixed with hand-computed expectations (also checked against the headers)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from hwcnn.aptest import harness
from hwcnn.errors import HwcnnError
from hwcnn.fixed import (
    FixedType,
    Overflow,
    Rounding,
    add,
    cast,
    from_float,
    mul,
    mult_type,
    plus_type,
    to_float,
)

I64 = np.iinfo(np.int64)

# Values in lsb units of the target (source has 2 more fraction bits), and each mode's result.
VALUES = [2.5, -2.5, 1.5, -1.5, 2.25, -2.25, 2.75, -2.75, 3.0, -3.0]
ROUNDED = {
    Rounding.TRN: [2, -3, 1, -2, 2, -3, 2, -3, 3, -3],  # floor
    Rounding.TRN_ZERO: [2, -2, 1, -1, 2, -2, 2, -2, 3, -3],  # toward zero
    Rounding.RND: [3, -2, 2, -1, 2, -2, 3, -3, 3, -3],  # ties toward +inf
    Rounding.RND_ZERO: [2, -2, 1, -1, 2, -2, 3, -3, 3, -3],  # ties toward zero
    Rounding.RND_INF: [3, -3, 2, -2, 2, -2, 3, -3, 3, -3],  # ties away from zero
    Rounding.RND_MIN_INF: [2, -3, 1, -2, 2, -2, 3, -3, 3, -3],  # ties toward -inf
    Rounding.RND_CONV: [2, -2, 2, -2, 2, -2, 3, -3, 3, -3],  # ties to even
}


@pytest.mark.parametrize("rounding", list(Rounding), ids=lambda r: r.value)
def test_rounding_modes(rounding):
    raw = (np.array(VALUES) * 4).astype(np.int64)
    out, overflowed = cast(raw, 2, FixedType(8, 8, rounding=rounding))
    assert_array_equal(out, ROUNDED[rounding])
    assert not overflowed.any()


# fixed<4,4> holds -8..7; ufixed<4,4> holds 0..15.
SIGNED_IN = [9, -9, 8, -8, 7, 16, -17]
SIGNED_OUT = {
    Overflow.WRAP: [-7, 7, -8, -8, 7, 0, -1],
    Overflow.SAT: [7, -8, 7, -8, 7, 7, -8],
    Overflow.SAT_ZERO: [0, 0, 0, -8, 7, 0, 0],
    Overflow.SAT_SYM: [7, -7, 7, -7, 7, 7, -7],  # the minimum -8 becomes -max
}
UNSIGNED_IN = [-1, 16, 15, 0, 17, -16]
UNSIGNED_OUT = {
    Overflow.WRAP: [15, 0, 15, 0, 1, 0],
    Overflow.SAT: [0, 15, 15, 0, 15, 0],
    Overflow.SAT_ZERO: [0, 0, 15, 0, 0, 0],
    Overflow.SAT_SYM: [0, 15, 15, 0, 15, 0],  # unsigned SAT_SYM is SAT
}


@pytest.mark.parametrize("overflow", list(Overflow), ids=lambda o: o.value)
def test_overflow_modes(overflow):
    out, overflowed = cast(np.array(SIGNED_IN), 0, FixedType(4, 4, overflow=overflow))
    assert_array_equal(out, SIGNED_OUT[overflow])
    sym = overflow == Overflow.SAT_SYM
    assert_array_equal(overflowed, [True, True, True, sym, False, True, True])

    out, overflowed = cast(np.array(UNSIGNED_IN), 0, FixedType(4, 4, False, overflow=overflow))
    assert_array_equal(out, UNSIGNED_OUT[overflow])
    assert_array_equal(overflowed, [True, True, False, False, True, True])


@pytest.mark.parametrize(
    "overflow, expected", [("WRAP", -8), ("SAT", 7), ("SAT_ZERO", 0), ("SAT_SYM", 7)]
)
def test_rounding_up_past_max_overflows(overflow, expected):
    out, overflowed = cast(np.array([15]), 1, FixedType(4, 4, True, "RND", overflow))  # 7.5
    assert out[0] == expected and overflowed[0]


def test_sat_sym_of_width_one_is_sat():
    # ap_fixed<1,1,AP_TRN,AP_SAT_SYM> holds -1 and 0 and keeps -1: there is no -max to use.
    out, overflowed = cast(np.array([-1, -5, 3, 0]), 0, FixedType(1, 1, overflow="SAT_SYM"))
    assert_array_equal(out, [-1, -1, 0, 0])
    assert_array_equal(overflowed, [False, True, True, False])


def test_wrap_sign_extends_into_narrow_types():
    out, _ = cast(np.array([1, 2, 3, -2]), 0, FixedType(1, 1))
    assert_array_equal(out, [-1, 0, -1, 0])
    out, _ = cast(np.array([5, -1]), 0, FixedType(2, 2))
    assert_array_equal(out, [1, -1])


def test_integer_bits_outside_the_width():
    tiny = FixedType.parse("ufixed<4,-2>")  # 0 .. 15/64 in steps of 1/64
    assert (tiny.frac, tiny.lsb, tiny.max_raw) == (6, 1 / 64, 15)
    assert from_float(0.1, tiny) == 6 and to_float(6, tiny) == 0.09375
    coarse = FixedType.parse("ap_ufixed<4,6>")  # 0 .. 60 in steps of 4
    assert from_float(17.0, coarse) == 4 and to_float(4, coarse) == 16.0
    assert from_float(70.0, FixedType(4, 6, False, overflow="SAT")) == 15


def test_left_shift_past_int64():
    raw = np.array([1, -1, 0])
    out, overflowed = cast(raw, -100, FixedType(8, 8, overflow="SAT"))
    assert_array_equal(out, [127, -128, 0])
    assert_array_equal(overflowed, [True, True, False])
    out, _ = cast(raw, -100, FixedType(8, 8))
    assert_array_equal(out, [0, 0, 0])  # the low 8 bits of 2**100


def test_right_shift_past_int64():
    raw = np.array([-1, 1, I64.min, I64.max])  # all within half an lsb of zero
    assert_array_equal(cast(raw, 200, FixedType(8, 8))[0], [-1, 0, -1, 0])
    assert_array_equal(cast(raw, 200, FixedType(8, 8, rounding="RND"))[0], [0, 0, 0, 0])
    assert_array_equal(cast(raw, 200, FixedType(8, 8, rounding="TRN_ZERO"))[0], [0, 0, 0, 0])


def test_cast_keeps_shape_and_accepts_any_integer_dtype():
    raw = np.arange(6, dtype=np.int16).reshape(2, 3)
    out, overflowed = cast(raw, 1, FixedType(4, 4, rounding="RND"))
    assert out.shape == overflowed.shape == (2, 3) and out.dtype == np.int64
    assert_array_equal(out, [[0, 1, 1], [2, 2, 3]])
    with pytest.raises(ValueError, match="integers"):
        cast(np.array([0.5]), 0, FixedType(4, 4))


def test_from_float_rounds_ties_like_the_mode():
    t = FixedType.parse("fixed<8,4,RND_CONV>")  # lsb 1/16
    assert_array_equal(from_float([0.53125, 0.59375, -0.53125], t), [8, 10, -8])
    t = FixedType.parse("fixed<8,4,RND,SAT>")
    x = [0.53125, -0.53125, 1e300, -1e300, 5e-324]
    assert_array_equal(from_float(x, t), [9, -8, 127, -128, 0])


def test_from_float_into_ap_int_truncates_like_c():
    t = FixedType.parse("ap_int<8>")
    # -0.25 -> 1 is the header's doing: it sets -1 for |x| < 0.5, then negates the magnitude.
    assert_array_equal(from_float([-0.25, -0.75, -1.25, 300.7, 2.9], t), [1, 0, -1, 44, 2])
    assert from_float(-0.25, FixedType.parse("int<1>")) == -1  # +1 wraps in one signed bit
    assert from_float(-1.5, FixedType.parse("uint<8>")) == 255


def test_cast_into_ap_int_truncates_toward_zero():
    out, _ = cast(np.array([-7, 7, -300 * 2]), 1, FixedType.parse("int<8>"))
    assert_array_equal(out, [-3, 3, -44])  # -3.5, 3.5, then -300 wrapped


def test_from_float_rejects_nan_and_infinity():
    with pytest.raises(ValueError, match="NaN"):
        from_float([1.0, np.nan], FixedType(8, 4))
    with pytest.raises(ValueError, match="infinity"):
        from_float(np.inf, FixedType(8, 4))


def test_to_float():
    assert_array_equal(to_float(np.array([-128, 127, 1]), FixedType(8, 3)), [-4, 3.96875, 1 / 32])


def test_operation_result_types_match_the_headers():
    # Checked against decltype(x + y) / decltype(x * y) compiled with hls4ml's ap_types.
    a, b, c, d = FixedType(8, 3), FixedType(6, 2, False), FixedType(5, -1, False), FixedType(4, 6)
    assert plus_type(a, b) == FixedType(9, 4, True)
    assert mult_type(a, b) == FixedType(14, 5, True)
    assert plus_type(b, c) == FixedType(9, 3, False)
    assert mult_type(b, c) == FixedType(11, 1, False)
    assert mult_type(c, d) == FixedType(9, 5, True)
    assert plus_type(a, d) == FixedType(12, 7, True)
    with pytest.raises(ValueError, match="width"):
        mult_type(FixedType(40, 8), FixedType(30, 8))


def test_add_and_mul_are_exact():
    a, b = FixedType(8, 3), FixedType(6, 2, False)
    total, t = add(np.array([48]), a, np.array([12]), b)  # 1.5 + 0.75
    assert to_float(total, t)[0] == 2.25 and t.frac == 5
    product, t = mul(np.array([-48]), a, np.array([12]), b)  # -1.5 * 0.75
    assert to_float(product, t)[0] == -1.125


PARSED = {
    "fixed<16,6>": FixedType(16, 6),
    "ufixed<8,0,RND_CONV,SAT>": FixedType(8, 0, False, "RND_CONV", "SAT"),
    "fixed<8,3,RND,SAT,0>": FixedType(8, 3, True, "RND", "SAT"),
    "fixed<16,6,TRN,WRAP,0>": FixedType(16, 6),  # str() of an hls4ml FixedPrecisionType
    "fixed<4,-2>": FixedType(4, -2),
    "int<8>": FixedType(8, 8, is_int=True),
    "uint<4>": FixedType(4, 4, False, is_int=True),
    "ap_fixed<8,3,AP_RND_CONV,AP_SAT>": FixedType(8, 3, True, "RND_CONV", "SAT"),
    "ap_ufixed<10,12,AP_TRN_ZERO>": FixedType(10, 12, False, "TRN_ZERO"),
    "ap_int<8>": FixedType(8, 8, is_int=True),
    " ap_uint<8> ": FixedType(8, 8, False, is_int=True),
}


@pytest.mark.parametrize("text", PARSED)
def test_parse(text):
    t = FixedType.parse(text)
    assert t == PARSED[text]
    assert FixedType.parse(t.hls4ml()) == t and FixedType.parse(t.ap()) == t


def test_format():
    t = FixedType(8, 3, True, "RND_CONV", "SAT")
    assert t.hls4ml() == str(t) == "fixed<8,3,RND_CONV,SAT>"
    assert t.ap() == "ap_fixed<8,3,AP_RND_CONV,AP_SAT>"
    assert FixedType(8, 3, False, overflow="SAT_SYM").hls4ml() == "ufixed<8,3,TRN,SAT_SYM>"
    assert FixedType(8, 3, rounding="RND").ap() == "ap_fixed<8,3,AP_RND>"
    assert FixedType(16, 6).hls4ml() == "fixed<16,6>"
    assert FixedType(4, 4, False, is_int=True).ap() == "ap_uint<4>"


@pytest.mark.parametrize(
    "text",
    [
        "fixed<8>",
        "fixed<8,3,FOO>",
        "fixed<8,3,RND,SAT,2>",
        "fixed<8,3,RND,SAT,0,1>",
        "fixed<8,3>x",
        "fixed<a,3>",
        "fixed<8_0,3>",
        "fixed<0,0>",
        "fixed<63,10>",
        "fixed<8,600>",
        "int<8,RND>",
        "float",
        "ap_fixed<8,3,AP_SAT,AP_RND>",
        "",
    ],
)
def test_parse_rejects(text):
    with pytest.raises(ValueError):
        FixedType.parse(text)


def test_type_limits_and_properties():
    t = FixedType(8, 3)
    assert (t.frac, t.min_raw, t.max_raw, t.lsb) == (5, -128, 127, 1 / 32)
    u = FixedType(8, 3, False)
    assert (u.min_raw, u.max_raw) == (0, 255)
    with pytest.raises(ValueError, match="integer == width"):
        FixedType(8, 3, is_int=True)
    with pytest.raises(ValueError, match="unknown rounding"):
        FixedType(8, 3, rounding="ROUND")
    with pytest.raises(ValueError, match="must be an int"):
        FixedType(8.0, 3)


def test_harness_without_gxx_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(harness.shutil, "which", lambda name: None)
    with pytest.raises(HwcnnError, match="g\\+\\+ not found"):
        harness.Harness([harness.FromDouble(FixedType(8, 3))], cache_dir=tmp_path)


def test_harness_compile_failure_is_one_line(monkeypatch, tmp_path):
    monkeypatch.setattr(harness, "CXXFLAGS", ("-std=c++nonsense",))
    with pytest.raises(HwcnnError, match="g\\+\\+ failed") as err:
        harness.Harness([harness.FromDouble(FixedType(8, 3))], cache_dir=tmp_path)
    assert "\n" not in str(err.value) and "c++nonsense" in str(err.value)
