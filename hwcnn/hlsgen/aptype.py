"""hwcnn's FixedType <-> hls4ml's precision types: the one place each is made from the other (the
type rules, the MultiThreshold layer and the description writer all use it), and the type of a
QONNX quantizer."""

from __future__ import annotations

import numpy as np

from hwcnn.fixed import FixedType
from hwcnn.qonnx_transforms import node_attr

MAX_QUANT_BITS = 32  # wider quantizers would make accumulators past the simulator's 62-bit types


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


def quant_type(qmodel, node) -> FixedType | None:
    """The fixed-point type of a Quant node with one power-of-two scale and zero point 0, else None."""
    scale = qmodel.get_initializer(node.input[1])
    zero = qmodel.get_initializer(node.input[2])
    bits = qmodel.get_initializer(node.input[3])
    if scale is None or bits is None or np.size(scale) != 1 or np.size(bits) != 1 or np.any(zero != 0):
        return None
    mant, exp = np.frexp(float(np.asarray(scale).ravel()[0]))
    if mant != 0.5:
        return None
    width = float(np.asarray(bits).ravel()[0])
    if not (1 <= width <= MAX_QUANT_BITS and width == int(width)):
        return None  # the support check names it
    width = int(width)
    frac = 1 - int(exp)  # scale = 2^(exp-1)
    return FixedType(width, width - frac, bool(node_attr(node, "signed", 1)))
