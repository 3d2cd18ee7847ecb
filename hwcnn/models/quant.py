"""Quantizer recipes, defined once; layers only choose bit widths.

Every quantized tensor has ONE power-of-two scale per tensor and zero-point 0, so that each maps
to an ap_fixed / ap_ufixed type in the hardware (hls4ml only maps such Quant nodes):

| tensor              | recipe                                   | scale                                  |
| ------------------- | ---------------------------------------- | -------------------------------------- |
| network input       | `InputQuant`, unsigned, `input_bits`      | constant 2^-input_bits (k/256 exact)   |
| weights, "max"      | `Int8WeightPerTensorFixedPoint`, narrow   | 2^(ceil(log2(max abs w)) - (b-1))      |
| weights, "mse"      | `Int8WeightPerTensorFixedPointMSE`       | the power of two of least squared error |
| biases              | `Int16Bias`                               | input scale * weight scale (accum.)    |
| ReLU outputs        | `Uint8ActPerTensorFixedPoint`             | learned power of two                   |
| tanh outputs        | `TanhQuant`, signed                       | constant 2^-(b-1)                      |
| output layer        | none: the logits are the exact accumulator |                                        |

The "max" weight scale follows the largest weight (clipping it by less than one code). A
batch-norm-folded weight tensor has a few channels of outliers (a channel's gain folds into its
weights), and at 4 bits the max scale then rounds most weights to 0 and +-1 (92% of the codes of
the 1x1 expands in a SqueezeNet trained with max scales). The "mse" scale clips those outliers
instead; both are one power of two per tensor, so the hardware types do not change.
Cross-layer equalization before QAT (`hwcnn train --equalize`, hwcnn.models.squeezenet.equalize)
attacks the same outliers from the other side: it balances the channels' ranges, function unchanged.

Rounding is Brevitas' default round-half-to-even, which is ap_fixed's AP_RND_CONV.
Because the bias scale is derived from the input scale, every module that feeds a quantized
conv/linear returns a QuantTensor (`return_quant_tensor=True`); pooling and concatenation keep
the QuantTensor's scale.

Each builder takes a bit width or None: None gives the plain float module, so the float twin and
the QAT model are built by the same code with the same module names, and float weights load into
the QAT model (`load_state_dict(strict=False)`, only quantizer state missing).
"""

from __future__ import annotations

from brevitas.inject import value
from brevitas.inject.enum import ScalingImplType
from brevitas.nn import QuantConv2d, QuantIdentity, QuantLinear, QuantReLU, QuantTanh
from brevitas.quant import (Int8ActPerTensorFixedPoint, Int8WeightPerTensorFixedPoint, Int16Bias,
                            Uint8ActPerTensorFixedPoint)
from brevitas.quant.fixed_point import Int8WeightPerTensorFixedPointMSE
from torch import nn

from hwcnn.config import QuantConfig


class InputQuant(Uint8ActPerTensorFixedPoint):
    """Unsigned input with the constant scale 2^-bit_width: codes k/2^b pass through unchanged."""
    scaling_impl_type = ScalingImplType.CONST

    @value
    def max_val(bit_width):  # scale = max_val / (2^b - 1) = 2^-b exactly
        return 1.0 - 2.0 ** -bit_width


class TanhQuant(Int8ActPerTensorFixedPoint):
    """Signed tanh output in [-1, 1) with the constant scale 2^-(bit_width-1)."""
    scaling_impl_type = ScalingImplType.CONST

    @value
    def max_val(bit_width):  # scale = max_val / (2^(b-1) - 1) = 2^-(b-1) exactly
        return 1.0 - 2.0 ** -(bit_width - 1)

    @value
    def min_val(bit_width):
        return -(1.0 - 2.0 ** -(bit_width - 1))


WEIGHT_QUANTS = {"max": Int8WeightPerTensorFixedPoint, "mse": Int8WeightPerTensorFixedPointMSE}
BiasQuant = Int16Bias
ReluQuant = Uint8ActPerTensorFixedPoint


def weight_scale(q: QuantConfig | None) -> str:
    """The weight-scale recipe of a model ("max" for the float model, where it is unused)."""
    return "max" if q is None else q.weight_scale


def layer_bits(q: QuantConfig | None, name: str) -> tuple[int | None, int | None]:
    """(weight_bits, act_bits) of layer `name`, or (None, None) in the float model."""
    if q is None:
        return None, None
    bits = q.for_layer(name)
    return bits.weight_bits, bits.act_bits


def input_quant(bits: int | None) -> nn.Module:
    """The network's input quantizer (identity for the float model)."""
    if bits is None:
        return nn.Identity()
    return QuantIdentity(act_quant=InputQuant, bit_width=bits, return_quant_tensor=True)


def conv2d(in_channels: int, out_channels: int, kernel_size: int, *, weight_bits: int | None,
           stride: int = 1, padding: int = 0, bias: bool = True, weight_scale: str = "max") -> nn.Module:
    """A conv whose output is the exact accumulator (a plain tensor); an activation follows."""
    if weight_bits is None:
        return nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding, bias=bias)
    return QuantConv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding, bias=bias,
                       weight_quant=WEIGHT_QUANTS[weight_scale], weight_bit_width=weight_bits,
                       bias_quant=BiasQuant, return_quant_tensor=False)


def linear(in_features: int, out_features: int, *, weight_bits: int | None, bias: bool = True,
           weight_scale: str = "max") -> nn.Module:
    """A fully connected layer whose output is the exact accumulator (a plain tensor)."""
    if weight_bits is None:
        return nn.Linear(in_features, out_features, bias=bias)
    return QuantLinear(in_features, out_features, bias=bias,
                       weight_quant=WEIGHT_QUANTS[weight_scale], weight_bit_width=weight_bits,
                       bias_quant=BiasQuant, return_quant_tensor=False)


def relu(act_bits: int | None) -> nn.Module:
    """ReLU with an unsigned power-of-two output quantizer."""
    if act_bits is None:
        return nn.ReLU()
    return QuantReLU(act_quant=ReluQuant, bit_width=act_bits, return_quant_tensor=True)


def tanh(act_bits: int | None) -> nn.Module:
    """tanh with a signed constant-scale output quantizer."""
    if act_bits is None:
        return nn.Tanh()
    return QuantTanh(act_quant=TanhQuant, bit_width=act_bits, return_quant_tensor=True)


def average_quant(act_bits: int | None, signed: bool = True) -> nn.Module:
    """A quantizer after a global average over an area that is not a power of two (7x7 = 49): the
    float average S / 49 has no fixed-point value; rounded to this quantizer's grid it is a defined
    integer function of the sum S, which the hardware computes exactly (hwcnn/average.py). Unsigned
    after a ReLU (the sign bit would be spent on nothing)."""
    if act_bits is None:
        return nn.Identity()
    recipe = Int8ActPerTensorFixedPoint if signed else Uint8ActPerTensorFixedPoint
    return QuantIdentity(act_quant=recipe, bit_width=act_bits, return_quant_tensor=False)


def plain(x):
    """The float value of a tensor or QuantTensor (for the network's output)."""
    return getattr(x, "value", x)
