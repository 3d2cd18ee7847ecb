"""LeNet-5 (LeCun et al. 1998) for 32x32 inputs, float or QAT, written as a table.

| name  | paper | layer                          | output      |
| ----- | ----- | ------------------------------ | ----------- |
| conv1 | C1    | conv 6@5x5 + act               | 6 x 28 x 28 |
| pool1 | S2    | 2x2 pool                       | 6 x 14 x 14 |
| conv2 | C3    | conv 16@5x5 + act              | 16 x 10 x 10|
| pool2 | S4    | 2x2 pool                       | 16 x 5 x 5  |
| conv3 | C5    | conv 120@5x5 + act             | 120 x 1 x 1 |
| fc1   | F6    | flatten, linear 84 + act       | 84          |
| fc2   | out   | linear num_classes, no act     | logits      |

Variant "modern": ReLU and 2x2 max pooling; "classic": tanh and 2x2 average pooling.
The activation after the i-th weighted layer is named relu{i} (modern) or tanh{i} (classic).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from torch import nn

from hwcnn.config import ModelConfig
from hwcnn.errors import HwcnnError
from hwcnn.models import quant


@dataclass(frozen=True)
class Conv:
    name: str
    out_channels: int
    kernel: int


@dataclass(frozen=True)
class Pool:
    name: str


@dataclass(frozen=True)
class Dense:
    name: str
    out_features: int | None  # None: num_classes (the output layer, no activation)


TABLE = (
    Conv("conv1", 6, 5),
    Pool("pool1"),
    Conv("conv2", 16, 5),
    Pool("pool2"),
    Conv("conv3", 120, 5),
    Dense("fc1", 84),
    Dense("fc2", None),
)

# variant -> (activation name, activation builder, pooling module)
VARIANTS = {
    "modern": ("relu", quant.relu, nn.MaxPool2d),
    "classic": ("tanh", quant.tanh, nn.AvgPool2d),
}


class LeNet5(nn.Sequential):
    """Float [N, C, 32, 32] (pixel codes k/256) -> logits [N, num_classes] (a plain tensor)."""

    layer_names = tuple(spec.name for spec in TABLE if not isinstance(spec, Pool))

    def __init__(self, cfg: ModelConfig):
        if cfg.variant not in VARIANTS:
            raise HwcnnError(f"unknown lenet5 variant {cfg.variant!r}; expected one of {', '.join(VARIANTS)}")
        if cfg.batch_norm or cfg.dropout:
            raise HwcnnError("lenet5 has no batch_norm or dropout; set them to false and 0")
        act_name, act, pool = VARIANTS[cfg.variant]
        q = cfg.quant
        layers = OrderedDict(input_quant=quant.input_quant(None if q is None else q.input_bits))
        channels, n_act = cfg.in_channels, 0
        for spec in TABLE:
            w, a = quant.layer_bits(q, spec.name)
            if isinstance(spec, Pool):
                layers[spec.name] = pool(2)
                continue
            if isinstance(spec, Conv):
                layers[spec.name] = quant.conv2d(channels, spec.out_channels, spec.kernel, weight_bits=w,
                                                 weight_scale=quant.weight_scale(q))
                channels = spec.out_channels
            else:
                if "flatten" not in layers:
                    layers["flatten"] = nn.Flatten()  # [N, 120, 1, 1] -> [N, 120]
                out = spec.out_features or cfg.num_classes
                layers[spec.name] = quant.linear(channels, out, weight_bits=w, weight_scale=quant.weight_scale(q))
                channels = out
                if spec.out_features is None:
                    break  # the output layer: logits are the accumulator
            n_act += 1
            layers[f"{act_name}{n_act}"] = act(a)
        super().__init__(layers)

    def forward(self, x):
        return quant.plain(super().forward(x))
