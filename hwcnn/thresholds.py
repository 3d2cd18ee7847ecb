"""A monotonic activation, or a batch norm, and its quantizer, exact, as thresholds on the
accumulator (as FINN does): `fit` for tanh and sigmoid (one set for every channel), `bisect` for a
batch norm or constant scaling with no exact affine form (one set per channel, below).

The input of the activation is an accumulator: every value it can take is a multiple of its LSB in
the interval the precision analysis proves. For a non-decreasing function f followed by an n-bit
quantizer, the quantized output is a step function of that raw value r:

    code(r) = quantize(f(r * lsb))  =  base + #{k : r >= t_k}

with base = code(lowest r) and one threshold t_k per level the reachable values step through (at
most 2^n - 1). hwcnn evaluates f as the QAT model does (PyTorch float64: the verification runs the
QAT model in float64, where accumulator values are exact) on every reachable r, takes the thresholds
from those codes and then checks them against every value again. hls4ml's own tanh/sigmoid are
lookup tables on [-4, 4) or [-8, 8) whose index truncates the input: they do not compute the QAT
model (hwcnn/tables.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hwcnn.errors import HwcnnError
from hwcnn.fixed import FixedType, from_float

FUNCTIONS = ("tanh", "sigmoid")  # activations (hls4ml's names) carried as thresholds
# an accumulator with more reachable values than this is evaluated in chunks of this size
CHUNK = 1 << 20
# and one with more than this is refused (a 2^28-value scan takes minutes)
MAX_VALUES = 1 << 28


@dataclass(frozen=True)
class Thresholds:
    """out raw = base + number of thresholds (raw values of the input type) the input reaches."""

    base: int
    thresholds: np.ndarray  # int64, ascending
    values_checked: int     # reachable accumulator values the thresholds were checked on


def codes(fn: str, raw: np.ndarray, in_type: FixedType, out_type: FixedType) -> np.ndarray:
    """The quantizer's raw output for each input raw value, as the QAT model computes it."""
    import torch

    x = torch.from_numpy(np.ldexp(raw.astype(np.float64), -in_type.frac))  # exact: |raw| < 2^53
    return from_float({"tanh": torch.tanh, "sigmoid": torch.sigmoid}[fn](x).numpy(), out_type)


def fit(fn: str, lo_raw: int, hi_raw: int, in_type: FixedType, out_type: FixedType, where: str) -> Thresholds:
    """Thresholds reproducing quantize(fn(x)) for every raw input in [lo_raw, hi_raw]."""
    if fn not in FUNCTIONS:
        raise HwcnnError(f"{where}: activation {fn} has no threshold form in hwcnn (it has {', '.join(FUNCTIONS)})")
    n = hi_raw - lo_raw + 1
    if n > MAX_VALUES:
        raise HwcnnError(f"{where}: its input takes {n} values (more than {MAX_VALUES}); hwcnn computes the "
                         "thresholds of an activation by evaluating every value: narrow the layer before it")
    steps, base, last = [], None, None
    for start in range(lo_raw, hi_raw + 1, CHUNK):
        raw = np.arange(start, min(start + CHUNK, hi_raw + 1), dtype=np.int64)
        c = codes(fn, raw, in_type, out_type)
        if base is None:
            base = last = int(c[0])
        prev = np.concatenate([[last], c[:-1]])
        if np.any(c < prev):
            raise HwcnnError(f"internal: {where}: {fn} quantized is not monotonic at raw input "
                             f"{int(raw[np.argmax(c < prev)])}")
        for i in np.flatnonzero(c > prev):  # a step may skip levels: one threshold per level passed
            steps += [int(raw[i])] * int(c[i] - prev[i])
        last = int(c[-1])
        # the check: the thresholds so far (later ones all lie above this chunk) == the model on every value
        if not np.array_equal(apply(raw, Thresholds(base, np.array(steps, dtype=np.int64), n)), c):
            raise HwcnnError(f"internal: {where}: thresholds differ from the model")
    return Thresholds(base, np.array(steps, dtype=np.int64), n)


def apply(raw: np.ndarray, th: Thresholds) -> np.ndarray:
    """base + count of thresholds <= raw (the hardware's comparison, per value)."""
    return th.base + np.searchsorted(th.thresholds, raw, side="right").astype(np.int64)


# ---- per-channel thresholds by bisection (a batch norm or scaling and its quantizer) -------------

# thresholds are checked on every value the input takes where that is at most this many evaluations
# (values x channels)
CHECK_VALUES = 1 << 25
SPOT_CHECKS = 1 << 12  # otherwise: this many seeded random values per channel, beside every threshold


