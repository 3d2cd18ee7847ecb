"""Golden bit-accuracy vectors of every shipped model: the C simulation and the simulator must
both still produce exactly the committed raw outputs (rewrite them only with
`hwcnn verify MODEL --update-golden`)."""

from __future__ import annotations

import pytest
from numpy.testing import assert_array_equal

from hwcnn.artifacts import ModelDir, qat_model_dirs
from hwcnn.data.encoding import to_float
from hwcnn.golden import GOLDEN_DIR, golden_path, read_golden
from hwcnn.hlsgen.csim import build, run_csim
from hwcnn.sim import load_simulator
from hwkit import ROOT

pytestmark = pytest.mark.slow

SHIPPED = sorted(p.name for p in (ROOT / "models").iterdir() if (ROOT / GOLDEN_DIR / f"{p.name}.npz").exists())


def test_golden_every_shipped_qat_model_has_vectors():
    qat = [md.name for md in qat_model_dirs(ROOT / "models")]
    assert qat and qat == SHIPPED


@pytest.fixture(scope="module", params=SHIPPED)
def golden_project(request, shipped):
    model_dir = ROOT / "models" / request.param
    images, expected, meta = read_golden(golden_path(model_dir, ROOT / GOLDEN_DIR))
    assert meta["model_sha256"] == ModelDir(model_dir).digest(), \
        f"{model_dir} changed since its golden vectors were made; rerun hwcnn verify --update-golden deliberately"
    project = shipped[request.param]
    build(project, quiet=True)
    return project, to_float(images), expected


def test_golden_csim(golden_project):
    project, x, expected = golden_project
    out_lsb = load_simulator(project).run(x[:1]).output.type.lsb
    assert_array_equal(run_csim(project, x, progress=False) / out_lsb, expected)


def test_golden_simulator(golden_project):
    project, x, expected = golden_project
    assert_array_equal(load_simulator(project).run(x).output.raw, expected)
