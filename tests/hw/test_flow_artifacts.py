"""The steps pass artifacts, not paths to reopen: one `hwcnn run` reads its project's hardware
description once and computes its model's digest once; and a study point runs the pipeline's own
steps with its own image counts."""

from __future__ import annotations

import json

import pytest

from hwkit import ROOT
from hwcnn import hwdesc
from hwcnn.artifacts import ModelDir
from hwcnn.cli import main

pytestmark = pytest.mark.slow

SHIPPED = ROOT / "models" / "lenet5-w4a4"


def test_one_run_reads_the_description_once_and_digests_the_model_once(tmp_path, monkeypatch):
    loads, digests = [], []
    real_load, real_digest = hwdesc.load, ModelDir.digest

    def counted_load(project):
        loads.append(project)
        return real_load(project)

    def counted_digest(self):
        digests.append(self.path)
        return real_digest(self)

    monkeypatch.setattr(hwdesc, "load", counted_load)
    monkeypatch.setattr(ModelDir, "digest", counted_digest)
    out = tmp_path / "run"
    assert main(["run", str(SHIPPED), "--out", str(out), "--n-csim", "40", "--jobs", "1",
                 "--json", str(tmp_path / "run.json")]) == 0
    assert len(loads) == 1, loads  # the convert step's check reads it; csim, simulate and verify reuse it
    assert digests == [SHIPPED], digests
    summary = json.loads((tmp_path / "run.json").read_text())
    assert summary["bit_exact"] == {"sim_vs_csim": 1.0, "qat_vs_csim": 1.0}


def test_the_csim_and_the_simulator_each_run_their_own_image_count(tmp_path):
    from hwcnn import pipeline

    cfg = pipeline.RunConfig(project=tmp_path / "hls", model_dir=SHIPPED, csim_images=12, sim_images=50,
                             jobs=1, progress=False, report=False)
    st = pipeline.run(cfg, "export", "verify")
    assert (len(st.sim.output.raw), len(st.csim), st.result["n_images"]) == (50, 12, 12)
    assert st.result["bit_exact"] == {"sim_vs_csim": 1.0, "qat_vs_csim": 1.0}
    assert not (tmp_path / "hls" / "report").exists()  # a study point keeps the result, writes no report


def test_the_description_maps_each_layer_to_the_qonnx_tensor_it_computes(tmp_path):
    """The conversion writes which QONNX tensor each layer computes (hlsgen/tensors.py); the checks
    read it: the exact core equals QONNX at every mapped tensor, and a core changed in one
    convolution is found diverging there."""
    import numpy as np
    from qonnx.core.onnx_exec import execute_onnx

    from hwcnn import pipeline
    from hwcnn.project import BuiltProject
    from hwcnn.verify import first_divergence_from_qonnx

    cfg = pipeline.RunConfig(project=tmp_path / "hls", model_dir=SHIPPED, tb_images=4, progress=False)
    st = pipeline.run(cfg, "export", "convert")
    desc, weights = st.project.desc, st.project.weights
    assert desc["partition"]["core"] == {"inputs": [st.qmodel.graph.input[0].name],
                                         "outputs": [st.qmodel.graph.output[0].name]}
    assert desc["partition"]["host_pre"] == desc["partition"]["host_post"] == []
    x = st.tb_x[:1]
    context = execute_onnx(st.qmodel, {st.qmodel.graph.input[0].name: x}, return_full_exec_context=True)
    traces = st.project.simulator.run(x, trace=True).traces
    mapped = [layer for layer in desc["layers"] if layer["qonnx"]["output"] is not None]
    assert mapped[-1]["name"] == desc["layers"][-1]["name"]  # the core's output is a QONNX tensor
    compared = 0
    for layer in mapped:
        assert layer["qonnx"]["output"] in context, layer["name"]
        if layer["name"] in traces:
            want = np.asarray(context[layer["qonnx"]["output"]], dtype=np.float64).ravel()
            assert np.array_equal(want, traces[layer["name"]].to_float().ravel()), layer["name"]
            compared += 1
    assert compared >= 5  # convolutions, dense layers and the output, not only the input
    convs = [layer for layer in desc["layers"] if layer["kind"] == "Conv2D"]
    key = convs[1]["weights"]["weight"]["key"]
    changed = dict(weights, **{key: weights[key] + np.where(weights[key] == weights[key].max(), -1, 1)})
    project = BuiltProject(st.project.path, desc, changed)
    assert first_divergence_from_qonnx(st.qmodel, project, x) == convs[1]["name"]
