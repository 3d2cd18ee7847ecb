"""Fixed-point types and Xilinx ap_fixed / ap_ufixed / ap_int arithmetic on raw integers.

A value is a raw int64 array plus its type: value = raw * 2**-type.frac. Conversions reproduce
the ap_types headers that hls4ml ships (templates/vivado/ap_types) bit for bit; the tests check
every rounding and overflow mode against those headers compiled with g++ (hwcnn.aptest).

What the headers do, in the terms used here (all verified against them):
- A conversion first rounds the exact source value to the target's lsb, then handles overflow of
  the rounded value on the target's width. Rounding that carries past the maximum (7.5 rounded
  into a 4-bit integer) therefore overflows and is saturated or wrapped like any other overflow.
- TRN is floor, TRN_ZERO truncates toward zero, RND breaks ties toward +inf, RND_ZERO toward zero,
  RND_INF away from zero, RND_MIN_INF toward -inf, RND_CONV to even.
- WRAP keeps the low `width` bits (sign-extended when signed); SAT clips to [min, max]; SAT_ZERO
  gives 0 on overflow; SAT_SYM clips signed types to [-max, max] (so the exact minimum becomes
  -max), except for width 1, where it behaves like SAT; unsigned SAT_SYM is SAT.
- `integer` may be negative or larger than `width` (ap_ufixed<4,-2> holds 0..15/64).
- ap_int / ap_uint (hls4ml int<W> / uint<W>) have no modes: assignment truncates toward zero
  like C and wraps. From a double, a negative value in (-0.5, 0) becomes +1 (a header bug).
  From an ap_fixed source with integer bits <= 0 the headers are wrong too (-0.5 in
  ap_fixed<4,0> becomes -1; with integer bits < 0 the result is uninitialised): that depends on
  the source type, not on the value, so `cast` cannot model it. Don't generate such code.
- The C simulation aborts (an assertion in ap_private::get_bit) when a conversion with any
  rounding but TRN drops more fraction bits than the source is wide (target frac < source frac
  - source width). `cast` returns the mathematically rounded value there.

Supported range: widths 1..62 and |integer| <= 512; raw inputs are any int64 and the source
fraction bits any integer (shifts of any length are exact). Outside, ValueError.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import Enum

import numpy as np

MAX_WIDTH = 62  # every raw value and every intermediate of `cast` stays inside int64
MAX_INTEGER = 512  # keeps lsb and range exact powers of two in float64


class Rounding(str, Enum):
    TRN = "TRN"
    TRN_ZERO = "TRN_ZERO"
    RND = "RND"
    RND_ZERO = "RND_ZERO"
    RND_INF = "RND_INF"
    RND_MIN_INF = "RND_MIN_INF"
    RND_CONV = "RND_CONV"


class Overflow(str, Enum):
    WRAP = "WRAP"
    SAT = "SAT"
    SAT_ZERO = "SAT_ZERO"
    SAT_SYM = "SAT_SYM"


@dataclass(frozen=True)
class FixedType:
    """An ap_fixed (signed) or ap_ufixed type; with is_int, an ap_int / ap_uint.

    is_int matters only for conversions into the type: ap_int truncates toward zero and wraps,
    whatever its (default) modes say. It requires integer == width.
    """

    width: int
    integer: int
    signed: bool = True
    rounding: Rounding = Rounding.TRN
    overflow: Overflow = Overflow.WRAP
    is_int: bool = False

    def __post_init__(self) -> None:
        for name in ("width", "integer"):
            value = getattr(self, name)
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
                raise ValueError(f"fixed-point {name} must be an int, got {value!r}")
            object.__setattr__(self, name, int(value))
        object.__setattr__(self, "rounding", _mode(Rounding, self.rounding))
        object.__setattr__(self, "overflow", _mode(Overflow, self.overflow))
        object.__setattr__(self, "signed", bool(self.signed))
        if not 1 <= self.width <= MAX_WIDTH:
            raise ValueError(f"fixed-point width {self.width} outside the supported 1..{MAX_WIDTH}")
        if abs(self.integer) > MAX_INTEGER:
            raise ValueError(
                f"fixed-point integer bits {self.integer} outside the supported "
                f"-{MAX_INTEGER}..{MAX_INTEGER}"
            )
        if self.is_int and (
            self.integer != self.width
            or self.rounding != Rounding.TRN
            or self.overflow != Overflow.WRAP
        ):
            raise ValueError("an integer type needs integer == width and no modes")

    @property
    def frac(self) -> int:
        return self.width - self.integer

    @property
    def min_raw(self) -> int:
        return -(1 << (self.width - 1)) if self.signed else 0

    @property
    def max_raw(self) -> int:
        return (1 << (self.width - self.signed)) - 1

    @property
    def lsb(self) -> float:
        return 2.0**-self.frac

    @classmethod
    def parse(cls, text: str) -> FixedType:
        """Read an hls4ml precision string ("fixed<8,3,RND,SAT>", "uint<4>") or an ap type.

        hls4ml may append a saturation-bits count; only 0 means what these types model.
        """
        match = _TYPE_PATTERN.fullmatch(text.strip())
        if not match:
            raise ValueError(f"not a fixed-point type: {text!r} (expected e.g. fixed<16,6>)")
        unsigned, kind, body = match.group(2) == "u", match.group(3), match.group(4)
        args = [a.strip() for a in body.split(",")]
        try:
            if kind == "int":
                if len(args) != 1:
                    raise ValueError("an integer type takes only a width")
                width = _int_arg(args[0])
                return cls(width, width, not unsigned, is_int=True)
            if not 2 <= len(args) <= 5:
                raise ValueError("expected <width,integer[,rounding[,overflow[,sat_bits]]]>")
            if len(args) == 5 and _int_arg(args[4]) != 0:
                raise ValueError("saturation bits other than 0 are not supported")
            modes = [m.upper().removeprefix("AP_") for m in args[2:4]]
            return cls(_int_arg(args[0]), _int_arg(args[1]), not unsigned, *modes)
        except ValueError as err:
            raise ValueError(f"bad fixed-point type {text!r}: {err}") from None

    def hls4ml(self) -> str:
        """hls4ml's spelling, default modes left out: "fixed<8,3,RND_CONV,SAT>"."""
        sign = "" if self.signed else "u"
        if self.is_int:
            return f"{sign}int<{self.width}>"
        return f"{sign}fixed<{','.join(self._args(''))}>"

    def ap(self) -> str:
        """The C++ type: "ap_fixed<8,3,AP_RND_CONV,AP_SAT>"."""
        sign = "" if self.signed else "u"
        if self.is_int:
            return f"ap_{sign}int<{self.width}>"
        return f"ap_{sign}fixed<{','.join(self._args('AP_'))}>"

    def _args(self, prefix: str) -> list[str]:
        args = [str(self.width), str(self.integer)]
        if self.rounding != Rounding.TRN or self.overflow != Overflow.WRAP:
            args.append(prefix + self.rounding.value)
        if self.overflow != Overflow.WRAP:
            args.append(prefix + self.overflow.value)
        return args

    def __str__(self) -> str:
        return self.hls4ml()


