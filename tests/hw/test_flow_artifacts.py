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
