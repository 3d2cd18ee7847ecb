"""`hwcnn study` end to end on real MNIST (a quick recipe: one epoch on 1,000 training images):
a study killed mid-way loses only the running point, Ray gives the local run's results, and a
point whose hardware disagrees is marked failed, then rerun."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hwcnn.cli import main
from hwcnn.study import results
from hwkit import ROOT, Shared, once

pytestmark = pytest.mark.slow

HWCNN = [str(Path(sys.executable).with_name("hwcnn"))]  # the installed command, as users run it
QUICK = f"""name = "quick"
[[models]]
float = "{ROOT / 'models' / 'lenet5-float'}"
[train]
epochs = 1
train_images = 1000
[axes]
weight_bits = [3, 4]
act_bits = 4
[check]
csim_images = 20
[objectives]
budgets = ["within=0.05"]
"""
IDS = ("lenet5_w3a4_rf1_latency_stream", "lenet5_w4a4_rf1_latency_stream")


def _study_file(d: Path) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    (d / "quick.toml").write_text(QUICK)
    return d / "quick.toml"


def _kill_and_resume(path: Path) -> None:
    """Start the study, kill it (SIGKILL, process group) once its first point is written, rerun it."""
    path.mkdir(parents=True)
    toml, out = _study_file(path), path / "study"
    proc = subprocess.Popen([*HWCNN, "study", str(toml), "--out", str(out), "--jobs", "1"], cwd=ROOT,
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 600
    while not list((out / "points").glob("*.json")):
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        assert time.monotonic() < deadline, "no point finished in 10 minutes"
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    done = {f.name: f.read_bytes() for f in (out / "points").glob("*.json")}
    (path / "before-resume.json").write_text(json.dumps({k: v.decode() for k, v in done.items()}))
    rerun = subprocess.run([*HWCNN, "study", str(toml), "--out", str(out), "--jobs", "1"], cwd=ROOT,
                           capture_output=True, text=True)
    (path / "rerun.json").write_text(json.dumps({"code": rerun.returncode, "stdout": rerun.stdout,
                                                 "stderr": rerun.stderr}))


@pytest.fixture(scope="session")
def local_study(tmp_path_factory):
    """A quick two-point study run locally: killed after its first point, then rerun to the end."""
    return Shared(tmp_path_factory, "study", lambda key, path: once(path, _kill_and_resume))["local"]


def _points(out: Path) -> dict[str, dict]:
    return {r["id"]: r for r in json.loads((out / "study.json").read_text())["points"]}


def test_a_killed_study_loses_only_the_running_point(local_study):
    out = local_study / "study"
    before = {k: v.encode() for k, v in json.loads((local_study / "before-resume.json").read_text()).items()}
    rerun = json.loads((local_study / "rerun.json").read_text())
    assert len(before) == 1 and rerun["code"] == 0, rerun["stderr"][-2000:]
    assert "2 points ok, 0 failed (1 run now, 1 already done)" in rerun["stdout"]
    for name, data in before.items():  # the finished point was kept as it was, not redone
        assert (out / "points" / name).read_bytes() == data
    assert sorted(_points(out)) == sorted(IDS)
    assert not [f for f in (out / "points").iterdir() if f.suffix != ".json"]  # no half-written file left
    for r in _points(out).values():
        assert r["status"] == "ok" and r["check"]["csim_images"] == 20
        assert r["check"]["sim_vs_csim"] == 1.0 and r["check"]["qat_vs_csim"] == 1.0
        assert r["accuracy"]["hardware"] == r["accuracy"]["qat"]  # the hardware computes the QAT model
        assert r["accuracy"]["n_test"] == 10000
        assert r["cost"]["lut"]["source"] and r["cost"]["bops"]["source"] == "exact"
    p3, p4 = (_points(out)[i] for i in IDS)
    assert p3["cost"]["weight_bits"]["value"] < p4["cost"]["weight_bits"]["value"]
    assert sum(p3["accumulator_bits"].values()) < sum(p4["accumulator_bits"].values())
    for f in ("study.md", "study.csv", "study.png", "heatmap.png"):
        assert (out / f).stat().st_size > 0
    # the trained model of each point is a model directory hwcnn reads, linked to its float twin
    from hwcnn.artifacts import ModelDir

    md = ModelDir(out / p4["model_dir"])
    assert md.float_twin().path.resolve() == (ROOT / "models" / "lenet5-float").resolve()


def test_status_shows_what_is_done(local_study, capsys):
    toml = local_study / "quick.toml"
    assert main(["study", str(toml), "--out", str(local_study / "study"), "--status"]) == 0
    assert "2 ok, 0 failed, 0 pending of 2 points" in capsys.readouterr().out
    assert main(["study", str(toml), "--out", str(local_study / "nothing"), "--status"]) == 0
    assert "0 ok, 0 failed, 2 pending of 2 points" in capsys.readouterr().out


def test_a_study_on_ray_gives_the_local_results(local_study, tmp_path):
    toml, out = _study_file(tmp_path), tmp_path / "ray"
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    proc = subprocess.run([*HWCNN, "study", str(toml), "--out", str(out), "--ray", "local", "--jobs", "2"],
                          cwd=ROOT, capture_output=True, text=True, env=env, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "2 points ok, 0 failed (2 run now, 0 already done)" in proc.stdout
    mine, local = _points(out), _points(local_study / "study")
    for pid in IDS:  # same seeds, same threads: identical training, identical hardware
        assert mine[pid]["accuracy"] == local[pid]["accuracy"]
        assert mine[pid]["cost"] == local[pid]["cost"] and mine[pid]["check"] == local[pid]["check"]


def test_a_point_whose_hardware_disagrees_is_failed_then_rerun(local_study, tmp_path, monkeypatch, capsys):
    import hwcnn.hlsgen.csim as csim

    out = tmp_path / "study"
    shutil.copytree(local_study / "study", out)
    (out / "points" / f"{IDS[1]}.json").unlink()  # its trained model stays: only the hardware is redone
    real = csim.run_csim

    def flipped(*args, **kw):  # a C simulation that differs from the simulator in one value
        y = real(*args, **kw)
        y[0, 0] += 2.0**-4
        return y

    monkeypatch.setattr(csim, "run_csim", flipped)
    plotted = []
    monkeypatch.setattr(results, "plot_fronts", lambda spec, rows, fronts, path: plotted.extend(r["id"] for r in rows))
    toml = local_study / "quick.toml"
    assert main(["study", str(toml), "--out", str(out), "--jobs", "1"]) == 1
    captured = capsys.readouterr()
    assert f"FAILED {IDS[1]}: hardware disagrees: sim_vs_csim 0.9500, qat_vs_csim 0.9500 on 20" in captured.err
    summary = json.loads((out / "study.json").read_text())
    assert (summary["ok"], summary["failed"]) == (1, 1)
    assert all(IDS[1] not in front for front in summary["pareto"].values())
    assert plotted == [IDS[0]]
    assert summary["budgets"][0]["answer"] == IDS[0]
    assert f"| {IDS[1]} | hardware disagrees" in (out / "study.md").read_text()
    monkeypatch.setattr(csim, "run_csim", real)
    assert main(["study", str(toml), "--out", str(out), "--jobs", "1"]) == 0  # a failed point runs again
    assert "2 points ok, 0 failed (1 run now, 1 already done)" in capsys.readouterr().out
    assert _points(out)[IDS[1]]["accuracy"] == _points(local_study / "study")[IDS[1]]["accuracy"]


def test_a_study_with_other_settings_is_refused_in_the_same_directory(local_study, tmp_path, capsys):
    toml = tmp_path / "other.toml"
    toml.write_text(QUICK.replace("csim_images = 20", "csim_images = 30"))
    assert main(["study", str(toml), "--out", str(local_study / "study")]) == 2
    assert "holds a study made with other settings (check differ)" in capsys.readouterr().err
