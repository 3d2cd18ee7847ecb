"""ExactScale's arithmetic (hwcnn.qonnx_ext.product_to_f32): acc * s_a * s_w computed exactly and
rounded once to float32, checked against exact rational arithmetic, at float32 midpoints and one
step beside them, where a product rounded twice goes wrong."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from hwcnn.qonnx_ext import product_to_f32


def _nearest_f32(v: Fraction) -> np.float32:
    """The float32 nearest to v, ties to even, by exact comparison with its neighbours."""
    f = np.float32(float(v))
    candidates = [np.nextafter(f, np.float32(-np.inf)), f, np.nextafter(f, np.float32(np.inf))]
    return min(candidates, key=lambda c: (abs(Fraction(float(c)) - v), int(c.view(np.uint32)) & 1))


def test_random_products_round_once():
    rng = np.random.default_rng(0)
    acc = np.concatenate([rng.integers(-2**31, 2**31, 3000), rng.integers(-5000, 5000, 3000)])
    s_a = np.float32(rng.random() * 0.01 + 1e-4)
    s_w = (rng.random(len(acc)) * 0.01 + 1e-4).astype(np.float32)
    got = product_to_f32(acc, s_a, s_w)
    want = [_nearest_f32(Fraction(int(a)) * Fraction(float(s_a)) * Fraction(float(w))) for a, w in zip(acc, s_w)]
    assert np.array_equal(got, np.array(want, dtype=np.float32))


def _is_midpoint(v: Fraction) -> bool:
    lo = np.float32(float(v))
    for a, b in ((lo, np.nextafter(lo, np.float32(np.inf))), (np.nextafter(lo, np.float32(-np.inf)), lo)):
        if (Fraction(float(a)) + Fraction(float(b))) / 2 == v:
            return True
    return False


def test_midpoints_and_their_neighbours_round_as_exact_arithmetic_does():
    """Small odd accumulators times 24-bit scales land on float32 midpoints about one time in four
    (ties to even), and large ones one ulp of float64 beside them (where rounding p alone is wrong)."""
    rng = np.random.default_rng(1)
    ties = 0
    for _ in range(1500):
        s_w = np.float32(rng.random() + 0.5)
        for s_a in (np.float32(1.0), np.float32(0.75), np.float32(2.0**-3)):
            for acc in (3, 5, 7, int(rng.integers(2**40, 2**41)) | 1):
                v = Fraction(acc) * Fraction(float(s_a)) * Fraction(float(s_w))
                ties += _is_midpoint(v)
                assert product_to_f32(np.array([acc]), s_a, s_w)[0] == _nearest_f32(v), (acc, s_a, s_w)
    assert ties > 400
