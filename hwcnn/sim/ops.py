"""Numeric kernels of the simulator: hls4ml's layer arithmetic on raw integers.

Every function takes and returns `Fx` values (raw int64 array + FixedType) and mirrors the
order of operations of hls4ml 1.3.0's C++ templates (nnet_dense_latency.h, nnet_conv2d_stream.h,
nnet_pooling_stream.h, nnet_activation_stream.h), because with saturating types the order of
casts decides the result. Each op also returns how many values overflowed in its casts.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from hwcnn.fixed import FixedType, Overflow, cast, trunc_div  # noqa: F401 - trunc_div: kernels use ops.trunc_div

# float64 (float32) represents every integer below 2^53 (2^24) exactly, so a dot product whose
# worst-case magnitude, partial sums included, stays below the bound is exact in float BLAS.
_FLOAT64_EXACT = 2**53
_FLOAT32_EXACT = 2**24


@dataclass
class Fx:
    """A tensor of fixed-point values: raw integers and their type (value = raw * 2^-frac)."""

    raw: np.ndarray
    type: FixedType

    def to_float(self) -> np.ndarray:
        return self.raw.astype(np.float64) * self.type.lsb


# A cast from a type of at most this many bits is one table lookup per value: the table holds the
# cast of every raw value the source type can hold (64K entries at most, cached per type pair).
TABLE_MAX_WIDTH = 16
_ELEMENTWISE = {"identity": lambda r: r, "relu": lambda r: np.maximum(r, 0)}


def cast_to(x: Fx, t: FixedType, fn: str = "identity") -> tuple[Fx, int]:
    """t(fn(x)) as the C++ assignment computes it, and how many values overflowed; `fn` names an
    elementwise map on the raw values applied first ("identity" or "relu")."""
    if fn == "identity" and x.type == t:  # raw values of t already: the assignment changes nothing
        return x, 0
    if x.type.width <= TABLE_MAX_WIDTH and x.raw.size >= 4 << x.type.width:
        values, count_over = _cast_table(x.type, t, fn)
        return Fx(values[x.raw], t), count_over(x.raw)  # negative raws index from the end: two's complement order
    raw, over = cast(_ELEMENTWISE[fn](x.raw), x.type.frac, t)
    return Fx(raw, t), int(np.count_nonzero(over))


@functools.lru_cache(maxsize=256)
def _cast_table(src: FixedType, t: FixedType, fn: str):
    """(values, count_over): t(fn(r)) for every raw r of src, indexed by r modulo 2^width, and a
    function that counts the overflowing values of a raw array."""
    index = np.arange(1 << src.width, dtype=np.int64)
    raw = index - (1 << src.width) * (index > src.max_raw)  # the raw value each index stands for
    values, over = cast(_ELEMENTWISE[fn](raw), src.frac, t)
    in_order = over[np.argsort(raw, kind="stable")]
    fits = np.flatnonzero(~in_order)
    if fits.size and not in_order[fits[0] : fits[-1] + 1].any():
        # monotone maps overflow only below one raw value and above another: two comparisons
        lo, hi = src.min_raw + int(fits[0]), src.min_raw + int(fits[-1])
        def count_over(r):
            return (int(np.count_nonzero(r < lo)) if lo > src.min_raw else 0) + \
                   (int(np.count_nonzero(r > hi)) if hi < src.max_raw else 0)
    else:
        def count_over(r):
            return int(np.count_nonzero(over[r]))
    return values, count_over


def exact_dtype(max_a: int, max_b: int, k: int):
    """The cheapest float type in which every partial sum of a k-term dot product is an exact
    integer (float32: below 2^24, float64: below 2^53), or int64 when no float is exact."""
    bound = max_a * max_b * k
    if bound < _FLOAT32_EXACT:
        return np.float32
    if bound < _FLOAT64_EXACT:
        return np.float64
    return np.int64


def exact_dot(a: np.ndarray, b: np.ndarray, dtype=None) -> np.ndarray:
    """Integer matrix product a @ b (int64), via float BLAS when a bound proves it exact.

    `dtype` is the proven-exact type when the caller knows it (a may already be of it)."""
    if dtype is None:
        dtype = exact_dtype(int(np.abs(a).max(initial=0)), int(np.abs(b).max(initial=0)), a.shape[-1])
    return (a.astype(dtype, copy=False) @ b.astype(dtype)).astype(np.int64)


def im2col(x: np.ndarray, fh: int, fw: int, sh: int, sw: int, dtype) -> np.ndarray:
    """[N, H, W, C] -> [N*OH*OW, fh*fw*C] in `dtype`, columns in hls4ml's kernel-buffer order
    (row, column, channel).

    Built column-major (one strided slice copy per kernel offset), so that the product with the
    narrow weight matrix runs as one wide BLAS call (about 5x faster than a row-major im2col)."""
    n, h, w, c = x.shape
    oh, ow = (h - fh) // sh + 1, (w - fw) // sw + 1
    cols = np.empty((fh, fw, c, n, oh, ow), dtype=dtype)
    for i in range(fh):
        for j in range(fw):
            cols[i, j] = x[:, i : i + sh * (oh - 1) + 1 : sh, j : j + sw * (ow - 1) + 1 : sw, :].transpose(3, 0, 1, 2)
    return cols.reshape(fh * fw * c, n * oh * ow).T


def sums_modularly(x_type: FixedType, w_type: FixedType, acc_t: FixedType) -> bool:
    """Products need no rounding in acc_t and acc_t wraps: wrapping is modular, so wrapping the
    exact total once equals wrapping after every addition, in any order. One exact matrix
    product then does the whole accumulation."""
    return acc_t.frac >= x_type.frac + w_type.frac and acc_t.overflow == Overflow.WRAP


def finish_sum(total: np.ndarray, x_type: FixedType, w_type: FixedType, bias: np.ndarray | None,
               b_type: FixedType | None, acc_t: FixedType) -> tuple[np.ndarray, int]:
    """The exact sum of products (raw at input+weight frac) plus the bias, wrapped into acc_t."""
    total = np.ascontiguousarray(total)
    shift = acc_t.frac - (x_type.frac + w_type.frac)
    if shift:
        total <<= shift
    if bias is not None:
        # NumPy broadcasts a short bias row slowly (an inner loop of F values): added tiled r times
        # to rows of r*F instead, this step of LeNet-5's conv1 fell from 113 to 39 ms per 10k images
        r = math.gcd(total.shape[0], 64)
        rows = total.reshape(total.shape[0] // r, r * total.shape[1])  # a view: total is contiguous
        rows += np.tile(cast(bias, b_type.frac, acc_t)[0], r)
    acc, over = cast(total, acc_t.frac, acc_t)
    return acc, int(np.count_nonzero(over))


def row_toeplitz(w: np.ndarray, in_w: int, sw: int, ow: int, dtype) -> np.ndarray:
    """Conv weights [fh, fw, C, F] as one matrix [fh*in_w*C, ow*F] that maps fh whole input rows
    to one output row: each output row is then one product with fh stacked input rows, which
    copies fw times less data than im2col (zeros in the matrix add nothing to exact sums)."""
    fh, fw, c, f = w.shape
    t = np.zeros((fh, in_w, c, ow, f), dtype=dtype)
    for o in range(ow):
        t[:, o * sw : o * sw + fw, :, o, :] = w
    return t.reshape(fh * in_w * c, ow * f)


def stacked_rows(x: np.ndarray, fh: int, sh: int, oh: int, dtype) -> np.ndarray:
    """[N, H, W, C] -> [N*oh, fh*W*C]: for each output row, the fh input rows it reads."""
    n, _, w, c = x.shape
    rows = np.empty((n, oh, fh, w, c), dtype=dtype)
    for i in range(fh):
        rows[:, :, i] = x[:, i : i + sh * (oh - 1) + 1 : sh]
    return rows.reshape(n * oh, fh * w * c)


def mac(x: np.ndarray, x_type: FixedType, w: np.ndarray, w_type: FixedType, bias: np.ndarray | None,
        b_type: FixedType | None, acc_t: FixedType, dtype=None) -> tuple[np.ndarray, int]:
    """dense_latency: acc = (accum_t)bias; acc += (accum_t)(x[i] * w[i, :]) for i in order.

    x: [M, K] raw, w: [K, F] raw -> accumulator raw [M, F] at acc_t.frac, and the overflow count.
    `dtype`: see exact_dot.
    """
    if sums_modularly(x_type, w_type, acc_t):
        return finish_sum(exact_dot(x, w, dtype), x_type, w_type, bias, b_type, acc_t)
    # General case (saturating or rounding accumulator): the C++ order, input by input.
    prod_frac = x_type.frac + w_type.frac
    if bias is None:
        bias_acc = np.zeros(w.shape[1], dtype=np.int64)
    else:
        bias_acc, _ = cast(bias, b_type.frac, acc_t)
    acc = np.broadcast_to(bias_acc, (x.shape[0], w.shape[1])).copy()
    n_over = 0
    for i in range(x.shape[1]):
        p, o1 = cast(x[:, i : i + 1].astype(np.int64) * w[i][None, :], prod_frac, acc_t)
        acc, o2 = cast(acc + p, acc_t.frac, acc_t)
        n_over += int(np.count_nonzero(o1)) + int(np.count_nonzero(o2))
    return acc, n_over


def pool_windows(x: np.ndarray, fh: int, fw: int, sh: int, sw: int) -> list[np.ndarray]:
    """The fh*fw strided views [N, OH, OW, C] of a pooling window, in row-major window order."""
    _, h, w, _ = x.shape
    oh, ow = (h - fh) // sh + 1, (w - fw) // sw + 1
    return [x[:, i : i + sh * (oh - 1) + 1 : sh, j : j + sw * (ow - 1) + 1 : sw, :] for i in range(fh) for j in range(fw)]


def pad_hw(x: np.ndarray, top: int, bottom: int, left: int, right: int, value: int = 0) -> np.ndarray:
    if top or bottom or left or right:
        return np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=value)
    return x


def tree_reduce(vals: list[np.ndarray], op, t: FixedType) -> tuple[np.ndarray, int]:
    """nnet::reduce: a balanced binary tree over N values (left half, right half), cast to t at each node."""
    if len(vals) == 1:
        return vals[0], 0
    if op is np.maximum:  # the maximum of values of t is one of them: every cast is a no-op, any order
        return functools.reduce(np.maximum, vals), 0
    if len(vals) == 2:
        r, over = cast(op(vals[0], vals[1]), t.frac, t)
        return r, int(np.count_nonzero(over))
    left_n = _left_size(len(vals))
    a, oa = tree_reduce(vals[:left_n], op, t)
    b, ob = tree_reduce(vals[left_n:], op, t)
    r, over = cast(op(a, b), t.frac, t)
    return r, oa + ob + int(np.count_nonzero(over))


def _left_size(n: int) -> int:
    """nnet_common.h: reduce splits N into leftN = pow2(floorlog2(N - 1)) and the rest."""
    p = 1
    while p * 2 <= n - 1:
        p *= 2
    return p
