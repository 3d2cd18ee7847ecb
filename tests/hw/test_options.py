"""Every hls4ml option hwcnn offers, on the shipped LeNet-5: simulator == C simulation == Brevitas QAT on
200 MNIST test images; and a LeNet-5 fitted onto a PYNQ-Z2.

The default run takes every reuse factor {1, 2, 4, 16, 64}, each strategy and backend at least once,
in io_stream (5 projects; io_parallel, whose C++ compiles three times slower, is checked exact in the
default run by test_hw_pooling.py); `pytest -m extended` the rest of strategy x reuse factor x io type
x backend (35 more; 6 of them checked as the C++ of another, PRAGMA_ONLY) and three SqueezeNet
points. A point is exact, or refused at conversion with its reason (hls4ml's io_parallel Resource convolutions take a reuse factor of at most their window:
LeNet's first has 25 inputs)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from numpy.testing import assert_array_equal

from hwcnn.cli import main
from hwcnn.errors import HwcnnError
from hwkit import ROOT, Shared, compiled, once

pytestmark = pytest.mark.slow
N = 200
DEFAULT = [("Latency", 1, "io_stream", "Vitis"), ("Resource", 2, "io_stream", "Vivado"),
           ("Resource", 4, "io_stream", "Vitis"), ("Latency", 16, "io_stream", "Vivado"),
           ("Resource", 64, "io_stream", "Vitis")]
FULL = [(s, rf, io, b) for s in ("Latency", "Resource") for rf in (1, 2, 4, 16, 64)
        for io in ("io_stream", "io_parallel") for b in ("Vitis", "Vivado")]
GRID = [pytest.param(k, marks=() if k in DEFAULT else pytest.mark.extended, id="-".join(map(str, k))) for k in FULL]
# hls4ml's io_parallel Latency kernels read the reuse factor in pragmas only (II, ALLOCATION limits:
# nnet_dense_latency.h, nnet_conv2d_latency.h, nnet_pooling.h), so such a point's C++ is the
# reuse-factor-1 point's but for those constants, and so is its C simulation: checked on the sources
# instead of compiled again (each io_parallel LeNet compiles for over a minute)
PRAGMA_ONLY = {("Latency", rf, "io_parallel", b) for rf in (2, 4, 16) for b in ("Vitis", "Vivado")}
REFUSED = "hls4ml's io_parallel Resource convolution needs a reuse factor of at most"


DATASETS = {"lenet5-w4a4": "mnist", "squeezenet-w4a4": "fashion-mnist"}


@pytest.fixture(scope="module")
def images_and_qat():
    """{model: (N test images, the QAT model's float64 logits on them)}, made on first use."""
    from hwcnn.data import DataSource
    from hwcnn.data.encoding import to_float
    from hwcnn.models import load_model_dir
    from hwcnn.verify import torch_logits

    made = {}

    def get(name="lenet5-w4a4"):
        if name not in made:
            x = to_float(DataSource().split(DATASETS[name], "test").images[:N])
            model, _ = load_model_dir(ROOT / "models" / name)
            made[name] = x, torch_logits(model, x, torch.float64)
        return made[name]

    return get


@pytest.fixture(scope="session")
def option_projects(tmp_path_factory):
    """{(strategy, rf, io, backend[, model]): compiled project, or the conversion's refusal}, each model's
    from one QONNX export."""
    from hwcnn import pipeline
    from hwcnn.hlsgen.config import HlsConfig

    def onnx(file_name, path):
        name = file_name.removesuffix(".onnx")
        cfg = pipeline.RunConfig(model_dir=ROOT / "models" / name, qonnx_out=path, project=path.parent / f"x-{name}",
                                 progress=False)
        pipeline.run(cfg, "export", "export")

    exported = Shared(tmp_path_factory, "onnx", lambda k, p: once(p, lambda q: onnx(k, q)))

    def make(key, path):
        strategy, rf, io, backend, *model = key
        name = model[0] if model else "lenet5-w4a4"
        cfg = pipeline.RunConfig(project=path, qonnx=exported[f"{name}.onnx"], progress=False,
                                 hls=HlsConfig(strategy=strategy, reuse_factor=rf, io_type=io, backend=backend))

        def build(p):
            pipeline.run(cfg, "convert", "convert")
            if key not in PRAGMA_ONLY:
                compiled(p)

        try:
            return once(path, build)
        except HwcnnError as err:
            return str(err)

    return Shared(tmp_path_factory, "options", make)


@pytest.mark.parametrize("key", GRID)
def test_every_option_is_exact_or_refused(option_projects, images_and_qat, key):
    project = option_projects[key]
    strategy, rf, io, _ = key
    if strategy == "Resource" and io == "io_parallel" and rf > 25:  # more than Conv2D_Conv_0's window
        assert isinstance(project, str) and REFUSED in project and "\n" not in project
        return
    if key in PRAGMA_ONLY:
        _same_cpp_but_reuse_factor(project, option_projects[("Latency", 1, io, key[3])])
        _reuse_factors(project, key)
        return
    _exact(project, *images_and_qat(), key)


def _same_cpp_but_reuse_factor(project, reference) -> None:
    import re

    from hwcnn.artifacts import Project

    mine, theirs = Project(project), Project(reference)
    files = sorted(f.relative_to(mine.path) for f in mine.firmware_sources() if f.is_file())
    assert files == sorted(f.relative_to(theirs.path) for f in theirs.firmware_sources() if f.is_file())
    for rel in files:
        a, b = ((p.path / rel).read_bytes() for p in (mine, theirs))
        if rel.suffix in (".h", ".cpp"):
            a, b = (re.sub(rb"reuse_factor = \d+;", b"reuse_factor = RF;", s) for s in (a, b))
        elif rel == mine.build_script_path.relative_to(mine.path):  # hls4ml's random library name
            a, b = (re.sub(rb"LIB_STAMP=\w+", b"LIB_STAMP=", s) for s in (a, b))
        assert a == b, rel


# SqueezeNet's default build is checked by the golden vectors (test_golden.py); these points are extended
SQUEEZENET = [pytest.param(("Resource", 4, "io_stream", "Vivado", "squeezenet-w4a4"), marks=pytest.mark.extended,
                           id="Resource-4-io_stream-Vivado"),
              pytest.param(("Latency", 16, "io_stream", "Vitis", "squeezenet-w4a4"), marks=pytest.mark.extended,
                           id="Latency-16-io_stream-Vitis"),
              pytest.param(("Resource", 2, "io_stream", "Vitis", "squeezenet-w4a4"), marks=pytest.mark.extended,
                           id="Resource-2-io_stream-Vitis")]


@pytest.mark.parametrize("key", SQUEEZENET)
def test_squeezenet_options_are_exact(option_projects, images_and_qat, key):
    _exact(option_projects[key], *images_and_qat("squeezenet-w4a4"), key)


def _exact(project, x, qat, key):
    from hwcnn.hlsgen.csim import run_csim
    from hwcnn.sim import load_simulator

    assert not isinstance(project, str), project
    res = load_simulator(project).run(x)
    csim = run_csim(project, x, progress=False)
    assert_array_equal(res.output.to_float(), csim)
    assert_array_equal(qat, csim)  # lossless types whatever the strategy and reuse factor
    _reuse_factors(project, key)


def _reuse_factors(project, key) -> None:
    desc = json.loads((Path(project) / "hwcnn_model.json").read_text())
    strategies = {layer["attrs"]["strategy"] for layer in desc["layers"] if "strategy" in layer["attrs"]}
    assert strategies == {key[0].lower()}
    chosen = json.loads((Path(project) / "hwcnn_precision.json").read_text())["reuse_factor_chosen_by_hls4ml"]
    for layer in desc["layers"]:  # a kernel runs at the asked reuse factor, or the one hls4ml says it used
        if "reuse_factor" in layer["attrs"]:
            assert layer["attrs"]["reuse_factor"] == chosen.get(layer["name"], {"used": key[1]})["used"]


def test_lenet_fitted_onto_a_pynq_z2(tmp_path, images_and_qat, capsys):
    out = tmp_path / "hls"
    assert main(["convert", str(ROOT / "models" / "lenet5-w4a4"), "--out", str(out), "--board", "pynq-z2", "--fit"]) == 0
    assert "fitted to pynq-z2" in capsys.readouterr().out
    assert main(["cost", str(out), "--json", str(tmp_path / "c.json")]) == 0
    board = json.loads((tmp_path / "c.json").read_text())["board"]
    assert board["fits"] and all(v <= 0.8 for v in board["fraction"].values())
    from hwcnn.hlsgen.csim import run_csim
    from hwcnn.sim import load_simulator

    x, qat = images_and_qat()
    csim = run_csim(compiled(out), x, progress=False)
    assert_array_equal(load_simulator(out).run(x).output.to_float(), csim)
    assert_array_equal(qat, csim)
    fit = json.loads((out / "hwcnn_precision.json").read_text())["fit"]
    assert any(v["reuse_factor"] > 1 for v in fit["settings"].values())  # it had to share multipliers
    assert np.isclose(fit["estimate_share"]["lut"], board["fraction"]["lut"])  # the estimate is the cost's
