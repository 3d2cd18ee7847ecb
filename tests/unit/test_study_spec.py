"""Study files, Pareto fronts, budget questions and the greedy mixed-precision search, on small
synthetic results (the end-to-end studies are in tests/cli/test_study.py)."""

from __future__ import annotations

import json

import pytest

from hwcnn.errors import HwcnnError
from hwcnn.study import results, search, spec
from hwkit import ROOT

MODELS = ROOT / "models"


def _spec(tmp_path, text: str):
    f = tmp_path / "s.toml"
    f.write_text(text + f'\n[[models]]\nfloat = "{MODELS / "lenet5-float"}"\n')
    return spec.load(f, MODELS)


def test_a_study_file_expands_into_points_that_share_trained_models(tmp_path):
    s = _spec(tmp_path, "[axes]\nweight_bits = [2, 4]\nact_bits = 4\n"
                        "layer_bits = [{}, {first = [8, 8], last = [8, 8]}]\nreuse_factor = [1, 2]\n")
    pts = spec.grid(s, {"lenet5": ("conv1", "conv2", "conv3", "fc1", "fc2")})
    assert len(pts) == 2 * 1 * 2 * 2
    assert {p.layer_bits for p in pts} == {(), (("conv1", 8, 8), ("fc2", 8, 8))}  # first and last resolved
    assert len({p.id for p in pts}) == len(pts) and len({p.train_key for p in pts}) == 4  # RF shares a model
    assert s.train["epochs"] == 1 and s.train["lr"] == 1e-3  # the finetune preset


def test_shipped_recipes_are_presets(tmp_path):
    s = _spec(tmp_path, '[train]\npreset = "squeezenet-w4a4"\nepochs = 2\n')
    shipped = json.loads((MODELS / "squeezenet-w4a4" / "config.json").read_text())
    assert s.train == {**{k: v for k, v in shipped["train"].items() if k != "init_from"}, "epochs": 2}
    assert s.quant == {"input_bits": 8, "weight_scale": "mse"}


@pytest.mark.parametrize("text, message", [
    ("[axes]\nwbits = [2]\n", "axes: unknown key 'wbits'"),
    ("[axes]\nweight_bits = [1]\n", "axes.weight_bits: expected integers in 2..8"),
    ("[axes]\nstrategy = 'Fast'\n", "axes.strategy: 'Fast' is not one of Latency, Resource"),
    ("[axes]\nlayer_bits = [{conv1 = [8]}]\n", "axes.layer_bits[0].conv1: expected [weight bits, activation bits]"),
    ("[train]\nepochs = 0\n", "epochs = 0 and batch_size = 128 must be >= 1"),
    ("[train]\ninit_from = 'x'\n", "train: unknown key 'init_from'"),
    ("[train]\npreset = 'long'\n", "train.preset = 'long'"),
    ("[cost]\nboard = 'zynq9'\n", "cost.board: 'zynq9' is not in hls/targets.json"),
    ("[objectives]\nbudgets = ['lut<20']\n", "budget 'lut<20': expected within=DROP"),
    ("[objectives]\ncost = ['area']\n", "objectives.cost: 'area' is not one of"),
    ("[sensitivity]\nbudget = {lut = -1}\n", "sensitivity.budget: expected positive numbers"),
    ("colour = 1\n", "study: unknown key 'colour'"),
])
def test_a_bad_study_file_is_one_error_naming_its_place(tmp_path, text, message):
    with pytest.raises(HwcnnError, match=message.replace("[", r"\[").replace("(", r"\(")):
        _spec(tmp_path, text)


def test_an_unknown_layer_is_named_with_the_models_layers(tmp_path):
    s = _spec(tmp_path, "[axes]\nlayer_bits = [{conv9 = [8, 8]}]\n")
    with pytest.raises(HwcnnError, match="no layer 'conv9'; the layers are conv1, fc1"):
        spec.grid(s, {"lenet5": ("conv1", "fc1")})


def _row(pid, acc, lut, dsp=0, float_acc=0.99, status="ok"):
    return {"id": pid, "status": status, "accuracy": {"hardware": acc, "qat": acc, "float": float_acc},
            "cost": {"lut": {"value": lut, "source": "model"}, "dsp": {"value": dsp, "source": "model"}}}


def test_the_pareto_front_keeps_only_points_nothing_beats():
    rows = [_row("a", 0.90, 100), _row("b", 0.95, 200), _row("c", 0.93, 300), _row("d", 0.95, 250),
            _row("e", 0.99, 400), _row("f", 0.90, 100)]
    assert [r["id"] for r in results.pareto_front(rows, "lut")] == ["a", "b", "e"]


