#!/usr/bin/env python
"""Rewrite the reference HLS projects (hls/reference/<model>/) of the shipped QAT models.

Run it deliberately, from the repository root, when a change to hwcnn (or a pinned upstream
version) changes the generated design; `tests/hw/test_reference.py` fails until you do, and the
diff of hls/reference/ shows the change for review.

    .venv/bin/python scripts/update_reference.py [MODEL ...]
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from hwcnn import pipeline
from hwcnn.artifacts import Project, qat_model_dirs
from hwcnn.outputs import output_dir

REFERENCE = Path("hls/reference")


def main(argv: list[str]) -> int:
    names = argv or [md.name for md in qat_model_dirs(Path("models"))]
    for name in names:
        with tempfile.TemporaryDirectory() as tmp:
            cfg = pipeline.RunConfig(project=Path(tmp) / "hls", model_dir=Path("models") / name, progress=False)
            pipeline.run(cfg, "export", "convert")
            project = Project(cfg.project)
            with output_dir(REFERENCE / name, force=True) as out:
                for rel in project.reviewable_files():
                    (out / rel).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(project.path / rel, out / rel)
            n = len(project.reviewable_files())
        print(f"wrote {REFERENCE / name} ({n} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
