"""hwcnn/requant.py: a fixed-point scale and bias that give a quantizer's level for every value of
an accumulator, checked here by an enumeration of its own (ap_fixed arithmetic from hwcnn.fixed)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from hwcnn import fixed, requant
from hwcnn.errors import HwcnnError
from hwcnn.fixed import FixedType, Overflow, Rounding


def _levels(acc, acc_frac, scale, bias, q: FixedType):
    """What QONNX computes: y = acc * scale + bias in float32, y / q.lsb rounded half to even (or
    floored), clipped to q's range."""
    y = (acc[:, None] * np.float32(2.0**-acc_frac)).astype(np.float32) * scale.astype(np.float32) + bias.astype(np.float32)
    z = (y / np.float32(q.lsb)).astype(np.float32)
    z = np.floor(z) if q.rounding == Rounding.TRN else np.round(z)
    return np.clip(z, *requant.clip_levels(q)).astype(np.int64)


def _hardware(acc, acc_frac, f: requant.AffineFit, t: FixedType, clip):
    """hls4ml's normalize with the fitted types: exact product and sum, then t's rounding and saturation."""
    x = FixedType(16, 16 - acc_frac, True)  # holds every accumulator value of these tests
    total, tt = fixed.add(*fixed.mul(acc[:, None], x, f.scale, f.scale_type), f.bias, f.bias_type)
    raw, _ = fixed.cast(total, tt.frac, t)
    return np.clip(raw, *clip)


QUANTIZERS = [
    FixedType(4, 2, True, Rounding.RND_CONV, Overflow.SAT),
    FixedType(2, 3, False, Rounding.RND_CONV, Overflow.SAT),
    FixedType(8, 1, True, Rounding.RND_CONV, Overflow.SAT_SYM),
    FixedType(3, 1, True, Rounding.TRN, Overflow.SAT),
]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("q", QUANTIZERS, ids=str)
def test_the_fit_gives_every_level(q, seed):
    rng = np.random.default_rng(seed)
    acc_frac = int(rng.integers(0, 9))
    acc = np.arange(-int(rng.integers(10, 3000)), int(rng.integers(10, 3000)), dtype=np.int64)
    channels = 6
    scale = rng.uniform(0.2, 3.0, channels) * 2.0 ** (-acc_frac + int(rng.integers(-2, 6))) * q.lsb
    scale[0] = -scale[0]  # a negative batch-norm weight
    scale[1] = 0.0  # a channel training switched off
    bias = rng.uniform(-2, 2, channels) * q.lsb * 2**q.width
    levels = _levels(acc, acc_frac, scale, bias, q)
    f = requant.fit(acc, acc_frac, levels, q, requant.clip_levels(q), scale, "test")
    assert_array_equal(_hardware(acc, acc_frac, f, q, requant.clip_levels(q)), levels)
    assert len(np.unique(levels[:, 2:])) > 1


def test_levels_on_exact_ties_follow_the_quantizers_rounding():
    """y / lsb lands on .5 for every other accumulator value: half to even, as QONNX rounds."""
    q = FixedType(4, 4, True, Rounding.RND_CONV, Overflow.SAT)
    acc = np.arange(-40, 41, dtype=np.int64)
    scale, bias = np.array([0.5]), np.array([0.0])
    levels = _levels(acc, 0, scale, bias, q)
    assert levels[acc == 1][0] == 0 and levels[acc == 3][0] == 2  # 0.5 -> 0, 1.5 -> 2
    f = requant.fit(acc, 0, levels, q, requant.clip_levels(q), scale, "test")
    assert_array_equal(_hardware(acc, 0, f, q, requant.clip_levels(q)), levels)


def test_a_relu_before_an_unsigned_quantizer_is_a_one_sided_clip():
    q = FixedType(2, 2, False, Rounding.RND_CONV, Overflow.SAT)
    t = FixedType(q.width + 1, q.integer + 1, True, q.rounding, Overflow.SAT)
    acc = np.arange(-500, 500, dtype=np.int64)
    scale, bias = np.array([0.013, -0.007]), np.array([0.4, 1.1])
    levels = _levels(acc, 0, scale, bias, q)
    f = requant.fit(acc, 0, levels, t, requant.clip_levels(q), scale, "test")
    assert_array_equal(_hardware(acc, 0, f, t, requant.clip_levels(q)), levels)
    assert f.reach[0] < 0  # the batch norm's own result goes below zero; the ReLU clips it


def test_levels_no_line_gives_are_refused():
    q = FixedType(4, 4, True, Rounding.RND_CONV, Overflow.SAT)
    acc = np.arange(0, 50, dtype=np.int64)
    levels = np.random.default_rng(0).integers(-8, 8, (50, 1))
    with pytest.raises(HwcnnError, match="no fixed-point scale and bias"):
        requant.fit(acc, 0, levels, q, requant.clip_levels(q), np.array([1.0]), "test")


def test_an_accumulator_too_wide_to_enumerate_is_refused():
    with pytest.raises(HwcnnError, match="would have to enumerate"):
        requant.accumulator_values(-1000.0, 1000.0, FixedType(32, 12, True))