_TYPE_PATTERN = re.compile(r"(ap_)?(u?)(fixed|int)<([^<>]*)>")


def _int_arg(text: str) -> int:
    if not re.fullmatch(r"-?[0-9]+", text):
        raise ValueError(f"{text!r} is not an integer")
    return int(text)


def _mode(enum: type[Enum], value):
    try:
        return enum(value)
    except ValueError:
        names = ", ".join(m.value for m in enum)
        kind = enum.__name__.lower()
        raise ValueError(f"unknown {kind} mode {value!r} (one of {names})") from None


def cast(raw, frac_in: int, t: FixedType) -> tuple[np.ndarray, np.ndarray]:
    """Convert the values raw * 2**-frac_in to t as ap_fixed assignment does.

    Returns (raw values of t, overflowed), where overflowed marks values whose rounded value was
    outside t's range (for signed SAT_SYM: [-max, max]), i.e. changed by overflow handling.
    """
    return _cast(_as_int64(raw), np.int64(int(frac_in) - t.frac), t)


def on_grid(x: np.ndarray, t: FixedType) -> np.ndarray | None:
    """x * 2^t.frac (float64) when every value of x is already a value of t (on its grid, in its
    range: nothing to round or wrap), else None."""
    with np.errstate(over="ignore"):  # huge values become inf and fail the checks
        scaled = np.ldexp(x, t.frac)  # exact: a power-of-two scaling
    if (x.size and np.abs(scaled).max() < 2.0**53 and np.array_equal(scaled, np.floor(scaled))
            and scaled.min() >= t.min_raw and scaled.max() <= t.max_raw):
        return scaled
    return None


