"""Quantization studies: accuracy vs. bit width vs. hardware cost, one checked design per point.

`spec` reads a study file (TOML) into points; `point` is one task (train, convert, simulate, check
the C simulation bit for bit, cost); `runner` keeps the study directory and runs tasks on local
workers or Ray; `results` writes the tables, Pareto fronts, budget answers and plots; `search` is
the per-layer sensitivity and the greedy mixed-precision search.
"""

from hwcnn.study.runner import run_study, status
from hwcnn.study.spec import from_flags, load

__all__ = ["from_flags", "load", "run_study", "status"]
