"""Helpers for tests of the hardware path: seeded random QAT models, inputs, projects."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import Callable, Hashable

import numpy as np

ROOT = Path(__file__).resolve().parent.parent  # the repository
WIDTHS = (2, 3, 4, 8)


def random_qat_lenet(wbits: int, abits: int, seed: int = 0, variant: str = "modern"):
    """A LeNet-5 QAT model with seeded random weights and activation scales calibrated on random images."""
    import torch

    from hwcnn.config import ModelConfig, QuantConfig
    from hwcnn.models import build_model

    torch.manual_seed(seed)
    cfg = ModelConfig(arch="lenet5", variant=variant, quant=QuantConfig(weight_bits=wbits, act_bits=abits))
    model = build_model(cfg)
    model.train()
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for _ in range(4):  # let the activation quantizers collect their ranges
            model(torch.randint(0, 256, (64, 1, 32, 32), generator=gen).float() / 256)
    return model.eval()


SQUEEZENET_CHANNELS = {"squeezenet-mnist": 1, "squeezenet-cifar": 3, "squeezenet-seed": 1, "squeezenet1.1": 3,
                       "squeezenet1.1-narrow": 3, "squeezenet1.0": 3, "squeezenet1.0-narrow": 3}  # input channels of each preset


def random_qat_squeezenet(variant: str, wbits: int, abits: int, seed: int = 0, weight_scale: str = "max",
                          num_classes: int = 10, calibration_images: int = 32, side: int | None = None):
    """A SqueezeNet QAT model the way a trained one is made: a float model with batch norm (seeded
    random weights and statistics), BN folded into its convs, the folded weights loaded into the QAT
    model, activation scales calibrated on random images of side x side (the preset's input by default:
    calibrate at the size the model will be run at)."""
    import torch

    from hwcnn.config import ModelConfig, QuantConfig
    from hwcnn.models import build_model, load_weights
    from hwcnn.models.squeezenet import PRESETS, fold_batch_norm

    torch.manual_seed(seed)
    ch, side = SQUEEZENET_CHANNELS[variant], side or PRESETS[variant].input_size
    float_model = build_model(ModelConfig(arch="squeezenet", variant=variant, in_channels=ch, batch_norm=True,
                                          num_classes=num_classes))
    gen = torch.Generator().manual_seed(seed)

    def images():
        return torch.randint(0, 256, (calibration_images, ch, side, side), generator=gen).float() / 256

    # batch-norm statistics measured on images, as training leaves them: each channel centred, so
    # no ReLU is dead for every input (made-up statistics kill whole narrow squeezes at 4 bits)
    for bn in (m for m in float_model.modules() if isinstance(m, torch.nn.BatchNorm2d)):
        bn.weight.data.uniform_(0.5, 1.5, generator=gen)
        bn.bias.data.uniform_(0.0, 0.1, generator=gen)
        bn.reset_running_stats()
        bn.momentum = None  # a cumulative average over the batches
    float_model.train()
    with torch.no_grad():
        for _ in range(4):
            float_model(images())
    folded = fold_batch_norm(float_model.eval())
    model = build_model(ModelConfig(arch="squeezenet", variant=variant, in_channels=ch, num_classes=num_classes,
                                    quant=QuantConfig(weight_bits=wbits, act_bits=abits,
                                                      weight_scale=weight_scale)))
    load_weights(model, folded.state_dict(), "folded float model", quantizers_from_state=False)
    model.train()
    with torch.no_grad():
        for _ in range(4):  # let the activation quantizers collect their ranges
            model(images())
    return model.eval()


def grid_inputs(n: int, channels: int = 1, seed: int = 1, side: int = 32) -> np.ndarray:
    """n inputs on the 8-bit input grid: all-zero, all-max, then random (dense and sparse)."""
    rng = np.random.default_rng(seed)
    raw = rng.integers(0, 256, size=(n, channels, side, side))
    raw[n // 2 :] *= rng.random((n - n // 2, channels, side, side)) < 0.3  # sparse, digit-like images
    raw[0] = 0
    raw[1] = 255
    return (raw / 256).astype(np.float32)


def make_project(model, out: Path, overrides: dict | None = None, channels: int = 1, side: int = 32, **hls) -> Path:
    """Export + convert (no compile) a QAT model into `out` (its QONNX graph beside it, OUT.onnx),
    through the pipeline's steps."""
    from hwcnn import pipeline
    from hwcnn.hlsgen.config import HlsConfig

    cfg = pipeline.RunConfig(project=out, qonnx_out=out.with_suffix(".onnx"), progress=False,
                             hls=HlsConfig(overrides=tuple((k[0], k[1], v) for k, v in (overrides or {}).items()),
                                           **hls))
    state = pipeline.RunState(model=model, input_shape=(channels, side, side), tb_x=grid_inputs(4, channels, side=side))
    pipeline.run(cfg, "export", "convert", state=state)
    return out


