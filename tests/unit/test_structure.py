"""The layout the rest builds on: each artifact's file names in one module, no stage module that
sees argparse, imports that only run downward, the pipeline's steps as `hwcnn run --help` shows
them, and one table of layer kinds."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from hwcnn.artifacts import CsimBuild, ModelDir, Project, RunDir
from hwkit import ROOT

PACKAGE = ROOT / "hwcnn"
MODULES = sorted(p for p in PACKAGE.rglob("*.py"))

# Each module's level: a module imports only from lower levels (or from its own package).
LEVELS = {
    "hwcnn.errors": 0, "hwcnn.fixed": 1, "hwcnn.layers": 1, "hwcnn.outputs": 1, "hwcnn.config": 1,
    "hwcnn.tables": 2, "hwcnn.artifacts": 2, "hwcnn.requant": 2, "hwcnn.thresholds": 2, "hwcnn.average": 2,
    "hwcnn.intervals": 3, "hwcnn.hwdesc": 3, "hwcnn.data": 3, "hwcnn.qonnx_ext": 3,  # qonnx ops the passes use
    "hwcnn.qonnx_exec": 3, "hwcnn.operations": 1, "hwcnn.host": 4,
    "hwcnn.sim": 4, "hwcnn.models": 4, "hwcnn.qonnx_transforms": 4,
    "hwcnn.aptest": 4, "hwcnn.project": 4.5, "hwcnn.hlsgen": 5, "hwcnn.export": 5, "hwcnn.train": 5, "hwcnn.rtl": 5,
    "hwcnn.cost": 5.5, "hwcnn.verify": 6,
    "hwcnn.fitting": 6,
    "hwcnn.golden": 6, "hwcnn.report": 6.5, "hwcnn.pipeline": 7, "hwcnn.study": 8, "hwcnn.cli": 9,
    "hwcnn": 10,
}


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


_HWCNN_MODULES = {_module_name(p) for p in MODULES}


def _unit(name: str) -> str:
    """The LEVELS entry a module belongs to (a package's modules share its level)."""
    while name not in LEVELS:
        name = name.rsplit(".", 1)[0]
    return name


def _imports(path: Path) -> list[str]:
    """Every module a file imports, at any depth of the file (function-level imports too); `from
    package import module` names the module, not the package."""
    tree = ast.parse(path.read_text())
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            subs = [f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in _HWCNN_MODULES]
            names += subs if len(subs) == len(node.names) else [node.module] + subs
    return names


def _artifact_file_names() -> list[str]:
    md, p, rd = ModelDir(Path("m")), Project(Path("p")), RunDir(Path("r"))
    paths = [md.config_path, md.weights_path, md.metrics_path, md.curve_path, p.manifest_path,
             p.description_path, p.description_weights_path, p.precision_json_path, p.precision_md_path,
             p.readme_path, p.tb_input_path, p.tb_output_path, CsimBuild("k").stamp_path, rd.qonnx_path,
             rd.summary_path]
    return [q.name for q in paths]


@pytest.mark.parametrize("name", _artifact_file_names())
def test_each_artifact_file_name_is_written_in_one_module(name):
    holders = [str(m.relative_to(ROOT)) for m in MODULES if name in m.read_text()]
    assert holders == ["hwcnn/artifacts.py"], holders


def test_no_stage_module_sees_argparse():
    users = [str(m.relative_to(ROOT)) for m in MODULES if "argparse" in _imports(m)]
    assert users == ["hwcnn/cli/parser.py"]
    for m in MODULES:  # nor a parameter named args (argparse's namespace, handed down)
        if "cli" not in m.parts:
            params = [a.arg for f in ast.walk(ast.parse(m.read_text())) if isinstance(f, ast.FunctionDef)
                      for a in f.args.args]
            assert "args" not in params, m


def test_imports_only_run_downward():
    for path in MODULES:
        me = _unit(_module_name(path))
        for name in _imports(path):
            if not name.startswith("hwcnn"):
                continue
            other = _unit(name)
            assert other == me or LEVELS[other] < LEVELS[me], f"{_module_name(path)} imports {name} (upward)"


def _import_graph() -> dict[str, set[str]]:
    """Module -> the hwcnn modules it imports (a package's __init__ is a module of its own)."""
    graph = {}
    for path in MODULES:
        me = _module_name(path)
        graph[me] = {n for n in _imports(path) if n in _HWCNN_MODULES and n != me}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles (strongly connected components of more than one module), by Tarjan's algorithm."""
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_circles_between_modules_even_inside_a_package():
    assert _cycles(_import_graph()) == []


def test_the_circle_finder_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_only_hlsgen_speaks_hls4ml():
    speakers = {str(m.relative_to(ROOT).parent) for m in MODULES
                if any(n == "hls4ml" or n.startswith("hls4ml.") for n in _imports(m))}
    assert speakers == {"hwcnn/hlsgen"}


def test_run_help_shows_the_pipeline_steps(capsys):
    from hwcnn.cli import main
    from hwcnn.pipeline import STEPS

    assert main(["run", "--help"]) == 0
    out = capsys.readouterr().out
    listed = [line.split()[1] for line in out.splitlines() if line.strip()[:2].rstrip(".").isdigit()]
    assert listed == [s.name for s in STEPS] == ["export", "convert", "csim", "simulate", "verify"]
