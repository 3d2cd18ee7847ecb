"""The bit-exact NumPy fixed-point simulator: an independent second implementation of the core.

It reads a project's hardware description (hwcnn/hwdesc.py) and implements ap_fixed arithmetic
on raw integers (hwcnn/fixed.py) with hls4ml's order of operations (ops.py, graph.py). It never
calls the compiled C++; its outputs must equal the C simulation's bit for bit.
"""

from __future__ import annotations

from pathlib import Path

from hwcnn import hwdesc
from hwcnn.sim.graph import SimResult, Simulator
from hwcnn.sim.ops import Fx

__all__ = ["Fx", "SimResult", "Simulator", "load_simulator"]


def load_simulator(project: Path) -> Simulator:
    desc, weights = hwdesc.load(Path(project))
    return Simulator(desc, weights)