def from_float(x, t: FixedType) -> np.ndarray:
    """Raw values of t for float64 values, as the ap_fixed / ap_int constructor from double."""
    x = np.asarray(x, dtype=np.float64)
    if not np.isfinite(x).all():
        raise ValueError("NaN or infinity has no fixed-point value")
    scaled = on_grid(x, t)
    if scaled is not None:
        return scaled.astype(np.int64)
    mantissa, exponent = np.frexp(x)  # x = mantissa * 2**exponent, 0.5 <= |mantissa| < 1
    raw = np.ldexp(mantissa, 53).astype(np.int64)  # exact: a double has 53 significant bits
    out, _ = _cast(raw, (53 - exponent.astype(np.int64)) - t.frac, t)
    if t.is_int:
        # ap_int_base(double) sets -1 for |x| < 0.5 and then negates the magnitude.
        out = np.where((x < 0) & (x > -0.5), _wrap(np.ones_like(out), t), out)
    return out


def to_float(raw, t: FixedType) -> np.ndarray:
    """float64 values; exact while |raw| < 2**53 (always for widths up to 53)."""
    return np.ldexp(_as_int64(raw).astype(np.float64), -t.frac)


def trunc_div(a: np.ndarray, n: int) -> np.ndarray:
    """Integer division rounding toward zero, as ap_int's operator/ does."""
    q = np.abs(a) // n
    return np.where(a < 0, -q, q)


def type_for_range(lo: float, hi: float, frac: int) -> FixedType:
    """The narrowest fixed type with `frac` fractional bits that holds [lo, hi] exactly."""
    rlo, rhi = lo * 2.0**frac, hi * 2.0**frac
    if rlo != math.floor(rlo) or rhi != math.floor(rhi):
        raise ValueError(f"internal: range [{lo}, {hi}] is not on a 2^-{frac} grid")
    rlo, rhi = int(rlo), int(rhi)
    if rlo < 0:
        width = max(_bits_signed(rlo), _bits_signed(rhi))
        return FixedType(width, width - frac, True, Rounding.TRN, Overflow.WRAP)
    width = max(1, rhi.bit_length())
    return FixedType(width, width - frac, False, Rounding.TRN, Overflow.WRAP)


def _bits_signed(v: int) -> int:
    """Bits of a two's-complement integer that holds v."""
    return (v.bit_length() + 1) if v >= 0 else ((-v - 1).bit_length() + 1)


def mult_type(a: FixedType, b: FixedType) -> FixedType:
    """The full-precision type of a * b in ap_fixed (RType::mult)."""
    return FixedType(a.width + b.width, a.integer + b.integer, a.signed or b.signed)


def plus_type(a: FixedType, b: FixedType) -> FixedType:
    """The full-precision type of a + b in ap_fixed (RType::plus)."""
    # An unsigned operand needs one more integer bit to fit a signed result.
    integer = max(a.integer + (b.signed and not a.signed), b.integer + (a.signed and not b.signed))
    integer += 1
    return FixedType(integer + max(a.frac, b.frac), integer, a.signed or b.signed)


