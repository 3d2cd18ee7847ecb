"""A monotonic activation and its quantizer, exact, as thresholds on the accumulator (as FINN does).

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
