"""The output contract (hwcnn/outputs.py) on every case that once broke it: nothing the user had is
lost, nothing half-written is left, one writer per output, and a one-line error. Test names carry
the catalogue number (docs/bad-input.md)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from hwcnn.cli import main
from hwcnn.errors import HwcnnError
from hwcnn.outputs import lock, output_dir, write_json
from hwkit import ROOT, compiled
from test_bad_input import fails, tree_digest

LENET = ROOT / "models" / "lenet5-w4a4"


def _mine(path: Path) -> Path:
    """A directory of the user's, with a file in it."""
    path.mkdir(parents=True)
    (path / "mine.txt").write_text("keep")
    return path


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".hwcnn-"))


@pytest.fixture(scope="module")
def lenet_project(shipped):
    """The shipped LeNet-5's project, compiled (verify reuses it: it is current)."""
    return compiled(shipped["lenet5-w4a4"])


def test_bad35_verify_never_replaces_a_project_you_named(capsys, tmp_path):
    mine = _mine(tmp_path / "p")
    before = tree_digest(mine)
    fails(capsys, ["verify", LENET, "--project", mine, "--n", 4], "already exists", "--force")
    assert tree_digest(mine) == before
    assert _leftovers(tmp_path) == []


def test_bad36_verify_report_never_overwrites(capsys, tmp_path, lenet_project):
    report = _mine(tmp_path / "r")
    before = tree_digest(report)
    fails(capsys, ["verify", LENET, "--project", lenet_project, "--report", report, "--n", 4], "already exists")
    assert tree_digest(report) == before
    # with --force the report is replaced, as a whole, once it is complete
    assert main([str(a) for a in ["verify", LENET, "--project", lenet_project, "--report", report, "--n", 4,
                                  "--force"]]) == 0
    assert (report / "report.md").is_file() and not (report / "mine.txt").exists()
    assert _leftovers(tmp_path) == []


def test_bad37_verify_interrupted_while_writing_the_report_keeps_the_old_one(tmp_path, lenet_project, monkeypatch):
    import hwcnn.report

    report = tmp_path / "r"
    assert main([str(a) for a in ["verify", LENET, "--project", lenet_project, "--report", report, "--n", 4]]) == 0
    before = tree_digest(report)

    def interrupted(*args, **kwargs):  # the confusion plot is written; Ctrl-C during the next one
        raise KeyboardInterrupt

    monkeypatch.setattr(hwcnn.report, "plot_layers", interrupted)
    assert main([str(a) for a in ["verify", LENET, "--project", lenet_project, "--report", report, "--n", 4,
                                  "--force"]]) == 130
    assert tree_digest(report) == before
    assert _leftovers(tmp_path) == []


def test_bad38_run_that_fails_keeps_the_previous_run(capsys, tmp_path):
    run = _mine(tmp_path / "R")
    before = tree_digest(run)
    fails(capsys, ["run", ROOT / "models" / "lenet5-float", "--out", run, "--force"], "float model")
    assert tree_digest(run) == before
    assert _leftovers(tmp_path) == []


def test_bad39_run_interrupted_leaves_nothing(tmp_path, monkeypatch):
    import hwcnn.pipeline as pipeline

    def interrupted(cfg, st):
        raise KeyboardInterrupt

    steps = tuple(pipeline.Step(s.name, s.doc, interrupted if s.name == "convert" else s.fn) for s in pipeline.STEPS)
    monkeypatch.setattr(pipeline, "STEPS", steps)
    assert main([str(a) for a in ["run", LENET, "--out", tmp_path / "R"]]) == 130
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    # ... so the next run is not refused
    monkeypatch.undo()
    assert main([str(a) for a in ["run", LENET, "--out", tmp_path / "R", "--to", "export"]]) == 0


def test_bad40_run_writes_where_the_model_is_named(tmp_path, monkeypatch):
    import hwcnn.pipeline as pipeline

    seen = {}

    def run_dir(model_dir, out, cfg, stop, force):
        seen["out"] = out
        return {"steps_seconds": {"total": 0.0}}, pipeline.RunState()

    monkeypatch.setattr(pipeline, "run_dir", run_dir)
    monkeypatch.chdir(ROOT)
    # --force: a checkout may hold that run already (scripts/bench_sim.py makes it); run_dir is a stand-in
    assert main(["run", "models/squeezenet-w4a4", "--force"]) == 0
    assert seen["out"] == Path("runs") / "squeezenet-w4a4"


