"""The layer kinds of the hardware description: one table that the description's writer, the
simulator, the precision rules, the cost model and the study share.

Values are hls4ml's layer class names (what the ModelGraph holds after conversion). A kind not
listed here is refused by name wherever a layer is read, so no stage skips one silently.
"""

from __future__ import annotations

import math
from enum import Enum

from hwcnn.errors import HwcnnError


class Kind(str, Enum):
    INPUT = "Input"
    TRANSPOSE = "Transpose"
    RESHAPE = "Reshape"
    CLONE = "Clone"                    # io_stream fan-out: one stream copied to several
    ZERO_PADDING2D = "ZeroPadding2D"   # io_stream pads in a layer of its own
    CONCATENATE = "Concatenate"
    MERGE = "Merge"                    # elementwise on two tensors; hwcnn carries op "add"
    ACTIVATION = "Activation"
    MULTI_THRESHOLD = "MultiThreshold"  # hwcnn's: a quantized tanh/sigmoid as thresholds on its input
    BATCH_NORMALIZATION = "BatchNormalization"  # between a layer and its quantizer: scale and bias per channel
    APPLY_ALPHA = "ApplyAlpha"  # constant Mul/Add/Sub/Div before a quantizer: hls4ml's BatchNormalization kind
    CONV2D = "Conv2D"
    POINTWISE_CONV2D = "PointwiseConv2D"  # hls4ml's 1x1 Conv2D in io_stream
    DENSE = "Dense"
    POOLING2D = "Pooling2D"
    GLOBAL_POOLING2D = "GlobalPooling2D"

    @classmethod
    def of(cls, name: str, where: str = "layer") -> "Kind":
        try:
            return cls(name)
        except ValueError:
            raise HwcnnError(f"{where}: layer kind {name} is not supported by hwcnn "
                             f"(supported: {', '.join(k.value for k in cls)})") from None

    @property
    def is_conv(self) -> bool:
        return self in (Kind.CONV2D, Kind.POINTWISE_CONV2D)

    @property
    def has_macs(self) -> bool:
        """Multiplies weights by activations (a weight tensor and an accumulator)."""
        return self.is_conv or self is Kind.DENSE


def macs_per_image(kind: Kind, attrs: dict, weight_size: int) -> int:
    """Multiply-accumulates of one image: the weights once per output pixel of a convolution."""
    if kind.is_conv:
        return attrs["out_height"] * attrs["out_width"] * weight_size
    if kind is Kind.DENSE:
        return weight_size
    return 0


def layer_macs(layer: dict) -> int:
    """Multiply-accumulates per image of a layer of the hardware description (hwcnn.hwdesc), from its
    weight shape as the description records it."""
    kind = Kind.of(layer["kind"])
    w = layer["weights"].get("weight")
    if not (w and kind.has_macs):
        return 0
    return macs_per_image(kind, layer["attrs"], math.prod(int(d) for d in w["shape"]))


def pool_output_dim(size: int, k: int, stride: int, pad_begin: int, pad_end: int, ceil_mode: int = 0) -> int:
    """ONNX's (and PyTorch's) pooled size: in ceil mode a last window that would start in the end
    padding is dropped."""
    span = size + pad_begin + pad_end - k
    out = (-(-span // stride) if ceil_mode else span // stride) + 1
    if ceil_mode and (out - 1) * stride >= size + pad_begin:
        out -= 1
    return out
