"""Numeric kernels of the simulator: hls4ml's layer arithmetic on raw integers.

Every function takes and returns `Fx` values (raw int64 array + FixedType) and mirrors the
order of operations of hls4ml 1.3.0's C++ templates (nnet_dense_latency.h, nnet_conv2d_stream.h,
nnet_pooling_stream.h, nnet_activation_stream.h), because with saturating types the order of
casts decides the result. Each op also returns how many values overflowed in its casts.
"""

from __future__ import annotations

import functools
import math
import numpy as np

from hwcnn.fixed import FixedType, Overflow, Rounding, cast, trunc_div  # noqa: F401 - trunc_div: kernels use ops.trunc_div

# float64 (float32) represents every integer below 2^53 (2^24) exactly, so a dot product whose
# worst-case magnitude, partial sums included, stays below the bound is exact in float BLAS.
_FLOAT64_EXACT = 2**53
FLOAT32_EXACT = 2**24


class Fx:
    """A tensor of fixed-point values: raw integers and their type (value = raw * 2^-frac).

    `raw` is int64. A kernel may hand over the same integers held in float32 instead (`Fx.exact32`:
    every value an integer below 2^24 in magnitude, so float32 holds it exactly): the next BLAS
    product, cast or max pool then reads them without a conversion pass, and `raw` converts on
    first use. Which carrier a tensor has never changes its values."""

    __slots__ = ("_raw", "_f32", "type")

    def __init__(self, raw: np.ndarray, type: FixedType):
        self._raw, self._f32, self.type = raw, None, type

    @classmethod
    def exact32(cls, f32: np.ndarray, type: FixedType) -> "Fx":
        x = cls(None, type)
        x._f32 = f32
        return x

    @property
    def raw(self) -> np.ndarray:
        if self._raw is None:
            self._raw = self._f32.astype(np.int64)
        return self._raw

    @property
    def f32(self) -> np.ndarray | None:
        """The float32 carrier, when the tensor has one."""
        return self._f32

    def relayout(self, fn=None, type: FixedType | None = None) -> "Fx":
        """The same values rearranged by `fn` (a reshape, transpose or padding) and/or seen as values
        of `type`, carrier kept."""
        fn, type = fn or (lambda a: a), type or self.type
        return Fx(fn(self._raw), type) if self._f32 is None else Fx.exact32(fn(self._f32), type)

    def to_float(self) -> np.ndarray:
        return self.raw.astype(np.float64) * self.type.lsb


def type_bound(t: FixedType) -> int:
    """The largest magnitude of a raw value of t."""
    return max(-t.min_raw, t.max_raw)


# A cast from a type of at most this many bits is one table lookup per value: the table holds the
# cast of every raw value the source type can hold (64K entries at most, cached per type pair).
TABLE_MAX_WIDTH = 16
_ELEMENTWISE = {"identity": lambda r: r, "relu": lambda r: np.maximum(r, 0)}


def cast_to(x: Fx, t: FixedType, fn: str = "identity") -> tuple[Fx, int]:
    """t(fn(x)) as the C++ assignment computes it, and how many values overflowed; `fn` names an
    elementwise map on the raw values applied first ("identity" or "relu")."""
    if fn == "identity" and holds(t, x.type):  # every value of x's type is one of t: nothing changes
        return (x if x.type == t else x.relayout(type=t)), 0
    if x.f32 is not None:
        done = _cast_exact32(x, t, fn)
        if done is not None:
            return done
    if x.type.width <= TABLE_MAX_WIDTH and x.raw.size >= 4 << x.type.width:
        values, count_over = _cast_table(x.type, t, fn)
        return Fx(values[x.raw], t), count_over(x.raw)  # negative raws index from the end: two's complement order
    raw, over = cast(_ELEMENTWISE[fn](x.raw), x.type.frac, t)
    return Fx(raw, t), int(np.count_nonzero(over))


def _saturation_range(t: FixedType) -> tuple[int, int]:
    """The raw values a cast into t leaves alone (SAT_SYM keeps -max as its least value)."""
    sym = t.overflow == Overflow.SAT_SYM and t.signed and t.width > 1 and not t.is_int
    return (-t.max_raw if sym else t.min_raw), t.max_raw


def holds(t: FixedType, s: FixedType) -> bool:
    """Every value of s is a value of t that a cast into t leaves alone (same grid, range inside)."""
    lo, hi = _saturation_range(t)
    return s.frac == t.frac and lo <= s.min_raw and s.max_raw <= hi


def _floor_half_up(v, out):
    return np.floor(np.add(v, np.float32(0.5), out=out), out=out)


def _ceil_half_down(v, out):
    return np.ceil(np.subtract(v, np.float32(0.5), out=out), out=out)


