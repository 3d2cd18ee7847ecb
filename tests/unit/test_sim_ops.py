"""The simulator's shortcuts against the general fixed-point code they replace: each must give
exactly the same raw values and the same overflow counts."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from hwcnn.fixed import FixedType, Overflow, Rounding, cast
from hwcnn.sim import ops
from hwcnn.sim.ops import Fx

MODES = [(r, o) for r in Rounding for o in Overflow]


def _every_raw(t: FixedType, repeat: int) -> np.ndarray:
    """Every raw value of t, shuffled and repeated: large enough for the table path."""
    raw = np.arange(t.min_raw, t.max_raw + 1, dtype=np.int64)
    return np.random.default_rng(t.width).permutation(np.tile(raw, repeat))


@pytest.mark.parametrize("rounding,overflow", MODES, ids=[f"{r.value}-{o.value}" for r, o in MODES])
@pytest.mark.parametrize("fn", ["identity", "relu"])
def test_table_cast_equals_cast(rounding, overflow, fn):
    rng = np.random.default_rng(len(MODES))
    for _ in range(6):
        width = int(rng.integers(1, ops.TABLE_MAX_WIDTH + 1))
        src = FixedType(width, int(rng.integers(-3, width + 4)), signed=bool(rng.integers(2)))
        dst = FixedType(int(rng.integers(1, 12)), int(rng.integers(-2, 10)), bool(rng.integers(2)), rounding, overflow)
        raw = _every_raw(src, repeat=5)
        assert raw.size >= 4 << src.width  # the table path is taken
        y, n_over = ops.cast_to(Fx(raw, src), dst, fn=fn)
        mapped = np.maximum(raw, 0) if fn == "relu" else raw
        expected, over = cast(mapped, src.frac, dst)
        assert y.type == dst
        assert_array_equal(y.raw, expected)
        assert n_over == int(np.count_nonzero(over))


def test_table_cast_counts_overflow_on_both_sides():
    src, dst = FixedType(8, 4), FixedType(4, 2, rounding=Rounding.RND_CONV, overflow=Overflow.SAT)
    raw = _every_raw(src, repeat=4)
    y, n_over = ops.cast_to(Fx(raw, src), dst)
    # [-2, 1.75] in quarters; ties round to even: -2.125 -> -2 fits, 1.875 -> 2 overflows
    assert n_over == int(np.count_nonzero((raw < -34) | (raw > 29)))
    assert y.raw.min() == dst.min_raw and y.raw.max() == dst.max_raw


def test_max_tree_reduce_equals_casting_every_node():
    t = FixedType(6, 3, signed=True, rounding=Rounding.RND, overflow=Overflow.SAT)
    vals = [np.random.default_rng(i).integers(t.min_raw, t.max_raw + 1, size=(7, 3)) for i in range(9)]
    got, n_over = ops.tree_reduce(vals, np.maximum, t)
    assert_array_equal(got, np.max(vals, axis=0))
    assert n_over == 0


@pytest.mark.parametrize("rows", [0, 1, 7, 128, 300])
def test_finish_sum_adds_the_bias_to_every_row(rows):
    rng = np.random.default_rng(rows)
    x_t, w_t = FixedType(8, 0, signed=False), FixedType(4, 1)
    acc_t, b_t = FixedType(14, 3), FixedType(10, 4, rounding=Rounding.RND_CONV, overflow=Overflow.SAT)
    total = rng.integers(-5000, 5000, size=(rows, 6))  # exact sums at frac 8 + 3 = 11 = acc_t.frac
    bias = rng.integers(b_t.min_raw, b_t.max_raw + 1, size=6)
    got, n_over = ops.finish_sum(total.copy(), x_t, w_t, bias, b_t, acc_t)
    expected, over = cast(total + cast(bias, b_t.frac, acc_t)[0], acc_t.frac, acc_t)  # wraps beyond +-4
    assert_array_equal(got.raw, expected)
    assert n_over == int(np.count_nonzero(over))


# ---- the float32 carrier (ops.Fx.exact32) against the int64 path ------------------------------------


def _random_type(rng, rounding=Rounding.TRN, overflow=Overflow.WRAP, max_width=16) -> FixedType:
    width = int(rng.integers(1, max_width + 1))
    return FixedType(width, int(rng.integers(-3, width + 4)), bool(rng.integers(2)), rounding, overflow)


@pytest.mark.parametrize("rounding,overflow", MODES, ids=[f"{r.value}-{o.value}" for r, o in MODES])
@pytest.mark.parametrize("fn", ["identity", "relu"])
def test_float32_cast_equals_cast(rounding, overflow, fn):
    """A cast of float32-held values gives the int64 cast's raw values and overflow count, in float32
    where the mode is written for it and nothing wraps, by the int64 path otherwise."""
    rng = np.random.default_rng(7 * len(MODES))
    in_float32 = 0
    for _ in range(40):
        src = _random_type(rng)
        dst = _random_type(rng, rounding, overflow, max_width=12)
        raw = rng.integers(src.min_raw, src.max_raw + 1, size=300)
        raw[:2] = src.min_raw, src.max_raw
        y, n_over = ops.cast_to(Fx.exact32(raw.astype(np.float32), src), dst, fn=fn)
        expected, over = cast(np.maximum(raw, 0) if fn == "relu" else raw, src.frac, dst)
        assert y.type == dst
        assert_array_equal(y.raw, expected)
        assert n_over == int(np.count_nonzero(over))
        in_float32 += y.f32 is not None and not (fn == "identity" and ops.holds(dst, src))  # (no cast at all)
    written = rounding in ops._ROUND32 and overflow != Overflow.SAT_ZERO
    assert (in_float32 > 0) == written


def test_a_cast_into_a_type_that_holds_the_values_changes_nothing():
    src = FixedType(6, 2, signed=False)
    dst = FixedType(9, 5, signed=True, rounding=Rounding.RND_CONV, overflow=Overflow.SAT_SYM)  # same 4 frac bits
    raw = np.arange(src.min_raw, src.max_raw + 1)
    for x in (Fx(raw, src), Fx.exact32(raw.astype(np.float32), src)):
        y, n_over = ops.cast_to(x, dst)
        assert_array_equal(y.raw, cast(raw, src.frac, dst)[0])
        assert n_over == 0 and y.type == dst
    assert not ops.holds(FixedType(4, 1, rounding=Rounding.RND, overflow=Overflow.SAT_SYM), FixedType(4, 1))  # -8 saturates to -7


@pytest.mark.parametrize("case", [(28, 28, 6, 2, 2, 2, 2, 0), (16, 16, 8, 3, 3, 2, 2, 0), (9, 7, 3, 3, 2, 1, 2, 1),
                                  (5, 5, 4, 1, 1, 1, 1, 0), (13, 13, 2, 3, 3, 2, 2, 1)])
def test_separable_max_pool_equals_every_window(case):
    h, w, c, fh, fw, sh, sw, pad = case
    t = FixedType(5, 2, signed=True)
    x = np.random.default_rng(h * w).integers(t.min_raw, t.max_raw + 1, size=(3, h, w, c))
    x = ops.pad_hw(x, pad, pad, pad, pad, value=t.min_raw)
    expected, _ = ops.tree_reduce(ops.pool_windows(x, fh, fw, sh, sw), np.maximum, t)
    assert_array_equal(ops.max_pool(x, fh, fw, sh, sw), expected)
    assert_array_equal(ops.max_pool(x.astype(np.float32), fh, fw, sh, sw), expected)


@pytest.mark.parametrize("case", [(32, 32, 1, 6, 5, 5, 1, 1), (14, 14, 6, 16, 5, 5, 1, 1), (18, 18, 4, 8, 3, 3, 1, 1),
                                  (17, 15, 3, 5, 3, 3, 2, 2), (12, 20, 2, 4, 2, 4, 1, 3)])
def test_block_toeplitz_product_equals_im2col(case):
    """Every output of a convolution by block-Toeplitz products equals the im2col product's."""
    h, w, c, f, fh, fw, sh, sw = case
    rng = np.random.default_rng(h + w + c)
    x = rng.integers(-8, 8, size=(2, h, w, c)).astype(np.float32)
    k = rng.integers(-7, 8, size=(fh, fw, c, f))
    oh, ow = (h - fh) // sh + 1, (w - fw) // sw + 1
    expected = ops.im2col(x, fh, fw, sh, sw, np.float32) @ k.reshape(-1, f).astype(np.float32)
    for bw in [b for b in range(1, ow + 1) if ow % b == 0]:
        rows = ops.block_rows(x, fh, fw, sh, sw, oh, ow, bw, np.float32)
        got = (rows @ ops.block_toeplitz(k, bw, sw, np.float32)).reshape(-1, f)
        assert_array_equal(got, expected)
    assert ops.toeplitz_block(28, 5) == 7 and ops.toeplitz_block(10, 5) == 5 and ops.toeplitz_block(1, 5) == 0


@pytest.mark.parametrize("wraps", [False, True])
def test_float32_finish_sum_equals_the_int64_one(wraps):
    rng = np.random.default_rng(int(wraps))
    x_t, w_t = FixedType(8, 0, signed=False), FixedType(4, 1)
    acc_t = FixedType(14 if wraps else 18, 3 if wraps else 7)  # frac 11 either way
    b_t = FixedType(10, 4, rounding=Rounding.RND_CONV, overflow=Overflow.SAT)
    total = rng.integers(-5000, 5000, size=(130, 6))
    bias = rng.integers(b_t.min_raw, b_t.max_raw + 1, size=6)
    expected, n_expected = ops.finish_sum(total.copy(), x_t, w_t, bias, b_t, acc_t)
    for sums in (None, (total.min(axis=0), total.max(axis=0))):  # the columns' ranges, proving no wrap or not
        got, n_got = ops.finish_sum(total.astype(np.float32), x_t, w_t, bias, b_t, acc_t, bound=5000, sums=sums)
        assert_array_equal(got.raw, expected.raw)
        assert n_got == n_expected and (n_got > 0) == wraps
        assert (got.f32 is not None) == (not wraps)  # kept in float32 when nothing wrapped
