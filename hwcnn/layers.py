"""The layer kinds of the hardware description: what hwcnn knows of each, in one place.

A `Kind` member holds its static facts: its value is hls4ml's layer class name (what the ModelGraph
holds after conversion), `attrs` the hls4ml attributes the hardware description records of it (what
the simulator and the cost model read), `macs` how its multiply-accumulates are counted. What a stage
does with a kind is a function registered in a `KindTable` of that stage's own module (the imports
run downward): the type rules (hlsgen/precision.py), the simulator kernels (sim/graph.py), the cost
rules (cost.py). Each table asserts at import that every kind has an entry: a new kind that lacks one
fails there, never falls back to a default.

A kind not listed here is refused by name wherever a layer is read, so no stage skips one silently.
"""

from __future__ import annotations

import math
from enum import Enum
from typing import Callable, Iterable

from hwcnn.errors import HwcnnError


class Macs(Enum):
    """How a kind's multiply-accumulates are counted."""

    NONE = "none"
    PER_IMAGE = "the weights once per image"
    PER_OUTPUT_PIXEL = "the weights once per output pixel"


PADS = ("pad_top", "pad_bottom", "pad_left", "pad_right")  # hls4ml's 2-D padding, in ops.pad_hw's order
WINDOW_POOLING = "hwcnn_window"  # set on a Pooling2D that hwcnn's window pooling computes (hlsgen/pooling.py)
_KERNEL = ("reuse_factor", "strategy")  # as hls4ml set them per layer (it may change a Resource reuse factor)
_CONV = ("in_height", "in_width", "n_chan", "filt_height", "filt_width", "n_filt", "stride_height",
         "stride_width") + PADS + ("out_height", "out_width") + _KERNEL
_POOL = ("in_height", "in_width", "n_filt", "pool_height", "pool_width", "stride_height", "stride_width") + PADS + (
    "out_height", "out_width", "pool_op", "count_pad", WINDOW_POOLING)
_GLOBAL_POOL = ("in_height", "in_width", "n_filt", "pool_op", "reciprocal_m", "reciprocal_k", "reciprocal_shift")


class Kind(str, Enum):
    """A layer kind: hls4ml's class name, the attributes the description records, how MACs count."""

    def __new__(cls, hls4ml_class: str, attrs: tuple[str, ...] = (), macs: Macs = Macs.NONE):
        member = str.__new__(cls, hls4ml_class)
        member._value_ = hls4ml_class
        member.attrs = attrs
        member.macs = macs
        return member

    INPUT = "Input"
    TRANSPOSE = "Transpose", ("perm",)
    RESHAPE = "Reshape"
    CLONE = "Clone"  # io_stream fan-out: one stream copied to several
    ZERO_PADDING2D = "ZeroPadding2D", ("in_height", "in_width", "n_chan") + PADS  # io_stream pads in a layer of its own
    CONCATENATE = "Concatenate", ("axis",)
    MERGE = "Merge", ("op",)  # elementwise on two tensors; hwcnn carries op "add"
    ACTIVATION = "Activation", ("activation", "n_in", "table_size")
    # hwcnn's: a quantized tanh/sigmoid as thresholds on its input (hlsgen/multithreshold.py)
    MULTI_THRESHOLD = "MultiThreshold", ("activation", "n_in", "n_thresholds", "base")
    # hwcnn's: a batch norm or scaling and its quantizer as per-channel thresholds, where no affine
    # form is exact (hlsgen/multithreshold.py)
    CHANNEL_THRESHOLD = "ChannelThreshold", ("n_in", "n_chan", "n_thresholds", "source")
    # between a layer and its quantizer: scale and bias per channel
    BATCH_NORMALIZATION = "BatchNormalization", ("n_in", "n_filt")
    # constant Mul/Add/Sub/Div before a quantizer: hls4ml's BatchNormalization kind
    APPLY_ALPHA = "ApplyAlpha", ("n_in", "n_filt")
    CONV2D = "Conv2D", _CONV, Macs.PER_OUTPUT_PIXEL
    POINTWISE_CONV2D = "PointwiseConv2D", _CONV, Macs.PER_OUTPUT_PIXEL  # hls4ml's 1x1 Conv2D in io_stream
    DENSE = "Dense", ("n_in", "n_out") + _KERNEL, Macs.PER_IMAGE
    POOLING2D = "Pooling2D", _POOL
    GLOBAL_POOLING2D = "GlobalPooling2D", _GLOBAL_POOL

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
        return self.macs is not Macs.NONE


class KindTable:
    """What one concern (`concern`: "cost rule", "simulator kernel", ...) does per layer kind: one
    function per kind, registered with `@table.rule(Kind.A, Kind.B)`.

    A kind without an entry is an error naming the concern and the kind, never a default; the module
    that fills a table calls `assert_complete()` once it is filled, so a kind added to `Kind` without
    an entry fails when that module is imported."""

    def __init__(self, concern: str):
        self.concern = concern
        self.rules: dict[Kind, Callable] = {}

    def rule(self, *kinds: Kind) -> Callable[[Callable], Callable]:
        def register(fn: Callable) -> Callable:
            for kind in kinds:
                if kind in self.rules:
                    raise AssertionError(f"{self.concern}: layer kind {kind.value} has two entries "
                                         f"({self.rules[kind].__name__}, {fn.__name__})")
                self.rules[kind] = fn
            return fn
        return register

    def __getitem__(self, kind: Kind) -> Callable:
        try:
            return self.rules[kind]
        except KeyError:
            raise HwcnnError(f"layer kind {kind.value} has no {self.concern} in hwcnn") from None

    def missing(self, kinds: Iterable[Kind] = Kind) -> list[Kind]:
        return [kind for kind in kinds if kind not in self.rules]

    def assert_complete(self, kinds: Iterable[Kind] = Kind) -> None:
        missing = self.missing(kinds)
        if missing:
            raise AssertionError(f"{self.concern}: no entry for layer kind(s) "
                                 f"{', '.join(k.value for k in missing)}; every Kind needs one")


def pads(get: Callable) -> list[int]:
    """A layer's 2-D padding (top, bottom, left, right), from `dict.get` or hls4ml's `layer.get_attr`."""
    return [get(k, 0) for k in PADS]


def macs_per_image(kind: Kind, attrs: dict, weight_size: int) -> int:
    """Multiply-accumulates of one image: the weights once per output pixel of a convolution."""
    if kind.macs is Macs.PER_OUTPUT_PIXEL:
        return attrs["out_height"] * attrs["out_width"] * weight_size
    if kind.macs is Macs.PER_IMAGE:
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


def layer_rf_strategy(layer: dict, hls: dict) -> tuple[int, str]:
    """A kernel's reuse factor and strategy as hls4ml set them (recorded in the description), else the
    project's settings."""
    a = layer.get("attrs", {})
    rf = int(a.get("reuse_factor", hls.get("reuse_factor", 1)))
    strategy = str(a.get("strategy", hls.get("strategy", "Latency"))).capitalize()
    return rf, strategy


def pool_output_dim(size: int, k: int, stride: int, pad_begin: int, pad_end: int, ceil_mode: int = 0) -> int:
    """ONNX's (and PyTorch's) pooled size: in ceil mode a last window that would start in the end
    padding is dropped."""
    span = size + pad_begin + pad_end - k
    out = (-(-span // stride) if ceil_mode else span // stride) + 1
    if ceil_mode and (out - 1) * stride >= size + pad_begin:
        out -= 1
    return out
