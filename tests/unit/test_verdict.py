"""One rule judges every C simulation (the CLI, the report and the study call `verify.verdict`):
the simulator must equal it always; each reference present must too, unless the conversion
recorded a loss."""

from __future__ import annotations

import re

from hwkit import ROOT
from hwcnn.verify import verdict


def test_the_simulator_must_always_equal_the_csim():
    assert verdict({"sim_vs_csim": 1.0, "qat_vs_csim": 1.0}).ok
    assert verdict({"sim_vs_csim": 0.999, "qat_vs_csim": 1.0}).failed == ("sim_vs_csim",)
    assert verdict({"sim_vs_csim": 0.999}, check={"identical": 0.75}).failed == ("sim_vs_csim",)


def test_every_reference_must_equal_the_csim_of_an_exact_core():
    for ref in ("qat_vs_csim", "qonnx_vs_csim", "testbench_vs_csim"):
        judged = verdict({"sim_vs_csim": 1.0, ref: 0.5})
        assert (judged.ok, judged.failed, judged.word) == (False, (ref,), "FAIL")


def test_a_recorded_loss_excuses_the_references_only():
    judged = verdict({"sim_vs_csim": 1.0, "qat_vs_csim": 0.5, "qonnx_vs_sim": 0.5}, check={"identical": 0.75})
    assert (judged.ok, judged.word) == (True, "PASS")


def test_a_conversion_check_that_found_the_core_exact_excuses_nothing():
    assert not verdict({"sim_vs_csim": 1.0, "qat_vs_csim": 0.5}, check={"identical": 1.0}).ok


def test_a_missing_simulator_comparison_fails():
    assert not verdict({"qat_vs_csim": 1.0}).ok


def test_no_other_module_judges_a_comparison():
    """The verdict is computed in one function: nowhere else is a fraction of identical outputs
    compared with 1.0."""
    judged = re.compile(r"(sim_vs_csim|_vs_csim|identical)\W[^\n]*[!=]= 1\.0|[!=]= 1\.0[^\n]*_vs_")
    holders = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "hwcnn").rglob("*.py") if judged.search(p.read_text()))
    assert holders == ["hwcnn/verify.py"], holders
