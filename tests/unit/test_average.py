"""The rounded global average (hwcnn/average.py) against exact rationals and PyTorch's float64."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import torch
from numpy.testing import assert_array_equal

from hwcnn import average
from hwcnn.errors import HwcnnError
from hwcnn.fixed import FixedType, Overflow, Rounding


def exact(s: int, n: int, sum_frac: int, out: FixedType) -> int:
    q = Fraction(s, 2**sum_frac) / n / Fraction(2) ** -out.frac
    r = round(q)  # Fraction rounds half to even
    return min(max(r, out.min_raw), out.max_raw)


# (n, sum frac, result type): 7x7 and 13x13 maps, 3x3, an even area (6x6), a saturating result
CASES = [(49, 4, FixedType(16, 6, True, Rounding.RND_CONV, Overflow.SAT)),
         (169, 8, FixedType(16, 4, True, Rounding.RND_CONV, Overflow.SAT)),
         (9, 2, FixedType(8, 4, False, Rounding.RND_CONV, Overflow.SAT)),
         (36, 3, FixedType(12, 6, True, Rounding.RND_CONV, Overflow.SAT)),
         (49, 0, FixedType(4, 2, True, Rounding.RND_CONV, Overflow.SAT))]


def test_a_result_grid_coarser_than_the_sums_hits_ties_and_is_refused():
    """S / (49 * 64) rounded to integers has exact ties (S = 1568 * odd) where round half to even and the
    hardware's half-up differ: refused, never wrong."""
    with pytest.raises(HwcnnError, match="tie"):
        average.fit_reciprocal(49, -49 * 300, 49 * 300, 6, FixedType(6, 6, True, Rounding.RND_CONV, Overflow.SAT),
                               "test")


@pytest.mark.parametrize("n, sum_frac, out", CASES, ids=str)
def test_reciprocal_rounds_every_sum_as_the_model(n, sum_frac, out):
    s_lo, s_hi = -n * 300, n * 300
    rec = average.fit_reciprocal(n, s_lo, s_hi, sum_frac, out, "test")
    s = np.arange(s_lo, s_hi + 1, dtype=np.int64)
    got = average.apply_reciprocal(s, rec, out)
    assert_array_equal(got, [exact(int(v), n, sum_frac, out) for v in s])
    # PyTorch's float64 average of n equal parts, then the quantizer's round half to even and clamp
    mean = torch.from_numpy(np.ldexp(s.astype(np.float64), -sum_frac)) / n
    q = torch.clamp(torch.round(mean * 2.0**out.frac), out.min_raw, out.max_raw).numpy().astype(np.int64)
    assert_array_equal(got, q)
    assert rec.sums_checked == s.size and rec.m.bit_length() <= 48


def test_the_reciprocal_is_the_narrowest_that_works():
    out = FixedType(16, 6, True, Rounding.RND_CONV, Overflow.SAT)
    rec = average.fit_reciprocal(49, 0, 49 * 15, 0, out, "test")
    assert rec.k > 8  # 1/49 needs more than a few bits: the loop below is not vacuous
    s = np.arange(0, 49 * 15 + 1)
    want = average.rounded_average(s, 49, 0, out)
    for k in range(1, rec.k):
        for m in (round(2**k / 49), 2**k // 49 + 1):
            shift = k - out.frac
            if shift >= 1:
                assert not np.array_equal(average.apply_reciprocal(s, average.Reciprocal(m, k, shift, 0), out), want)