def test_budget_questions_are_answered_from_the_results():
    rows = [_row("small", 0.980, 100), _row("mid", 0.986, 200), _row("big", 0.989, 400)]
    cheapest = results.answer_budget(rows, "within=0.005", ("lut",))
    assert (cheapest["answer"], cheapest["candidates"]) == ("mid", 2)
    assert results.answer_budget(rows, "lut<=250", ("lut",))["answer"] == "mid"
    assert results.answer_budget(rows, "lut<=50", ("lut",))["answer"] is None


def test_a_failed_point_is_listed_not_ranked_or_plotted(tmp_path, monkeypatch):
    from hwcnn.study.spec import Point, StudySpec, Axes

    s = StudySpec("t", {"m": tmp_path}, {"epochs": 1}, Axes())
    good = {**_row("good", 0.95, 300), **Point("m", 4, 4).as_dict(), "check": {"csim_images": 10}}
    good["cost"]["weight_bits"] = {"value": 8000, "source": "exact"}
    bad = {**_row("bad", 0.99, 10), **Point("m", 2, 2).as_dict(), "status": "failed",
           "failure": "hardware disagrees: sim_vs_csim 0.9000", "check": {"csim_images": 10}}
    plotted = []
    monkeypatch.setattr(results, "plot_fronts", lambda spec, rows, fronts, path: plotted.extend(rows))
    monkeypatch.setattr(results, "plot_heatmap", lambda rows, path: None)
    summary = results.write(s, tmp_path, {Point("m", 4, 4): good, Point("m", 2, 2): bad}, None)
    assert summary["pareto"]["lut"] == ["good"] and (summary["ok"], summary["failed"]) == (1, 1)
    assert [r["id"] for r in plotted] == ["good"]
    md = (tmp_path / "study.md").read_text()
    assert "## Failed points (not results)" in md and "| bad | hardware disagrees" in md
    assert "bad" not in md.split("## Failed points")[0]
    assert ",failed," in (tmp_path / "study.csv").read_text()


# ---- sensitivity and the greedy search, on a synthetic model of accuracy and cost -------------

# per layer: (accuracy lost when lowered, LUTs saved when lowered)
SYNTH = {"conv1": (0.030, 1000), "conv2": (0.002, 4000), "conv3": (0.004, 2000), "fc1": (0.001, 3000),
         "fc2": (0.050, 500)}
BASE = (0.99, 20000)


def _evaluate(lowered, extra=0.0):
    acc = BASE[0] - sum(SYNTH[x][0] for x in lowered)
    lut = BASE[1] - sum(SYNTH[x][1] for x in lowered) + extra  # `extra`: what the additive prediction misses
    return acc, lut


def test_sensitivity_is_measured_per_layer_and_ordered_by_loss_per_saving():
    table = search.sensitivity_table(BASE, {k: _evaluate((k,)) for k in SYNTH})
    row = {r["layer"]: r for r in table}
    assert row["conv2"]["accuracy_drop"] == pytest.approx(0.002) and row["conv2"]["saving"] == 4000
    # loss per LUT saved: fc1 0.33e-6, conv2 0.5e-6, conv3 2e-6, conv1 30e-6, fc2 100e-6
    assert search.greedy_order(table) == ["fc1", "conv2", "conv3", "conv1", "fc2"]


def test_the_greedy_search_lowers_the_least_sensitive_layers_until_the_budget_fits():
    table = search.sensitivity_table(BASE, {k: _evaluate((k,)) for k in SYNTH})
    calls = []
    res = search.greedy_search(table, BASE[1], 13500, lambda lowered: calls.append(lowered) or _evaluate(lowered))
    assert res["lowered"] == ["fc1", "conv2"] and res["fits"] and res["cost"] == 13000
    assert calls == [("fc1", "conv2")]  # predicted to fit, checked once


def test_the_greedy_search_lowers_one_more_layer_while_the_measured_cost_is_over():
    table = search.sensitivity_table(BASE, {k: _evaluate((k,)) for k in SYNTH})
    res = search.greedy_search(table, BASE[1], 13500, lambda lowered: _evaluate(lowered, extra=1000))
    assert [s["lowered"] for s in res["steps"]] == [["fc1", "conv2"], ["fc1", "conv2", "conv3"]]
    assert res["fits"] and res["cost"] == 12000


def test_an_unreachable_budget_is_reported_not_met():
    table = search.sensitivity_table(BASE, {k: _evaluate((k,)) for k in SYNTH})
    res = search.greedy_search(table, BASE[1], 100, _evaluate)
    assert not res["fits"] and sorted(res["lowered"]) == sorted(SYNTH)
