"""The layer-kind registry (hwcnn/layers.py): every kind has a type rule, a simulator kernel, a cost
rule and an hls4ml class; a kind without one fails when the module that lacks it is imported, and
no stage gives a kind it has no rule for a default (a cost of nothing, a type of nothing)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from hwcnn.errors import HwcnnError
from hwcnn.layers import Kind, KindTable, Macs, macs_per_image
from hwkit import ROOT


def _tables() -> dict[str, KindTable]:
    from hwcnn.cost import COST_RULES
    from hwcnn.hlsgen.precision import TYPE_RULES
    from hwcnn.sim.graph import KERNELS

    return {"type rule": TYPE_RULES, "simulator kernel": KERNELS, "cost rule": COST_RULES}


def _hls4ml_class_names() -> set[str]:
    from hls4ml.model.layers import layer_map

    from hwcnn.hlsgen import extensions

    extensions.register()  # hwcnn's own MultiThreshold
    return {cls.__name__ for cls in layer_map.values()}  # what a converted layer's class_name is


@pytest.mark.parametrize("kind", list(Kind), ids=lambda k: k.value)
def test_every_layer_kind_has_a_type_rule_a_simulator_kernel_a_cost_rule_and_an_hls4ml_class(kind):
    for concern, table in _tables().items():
        assert table.concern == concern
        assert kind in table.rules, f"layer kind {kind.value} has no {concern}"
    assert kind.value in _hls4ml_class_names(), f"hls4ml has no layer class {kind.value}"
    assert isinstance(kind.attrs, tuple) and all(isinstance(a, str) for a in kind.attrs)
    assert isinstance(kind.macs, Macs) and kind.has_macs == (kind.macs is not Macs.NONE)


# imports each module named on the command line with hwcnn.layers as it is, or with one more Kind member
_IMPORT_WITH_A_FAKE_KIND = r'''
import sys, types
from pathlib import Path

import hwcnn

if sys.argv[1] == "fake":
    source = Path(hwcnn.__file__).with_name("layers.py").read_text()
    line = '    INPUT = "Input"\n'
    assert source.count(line) == 1, "the Kind member to add the fake after is not in hwcnn/layers.py"
    layers = types.ModuleType("hwcnn.layers")
    layers.__file__ = str(Path(hwcnn.__file__).with_name("layers.py"))
    sys.modules["hwcnn.layers"] = layers
    exec(compile(source.replace(line, line + '    FAKE = "FakeLayer"\n'), layers.__file__, "exec"), layers.__dict__)
    assert layers.Kind("FakeLayer").value == "FakeLayer"
for module in sys.argv[2:]:
    try:
        __import__(module)
    except AssertionError as err:
        print(module, "refused:", err)
    else:
        print(module, "imported")
'''
_FILLED_BY = {"hwcnn.cost": "cost rule", "hwcnn.sim.graph": "simulator kernel", "hwcnn.hlsgen.precision": "type rule"}


def _import(layers: str) -> dict[str, str]:
    run = subprocess.run([sys.executable, "-c", _IMPORT_WITH_A_FAKE_KIND, layers, *_FILLED_BY], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return dict(line.split(" ", 1) for line in run.stdout.splitlines())


def test_a_kind_added_without_a_cost_rule_kernel_or_type_rule_fails_when_the_module_lacking_it_is_imported():
    assert _import("as is") == {module: "imported" for module in _FILLED_BY}
    refused = _import("fake")
    for module, concern in _FILLED_BY.items():
        assert refused[module] == f"refused: {concern}: no entry for layer kind(s) FakeLayer; every Kind needs one"


def test_the_completeness_check_lists_every_kind_without_an_entry():
    table = KindTable("cost rule")
    table.rule(Kind.INPUT, Kind.DENSE)(lambda c: None)
    assert table.missing([Kind.INPUT, Kind.DENSE, Kind.CLONE]) == [Kind.CLONE]
    with pytest.raises(AssertionError, match="cost rule: no entry for layer kind.s. Transpose, Reshape, Clone"):
        table.assert_complete([Kind.INPUT, Kind.TRANSPOSE, Kind.RESHAPE, Kind.CLONE, Kind.DENSE])
    with pytest.raises(HwcnnError, match="layer kind Clone has no cost rule in hwcnn"):
        table[Kind.CLONE]


def test_a_kind_gets_one_entry_per_concern():
    table = KindTable("simulator kernel")
    table.rule(Kind.DENSE)(lambda: None)
    with pytest.raises(AssertionError, match="simulator kernel: layer kind Dense has two entries"):
        table.rule(Kind.CONV2D, Kind.DENSE)(lambda: None)


_INPUT = {"name": "in", "kind": "Input", "inputs": ["x"], "output": "in_out", "shape": [4, 4, 2],
          "types": {"result": "ap_ufixed<4,0>"}, "weights": {}, "attrs": {}}
_POOL = {"name": "pool", "kind": "Pooling2D", "inputs": ["in_out"], "output": "pool_out", "shape": [2, 2, 2],
         "types": {"accum": "ap_ufixed<4,0>", "result": "ap_ufixed<4,0>"}, "weights": {},
         "attrs": {"in_height": 4, "in_width": 4, "n_filt": 2, "pool_height": 2, "pool_width": 2, "stride_height": 2,
                   "stride_width": 2, "out_height": 2, "out_width": 2, "pool_op": "Max"}}


def test_the_cost_model_refuses_a_layer_whose_kind_has_no_cost_rule_instead_of_costing_it_nothing(monkeypatch):
    from hwcnn import cost

    desc = {"format": 1, "layers": [_INPUT, _POOL], "outputs": [{"name": "pool_out"}]}
    (row,) = cost.layer_costs(desc, {})
    assert row["lut"] == cost.fig(3 * 2 * 4, "model")  # with its rule: a 4-bit comparator per pooled value
    monkeypatch.delitem(cost.COST_RULES.rules, Kind.POOLING2D)
    with pytest.raises(HwcnnError, match="layer kind Pooling2D has no cost rule in hwcnn"):
        cost.layer_costs(desc, {})


def test_the_wiring_kinds_cost_no_logic_by_a_rule_of_their_own():
    from hwcnn import cost

    wiring = [Kind.TRANSPOSE, Kind.RESHAPE, Kind.CLONE, Kind.ZERO_PADDING2D, Kind.CONCATENATE]
    assert {cost.COST_RULES[k] for k in wiring} == {cost._wiring_cost}
    assert all(cost.COST_RULES[k] is not cost._wiring_cost for k in Kind if k not in wiring)
    clone = {**_POOL, "name": "clone", "kind": "Clone", "outputs": ["c1", "c2"], "attrs": {}}
    (row,) = cost.layer_costs({"format": 1, "layers": [_INPUT, clone]}, {})
    assert "lut" not in row
    # but its two FIFOs, 4 pixels of 2 x 4 bits deep: shift registers, a LUT per bit lane each
    assert row["lutram"] == cost.fig(2 * 8, "model")


def test_unknown_layer_kind_is_refused_by_name():
    with pytest.raises(HwcnnError, match="layer kind DepthwiseConv2D is not supported"):
        Kind.of("DepthwiseConv2D")


def test_macs_per_image_counts_pointwise_convolutions():
    attrs = {"out_height": 8, "out_width": 8}
    assert macs_per_image(Kind.POINTWISE_CONV2D, attrs, 128 * 10) == 64 * 1280
    assert macs_per_image(Kind.CONV2D, attrs, 9 * 4 * 2) == 64 * 72
    assert macs_per_image(Kind.DENSE, {}, 840) == 840
    assert macs_per_image(Kind.POOLING2D, attrs, 0) == 0
