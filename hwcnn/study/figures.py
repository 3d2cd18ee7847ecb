"""What a study's results and its search both read and write: a point's accuracy and cost figures,
and a plot renamed into place. `results` and `search` import it; it imports neither."""

from __future__ import annotations

import math
from pathlib import Path


def accuracy(r: dict, which: str = "hardware") -> float:
    return r["accuracy"][which]


def cost(r: dict, figure: str) -> float:
    return r["cost"].get(figure, {"value": math.nan})["value"]


def save_figure(fig, path: Path) -> None:
    """Written beside and renamed into place: a reader never sees half a PNG."""
    import matplotlib.pyplot as plt

    fig.tight_layout()
    tmp = path.with_name(path.stem + ".tmp.png")
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    tmp.replace(path)
