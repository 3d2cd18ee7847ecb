"""Fuzzing hwcnn.fixed against ap_fixed compiled from the Xilinx headers that hls4ml ships.

One harness is compiled per module for a seeded set of types: for every (rounding, overflow)
pair, signed and unsigned targets of width 1, width 32 and random widths, with integer bits
below 0, above the width and in between. Hypothesis draws an operation and a seed; NumPy draws a
batch of values around what matters (ties, the limits and +-1 lsb around them, wrap-around
points, values far out of range) and one harness call checks the whole batch exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hwcnn.aptest.harness import Add, Cast, FromDouble, Harness, Mul
from hwcnn.fixed import FixedType, Overflow, Rounding, add, cast, from_float, mul

MODES = [(r, o) for r in Rounding for o in Overflow]
MODE_IDS = [f"{r.value}-{o.value}" for r, o in MODES]
BATCH = 512
EXAMPLES = 24  # 24 * 512 = 12,288 values per test; each mode pair has four such tests
MIN_CASES = 10_000
FUZZ = settings(max_examples=EXAMPLES, deadline=None)
SEEDS = st.integers(0, 2**63 - 1)
I64 = np.iinfo(np.int64)


@dataclass
class Plan:
    """The operations compiled into the harness, grouped by the test that draws from them."""

    casts: dict = field(default_factory=dict)  # (rounding, overflow) -> [Cast]
    doubles: dict = field(default_factory=dict)  # (rounding, overflow) -> [FromDouble]
    adds: dict = field(default_factory=dict)  # (rounding, overflow) -> [Add]
    muls: dict = field(default_factory=dict)  # (rounding, overflow) -> [Mul]
    int_casts: list = field(default_factory=list)
    int_doubles: list = field(default_factory=list)

    def ops(self) -> list:
        groups = [*self.casts.values(), *self.doubles.values(), *self.adds.values()]
        groups += [*self.muls.values(), self.int_casts, self.int_doubles]
        return [op for group in groups for op in group]


def _targets(rng, rounding, overflow) -> list[FixedType]:
    """Signed and unsigned: width 1, width 32, integer bits <= 0, integer bits > width."""
    types = []
    for signed in (True, False):
        w = [int(x) for x in rng.integers(2, 32, 2)]
        shapes = [
            (1, rng.integers(-3, 4)),
            (32, rng.integers(1, 33)),
            (w[0], rng.integers(-6, 1)),
            (w[1], w[1] + rng.integers(1, 7)),
        ]
        types += [FixedType(w, int(i), signed, rounding, overflow) for w, i in shapes]
    return types


def _source_fracs(rng, t: FixedType) -> list[int]:
    """A left shift, no shift, and a rounding shift, sometimes past 62 bits (sticky folding).

    Shifts above 64 abort the C simulation: ap_fixed reads a bit beyond the source's MSB.
    Sources of ap_int targets keep integer bits > 0, where ap_int conversion is sound.
    """
    far = (40, 63) if t.is_int else (63, 65)
    right = int(rng.integers(*far)) if rng.random() < 0.25 else int(rng.integers(1, 40))
    return [t.frac - int(rng.integers(1, 12)), t.frac, t.frac + right]


def _operand(rng) -> FixedType:
    width = int(rng.integers(1, 25))
    if rng.random() < 0.2:
        return FixedType(width, width, bool(rng.random() < 0.5), is_int=True)
    return FixedType(width, int(rng.integers(-4, width + 5)), bool(rng.random() < 0.5))


def _result(rng, full: FixedType, rounding, overflow) -> FixedType:
    """A target a little narrower than the full-precision result: it rounds and can overflow."""
    integer = full.integer + int(rng.integers(-4, 2))
    width = int(np.clip(integer + full.frac - rng.integers(0, 6), 1, 32))
    return FixedType(width, integer, bool(rng.random() < 0.7), rounding, overflow)


def _plan() -> Plan:
    rng = np.random.default_rng(20240611)
    plan = Plan()
    for rounding, overflow in MODES:
        targets = _targets(rng, rounding, overflow)
        plan.casts[rounding, overflow] = [
            Cast(f, t) for t in targets for f in _source_fracs(rng, t)
        ]
        # Conversions from double and binary operations cost 2-3 times as much to compile.
        chosen = rng.choice(len(targets), 4, replace=False)
        plan.doubles[rounding, overflow] = [FromDouble(targets[i]) for i in chosen]
        a, b = _operand(rng), _operand(rng)
        full = add(0, a, 0, b)[1]
        plan.adds[rounding, overflow] = [Add(a, b, _result(rng, full, rounding, overflow))]
        a, b = _operand(rng), _operand(rng)
        full = mul(0, a, 0, b)[1]
        plan.muls[rounding, overflow] = [Mul(a, b, _result(rng, full, rounding, overflow))]
    for width in (1, 2, 8, 16, 32, int(rng.integers(3, 31))):
        for signed in (True, False):
            t = FixedType(width, width, signed, is_int=True)
            plan.int_casts += [Cast(f, t) for f in _source_fracs(rng, t)]
            plan.int_doubles.append(FromDouble(t))
    return plan


PLAN = _plan()


@pytest.fixture(scope="module")
def reference() -> Harness:
    return Harness(PLAN.ops())


def _log_uniform(rng, n: int, max_bits: int = 62) -> np.ndarray:
    """Random magnitudes of every bit length up to max_bits, either sign."""
    bits = rng.integers(0, max_bits + 1, n)
    magnitude = rng.integers(0, I64.max, n) >> (63 - bits)
    return np.where(rng.random(n) < 0.5, -magnitude, magnitude)


def _sample_raw(rng, t: FixedType, shift: int, n: int) -> np.ndarray:
    """n raw values at frac t.frac + shift, most of them at or next to the interesting points."""
    if shift > 62:  # every value is within half an lsb of t's zero
        special = np.array([0, 1, -1, I64.min, I64.max, 1 << 62, -(1 << 62), I64.min + 1])
        return np.concatenate([special, _log_uniform(rng, n - special.size, 63)])
    w = t.width
    anchors = np.array([0, t.max_raw, t.min_raw, -t.max_raw, 1 << w, -(1 << w), 1 << (w - 1)])
    anchors = (anchors[:, None] + np.arange(-2, 3)).ravel()  # and +-1, +-2 lsb around each
    kind = rng.choice(4, n, p=[0.35, 0.3, 0.2, 0.15])
    value = np.select(  # in units of t's lsb
        [kind == 0, kind == 1, kind == 2],
        [
            rng.choice(anchors, n),
            rng.integers(t.min_raw, t.max_raw, n, endpoint=True),
            rng.integers(t.min_raw - (1 << w), t.max_raw + (1 << w), n, endpoint=True),
        ],
        _log_uniform(rng, n),
    )
    if shift < 0:  # raw is coarser than t: land on either side of the same points
        return (value >> -shift) + rng.integers(-1, 2, n)
    limit = 1 << (62 - shift)
    value = np.clip(value, -limit, limit - 1)
    if shift == 0:
        return value
    half, full = 1 << (shift - 1), 1 << shift
    offsets = np.array([0, half, half - 1, half + 1, 1, full - 1])  # ties and the bits next to them
    offset = np.where(rng.random(n) < 0.7, rng.choice(offsets, n), rng.integers(0, full, n))
    return (value << shift) + np.clip(offset, 0, full - 1)


def _sample_doubles(rng, t: FixedType, n: int) -> np.ndarray:
    """Values on or next to t's grid and limits, plus zeros, subnormals, huge and random doubles."""
    big = np.finfo(np.float64).max
    special = np.array([0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, -1e-310, 0.5, -0.5,
                        0.25, -0.25, 1e300, -1e300, big, -big])
    random_bits = rng.integers(I64.min, I64.max, n // 8).view(np.float64)
    random_bits = np.where(np.isfinite(random_bits), random_bits, 1.0)
    shift = int(rng.integers(-10, 60))
    raw = _sample_raw(rng, t, shift, n - special.size - random_bits.size)
    on_grid = np.ldexp(raw.astype(np.float64), -(t.frac + shift))
    return np.concatenate([special, random_bits, on_grid])


def _sample_operand(rng, t: FixedType, n: int) -> np.ndarray:
    ends = np.array([t.min_raw, t.min_raw + 1, t.max_raw, t.max_raw - 1, 0, 1, -1])
    ends = np.clip(ends, t.min_raw, t.max_raw)
    return np.where(rng.random(n) < 0.2, rng.choice(ends, n),
                    rng.integers(t.min_raw, t.max_raw, n, endpoint=True))


def _assert_same(got, expected, inputs, what: str) -> None:
    bad = np.flatnonzero(got != expected)
    if bad.size:
        cases = ", ".join(f"{inputs[i]!r}: got {got[i]} want {expected[i]}" for i in bad[:5])
        pytest.fail(f"{what}: {bad.size}/{got.size} mismatches, e.g. {cases}")


def _fuzz(draw_op, check) -> int:
    """Run check(op, rng) on EXAMPLES hypothesis draws; return how many values were checked."""
    counts = []

    @FUZZ
    @given(op=draw_op, seed=SEEDS)
    def run(op, seed):
        counts.append(check(op, np.random.default_rng(seed)))

    run()
    return sum(counts)


def _check_cast(reference: Harness):
    def check(op: Cast, rng) -> int:
        raw = _sample_raw(rng, op.dst, op.src_frac - op.dst.frac, BATCH)
        got, _ = cast(raw, op.src_frac, op.dst)
        _assert_same(got, reference.run(op, raw), raw, f"{op.dst.ap()} from frac {op.src_frac}")
        return raw.size

    return check


def _check_double(reference: Harness):
    def check(op: FromDouble, rng) -> int:
        x = _sample_doubles(rng, op.dst, BATCH)
        _assert_same(from_float(x, op.dst), reference.run(op, x), x, f"{op.dst.ap()} from double")
        return x.size

    return check


def _check_binary(reference: Harness, operation):
    def check(op: Add | Mul, rng) -> int:
        a, b = _sample_operand(rng, op.a, BATCH), _sample_operand(rng, op.b, BATCH)
        full, full_type = operation(a, op.a, b, op.b)
        got, _ = cast(full, full_type.frac, op.dst)
        _assert_same(got, reference.run(op, a, b), list(zip(a, b)), str(op))
        return a.size

    return check


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_fuzz_cast_matches_ap_fixed(reference, mode):
    checked = _fuzz(st.sampled_from(PLAN.casts[mode]), _check_cast(reference))
    assert checked >= MIN_CASES


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_fuzz_from_float_matches_ap_fixed(reference, mode):
    checked = _fuzz(st.sampled_from(PLAN.doubles[mode]), _check_double(reference))
    assert checked >= MIN_CASES


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_fuzz_add_then_cast_matches_ap_fixed(reference, mode):
    checked = _fuzz(st.sampled_from(PLAN.adds[mode]), _check_binary(reference, add))
    assert checked >= MIN_CASES


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_fuzz_mul_then_cast_matches_ap_fixed(reference, mode):
    checked = _fuzz(st.sampled_from(PLAN.muls[mode]), _check_binary(reference, mul))
    assert checked >= MIN_CASES


def test_fuzz_cast_to_ap_int_matches(reference):
    checked = _fuzz(st.sampled_from(PLAN.int_casts), _check_cast(reference))
    assert checked >= MIN_CASES


def test_fuzz_from_float_to_ap_int_matches(reference):
    checked = _fuzz(st.sampled_from(PLAN.int_doubles), _check_double(reference))
    assert checked >= MIN_CASES