# rounding of v = raw * 2^-shift to an integer, in float32, per ap_fixed mode (the ones hwcnn's types
# use; the others take the int64 path); each adds at most half an lsb (see _cast_exact32)
_ROUND32 = {Rounding.TRN: np.floor, Rounding.TRN_ZERO: np.trunc, Rounding.RND_CONV: np.rint,
            Rounding.RND: _floor_half_up, Rounding.RND_MIN_INF: _ceil_half_down}


def _cast_exact32(x: Fx, t: FixedType, fn: str) -> tuple[Fx, int] | None:
    """cast_to on the float32 carrier, or None where it would not be exact or is not written here
    (wrapping values, SAT_ZERO, integer targets, other rounding modes): the int64 path then runs.

    Scaling by a power of two is exact in float32; floor, trunc and rint are exact; adding half an
    lsb is exact while the value's bits and that half fit in float32's 24 (checked)."""
    s = x.type
    if fn not in ("identity", "relu") or t.is_int or t.overflow == Overflow.SAT_ZERO or t.rounding not in _ROUND32:
        return None
    if type_bound(s) >= FLOAT32_EXACT >> 1 or type_bound(t) >= FLOAT32_EXACT >> 1:
        return None
    shift = s.frac - t.frac  # right shift: v = raw * 2^-shift
    if shift > 0 and max(type_bound(s).bit_length(), shift) + 1 > 24:
        return None
    src = x.f32
    v = src * np.float32(2.0**-shift) if shift else src
    if shift > 0:
        v = _ROUND32[t.rounding](v, out=v)
    lo, hi = _saturation_range(t)
    if fn == "relu":
        # rounding is monotone and keeps 0, so t(relu(x)) = clip(round(x), 0, hi) as lo <= 0; only
        # values above hi overflow (the negative ones became 0)
        above = int(np.count_nonzero(v > hi))
        if above and t.overflow == Overflow.WRAP:
            return None
        return Fx.exact32(np.clip(v, np.float32(0), np.float32(hi), out=None if v is src else v), t), above
    if v.size == 0 or (lo <= v.min() and v.max() <= hi):
        return Fx.exact32(v, t), 0
    if t.overflow == Overflow.WRAP:
        return None
    n_over = int(np.count_nonzero(v < lo)) + int(np.count_nonzero(v > hi))
    return Fx.exact32(np.clip(v, lo, hi, out=None if v is src else v), t), n_over


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
    if bound < FLOAT32_EXACT:
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
    if fh == fw == sh == sw == 1:  # a pointwise convolution reads each pixel once: no copy
        return x.astype(dtype, copy=False).reshape(n * h * w, c)
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
               b_type: FixedType | None, acc_t: FixedType, bound: int | None = None,
               sums: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[Fx, int]:
    """The exact sum of products (raw at input+weight frac, integers in any dtype) plus the bias,
    wrapped into acc_t.

    A float32 `total` whose magnitudes stay below `bound` is finished in float32 when the shifted
    sum plus the bias stays exact there, and kept so when nothing wraps (hwcnn's lossless types).
    `sums`: the least and greatest sum each column can take; when they prove that nothing wraps,
    the values are not scanned for it."""
    total = np.ascontiguousarray(total)
    shift = acc_t.frac - (x_type.frac + w_type.frac)
    b = None if bias is None else cast(bias, b_type.frac, acc_t)[0]
    b_max = 0 if b is None else int(np.abs(b).max(initial=0))
    if total.dtype == np.float32 and bound is not None and (bound << shift) + b_max < FLOAT32_EXACT:
        if shift:
            total *= np.float32(2**shift)
        if b is not None:
            _add_row(total, b.astype(np.float32))
        if sums is not None:
            lo, hi = ((s << shift) + (0 if b is None else b) for s in sums)
            if acc_t.min_raw <= lo.min(initial=0) and hi.max(initial=0) <= acc_t.max_raw:
                return Fx.exact32(total, acc_t), 0
        if total.size == 0 or (acc_t.min_raw <= total.min() and total.max() <= acc_t.max_raw):
            return Fx.exact32(total, acc_t), 0
        acc, over = cast(total.astype(np.int64), acc_t.frac, acc_t)
        return Fx(acc, acc_t), int(np.count_nonzero(over))
    total = total.astype(np.int64, copy=False)
    if shift:
        total <<= shift
    if b is not None:
        _add_row(total, b)
    acc, over = cast(total, acc_t.frac, acc_t)
    return Fx(acc, acc_t), int(np.count_nonzero(over))


