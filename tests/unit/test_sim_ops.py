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
