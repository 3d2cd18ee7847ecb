"""Models by name: `build_model(ModelConfig)` builds the float model or its QAT twin.

Quantizer recipes live in `hwcnn.models.quant`; each architecture module holds its table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import torch
from torch import nn

from hwcnn.artifacts import ModelDir
from hwcnn.config import ModelConfig
from hwcnn.errors import HwcnnError
from hwcnn.models.lenet5 import LeNet5
from hwcnn.models.squeezenet import SqueezeNet

ARCHS: dict[str, type[nn.Module]] = {"lenet5": LeNet5, "squeezenet": SqueezeNet}


def build_model(cfg: ModelConfig) -> nn.Module:
    """The model `cfg` describes (float if cfg.quant is None), with freshly initialised weights."""
    if cfg.arch not in ARCHS:
        raise HwcnnError(f"unknown arch {cfg.arch!r}; expected one of {', '.join(ARCHS)}")
    model = ARCHS[cfg.arch](cfg)
    if cfg.quant is not None:
        unknown = sorted(set(cfg.quant.layers) - set(model.layer_names))
        if unknown:
            raise HwcnnError(f"per-layer bits for unknown layer {unknown[0]!r}; {cfg.arch} {cfg.variant} "
                             f"has layers {', '.join(model.layer_names)}")
    return model


def is_quantizer_state(key: str) -> bool:
    """A state_dict entry that belongs to a quantizer (absent from the float twin's state_dict)."""
    return "_quant." in key or key.startswith("input_quant.")


def load_weights(model: nn.Module, state: Mapping, where: str, *, quantizers_from_state: bool = True) -> None:
    """Load a state_dict into `model`; a mismatch is a one-line error naming a key.

    With quantizers_from_state=False the state may lack quantizer entries (a float twin's weights
    initialising a QAT model); every weight must still fit.
    """
    if not isinstance(state, Mapping):
        raise HwcnnError(f"{where} holds a {type(state).__name__}, not a state_dict")
    try:
        result = model.load_state_dict(state, strict=False)
    except RuntimeError as err:  # shape mismatches
        raise HwcnnError(f"{where} does not fit the model: {str(err).splitlines()[-1].strip()}") from None
    missing = [k for k in result.missing_keys if quantizers_from_state or not is_quantizer_state(k)]
    problems = [f"missing {k}" for k in missing] + [f"unexpected {k}" for k in result.unexpected_keys]
    if problems:
        raise HwcnnError(f"{where} does not fit the model ({len(problems)} mismatched keys, first: {problems[0]})")


def load_model_dir(path: Path) -> tuple[nn.Module, ModelConfig]:
    """(model in eval mode, its ModelConfig) from a model directory; one-line errors for what is wrong."""
    md = ModelDir(path)
    cfg = md.config().model
    model = build_model(cfg)
    weights = md.weights_path
    if not weights.is_file():
        raise HwcnnError(f"{weights} not found")
    try:
        state = torch.load(weights, map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises many types for a damaged file
        raise HwcnnError(f"{weights} is not a readable state_dict ({type(err).__name__}); "
                         "retrain the model or restore the file") from None
    load_weights(model, state, str(weights))
    for key, value in state.items():
        if torch.is_tensor(value) and value.is_floating_point() and not bool(torch.isfinite(value).all()):
            raise HwcnnError(f"{weights} holds NaN or infinity in {key}; retrain the model or restore the file")
    return model.eval(), cfg
