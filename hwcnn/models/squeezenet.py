"""SqueezeNet (Iandola et al. 2016), float or QAT, built from a table (32x32 inputs; 224x224 for 1.1).

The metaparameters of the paper (section 5) fix the table: fire module i (from 0) has
e_i = base_e + incr_e * (i // freq) expand filters, of which pct_3x3 are 3x3, and
s_i = sr * e_i squeeze filters. A 2x2 max pool follows the layers named in `pool_after`.
There are no fully connected layers: dropout, a final 1x1 conv to num_classes, global average pooling.

A fire module: squeeze 1x1 + act -> [expand 1x1 | expand 3x3 (padding 1)] concatenated on channels
-> ONE activation (so both branches share one quantizer: the concatenation has one format).
With batch_norm, every conv but the last is followed by batch norm (and has no bias).

Choices that make the hardware (hls4ml io_stream) compute exactly what the QAT model computes:
- max pools 2x2/2, or the paper's overlapping 3x3/2 (hwcnn's window pooling, hwcnn/hlsgen/pooling.py).
- the global average: over a power-of-two area (8x8) an exact shift; over any other area (the
  seeds' 7x7) followed by a 16-bit quantizer (`avg_quant`), whose rounding of S / 49 the hardware
  computes exactly (hwcnn/average.py); the float twin has no quantizer there.
- one quantizer after the concatenation (hwcnn's qonnx pass moves it onto both branches).
- batch norm only in the float model: `fold_batch_norm` folds it into the convs before QAT, so
  the QAT model has biases and no batch norm (a QAT model with batch norm does not convert).

Layer names (for per-layer bits): conv1, fire2.squeeze, fire2.expand, ..., conv10 (the output).
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from dataclasses import dataclass, replace

import torch
from torch import nn

from hwcnn.config import ModelConfig
from hwcnn.errors import HwcnnError
from hwcnn.layers import pool_output_dim
from hwcnn.models import quant


# the quantizer after a global average over an area that is not a power of two: wide enough that the
# rounding costs no accuracy (the logits keep 16 bits)
AVERAGE_BITS = 16


@dataclass(frozen=True)
class SqueezeNetSpec:
    """Metaparameters of a SqueezeNet (names as in the paper)."""
    conv1_filters: int
    conv1_kernel: int
    conv1_stride: int
    num_fire: int
    base_e: int
    incr_e: int
    freq: int
    pct_3x3: float
    sr: float
    pool_after: tuple[str, ...]     # a max pool after these layers (global average pool at the end)
    pool: int = 2                   # max pool size and stride: 2/2, or the paper's overlapping 3/2
    pool_stride: int = 2
    ceil_mode: bool = False         # pooled side rounded up (PyTorch's SqueezeNets): 54 -> 27, not 26
    conv1_padding: int | None = None  # None: "same" (kernel // 2); 0: "valid" as the Keras seeds write it
    final_relu: bool = False        # a ReLU after conv10, before the global average (the Keras seeds have one)
    input_size: int = 32            # the side of the square input image


PRESETS = {
    # 32x32 -> conv1 -> pool1 16x16 -> fire2, fire3 -> pool3 8x8 -> fire4, fire5 -> conv10 8x8 -> GAP
    # (8x8 = 64 positions: the global average is an exact shift by 6 bits)
    "squeezenet-mnist": SqueezeNetSpec(conv1_filters=32, conv1_kernel=3, conv1_stride=1, num_fire=4,
                                       base_e=32, incr_e=32, freq=2, pct_3x3=0.5, sr=0.25,
                                       pool_after=("conv1", "fire3")),
    # the same shape, twice as wide: the shipped Fashion-MNIST model (the narrow one underfits there;
    # the accuracies of both are in README and in the shipped models' metrics)
    "squeezenet-mnist-wide": SqueezeNetSpec(conv1_filters=64, conv1_kernel=3, conv1_stride=1, num_fire=4,
                                            base_e=64, incr_e=64, freq=2, pct_3x3=0.5, sr=0.25,
                                            pool_after=("conv1", "fire3")),
    # the seeds' CIFAR-10 Keras SqueezeNet: conv1 64@3x3 stride 2 valid (32 -> 15), max pool 3x3/2 (-> 7),
    # fire2/fire3 squeeze 16 expand 64+64, fire4/fire5 squeeze 32 expand 128+128, dropout, conv10, ReLU,
    # global average over the 7x7 map (49 positions)
    "squeezenet-seed": SqueezeNetSpec(conv1_filters=64, conv1_kernel=3, conv1_stride=2, num_fire=4,
                                      base_e=128, incr_e=128, freq=2, pct_3x3=0.5, sr=0.125,
                                      pool_after=("conv1",), pool=3, pool_stride=2, conv1_padding=0,
                                      final_relu=True),
    # the seeds' big-cats SqueezeNet: 48 first-layer filters, 3 blocks of max pool + two fire modules, squeeze
    # ratio 0.5, base_e 32, incr_e 32, freq 2, pct_3x3 0.5, batch norm after every conv (train it with
    # --batch-norm); at 32x32 the 3x3/2 pools leave 15, 7, 3: a global average over 9
    "squeezenet-bigcats": SqueezeNetSpec(conv1_filters=48, conv1_kernel=3, conv1_stride=1, num_fire=6,
                                         base_e=32, incr_e=32, freq=2, pct_3x3=0.5, sr=0.5,
                                         pool_after=("conv1", "fire3", "fire5"), pool=3, pool_stride=2),
    # SqueezeNet 1.0 (the paper's) at 224x224: conv1 96@7x7/2 valid (-> 109), max pools 3x3/2 in ceil mode
    # after conv1, fire4, fire8 (-> 54, 27, 13: ceil mode makes 27 of 54), fire2..fire9 squeeze 16/32/48/64 with
    # expands 4x that, dropout, conv10, ReLU, global average over 13x13 = 169
    "squeezenet1.0": SqueezeNetSpec(conv1_filters=96, conv1_kernel=7, conv1_stride=2, num_fire=8,
                                    base_e=128, incr_e=128, freq=2, pct_3x3=0.5, sr=0.125,
                                    pool_after=("conv1", "fire4", "fire8"), pool=3, pool_stride=2, ceil_mode=True,
                                    conv1_padding=0, final_relu=True, input_size=224),
    # SqueezeNet 1.1 (the reference implementation's, 2.4x fewer MACs than 1.0) at 224x224: conv1 64@3x3/2 valid
    # (-> 111), max pools 3x3/2 (ceil mode, as written; no effect at 224) after conv1, fire3, fire5 (-> 55, 27,
    # 13), fire2..fire9 as in 1.0, conv10, ReLU, global average over 13x13 = 169
    "squeezenet1.1": SqueezeNetSpec(conv1_filters=64, conv1_kernel=3, conv1_stride=2, num_fire=8,
                                    base_e=128, incr_e=128, freq=2, pct_3x3=0.5, sr=0.125,
                                    pool_after=("conv1", "fire3", "fire5"), pool=3, pool_stride=2, ceil_mode=True,
                                    conv1_padding=0, final_relu=True, input_size=224),
    # the same topology at 1/8 of the widths (squeeze 2..8, expands 8..32 per branch): CI's check of the
    # 224x224 flow
    "squeezenet1.1-narrow": SqueezeNetSpec(conv1_filters=8, conv1_kernel=3, conv1_stride=2, num_fire=8,
                                           base_e=16, incr_e=16, freq=2, pct_3x3=0.5, sr=0.125,
                                           pool_after=("conv1", "fire3", "fire5"), pool=3, pool_stride=2,
                                           ceil_mode=True, conv1_padding=0, final_relu=True, input_size=224),
    # SqueezeNet 1.0 at 1/8 of the widths: CI's check of ceil-mode pooling at 224x224
    "squeezenet1.0-narrow": SqueezeNetSpec(conv1_filters=12, conv1_kernel=7, conv1_stride=2, num_fire=8,
                                           base_e=16, incr_e=16, freq=2, pct_3x3=0.5, sr=0.125,
                                           pool_after=("conv1", "fire4", "fire8"), pool=3, pool_stride=2,
                                           ceil_mode=True, conv1_padding=0, final_relu=True, input_size=224),
    "squeezenet-cifar": SqueezeNetSpec(conv1_filters=48, conv1_kernel=3, conv1_stride=1, num_fire=4,
                                       base_e=48, incr_e=48, freq=2, pct_3x3=0.5, sr=0.25,
                                       pool_after=("conv1", "fire3")),
}


@dataclass(frozen=True)
class Conv:
    name: str
    out_channels: int
    kernel: int
    stride: int = 1
    padding: int = 0


@dataclass(frozen=True)
class Fire:
    name: str
    squeeze: int
    expand1x1: int
    expand3x3: int


@dataclass(frozen=True)
class Pool:
    name: str


def table(spec: SqueezeNetSpec) -> list[Conv | Fire | Pool]:
    """The layer table the metaparameters define (the final conv10 to num_classes not included)."""
    pad = spec.conv1_kernel // 2 if spec.conv1_padding is None else spec.conv1_padding
    rows: list[Conv | Fire | Pool] = [Conv("conv1", spec.conv1_filters, spec.conv1_kernel, spec.conv1_stride, pad)]
    for i in range(spec.num_fire):
        e = spec.base_e + spec.incr_e * (i // spec.freq)
        e3 = round(e * spec.pct_3x3)
        rows.append(Fire(f"fire{i + 2}", max(1, round(spec.sr * e)), e - e3, e3))
    for name in spec.pool_after:  # insert each pool right after the layer it follows
        at = [r.name for r in rows].index(name)
        rows.insert(at + 1, Pool(f"pool{name.removeprefix('conv').removeprefix('fire')}"))
    return rows


def final_side(spec: SqueezeNetSpec, rows: list) -> int:
    """The side of the map the global average pools (fire modules keep the side)."""
    side = spec.input_size
    for row in rows:
        if isinstance(row, Conv):
            side = (side + 2 * row.padding - row.kernel) // row.stride + 1
        elif isinstance(row, Pool):
            side = pool_output_dim(side, spec.pool, spec.pool_stride, 0, 0, ceil_mode=int(spec.ceil_mode))
    return side


class FireModule(nn.Module):
    def __init__(self, in_channels: int, row: Fire, squeeze_bits, expand_bits, batch_norm: bool, weight_scale: str):
        super().__init__()
        (sw, sa), (ew, ea) = squeeze_bits, expand_bits
        ws = weight_scale
        self.squeeze = quant.conv2d(in_channels, row.squeeze, 1, weight_bits=sw, bias=not batch_norm, weight_scale=ws)
        self.squeeze_bn = nn.BatchNorm2d(row.squeeze) if batch_norm else nn.Identity()
        self.squeeze_relu = quant.relu(sa)
        self.expand1x1 = quant.conv2d(row.squeeze, row.expand1x1, 1, weight_bits=ew, bias=not batch_norm,
                                      weight_scale=ws)
        self.expand1x1_bn = nn.BatchNorm2d(row.expand1x1) if batch_norm else nn.Identity()
        self.expand3x3 = quant.conv2d(row.squeeze, row.expand3x3, 3, padding=1, weight_bits=ew, bias=not batch_norm,
                                      weight_scale=ws)
        self.expand3x3_bn = nn.BatchNorm2d(row.expand3x3) if batch_norm else nn.Identity()
        self.expand_relu = quant.relu(ea)  # one quantizer for the concatenation

    def forward(self, x):
        s = self.squeeze_relu(self.squeeze_bn(self.squeeze(x)))
        e = torch.cat([self.expand1x1_bn(self.expand1x1(s)), self.expand3x3_bn(self.expand3x3(s))], dim=1)
        return self.expand_relu(e)


class SqueezeNet(nn.Sequential):
    """Float [N, C, 32, 32] (pixel codes k/256) -> logits [N, num_classes] (a plain tensor)."""

    def __init__(self, cfg: ModelConfig):
        if cfg.variant not in PRESETS:
            raise HwcnnError(f"unknown squeezenet variant {cfg.variant!r}; expected one of {', '.join(PRESETS)}")
        spec = PRESETS[cfg.variant]
        rows = table(spec)
        side = final_side(spec, rows)
        if side < 1:
            raise HwcnnError(f"squeezenet {cfg.variant}: the layers leave no pixels of a "
                             f"{spec.input_size}x{spec.input_size} input")
        q, bn, ws = cfg.quant, cfg.batch_norm, quant.weight_scale(cfg.quant)
        layers = OrderedDict(input_quant=quant.input_quant(None if q is None else q.input_bits))
        names = []
        channels = cfg.in_channels
        for row in rows:
            if isinstance(row, Pool):
                layers[row.name] = nn.MaxPool2d(spec.pool, spec.pool_stride, ceil_mode=spec.ceil_mode)
            elif isinstance(row, Conv):
                w, a = quant.layer_bits(q, row.name)
                layers[row.name] = quant.conv2d(channels, row.out_channels, row.kernel, stride=row.stride,
                                                padding=row.padding, weight_bits=w, bias=not bn, weight_scale=ws)
                if bn:
                    layers[f"{row.name}_bn"] = nn.BatchNorm2d(row.out_channels)
                layers[f"relu{row.name.removeprefix('conv')}"] = quant.relu(a)
                names.append(row.name)
                channels = row.out_channels
            else:
                squeeze, expand = f"{row.name}.squeeze", f"{row.name}.expand"
                layers[row.name] = FireModule(channels, row, quant.layer_bits(q, squeeze), quant.layer_bits(q, expand),
                                             bn, ws)
                names += [squeeze, expand]
                channels = row.expand1x1 + row.expand3x3
        final = "conv10"  # the output layer, named as in the paper
        layers["dropout"] = nn.Dropout(cfg.dropout)
        layers[final] = quant.conv2d(channels, cfg.num_classes, 1, weight_bits=quant.layer_bits(q, final)[0],
                                     weight_scale=ws)
        if spec.final_relu:
            layers["relu10"] = quant.relu(quant.layer_bits(q, final)[1])
        layers["avgpool"] = nn.AdaptiveAvgPool2d(1)   # [N, classes, H, W] -> [N, classes, 1, 1]
        area = side * side
        if area & (area - 1):  # not a power of two: the average is quantized (the hardware rounds it exactly)
            layers["avg_quant"] = quant.average_quant(None if q is None else AVERAGE_BITS, signed=not spec.final_relu)
        layers["flatten"] = nn.Flatten()              # -> [N, classes]
        super().__init__(layers)
        self.layer_names = tuple(names + [final])
        self.cfg = cfg

    def forward(self, x):
        return quant.plain(super().forward(x))


def fold_batch_norm(model: SqueezeNet) -> SqueezeNet:
    """The float SqueezeNet `model` with each batch norm folded into the conv before it (eval-mode
    statistics): w' = w * g / sqrt(var + eps), b' = (b - mean) * g / sqrt(var + eps) + beta.

    Fold BEFORE quantization-aware training: the QAT model then quantizes the folded weights and
    has no batch norm, so the exported graph is all integer arithmetic and stays bit-exact (a batch
    norm after a quantized conv would be a float affine map no fixed-point type reproduces)."""
    if model.cfg.quant is not None:
        raise HwcnnError("fold_batch_norm folds a float model (before QAT); this one is quantized")
    if not model.cfg.batch_norm:
        return model
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    for key in [k for k in state if k.endswith("_bn.running_mean")]:
        bn = key.removesuffix(".running_mean")  # e.g. "conv1_bn", "fire2.squeeze_bn"
        conv = bn.removesuffix("_bn")
        scale = state[f"{bn}.weight"] / torch.sqrt(state[f"{bn}.running_var"] + model.get_submodule(bn).eps)
        state[f"{conv}.weight"] = state[f"{conv}.weight"] * scale[:, None, None, None]
        state[f"{conv}.bias"] = (state.get(f"{conv}.bias", 0.0) - state[key]) * scale + state[f"{bn}.bias"]
        for k in [k for k in state if k.startswith(f"{bn}.")]:
            del state[k]
    folded = SqueezeNet(replace(model.cfg, batch_norm=False))
    folded.load_state_dict(state)
    return folded.train(model.training)


def _relu_pairs(model: SqueezeNet) -> list[tuple[list[tuple[nn.Conv2d, int]], list[nn.Conv2d]]]:
    """Each ReLU boundary as (producers, consumers): output channel i of a producer (at its offset in
    a concatenation) is input channel offset + i of every consumer. Max pools between them commute
    with a positive per-channel scale, as ReLU does."""
    g = model.get_submodule
    fires = [name for name, m in model.named_children() if isinstance(m, FireModule)]
    pairs = []
    producers = [(g("conv1"), 0)]
    for f in fires:
        squeeze, e1, e3 = g(f"{f}.squeeze"), g(f"{f}.expand1x1"), g(f"{f}.expand3x3")
        pairs.append((producers, [squeeze]))
        pairs.append(([(squeeze, 0)], [e1, e3]))
        producers = [(e1, 0), (e3, e1.out_channels)]
    pairs.append((producers, [g("conv10")]))
    return pairs


def equalize(model: SqueezeNet, iterations: int = 20) -> SqueezeNet:
    """The folded float SqueezeNet `model` after cross-layer equalization (Nagel et al. 2019, "Data-free
    quantization"): the same function, with every channel's weight range balanced across each ReLU.

    Why: one power-of-two scale per weight tensor is what the hardware types allow, and after batch-norm
    folding the channels' ranges within a tensor differ by large factors; at 4 bits (7 magnitude codes)
    each factor of 2 costs the small channels a bit. ReLU(x / s) = ReLU(x) / s for s > 0, so output
    channel i of a conv can be divided by s_i and the next conv's input channel i multiplied by it;
    s_i = sqrt(r1_i / r2_i) makes both ranges sqrt(r1_i * r2_i). Apply before QAT (README: what it
    did for the shipped model)."""
    if model.cfg.quant is not None or model.cfg.batch_norm:
        raise HwcnnError("equalize works on a float SqueezeNet without batch norm (fold_batch_norm it first)")
    equalized = copy.deepcopy(model)
    with torch.no_grad():
        for _ in range(iterations):  # each pass shifts ranges along the chain; 20 passes converge
            for producers, consumers in _relu_pairs(equalized):
                for conv, offset in producers:
                    c = conv.out_channels
                    r1 = conv.weight.abs().reshape(c, -1).amax(1)
                    r2 = torch.stack([m.weight[:, offset:offset + c].abs().transpose(0, 1).reshape(c, -1).amax(1)
                                      for m in consumers]).amax(0)
                    s = torch.sqrt(r1 / r2).clamp(1e-3, 1e3)  # clamped: a dead channel has r1 or r2 = 0
                    conv.weight /= s[:, None, None, None]
                    conv.bias /= s
                    for m in consumers:
                        m.weight[:, offset:offset + c] *= s[None, :, None, None]
    return equalized
