"""Shared fixtures. HLS projects are expensive (g++ takes ~10 s each): each is converted and
compiled on first use (`hwkit.Lazy`) and shared by every test of the session that needs it, so
selecting one test compiles one project. Tests are grouped by kind: unit/, hw/ (HLS projects,
C simulation), cli/ (the command line, bad input, output safety)."""

from __future__ import annotations

import pytest

from hwkit import Lazy, compiled, make_project, random_qat_lenet


@pytest.fixture(scope="session")
def lenet_grid(tmp_path_factory):
    """{(wbits, abits): (model, compiled project)}, each made when a test first asks for it."""
    root = tmp_path_factory.mktemp("lenet_grid")

    def make(key):
        w, a = key
        model = random_qat_lenet(w, a, seed=10 * w + a)
        return model, compiled(make_project(model, root / f"w{w}a{a}"))

    return Lazy(make)
