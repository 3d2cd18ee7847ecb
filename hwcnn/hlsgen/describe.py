"""Write the hardware description (hwcnn/hwdesc.py) from a converted hls4ml ModelGraph: of each layer
the attributes its kind names (`Kind.attrs`, hwcnn/layers.py), its types and its weights."""

from __future__ import annotations

import io
import json

import numpy as np

from hwcnn.artifacts import Project
from hwcnn.errors import HwcnnError
from hwcnn.hlsgen.aptype import fixed_of
from hwcnn.hlsgen.precision import weight_raw
from hwcnn.hlsgen.tensors import qonnx_map
from hwcnn.hwdesc import FORMAT_VERSION
from hwcnn.layers import Kind
from hwcnn.outputs import replace_bytes


def describe(hm, qmodel, partition: dict) -> tuple[dict, dict[str, np.ndarray]]:
    """Extract the description (JSON-able dict) and the raw weight arrays from a ModelGraph converted
    from the QONNX graph `qmodel`."""
    layers, weights = [], {}
    tensors = qonnx_map(hm, qmodel)
    for layer in hm.get_layers():
        kind = Kind.of(layer.class_name, f"layer {layer.name}")
        entry = {
            "name": layer.name,
            "kind": kind.value,
            "inputs": list(layer.inputs),
            "output": layer.outputs[0],
            "outputs": list(layer.outputs),  # a Clone (io_stream fan-out) has several
            "shape": [int(s) for s in layer.get_output_variable().shape],
            "qonnx": tensors[layer.name],  # the QONNX tensors it reads and computes (hlsgen/tensors.py)
            "attrs": {k: _plain(layer.get_attr(k)) for k in kind.attrs if layer.get_attr(k) is not None},
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
            raw, t = weight_raw(layer, wname)
            key = f"{layer.name}/{wname}"
            weights[key] = raw
            entry["weights"][wname] = {"key": key, "type": t.ap(), "shape": list(raw.shape)}
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
        "partition": partition,  # what the host computes around the core (hwcnn/host.py)
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


def write(hm, qmodel, project: Project, partition: dict) -> None:
    """`partition`: the host's part and the core's boundaries (hwcnn.host.Split.partition)."""
    desc, weights = describe(hm, qmodel, partition)
    replace_bytes(project.description_path, (json.dumps(desc, indent=1) + "\n").encode())
    buf = io.BytesIO()
    np.savez_compressed(buf, **weights)
    replace_bytes(project.description_weights_path, buf.getvalue())
