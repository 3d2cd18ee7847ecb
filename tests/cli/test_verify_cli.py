"""`hwcnn verify MODEL_DIR` as users run it, twice: the second run reuses the project (current) and
still says where a narrowed core parts from the QAT model."""

from __future__ import annotations

import json

import pytest

from hwcnn.cli import main
from hwkit import ROOT

pytestmark = pytest.mark.slow


def test_verify_twice_with_a_narrowed_type_names_where_hardware_parts_from_qat(tmp_path, capsys):
    argv = ["verify", str(ROOT / "models" / "lenet5-w4a4"), "--n", "40", "--project", str(tmp_path / "p"),
            "--precision", "Conv2D_Conv_0.result=fixed<5,3,TRN,SAT>"]
    results = []
    for i in range(2):
        assert main(argv + ["--json", str(tmp_path / f"v{i}.json")]) == 0  # sim == csim: exit 0
        results.append(json.loads((tmp_path / f"v{i}.json").read_text()))
    assert "convert" not in results[1]["seconds"] or results[1]["seconds"]["convert"] < 0.5  # reused
    for r in results:
        assert r["bit_exact"]["sim_vs_csim"] == 1.0 and r["bit_exact"]["qat_vs_csim"] < 1.0
        assert r["first_divergent_layer"] is None and r["first_divergent_layer_qat"] == "Conv2D_Conv_0"
        assert "total" in r["seconds"]


def test_verify_checks_the_float_twin_before_any_work(tmp_path, capsys):
    import shutil

    model = tmp_path / "m"
    shutil.copytree(ROOT / "models" / "lenet5-w4a4", model)
    cfg = json.loads((model / "config.json").read_text())
    cfg["float_twin"] = None
    (model / "config.json").write_text(json.dumps(cfg))
    assert main(["verify", str(model), "--project", str(tmp_path / "p")]) == 2
    assert "names no float_twin" in capsys.readouterr().err
    assert not (tmp_path / "p").exists()  # refused before export and conversion
