"""A built HLS project as the steps pass it: its hardware description read once, its manifest, its
conversion check and its simulator (built on first use), so that no step reopens what another has
read (hwcnn/pipeline.py hands one `BuiltProject` from the convert step to csim, simulate and verify).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hwcnn import hwdesc
from hwcnn.artifacts import Project
from hwcnn.host import Host
from hwcnn.outputs import read_json
from hwcnn.sim.graph import Simulator


@dataclass
class BuiltProject:
    """A converted project: where it lies, its hardware description and weights (raw integers)."""

    path: Path
    desc: dict
    weights: dict[str, np.ndarray] = field(repr=False)

    @classmethod
    def open(cls, path: Path) -> "BuiltProject":
        return cls(Path(path), *hwdesc.load(Path(path)))

    @classmethod
    def of(cls, project: "BuiltProject | Path | str") -> "BuiltProject":
        """The project itself, or the one at a path (read now)."""
        return project if isinstance(project, BuiltProject) else cls.open(project)

    def moved_to(self, path: Path) -> "BuiltProject":
        """The same project once its output directory is renamed into place (nothing is read again)."""
        self.path = Path(path)
        for cached in ("manifest", "check", "host"):
            self.__dict__.pop(cached, None)
        return self

    @property
    def files(self) -> Project:
        return Project(self.path)

    @functools.cached_property
    def simulator(self) -> Simulator:
        return Simulator(self.desc, self.weights)

    @functools.cached_property
    def host(self) -> Host:
        """The host's float32 head and tail around the core (hwcnn/host.py), checked against the description."""
        return Host.open((self.files.host_pre_path, self.files.host_post_path), self.desc)

    def to_core(self, x: np.ndarray) -> np.ndarray:
        """The core's inputs for the model's inputs x (the host's head, where there is one)."""
        return self.host.to_core(x)

    def from_core(self, y: np.ndarray) -> np.ndarray:
        """The model's outputs (float64 rows) for the core's outputs y (the host's tail, where there is one)."""
        return self.host.from_core(y)

    @functools.cached_property
    def manifest(self) -> dict:
        return self.files.manifest()

    @functools.cached_property
    def check(self) -> dict:
        """The conversion's own check (simulator == QONNX on the testbench inputs), as recorded."""
        return read_json(self.files.precision_json_path, "precision report").get("check", {})

    @property
    def input_shape(self) -> tuple[int, ...]:
        """The core's input shape."""
        return tuple(self.desc["inputs"][0]["shape"])
