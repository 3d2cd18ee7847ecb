"""Shared fixtures. HLS projects are expensive (g++ takes ~10 s each): each is converted and
compiled on first use and shared by every test of the run that needs it, across pytest-xdist
workers too (`hwkit.Shared`), so selecting one test compiles one project. Tests are grouped by
kind: unit/, hw/ (HLS projects, C simulation), cli/ (the command line, bad input, outputs)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from hwkit import ROOT, Shared, compiled, make_project, once, random_qat_lenet


def pytest_configure(config):
    """One C-simulation build cache per test run, shared by its xdist workers (they inherit the
    environment): tests neither read nor fill the user's ~/.cache/hwcnn/csim, and a run measures cold builds."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        config._hwcnn_builds = tempfile.mkdtemp(prefix="hwcnn-test-builds-")
        os.environ["HWCNN_BUILD_CACHE"] = config._hwcnn_builds


def pytest_unconfigure(config):
    if getattr(config, "_hwcnn_builds", None):
        shutil.rmtree(config._hwcnn_builds, ignore_errors=True)


@pytest.fixture(scope="session")
def lenet_grid(tmp_path_factory):
    """{(wbits, abits): (model, compiled project)} of seeded random LeNet-5s."""

    def make(key, path):
        w, a = key
        model = random_qat_lenet(w, a, seed=10 * w + a)
        return model, once(path, lambda p: compiled(make_project(model, p)))

    return Shared(tmp_path_factory, "lenet-grid", make)


@pytest.fixture(scope="session")
def shipped(tmp_path_factory):
    """{model name: HLS project of a shipped QAT model}, converted with the defaults (not compiled).

    Converted from the repository root with the model's relative path, as `hwcnn run` does, so the
    project (its manifest names its source) is the one users get."""
    from hwcnn import pipeline

    def convert(name, path):
        here = os.getcwd()
        os.chdir(ROOT)
        try:
            cfg = pipeline.RunConfig(project=path, model_dir=Path("models") / name, progress=False)
            pipeline.run(cfg, "export", "convert")
        finally:
            os.chdir(here)

    return Shared(tmp_path_factory, "shipped", lambda name, path: once(path, lambda p: convert(name, p)))


# the tests whose projects take longest to compile run first, so that they overlap with the rest
# instead of ending the run on one core (SqueezeNet's C++ takes g++ about 40 s per project)
_FIRST = ("test_hw_squeezenet.py", "test_golden.py", "test_hw_classic.py", "test_hw_lenet.py")


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: _FIRST.index(item.path.name) if item.path.name in _FIRST else len(_FIRST))