def mul(a, ta: FixedType, b, tb: FixedType) -> tuple[np.ndarray, FixedType]:
    """Exact product of raw values of ta and tb, in mult_type(ta, tb)."""
    t = mult_type(ta, tb)
    return _as_int64(a) * _as_int64(b), t


def add(a, ta: FixedType, b, tb: FixedType) -> tuple[np.ndarray, FixedType]:
    """Exact sum of raw values of ta and tb, in plus_type(ta, tb)."""
    t = plus_type(ta, tb)
    return (_as_int64(a) << (t.frac - ta.frac)) + (_as_int64(b) << (t.frac - tb.frac)), t


def _as_int64(raw) -> np.ndarray:
    raw = np.asarray(raw)
    if raw.dtype.kind not in "iu":
        raise ValueError(f"raw fixed-point values must be integers, got dtype {raw.dtype}")
    if raw.dtype == np.uint64 and (raw > np.iinfo(np.int64).max).any():
        raise ValueError("raw fixed-point values must fit in int64")
    return raw.astype(np.int64, copy=False)


def _cast(raw: np.ndarray, shift, t: FixedType) -> tuple[np.ndarray, np.ndarray]:
    """Convert raw * 2**-(t.frac + shift) to t; `shift` may be one number or one per element."""
    rounding, overflow = t.rounding, t.overflow
    if t.is_int:
        rounding, overflow = Rounding.TRN_ZERO, Overflow.WRAP
    hi = t.max_raw
    lo = -hi if overflow == Overflow.SAT_SYM and t.signed and t.width > 1 else t.min_raw
    if np.ndim(shift) == 0:
        fast = _cast_uniform(raw, int(shift), rounding, overflow, t.width, lo, hi)
        if fast is not None:
            return fast

    right = shift > 0
    if np.all(right):
        value, above, below = _shift_right(raw, shift, rounding, lo, hi)
    elif not np.any(right):
        value, above, below = _shift_left(raw, -shift, lo, hi)
    else:
        from_right = _shift_right(raw, np.where(right, shift, 1), rounding, lo, hi)
        from_left = _shift_left(raw, np.where(right, 0, -shift), lo, hi)
        value, above, below = (np.where(right, r, l) for r, l in zip(from_right, from_left))

    overflowed = above | below
    if overflow == Overflow.WRAP:
        out = _wrap(value, t)
    elif overflow == Overflow.SAT_ZERO:
        out = np.where(overflowed, 0, value)
    else:  # SAT, SAT_SYM
        out = np.where(above, hi, np.where(below, lo, value))
    return out.astype(np.int64), overflowed


def _cast_uniform(raw: np.ndarray, shift: int, rounding: Rounding, overflow: Overflow, width: int,
                  lo: int, hi: int):
    """The simulator's hot path: one shift for every value. Rounding is one add and one shift
    (the add carries exactly the dropped bits that round up), overflow one clip or mask; a few
    passes over the data instead of a dozen. Returns None for shifts near the int64 limits, which
    the general path handles."""
    if raw.size == 0:
        return None
    rmin, rmax = int(raw.min()), int(raw.max())
    if max(rmax, -rmin).bit_length() + max(-shift, 1) > 62 or shift > 61:
        return None
    if shift > 0:
        value, vmin, vmax = (_round_uniform(v, shift, rounding) for v in (raw, rmin, rmax))
    elif shift < 0:
        value, vmin, vmax = raw << -shift, rmin << -shift, rmax << -shift
    else:
        value, vmin, vmax = raw, rmin, rmax
    if lo <= vmin and vmax <= hi:  # rounding is monotone: the extremes bound every value
        return value, np.zeros(value.shape, dtype=bool)
    overflowed = (value > hi) | (value < lo)
    if overflow == Overflow.WRAP:
        out = ((value - lo) & ((1 << width) - 1)) + lo
    elif overflow == Overflow.SAT_ZERO:
        out = np.where(overflowed, 0, value)
    else:  # SAT, SAT_SYM (lo already -max for SAT_SYM)
        out = np.clip(value, lo, hi)
    return out, overflowed


