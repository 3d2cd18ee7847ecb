"""The hardware description: what the HLS code is generated from, as plain data.

Written into every HLS project at conversion (`hwcnn_model.json` + `hwcnn_weights.npz`) from
the hls4ml ModelGraph after hwcnn chose its types. The simulator reads only these two files:
layer kinds, shapes, attributes, every fixed-point type as an ap string, and weights as raw
integers of their types. It never imports hls4ml or touches the C++.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np

from hwcnn.errors import HwcnnError
from hwcnn.fsutil import atomic_write_bytes

DESC_FILE = "hwcnn_model.json"
WEIGHTS_FILE = "hwcnn_weights.npz"
FORMAT_VERSION = 1

# attributes the simulator needs, by hls4ml layer class
_ATTRS = {
    "Conv2D": ["in_height", "in_width", "n_chan", "filt_height", "filt_width", "n_filt", "stride_height",
               "stride_width", "pad_top", "pad_bottom", "pad_left", "pad_right", "out_height", "out_width"],
    "Dense": ["n_in", "n_out"],
    "Pooling2D": ["in_height", "in_width", "n_filt", "pool_height", "pool_width", "stride_height", "stride_width",
                  "pad_top", "pad_bottom", "pad_left", "pad_right", "out_height", "out_width", "pool_op", "count_pad"],
    "GlobalPooling2D": ["in_height", "in_width", "n_filt", "pool_op"],
    "Activation": ["activation", "n_in", "table_size"],
    "Transpose": ["perm"],
    "Concatenate": ["axis"],
    "ZeroPadding2D": ["in_height", "in_width", "n_chan", "pad_top", "pad_bottom", "pad_left", "pad_right"],
}
_ATTRS["PointwiseConv2D"] = _ATTRS["Conv2D"]  # hls4ml's 1x1 Conv2D in io_stream


def describe(hm) -> tuple[dict, dict[str, np.ndarray]]:
    """Extract the description (JSON-able dict) and the raw weight arrays from a ModelGraph."""
    from hwcnn.fixed import from_float
    from hwcnn.precision import fixed_of

    layers, weights = [], {}
    for layer in hm.get_layers():
        kind = layer.class_name
        entry = {
            "name": layer.name,
            "kind": kind,
            "inputs": list(layer.inputs),
            "output": layer.outputs[0],
            "outputs": list(layer.outputs),  # a Clone (io_stream fan-out) has several
            "shape": [int(s) for s in layer.get_output_variable().shape],
            "attrs": {k: _plain(layer.get_attr(k)) for k in _ATTRS.get(kind, []) if layer.get_attr(k) is not None},
            "types": {},
            "weights": {},
        }
        for key, named in layer.types.items():
            try:
                entry["types"][key.removesuffix("_t")] = fixed_of(named.precision).ap()
            except (ValueError, HwcnnError):
                continue  # index or table types the simulator does not need
        entry["types"]["result"] = fixed_of(layer.get_output_variable().type.precision).ap()
        for wname, var in layer.weights.items():
            t = fixed_of(var.type.precision)
            key = f"{layer.name}/{wname}"
            weights[key] = from_float(np.asarray(var.data, dtype=np.float64), t)
            entry["weights"][wname] = {"key": key, "type": t.ap(), "shape": list(var.data.shape)}
        layers.append(entry)
    ins = hm.get_input_variables()
    outs = hm.get_output_variables()
    desc = {
        "format": FORMAT_VERSION,
        "project_name": hm.config.get_project_name(),
        "io_type": hm.config.get_config_value("IOType"),
        # names are the graph's tensor names (what layers list as inputs/outputs), not C++ variables
        "inputs": [{"name": n, "shape": [int(s) for s in v.shape]} for n, v in zip(hm.inputs, ins)],
        "outputs": [{"name": n, "shape": [int(s) for s in v.shape]} for n, v in zip(hm.outputs, outs)],
        "layers": layers,
    }
    return desc, weights


def _plain(v):
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if hasattr(v, "name") and not isinstance(v, str):
        return str(v.name)
    return v


def write(hm, project: Path) -> None:
    desc, weights = describe(hm)
    atomic_write_bytes(project / DESC_FILE, (json.dumps(desc, indent=1) + "\n").encode())
    buf = io.BytesIO()
    np.savez_compressed(buf, **weights)
    atomic_write_bytes(project / WEIGHTS_FILE, buf.getvalue())


def load(project: Path) -> tuple[dict, dict[str, np.ndarray]]:
    """Read a project's hardware description, with one-line errors for what is missing."""
    project = Path(project)
    path = project / DESC_FILE
    if not path.exists():
        raise HwcnnError(f"{project} is not an hwcnn HLS project ({DESC_FILE} missing); make one with `hwcnn convert`")
    try:
        desc = json.loads(path.read_text())
        with np.load(project / WEIGHTS_FILE) as npz:
            weights = {k: npz[k] for k in npz.files}
    except (OSError, ValueError) as err:
        raise HwcnnError(f"{project}: corrupt hardware description: {err}") from None
    if desc.get("format") != FORMAT_VERSION:
        raise HwcnnError(f"{path}: format {desc.get('format')} is not {FORMAT_VERSION}; convert the model again")
    return desc, weights
