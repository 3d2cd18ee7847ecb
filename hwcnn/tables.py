"""hls4ml's tanh lookup table, computed as its C++ computes it (nnet_activation.h, hls4ml 1.3.0).

    init_tanh_table:  float in_val = 2 * 4.0 * (ii - float(N) / 2.0) / float(N);  // double ops, stored as float
                      table_t real_val = tanh(in_val);   // std::tanh(float), i.e. the C library's tanhf
    tanh (stream):    int data_round = x * N / 8;        // exact product; ap_fixed '/' truncates toward zero
                                                          // at x's lsb; operator int() toward zero, low 32 bits
                      int index = data_round + 4 * N / 8; // unsigned arithmetic, back into int
                      index = clamp(index, 0, N - 1); res = table[index];  // table_t assigned to res_T

So the table samples tanh at N points of [-4, 4) spaced 8/N apart, and the input is truncated
toward zero onto that grid (and clamped to it) before the lookup.

The last bits of tanhf differ between C libraries (glibc 2.36's is not correctly rounded; numpy's
float32 tanh differs from it too), so the table is built with the same tanhf that the compiled
C simulation calls.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

import numpy as np

from hwcnn.errors import HwcnnError
from hwcnn.fixed import FixedType, from_float
from hwcnn.fixed import trunc_div


@functools.cache
def _tanhf():
    name = ctypes.util.find_library("m")
    if name is None:
        raise HwcnnError("simulator: no C math library found (tanhf is needed for hls4ml's tanh table)")
    fn = ctypes.CDLL(name).tanhf
    fn.restype, fn.argtypes = ctypes.c_float, [ctypes.c_float]
    return fn


def tanh_points(n: int) -> np.ndarray:
    """The float32 inputs in_val of the n table entries."""
    ii = np.arange(n, dtype=np.float64)
    return (2 * 4.0 * (ii - float(np.float32(n)) / 2.0) / float(np.float32(n))).astype(np.float32)


@functools.lru_cache(maxsize=32)
def tanh_table(n: int, table_t: FixedType) -> np.ndarray:
    """Raw values (of table_t) of hls4ml's n-entry tanh table (read-only: it is cached)."""
    tanhf = _tanhf()
    vals = np.array([tanhf(float(v)) for v in tanh_points(n)], dtype=np.float32)
    table = from_float(vals.astype(np.float64), table_t)
    table.flags.writeable = False
    return table


def _wrap32(v: np.ndarray) -> np.ndarray:
    return (v + 2**31) % 2**32 - 2**31


def tanh_index(raw: np.ndarray, frac: int, n: int) -> np.ndarray:
    """Table index of each input value raw * 2^-frac (int64 array of the same shape)."""
    raw = np.asarray(raw, dtype=np.int64)
    scale_up, den = 1 << max(-frac, 0), 8 << max(frac, 0)
    if int(np.abs(raw).max(initial=0)) * n * scale_up >= 2**62:
        raw = raw.astype(object)  # Python integers: the C++ product is exact at any width
    data_round = _wrap32(trunc_div(raw * (n * scale_up), den))
    index = _wrap32(data_round + (4 * n % 2**32) // 8).astype(np.int64)
    return np.clip(index, 0, n - 1)


def tanh_lookup(raw: np.ndarray, frac: int, n: int, table_t: FixedType) -> np.ndarray:
    """The table entries (raw values of table_t) that hls4ml's tanh reads for these inputs."""
    return tanh_table(n, table_t)[tanh_index(raw, frac, n)]
