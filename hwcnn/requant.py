"""A batch norm (or constant scaling) between a fixed-point tensor and its quantizer, made exact.

The tensor before it (an accumulator, or the core's input) holds a finite set of values: every
multiple of its LSB in its interval. The quantized model maps each of them, per channel, to one
level of the quantizer after it (in float32, as QONNX executes it). hwcnn gives hls4ml's layer
(BatchNormalization, or ApplyAlpha for constant Mul/Add/Sub/Div) a fixed-point scale and bias
(`y = x * scale + bias`, then the quantizer's rounding and saturation) chosen so that it yields
that same level for every one of those values: by construction (the levels bound the line from
both sides) and checked by enumeration. The sign of a binary activation is such a map too (the
levels -1 and +1, saturating symmetrically). The affine form keeps hls4ml's own layer and its one
multiplier per channel; where no such form exists (float32 rounding at a level boundary) or the
values are too many to enumerate, the type rule makes per-channel thresholds instead, as FINN
streamlines a batch norm (hwcnn/thresholds.py `bisect`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hwcnn.errors import HwcnnError
from hwcnn.fixed import FixedType, Overflow, Rounding, cast, type_for_range

# an accumulator interval with more values than this per channel is not enumerated
MAX_VALUES = 1 << 21
# fractional bits tried for the scale, fewest first
MAX_SCALE_FRAC = 30
_NEAREST = {Rounding.RND, Rounding.RND_CONV, Rounding.RND_ZERO, Rounding.RND_INF, Rounding.RND_MIN_INF}


class NoAffineFit(HwcnnError):
    """No affine form was found: too many values to enumerate, or none that is exact. The type rule
    then makes thresholds (hwcnn/thresholds.py `bisect`)."""


@dataclass
class AffineFit:
    """Per-channel raw scale and bias, their types, and the range of the layer's raw results."""

    scale: np.ndarray
    scale_type: FixedType
    bias: np.ndarray
    bias_type: FixedType
    reach: tuple[int, int]  # the lowest and highest raw result over all values and channels


def accumulator_values(lo: float, hi: float, t: FixedType) -> np.ndarray:
    """Raw values of every multiple of t's LSB in [lo, hi]."""
    a, b = int(np.floor(lo / t.lsb)), int(np.ceil(hi / t.lsb))
    if b - a + 1 > MAX_VALUES:
        raise NoAffineFit(f"the accumulator before the batch norm takes {b - a + 1} values (more than {MAX_VALUES}) "
                         "that hwcnn would have to enumerate; narrow the layer's weights or inputs")
    return np.arange(a, b + 1, dtype=np.int64)


def clip_levels(q: FixedType) -> tuple[int, int]:
    """The lowest and highest raw value the quantizer's saturation leaves."""
    lo = -q.max_raw if q.overflow == Overflow.SAT_SYM and q.signed and q.width > 1 else q.min_raw
    return lo, q.max_raw


def fit(acc: np.ndarray, acc_frac: int, levels: np.ndarray, t: FixedType, clip: tuple[int, int],
        ideal_scale: np.ndarray, where: str) -> AffineFit:
    """The fewest-bits fixed-point scale and bias (per channel) with which
    t(acc * scale + bias) (t's rounding and saturation), clipped to `clip`, equals `levels` (raw
    values on t's grid, [values, channels]) for every accumulator raw value in `acc`.

    `ideal_scale` (the batch norm's real scale) is where the search for each scale starts."""
    if t.rounding not in _NEAREST and t.rounding != Rounding.TRN:
        raise HwcnnError(f"{where}: quantizer rounding {t.rounding.value} is not supported after a batch norm")
    qlo, qhi = clip
    # within a run of one level the bounds on a line hold everywhere once they hold at its ends
    ends = [_run_ends(levels[:, c]) for c in range(levels.shape[1])]
    for frac in range(MAX_SCALE_FRAC + 1):
        shift = acc_frac + frac - t.frac  # fractional bits of acc * scale beyond t's grid
        if shift < 1 or np.abs(acc).max(initial=0) * (np.abs(ideal_scale).max(initial=0) + 1) * 2.0**frac > 2.0**61:
            continue
        chosen = []
        for c, i in enumerate(ends):
            low, high = _bounds(levels[i, c], shift, t.rounding, qlo, qhi)
            chosen.append(_channel(acc[i], low, high, ideal_scale[c] * 2.0**frac))
            if chosen[-1] is None:
                break  # one more fractional bit for all channels
        else:
            scale = np.array([c[0] for c in chosen], dtype=np.int64)
            bias = np.array([c[1] for c in chosen], dtype=np.int64)
            return _fit_types(scale, frac, bias, acc_frac + frac, acc, levels, t, clip, where)
    raise NoAffineFit(f"{where}: no fixed-point scale and bias with up to {MAX_SCALE_FRAC} fractional bits gives "
                     "the quantized model's levels for every accumulator value")


def _run_ends(levels: np.ndarray) -> np.ndarray:
    """Indices of the first and last value of every run of equal levels."""
    change = np.flatnonzero(np.diff(levels))
    return np.unique(np.concatenate([[0, len(levels) - 1], change, change + 1]))


