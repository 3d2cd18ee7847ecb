"""Typed, serialisable configuration of a model and its training (a model directory's
configuration file holds a ModelDirConfig; hwcnn/artifacts.py owns the directory).

Configs are read from JSON with `from_dict`: an unknown key, a missing key or a value of the wrong
type is a one-line HwcnnError naming the key (`model.quant.layers.conv1.weight_bits: ...`).
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from dataclasses import dataclass, field
from typing import Any, TypeVar

from hwcnn.errors import HwcnnError

MIN_BITS, MAX_BITS = 2, 8
OPTIMIZERS = ("adam", "sgd")
SCHEDULES = ("onecycle", "cosine", "constant")
WEIGHT_SCALES = ("max", "mse")


def _check_bits(what: str, bits: int) -> None:
    if not MIN_BITS <= bits <= MAX_BITS:
        raise HwcnnError(f"{what} = {bits} is outside {MIN_BITS}..{MAX_BITS}")


def _check_finite(what: str, value: float) -> None:
    """NaN and infinity pass every comparison-based range check the wrong way (lr = inf trains NaN weights)."""
    if not math.isfinite(value):
        raise HwcnnError(f"{what} = {value} must be a finite number")


def _check_choice(what: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise HwcnnError(f"{what} = {value!r}; expected one of {', '.join(choices)}")


@dataclass(frozen=True)
class LayerBits:
    """Bit widths of one layer: its weights and the activation that follows it."""
    weight_bits: int
    act_bits: int

    def __post_init__(self):
        _check_bits("weight_bits", self.weight_bits)
        _check_bits("act_bits", self.act_bits)


def parse_layer_bits(items: list[str]) -> dict[str, LayerBits]:
    """Per-layer widths written LAYER=W,A (`hwcnn train --layer-bits conv1=8,4`), by layer name."""
    layers = {}
    for item in items:
        name, sep, bits = item.partition("=")
        w, sep2, a = bits.partition(",")
        if not (sep and sep2 and w.strip().isdigit() and a.strip().isdigit()):
            raise HwcnnError(f"--layer-bits {item!r}: expected LAYER=W,A, e.g. conv1=8,4")
        layers[name] = LayerBits(int(w), int(a))
    return layers


@dataclass
class QuantConfig:
    """Quantization of a QAT model (power-of-two, per-tensor scales everywhere)."""
    weight_bits: int                 # weights of every layer, unless overridden in `layers`
    act_bits: int                    # every activation output, unless overridden in `layers`
    input_bits: int = 8              # the network input: unsigned, scale 2^-input_bits
    # per-layer overrides, keyed by the names in the model's `layer_names`; a layer's act_bits
    # apply to the activation after it (unused for the output layer, whose output is the accumulator)
    layers: dict[str, LayerBits] = field(default_factory=dict)
    # how each weight tensor's power-of-two scale is chosen: "max" follows the largest weight; "mse"
    # minimises the quantization error and clips outliers (see models/quant.py)
    weight_scale: str = "max"

    def __post_init__(self):
        _check_bits("weight_bits", self.weight_bits)
        _check_bits("act_bits", self.act_bits)
        _check_bits("input_bits", self.input_bits)
        _check_choice("weight_scale", self.weight_scale, WEIGHT_SCALES)

    def for_layer(self, name: str) -> LayerBits:
        return self.layers.get(name, LayerBits(self.weight_bits, self.act_bits))


@dataclass
class ModelConfig:
    """What `hwcnn.models.build_model` builds: an architecture, its variant, and its quantization."""
    arch: str                        # "lenet5" or "squeezenet"
    variant: str                     # lenet5: "modern" | "classic"; squeezenet: a preset name
    dataset: str = "mnist"           # the dataset it is trained and evaluated on
    in_channels: int = 1
    num_classes: int = 10
    quant: QuantConfig | None = None  # None: the float model
    batch_norm: bool = False         # squeezenet: batch norm after every conv
    dropout: float = 0.0             # squeezenet: dropout before the final conv

    def __post_init__(self):
        _check_finite("dropout", self.dropout)
        if not (1 <= self.in_channels <= 64 and 2 <= self.num_classes <= 100_000):
            raise HwcnnError(f"in_channels = {self.in_channels} and num_classes = {self.num_classes} "
                             "must be in 1..64 and 2..100000")
        if not 0.0 <= self.dropout < 1.0:
            raise HwcnnError(f"dropout = {self.dropout} is outside [0, 1)")


@dataclass
class TrainConfig:
    """How a model was (or is to be) trained."""
    epochs: int
    batch_size: int = 128
    lr: float = 1e-3                 # peak learning rate
    optimizer: str = "adam"          # "adam" | "sgd" (momentum 0.9, nesterov)
    weight_decay: float = 0.0
    schedule: str = "onecycle"       # "onecycle" | "cosine" | "constant", stepped per batch
    augment_shift: int = 0           # random shifts of each training image by up to this many pixels
    augment_flip: bool = False       # random horizontal flips (clothes, objects; not digits)
    distill: float = 0.0             # weight of the float twin's soft targets in the loss (QAT), 0..1
    seed: int = 0
    init_from: str | None = None     # model directory whose weights start training (as given)
    ema: float = 0.0                 # decay per step of an exponential moving average of the weights
                                     # (0 = off); when on, the averaged weights are validated and kept
    equalize: bool = False           # QAT from a float SqueezeNet: cross-layer equalization of its
                                     # folded weights before training (hwcnn.models.squeezenet.equalize)
    train_images: int | None = None  # train on the first N training images only (None: all; quick studies)

    def __post_init__(self):
        for name in ("lr", "weight_decay", "distill", "ema"):
            _check_finite(name, getattr(self, name))
        if self.train_images is not None and self.train_images < 1:
            raise HwcnnError(f"train_images = {self.train_images} must be >= 1")
        if self.epochs < 1 or self.batch_size < 1:
            raise HwcnnError(f"epochs = {self.epochs} and batch_size = {self.batch_size} must be >= 1")
        if not self.lr > 0:
            raise HwcnnError(f"lr = {self.lr} must be > 0")
        if self.weight_decay < 0 or self.augment_shift < 0:
            raise HwcnnError("weight_decay and augment_shift must be >= 0")
        if not 0 <= self.distill <= 1:
            raise HwcnnError(f"distill = {self.distill} must be in 0..1")
        if not 0 <= self.ema < 1:
            raise HwcnnError(f"ema = {self.ema} must be in 0..1 (exclusive of 1)")
        _check_choice("optimizer", self.optimizer, OPTIMIZERS)
        _check_choice("schedule", self.schedule, SCHEDULES)


@dataclass
class ModelDirConfig:
    """The content of a model directory's configuration file."""
    model: ModelConfig
    train: TrainConfig
    float_twin: str | None = None    # the float twin's model directory, relative to this one


