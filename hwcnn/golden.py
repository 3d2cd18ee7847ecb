"""Golden bit-accuracy vectors: committed inputs and the C simulation's raw outputs for them.

A regression gate that needs no tolerance and no trust in any implementation of today: every CI
run checks that both the C simulation and the simulator still produce exactly these raw values.
They are rewritten only deliberately (`hwcnn verify MODEL --update-golden`).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np

from hwcnn.errors import HwcnnError
from hwcnn.outputs import replace_bytes

GOLDEN_DIR = Path("tests/golden")
N_GOLDEN_IMAGES = 30


def golden_path(model_dir: Path, golden_dir: Path = GOLDEN_DIR) -> Path:
    return Path(golden_dir) / f"{Path(model_dir).name}.npz"


def golden_images(test_images: np.ndarray) -> np.ndarray:
    """uint8 codes: all-zero, all-max, then the first official test images."""
    extremes = np.stack([np.zeros_like(test_images[0]), np.full_like(test_images[0], 255)])
    return np.concatenate([extremes, test_images[: N_GOLDEN_IMAGES - 2]])


def write_golden(path: Path, images: np.ndarray, csim_out: np.ndarray, out_type, meta: dict) -> None:
    """Store the inputs and the C simulation's outputs as raw integers of the output type."""
    raw = csim_out / out_type.lsb
    if not np.array_equal(raw, np.round(raw)):
        raise HwcnnError("C-simulation outputs are not on the output type's grid; refusing to write golden vectors")
    buf = io.BytesIO()
    np.savez_compressed(buf, images=images.astype(np.uint8), expected_raw=raw.astype(np.int64),
                        meta=np.array(json.dumps({**meta, "output_type": out_type.ap()})))
    replace_bytes(Path(path), buf.getvalue())


def read_golden(path: Path) -> tuple[np.ndarray, np.ndarray, dict]:
    path = Path(path)
    if not path.exists():
        raise HwcnnError(f"no golden vectors at {path}; create them with `hwcnn verify MODEL_DIR --update-golden`")
    try:
        with np.load(path) as z:
            return z["images"], z["expected_raw"], json.loads(str(z["meta"]))
    except (OSError, KeyError, ValueError) as err:
        raise HwcnnError(f"{path}: corrupt golden vectors ({err})") from None


def update_golden(model_dir: Path, project, golden_dir: Path, data) -> Path:
    """Rewrite the model's golden vectors from the C simulation of `project` (data: a DataSource)."""
    from hwcnn.artifacts import ModelDir
    from hwcnn.data.encoding import to_float
    from hwcnn.hlsgen.csim import run_csim
    from hwcnn.project import BuiltProject

    project = BuiltProject.of(project)
    md = ModelDir(model_dir)
    cfg = md.config().model
    images = golden_images(data.split(cfg.dataset, "test").images)
    x = to_float(images)
    out_type = project.simulator.run(x[:1]).output.type
    path = golden_path(model_dir, golden_dir)
    write_golden(path, images, run_csim(project, x, progress=False), out_type,
                 {"model": md.name, "model_sha256": md.digest(), "dataset": cfg.dataset})
    return path