@dataclass(frozen=True)
class ChannelThresholds:
    """Per channel c (channels innermost): out raw = base[c] + step[c] * #{k : thresholds[c, k] <= in raw}.
    step[c] is -1 where the level falls as the input grows (a negative batch-norm scale)."""

    base: np.ndarray        # int64 [C]
    step: np.ndarray        # int64 [C], +1 or -1
    thresholds: np.ndarray  # int64 [C, N], ascending in each channel, N >= 1
    values_checked: int     # values per channel compared with the model (all of them where CHECK_VALUES allows)
    enumerated: bool        # whether that was every value the input takes


def apply_channels(raw: np.ndarray, th: ChannelThresholds) -> np.ndarray:
    """The comparison the hardware makes, on raw inputs [..., C]."""
    raw = np.asarray(raw, dtype=np.int64)
    counts = np.stack([np.searchsorted(th.thresholds[c], raw[..., c], side="right")
                       for c in range(len(th.base))], axis=-1)
    return th.base + th.step * counts.astype(np.int64)


def bisect(level_at, lo_raw: int, hi_raw: int, channels: int, floor_raw: int, where: str) -> ChannelThresholds:
    """Thresholds reproducing `level_at` (raw inputs [n, C] -> the model's levels [n, C], channel c
    of row i at raw[i, c]) on every raw input in [lo_raw, hi_raw], found by bisection.

    Why bisection is exact: the model computes each level in float32 by multiplications and
    additions with constants, a ReLU and the quantizer's rounding, each monotone in its input (IEEE
    rounding is monotone), so a channel's level is a monotone step function of the raw input. The
    k-th threshold is the least raw value whose level lies k levels past the level at lo_raw; the
    values reaching it form an interval up to hi_raw, which bisection bounds exactly in
    log2(hi - lo) evaluations. The result is still compared with the model: on every value where that
    is at most CHECK_VALUES evaluations, else at every threshold, its predecessor and seeded random values.
    Channels with fewer steps are padded at the bottom with `floor_raw` (the input type's least
    value, which every input reaches), their base lowered to match."""
    n_values = hi_raw - lo_raw + 1
    ends = level_at(np.array([[lo_raw] * channels, [hi_raw] * channels], dtype=np.int64))
    first, last = ends[0], ends[1]
    step = np.where(last < first, -1, 1).astype(np.int64)
    count = np.abs(last - first)
    n = max(int(count.max(initial=0)), 1)
    k = np.arange(1, n + 1, dtype=np.int64)[:, None]
    wanted = k <= count[None, :]
    # invariant for each wanted (k, c): level k is not reached at `left`, reached at `right`
    left = np.full((n, channels), lo_raw, dtype=np.int64)
    right = np.full((n, channels), hi_raw, dtype=np.int64)
    while True:
        open_ = wanted & (right - left > 1)
        if not open_.any():
            break
        mid = left + (right - left) // 2
        reached = step * (level_at(mid) - first) >= k
        right = np.where(open_ & reached, mid, right)
        left = np.where(open_ & ~reached, mid, left)
    pads = n - count
    t = np.where(np.arange(n)[:, None] < pads[None, :], floor_raw,
                 np.take_along_axis(right, np.clip(np.arange(n)[:, None] - pads[None, :], 0, n - 1), axis=0))
    th = ChannelThresholds(first - step * pads, step, np.ascontiguousarray(t.T), 0, False)
    return _checked(level_at, th, lo_raw, hi_raw, n_values, where)


def _checked(level_at, th: ChannelThresholds, lo_raw: int, hi_raw: int, n_values: int, where: str):
    channels = len(th.base)
    if n_values * channels <= CHECK_VALUES:
        checked, enumerated, rows = 0, True, max(CHUNK // channels, 1)
        for start in range(lo_raw, hi_raw + 1, rows):
            raw = np.arange(start, min(start + rows, hi_raw + 1), dtype=np.int64)
            _compare(level_at, th, np.broadcast_to(raw[:, None], (len(raw), channels)), where)
            checked += len(raw)
    else:
        rng = np.random.default_rng(0)
        real = np.clip(th.thresholds.T, lo_raw, hi_raw)  # [N, C]: each threshold and its predecessor
        spots = rng.integers(lo_raw, hi_raw + 1, size=(SPOT_CHECKS, channels))
        raw = np.concatenate([real, np.maximum(real - 1, lo_raw), spots])
        _compare(level_at, th, raw, where)
        checked, enumerated = len(raw), False
    return ChannelThresholds(th.base, th.step, th.thresholds, checked, enumerated)


def _compare(level_at, th: ChannelThresholds, raw: np.ndarray, where: str) -> None:
    want, got = level_at(raw), apply_channels(raw, th)
    if not np.array_equal(want, got):
        i, c = np.argwhere(want != got)[0]
        raise HwcnnError(f"{where}: the quantized model's level is not monotone in the input of channel {c} "
                         f"(at raw input {int(raw[i, c])}: model {int(want[i, c])}, thresholds {int(got[i, c])}); "
                         "hwcnn cannot compute it by thresholds")
