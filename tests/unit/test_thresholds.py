"""Thresholds of a quantized tanh / sigmoid against Brevitas itself, on every value the accumulator
can take (hwcnn/thresholds.py)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from brevitas.nn import QuantSigmoid, QuantTanh
from numpy.testing import assert_array_equal

from hwcnn import thresholds
from hwcnn.errors import HwcnnError
from hwcnn.fixed import FixedType, Overflow, Rounding
from hwcnn.models.quant import InputQuant, TanhQuant


def brevitas_codes(module, raw: np.ndarray, in_type: FixedType) -> tuple[np.ndarray, FixedType]:
    """What the QAT model computes (float64, as hwcnn's verification runs it): output codes, and the
    quantizer's type (from Brevitas' own scale: a power of two)."""
    x = torch.from_numpy(np.ldexp(raw.astype(np.float64), -in_type.frac))[:, None]
    with torch.no_grad():
        y = module.double().eval()(x)
    frac = -int(np.log2(float(y.scale)))
    bits = int(y.bit_width)
    t = FixedType(bits, bits - frac, bool(y.signed), Rounding.RND_CONV, Overflow.SAT)
    return np.rint(y.value.numpy()[:, 0] * 2.0**frac).astype(np.int64), t


def quantizer_type(bits: int, signed: bool) -> FixedType:
    integer = 1 if signed else 0  # tanh: [-1, 1) at 2^-(b-1); sigmoid: [0, 1) at 2^-b
    return FixedType(bits, integer, signed, Rounding.RND_CONV, Overflow.SAT)


# (activation, bits, accumulator type): fine grids, a coarse one where one step skips levels,
# integer bits above the width (lsb 4), and a negative-only/positive-only range
CASES = [
    ("tanh", 4, FixedType(15, 2)), ("tanh", 2, FixedType(12, 4)), ("tanh", 8, FixedType(16, 3)),
    ("tanh", 4, FixedType(5, 3)), ("tanh", 3, FixedType(6, 8)),
    ("sigmoid", 4, FixedType(14, 5)), ("sigmoid", 8, FixedType(18, 6)), ("sigmoid", 2, FixedType(4, 4)),
]


@pytest.mark.parametrize("fn, bits, in_type", CASES, ids=lambda c: str(c))
def test_thresholds_equal_brevitas_on_every_value(fn, bits, in_type):
    module = QuantTanh(act_quant=TanhQuant, bit_width=bits, return_quant_tensor=True) if fn == "tanh" \
        else QuantSigmoid(act_quant=InputQuant, bit_width=bits, return_quant_tensor=True)
    raw = np.arange(in_type.min_raw, in_type.max_raw + 1, dtype=np.int64)
    want, out_type = brevitas_codes(module, raw, in_type)
    th = thresholds.fit(fn, int(raw[0]), int(raw[-1]), in_type, out_type, "test")
    assert_array_equal(thresholds.apply(raw, th), want)
    assert th.values_checked == raw.size
    assert len(th.thresholds) == want.max() - want.min() <= 2**bits - 1
    assert np.all(np.diff(th.thresholds) >= 0)


def test_a_step_that_skips_levels_repeats_its_threshold():
    """On a grid of lsb 1, tanh (codes of 2^-3) jumps from -6 to 0 at x = 0 and from 0 to 6 at x = 1:
    one threshold per level passed, all at the same input."""
    in_type, out_type = FixedType(4, 4), quantizer_type(4, True)
    th = thresholds.fit("tanh", -8, 7, in_type, out_type, "test")
    assert th.base == -8 and list(th.thresholds) == [-1] * 2 + [0] * 6 + [1] * 6 + [2]


def test_a_range_inside_one_level_has_no_thresholds():
    th = thresholds.fit("tanh", 3000, 4000, FixedType(16, 6), quantizer_type(4, True), "test")  # x in [2.9, 3.9]
    assert th.base == 7 and th.thresholds.size == 0


def test_unknown_function_and_huge_ranges_are_refused():
    t, q = FixedType(16, 4), quantizer_type(4, True)
    with pytest.raises(HwcnnError, match="no threshold form"):
        thresholds.fit("elu", 0, 10, t, q, "layer X")
    with pytest.raises(HwcnnError, match="layer X: its input takes"):
        thresholds.fit("tanh", 0, thresholds.MAX_VALUES, t, q, "layer X")


# ---- per-channel thresholds by bisection ------------------------------------------------------

def _float32_batch_norm(scale, bias, bits=8, relu=True):
    """A float32 batch norm and an unsigned (or signed) quantizer, as QONNX computes them: raw -> level."""
    scale, bias = np.float32(scale), np.float32(bias)
    top = (1 << bits) - 1

    def level_at(raw):
        y = raw.astype(np.float32) * np.float32(2.0**-10) * scale + bias
        if relu:
            return np.clip(np.rint(np.maximum(y, 0) * 16), 0, top).astype(np.int64)
        return np.clip(np.rint(y * 16), -(top + 1) // 2, top // 2).astype(np.int64)

    return level_at


@pytest.mark.parametrize("lo,hi", [(-3000, 3000), (-4_000_000, 6_000_000)])
def test_bisection_finds_every_level_of_every_channel(lo, hi):
    """Rising, falling (a negative scale), constant and never-reached channels; a range too large to
    enumerate in the check (the second) is compared here on a dense sample instead."""
    scale = [1.3, -0.7, 0.0, 1e-6, 40.0]
    bias = [0.5, 3.0, 2.0, -1.0, -7.0]
    level_at = _float32_batch_norm(scale, bias)
    th = thresholds.bisect(level_at, lo, hi, 5, -(1 << 30), "test")
    assert th.enumerated == ((hi - lo + 1) * 5 <= thresholds.CHECK_VALUES)
    assert list(th.step) == [1, -1, 1, 1, 1]
    raw = np.unique(np.concatenate([np.linspace(lo, hi, 200_001).astype(np.int64), th.thresholds.ravel(),
                                    th.thresholds.ravel() - 1]))
    raw = np.broadcast_to(np.clip(raw, lo, hi)[:, None], (len(raw), 5))
    assert_array_equal(thresholds.apply_channels(raw, th), level_at(raw))


def test_bisection_refuses_a_level_that_is_not_monotone():
    def level_at(raw):  # rises, then falls: no thresholds can give it
        return np.where(np.abs(raw) < 100, 3, 0).astype(np.int64)

    with pytest.raises(HwcnnError, match=r"layer X: .*not monotone in the input of channel 0"):
        thresholds.bisect(level_at, -1000, 1000, 1, -4096, "layer X")