def _add_row(total: np.ndarray, row: np.ndarray) -> None:
    """total[i, :] += row for every i, in place (total contiguous).

    NumPy broadcasts a short row slowly (an inner loop of F values): added tiled r times to rows
    of r*F instead, this step of LeNet-5's conv1 fell from 113 to 39 ms per 10k images."""
    r = math.gcd(total.shape[0], 64)
    rows = total.reshape(total.shape[0] // r, r * total.shape[1])  # a view: total is contiguous
    rows += np.tile(row, r)


def toeplitz_block(ow: int, fw: int) -> int:
    """Output columns per block-Toeplitz product: the widest block that divides the output row and
    stays under 2 filter widths (so the matrix is at least a third non-zero), or 0 when only
    single columns fit (im2col then)."""
    fits = [b for b in range(2, min(ow, 2 * fw - 1) + 1) if ow % b == 0]
    return max(fits, default=0)


def block_toeplitz(w: np.ndarray, bw: int, sw: int, dtype) -> np.ndarray:
    """Conv weights [fh, fw, C, F] as one matrix [fh*iw*C, bw*F] that maps the fh input rows of a
    block of bw output columns (iw input columns) to those outputs: each output block is then one
    product with fh row pieces, which copies fewer values than im2col, while the zeros of the
    matrix (they add nothing to exact sums) stay at most two thirds of it."""
    fh, fw, c, f = w.shape
    iw = (bw - 1) * sw + fw
    t = np.zeros((fh, iw, c, bw, f), dtype=dtype)
    for o in range(bw):
        t[:, o * sw : o * sw + fw, :, o, :] = w
    return t.reshape(fh * iw * c, bw * f)


def block_rows(x: np.ndarray, fh: int, fw: int, sh: int, sw: int, oh: int, ow: int, bw: int, dtype) -> np.ndarray:
    """[N, H, W, C] -> [N*oh*(ow/bw), fh*iw*C]: for each block of bw output columns of each output
    row, the fh pieces of input rows it reads."""
    n, _, _, c = x.shape
    iw, nb = (bw - 1) * sw + fw, ow // bw
    out = np.empty((n, oh, nb, fh, iw, c), dtype=dtype)
    for i in range(fh):
        for b in range(nb):
            out[:, :, b, i] = x[:, i : i + sh * (oh - 1) + 1 : sh, b * bw * sw : b * bw * sw + iw]
    return out.reshape(n * oh * nb, fh * iw * c)


def mac(x: np.ndarray, x_type: FixedType, w: np.ndarray, w_type: FixedType, bias: np.ndarray | None,
        b_type: FixedType | None, acc_t: FixedType, dtype=None, bound: int | None = None,
        sums: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[Fx, int]:
    """dense_latency: acc = (accum_t)bias; acc += (accum_t)(x[i] * w[i, :]) for i in order.

    x: [M, K] raw, w: [K, F] raw -> the accumulator [M, F] (of acc_t), and the overflow count.
    `dtype`, `bound`, `sums`: the proven-exact type of the product, the bound of its magnitudes
    (see exact_dtype) and its range per column; a float32 product is finished in float32 (finish_sum).
    """
    if sums_modularly(x_type, w_type, acc_t):
        if dtype == np.float32 and bound is not None:
            total = x.astype(dtype, copy=False) @ w.astype(dtype)
            return finish_sum(total, x_type, w_type, bias, b_type, acc_t, bound, sums)
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
    return Fx(acc, acc_t), n_over


def pool_windows(x: np.ndarray, fh: int, fw: int, sh: int, sw: int) -> list[np.ndarray]:
    """The fh*fw strided views [N, OH, OW, C] of a pooling window, in row-major window order."""
    _, h, w, _ = x.shape
    oh, ow = (h - fh) // sh + 1, (w - fw) // sw + 1
    return [x[:, i : i + sh * (oh - 1) + 1 : sh, j : j + sw * (ow - 1) + 1 : sw, :] for i in range(fh) for j in range(fw)]


def max_pool(x: np.ndarray, fh: int, fw: int, sh: int, sw: int) -> np.ndarray:
    """The maximum of every pooling window of x [N, H, W, C]. A maximum is one of the values, so
    no cast changes it and any order gives it: taken over the window's rows first (long contiguous
    runs), then over its columns, which reads far less than fh*fw strided views."""
    _, h, w, _ = x.shape
    oh, ow = (h - fh) // sh + 1, (w - fw) // sw + 1
    rows = x[:, : sh * (oh - 1) + 1 : sh]
    for i in range(1, fh):
        rows = np.maximum(rows, x[:, i : i + sh * (oh - 1) + 1 : sh])
    out = rows[:, :, : sw * (ow - 1) + 1 : sw]
    for j in range(1, fw):
        out = np.maximum(out, rows[:, :, j : j + sw * (ow - 1) + 1 : sw])
    return np.ascontiguousarray(out)


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