# --- JSON <-> dataclasses ----------------------------------------------------------------------

T = TypeVar("T")


def to_dict(cfg: Any) -> dict:
    """A config as plain JSON-serialisable data."""
    return dataclasses.asdict(cfg)


def from_dict(cls: type[T], data: Any, where: str = "config") -> T:
    """Build dataclass `cls` from JSON data, checking keys and types; errors name the key."""
    if not isinstance(data, dict):
        raise HwcnnError(f"{where}: expected an object, got {type(data).__name__}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise HwcnnError(f"{where}: unknown key {unknown[0]!r}; expected one of {', '.join(fields)}")
    required = [n for n, f in fields.items()
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    missing = [n for n in required if n not in data]
    if missing:
        raise HwcnnError(f"{where}: missing key {missing[0]!r}")
    hints = typing.get_type_hints(cls)
    kwargs = {name: _convert(hints[name], value, f"{where}.{name}") for name, value in data.items()}
    try:
        return cls(**kwargs)
    except HwcnnError as err:
        raise HwcnnError(f"{where}: {err}") from None


def _convert(tp: Any, value: Any, where: str) -> Any:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        (tp,) = [a for a in args if a is not type(None)]
        return _convert(tp, value, where)
    if dataclasses.is_dataclass(tp):
        return from_dict(tp, value, where)
    if origin is dict:
        if not isinstance(value, dict):
            raise HwcnnError(f"{where}: expected an object, got {type(value).__name__}")
        return {k: _convert(args[1], v, f"{where}.{k}") for k, v in value.items()}
    ok = {bool: lambda v: isinstance(v, bool),
          int: lambda v: isinstance(v, int) and not isinstance(v, bool),
          float: lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
          str: lambda v: isinstance(v, str)}[tp]
    if not ok(value):
        raise HwcnnError(f"{where}: expected {tp.__name__}, got {json_type(value)} {value!r}")
    return float(value) if tp is float else value


def json_type(value: Any) -> str:
    return {bool: "boolean", int: "integer", float: "number", str: "string", type(None): "null",
            list: "array", dict: "object"}.get(type(value), type(value).__name__)