def _bounds(levels: np.ndarray, shift: int, rounding: Rounding, qlo: int, qhi: int):
    """[low, high] for m = acc * scale + bias (raw at t.frac + shift) so that t's rounding of m
    gives each level; a level at the clip ends is bounded on one side only. A tie (m half-way
    between two levels) counts where t's rounding takes it to the level: QONNX rounds ties half to
    even, so a batch norm landing on them is matched by RND_CONV's own ties."""
    one = np.int64(1) << shift
    if rounding == Rounding.TRN:  # floor
        low, high = levels * one, (levels + 1) * one - 1
    else:
        half = one >> 1
        low_tie, high_tie = _ties_to_level(levels, rounding)
        low = levels * one - half + (~low_tie)
        high = levels * one + half - (~high_tie)
    big = np.iinfo(np.int64).max // 4
    low = np.where(levels <= qlo, -big, low)
    high = np.where(levels >= qhi, big, high)
    return low, high


def _ties_to_level(t: np.ndarray, rounding: Rounding) -> tuple[np.ndarray, np.ndarray]:
    """Whether the tie below level t (t - 1/2) and the one above (t + 1/2) round to t."""
    if rounding == Rounding.RND:  # half up
        return np.ones_like(t, bool), np.zeros_like(t, bool)
    if rounding == Rounding.RND_MIN_INF:  # half down
        return np.zeros_like(t, bool), np.ones_like(t, bool)
    if rounding == Rounding.RND_CONV:  # half to even
        even = t % 2 == 0
        return even, even
    if rounding == Rounding.RND_ZERO:
        return t <= 0, t >= 0
    return t > 0, t < 0  # RND_INF: away from zero


def _channel(acc, low, high, ideal: float):
    """(scale, bias) raw integers with low <= acc*scale + bias <= high for every point, the scale
    nearest `ideal`; None if no integer scale has a bias that fits.

    Eliminating the bias leaves one bound on the scale per pair of points (Helly's theorem in one
    dimension: intervals that meet pairwise share a point), so the feasible scales are exact."""
    s = int(np.round(ideal))
    if np.abs(acc).max(initial=0) * abs(s) < 2**61:  # the scale nearest the ideal first: one pass, not pairs
        lo, hi = int(np.max(low - acc * s)), int(np.min(high - acc * s))
        if lo <= hi:
            return s, _roundest(lo, hi)
    d = acc[None, :] - acc[:, None]  # acc_j - acc_i
    room = high[None, :] - low[:, None]  # high_j - low_i >= scale * (acc_j - acc_i)
    if np.any(room[d == 0] < 0):
        return None
    up = room[d > 0] // d[d > 0]
    down = -((-room[d < 0]) // d[d < 0])
    s_hi = int(up.min()) if up.size else None
    s_lo = int(down.max()) if down.size else None
    if s_lo is not None and s_hi is not None and s_lo > s_hi:
        return None
    s = int(np.round(ideal))
    s = max(s, s_lo) if s_lo is not None else s
    s = min(s, s_hi) if s_hi is not None else s
    if np.abs(acc).max(initial=0) * abs(s) >= 2**61:
        return None
    lo = int(np.max(low - acc * s))
    hi = int(np.min(high - acc * s))
    return (s, _roundest(lo, hi)) if lo <= hi else None


def _roundest(lo: int, hi: int) -> int:
    """A bias in [lo, hi] with few significant bits: zero if it is in, else the multiple of the
    highest power of two that is at most twice the magnitude of the end nearest zero."""
    if lo <= 0 <= hi:
        return 0
    near = lo if lo > 0 else hi
    for j in range(abs(near).bit_length(), -1, -1):
        m = 1 << j
        c = -(-lo // m) * m if lo > 0 else (hi // m) * m
        if lo <= c <= hi and abs(c) <= 2 * abs(near):
            return c
    return near


def _fit_types(scale, scale_frac, bias, bias_frac, acc, levels, t: FixedType, clip, where: str) -> AffineFit:
    got = apply(acc[:, None], scale, bias, bias_frac, t)
    if not np.array_equal(np.clip(got, *clip), levels):  # the enumeration: every accumulator value and channel
        raise HwcnnError(f"internal: {where}: the fitted batch norm differs from the quantized model")
    zeros = min([_trailing_zeros(int(b)) for b in bias if b != 0] + [bias_frac])  # bits the bias need not hold
    bias, bias_frac = bias >> zeros, bias_frac - zeros
    st = type_for_range(float(scale.min(initial=0)) * 2.0**-scale_frac, float(scale.max(initial=0)) * 2.0**-scale_frac,
                        scale_frac)
    bt = type_for_range(float(bias.min(initial=0)) * 2.0**-bias_frac, float(bias.max(initial=0)) * 2.0**-bias_frac,
                        bias_frac)
    return AffineFit(scale, st, bias, bt, (int(got.min()), int(got.max())))


def _trailing_zeros(v: int) -> int:
    return (v & -v).bit_length() - 1


def apply(acc_raw: np.ndarray, scale: np.ndarray, bias: np.ndarray, bias_frac: int, t: FixedType) -> np.ndarray:
    """hls4ml's normalize: acc * scale + bias at full precision, assigned to t (raw values of t);
    the product has the bias' fractional bits; channels on the last axis."""
    raw, _ = cast(acc_raw * scale + bias, bias_frac, t)
    return raw