def _round_uniform(raw, shift: int, rounding: Rounding):
    """raw * 2**-shift rounded per mode, for arrays or Python ints: floor((raw + carry) / 2**shift)
    where carry rounds up exactly the remainders that the mode rounds up."""
    half = 1 << (shift - 1)
    if rounding == Rounding.TRN:
        carry = 0
    elif rounding == Rounding.RND:  # ties toward +inf
        carry = half
    elif rounding == Rounding.RND_MIN_INF:  # ties toward -inf
        carry = half - 1
    elif rounding == Rounding.RND_CONV:  # ties to even: carry one more when the kept lsb is odd
        carry = half - 1 + ((raw >> shift) & 1)
    elif rounding == Rounding.RND_ZERO:  # ties toward zero: up for negatives only
        carry = half - 1 + (raw < 0)
    elif rounding == Rounding.RND_INF:  # ties away from zero: up for positives only
        carry = half - 1 + (raw >= 0)
    else:  # TRN_ZERO: truncate toward zero, i.e. ceil for negatives
        carry = ((1 << shift) - 1) * (raw < 0)
    return (raw + carry) >> shift


def _shift_right(raw, shift, rounding: Rounding, lo: int, hi: int):
    """(value, above, below): rounded to t's lsb, the value is far inside int64."""
    value = _round(raw, shift, rounding)
    return value, value > hi, value < lo


def _shift_left(raw, shift, lo: int, hi: int):
    """(value, above, below) for an exact left shift that may pass int64.

    value is exact where it fits and holds the low 64 bits otherwise (enough to wrap); the range
    checks compare raw with the limits shifted down instead.
    """
    shift = np.minimum(shift, 63)  # 63 already moves every nonzero raw out of range
    value = (raw.view(np.uint64) << shift.astype(np.uint64)).view(np.int64)
    return value, raw > (hi >> shift), raw < -((-lo) >> shift)


def _round(raw: np.ndarray, shift: np.ndarray, rounding: Rounding) -> np.ndarray:
    """raw * 2**-shift rounded to an integer, for shift >= 1."""
    # Fold shifts past 62 bits into a sticky bit 0: every shift below is then at most 62.
    extra = np.maximum(shift - 62, 0)
    if np.any(extra > 0):
        folded = (raw >> np.minimum(extra, 63)) | _low_bits_nonzero(raw, extra)
        raw, shift = np.where(extra > 0, folded, raw), shift - extra

    floor = raw >> shift
    guard = ((raw >> (shift - 1)) & 1).astype(bool)  # first dropped bit: the half lsb
    sticky = _low_bits_nonzero(raw, shift - 1)  # any dropped bit below it
    neg = raw < 0
    if rounding == Rounding.TRN:
        up = False
    elif rounding == Rounding.TRN_ZERO:
        up = neg & (guard | sticky)
    elif rounding == Rounding.RND:
        up = guard
    elif rounding == Rounding.RND_ZERO:
        up = guard & (neg | sticky)
    elif rounding == Rounding.RND_INF:
        up = guard & (~neg | sticky)
    elif rounding == Rounding.RND_MIN_INF:
        up = guard & sticky
    else:  # RND_CONV
        up = guard & ((floor & 1).astype(bool) | sticky)
    return floor + up


def _low_bits_nonzero(raw: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Whether any of the n lowest bits of raw (sign-extended without end) is set."""
    mask = (np.uint64(1) << np.minimum(n, 63).astype(np.uint64)) - np.uint64(1)
    return np.where(n >= 64, raw != 0, (raw.view(np.uint64) & mask) != 0)


def _wrap(value: np.ndarray, t: FixedType) -> np.ndarray:
    """The low t.width bits of value, sign-extended when t is signed."""
    bits = value.view(np.uint64)
    if t.signed:
        spare = np.uint64(64 - t.width)
        return (bits << spare).view(np.int64) >> np.int64(64 - t.width)
    return (bits & np.uint64((1 << t.width) - 1)).view(np.int64)
