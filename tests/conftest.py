"""Shared fixtures: HLS projects are expensive (g++ takes ~15 s each), so they are built once per
session, in parallel on all cores, and shared by every test that needs them."""

from __future__ import annotations

import pytest

from hwkit import WIDTHS, build_all, make_project, random_qat_lenet


@pytest.fixture(scope="session")
def lenet_grid(tmp_path_factory):
    """{(wbits, abits): (model, project)} for every width pair, compiled."""
    root = tmp_path_factory.mktemp("lenet_grid")
    models = {(w, a): random_qat_lenet(w, a, seed=10 * w + a) for w in WIDTHS for a in WIDTHS}
    projects = {k: make_project(m, root / f"w{k[0]}a{k[1]}") for k, m in models.items()}
    build_all(list(projects.values()))
    return {k: (models[k], projects[k]) for k in models}
