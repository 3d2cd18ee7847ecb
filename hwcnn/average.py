"""A global average over n positions (n not a power of two), rounded by its quantizer, exact.

The float average S / n of the QAT model has no fixed-point value, but its quantizer's output,
round(S / n) on the quantizer's grid, is an integer function of the sum S, and S takes finitely many
values. The hardware multiplies S by a reciprocal r = m / 2^k, adds half a result LSB and floors onto
the result grid; `fit_reciprocal` picks the narrowest r that gives the QAT model's value for every
sum the input can reach, checked by enumeration.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hwcnn.errors import HwcnnError
from hwcnn.fixed import FixedType

MAX_SUMS = 1 << 24   # sums enumerated at most
MAX_K = 48           # reciprocal fraction bits tried at most


@dataclass(frozen=True)
class Reciprocal:
    """y raw = saturate(floor((S raw * m + 2^(shift - 1)) / 2^shift)), S at the sum's grid."""

    m: int
    k: int        # r = m * 2^-k
    shift: int    # sum frac + k - result frac
    sums_checked: int

    @property
    def type(self) -> FixedType:
        width = max(1, self.m.bit_length())
        return FixedType(width, width - self.k, False)


def rounded_average(s: np.ndarray, n: int, sum_frac: int, out: FixedType) -> np.ndarray:
    """The QAT model's value: round half to even of (S * 2^-sum_frac) / n onto out's grid, saturated
    (exact integer arithmetic; float64 rounds S / n correctly and no reachable quotient lies within
    its error of a rounding boundary, so this is what PyTorch's float64 average and quantizer give)."""
    up, down = max(out.frac - sum_frac, 0), max(sum_frac - out.frac, 0)
    den = n << down
    s = np.asarray(s, dtype=np.int64)
    if int(np.abs(s).max(initial=0)) << (up + 1) >= 2**62:
        s = s.astype(object)  # Python integers: exact at any width
    q, r = np.divmod(s * (1 << up), den)
    q = q + ((2 * r > den) | ((2 * r == den) & (q % 2 == 1)))
    return np.clip(q, out.min_raw, out.max_raw).astype(np.int64)


def apply_reciprocal(s: np.ndarray, rec: Reciprocal, out: FixedType) -> np.ndarray:
    """What the hardware computes (the C++ in hwcnn_pooling.h), for raw sums s (any shape)."""
    return np.clip(unsaturated(s, rec), out.min_raw, out.max_raw)


def unsaturated(s: np.ndarray, rec: Reciprocal) -> np.ndarray:
    """floor(s * m / 2^k + half an lsb) on the result's grid, before it saturates."""
    s = np.asarray(s, dtype=np.int64)
    big = int(np.abs(s).max(initial=0)) * rec.m >= 2**62
    total = (s.astype(object) if big else s) * rec.m + (1 << (rec.shift - 1))
    return np.asarray(total >> rec.shift).astype(np.int64)


def fit_reciprocal(n: int, s_lo: int, s_hi: int, sum_frac: int, out: FixedType, where: str) -> Reciprocal:
    """The narrowest reciprocal that rounds every sum in [s_lo, s_hi] exactly as the QAT model does."""
    count = s_hi - s_lo + 1
    if count > MAX_SUMS:
        raise HwcnnError(f"{where}: its sum takes {count} values (more than {MAX_SUMS}); hwcnn proves a global "
                         "average's rounding by enumerating them: narrow the quantizer before it")
    s = np.arange(s_lo, s_hi + 1, dtype=np.int64)
    want = rounded_average(s, n, sum_frac, out)
    for k in range(1, MAX_K + 1):
        shift = sum_frac + k - out.frac
        if shift < 1:
            continue
        for m in sorted({round((1 << k) / n), (1 << k) // n + 1}):
            rec = Reciprocal(int(m), k, shift, count)
            if np.array_equal(apply_reciprocal(s, rec, out), want):
                return rec
    raise HwcnnError(f"{where}: no reciprocal of up to {MAX_K} bits rounds every average over {n} values as the "
                     "QAT model does (round half to even hits a tie the hardware's half-up rounding misses); use "
                     "an area whose odd part the sum's grid cannot reach a tie with, or a power-of-two area")


def reciprocal_of(attrs: dict) -> Reciprocal | None:
    if attrs.get("reciprocal_m") is None:
        return None
    return Reciprocal(int(attrs["reciprocal_m"]), int(attrs["reciprocal_k"]), int(attrs["reciprocal_shift"]), 0)
