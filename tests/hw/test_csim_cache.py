"""The C simulation's build cache: a project whose firmware was compiled before, wherever it lies,
compiles nothing; a project whose firmware differs in one weight gets its own library, which
reads its own weights."""

from __future__ import annotations

import shutil

import numpy as np

from hwcnn.artifacts import CsimBuild, Project
from hwcnn.cli import main
from hwcnn.hlsgen import csim
from hwkit import compiled, grid_inputs


def _counting_compiles(monkeypatch) -> list:
    calls = []
    real = csim._compile

    def spy(p, b, quiet):
        calls.append(p.path)
        return real(p, b, quiet)

    monkeypatch.setattr(csim, "_compile", spy)
    return calls


def test_unchanged_firmware_compiles_nothing_and_changed_weights_rebuild(shipped, tmp_path, monkeypatch, capsys):
    original = compiled(shipped["lenet5-w4a4"])
    lib = csim.build(original)
    compiles = _counting_compiles(monkeypatch)

    copy = tmp_path / "elsewhere"  # another place, a fresh random LIB_STAMP in its build script
    shutil.copytree(original, copy)
    script = Project(copy).build_script_path
    script.write_text(script.read_text().replace("LIB_STAMP=", "LIB_STAMP=0123abcd#"))
    assert csim.build(copy) == lib
    assert main(["csim", str(copy), "--n", "8"]) == 0
    assert "compiling" not in capsys.readouterr().out
    assert compiles == []

    changed = tmp_path / "changed"
    shutil.copytree(original, changed)
    weights = changed / "firmware" / "weights" / "b95.txt"  # the last layer's biases
    values = weights.read_text().split(",")
    values[3] = "0" if float(values[3]) != 0 else "0.5"
    weights.write_text(",".join(values))
    changed_lib = csim.build(changed)
    assert compiles == [changed.resolve()] and changed_lib != lib

    x = grid_inputs(16)
    before, after = csim.run_csim(original, x, jobs=1, progress=False), csim.run_csim(changed, x, jobs=1, progress=False)
    assert np.array_equal(np.delete(before, 3, axis=1), np.delete(after, 3, axis=1))
    assert not np.array_equal(before[:, 3], after[:, 3])  # the library reads its own copy of the weights


def test_an_interrupted_build_is_not_used(shipped, tmp_path, monkeypatch):
    """A cache entry without its stamp (a build killed part-way) is rebuilt, not loaded."""
    monkeypatch.setenv("HWCNN_BUILD_CACHE", str(tmp_path / "cache"))
    project = shipped["lenet5-w4a4"]
    key = csim._firmware_key(Project(project), csim._compiler())
    entry = CsimBuild(key)
    (entry.path / "firmware").mkdir(parents=True)
    (entry.path / "firmware" / "myproject-deadbeef.so").write_bytes(b"half a library")
    compiles = _counting_compiles(monkeypatch)
    lib = csim.build(project, quiet=True)
    assert compiles == [project.resolve()] and lib.name != "myproject-deadbeef.so" and entry.stamp_path.is_file()
