"""`hwcnn study` on tiny synthetic data: one trained, converted and simulated point per width pair."""

from __future__ import annotations

import json

import pytest

import hwcnn.data
import hwcnn.train
from hwcnn.cli import main
from hwcnn.data import Split
from hwkit import synthetic


@pytest.fixture(autouse=True)
def tiny_data(monkeypatch):
    monkeypatch.setattr(hwcnn.train, "load_arrays",
                        lambda dataset, split, *, data_dir, cache_dir, n=None: synthetic(split))

    def load_split(name, split, *, data_dir=None, cache_dir):
        a = synthetic(split)
        return Split(name, split, (a.x.numpy() * 256).astype("uint8"), a.y.numpy(), a.provenance)

    monkeypatch.setattr(hwcnn.data, "load_split", load_split)


def test_study_points_are_trained_converted_and_costed(tmp_path):
    f = tmp_path / "float"
    assert main(["train", "--arch", "lenet5", "--float", "--epochs", "2", "--batch-size", "32", "--lr", "0.01",
                 "--out", str(f), "--cache-dir", str(tmp_path / "cache")]) == 0
    out = tmp_path / "study"
    assert main(["study", str(f), "--wbits", "2,8", "--abits", "4", "--out", str(out),
                 "--cache-dir", str(tmp_path / "cache")]) == 0
    result = json.loads((out / "study.json").read_text())
    p2, p8 = sorted(result["points"], key=lambda r: r["weight_bits"])
    assert (p2["weight_bits"], p8["weight_bits"]) == (2, 8)
    assert p2["weight_kb"] < p8["weight_kb"]  # narrower weights, less memory
    assert sum(p2["accumulator_widths"]) < sum(p8["accumulator_widths"])  # and narrower accumulators
    for p in (p2, p8):
        assert p["hardware_accuracy"] == p["qat_accuracy"]  # the hardware computes the QAT model
        assert p["overflow"] == {}
    assert (out / "study.png").stat().st_size > 0 and "| 2 | 4 |" in (out / "study.md").read_text()


def test_study_rejects_bad_widths(tmp_path, capsys):
    assert main(["study", "models/lenet5-float", "--wbits", "2,9", "--out", str(tmp_path / "s")]) == 2
    assert "bit widths must be in 2..8" in capsys.readouterr().err