class Shared:
    """Expensive values (converted, compiled HLS projects) made on first use, once per test run
    even across pytest-xdist workers: the first worker to need one builds it under a file lock,
    the others find it built. Selecting one test builds only what it needs.

    `make(key, path)` returns the value; it builds into `path` unless `path` is complete (the
    values are seeded, so every worker's model equals the one the project was made from)."""

    def __init__(self, tmp_path_factory, name: str, make: Callable[[Hashable, Path], object]):
        base = tmp_path_factory.getbasetemp()
        root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # shared by this run's workers
        self._root = root / f"shared-{name}"
        self._root.mkdir(parents=True, exist_ok=True)
        self._make, self._made = make, {}

    def __getitem__(self, key):
        if key not in self._made:
            name = "-".join(map(str, key)) if isinstance(key, tuple) else str(key)
            with open(self._root / f".{name}.lock", "w") as f:
                fcntl.flock(f, fcntl.LOCK_EX)
                self._made[key] = self._make(key, self._root / name)
        return self._made[key]


def once(path: Path, build: Callable[[Path], object]) -> Path:
    """Build into `path` unless an earlier build completed there (a marker file says so)."""
    done = path.parent / f".{path.name}.done"
    if not done.exists():
        build(path)
        done.touch()
    return path


def compiled(project: Path) -> Path:
    from hwcnn.hlsgen.csim import build

    build(project, quiet=True)
    return project


SIZES = {"train": 96, "valid": 32, "test": 40}


def synthetic(split: str):
    """Tiny "MNIST": a bright square whose position encodes the label, plus noise."""
    from hwcnn.train import Arrays

    rng = np.random.default_rng(["train", "valid", "test"].index(split))
    n = SIZES[split]
    labels = rng.integers(0, 10, n)
    images = rng.integers(0, 40, (n, 1, 32, 32)).astype(np.uint8)
    for i, label in enumerate(labels):
        r, c = divmod(int(label), 5)
        images[i, 0, 4 + 12 * r:12 + 12 * r, 2 + 6 * c:6 + 6 * c] = 240
    return Arrays(images, labels, {"dataset": "mnist", "source": "synthetic", "files": []})


def brevitas_mlp(seed: int = 0, bits: int = 4, batch_norm: bool = False):
    """An MLP as Brevitas users write it (no hwcnn recipe): an 8-bit input quantizer, Flatten, three
    QuantLinear without bias, a QuantIdentity straight after each (after a BatchNorm1d with
    `batch_norm`), no ReLU; scales and batch-norm statistics calibrated on random 28x28 images."""
    import torch
    from brevitas import nn as qnn
    from brevitas.quant import Int8ActPerTensorFixedPoint

    weights, acts, _ = _brevitas_quants(bits)
    torch.manual_seed(seed)
    layers = [qnn.QuantIdentity(act_quant=Int8ActPerTensorFixedPoint), torch.nn.Flatten()]
    for n_in, n_out in ((784, 64), (64, 32), (32, 10)):
        layers += [qnn.QuantLinear(n_in, n_out, bias=False, weight_quant=weights)]
        layers += [_trained_like(torch.nn.BatchNorm1d(n_out))] if batch_norm else []
        layers += [qnn.QuantIdentity(act_quant=acts)]
    model = torch.nn.Sequential(*layers)
    return _calibrated(model, (1, 28, 28), seed, signed=True)


def _trained_like(bn):
    """A batch norm with the affine parameters training leaves (not 1 and 0), one channel negative."""
    import torch

    with torch.no_grad():
        bn.weight.uniform_(1.0, 3.0)
        bn.weight[0] = -bn.weight[0]
        bn.bias.uniform_(0.0, 1.0)
    return bn


def plain_export(model, shape, path: Path) -> Path:
    """`brevitas.export.export_qonnx`, as a user calls it (no hwcnn pass)."""
    import torch
    from brevitas.export import export_qonnx

    export_qonnx(model, torch.zeros(1, *shape), export_path=str(path))
    return path


