"""The hardware description: what the HLS code is generated from, as plain data.

Written into every HLS project at conversion (`hwcnn.hlsgen.describe`) from the hls4ml
ModelGraph after hwcnn chose its types. The simulator and the cost model read only this: layer
kinds (hwcnn/layers.py), shapes, attributes, every fixed-point type as an ap string, and weights
as raw integers of their types. Reading it never imports hls4ml or touches the C++.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

from hwcnn.artifacts import Project
from hwcnn.errors import HwcnnError
from hwcnn.fixed import FixedType, Overflow, Rounding
from hwcnn.layers import Kind

FORMAT_VERSION = 1


def is_quantizer(t: FixedType) -> bool:
    """A Brevitas quantizer maps to a type that rounds or saturates; hwcnn's own types truncate and
    wrap. So such a type on an activation is part of the model, and its clipping is not overflow."""
    return t.rounding != Rounding.TRN or t.overflow != Overflow.WRAP


def load(project: Path) -> tuple[dict, dict[str, np.ndarray]]:
    """Read a project's hardware description, with one-line errors for what is missing."""
    p = Project(project)
    path = p.description_path
    if not path.exists():
        raise HwcnnError(f"{p.path} is not an hwcnn HLS project ({path.name} missing); make one with `hwcnn convert`")
    try:
        desc = json.loads(path.read_text())
        with np.load(p.description_weights_path) as npz:
            weights = {k: npz[k] for k in npz.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as err:
        raise HwcnnError(f"{p.path}: corrupt hardware description: {err}") from None
    if not isinstance(desc, dict) or desc.get("format") != FORMAT_VERSION:
        raise HwcnnError(f"{path}: format {desc.get('format') if isinstance(desc, dict) else None} is not "
                         f"{FORMAT_VERSION}; convert the model again")
    for layer in desc.get("layers", []):
        Kind.of(layer.get("kind"), f"{path}: layer {layer.get('name')}")
    return desc, weights