def test_bad41_json_never_overwrites(capsys, tmp_path, shipped):
    config = tmp_path / "config.json"
    config.write_text('{"mine": 1}')
    fails(capsys, ["cost", shipped["lenet5-w4a4"], "--json", config], "already exists", "--force")
    assert config.read_text() == '{"mine": 1}'
    assert main(["cost", str(shipped["lenet5-w4a4"]), "--json", str(config), "--force"]) == 0
    assert "total" in json.loads(config.read_text())


def _hold_lock(path: Path) -> subprocess.Popen:
    """Another hwcnn process writing `path` (it holds the output lock until killed)."""
    code = textwrap.dedent(f"""
        import sys, time
        from hwcnn.outputs import output_dir
        with output_dir({str(path)!r}) as tmp:
            print("writing", flush=True)
            time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    return proc


@pytest.mark.parametrize("command", ["train", "convert"])
def test_bad42_one_writer_per_output(capsys, tmp_path, command):
    out = tmp_path / "o"
    other = _hold_lock(out)
    try:
        argv = {"train": ["train", "--arch", "lenet5", "--epochs", "1", "--out", out],
                "convert": ["convert", LENET, "--out", out]}[command]
        fails(capsys, argv, "another hwcnn process is writing")
    finally:
        other.kill()
        other.wait()


def test_bad43_a_killed_writer_leaves_nothing_the_next_one_keeps(tmp_path):
    out = tmp_path / "o"
    other = _hold_lock(out)
    other.send_signal(signal.SIGKILL)
    other.wait()
    assert _leftovers(tmp_path)  # its temporary directory and lock file, as kill -9 leaves them
    with output_dir(out) as tmp:
        (tmp / "result").write_text("done")
    assert (out / "result").read_text() == "done"
    assert _leftovers(tmp_path) == []


def test_bad44_export_leaves_nothing_in_the_model_directory(tmp_path):
    import shutil

    model = tmp_path / "m"
    shutil.copytree(LENET, model)
    before = sorted(p.name for p in model.iterdir())
    assert main(["export", str(model)]) == 0
    assert sorted(p.name for p in model.iterdir()) == sorted(before + ["model.qonnx.onnx"])


def test_bad45_workers_end_with_their_parent(tmp_path):
    """A C-simulation worker outlives no parent, even one killed with kill -9."""
    code = textwrap.dedent("""
        import os, time
        from concurrent.futures import ProcessPoolExecutor
        from hwcnn.hlsgen.csim import die_with_parent
        with ProcessPoolExecutor(1, initializer=die_with_parent) as pool:
            print(pool.submit(os.getpid).result(), flush=True)
            time.sleep(60)
    """)
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    worker = int(parent.stdout.readline())
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    for _ in range(100):
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.kill(worker, signal.SIGKILL)
    pytest.fail("the worker outlived its killed parent")


def test_bad46_long_output_names_are_fine(tmp_path):
    name = "n" * 250  # legal (NAME_MAX is 255); a temporary sibling named after it would not be
    with output_dir(tmp_path / name) as tmp:
        (tmp / "x").write_text("1")
    write_json(tmp_path / (name[:245] + ".json"), {"ok": True})
    assert (tmp_path / name / "x").is_file() and _leftovers(tmp_path) == []


def test_bad47_output_under_a_file_or_unwritable_place(capsys, tmp_path):
    (tmp_path / "f").write_text("a file")
    fails(capsys, ["cost", ROOT / "hls", "--json", tmp_path / "f" / "c.json"], "is a file")
    with pytest.raises(HwcnnError, match="is a file"):
        with output_dir(tmp_path / "f" / "sub" / "o"):
            pass


def test_outputs_lock_is_reentrant_in_one_process(tmp_path):
    with lock(tmp_path / "o"), output_dir(tmp_path / "o") as tmp:
        (tmp / "a").write_text("1")
    assert (tmp_path / "o" / "a").is_file()