def _brevitas_quants(bits: int):
    from brevitas.quant import Int8ActPerTensorFixedPoint, Int8WeightPerTensorFixedPoint, Uint8ActPerTensorFixedPoint

    class Weights(Int8WeightPerTensorFixedPoint):
        bit_width = bits

    class Acts(Int8ActPerTensorFixedPoint):
        bit_width = bits

    class UnsignedActs(Uint8ActPerTensorFixedPoint):
        bit_width = bits

    return Weights, Acts, UnsignedActs


def _calibrated(model, shape, seed: int, signed: bool = False, batches: int = 4):
    """Brevitas' activation scales (and batch-norm statistics, which need more batches) from
    random inputs in [0, 1) (or [-1, 1))."""
    import torch

    model.train()
    gen = torch.Generator().manual_seed(seed)
    if any(isinstance(m, torch.nn.modules.batchnorm._BatchNorm) for m in model.modules()):
        batches = 30
    with torch.no_grad():
        for _ in range(batches):
            x = torch.rand(32, *shape, generator=gen)
            model(x * 2 - 1 if signed else x)
    return model.eval()


def brevitas_residual(seed: int = 0, bits: int = 4, batch_norm: bool = False):
    """A CNN with a residual addition of two branches that share one quantizer (a conv branch and
    the identity), then max pooling, a 1x1 conv and a global average; no biases (a BatchNorm2d after
    each 3x3 conv with `batch_norm`, as ResNets have)."""
    import torch
    from brevitas import nn as qnn
    from brevitas.quant import Uint8ActPerTensorFixedPoint

    weights, acts, unsigned = _brevitas_quants(bits)

    class Residual(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.inp = qnn.QuantIdentity(act_quant=Uint8ActPerTensorFixedPoint)
            self.conv1 = qnn.QuantConv2d(1, 4, 3, padding=1, weight_quant=weights, bias=False)
            self.bn1 = _trained_like(torch.nn.BatchNorm2d(4)) if batch_norm else torch.nn.Identity()
            self.relu1 = qnn.QuantReLU(act_quant=unsigned)
            self.conv2 = qnn.QuantConv2d(4, 4, 3, padding=1, weight_quant=weights, bias=False)
            self.bn2 = _trained_like(torch.nn.BatchNorm2d(4)) if batch_norm else torch.nn.Identity()
            self.shared = qnn.QuantIdentity(act_quant=acts)
            self.pool = torch.nn.MaxPool2d(2)
            self.head = qnn.QuantConv2d(4, 10, 1, weight_quant=weights, bias=False)
            self.gap = torch.nn.AdaptiveAvgPool2d(1)

        def forward(self, x):
            x = self.relu1(self.bn1(self.conv1(self.inp(x))))
            y = self.shared(self.bn2(self.conv2(x))) + self.shared(x)
            return torch.flatten(self.gap(self.head(self.pool(y))), 1)

    torch.manual_seed(seed)
    return _calibrated(Residual(), (1, 16, 16), seed)


def brevitas_cnn(seed: int = 0, bits: int = 2, batch_norm: bool = False):
    """A 3x32x32 CNN with 2-bit weights and activations: conv (BatchNorm2d with `batch_norm`), ReLU,
    max pool twice, then a linear layer with a QuantIdentity on the logits; no biases."""
    import torch
    from brevitas import nn as qnn
    from brevitas.quant import Uint8ActPerTensorFixedPoint

    weights, acts, unsigned = _brevitas_quants(bits)
    torch.manual_seed(seed)

    def block(n_in):
        bn = [_trained_like(torch.nn.BatchNorm2d(8))] if batch_norm else []
        return [qnn.QuantConv2d(n_in, 8, 3, padding=1, weight_quant=weights, bias=False), *bn,
                qnn.QuantReLU(act_quant=unsigned), torch.nn.MaxPool2d(2)]

    model = torch.nn.Sequential(
        qnn.QuantIdentity(act_quant=Uint8ActPerTensorFixedPoint), *block(3), *block(8), torch.nn.Flatten(),
        qnn.QuantLinear(8 * 8 * 8, 10, bias=False, weight_quant=weights), qnn.QuantIdentity(act_quant=acts))
    return _calibrated(model, (3, 32, 32), seed)


def brevitas_per_channel(seed: int = 0, bits: int = 4):
    """A CNN with per-channel power-of-two weight scales (Brevitas' Int8WeightPerChannelFixedPoint)
    whose channels span several octaves: conv, ReLU, max pool, a linear layer, a QuantIdentity."""
    import torch
    from brevitas import nn as qnn
    from brevitas.quant import Uint8ActPerTensorFixedPoint
    from brevitas.quant.fixed_point import Int8WeightPerChannelFixedPoint

    class Weights(Int8WeightPerChannelFixedPoint):
        bit_width = bits

    _, acts, _ = _brevitas_quants(bits)
    torch.manual_seed(seed)
    model = torch.nn.Sequential(
        qnn.QuantIdentity(act_quant=Uint8ActPerTensorFixedPoint),
        qnn.QuantConv2d(1, 8, 3, padding=1, weight_quant=Weights, bias=False),
        qnn.QuantReLU(act_quant=Uint8ActPerTensorFixedPoint), torch.nn.MaxPool2d(2), torch.nn.Flatten(),
        qnn.QuantLinear(8 * 8 * 8, 10, bias=False, weight_quant=Weights), qnn.QuantIdentity(act_quant=acts))
    with torch.no_grad():  # channels of different ranges, as training leaves them
        model[1].weight[:4] *= 8
        model[5].weight[:3] *= 0.1
    return _calibrated(model, (1, 16, 16), seed)


def brevitas_input_scaling(seed: int = 0, bits: int = 4):
    """Input scaling in the model's forward, as users write it (`2 * x - 1` to map [0, 1) images onto
    [-1, 1)), before an 8-bit signed input quantizer; then conv, ReLU, linear, QuantIdentity."""
    import torch
    from brevitas import nn as qnn
    from brevitas.quant import Int8ActPerTensorFixedPoint

    weights, acts, unsigned = _brevitas_quants(bits)

    class Scaled(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.inp = qnn.QuantIdentity(act_quant=Int8ActPerTensorFixedPoint)
            self.conv = qnn.QuantConv2d(1, 4, 3, weight_quant=weights, bias=False)
            self.relu = qnn.QuantReLU(act_quant=unsigned)
            self.fc = qnn.QuantLinear(4 * 6 * 6, 10, bias=False, weight_quant=weights)
            self.out = qnn.QuantIdentity(act_quant=acts)

        def forward(self, x):
            x = self.inp(2 * x - 1)
            return self.out(self.fc(torch.flatten(self.relu(self.conv(x)), 1)))

    torch.manual_seed(seed)
    return _calibrated(Scaled(), (1, 8, 8), seed)


def brevitas_binary(seed: int = 0, act_bits: int = 1):
    """A binary network as FINN's BNN examples write it: binary weights (+-1, Brevitas'
    SignedBinaryWeightPerTensorConst at scale 1), each QuantLinear followed by a BatchNorm1d and a
    binary (`act_bits` 1: bipolar sign) or 2-bit activation; 2-bit logits."""
    import torch
    from brevitas import nn as qnn
    from brevitas.quant import Int8ActPerTensorFixedPoint, SignedBinaryActPerTensorConst, SignedBinaryWeightPerTensorConst

    class BinaryWeights(SignedBinaryWeightPerTensorConst):
        scaling_const = 1.0

    _, two_bit, _ = _brevitas_quants(2)
    acts = SignedBinaryActPerTensorConst if act_bits == 1 else _brevitas_quants(act_bits)[1]
    torch.manual_seed(seed)
    layers = [qnn.QuantIdentity(act_quant=Int8ActPerTensorFixedPoint), torch.nn.Flatten()]
    for n_in, n_out in ((64, 32), (32, 16)):
        layers += [qnn.QuantLinear(n_in, n_out, bias=False, weight_quant=BinaryWeights),
                   _trained_like(torch.nn.BatchNorm1d(n_out)), qnn.QuantIdentity(act_quant=acts)]
    layers += [qnn.QuantLinear(16, 10, bias=False, weight_quant=BinaryWeights), torch.nn.BatchNorm1d(10),
               qnn.QuantIdentity(act_quant=two_bit)]
    return _calibrated(torch.nn.Sequential(*layers), (1, 8, 8), seed, signed=True)


def brevitas_host_ends(seed: int = 0, per_channel: bool = False, tail: str = "tensornorm", bits: int = 4):
    """A CNN with float work at both ends, as users write it: input normalisation before the input
    quantizer (`(x - 0.1307) / 0.3081`, or per-channel mean and std on 3 channels), then conv,
    ReLU, linear, and after the last layer bnn_pynq's TensorNorm (a learned float scale and shift)
    and, with `tail="softmax"`, a Softmax."""
    import torch
    from brevitas import nn as qnn
    from brevitas.quant import Int8ActPerTensorFixedPoint
    from brevitas_examples.bnn_pynq.models.tensor_norm import TensorNorm

    weights, _, unsigned = _brevitas_quants(bits)

    class Ends(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.inp = qnn.QuantIdentity(act_quant=Int8ActPerTensorFixedPoint)
            self.conv = qnn.QuantConv2d(3 if per_channel else 1, 4, 3, weight_quant=weights, bias=False)
            self.relu = qnn.QuantReLU(act_quant=unsigned)
            self.fc = qnn.QuantLinear(4 * 6 * 6, 10, bias=False, weight_quant=weights)
            self.norm = TensorNorm()
            self.register_buffer("mean", torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1))
            self.register_buffer("std", torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1))

        def forward(self, x):
            x = (x - self.mean) / self.std if per_channel else (x - 0.1307) / 0.3081
            x = self.norm(self.fc(torch.flatten(self.relu(self.conv(self.inp(x))), 1)))
            return torch.softmax(x, 1) if tail == "softmax" else x

    torch.manual_seed(seed)
    model = _calibrated(Ends(), (3 if per_channel else 1, 8, 8), seed)
    with torch.no_grad():  # as training leaves TensorNorm: not the identity
        model.norm.weight.uniform_(0.5, 2.0)
        model.norm.bias.uniform_(-1.0, 1.0)
        model.norm.running_mean.uniform_(-2.0, 2.0)
        model.norm.running_var.uniform_(0.5, 4.0)
    return model.eval()


def brevitas_float_scales(seed: int = 0, float_part: str = "weights"):
    """Models with Brevitas' default float-scale quantizers, as users write them: `float_part=
    "defaults"`: an MLP of nothing but defaults (QuantIdentity, QuantLinear with float bias,
    QuantReLU); "per-channel-conv": a CNN with per-channel float weight scales
    (Int8WeightPerChannelFloat), default activations, max pooling and a default QuantLinear;
    "weights": default QuantLinear weights (Int8WeightPerTensorFloat) after power-of-two
    activations, a default Int8ActPerTensorFloat on the logits; "activations": default
    QuantIdentity and QuantReLU with power-of-two weights, float logits."""
    import torch
    from brevitas import nn as qnn
    from brevitas.quant import Int8ActPerTensorFixedPoint, Int8ActPerTensorFloat, Int8WeightPerTensorFixedPoint
    from brevitas.quant import Uint8ActPerTensorFixedPoint

    torch.manual_seed(seed)
    if float_part == "defaults":  # every quantizer Brevitas' default, float biases
        layers = [qnn.QuantIdentity(), torch.nn.Flatten(), qnn.QuantLinear(64, 32), qnn.QuantReLU(),
                  qnn.QuantLinear(32, 10)]
    elif float_part == "per-channel-conv":  # per-channel float weight scales, default activations
        from brevitas.quant import Int8WeightPerChannelFloat

        layers = [qnn.QuantIdentity(), qnn.QuantConv2d(1, 8, 3, bias=False, weight_quant=Int8WeightPerChannelFloat),
                  qnn.QuantReLU(), torch.nn.MaxPool2d(2),
                  qnn.QuantConv2d(8, 8, 3, bias=False, weight_quant=Int8WeightPerChannelFloat), qnn.QuantReLU(),
                  torch.nn.Flatten(), qnn.QuantLinear(8, 10)]
    elif float_part == "weights":
        layers = [qnn.QuantIdentity(act_quant=Int8ActPerTensorFixedPoint), torch.nn.Flatten(),
                  qnn.QuantLinear(64, 32, bias=False), qnn.QuantReLU(act_quant=Uint8ActPerTensorFixedPoint),
                  qnn.QuantLinear(32, 10, bias=False), qnn.QuantIdentity(act_quant=Int8ActPerTensorFloat)]
    else:
        w = Int8WeightPerTensorFixedPoint
        layers = [qnn.QuantIdentity(act_quant=Int8ActPerTensorFloat), torch.nn.Flatten(),
                  qnn.QuantLinear(64, 32, bias=False, weight_quant=w), qnn.QuantReLU(),
                  qnn.QuantLinear(32, 10, bias=False, weight_quant=w)]
    return _calibrated(torch.nn.Sequential(*layers), (1, 8, 8), seed, signed=True)
