"""Quantization studies: accuracy vs. bit width vs. hardware cost, one checked design per point.

`spec` reads a study file (TOML) into points; `point` is one task (train, convert, simulate, check
the C simulation bit for bit, cost); `runner` keeps the study directory and runs tasks on local
workers or Ray; `results` writes the tables, Pareto fronts, budget answers and plots; `search` is
the per-layer sensitivity and the greedy mixed-precision search; `figures` reads a point's accuracy
and cost for both.
"""

from hwcnn.study.runner import run_study, status, status_report, summary_lines
from hwcnn.study.spec import from_flags, from_source, load

__all__ = ["from_flags", "from_source", "load", "run_study", "status", "status_report", "summary_lines"]
