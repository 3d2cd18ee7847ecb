"""hwcnn's FixedType <-> hls4ml's precision types: the one place each is made from the other (the
type rules, the MultiThreshold layer and the description writer all use it)."""

from __future__ import annotations

from hwcnn.fixed import FixedType


def hls_precision(t: FixedType):
    """FixedType -> hls4ml's ap_fixed precision (the only place that builds one).

    Types set after conversion must already be the backend's AP definitions (which know how to
    print themselves as C++): hls4ml converted all others before we run."""
    from hls4ml.backends.fpga.fpga_types import APTypeConverter
    from hls4ml.model.types import FixedPrecisionType

    return APTypeConverter().convert(
        FixedPrecisionType(t.width, t.integer, t.signed, t.rounding.value, t.overflow.value))


def fixed_of(precision) -> FixedType:
    """hls4ml precision -> FixedType (via its string form, which both sides define)."""
    return FixedType.parse(str(precision))
