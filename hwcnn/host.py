"""The host's float32 head and tail around the core, as a converted project runs them.

A QONNX graph may compute in float before its first quantizer (input normalisation such as
`(x - 0.1307) / 0.3081`, per-channel mean and std, a Flatten before the input quantizer) and after
its last quantized tensor (a learned output scale and shift such as bnn_pynq's TensorNorm, a float
bias on the last layer, Softmax, ArgMax). No fixed-point grid reproduces those float32 roundings
bit for bit, so they stay on the host: the conversion cuts them off the core
(hwcnn/hlsgen/partition.py) into QONNX graphs of their own in the project, and `Host` runs them with
qonnx's own executor, the same operations in the same order as QONNX's execution of the whole
graph, around the C simulation and the simulator alike. The core's input is then the first
quantizer's output (on its grid) and its output the last tensor the core computes exactly.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import hwcnn.qonnx_ext  # noqa: F401 - registers ExactScale, which a host's tail may run
from hwcnn.errors import HwcnnError
from hwcnn.qonnx_exec import execute_qonnx

FLOAT = "float32"  # the model's input type where the host's head quantizes it (the manifest's input_type)


def digest(model) -> str:
    """sha256 of a graph as the conversion writes it (its serialized bytes)."""
    return hashlib.sha256(model.model.SerializeToString()).hexdigest()


@dataclass
class Host:
    """The host's part of a converted project: its head and tail graphs (None where empty), run
    around the core's C simulation, the simulator and the board's core alike."""

    head: object | None
    tail: object | None
    core_input_shape: tuple[int, ...]
    core_output_shape: tuple[int, ...]

    @classmethod
    def open(cls, paths: tuple[Path, Path], desc: dict) -> "Host":
        """The host graphs a project's description names, checked against the sha256 it records."""
        import onnx
        from qonnx.core.modelwrapper import ModelWrapper

        part = desc.get("partition") or {}
        graphs = []
        for side, path in zip(("host_pre", "host_post"), paths):
            if not part.get(side):
                graphs.append(None)
                continue
            try:
                data = Path(path).read_bytes()
            except OSError:
                raise HwcnnError(f"{path}: the host's graph is missing or unreadable; convert the model again") from None
            if hashlib.sha256(data).hexdigest() != part.get(side + "_sha256"):
                raise HwcnnError(f"{path}: the host's graph is not the one this project was converted with "
                                 "(its sha256 differs from the description's); convert the model again")
            graphs.append(ModelWrapper(onnx.load_model_from_string(data)))
        return cls(*graphs, tuple(desc["inputs"][0]["shape"]), tuple(desc["outputs"][0]["shape"]))

    @property
    def empty(self) -> bool:
        return self.head is None and self.tail is None

    def to_core(self, x: np.ndarray) -> np.ndarray:
        """The core's inputs for model inputs x: the head's output (the first quantizer's values)."""
        if self.head is None:
            return x
        return execute_qonnx(self.head, np.asarray(x, dtype=np.float32)).reshape(len(x), *self.core_input_shape)

    def from_core(self, y: np.ndarray) -> np.ndarray:
        """The model's outputs (float64, one row per input) for the core's outputs y."""
        y = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        if self.tail is None:
            return y
        # the core's outputs as the float32 tensor QONNX holds there (exact: the conversion checked them equal)
        tail_in = y.astype(np.float32).reshape(len(y), *self.tail_input_shape)
        return execute_qonnx(self.tail, tail_in).astype(np.float64)

    @property
    def tail_input_shape(self) -> tuple[int, ...]:
        shape = self.tail.get_tensor_shape(self.tail.graph.input[0].name)
        return tuple(shape[1:])
